//! Replenishment proposals (vendor-managed inventory), on 26 weeks of reports from three
//! distributors of four products, against quantities worked out by hand: a trend, a
//! stock-out, pack-size rounding, the least and the most, and a distributor that stopped
//! reporting. Accepting one orders it as the portal would; a brand-managed one is ordered by
//! the brand once when its window passes, and the distributor gets an 855.

use chrono::{Datelike, Days, NaiveDate};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};
use crate::orders::{Trade, mutate_as, trade};

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// This week's Monday, less `weeks` weeks.
fn monday(weeks: u64) -> NaiveDate {
    let today = today();
    today - Days::new(u64::from(today.weekday().num_days_from_monday())) - Days::new(7 * weeks)
}

fn uuid_of(id: &str) -> uuid::Uuid {
    channelgraph::ids::GlobalId::parse(id).unwrap().id
}

struct Fixture {
    t: Trade,
    dist2: String,
    dist3: String,
}

async fn policy(app: &TestApp, input: Value) {
    let body = app
        .mutate(
            "replenishmentPolicyCreate",
            "replenishmentPolicy { id }",
            input,
        )
        .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
}

async fn sold(app: &TestApp, org: &str, weeks_ago: u64, lines: Value) {
    let start = monday(weeks_ago);
    let body = app
        .mutate(
            "sellThroughReportSubmit",
            "report { id }",
            json!({ "organizationId": org, "periodStart": start.to_string(),
                    "periodEnd": (start + Days::new(6)).to_string(), "lines": lines }),
        )
        .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
}

async fn stock(app: &TestApp, org: &str, as_of: NaiveDate, lines: Value) {
    let body = app
        .mutate(
            "inventoryReportSubmit",
            "report { id }",
            json!({ "organizationId": org, "asOf": as_of.to_string(), "lines": lines }),
        )
        .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
}

/// Three GOLD distributors and four products, with 26 weeks of weekly sell-through up to
/// last Sunday (DIST-3's stopped five weeks ago), today's stock, and an open order of 30
/// widgets from DIST-1. Gold aims for 2 weeks beyond the cover, with 7 days' lead time and a
/// Monday review: a cover of 14 days, whatever the weekday the test runs.
async fn fixture(app: &TestApp) -> Fixture {
    let t = trade(app).await;
    app.create_product("PACK-3", "Packs", "6").await;
    app.create_product("SLOW-4", "Slow", "4").await;
    let ids = app
        .graphql(
            "{ products(first: 10) { nodes { id sku } } priceLists { nodes { id version code } } partnerTiers { nodes { id code } } }",
            json!({}),
        )
        .await;
    let product = |sku: &str| {
        ids["data"]["products"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["sku"] == sku)
            .unwrap()["id"]
            .clone()
    };
    let list = ids["data"]["priceLists"]["nodes"][0].clone();
    let prices = app
        .mutate(
            "priceListUpdate",
            "priceList { id }",
            json!({ "id": list["id"], "version": list["version"], "entries": [
                { "productId": product("WIDGET-1"), "minQuantity": "1", "unitPrice": "10.00" },
                { "productId": product("GADGET-1"), "minQuantity": "1", "unitPrice": "80" },
                { "productId": product("PACK-3"), "minQuantity": "1", "unitPrice": "5" },
                { "productId": product("SLOW-4"), "minQuantity": "1", "unitPrice": "3" },
            ] }),
        )
        .await;
    assert_eq!(prices["userErrors"], json!([]), "{prices}");
    let gold = ids["data"]["partnerTiers"]["nodes"][0]["id"].clone();
    let dist2 = app.create_org("DISTRIBUTOR", "Süd Handel", "DIST-2").await;
    let dist3 = app
        .create_org("DISTRIBUTOR", "West Vertrieb", "DIST-3")
        .await;
    for d in [&dist2, &dist3] {
        app.link(&t.brand, d, "DISTRIBUTES_TO").await;
        app.assign_tier(d, gold.as_str().unwrap()).await;
    }
    policy(
        app,
        json!({ "tierId": gold, "targetWeeks": "2", "leadTimeDays": 7, "reviewDays": ["MONDAY"] }),
    )
    .await;
    policy(
        app,
        json!({ "partnerId": t.distributor, "productId": product("PACK-3"), "orderMultiple": "12" }),
    )
    .await;
    policy(
        app,
        json!({ "partnerId": dist2, "productId": product("WIDGET-1"), "maxQuantity": "60" }),
    )
    .await;
    policy(
        app,
        json!({ "partnerId": dist2, "productId": product("GADGET-1"), "minQuantity": "24" }),
    )
    .await;
    for k in (1..=26u64).rev() {
        let t_ = 26 - k;
        sold(
            app,
            &t.distributor,
            k,
            json!([
                { "sku": "WIDGET-1", "quantity": (10 + 2 * t_).to_string() },
                { "sku": "GADGET-1", "quantity": "20" },
                { "sku": "PACK-3", "quantity": "7" },
                { "sku": "SLOW-4", "quantity": "1" },
            ]),
        )
        .await;
        sold(
            app,
            &dist2,
            k,
            json!([
                { "sku": "WIDGET-1", "quantity": "50" },
                { "sku": "GADGET-1", "quantity": "3" },
                { "sku": "SLOW-4", "quantity": (30 - t_).to_string() },
            ]),
        )
        .await;
        if k >= 6 {
            sold(
                app,
                &dist3,
                k,
                json!([{ "sku": "WIDGET-1", "quantity": "10" }]),
            )
            .await;
        }
    }
    // Last week's count is not the latest: today's is.
    stock(
        app,
        &t.distributor,
        today() - Days::new(7),
        json!([{ "sku": "WIDGET-1", "onHand": "999" }]),
    )
    .await;
    stock(
        app,
        &t.distributor,
        today(),
        json!([
            { "sku": "WIDGET-1", "onHand": "100" },
            { "sku": "GADGET-1", "onHand": "0" },
            { "sku": "PACK-3", "onHand": "5" },
            { "sku": "SLOW-4", "onHand": "50" },
        ]),
    )
    .await;
    stock(
        app,
        &dist2,
        today(),
        json!([
            { "sku": "WIDGET-1", "onHand": "10" },
            { "sku": "GADGET-1", "onHand": "0" },
            { "sku": "PACK-3", "onHand": "0" },
            { "sku": "SLOW-4", "onHand": "2" },
        ]),
    )
    .await;
    let ordered = mutate_as(
        app,
        &t.portal,
        "orderSubmit",
        "OrderSubmitInput",
        "order { id status }",
        json!({ "poNumber": "NL-OPEN-1", "lines": [{ "sku": "WIDGET-1", "quantity": "30" }] }),
    )
    .await;
    assert_eq!(ordered["userErrors"], json!([]), "{ordered}");
    // DIST-2's order of 10 widgets and 20 gadgets has shipped: the gadgets were due
    // yesterday (arrived, though never marked received), the widgets are due tomorrow.
    let placed = app
        .mutate(
            "orderSubmit",
            "order { id version status }",
            json!({ "buyerId": dist2, "poNumber": "SUED-1", "lines": [
                { "sku": "WIDGET-1", "quantity": "10" }, { "sku": "GADGET-1", "quantity": "20" }] }),
        )
        .await;
    assert_eq!(placed["order"]["status"], "SUBMITTED", "{placed}");
    let acked = app
        .mutate(
            "orderAcknowledge",
            "order { id version }",
            json!({ "id": placed["order"]["id"], "version": placed["order"]["version"], "lines": [
                { "lineNumber": 1, "decision": "ACCEPT" }, { "lineNumber": 2, "decision": "ACCEPT" }] }),
        )
        .await;
    let mut version = acked["order"]["version"].clone();
    for (line, quantity, expected) in [
        (2, "20", today() - Days::new(1)),
        (1, "10", today() + Days::new(1)),
    ] {
        let shipped = app
            .mutate(
                "shipmentCreate",
                "shipment { order { version } }",
                json!({ "orderId": placed["order"]["id"], "version": version, "carrier": "DHL",
                        "expectedAt": expected.to_string(), "lines": [{ "lineNumber": line, "quantity": quantity }] }),
            )
            .await;
        assert_eq!(shipped["userErrors"], json!([]), "{shipped}");
        version = shipped["shipment"]["order"]["version"].clone();
    }
    Fixture { t, dist2, dist3 }
}

