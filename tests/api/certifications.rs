//! Certifications: the brand's catalogue, what partners' people earned and until when, the
//! list of those to renew, and the notice a partner hears before one runs out.

use std::time::Duration;

use chrono::{Months, NaiveDate, Utc};
use serde_json::{Value, json};

use crate::helpers::{PARTNER_ADMIN, TestApp, spawn_app, spawn_app_with};
use crate::orders::trade;
use crate::webhooks::{Receiver, create_endpoint};

fn uuid_of(id: &str) -> uuid::Uuid {
    channelgraph::ids::GlobalId::parse(id).unwrap().id
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The day `months` months and `days` days before today.
fn ago(months: u32, days: u64) -> NaiveDate {
    today() - Months::new(months) - chrono::Days::new(days)
}

const RECORD: &str = "contactCertification { id earnedOn expiresOn status evidence version contact { name } certification { code } organization { code } }";

async fn partner_admin(app: &TestApp, email: &str, organization: &str) -> String {
    app.create_user(
        email,
        "partner admin password",
        PARTNER_ADMIN,
        Some(uuid_of(organization)),
    )
    .await;
    app.token_for(email, "partner admin password").await
}

async fn contact(app: &TestApp, organization: &str, name: &str) -> String {
    let made = app
        .mutate(
            "contactCreate",
            "contact { id }",
            json!({ "organizationId": organization, "name": name }),
        )
        .await;
    made["contact"]["id"].as_str().unwrap().to_owned()
}

async fn catalogue_entry(app: &TestApp, code: &str, months: i32) -> String {
    let made = app
        .mutate(
            "certificationCreate",
            "certification { id code validityMonths version }",
            json!({ "code": code, "name": format!("{code} training"), "validityMonths": months }),
        )
        .await;
    assert_eq!(made["userErrors"], json!([]), "{made}");
    made["certification"]["id"].as_str().unwrap().to_owned()
}

async fn record(app: &TestApp, contact: &str, certification: &str, earned: NaiveDate) -> Value {
    app.mutate(
        "contactCertificationRecord",
        RECORD,
        json!({ "contactId": contact, "certificationId": certification,
                "earnedOn": earned.to_string(), "evidence": "https://academy.example/c/1" }),
    )
    .await
}

async fn listed(app: &TestApp, token: Option<&str>, filter: Value) -> (i64, Vec<String>) {
    let query = "query($filter: ContactCertificationFilter) { contactCertifications(filter: $filter) { totalCount nodes { contact { name } certification { code } status } } }";
    let body = match token {
        Some(token) => {
            app.graphql_as(token, query, json!({ "filter": filter }))
                .await
        }
        None => app.graphql(query, json!({ "filter": filter })).await,
    };
    assert!(body.get("errors").is_none(), "{body}");
    let list = &body["data"]["contactCertifications"];
    let names = list["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            format!(
                "{} {} {}",
                n["contact"]["name"].as_str().unwrap_or("?"),
                n["certification"]["code"].as_str().unwrap_or("?"),
                n["status"].as_str().unwrap()
            )
        })
        .collect();
    (list["totalCount"].as_i64().unwrap(), names)
}

