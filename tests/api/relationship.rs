//! Relationship work: interactions with who took part and what was promised, commitments
//! that come due, tasks, and key accounts' return visits.

use chrono::{Days, NaiveDate, Utc};
use entity::enums::UserRole;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn days_ago(n: u64) -> NaiveDate {
    today().checked_sub_days(Days::new(n)).unwrap()
}

fn days_ahead(n: u64) -> NaiveDate {
    today().checked_add_days(Days::new(n)).unwrap()
}

/// Noon UTC on `day`, as the API writes times.
fn noon(day: NaiveDate) -> String {
    format!("{day}T12:00:00Z")
}

fn user_gid(id: uuid::Uuid) -> String {
    channelgraph::ids::GlobalId::encode(channelgraph::ids::NodeType::User, id)
}

fn uuid_of(id: &str) -> uuid::Uuid {
    channelgraph::ids::GlobalId::parse(id).unwrap().id
}

struct Account {
    customer: String,
    buyer: String,
    engineer: String,
    /// The account manager, a sales user, with a token.
    manager: String,
    manager_token: String,
    /// A service colleague.
    colleague: String,
}

async fn account(app: &TestApp) -> Account {
    app.create_org("BRAND", "Aurora", "BRAND").await;
    let customer = app
        .create_org("END_CUSTOMER", "Müller Präzision", "CUST-1")
        .await;
    let mut contacts = Vec::new();
    for name in ["Anna Müller", "田中 太郎"] {
        let body = app
            .mutate(
                "contactCreate",
                "contact { id }",
                json!({ "organizationId": customer, "name": name }),
            )
            .await;
        contacts.push(body["contact"]["id"].as_str().unwrap().to_owned());
    }
    let manager = app
        .create_user("am@brand.test", "manager password", UserRole::Sales, None)
        .await;
    let colleague = app
        .create_user(
            "svc@brand.test",
            "service password",
            UserRole::Service,
            None,
        )
        .await;
    Account {
        customer,
        buyer: contacts[0].clone(),
        engineer: contacts[1].clone(),
        manager: user_gid(manager),
        manager_token: app.token_for("am@brand.test", "manager password").await,
        colleague: user_gid(colleague),
    }
}

const RECORD: &str = "mutation($input: InteractionRecordInput!) { interactionRecord(input: $input) {
    interaction { id kind occurredAt summary internalNotes organization { code }
      users { email } contacts { name } recordedBy { email } version
      commitments { id description ownerUser { email } ownerContact { name } dueOn status overdue version } }
    userErrors { field code message } } }";

async fn record(app: &TestApp, token: &str, input: Value) -> Value {
    let body = app
        .graphql_as(token, RECORD, json!({ "input": input }))
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["interactionRecord"].clone()
}