const LINE: &str = "lineNumber product { sku } quantity demand weeklyDemand coverWeeks leadTimeDays reviewPeriodDays targetWeeks safetyStock onHand inTransit need orderMultiple minQuantity maxQuantity forecastMethod wape explanation";

fn fields() -> String {
    format!(
        "id number version status trigger brandManaged acceptAfter asOf stockAsOf reportedThrough distributor {{ code }} order {{ poNumber brandInitiated }} lines {{ {LINE} }}"
    )
}

fn proposal_fields() -> String {
    format!("proposal {{ {} }}", fields())
}

async fn propose(app: &TestApp, token: &str, distributor: Option<&str>) -> Value {
    mutate_as(
        app,
        token,
        "replenishmentPropose",
        "ReplenishmentProposeInput",
        &format!("{} userErrors {{ field code message }}", proposal_fields()),
        json!({ "distributorId": distributor }),
    )
    .await
}

/// `sku: quantity (demand + safety − on hand − in transit = need)` per line.
fn worked(proposal: &Value) -> Vec<String> {
    proposal["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            format!(
                "{}: {} ({} + {} − {} − {} = {})",
                l["product"]["sku"].as_str().unwrap(),
                l["quantity"].as_str().unwrap(),
                l["demand"].as_str().unwrap(),
                l["safetyStock"].as_str().unwrap(),
                l["onHand"].as_str().unwrap(),
                l["inTransit"].as_str().unwrap(),
                l["need"].as_str().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn proposals_equal_the_quantities_worked_out_by_hand() {
    let app = spawn_app().await;
    let f = fixture(&app).await;

    // DIST-1, 14 days of cover (2 weeks) and 2 weeks beyond:
    // - widgets rise 10, 12, … 60 a week: 62 + 64 = 126 over the cover, 63 a week, so 126
    //   safety; 100 on hand and 30 on the open order: 122;
    // - gadgets sell 20 a week and are out of stock: 40 + 40;
    // - packs sell 7 a week, 5 on hand: 14 + 14 − 5 = 23, in cartons of 12: 24;
    // - one slow part a week with 50 on hand: nothing.
    let one = propose(&app, &app.token, Some(&f.t.distributor)).await;
    assert_eq!(one["userErrors"], json!([]), "{one}");
    let p = &one["proposal"];
    assert_eq!(
        worked(p),
        [
            "WIDGET-1: 122 (126 + 126 − 100 − 30 = 122)",
            "GADGET-1: 80 (40 + 40 − 0 − 0 = 80)",
            "PACK-3: 24 (14 + 14 − 5 − 0 = 23)",
            "SLOW-4: 0 (2 + 2 − 50 − 0 = -46)",
        ]
    );
    let widget = &p["lines"][0];
    assert_eq!(
        widget,
        &json!({ "lineNumber": 1, "product": { "sku": "WIDGET-1" }, "quantity": "122", "demand": "126",
                 "weeklyDemand": "63", "coverWeeks": "2", "leadTimeDays": 7, "reviewPeriodDays": 7,
                 "targetWeeks": "2", "safetyStock": "126", "onHand": "100", "inTransit": "30", "need": "122",
                 "orderMultiple": "1", "minQuantity": "0", "maxQuantity": null, "forecastMethod": "HOLT", "wape": "0",
                 "explanation": "126 forecast over 2 weeks (7 days' lead time + 7 days to the next review) + 126 safety stock (2 weeks × 63 a week) − 100 on hand − 30 in transit = 122; order 122 (packs of 1, at least 0)" })
    );
    assert_eq!(
        (
            &p["status"],
            &p["trigger"],
            &p["brandManaged"],
            &p["acceptAfter"],
            &p["stockAsOf"],
            &p["reportedThrough"],
            &p["distributor"]
        ),
        (
            &json!("PENDING"),
            &json!("REQUESTED"),
            &json!(false),
            &Value::Null,
            &json!(today().to_string()),
            &json!((monday(0) - Days::new(1)).to_string()),
            &json!({ "code": "DIST-1" })
        )
    );
    assert_eq!(p["number"], "RP-000001");

    // DIST-2:
    // - widgets sell 50 a week, 10 on hand and 10 on the way: 180, but at most 60;
    // - gadgets sell 3 a week: 12, but at least 24;
    // - slow parts fall 30, 29, … 5 a week: 4 + 3 = 7 over the cover, 3.5 a week, 2 on hand;
    // - packs it stocks and never sold: nothing.
    let two = propose(&app, &app.token, Some(&f.dist2)).await;
    assert_eq!(two["userErrors"], json!([]), "{two}");
    assert_eq!(
        worked(&two["proposal"]),
        [
            "WIDGET-1: 60 (100 + 100 − 10 − 10 = 180)",
            "GADGET-1: 24 (6 + 6 − 0 − 0 = 12)",
            "PACK-3: 0 (0 + 0 − 0 − 0 = 0)",
            "SLOW-4: 12 (7 + 7 − 2 − 0 = 12)",
        ]
    );
    assert_eq!(two["proposal"]["lines"][3]["weeklyDemand"], "3.5");

    // DIST-3 sends no stock; then it does, but its sell-through stopped five weeks ago:
    // nothing is proposed from stale data, and the refusal says why.
    let none = propose(&app, &app.token, Some(&f.dist3)).await;
    assert_eq!(none["proposal"], Value::Null);
    assert_eq!(
        none["userErrors"][0]["field"],
        json!(["input", "distributorId"])
    );
    assert!(
        none["userErrors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("DIST-3 has sent no stock report"),
        "{none}"
    );
    stock(
        &app,
        &f.dist3,
        today(),
        json!([{ "sku": "WIDGET-1", "onHand": "5" }]),
    )
    .await;
    let stale = propose(&app, &app.token, Some(&f.dist3)).await;
    let message = stale["userErrors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("DIST-3 stopped reporting sell-through")
            && message.contains(&(monday(6) + Days::new(6)).to_string()),
        "{stale}"
    );

    // A product the brand no longer sells is not proposed.
    let slow = app
        .graphql("{ product(sku: \"SLOW-4\") { id version } }", json!({}))
        .await["data"]["product"]
        .clone();
    let retired = app
        .mutate(
            "productUpdate",
            "product { status }",
            json!({ "id": slow["id"], "version": slow["version"], "status": "INACTIVE" }),
        )
        .await;
    assert_eq!(retired["userErrors"], json!([]), "{retired}");
    let without = propose(&app, &app.token, Some(&f.dist2)).await;
    let skus: Vec<&str> = without["proposal"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["product"]["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus, ["WIDGET-1", "GADGET-1", "PACK-3"]);

    // Asked again, DIST-1's proposal takes the place of the one waiting.
    let again = propose(&app, &f.t.portal, None).await;
    assert_eq!(again["userErrors"], json!([]), "{again}");
    let first = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on ReplenishmentProposal { status version } } }",
            json!({ "id": p["id"] }),
        )
        .await;
    assert_eq!(
        first["data"]["node"],
        json!({ "status": "SUPERSEDED", "version": 2 })
    );
}

const ORDER: &str = "query($po: String!) { orders(filter: { poNumber: $po }) { nodes { id number status poNumber brandInitiated buyer { code } lines { lineNumber product { sku } quantity unitPrice { amount } } ediDocuments { transactionSet direction interchange { content } } } } }";

async fn order(app: &TestApp, po: &str) -> Value {
    let body = app.graphql(ORDER, json!({ "po": po })).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["orders"].clone()
}

#[tokio::test]
async fn a_distributor_accepts_a_proposal_as_an_order_or_rejects_it() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let made = propose(&app, &f.t.portal, None).await;
    let p = made["proposal"].clone();
    let theirs = propose(&app, &app.token, Some(&f.dist2)).await["proposal"].clone();

    // The brand does not accept for the distributor; nor does one distributor for another.
    let accept = |token: String, input: Value| {
        let app = &app;
        async move {
            mutate_as(
                app,
                &token,
                "replenishmentProposalAccept",
                "ReplenishmentProposalAcceptInput",
                &format!("{} userErrors {{ field code message }}", proposal_fields()),
                input,
            )
            .await
        }
    };
    let staff = app
        .graphql(
            "mutation($i: ReplenishmentProposalAcceptInput!) { replenishmentProposalAccept(input: $i) { proposal { id } } }",
            json!({ "i": { "id": p["id"], "version": p["version"] } }),
        )
        .await;
    assert_eq!(
        staff["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{staff}"
    );
    let other = accept(
        f.t.portal.clone(),
        json!({ "id": theirs["id"], "version": theirs["version"] }),
    )
    .await;
    assert_eq!(other["userErrors"][0]["code"], "NOT_FOUND", "{other}");
    // A line the proposal lacks, and a negative quantity, are named.
    for (lines, field) in [
        (json!([{ "lineNumber": 9, "quantity": "1" }]), "lineNumber"),
        (json!([{ "lineNumber": 3, "quantity": "-1" }]), "quantity"),
    ] {
        let refused = accept(
            f.t.portal.clone(),
            json!({ "id": p["id"], "version": p["version"], "lines": lines }),
        )
        .await;
        assert_eq!(
            refused["userErrors"][0]["field"],
            json!(["input", "lines", "0", field]),
            "{refused}"
        );
    }

    // Three cartons of packs instead of two: the order is what orderSubmit makes of it, at
    // the price list's prices, under the proposal's number.
    let accepted = accept(
        f.t.portal.clone(),
        json!({ "id": p["id"], "version": p["version"], "lines": [{ "lineNumber": 3, "quantity": "36" }] }),
    )
    .await;
    assert_eq!(accepted["userErrors"], json!([]), "{accepted}");
    let number = p["number"].as_str().unwrap();
    assert_eq!(
        (
            &accepted["proposal"]["status"],
            &accepted["proposal"]["order"]
        ),
        (
            &json!("ACCEPTED"),
            &json!({ "poNumber": number, "brandInitiated": false })
        )
    );
    let placed = order(&app, number).await;
    assert_eq!(
        placed["nodes"][0]["lines"],
        json!([
            { "lineNumber": 1, "product": { "sku": "WIDGET-1" }, "quantity": "122", "unitPrice": { "amount": "10.00" } },
            { "lineNumber": 2, "product": { "sku": "GADGET-1" }, "quantity": "80", "unitPrice": { "amount": "80.00" } },
            { "lineNumber": 3, "product": { "sku": "PACK-3" }, "quantity": "36", "unitPrice": { "amount": "5.00" } },
        ])
    );
    assert_eq!(placed["nodes"][0]["buyer"]["code"], "DIST-1");
    // Accepted once.
    let twice = accept(
        f.t.portal.clone(),
        json!({ "id": p["id"], "version": accepted["proposal"]["version"] }),
    )
    .await;
    assert_eq!(twice["userErrors"][0]["code"], "CONFLICT", "{twice}");
    assert_eq!(
        order(&app, number).await["nodes"].as_array().unwrap().len(),
        1
    );

    // What is now on order is in transit: widgets need nothing more. The next proposal is
    // rejected, with the reason.
    let next = propose(&app, &f.t.portal, None).await["proposal"].clone();
    assert_eq!(next["lines"][0]["inTransit"], "152", "{next}");
    assert_eq!(next["lines"][0]["quantity"], "0", "{next}");
    let reject = |reason: &'static str| {
        let (app, portal, next) = (&app, f.t.portal.clone(), next.clone());
        async move {
            mutate_as(
                app,
                &portal,
                "replenishmentProposalReject",
                "ReplenishmentProposalRejectInput",
                "proposal { status reason } userErrors { field code }",
                json!({ "id": next["id"], "version": next["version"], "reason": reason }),
            )
            .await
        }
    };
    assert_eq!(
        reject(" ").await["userErrors"][0]["field"],
        json!(["input", "reason"])
    );
    assert_eq!(
        reject("We run a promotion next month").await["proposal"],
        json!({ "status": "REJECTED", "reason": "We run a promotion next month" })
    );

    // The distributor lists its own proposals only; another's is not there by id either.
    let own = app
        .graphql_as(
            &f.t.portal,
            "query($id: ID!) { replenishmentProposals { totalCount nodes { number status } } node(id: $id) { id } }",
            json!({ "id": theirs["id"] }),
        )
        .await;
    assert_eq!(
        own["data"],
        json!({ "replenishmentProposals": { "totalCount": 2, "nodes": [
            { "number": next["number"], "status": "REJECTED" }, { "number": number, "status": "ACCEPTED" }
        ] }, "node": null }),
        "{own}"
    );
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let events: Vec<(String, Vec<uuid::Uuid>)> = entity::event::Entity::find()
        .filter(entity::event::Column::EventType.starts_with("REPLENISHMENT_"))
        .order_by_asc(entity::event::Column::OccurredAt)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.event_type, vec![e.subject_id]))
        .collect();
    let kinds: Vec<&str> = events.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "REPLENISHMENT_PROPOSED",
            "REPLENISHMENT_PROPOSED",
            "REPLENISHMENT_ACCEPTED",
            "REPLENISHMENT_PROPOSED",
            "REPLENISHMENT_REJECTED"
        ]
    );
    assert_eq!(events[2].1, vec![uuid_of(p["id"].as_str().unwrap())]);
}