#[tokio::test]
async fn staff_record_certifications_that_run_out_after_their_validity_and_list_those_to_renew() {
    let app = spawn_app().await;
    let t = trade(&app).await;

    // The catalogue: codes are unique, validity is bounded.
    let service = catalogue_entry(&app, "svc-1", 24).await;
    let sales = catalogue_entry(&app, "SALES-1", 12).await;
    for (input, field, code) in [
        (
            json!({ "code": "SVC-1", "name": "Again", "validityMonths": 12 }),
            "code",
            "TAKEN",
        ),
        (
            json!({ "code": "NEW-1", "name": "Forever", "validityMonths": 0 }),
            "validityMonths",
            "OUT_OF_RANGE",
        ),
        (
            json!({ "code": "NEW-1", "name": "Too long", "validityMonths": 121 }),
            "validityMonths",
            "OUT_OF_RANGE",
        ),
        (
            json!({ "code": "NEW-1", "name": "Bad\u{202E}name", "validityMonths": 12 }),
            "name",
            "INVALID",
        ),
        (
            json!({ "code": "a b", "name": "Spaced", "validityMonths": 12 }),
            "code",
            "INVALID",
        ),
    ] {
        let refused = app
            .mutate("certificationCreate", "certification { id }", input)
            .await;
        assert_eq!(refused["certification"], Value::Null, "{refused}");
        assert_eq!(refused["userErrors"][0]["field"], json!(["input", field]));
        assert_eq!(refused["userErrors"][0]["code"], code, "{refused}");
    }

    let ada = contact(&app, &t.distributor, "Ada Lind").await;
    let ben = contact(&app, &t.distributor, "Ben Ode").await;
    let dora = contact(&app, &t.dealer, "Dora Sand").await;
    let brand_person = contact(&app, &t.brand, "Bea Brand").await;

    // Earned 23 months and 10 days ago, valid 24 months: it runs out in about 20 days.
    let soon = record(&app, &ada, &service, ago(23, 10)).await;
    assert_eq!(soon["userErrors"], json!([]), "{soon}");
    let soon = &soon["contactCertification"];
    assert_eq!(
        soon["expiresOn"],
        (ago(23, 10) + Months::new(24)).to_string()
    );
    assert_eq!(soon["status"], "EXPIRING");
    assert_eq!(soon["contact"]["name"], "Ada Lind");
    assert_eq!(soon["certification"]["code"], "SVC-1");
    assert_eq!(soon["organization"]["code"], "DIST-1");
    assert_eq!(soon["evidence"], "https://academy.example/c/1");
    let old = record(&app, &ada, &sales, ago(14, 0)).await;
    assert_eq!(old["contactCertification"]["status"], "EXPIRED", "{old}");
    let fresh = record(&app, &ben, &service, ago(1, 0)).await;
    assert_eq!(fresh["contactCertification"]["status"], "VALID", "{fresh}");
    let dealer_side = record(&app, &dora, &service, ago(23, 20)).await;
    assert_eq!(
        dealer_side["contactCertification"]["status"], "EXPIRING",
        "{dealer_side}"
    );

    // What is refused, and names the field.
    let tomorrow = today() + chrono::Days::new(2);
    for (contact, certification, earned, field, code) in [
        (&ada, &service, ago(23, 10), "earnedOn", "DUPLICATE"),
        (&ben, &service, tomorrow, "earnedOn", "OUT_OF_RANGE"),
        (
            &brand_person,
            &service,
            ago(1, 0),
            "contactId",
            "NOT_ALLOWED",
        ),
        (&ben, &ada, ago(1, 0), "certificationId", "WRONG_TYPE"),
    ] {
        let refused = record(&app, contact, certification, earned).await;
        assert_eq!(refused["contactCertification"], Value::Null, "{refused}");
        assert_eq!(refused["userErrors"][0]["field"], json!(["input", field]));
        assert_eq!(refused["userErrors"][0]["code"], code, "{refused}");
    }

    // Staff list what needs renewing, soonest first.
    let (n, expiring) = listed(&app, None, json!({ "status": "EXPIRING" })).await;
    assert_eq!(n, 2);
    assert_eq!(
        expiring,
        ["Dora Sand SVC-1 EXPIRING", "Ada Lind SVC-1 EXPIRING"]
    );
    let (_, expired) = listed(&app, None, json!({ "status": "EXPIRED" })).await;
    assert_eq!(expired, ["Ada Lind SALES-1 EXPIRED"]);
    let (n, _) = listed(
        &app,
        None,
        json!({ "expiresOnOrBefore": (today() + chrono::Days::new(60)).to_string() }),
    )
    .await;
    assert_eq!(n, 3);
    let (n, _) = listed(&app, None, json!({ "contactId": ben })).await;
    assert_eq!(n, 1);

    // A partner sees its own company's people only; not its dealer's, not another's.
    let dist_admin = partner_admin(&app, "admin@dist-1.test", &t.distributor).await;
    let dealer_admin = partner_admin(&app, "admin@dealer-1.test", &t.dealer).await;
    let (n, own) = listed(&app, Some(&dist_admin), json!({})).await;
    assert_eq!(n, 3, "{own:?}");
    assert!(own.iter().all(|r| !r.starts_with("Dora")), "{own:?}");
    let (n, _) = listed(
        &app,
        Some(&dealer_admin),
        json!({ "organizationId": t.distributor }),
    )
    .await;
    assert_eq!(n, 0);
    let id = soon["id"].as_str().unwrap();
    let node = app
        .graphql_as(
            &dealer_admin,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(node["data"]["node"], Value::Null, "{node}");

    // Partners read the catalogue but neither keep it nor record certifications.
    let catalogue = app
        .graphql_as(
            &dist_admin,
            "{ certifications { totalCount nodes { code validityMonths } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        catalogue["data"]["certifications"]["nodes"],
        json!([{ "code": "SALES-1", "validityMonths": 12 }, { "code": "SVC-1", "validityMonths": 24 }]),
        "{catalogue}"
    );
    let body = app
        .graphql_as(
            &dist_admin,
            "mutation($input: ContactCertificationRecordInput!) { contactCertificationRecord(input: $input) { contactCertification { id } userErrors { code } } }",
            json!({ "input": { "contactId": ben, "certificationId": sales, "earnedOn": ago(0, 3).to_string() } }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    let (n, _) = listed(&app, None, json!({ "contactId": ben })).await;
    assert_eq!(n, 1, "nothing was written");

    // Revoking takes a reason and happens once.
    let version = soon["version"].as_i64().unwrap();
    let revoke = |reason: &'static str, version: i64| {
        let app = &app;
        async move {
            app.mutate(
                "contactCertificationRevoke",
                "contactCertification { status revokeReason version }",
                json!({ "id": id, "version": version, "reason": reason }),
            )
            .await
        }
    };
    let blank = revoke("  ", version).await;
    assert_eq!(blank["userErrors"][0]["code"], "REQUIRED", "{blank}");
    let revoked = revoke("Exam taken by someone else", version).await;
    assert_eq!(
        revoked["contactCertification"]["status"], "REVOKED",
        "{revoked}"
    );
    assert_eq!(
        revoked["contactCertification"]["revokeReason"],
        "Exam taken by someone else"
    );
    let again = revoke("Twice", version + 1).await;
    assert_eq!(
        again["userErrors"][0]["code"], "ILLEGAL_TRANSITION",
        "{again}"
    );

    // An archived certification is no longer earned; those who hold it keep it.
    let archived = app
        .mutate(
            "certificationArchive",
            "certification { archivedAt }",
            json!({ "id": sales, "version": 1 }),
        )
        .await;
    assert!(
        archived["certification"]["archivedAt"].is_string(),
        "{archived}"
    );
    let refused = record(&app, &ben, &sales, ago(0, 1)).await;
    assert_eq!(refused["userErrors"][0]["code"], "ARCHIVED", "{refused}");
    let (_, expired) = listed(&app, None, json!({ "status": "EXPIRED" })).await;
    assert_eq!(expired, ["Ada Lind SALES-1 EXPIRED"]);
    let catalogue = app
        .graphql("{ certifications { nodes { code } } }", json!({}))
        .await;
    assert_eq!(
        catalogue["data"]["certifications"]["nodes"],
        json!([{ "code": "SVC-1" }])
    );

    // A new validity counts for what is recorded from then on.
    let changed = app
        .mutate(
            "certificationUpdate",
            "certification { validityMonths description version }",
            json!({ "id": service, "version": 1, "validityMonths": 36, "description": "Service and repair" }),
        )
        .await;
    assert_eq!(changed["certification"]["validityMonths"], 36, "{changed}");
    let renewed = record(&app, &dora, &service, ago(0, 5)).await;
    assert_eq!(
        renewed["contactCertification"]["expiresOn"],
        (ago(0, 5) + Months::new(36)).to_string()
    );
    let (_, dora_listed) = listed(&app, None, json!({ "contactId": dora })).await;
    assert_eq!(
        dora_listed,
        ["Dora Sand SVC-1 EXPIRING", "Dora Sand SVC-1 VALID"]
    );
}

#[tokio::test]
async fn a_partner_hears_once_that_a_certification_is_about_to_run_out_and_another_hears_nothing() {
    let app = spawn_app_with(|s| {
        s.webhooks.poll = Duration::from_millis(30);
        s.program_interval = Duration::from_millis(100);
        s.crm.partner.certification_notice_days = 45;
    })
    .await;
    let t = trade(&app).await;
    let other = app
        .create_org("DISTRIBUTOR", "Anderer Vertrieb", "DIST-2")
        .await;
    app.link(&t.brand, &other, "DISTRIBUTES_TO").await;
    let (mine, theirs) = (Receiver::start(0).await, Receiver::start(0).await);
    let a_admin = partner_admin(&app, "admin@dist-1.test", &t.distributor).await;
    let b_admin = partner_admin(&app, "admin@dist-2.test", &other).await;
    for (token, receiver) in [(&a_admin, &mine), (&b_admin, &theirs)] {
        let made = create_endpoint(
            &app,
            token,
            json!({ "url": receiver.url, "eventTypes": ["CERTIFICATION_EXPIRING"] }),
        )
        .await;
        assert_eq!(made["userErrors"], json!([]), "{made}");
    }
    let service = catalogue_entry(&app, "SVC-1", 12).await;
    let ada = contact(&app, &t.distributor, "Ada Lind").await;
    let ben = contact(&app, &t.distributor, "Ben Ode").await;
    let cleo = contact(&app, &t.distributor, "Cleo Renewed").await;
    // Ada's runs out in about a month: inside the 45 days' notice.
    let told = record(&app, &ada, &service, ago(11, 0)).await;
    let told_id = told["contactCertification"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(told["contactCertification"]["status"], "EXPIRING", "{told}");
    // Ben's has more than 45 days left.
    record(&app, &ben, &service, ago(9, 0)).await;
    // Cleo's old one is about to run out, but she has renewed it (the renewal recorded
    // first, so no pass finds the old one alone).
    record(&app, &cleo, &service, ago(0, 3)).await;
    record(&app, &cleo, &service, ago(11, 5)).await;

    let hits = mine.wait_for(1).await;
    let event = hits[0].json();
    assert_eq!(event["type"], "CERTIFICATION_EXPIRING");
    assert_eq!(event["data"]["contact"]["name"], "Ada Lind");
    assert_eq!(event["data"]["certification"]["code"], "SVC-1");
    assert_eq!(event["data"]["contactCertification"]["id"], json!(told_id));
    assert_eq!(
        event["data"]["contactCertification"]["expiresOn"],
        (ago(11, 0) + Months::new(12)).to_string()
    );
    let days_left = event["data"]["contactCertification"]["daysLeft"]
        .as_i64()
        .unwrap();
    assert!((27..=32).contains(&days_left), "{days_left}");

    // Several more passes tell nobody anything new.
    tokio::time::sleep(Duration::from_millis(600)).await;
    // Deliveries are at least once (a slow answer is retried); the event is one.
    let events: std::collections::BTreeSet<String> = mine
        .hits()
        .iter()
        .map(|h| h.json()["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(events.len(), 1, "told once: {:?}", mine.hits());
    assert!(theirs.hits().is_empty(), "the other partner hears nothing");
    let body = app
        .graphql_as(
            &a_admin,
            "query($id: ID!) { node(id: $id) { ... on ContactCertification { noticeSentAt } } }",
            json!({ "id": told_id }),
        )
        .await;
    assert!(body["data"]["node"]["noticeSentAt"].is_string(), "{body}");
}