#[tokio::test]
async fn an_account_manager_records_a_visit_and_everything_promised_in_it_can_be_followed_up() {
    let app = spawn_app().await;
    let a = account(&app).await;

    let visit = record(
        &app,
        &a.manager_token,
        json!({
            "organizationId": a.customer, "kind": "VISIT", "occurredAt": noon(days_ago(10)),
            "summary": "Walked the line with Anna; spindle noise on machine 3.",
            "internalNotes": "They are also talking to a competitor.",
            "userIds": [a.manager, a.colleague], "contactIds": [a.buyer, a.engineer],
            "commitments": [
                { "description": "Send the spindle service offer", "ownerUserId": a.manager, "dueOn": days_ago(3).to_string() },
                { "description": "Send vibration readings", "ownerContactId": a.engineer, "dueOn": days_ahead(10).to_string() }
            ]
        }),
    )
    .await;
    assert_eq!(visit["userErrors"], json!([]), "{visit}");
    let interaction = &visit["interaction"];
    assert_eq!(interaction["kind"], "VISIT");
    assert_eq!(
        interaction["occurredAt"],
        format!("{}T12:00:00.000000Z", days_ago(10))
    );
    assert_eq!(interaction["organization"]["code"], "CUST-1");
    assert_eq!(
        interaction["users"],
        json!([{ "email": "am@brand.test" }, { "email": "svc@brand.test" }])
    );
    assert_eq!(
        interaction["contacts"],
        json!([{ "name": "Anna Müller" }, { "name": "田中 太郎" }])
    );
    assert_eq!(interaction["recordedBy"]["email"], "am@brand.test");
    assert_eq!(
        interaction["internalNotes"],
        "They are also talking to a competitor."
    );
    let commitments = interaction["commitments"].as_array().unwrap();
    assert_eq!(commitments.len(), 2);
    assert_eq!(commitments[0]["ownerUser"]["email"], "am@brand.test");
    assert_eq!(commitments[0]["status"], "OPEN");
    assert_eq!(commitments[0]["overdue"], true);
    assert_eq!(commitments[1]["ownerContact"]["name"], "田中 太郎");
    assert_eq!(commitments[1]["overdue"], false);
    let late = commitments[0]["id"].clone();

    // A new account manager sees everything promised to the customer, soonest due first.
    let body = app
        .graphql(
            "query($org: ID!) { commitments(filter: { organizationId: $org }) { totalCount nodes { description dueOn } } }",
            json!({ "org": a.customer }),
        )
        .await;
    assert_eq!(
        body["data"]["commitments"],
        json!({ "totalCount": 2, "nodes": [
            { "description": "Send the spindle service offer", "dueOn": days_ago(3).to_string() },
            { "description": "Send vibration readings", "dueOn": days_ahead(10).to_string() }
        ] })
    );

    // Open commitments past their due date, per owner.
    let overdue = "query($owner: ID!) { commitments(filter: { overdue: true, ownerId: $owner }) { totalCount nodes { description } } }";
    let body = app.graphql(overdue, json!({ "owner": a.manager })).await;
    assert_eq!(
        body["data"]["commitments"],
        json!({ "totalCount": 1, "nodes": [{ "description": "Send the spindle service offer" }] })
    );
    let body = app.graphql(overdue, json!({ "owner": a.engineer })).await;
    assert_eq!(body["data"]["commitments"]["totalCount"], 0, "{body}");
    let body = app.graphql(overdue, json!({ "owner": a.colleague })).await;
    assert_eq!(body["data"]["commitments"]["totalCount"], 0, "{body}");

    // Kept: it leaves the overdue list; closing it again is refused and changes nothing.
    let close = "mutation($input: CommitmentCloseInput!) { commitmentClose(input: $input) {
        commitment { status overdue closedAt closingNote version } userErrors { field code message } } }";
    let body = app
        .graphql_as(
            &a.manager_token,
            close,
            json!({ "input": { "id": late, "version": 1, "outcome": "KEPT", "note": "Sent by mail." } }),
        )
        .await;
    let payload = &body["data"]["commitmentClose"];
    assert_eq!(payload["userErrors"], json!([]), "{body}");
    assert_eq!(payload["commitment"]["status"], "KEPT");
    assert_eq!(payload["commitment"]["overdue"], false);
    assert_eq!(payload["commitment"]["closingNote"], "Sent by mail.");
    assert_eq!(payload["commitment"]["version"], 2);
    let body = app.graphql(overdue, json!({ "owner": a.manager })).await;
    assert_eq!(body["data"]["commitments"]["totalCount"], 0, "{body}");
    let body = app
        .graphql_as(
            &a.manager_token,
            close,
            json!({ "input": { "id": late, "version": 2, "outcome": "BROKEN" } }),
        )
        .await;
    assert_eq!(
        body["data"]["commitmentClose"]["userErrors"],
        json!([{ "field": ["input", "id"], "code": "ILLEGAL_TRANSITION",
                 "message": "the commitment is already closed as kept" }])
    );
    assert_eq!(app.version_of(late.as_str().unwrap()).await, 2);

    // Interactions by contact, by participant and by kind; newest first.
    record(
        &app,
        &a.manager_token,
        json!({ "organizationId": a.customer, "kind": "CALL", "occurredAt": noon(days_ago(1)),
                "summary": "Called about the offer.", "contactIds": [a.buyer] }),
    )
    .await;
    let list =
        "query($f: InteractionFilter) { interactions(filter: $f) { totalCount nodes { kind } } }";
    for (filter, kinds) in [
        (
            json!({ "organizationId": a.customer }),
            json!(["CALL", "VISIT"]),
        ),
        (json!({ "contactId": a.engineer }), json!(["VISIT"])),
        (json!({ "contactId": a.buyer }), json!(["CALL", "VISIT"])),
        (json!({ "userId": a.colleague }), json!(["VISIT"])),
        (json!({ "kinds": ["CALL", "EMAIL"] }), json!(["CALL"])),
        (
            json!({ "occurredFrom": noon(days_ago(5)) }),
            json!(["CALL"]),
        ),
        (
            json!({ "occurredBefore": noon(days_ago(5)) }),
            json!(["VISIT"]),
        ),
    ] {
        let body = app.graphql(list, json!({ "f": filter })).await;
        let got: Vec<Value> = body["data"]["interactions"]["nodes"]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"))
            .iter()
            .map(|n| n["kind"].clone())
            .collect();
        assert_eq!(json!(got), kinds, "{filter}");
    }
    let body = app
        .graphql(
            "{ interactions(orderBy: { field: OCCURRED_AT, direction: ASC }, first: 1) { nodes { kind } pageInfo { hasNextPage } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["interactions"],
        json!({ "nodes": [{ "kind": "VISIT" }], "pageInfo": { "hasNextPage": true } })
    );
}