#[tokio::test]
async fn a_brand_managed_proposal_is_ordered_once_when_its_window_passes_with_an_855() {
    use channelgraph::replenishment::proposals::sweep;
    let app = spawn_app().await;
    let f = fixture(&app).await;
    crate::edi_partners::retail_partner(&app, &f.t).await;
    app.create_user(
        "admin@dist-1.test",
        "admin password 1",
        crate::helpers::PARTNER_ADMIN,
        Some(uuid_of(&f.t.distributor)),
    )
    .await;
    let admin = app.token_for("admin@dist-1.test", "admin password 1").await;
    let enrol = |token: String, input: Value| {
        let app = &app;
        async move {
            mutate_as(
                app,
                &token,
                "replenishmentEnrol",
                "ReplenishmentEnrolInput",
                "enrolment { distributor { code } mode acceptanceWindowHours } userErrors { field code message }",
                input,
            )
            .await
        }
    };
    // The brand enrols; brand-managed is the distributor's own choice, by its admins.
    let staff = enrol(
        app.token.clone(),
        json!({ "distributorId": f.t.distributor, "mode": "BRAND_MANAGED" }),
    )
    .await;
    assert_eq!(
        staff["userErrors"][0]["field"],
        json!(["input", "mode"]),
        "{staff}"
    );
    let member = app
        .graphql_as(
            &f.t.portal,
            "mutation { replenishmentEnrol(input: { mode: BRAND_MANAGED }) { enrolment { mode } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        member["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{member}"
    );
    let chose = enrol(
        admin.clone(),
        json!({ "mode": "BRAND_MANAGED", "acceptanceWindowHours": 6 }),
    )
    .await;
    assert_eq!(
        chose["enrolment"],
        json!({ "distributor": { "code": "DIST-1" }, "mode": "BRAND_MANAGED", "acceptanceWindowHours": 6 }),
        "{chose}"
    );
    // An API token never chooses for its company, whatever its scopes; staff do not set
    // the distributor's window.
    let token = app
        .mutate(
            "apiTokenCreate",
            "secret",
            json!({ "organizationId": f.t.distributor, "name": "ERP", "scopes": ["ORDERS_READ", "ORDERS_WRITE"] }),
        )
        .await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let by_token = app
        .graphql_as(
            &token,
            "mutation { replenishmentEnrol(input: { mode: BRAND_MANAGED }) { enrolment { mode } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        by_token["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{by_token}"
    );
    let window = enrol(
        app.token.clone(),
        json!({ "distributorId": f.t.distributor, "mode": "PROPOSALS", "acceptanceWindowHours": 720 }),
    )
    .await;
    assert_eq!(
        window["userErrors"][0]["field"],
        json!(["input", "acceptanceWindowHours"]),
        "{window}"
    );
    let long = enrol(
        admin.clone(),
        json!({ "mode": "BRAND_MANAGED", "acceptanceWindowHours": 721 }),
    )
    .await;
    assert_eq!(
        long["userErrors"][0]["field"],
        json!(["input", "acceptanceWindowHours"])
    );

    // A stock report arrives: the next pass proposes (once, also when passed again).
    stock(
        &app,
        &f.t.distributor,
        today(),
        json!([
            { "sku": "WIDGET-1", "onHand": "100" },
            { "sku": "GADGET-1", "onHand": "0" },
            { "sku": "PACK-3", "onHand": "5" },
            { "sku": "SLOW-4", "onHand": "50" },
        ]),
    )
    .await;
    let limits = channelgraph::settings::TradeSettings::default();
    assert_eq!(sweep(&app.db, &limits).await.unwrap(), 1);
    assert_eq!(sweep(&app.db, &limits).await.unwrap(), 0);
    let listed = app
        .graphql_as(
            &f.t.portal,
            &format!(
                "{{ replenishmentProposals {{ nodes {{ {} }} }} }}",
                fields()
            ),
            json!({}),
        )
        .await;
    let p = listed["data"]["replenishmentProposals"]["nodes"][0].clone();
    assert_eq!(
        (&p["trigger"], &p["brandManaged"], &p["status"]),
        (&json!("REPORT"), &json!(true), &json!("PENDING")),
        "{listed}"
    );
    assert!(p["acceptAfter"].is_string());

    // Its window passes; two nodes pass at the same moment: one order, brand-initiated,
    // acknowledged by the brand in full.
    {
        use entity::replenishment_proposal as rp;
        use sea_orm::sea_query::Expr;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        rp::Entity::update_many()
            .col_expr(
                rp::Column::AcceptAfter,
                Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
            )
            .filter(rp::Column::Id.eq(uuid_of(p["id"].as_str().unwrap())))
            .exec(&app.db)
            .await
            .unwrap();
    }
    let (a, b) = tokio::join!(sweep(&app.db, &limits), sweep(&app.db, &limits));
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    let number = p["number"].as_str().unwrap();
    let placed = order(&app, number).await;
    assert_eq!(placed["nodes"].as_array().unwrap().len(), 1, "{placed}");
    let o = &placed["nodes"][0];
    assert_eq!(
        (&o["status"], &o["brandInitiated"], &o["buyer"]["code"]),
        (&json!("ACKNOWLEDGED"), &json!(true), &json!("DIST-1"))
    );
    // The distributor hears of it by an 855 in its own profile, which reads back.
    let content = crate::edi::outbound(&o["ediDocuments"], "855")["interchange"]["content"]
        .as_str()
        .unwrap()
        .to_owned();
    let (x, doc) = crate::edi::sent_set(&content);
    assert_eq!(x.groups[0].version, "004010VICS");
    let read = channelgraph::edi::sets::read_855(&doc).expect("the 855 reads back");
    assert_eq!(read.po_number, number);
    assert_eq!(read.lines.len(), 3);
    let after = app
        .graphql_as(
            &f.t.portal,
            "query($id: ID!) { node(id: $id) { ... on ReplenishmentProposal { status acceptAfter order { number brandInitiated } } } }",
            json!({ "id": p["id"] }),
        )
        .await;
    assert_eq!(after["data"]["node"]["status"], "ACCEPTED", "{after}");
    assert_eq!(after["data"]["node"]["order"]["brandInitiated"], true);
    assert_eq!(sweep(&app.db, &limits).await.unwrap(), 0);

    // Asked again, the new proposal keeps the old one's deadline: new reports do not put
    // the brand's order off.
    let due = |p: &Value| {
        let id = uuid_of(p["id"].as_str().unwrap());
        let app = &app;
        async move {
            use entity::replenishment_proposal as rp;
            use sea_orm::EntityTrait;
            rp::Entity::find_by_id(id)
                .one(&app.db)
                .await
                .unwrap()
                .unwrap()
                .accept_after
        }
    };
    let first = propose(&app, &admin, None).await["proposal"].clone();
    let second = propose(&app, &admin, None).await["proposal"].clone();
    assert!(first["acceptAfter"].is_string(), "{first}");
    assert_eq!(due(&second).await, due(&first).await);
    // A distributor that leaves brand-managed replenishment decides the one waiting itself.
    enrol(admin.clone(), json!({ "mode": "PROPOSALS" })).await;
    let left = app
        .graphql_as(
            &f.t.portal,
            "query($id: ID!) { node(id: $id) { ... on ReplenishmentProposal { status brandManaged acceptAfter } } }",
            json!({ "id": second["id"] }),
        )
        .await;
    assert_eq!(
        left["data"]["node"],
        json!({ "status": "PENDING", "brandManaged": false, "acceptAfter": null }),
        "{left}"
    );
    // Brand-managed again, with program terms it has not accepted: the pass does not order.
    enrol(admin.clone(), json!({ "mode": "BRAND_MANAGED" })).await;
    let third = propose(&app, &admin, None).await["proposal"].clone();
    app.mutate(
        "programTermsPublish",
        "programTerms { id }",
        json!({ "title": "Program terms", "body": "Trade fairly." }),
    )
    .await;
    {
        use entity::replenishment_proposal as rp;
        use sea_orm::sea_query::Expr;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        rp::Entity::update_many()
            .col_expr(
                rp::Column::AcceptAfter,
                Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
            )
            .filter(rp::Column::Id.eq(uuid_of(third["id"].as_str().unwrap())))
            .exec(&app.db)
            .await
            .unwrap();
    }
    assert_eq!(sweep(&app.db, &limits).await.unwrap(), 0);
    let waiting = app
        .graphql_as(
            &f.t.portal,
            "query($id: ID!) { node(id: $id) { ... on ReplenishmentProposal { status acceptAfter note } } }",
            json!({ "id": third["id"] }),
        )
        .await;
    let node = &waiting["data"]["node"];
    assert_eq!(
        (&node["status"], &node["acceptAfter"]),
        (&json!("PENDING"), &Value::Null),
        "{waiting}"
    );
    assert!(
        node["note"].as_str().unwrap().contains("terms"),
        "{waiting}"
    );
}