#[tokio::test]
async fn an_interaction_with_one_bad_commitment_is_not_recorded_at_all() {
    let app = spawn_app().await;
    let a = account(&app).await;
    let other = app.create_org("END_CUSTOMER", "Andere AG", "CUST-2").await;
    let stranger = app
        .mutate(
            "contactCreate",
            "contact { id }",
            json!({ "organizationId": other, "name": "Fremder" }),
        )
        .await["contact"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let analyst = app
        .create_user(
            "analyst@brand.test",
            "analyst password",
            UserRole::Analyst,
            None,
        )
        .await;
    let _ = analyst;
    let partner_org = app.create_org("DISTRIBUTOR", "Vertrieb", "DIST-1").await;
    let partner_user = app
        .create_user(
            "member@dist.test",
            "member password",
            crate::helpers::PARTNER_MEMBER,
            Some(uuid_of(&partner_org)),
        )
        .await;
    let good = |extra: Value| {
        let mut input = json!({
            "organizationId": a.customer, "kind": "MEETING", "occurredAt": noon(days_ago(2)),
            "summary": "Quarterly review", "userIds": [a.manager], "contactIds": [a.buyer],
            "commitments": [{ "description": "Send minutes", "ownerUserId": a.manager, "dueOn": today().to_string() }]
        });
        for (k, v) in extra.as_object().unwrap() {
            input[k] = v.clone();
        }
        input
    };
    let commitment = |c: Value| {
        json!({ "commitments": [
            { "description": "Send minutes", "ownerUserId": a.manager, "dueOn": today().to_string() }, c
        ] })
    };
    let due = today().to_string();
    for (extra, field, code, message) in [
        (
            commitment(json!({ "description": "Visit", "ownerContactId": stranger, "dueOn": due })),
            json!(["input", "commitments", "1", "ownerContactId"]),
            "NOT_ALLOWED",
            "Fremder works at another organization".to_owned(),
        ),
        (
            commitment(json!({ "description": "Visit", "ownerContactId": a.buyer, "ownerUserId": a.manager, "dueOn": due })),
            json!(["input", "commitments", "1", "ownerContactId"]),
            "INVALID",
            "give ownerUserId or ownerContactId, not both".to_owned(),
        ),
        (
            commitment(json!({ "description": "Visit", "dueOn": due })),
            json!(["input", "commitments", "1", "ownerUserId"]),
            "REQUIRED",
            "name who promised it: ownerUserId or ownerContactId".to_owned(),
        ),
        (
            commitment(json!({ "description": "  ", "ownerUserId": a.manager, "dueOn": due })),
            json!(["input", "commitments", "1", "description"]),
            "REQUIRED",
            "description must not be empty".to_owned(),
        ),
        (
            commitment(json!({ "description": "Visit", "ownerUserId": a.manager, "dueOn": days_ago(5).to_string() })),
            json!(["input", "commitments", "1", "dueOn"]),
            "OUT_OF_RANGE",
            format!("dueOn {} is before the interaction, on {}", days_ago(5), days_ago(2)),
        ),
        (
            commitment(json!({ "description": "Visit", "ownerUserId": user_gid(partner_user), "dueOn": due })),
            json!(["input", "commitments", "1", "ownerUserId"]),
            "NOT_ALLOWED",
            "member@dist.test works for another organization".to_owned(),
        ),
        (
            json!({ "occurredAt": noon(days_ahead(1)) }),
            json!(["input", "occurredAt"]),
            "OUT_OF_RANGE",
            "occurredAt is in the future; record an interaction once it happened, and plan one as a task".to_owned(),
        ),
        (
            json!({ "contactIds": [a.buyer, a.buyer] }),
            json!(["input", "contactIds", "1"]),
            "INVALID",
            "contactIds names the same person twice".to_owned(),
        ),
        (
            json!({ "contactIds": [a.buyer, stranger] }),
            json!(["input", "contactIds", "1"]),
            "NOT_ALLOWED",
            "Fremder works at another organization".to_owned(),
        ),
        (
            json!({ "userIds": [a.buyer] }),
            json!(["input", "userIds", "0"]),
            "WRONG_TYPE",
            "0 is the id of a Contact, not of a User".to_owned(),
        ),
        (
            json!({ "summary": "" }),
            json!(["input", "summary"]),
            "REQUIRED",
            "summary must not be empty".to_owned(),
        ),
        (
            json!({ "organizationId": a.buyer }),
            json!(["input", "organizationId"]),
            "WRONG_TYPE",
            "organizationId is the id of a Contact, not of an Organization".to_owned(),
        ),
    ] {
        let body = record(&app, &app.token, good(extra.clone())).await;
        assert_eq!(
            body["userErrors"],
            json!([{ "field": field, "code": code, "message": message }]),
            "{extra}"
        );
        assert_eq!(body["interaction"], Value::Null);
    }
    let body = app
        .graphql(
            "{ interactions { totalCount } commitments { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"],
        json!({ "interactions": { "totalCount": 0 }, "commitments": { "totalCount": 0 } })
    );

    // Analysts read relationship work but do not record it.
    let analyst_token = app
        .token_for("analyst@brand.test", "analyst password")
        .await;
    let body = app
        .graphql_as(&analyst_token, RECORD, json!({ "input": good(json!({})) }))
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );

    // The good one goes through; a stale update is refused.
    let body = record(&app, &app.token, good(json!({}))).await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
    let id = body["interaction"]["id"].clone();
    let update = "mutation($input: InteractionUpdateInput!) { interactionUpdate(input: $input) {
        interaction { summary internalNotes version } userErrors { field code message } } }";
    let body = app
        .graphql(
            update,
            json!({ "input": { "id": id, "version": 1, "summary": "Quarterly review, Q4", "internalNotes": "Budget is tight." } }),
        )
        .await;
    assert_eq!(
        body["data"]["interactionUpdate"]["interaction"],
        json!({ "summary": "Quarterly review, Q4", "internalNotes": "Budget is tight.", "version": 2 })
    );
    let body = app
        .graphql(
            update,
            json!({ "input": { "id": id, "version": 1, "summary": "lost" } }),
        )
        .await;
    assert_eq!(
        body["data"]["interactionUpdate"]["userErrors"][0]["code"], "CONFLICT",
        "{body}"
    );
}