#[tokio::test]
async fn a_supplier_sees_what_the_channel_will_sell_less_the_brands_stock() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    // The brand counts 150 widgets today and has 40 on order from SUP-1.
    stock(
        &app,
        &f.t.brand,
        today(),
        json!([{ "sku": "WIDGET-1", "onHand": "150" }]),
    )
    .await;
    let po = app
        .mutate(
            "purchaseOrderCreate",
            "order { id }",
            json!({ "supplierId": f.t.supplier, "currency": "EUR", "lines": [{ "sku": "WIDGET-1", "quantity": "40", "unitPrice": "5" }] }),
        )
        .await;
    assert_eq!(po["userErrors"], json!([]), "{po}");
    let query = "query($s: ID, $sku: String) { supplierForecast(supplierId: $s, sku: $sku, weeks: 3) {
        supplier { code } product { sku } distributors staleDistributors brandOnHand brandStockAsOf inbound
        weeks { weekStart channelDemand netRequirement committed } } }";
    let read = |token: String, supplier: Option<String>, sku: &'static str| {
        let app = &app;
        async move {
            let body = app
                .graphql_as(&token, query, json!({ "s": supplier, "sku": sku }))
                .await;
            assert!(body.get("errors").is_none(), "{body}");
            body["data"]["supplierForecast"].clone()
        }
    };
    // This week DIST-1 is forecast to sell 62 widgets and DIST-2 50: 112, then 114 and 116.
    // DIST-3 stopped reporting and adds nothing. 150 on hand and 40 inbound cover the first
    // week and 78 of the second.
    let weeks: Vec<Value> = [("112", "0"), ("114", "36"), ("116", "116")]
        .iter()
        .enumerate()
        .map(|(k, (d, n))| {
            json!({ "weekStart": (monday(0) + Days::new(7 * k as u64)).to_string(),
                    "channelDemand": d, "netRequirement": n, "committed": null })
        })
        .collect();
    let expected = json!({ "supplier": { "code": "SUP-1" }, "product": { "sku": "WIDGET-1" },
        "distributors": 2, "staleDistributors": 1, "brandOnHand": "150",
        "brandStockAsOf": today().to_string(), "inbound": "40", "weeks": weeks });
    assert_eq!(
        read(app.token.clone(), Some(f.t.supplier.clone()), "WIDGET-1").await,
        expected
    );
    // The supplier reads its own, and only the products it makes.
    app.create_user(
        "planner@sup-1.test",
        "planner password 1",
        crate::helpers::PARTNER_MEMBER,
        Some(uuid_of(&f.t.supplier)),
    )
    .await;
    let supplier = app
        .token_for("planner@sup-1.test", "planner password 1")
        .await;
    assert_eq!(read(supplier.clone(), None, "WIDGET-1").await, expected);
    assert_eq!(read(supplier.clone(), None, "GADGET-1").await, Value::Null);

    // It commits 100 a week for two weeks, then only 80 in the second: the forecast shows
    // what stands, and the history keeps what it replaced.
    let widget = app
        .graphql("{ product(sku: \"WIDGET-1\") { id } }", json!({}))
        .await["data"]["product"]["id"]
        .clone();
    let commit = |token: String, weeks: Value| {
        let (app, widget) = (&app, widget.clone());
        async move {
            mutate_as(
                app,
                &token,
                "supplierCommit",
                "SupplierCommitInput",
                "commitments { weekStart quantity } userErrors { field code message }",
                json!({ "productId": widget, "weeks": weeks, "note": "Line 2 in maintenance" }),
            )
            .await
        }
    };
    let week = |k: u64| (monday(0) + Days::new(7 * k)).to_string();
    let first = commit(
        supplier.clone(),
        json!([{ "weekStart": week(0), "quantity": "100" }, { "weekStart": week(1), "quantity": "100" }]),
    )
    .await;
    assert_eq!(first["userErrors"], json!([]), "{first}");
    commit(
        supplier.clone(),
        json!([{ "weekStart": week(1), "quantity": "80" }]),
    )
    .await;
    let now = read(supplier.clone(), None, "WIDGET-1").await;
    let committed: Vec<&Value> = now["weeks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| &w["committed"])
        .collect();
    assert_eq!(committed, [&json!("100"), &json!("80"), &Value::Null]);
    let history = app
        .graphql_as(
            &supplier,
            "{ supplierCommitments(sku: \"WIDGET-1\", replaced: true) { weekStart quantity note replacedAt } }",
            json!({}),
        )
        .await;
    let rows: Vec<(String, String, bool)> = history["data"]["supplierCommitments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["weekStart"].as_str().unwrap().to_owned(),
                c["quantity"].as_str().unwrap().to_owned(),
                c["replacedAt"].is_null(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (week(0), "100".to_owned(), true),
            (week(1), "80".to_owned(), true),
            (week(1), "100".to_owned(), false),
        ]
    );
    // A week that does not start on Monday, one past, and one given twice are named.
    for (weeks, index) in [
        (
            json!([{ "weekStart": (monday(0) + Days::new(1)).to_string(), "quantity": "1" }]),
            "0",
        ),
        (
            json!([{ "weekStart": (monday(1)).to_string(), "quantity": "1" }]),
            "0",
        ),
        (
            json!([{ "weekStart": week(2), "quantity": "1" }, { "weekStart": week(2), "quantity": "2" }]),
            "1",
        ),
    ] {
        let refused = commit(supplier.clone(), weeks).await;
        assert_eq!(
            refused["userErrors"][0]["field"],
            json!(["input", "weeks", index, "weekStart"]),
            "{refused}"
        );
    }
    // A distributor commits nothing.
    let distributor = app
        .graphql_as(
            &f.t.portal,
            "mutation($i: SupplierCommitInput!) { supplierCommit(input: $i) { commitments { quantity } } }",
            json!({ "i": { "productId": widget, "weeks": [{ "weekStart": week(0), "quantity": "1" }] } }),
        )
        .await;
    assert_eq!(
        distributor["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{distributor}"
    );
    // Another supplier and a distributor see nothing of it.
    let other = app.create_org("SUPPLIER", "Andere Teile", "SUP-2").await;
    app.create_user(
        "planner@sup-2.test",
        "planner password 2",
        crate::helpers::PARTNER_MEMBER,
        Some(uuid_of(&other)),
    )
    .await;
    let other = app
        .token_for("planner@sup-2.test", "planner password 2")
        .await;
    for token in [other, f.t.portal.clone()] {
        assert_eq!(
            read(token.clone(), Some(f.t.supplier.clone()), "WIDGET-1").await,
            Value::Null
        );
        assert_eq!(read(token, None, "WIDGET-1").await, Value::Null);
    }
    // The brand also buys widgets from SUP-2: 25 on order. Neither supplier's forecast shows
    // or counts what is coming from the other.
    let sup2 = app
        .graphql(
            "{ organizations(filter: { code: \"SUP-2\" }) { nodes { id } } }",
            json!({}),
        )
        .await["data"]["organizations"]["nodes"][0]["id"]
        .clone();
    let versioned = app
        .graphql("{ product(sku: \"WIDGET-1\") { id version } }", json!({}))
        .await["data"]["product"]
        .clone();
    let both = app
        .mutate(
            "productUpdate",
            "product { version }",
            json!({ "id": versioned["id"], "version": versioned["version"],
                    "suppliers": [{ "supplierId": f.t.supplier }, { "supplierId": sup2 }] }),
        )
        .await;
    assert_eq!(both["userErrors"], json!([]), "{both}");
    let po = app
        .mutate(
            "purchaseOrderCreate",
            "order { id }",
            json!({ "supplierId": sup2, "currency": "EUR", "lines": [{ "sku": "WIDGET-1", "quantity": "25", "unitPrice": "5" }] }),
        )
        .await;
    assert_eq!(po["userErrors"], json!([]), "{po}");
    let own = read(supplier.clone(), None, "WIDGET-1").await;
    assert_eq!(
        (&own["inbound"], &own["weeks"][1]["netRequirement"]),
        (&json!("40"), &json!("36"))
    );
    let theirs = read(
        app.token.clone(),
        Some(sup2.as_str().unwrap().to_owned()),
        "WIDGET-1",
    )
    .await;
    assert_eq!(
        (&theirs["inbound"], &theirs["weeks"][1]["netRequirement"]),
        (&json!("25"), &json!("51"))
    );

    // Staff name the supplier.
    let unnamed = app
        .graphql(query, json!({ "s": null, "sku": "WIDGET-1" }))
        .await;
    assert_eq!(
        unnamed["errors"][0]["extensions"]["field"], "supplierId",
        "{unnamed}"
    );
}

#[tokio::test]
async fn a_supplier_that_trades_by_x12_gets_the_forecast_as_an_830() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    stock(
        &app,
        &f.t.brand,
        today(),
        json!([{ "sku": "WIDGET-1", "onHand": "150" }]),
    )
    .await;
    let send = |supplier: &str| {
        let (app, supplier) = (&app, supplier.to_owned());
        async move {
            app.mutate(
                "supplierForecastSend",
                "number interchange { content } userErrors { field code message }",
                json!({ "supplierId": supplier, "weeks": 2 }),
            )
            .await
        }
    };
    // Not before it trades by X12.
    let refused = send(&f.t.supplier).await;
    assert_eq!(
        refused["userErrors"][0]["field"],
        json!(["input", "supplierId"]),
        "{refused}"
    );
    assert!(
        refused["userErrors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("SUP-1 does not trade by X12"),
        "{refused}"
    );
    let configured = app
        .graphql(
            "mutation($input: EdiPartnerConfigureInput!) { ediPartnerConfigure(input: $input) { userErrors { message } } }",
            json!({ "input": { "organizationId": f.t.supplier, "ediId": "TEILE", "version": "V005010" } }),
        )
        .await;
    assert_eq!(
        configured["data"]["ediPartnerConfigure"]["userErrors"],
        json!([]),
        "{configured}"
    );
    let sent = send(&f.t.supplier).await;
    assert_eq!(sent["userErrors"], json!([]), "{sent}");
    assert_eq!(sent["number"], "PS-000001");
    let (x, set) = crate::edi::sent_set(sent["interchange"]["content"].as_str().unwrap());
    assert_eq!(x.receiver_id, "TEILE");
    assert_eq!(x.groups[0].functional_id, "PS");
    let read = channelgraph::edi::sets::read_830(&set).expect("the 830 reads back");
    use channelgraph::edi::sets::{Forecast, PlannedItem};
    let week = |k: u64, quantity: &str| Forecast {
        quantity: Some(quantity.parse().unwrap()),
        kind: Some("D".into()),
        timing: Some("W".into()),
        date: Some(monday(0) + Days::new(7 * k)),
    };
    // WIDGET-1 is the one product SUP-1 makes: 112 then 114 needed, less 150 on hand.
    assert_eq!(
        (
            read.purpose.as_str(),
            read.reference.as_deref(),
            read.schedule_type.as_deref(),
            read.quantities.as_deref(),
            read.starts,
            read.ends,
        ),
        (
            "00",
            Some("PS-000001"),
            Some("DL"),
            Some("A"),
            Some(monday(0)),
            Some(monday(0) + Days::new(13)),
        )
    );
    assert_eq!(
        read.items,
        vec![PlannedItem {
            sku: Some("WIDGET-1".into()),
            unit: Some("EA".into()),
            forecasts: vec![week(0, "0"), week(1, "76")],
        }]
    );
    // Only the brand's admins and managers send it.
    let portal = app
        .graphql_as(
            &f.t.portal,
            "mutation($s: ID!) { supplierForecastSend(input: { supplierId: $s }) { number } }",
            json!({ "s": f.t.supplier }),
        )
        .await;
    assert_eq!(
        portal["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{portal}"
    );
}

#[tokio::test]
#[ignore = "needs Node.js and tests/x12-interop's node-x12; .ci/run installs them and runs this with --ignored"]
async fn an_independent_parser_reads_the_830_of_a_supplier_forecast() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let configured = app
        .graphql(
            "mutation($input: EdiPartnerConfigureInput!) { ediPartnerConfigure(input: $input) { userErrors { message } } }",
            json!({ "input": { "organizationId": f.t.supplier, "ediId": "TEILE", "interchangeVersion": "V00401", "groupVersion": "V004010" } }),
        )
        .await;
    assert_eq!(
        configured["data"]["ediPartnerConfigure"]["userErrors"],
        json!([]),
        "{configured}"
    );
    let sent = app
        .mutate(
            "supplierForecastSend",
            "interchange { content }",
            json!({ "supplierId": f.t.supplier, "weeks": 2 }),
        )
        .await;
    let read =
        crate::edi_partners::read_independently(sent["interchange"]["content"].as_str().unwrap());
    assert_eq!(read["problems"], json!([]), "{read}");
    assert_eq!(read["groups"][0]["gs"][0], "PS");
    assert_eq!(read["groups"][0]["gs"][7], "004010");
    assert_eq!(read["groups"][0]["sets"][0]["st"][0], "830");
    let segments = read["groups"][0]["sets"][0]["segments"].as_array().unwrap();
    let fst: Vec<&Value> = segments.iter().filter(|s| s[0] == "FST").collect();
    let ymd = |k: u64| (monday(0) + Days::new(7 * k)).format("%Y%m%d").to_string();
    // No brand stock counted: all of 112 and 114 is needed.
    assert_eq!(
        fst,
        [
            &json!(["FST", "112", "D", "W", ymd(0)]),
            &json!(["FST", "114", "D", "W", ymd(1)])
        ]
    );
    assert_eq!(
        crate::edi_partners::segment_of(&read, "LIN"),
        &json!(["LIN", "", "VP", "WIDGET-1"])
    );
    assert_eq!(
        crate::edi_partners::segment_of(&read, "CTT"),
        &json!(["CTT", "1", "226"])
    );
}

const PURCHASE: &str = "id number status horizonWeeks asOf brandStockAsOf version reason supplier { code }
    order { number poNumber kind status notes seller { code } total { amount currency }
            lines { lineNumber product { sku } quantity unitPrice { amount } requestedDate } }
    lines { lineNumber product { sku } quantity channelDemand brandOnHand inbound netRequirement
            committed cappedWeeks uncommitted neededFrom distributors staleDistributors explanation }";

async fn purchase_mutation(app: &TestApp, token: &str, name: &str, input: Value) -> Value {
    let input_type = format!("{}Input", {
        let mut c = name.chars();
        c.next()
            .unwrap()
            .to_uppercase()
            .chain(c)
            .collect::<String>()
    });
    mutate_as(
        app,
        token,
        name,
        &input_type,
        &format!("proposal {{ {PURCHASE} }} userErrors {{ field code message }}"),
        input,
    )
    .await
}

#[tokio::test]
async fn purchase_proposals_buy_what_the_channel_needs_within_the_suppliers_commitments() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let staff = app.token.clone();
    // The brand counts 150 widgets and has 40 on order from SUP-1, which also makes the
    // gadgets now. SUP-1 commits 100 widgets this week and 30 the next.
    stock(
        &app,
        &f.t.brand,
        today(),
        json!([{ "sku": "WIDGET-1", "onHand": "150" }]),
    )
    .await;
    let po = app
        .mutate(
            "purchaseOrderCreate",
            "order { id }",
            json!({ "supplierId": f.t.supplier, "currency": "EUR", "lines": [{ "sku": "WIDGET-1", "quantity": "40", "unitPrice": "5" }] }),
        )
        .await;
    assert_eq!(po["userErrors"], json!([]), "{po}");
    let products = app
        .graphql(
            "{ w: product(sku: \"WIDGET-1\") { id } g: product(sku: \"GADGET-1\") { id version } }",
            json!({}),
        )
        .await;
    let (widget, gadget) = (
        products["data"]["w"]["id"].clone(),
        products["data"]["g"].clone(),
    );
    let made = app
        .mutate(
            "productUpdate",
            "product { version }",
            json!({ "id": gadget["id"], "version": gadget["version"], "suppliers": [{ "supplierId": f.t.supplier }] }),
        )
        .await;
    assert_eq!(made["userErrors"], json!([]), "{made}");
    let week = |k: u64| (monday(0) + Days::new(7 * k)).to_string();
    let committed = app
        .mutate(
            "supplierCommit",
            "commitments { quantity }",
            json!({ "supplierId": f.t.supplier, "productId": widget,
                    "weeks": [{ "weekStart": week(0), "quantity": "100" }, { "weekStart": week(1), "quantity": "30" }] }),
        )
        .await;
    assert_eq!(committed["userErrors"], json!([]), "{committed}");

    // Over three weeks, by hand (DIST-3 stopped reporting: it counts for nothing):
    // - GADGET-1: DIST-1 sells 20 a week and DIST-2 3: 23 a week, 69 in all; the brand holds
    //   none and has none coming, and SUP-1 committed none: buy 69 from the first week.
    // - WIDGET-1: the channel sells 112, 114 and 116 (342). 150 on hand and 40 inbound cover
    //   the first week and 78 of the second: 0, 36 and 116 are needed (152). The second
    //   week's 36 is held to the 30 committed (6 uncommitted); the third has no commitment:
    //   0 + 30 + 116 = 146, needed from next week.
    let first = purchase_mutation(
        &app,
        &staff,
        "purchaseProposalPropose",
        json!({ "supplierId": f.t.supplier, "horizonWeeks": 3 }),
    )
    .await;
    assert_eq!(first["userErrors"], json!([]), "{first}");
    let first = &first["proposal"];
    assert_eq!(first["number"], "PR-000001");
    assert_eq!(first["status"], "PENDING");
    assert_eq!(first["horizonWeeks"], 3);
    assert_eq!(first["brandStockAsOf"], today().to_string());
    let line = |sku: &str,
                q: &str,
                demand: &str,
                on_hand: &str,
                inbound: &str,
                net: &str,
                committed: Value,
                capped: i64,
                uncommitted: &str,
                from: u64| {
        json!({ "product": { "sku": sku }, "quantity": q, "channelDemand": demand,
                "brandOnHand": on_hand, "inbound": inbound, "netRequirement": net,
                "committed": committed, "cappedWeeks": capped, "uncommitted": uncommitted,
                "neededFrom": week(from), "distributors": 2, "staleDistributors": 1 })
    };
    let shown: Vec<Value> = first["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let mut l = l.clone();
            let o = l.as_object_mut().unwrap();
            o.remove("lineNumber");
            o.remove("explanation");
            l
        })
        .collect();
    assert_eq!(
        shown,
        [
            line(
                "GADGET-1",
                "69",
                "69",
                "0",
                "0",
                "69",
                Value::Null,
                0,
                "0",
                0
            ),
            line(
                "WIDGET-1",
                "146",
                "342",
                "150",
                "40",
                "152",
                json!("130"),
                1,
                "6",
                1
            ),
        ]
    );
    assert_eq!(
        first["lines"][1]["explanation"],
        "channel demand 342 less stock 150 and inbound 40 leaves 152 to buy; the supplier \
         committed 130 in all, less than needed in 1 week(s), leaving 6 uncommitted; buy 146"
    );

    // Partners neither plan nor see the brand's purchasing.
    app.create_user(
        "planner@sup-1.test",
        "planner password 1",
        crate::helpers::PARTNER_MEMBER,
        Some(uuid_of(&f.t.supplier)),
    )
    .await;
    let supplier = app
        .token_for("planner@sup-1.test", "planner password 1")
        .await;
    for token in [&supplier, &f.t.portal] {
        let asked = app
            .graphql_as(
                token,
                "mutation($i: PurchaseProposalProposeInput!) { purchaseProposalPropose(input: $i) { proposal { id } } }",
                json!({ "i": { "supplierId": f.t.supplier } }),
            )
            .await;
        assert_eq!(
            asked["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{asked}"
        );
        let seen = app
            .graphql_as(
                token,
                "query($id: ID!) { purchaseProposals { totalCount nodes { id } } node(id: $id) { id } }",
                json!({ "id": first["id"] }),
            )
            .await;
        assert_eq!(
            seen["data"],
            json!({ "purchaseProposals": { "totalCount": 0, "nodes": [] }, "node": null }),
            "{seen}"
        );
        let rejected = app
            .graphql_as(
                token,
                "mutation($i: PurchaseProposalRejectInput!) { purchaseProposalReject(input: $i) { proposal { id } } }",
                json!({ "i": { "id": first["id"], "version": 1, "reason": "mine" } }),
            )
            .await;
        assert_eq!(
            rejected["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{rejected}"
        );
    }

    // A new proposal takes the waiting one's place.
    let second = purchase_mutation(
        &app,
        &staff,
        "purchaseProposalPropose",
        json!({ "supplierId": f.t.supplier, "horizonWeeks": 3 }),
    )
    .await;
    let second = second["proposal"].clone();
    assert_eq!(second["number"], "PR-000002");
    let listed = app
        .graphql(
            "{ purchaseProposals { totalCount nodes { number status version } } waiting: purchaseProposals(filter: { status: PENDING }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        listed["data"],
        json!({ "purchaseProposals": { "totalCount": 2, "nodes": [
            { "number": "PR-000002", "status": "PENDING", "version": 1 },
            { "number": "PR-000001", "status": "SUPERSEDED", "version": 2 }] },
            "waiting": { "totalCount": 1 } })
    );

    // Neither product has a standard cost: the line without a price is named, and nothing
    // is bought.
    let accept = |input: Value| purchase_mutation(&app, &staff, "purchaseProposalAccept", input);
    let unpriced = accept(json!({ "id": second["id"], "version": 1 })).await;
    assert_eq!(
        unpriced["userErrors"],
        json!([{ "field": ["input", "lines"], "code": "REQUIRED",
                 "message": "line 1 (GADGET-1) has no standard cost: give its unitPrice" }])
    );
    let priced_once = accept(json!({ "id": second["id"], "version": 1,
        "lines": [{ "lineNumber": 2, "unitPrice": "5.25" }, { "lineNumber": 2, "quantity": "1" }] }))
    .await;
    assert_eq!(
        priced_once["userErrors"][0]["field"],
        json!(["input", "lines", "1", "lineNumber"]),
        "{priced_once}"
    );
    // Gadgets cost the brand 45.50; the widgets are priced at 5.25, and 70 gadgets bought.
    let gadget_version = made["product"]["version"].clone();
    let costed = app
        .mutate(
            "productUpdate",
            "product { version }",
            json!({ "id": gadget["id"], "version": gadget_version, "standardCost": "45.50" }),
        )
        .await;
    assert_eq!(costed["userErrors"], json!([]), "{costed}");
    let bought = accept(json!({ "id": second["id"], "version": 1, "lines": [
        { "lineNumber": 2, "unitPrice": "5.25" }, { "lineNumber": 1, "quantity": "70" }] }))
    .await;
    assert_eq!(bought["userErrors"], json!([]), "{bought}");
    let bought = &bought["proposal"];
    assert_eq!(bought["status"], "ACCEPTED");
    // 70 × 45.50 + 146 × 5.25 = 3185 + 766.50 = 3951.50 (the products carry no tax); each
    // line asks for the week it is first needed.
    let order = &bought["order"];
    assert_eq!(
        order["total"],
        json!({ "amount": "3951.50", "currency": "EUR" })
    );
    assert_eq!(order["kind"], "PURCHASE");
    assert_eq!(order["status"], "SUBMITTED");
    assert_eq!(order["seller"]["code"], "SUP-1");
    // The supplier reads the order; nothing in it speaks of the brand's planning.
    assert_eq!(order["notes"], Value::Null);
    assert_eq!(order["poNumber"], order["number"]);
    assert_eq!(
        order["lines"],
        json!([
            { "lineNumber": 1, "product": { "sku": "GADGET-1" }, "quantity": "70",
              "unitPrice": { "amount": "45.50" }, "requestedDate": week(0) },
            { "lineNumber": 2, "product": { "sku": "WIDGET-1" }, "quantity": "146",
              "unitPrice": { "amount": "5.25" }, "requestedDate": week(1) },
        ])
    );
    // The same purchase order raised by hand comes to the same total.
    let by_hand = app
        .mutate(
            "purchaseOrderCreate",
            "order { total { amount currency } status }",
            json!({ "supplierId": f.t.supplier, "currency": "EUR", "lines": [
                { "sku": "GADGET-1", "quantity": "70", "unitPrice": "45.50" },
                { "sku": "WIDGET-1", "quantity": "146", "unitPrice": "5.25" }] }),
        )
        .await;
    assert_eq!(by_hand["order"]["total"], order["total"]);
    assert_eq!(by_hand["order"]["status"], order["status"]);
    let again = accept(json!({ "id": second["id"], "version": bought["version"] })).await;
    assert_eq!(
        again["userErrors"][0]["message"],
        "purchase proposal PR-000002 is accepted already"
    );

    // A rejection needs its reason; the inbound purchase orders now count against the need.
    let third = purchase_mutation(
        &app,
        &staff,
        "purchaseProposalPropose",
        json!({ "supplierId": f.t.supplier, "horizonWeeks": 3 }),
    )
    .await;
    let third = third["proposal"].clone();
    assert_eq!(third["lines"][1]["inbound"], "332", "{third}");
    let reject = |reason: &str| {
        purchase_mutation(
            &app,
            &staff,
            "purchaseProposalReject",
            json!({ "id": third["id"], "version": 1, "reason": reason }),
        )
    };
    let blank = reject("  ").await;
    assert_eq!(
        blank["userErrors"][0]["field"],
        json!(["input", "reason"]),
        "{blank}"
    );
    let rejected = reject("Buying from SUP-2 this quarter").await;
    assert_eq!(rejected["proposal"]["status"], "REJECTED");
    assert_eq!(
        rejected["proposal"]["reason"],
        "Buying from SUP-2 this quarter"
    );
    let horizon = purchase_mutation(
        &app,
        &staff,
        "purchaseProposalPropose",
        json!({ "supplierId": f.t.supplier, "horizonWeeks": 53 }),
    )
    .await;
    assert_eq!(
        horizon["userErrors"][0]["field"],
        json!(["input", "horizonWeeks"]),
        "{horizon}"
    );
}