const TASKS: &str = "query($f: TaskFilter, $o: DueOrder) { tasks(filter: $f, orderBy: $o) {
    totalCount nodes { title dueOn status overdue assignee { email } } } }";

#[tokio::test]
async fn tasks_are_listed_by_assignee_and_lateness_and_a_closed_task_stays_closed() {
    let app = spawn_app().await;
    let a = account(&app).await;
    let create = "mutation($input: TaskCreateInput!) { taskCreate(input: $input) {
        task { id title kind dueOn status assignee { email } organization { code } contact { name } version }
        userErrors { field code message } } }";
    let mut ids = Vec::new();
    for (title, assignee, due) in [
        ("Call Anna back", Some(&a.manager), days_ago(2)),
        ("Send the catalogue", Some(&a.manager), days_ahead(3)),
        ("Check the repair", Some(&a.colleague), days_ago(1)),
        ("Plan the trade show", None, days_ago(4)),
    ] {
        let mut input = json!({ "kind": "FOLLOW_UP", "title": title, "dueOn": due.to_string(),
                                "organizationId": a.customer, "contactId": a.buyer });
        if let Some(assignee) = assignee {
            input["assigneeId"] = json!(assignee);
        }
        let body = app
            .graphql_as(&a.manager_token, create, json!({ "input": input }))
            .await;
        let payload = &body["data"]["taskCreate"];
        assert_eq!(payload["userErrors"], json!([]), "{body}");
        assert_eq!(payload["task"]["organization"]["code"], "CUST-1");
        assert_eq!(payload["task"]["contact"]["name"], "Anna Müller");
        ids.push(payload["task"]["id"].clone());
    }
    // Without an assignee, the task is the creator's.
    let body = app
        .graphql(
            TASKS,
            json!({ "f": { "overdue": true, "assigneeId": a.manager } }),
        )
        .await;
    assert_eq!(
        body["data"]["tasks"],
        json!({ "totalCount": 2, "nodes": [
            { "title": "Plan the trade show", "dueOn": days_ago(4).to_string(), "status": "OPEN", "overdue": true, "assignee": { "email": "am@brand.test" } },
            { "title": "Call Anna back", "dueOn": days_ago(2).to_string(), "status": "OPEN", "overdue": true, "assignee": { "email": "am@brand.test" } }
        ] })
    );
    let body = app
        .graphql(
            TASKS,
            json!({ "f": { "overdue": false }, "o": { "field": "DUE_ON", "direction": "DESC" } }),
        )
        .await;
    assert_eq!(
        body["data"]["tasks"]["nodes"][0]["title"], "Send the catalogue",
        "{body}"
    );
    assert_eq!(body["data"]["tasks"]["totalCount"], 1);

    // Done: no longer overdue; doing it again, or changing it, is refused.
    let complete = "mutation($input: TaskCloseInput!) { taskComplete(input: $input) {
        task { status overdue completedAt version } userErrors { field code message } } }";
    let body = app
        .graphql_as(
            &a.manager_token,
            complete,
            json!({ "input": { "id": ids[0], "version": 1 } }),
        )
        .await;
    let done = &body["data"]["taskComplete"];
    assert_eq!(done["userErrors"], json!([]), "{body}");
    assert_eq!(done["task"]["status"], "DONE");
    assert_eq!(done["task"]["overdue"], false);
    assert!(done["task"]["completedAt"].is_string());
    let body = app
        .graphql(
            TASKS,
            json!({ "f": { "overdue": true, "assigneeId": a.manager } }),
        )
        .await;
    assert_eq!(body["data"]["tasks"]["totalCount"], 1, "{body}");
    for (mutation, input_type, input) in [
        (
            "taskComplete",
            "TaskCloseInput",
            json!({ "id": ids[0], "version": 2 }),
        ),
        (
            "taskCancel",
            "TaskCloseInput",
            json!({ "id": ids[0], "version": 2 }),
        ),
        (
            "taskUpdate",
            "TaskUpdateInput",
            json!({ "id": ids[0], "version": 2, "title": "Again" }),
        ),
    ] {
        let body = app
            .graphql(
                &format!("mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ task {{ id }} userErrors {{ field code message }} }} }}"),
                json!({ "input": input }),
            )
            .await;
        let verb = match mutation {
            "taskComplete" => "completed",
            "taskCancel" => "cancelled",
            _ => "changed",
        };
        assert_eq!(
            body["data"][mutation]["userErrors"],
            json!([{ "field": ["input", "id"], "code": "ILLEGAL_TRANSITION",
                     "message": format!("the task is done; only an open task can be {verb}") }]),
            "{mutation}"
        );
    }
    assert_eq!(app.version_of(ids[0].as_str().unwrap()).await, 2);

    // Reassigned, then cancelled.
    let body = app
        .graphql(
            "mutation($input: TaskUpdateInput!) { taskUpdate(input: $input) { task { assignee { email } dueOn version } userErrors { code } } }",
            json!({ "input": { "id": ids[2], "version": 1, "assigneeId": a.manager, "dueOn": days_ahead(1).to_string() } }),
        )
        .await;
    assert_eq!(
        body["data"]["taskUpdate"]["task"],
        json!({ "assignee": { "email": "am@brand.test" }, "dueOn": days_ahead(1).to_string(), "version": 2 })
    );
    let body = app
        .graphql(
            "mutation($input: TaskCloseInput!) { taskCancel(input: $input) { task { status } userErrors { code } } }",
            json!({ "input": { "id": ids[2], "version": 2 } }),
        )
        .await;
    assert_eq!(body["data"]["taskCancel"]["task"]["status"], "CANCELLED");
    let body = app
        .graphql(TASKS, json!({ "f": { "statuses": ["CANCELLED", "DONE"] } }))
        .await;
    assert_eq!(body["data"]["tasks"]["totalCount"], 2, "{body}");

    // Bad inputs name the field and store nothing.
    let partner_org = app.create_org("DISTRIBUTOR", "Vertrieb", "DIST-1").await;
    let partner_user = app
        .create_user(
            "member@dist.test",
            "member password",
            crate::helpers::PARTNER_MEMBER,
            Some(uuid_of(&partner_org)),
        )
        .await;
    for (input, field, code, message) in [
        (
            json!({ "kind": "CALL", "title": "x", "dueOn": "2026-12-01", "assigneeId": user_gid(partner_user) }),
            json!(["input", "assigneeId"]),
            "NOT_ALLOWED",
            "member@dist.test works for another organization",
        ),
        (
            json!({ "kind": "CALL", "title": "x", "dueOn": "2026-12-01", "assigneeId": user_gid(uuid::Uuid::now_v7()) }),
            json!(["input", "assigneeId"]),
            "NOT_FOUND",
            "no user has this id (assigneeId)",
        ),
        (
            json!({ "kind": "CALL", "title": "x", "dueOn": "2026-12-01", "contactId": a.buyer }),
            json!(["input", "organizationId"]),
            "REQUIRED",
            "name the organizationId the contact works at",
        ),
        (
            json!({ "kind": "CALL", "title": "x".repeat(201), "dueOn": "2026-12-01" }),
            json!(["input", "title"]),
            "TOO_LONG",
            "title is 201 characters long; at most 200 are allowed",
        ),
        (
            json!({ "kind": "CALL", "title": "x", "dueOn": "2026-12-01", "organizationId": a.buyer }),
            json!(["input", "organizationId"]),
            "WRONG_TYPE",
            "organizationId is the id of a Contact, not of an Organization",
        ),
    ] {
        let body = app.graphql(create, json!({ "input": input })).await;
        assert_eq!(
            body["data"]["taskCreate"]["userErrors"],
            json!([{ "field": field, "code": code, "message": message }]),
            "{input}"
        );
    }
    // A day is written one way: four-digit year, two-digit month and day.
    for day in [
        "2026-13-01",
        "2026-1-05",
        "2026-01-5",
        "+2026-01-05",
        " 2026-01-05",
        "2026-01-05 ",
    ] {
        let body = app
            .graphql(
                create,
                json!({ "input": { "kind": "CALL", "title": "x", "dueOn": day } }),
            )
            .await;
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(&format!("`{day}` is not a date like 2026-11-22")),
            "{body}"
        );
    }
    let body = app.graphql(TASKS, json!({})).await;
    assert_eq!(body["data"]["tasks"]["totalCount"], 4, "{body}");
    let body = app
        .graphql(TASKS, json!({ "f": { "assigneeId": a.customer } }))
        .await;
    assert_eq!(
        body["errors"][0]["message"],
        "filter.assigneeId is the id of an Organization, not of a User"
    );
}

#[tokio::test]
async fn a_key_account_always_has_its_next_return_visit_due_an_interval_after_the_last() {
    let app = spawn_app_with(|s| s.crm.key_account_visit_days = 30).await;
    let a = account(&app).await;
    let version = app.version_of(&a.customer).await;
    let body = app
        .mutate(
            "organizationUpdate",
            "organization { keyAccount }",
            json!({ "id": a.customer, "version": version, "keyAccount": true, "accountOwnerId": a.manager }),
        )
        .await;
    assert_eq!(body["organization"]["keyAccount"], true, "{body}");
    let visits = "{ tasks(filter: { returnVisit: true }, orderBy: { field: CREATED_AT, direction: ASC }) {
        nodes { id kind title dueOn status returnVisit assignee { email } interaction { kind } version } } }";
    let body = app.graphql(visits, json!({})).await;
    assert_eq!(
        body["data"]["tasks"]["nodes"],
        json!([{ "id": body["data"]["tasks"]["nodes"][0]["id"], "kind": "VISIT", "title": "Return visit to Müller Präzision",
                 "dueOn": days_ahead(30).to_string(), "status": "OPEN", "returnVisit": true,
                 "assignee": { "email": "am@brand.test" }, "interaction": null, "version": 1 }])
    );

    // A visit two days ago does the open return visit; the next is due 30 days after it.
    let visit = record(
        &app,
        &a.manager_token,
        json!({ "organizationId": a.customer, "kind": "VISIT", "occurredAt": noon(days_ago(2)), "summary": "Visited." }),
    )
    .await;
    assert_eq!(visit["userErrors"], json!([]));
    // A call is not a visit.
    record(
        &app,
        &a.manager_token,
        json!({ "organizationId": a.customer, "kind": "CALL", "occurredAt": noon(days_ago(1)), "summary": "Called." }),
    )
    .await;
    let body = app.graphql(visits, json!({})).await;
    let nodes = body["data"]["tasks"]["nodes"].as_array().unwrap().clone();
    assert_eq!(nodes.len(), 2, "{body}");
    assert_eq!(nodes[0]["status"], "DONE");
    assert_eq!(nodes[0]["interaction"]["kind"], "VISIT");
    assert_eq!(nodes[1]["status"], "OPEN");
    assert_eq!(
        nodes[1]["dueOn"],
        days_ago(2)
            .checked_add_days(Days::new(30))
            .unwrap()
            .to_string()
    );

    // Done by hand: the next is due 30 days from today. Cancelled: 30 days after it was due.
    let body = app
        .graphql(
            "mutation($input: TaskCloseInput!) { taskComplete(input: $input) { userErrors { code } } }",
            json!({ "input": { "id": nodes[1]["id"], "version": 1 } }),
        )
        .await;
    assert_eq!(body["data"]["taskComplete"]["userErrors"], json!([]));
    let body = app.graphql(visits, json!({})).await;
    let third = body["data"]["tasks"]["nodes"][2].clone();
    assert_eq!(third["dueOn"], days_ahead(30).to_string(), "{body}");
    let body = app
        .graphql(
            "mutation($input: TaskCloseInput!) { taskCancel(input: $input) { userErrors { code } } }",
            json!({ "input": { "id": third["id"], "version": 1 } }),
        )
        .await;
    assert_eq!(body["data"]["taskCancel"]["userErrors"], json!([]));
    let body = app.graphql(visits, json!({})).await;
    assert_eq!(
        body["data"]["tasks"]["nodes"][3]["dueOn"],
        days_ahead(60).to_string(),
        "{body}"
    );

    // No longer a key account: the open return visit is cancelled and none follows.
    let version = app.version_of(&a.customer).await;
    app.mutate(
        "organizationUpdate",
        "organization { keyAccount }",
        json!({ "id": a.customer, "version": version, "keyAccount": false }),
    )
    .await;
    let body = app
        .graphql(
            "{ open: tasks(filter: { returnVisit: true, statuses: [OPEN] }) { totalCount } all: tasks(filter: { returnVisit: true }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"],
        json!({ "open": { "totalCount": 0 }, "all": { "totalCount": 4 } })
    );
}

#[tokio::test]
async fn a_partner_records_its_own_work_reads_what_the_brand_shares_and_not_the_brands_notes() {
    let app = spawn_app().await;
    app.create_org("BRAND", "Aurora", "BRAND").await;
    let mut sides = Vec::new();
    for side in ["A", "B"] {
        let dist = app
            .create_org(
                "DISTRIBUTOR",
                &format!("{side} Vertrieb"),
                &format!("DIST-{side}"),
            )
            .await;
        let dealer = app
            .create_org(
                "INTERMEDIATE_CUSTOMER",
                &format!("{side} Laden"),
                &format!("DLR-{side}"),
            )
            .await;
        app.link(&dist, &dealer, "RESELLS_TO").await;
        let lower = side.to_lowercase();
        let user = app
            .create_user(
                &format!("member@{lower}.test"),
                "member password",
                crate::helpers::PARTNER_MEMBER,
                Some(uuid_of(&dist)),
            )
            .await;
        let token = app
            .token_for(&format!("member@{lower}.test"), "member password")
            .await;
        sides.push((dist, dealer, user, token));
    }
    let (a_dist, a_dealer, a_user, a_token) = &sides[0];
    let (_, b_dealer, _, b_token) = &sides[1];

    // A records a visit at its dealer, with a commitment of its own user.
    let body = record(
        &app,
        a_token,
        json!({ "organizationId": a_dealer, "kind": "VISIT", "occurredAt": noon(days_ago(1)),
                "summary": "Shelf check", "internalNotes": "Dealer is slow to pay.", "userIds": [user_gid(*a_user)],
                "commitments": [{ "description": "Bring samples", "ownerUserId": user_gid(*a_user), "dueOn": days_ahead(5).to_string() }] }),
    )
    .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
    assert_eq!(
        body["interaction"]["internalNotes"],
        "Dealer is slow to pay."
    );
    // Not at B's dealer, which A cannot see.
    let body = record(
        &app,
        a_token,
        json!({ "organizationId": b_dealer, "kind": "CALL", "occurredAt": noon(days_ago(1)), "summary": "x" }),
    )
    .await;
    assert_eq!(
        body["userErrors"],
        json!([{ "field": ["input", "organizationId"], "code": "NOT_FOUND", "message": "no organization has this organizationId" }])
    );

    // The brand records a meeting with A, with notes of its own.
    let body = record(
        &app,
        &app.token,
        json!({ "organizationId": a_dist, "kind": "MEETING", "occurredAt": noon(days_ago(3)),
                "summary": "Annual plan agreed", "internalNotes": "Consider moving them to SILVER." }),
    )
    .await;
    let brand_meeting = body["interaction"]["id"].clone();

    // A sees both, without the brand's notes, and cannot change the brand's record.
    let body = app
        .graphql_as(
            a_token,
            "{ interactions { totalCount nodes { summary internalNotes organization { code } } } commitments { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"],
        json!({ "interactions": { "totalCount": 2, "nodes": [
                    { "summary": "Shelf check", "internalNotes": "Dealer is slow to pay.", "organization": { "code": "DLR-A" } },
                    { "summary": "Annual plan agreed", "internalNotes": null, "organization": { "code": "DIST-A" } }
                ] },
                "commitments": { "totalCount": 1 } })
    );
    let body = app
        .graphql_as(
            a_token,
            "mutation($input: InteractionUpdateInput!) { interactionUpdate(input: $input) { interaction { id } userErrors { field code message } } }",
            json!({ "input": { "id": brand_meeting, "version": 1, "summary": "Plan rejected" } }),
        )
        .await;
    assert_eq!(
        body["data"]["interactionUpdate"]["userErrors"],
        json!([{ "field": ["input", "id"], "code": "NOT_ALLOWED",
                 "message": "this interaction was recorded by another organization; only it changes it" }])
    );

    // B sees none of it, by any list.
    let body = app
        .graphql_as(
            b_token,
            "{ interactions { totalCount } commitments { totalCount } tasks { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"],
        json!({ "interactions": { "totalCount": 0 }, "commitments": { "totalCount": 0 }, "tasks": { "totalCount": 0 } })
    );

    // A partner system needs the crm scopes.
    let body = app
        .graphql(
            "mutation($org: ID!) { apiTokenCreate(input: { organizationId: $org, name: \"ERP\", scopes: [ORGS_READ] }) { secret } }",
            json!({ "org": a_dist }),
        )
        .await;
    let erp = body["data"]["apiTokenCreate"]["secret"].as_str().unwrap();
    let body = app
        .graphql_as(erp, "{ interactions { totalCount } }", json!({}))
        .await;
    assert_eq!(
        body["errors"][0]["message"],
        "this API token lacks the crm:read scope"
    );
}

const TIMELINE: &str = "query($id: ID!, $f: TimelineFilter, $o: TimelineOrder, $after: String) {
    node(id: $id) { ... on Organization { timeline(filter: $f, orderBy: $o, first: 2, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        nodes { __typename ... on Interaction { summary } ... on Order { number } ... on Case { subject }
                ... on SurveyResponse { satisfaction } } } }
    ... on Contact { timeline(filter: $f, orderBy: $o, first: 2, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        nodes { __typename ... on Interaction { summary } ... on Case { subject } ... on SurveyResponse { satisfaction } } } } } }";

/// Every item of a timeline, page by page, as `Type:label`.
async fn timeline(
    app: &TestApp,
    token: &str,
    id: &str,
    filter: Value,
    order: Value,
) -> (i64, Vec<String>) {
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let body = app
            .graphql_as(
                token,
                TIMELINE,
                json!({ "id": id, "f": filter, "o": order, "after": after }),
            )
            .await;
        assert!(body.get("errors").is_none(), "{body}");
        let t = &body["data"]["node"]["timeline"];
        for n in t["nodes"].as_array().unwrap() {
            let label = ["summary", "number", "subject", "satisfaction"]
                .iter()
                .find_map(|k| n.get(*k).filter(|v| !v.is_null()).map(|v| v.to_string()))
                .unwrap_or_default();
            seen.push(format!(
                "{}:{}",
                n["__typename"].as_str().unwrap(),
                label.trim_matches('"')
            ));
        }
        if t["pageInfo"]["hasNextPage"] != true {
            return (t["totalCount"].as_i64().unwrap(), seen);
        }
        after = t["pageInfo"]["endCursor"].clone();
    }
}

#[tokio::test]
async fn a_timeline_merges_interactions_orders_cases_and_surveys_newest_first() {
    let app = spawn_app().await;
    let t = crate::orders::trade(&app).await;
    let contact = app
        .mutate(
            "contactCreate",
            "contact { id }",
            json!({ "organizationId": t.distributor, "name": "Greta Nord" }),
        )
        .await["contact"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let at = |n: u64| noon(days_ago(n));
    for (day, summary, contacts) in [
        (3, "Kick-off", json!([])),
        (1, "Price talk", json!([contact])),
    ] {
        let body = record(
            &app,
            &app.token,
            json!({ "organizationId": t.distributor, "kind": "MEETING", "occurredAt": at(day), "summary": summary, "contactIds": contacts }),
        )
        .await;
        assert_eq!(body["userErrors"], json!([]), "{body}");
    }
    let body = app
        .mutate(
            "surveyResponseRecord",
            "surveyResponse { id }",
            json!({ "organizationId": t.distributor, "contactId": contact, "satisfaction": 4, "respondedAt": at(2) }),
        )
        .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
    let placed = crate::orders::submit_as(&app, &t.portal, crate::orders::two_lines("PO-1")).await;
    assert_eq!(placed["order"]["number"], "SO-000001");
    let body = app
        .mutate(
            "caseOpen",
            "case { id }",
            json!({ "kind": "INQUIRY", "organizationId": t.distributor, "contactId": contact, "subject": "Catalogue 2027?" }),
        )
        .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
    // Another organization's items stay out.
    record(
        &app,
        &app.token,
        json!({ "organizationId": t.dealer, "kind": "CALL", "occurredAt": at(1), "summary": "Dealer call" }),
    )
    .await;

    let all = [
        "Case:Catalogue 2027?",
        "Order:SO-000001",
        "Interaction:Price talk",
        "SurveyResponse:4",
        "Interaction:Kick-off",
    ];
    let (count, items) = timeline(&app, &app.token, &t.distributor, Value::Null, Value::Null).await;
    assert_eq!(
        (count, items),
        (5, all.iter().map(|s| s.to_string()).collect())
    );
    let (_, items) = timeline(
        &app,
        &app.token,
        &t.distributor,
        Value::Null,
        json!({ "direction": "ASC" }),
    )
    .await;
    assert_eq!(
        items,
        all.iter().rev().map(|s| s.to_string()).collect::<Vec<_>>()
    );
    let (count, items) = timeline(
        &app,
        &app.token,
        &t.distributor,
        json!({ "kinds": ["INTERACTION", "SURVEY_RESPONSE"] }),
        Value::Null,
    )
    .await;
    assert_eq!(count, 3);
    assert_eq!(
        items,
        vec![
            "Interaction:Price talk",
            "SurveyResponse:4",
            "Interaction:Kick-off"
        ]
    );

    // A contact's timeline: what they took part in, and the case and survey naming them.
    let (count, items) = timeline(&app, &app.token, &contact, Value::Null, Value::Null).await;
    assert_eq!(count, 3);
    assert_eq!(
        items,
        vec![
            "Case:Catalogue 2027?",
            "Interaction:Price talk",
            "SurveyResponse:4"
        ]
    );

    // The distributor's own portal sees its timeline as the brand recorded it.
    let (count, _) = timeline(&app, &t.portal, &t.distributor, Value::Null, Value::Null).await;
    assert_eq!(count, 5);
}
