//! Service: cases routed by category and territory, with deadlines from their severity, a
//! lifecycle whose illegal steps change nothing, partners' own cases without the brand's
//! internal notes, and survey responses.

use chrono::{DateTime, Duration, Utc};
use entity::enums::UserRole;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::orders::{submit_as, trade, two_lines};

fn user_gid(id: uuid::Uuid) -> String {
    channelgraph::ids::GlobalId::encode(channelgraph::ids::NodeType::User, id)
}

fn time(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

const CASE: &str = "id number kind status subject category severity department assignee { email }
    organization { code } order { number } product { sku } quantity shipDate
    firstResponseDueAt resolutionDueAt firstRespondedAt firstResponseBreached resolutionBreached
    cause resolution returnAuthorization satisfaction resolvedAt closedAt reopenedCount version
    followUpVisit { kind dueOn status assignee { email } case { number } }
    notes { body internal fromPartner }";

async fn step(app: &TestApp, token: &str, mutation: &str, input_type: &str, input: Value) -> Value {
    let body = app
        .graphql_as(
            token,
            &format!("mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ case {{ {CASE} }} userErrors {{ field code message }} }} }}"),
            json!({ "input": input }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{mutation}: {body}");
    body["data"][mutation].clone()
}

async fn open(app: &TestApp, token: &str, input: Value) -> Value {
    step(app, token, "caseOpen", "CaseOpenInput", input).await
}

async fn set_territory(app: &TestApp, org: &str, territory: &str) {
    let version = app.version_of(org).await;
    let body = app
        .mutate(
            "organizationUpdate",
            "organization { territory }",
            json!({ "id": org, "version": version, "territory": territory }),
        )
        .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
}

/// The brand's service user and the routes: product quality to QUALITY, NORTH to them.
async fn routes(app: &TestApp) -> (uuid::Uuid, String) {
    let service = app
        .create_user(
            "svc@brand.test",
            "service password",
            UserRole::Service,
            None,
        )
        .await;
    let token = app.token_for("svc@brand.test", "service password").await;
    for input in [
        json!({ "category": "PRODUCT_QUALITY", "department": "quality" }),
        json!({ "territory": "north", "assigneeId": user_gid(service) }),
    ] {
        let body = app
            .mutate("caseRouteSet", "caseRoute { id }", input.clone())
            .await;
        assert_eq!(body["userErrors"], json!([]), "{input}: {body}");
    }
    (service, token)
}

#[tokio::test]
async fn a_complaint_is_routed_by_category_and_territory_with_deadlines_from_its_severity() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let (_, _) = routes(&app).await;
    set_territory(&app, &t.distributor, "NORTH").await;
    let placed = submit_as(&app, &t.portal, two_lines("PO-1")).await;
    let order = placed["order"]["id"].clone();

    let opened = open(
        &app,
        &t.portal,
        json!({ "kind": "COMPLAINT", "organizationId": t.distributor, "subject": "Widgets arrived scratched",
                "orderId": order, "sku": "widget-1", "quantity": "20", "shipDate": "2026-11-20",
                "category": "PRODUCT_QUALITY", "severity": "HIGH" }),
    )
    .await;
    assert_eq!(opened["userErrors"], json!([]), "{opened}");
    let case = &opened["case"];
    assert_eq!(case["number"], "CASE-000001");
    assert_eq!(case["status"], "OPEN");
    assert_eq!(case["department"], "QUALITY");
    // The handler is the brand's; the partner does not see staff users.
    assert_eq!(case["assignee"], Value::Null);
    assert_eq!(case["order"]["number"], "SO-000001");
    assert_eq!(case["product"]["sku"], "WIDGET-1");
    assert_eq!(case["quantity"], "20");
    assert_eq!(case["shipDate"], "2026-11-20");
    let number = case["number"].as_str().unwrap().to_owned();

    let body = app
        .graphql(
            &format!("query($n: String!) {{ case(number: $n) {{ {CASE} createdAt }} }}"),
            json!({ "n": number.to_lowercase() }),
        )
        .await;
    let case = &body["data"]["case"];
    assert_eq!(case["assignee"]["email"], "svc@brand.test", "{body}");
    // HIGH: first response within 8 hours, resolution within 3 working days.
    let created = time(&case["createdAt"]);
    assert_eq!(
        time(&case["firstResponseDueAt"]),
        created + Duration::hours(8)
    );
    assert_eq!(
        time(&case["resolutionDueAt"]),
        channelgraph::calendar::add_working_days(created, 3, chrono_tz::UTC)
    );
    assert_eq!(case["firstResponseBreached"], false);

    // A raised severity moves the deadlines, from when the case was opened.
    let body = step(
        &app,
        &app.token,
        "caseUpdate",
        "CaseUpdateInput",
        json!({ "id": case["id"], "version": 1, "severity": "CRITICAL" }),
    )
    .await;
    assert_eq!(
        time(&body["case"]["firstResponseDueAt"]),
        created + Duration::hours(4)
    );

    // The admin changes a rule; new cases follow it, old ones stay where they are.
    let body = app
        .mutate(
            "caseRouteSet",
            "caseRoute { category department }",
            json!({ "category": "PRODUCT_QUALITY", "department": "LAB" }),
        )
        .await;
    assert_eq!(
        body["caseRoute"],
        json!({ "category": "PRODUCT_QUALITY", "department": "LAB" })
    );
    let second = open(
        &app,
        &app.token,
        json!({ "kind": "COMPLAINT", "organizationId": t.dealer, "subject": "Broken gadget", "category": "PRODUCT_QUALITY" }),
    )
    .await;
    assert_eq!(second["case"]["department"], "LAB");
    // The dealer has no territory and no account owner: nobody yet.
    assert_eq!(second["case"]["assignee"], Value::Null);
    assert_eq!(second["case"]["severity"], "MEDIUM");
    let body = app
        .graphql(
            "{ lab: cases(filter: { department: \"lab\" }) { totalCount } quality: cases(filter: { department: \"QUALITY\" }) { totalCount } routes: caseRoutes { category department territory assignee { email } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"],
        json!({ "lab": { "totalCount": 1 }, "quality": { "totalCount": 1 }, "routes": [
            { "category": "PRODUCT_QUALITY", "department": "LAB", "territory": null, "assignee": null },
            { "category": null, "department": null, "territory": "NORTH", "assignee": { "email": "svc@brand.test" } }
        ] })
    );

    // Only admins route; partners do not even read the rules.
    let body = app
        .graphql_as(
            &t.portal,
            "mutation { caseRouteSet(input: { category: BILLING, department: \"X\" }) { caseRoute { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    let body = app
        .graphql_as(&t.portal, "{ caseRoutes { department } }", json!({}))
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    for (input, field, code, message) in [
        (
            json!({ "category": "BILLING" }),
            json!(["input", "department"]),
            "REQUIRED",
            "a category rule names the department its cases go to",
        ),
        (
            json!({ "territory": "SOUTH" }),
            json!(["input", "assigneeId"]),
            "REQUIRED",
            "a territory rule names the person its cases go to",
        ),
        (
            json!({ "category": "BILLING", "territory": "SOUTH" }),
            json!(["input", "territory"]),
            "INVALID",
            "a rule routes a category or a territory, not both",
        ),
    ] {
        let body = app.mutate("caseRouteSet", "caseRoute { id }", input).await;
        assert_eq!(
            body["userErrors"],
            json!([{ "field": field, "code": code, "message": message }])
        );
    }
}

#[tokio::test]
async fn a_case_moves_through_its_lifecycle_and_an_illegal_step_changes_nothing() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let (_, service) = routes(&app).await;
    set_territory(&app, &t.dealer, "NORTH").await;
    let opened = open(
        &app,
        &service,
        json!({ "kind": "COMPLAINT", "organizationId": t.dealer, "subject": "Motor hums", "category": "PRODUCT_QUALITY", "severity": "LOW" }),
    )
    .await;
    let id = opened["case"]["id"].clone();
    assert_eq!(opened["case"]["assignee"]["email"], "svc@brand.test");

    let refused = |body: &Value, message: &str| {
        assert_eq!(
            body["userErrors"],
            json!([{ "field": ["input", "id"], "code": "ILLEGAL_TRANSITION", "message": message }]),
            "{body}"
        );
        assert_eq!(body["case"], Value::Null);
    };
    let close = step(
        &app,
        &service,
        "caseClose",
        "CaseCloseInput",
        json!({ "id": id, "version": 1 }),
    )
    .await;
    refused(&close, "an open case cannot be closed");
    let reopen = step(
        &app,
        &service,
        "caseReopen",
        "CaseReopenInput",
        json!({ "id": id, "version": 1 }),
    )
    .await;
    refused(&reopen, "an open case cannot be reopened");

    let started = step(
        &app,
        &service,
        "caseStart",
        "CaseStepInput",
        json!({ "id": id, "version": 1 }),
    )
    .await;
    assert_eq!(started["case"]["status"], "IN_PROGRESS");
    assert!(started["case"]["firstRespondedAt"].is_string());
    let again = step(
        &app,
        &service,
        "caseStart",
        "CaseStepInput",
        json!({ "id": id, "version": 2 }),
    )
    .await;
    refused(&again, "an in-progress case cannot be started");

    // A complaint is resolved with its cause.
    let follow_up = (Utc::now() + Duration::days(7)).date_naive().to_string();
    let body = step(
        &app,
        &service,
        "caseResolve",
        "CaseResolveInput",
        json!({ "id": id, "version": 2, "resolution": "EXCHANGE", "followUpOn": follow_up }),
    )
    .await;
    assert_eq!(
        body["userErrors"],
        json!([{ "field": ["input", "cause"], "code": "REQUIRED", "message": "a complaint is resolved with its investigated cause" }])
    );
    let resolved = step(
        &app,
        &service,
        "caseResolve",
        "CaseResolveInput",
        json!({ "id": id, "version": 2, "resolution": "EXCHANGE", "cause": "Bearing from a bad batch", "followUpOn": follow_up }),
    )
    .await;
    let case = &resolved["case"];
    assert_eq!(case["status"], "RESOLVED", "{resolved}");
    assert_eq!(case["resolution"], "EXCHANGE");
    assert_eq!(case["cause"], "Bearing from a bad batch");
    assert_eq!(case["returnAuthorization"], "RMA-000001");
    assert_eq!(
        case["followUpVisit"],
        json!({ "kind": "VISIT", "dueOn": follow_up, "status": "OPEN", "assignee": { "email": "svc@brand.test" }, "case": { "number": "CASE-000001" } })
    );
    assert_eq!(case["resolutionBreached"], false);

    // Closed with the customer's verdict, which is also a survey response.
    let closed = step(
        &app,
        &service,
        "caseClose",
        "CaseCloseInput",
        json!({ "id": id, "version": 3, "satisfaction": 4, "likelihoodToRecommend": 9, "comment": "Quick exchange" }),
    )
    .await;
    assert_eq!(closed["case"]["status"], "CLOSED");
    assert_eq!(closed["case"]["satisfaction"], 4);
    let body = app
        .graphql(
            "query($org: ID!) { surveyResponses(filter: { organizationId: $org }) { totalCount nodes { satisfaction likelihoodToRecommend comment case { number } } } }",
            json!({ "org": t.dealer }),
        )
        .await;
    assert_eq!(
        body["data"]["surveyResponses"],
        json!({ "totalCount": 1, "nodes": [{ "satisfaction": 4, "likelihoodToRecommend": 9, "comment": "Quick exchange", "case": { "number": "CASE-000001" } }] })
    );
    let body = step(
        &app,
        &service,
        "caseResolve",
        "CaseResolveInput",
        json!({ "id": id, "version": 4, "resolution": "NONE" }),
    )
    .await;
    refused(&body, "a closed case cannot be resolved");
    let body = step(
        &app,
        &service,
        "caseUpdate",
        "CaseUpdateInput",
        json!({ "id": id, "version": 4, "cause": "x" }),
    )
    .await;
    refused(&body, "a closed case cannot be changed");
    let body = step(
        &app,
        &service,
        "caseNoteAdd",
        "CaseNoteAddInput",
        json!({ "caseId": id, "body": "x" }),
    )
    .await;
    assert_eq!(body["userErrors"][0]["code"], "ILLEGAL_TRANSITION");
    assert_eq!(app.version_of(id.as_str().unwrap()).await, 4);

    // Reopened within the window; resolved again keeps its return authorisation.
    let reopened = step(
        &app,
        &service,
        "caseReopen",
        "CaseReopenInput",
        json!({ "id": id, "version": 4, "reason": "Hums again after the exchange" }),
    )
    .await;
    let case = &reopened["case"];
    assert_eq!(case["status"], "REOPENED");
    assert_eq!(case["reopenedCount"], 1);
    assert_eq!(case["resolvedAt"], Value::Null);
    assert_eq!(
        case["notes"],
        json!([{ "body": "Hums again after the exchange", "internal": false, "fromPartner": false }])
    );
    let resolved = step(
        &app,
        &service,
        "caseResolve",
        "CaseResolveInput",
        json!({ "id": id, "version": 5, "resolution": "REPAIR" }),
    )
    .await;
    assert_eq!(resolved["case"]["returnAuthorization"], "RMA-000001");
    assert_eq!(resolved["case"]["cause"], "Bearing from a bad batch");

    // A stale version is a conflict.
    let body = step(
        &app,
        &service,
        "caseClose",
        "CaseCloseInput",
        json!({ "id": id, "version": 5 }),
    )
    .await;
    assert_eq!(body["userErrors"][0]["code"], "CONFLICT", "{body}");
}

#[tokio::test]
async fn a_case_resolved_longer_ago_than_the_window_cannot_be_reopened() {
    let app = spawn_app_with(|s| s.crm.case_reopen_days = 0).await;
    let t = trade(&app).await;
    let opened = open(
        &app,
        &app.token,
        json!({ "kind": "INQUIRY", "organizationId": t.dealer, "subject": "Manual in Japanese?" }),
    )
    .await;
    let id = opened["case"]["id"].clone();
    let resolved = step(
        &app,
        &app.token,
        "caseResolve",
        "CaseResolveInput",
        json!({ "id": id, "version": 1, "resolution": "NONE" }),
    )
    .await;
    assert_eq!(resolved["case"]["status"], "RESOLVED");
    assert_eq!(resolved["case"]["returnAuthorization"], Value::Null);
    let today = Utc::now().date_naive();
    let body = step(
        &app,
        &app.token,
        "caseReopen",
        "CaseReopenInput",
        json!({ "id": id, "version": 2 }),
    )
    .await;
    assert_eq!(
        body["userErrors"],
        json!([{ "field": ["input", "id"], "code": "ILLEGAL_TRANSITION",
                 "message": format!("the case was resolved on {today}; it can be reopened within 0 days of that") }])
    );
    assert_eq!(app.version_of(id.as_str().unwrap()).await, 2);
}

#[tokio::test]
async fn partners_open_cases_about_their_own_orders_and_never_see_internal_notes() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    // Another distributor with its own order and portal.
    let other = app
        .create_org("DISTRIBUTOR", "Süd Vertrieb", "DIST-2")
        .await;
    app.assign_tier(&other, &tier_of(&app, &t.distributor).await)
        .await;
    app.create_user(
        "buyer@dist-2.test",
        "buyer password 2",
        crate::helpers::PARTNER_MEMBER,
        Some(channelgraph::ids::GlobalId::parse(&other).unwrap().id),
    )
    .await;
    let other_portal = app.token_for("buyer@dist-2.test", "buyer password 2").await;
    let theirs = submit_as(&app, &other_portal, two_lines("PO-B")).await;
    assert_eq!(theirs["userErrors"], json!([]), "{theirs}");
    let ours = submit_as(&app, &t.portal, two_lines("PO-A")).await;

    // Not about another partner's order, not for an organization it cannot see.
    let body = open(
        &app,
        &t.portal,
        json!({ "kind": "COMPLAINT", "organizationId": t.distributor, "subject": "x", "category": "DELIVERY", "orderId": theirs["order"]["id"] }),
    )
    .await;
    assert_eq!(
        body["userErrors"],
        json!([{ "field": ["input", "orderId"], "code": "NOT_FOUND", "message": "no order has this orderId" }])
    );
    let body = open(
        &app,
        &t.portal,
        json!({ "kind": "INQUIRY", "organizationId": other, "subject": "x" }),
    )
    .await;
    assert_eq!(body["userErrors"][0]["code"], "NOT_FOUND");
    let body = open(
        &app,
        &t.portal,
        json!({ "kind": "COMPLAINT", "organizationId": t.distributor, "subject": "Short delivery", "category": "DELIVERY",
                "orderId": ours["order"]["id"], "sku": "GADGET-1", "quantity": "3" }),
    )
    .await;
    assert_eq!(
        body["userErrors"],
        json!([{ "field": ["input", "quantity"], "code": "OUT_OF_RANGE", "message": "quantity 3 is more than the 2 ordered on SO-000002" }])
    );
    let opened = open(
        &app,
        &t.portal,
        json!({ "kind": "COMPLAINT", "organizationId": t.distributor, "subject": "Short delivery", "category": "DELIVERY",
                "orderId": ours["order"]["id"], "sku": "GADGET-1", "quantity": "1" }),
    )
    .await;
    assert_eq!(opened["userErrors"], json!([]), "{opened}");
    let id = opened["case"]["id"].clone();

    // The partner cannot work its case; the brand answers it and keeps notes of its own.
    let body = app
        .graphql_as(
            &t.portal,
            "mutation($input: CaseStepInput!) { caseStart(input: $input) { case { id } } }",
            json!({ "input": { "id": id, "version": 1 } }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    step(
        &app,
        &app.token,
        "caseNoteAdd",
        "CaseNoteAddInput",
        json!({ "caseId": id, "body": "Picker skipped a bin.", "internal": true }),
    )
    .await;
    let replied = step(
        &app,
        &app.token,
        "caseNoteAdd",
        "CaseNoteAddInput",
        json!({ "caseId": id, "body": "We ship the missing unit today." }),
    )
    .await;
    assert!(replied["case"]["firstRespondedAt"].is_string(), "{replied}");
    let body = step(
        &app,
        &t.portal,
        "caseNoteAdd",
        "CaseNoteAddInput",
        json!({ "caseId": id, "body": "psst", "internal": true }),
    )
    .await;
    assert_eq!(
        body["userErrors"],
        json!([{ "field": ["input", "internal"], "code": "NOT_ALLOWED", "message": "internal notes are for the brand's staff" }])
    );
    step(
        &app,
        &t.portal,
        "caseNoteAdd",
        "CaseNoteAddInput",
        json!({ "caseId": id, "body": "Thanks!" }),
    )
    .await;

    let seen = |token: String| {
        let app = &app;
        async move {
            app.graphql_as(
                &token,
                "{ cases { totalCount nodes { number notes { body internal fromPartner } } } }",
                json!({}),
            )
            .await
        }
    };
    let body = seen(t.portal.clone()).await;
    assert_eq!(
        body["data"]["cases"],
        json!({ "totalCount": 1, "nodes": [{ "number": "CASE-000001", "notes": [
            { "body": "We ship the missing unit today.", "internal": false, "fromPartner": false },
            { "body": "Thanks!", "internal": false, "fromPartner": true }
        ] }] })
    );
    let body = seen(app.token.clone()).await;
    assert_eq!(
        body["data"]["cases"]["nodes"][0]["notes"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let body = seen(other_portal.clone()).await;
    assert_eq!(
        body["data"]["cases"],
        json!({ "totalCount": 0, "nodes": [] })
    );
    let body = app
        .graphql_as(
            &other_portal,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(body["data"]["node"], Value::Null);

    // The partner confirms the resolution, or reopens.
    let resolved = step(
        &app,
        &app.token,
        "caseResolve",
        "CaseResolveInput",
        json!({ "id": id, "version": 2, "resolution": "NONE", "cause": "Picking error" }),
    )
    .await;
    assert_eq!(resolved["userErrors"], json!([]), "{resolved}");
    let body = step(
        &app,
        &other_portal,
        "caseClose",
        "CaseCloseInput",
        json!({ "id": id, "version": 3, "satisfaction": 1 }),
    )
    .await;
    assert_eq!(body["userErrors"][0]["code"], "NOT_FOUND", "{body}");
    let closed = step(
        &app,
        &t.portal,
        "caseClose",
        "CaseCloseInput",
        json!({ "id": id, "version": 3, "satisfaction": 5 }),
    )
    .await;
    assert_eq!(closed["case"]["status"], "CLOSED", "{closed}");
}

async fn tier_of(app: &TestApp, org: &str) -> String {
    let body = app
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on Distributor { partnerTier { id } } } }",
            json!({ "id": org }),
        )
        .await;
    body["data"]["node"]["partnerTier"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn survey_scores_out_of_their_scale_are_refused() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let record = "mutation($input: SurveyResponseRecordInput!) { surveyResponseRecord(input: $input) {
        surveyResponse { satisfaction likelihoodToRecommend organization { code } order { number } } userErrors { field code message } } }";
    for (input, field, code, message) in [
        (
            json!({ "satisfaction": 0 }),
            "satisfaction",
            "OUT_OF_RANGE",
            "satisfaction must be from 1 to 5; it was 0",
        ),
        (
            json!({ "satisfaction": 6 }),
            "satisfaction",
            "OUT_OF_RANGE",
            "satisfaction must be from 1 to 5; it was 6",
        ),
        (
            json!({ "likelihoodToRecommend": -1 }),
            "likelihoodToRecommend",
            "OUT_OF_RANGE",
            "likelihoodToRecommend must be from 0 to 10; it was -1",
        ),
        (
            json!({ "likelihoodToRecommend": 11 }),
            "likelihoodToRecommend",
            "OUT_OF_RANGE",
            "likelihoodToRecommend must be from 0 to 10; it was 11",
        ),
        (
            json!({ "comment": "no scores" }),
            "satisfaction",
            "REQUIRED",
            "a response holds satisfaction, likelihoodToRecommend, or both",
        ),
    ] {
        let mut input = input.clone();
        input["organizationId"] = json!(t.dealer);
        let body = app.graphql(record, json!({ "input": input })).await;
        assert_eq!(
            body["data"]["surveyResponseRecord"]["userErrors"],
            json!([{ "field": ["input", field], "code": code, "message": message }]),
            "{input}"
        );
    }
    // An order the organization has nothing to do with.
    let placed = submit_as(&app, &t.portal, two_lines("PO-1")).await;
    let body = app
        .graphql(
            record,
            json!({ "input": { "organizationId": t.dealer, "orderId": placed["order"]["id"], "satisfaction": 3 } }),
        )
        .await;
    assert_eq!(
        body["data"]["surveyResponseRecord"]["userErrors"],
        json!([{ "field": ["input", "orderId"], "code": "NOT_ALLOWED", "message": "order SO-000001 is not DLR-1's" }])
    );
    let body = app
        .graphql("{ surveyResponses { totalCount } }", json!({}))
        .await;
    assert_eq!(body["data"]["surveyResponses"]["totalCount"], 0);
    let body = app
        .graphql(
            record,
            json!({ "input": { "organizationId": t.distributor, "orderId": placed["order"]["id"], "satisfaction": 5, "likelihoodToRecommend": 0 } }),
        )
        .await;
    assert_eq!(
        body["data"]["surveyResponseRecord"]["surveyResponse"],
        json!({ "satisfaction": 5, "likelihoodToRecommend": 0, "organization": { "code": "DIST-1" }, "order": { "number": "SO-000001" } })
    );
}

#[tokio::test]
async fn a_complaint_needs_a_category_a_past_ship_date_and_a_sku_on_its_order() {
    let app = spawn_app().await;
    let t = trade(&app).await;
    let placed = submit_as(
        &app,
        &t.portal,
        json!({ "poNumber": "PO-1", "lines": [{ "sku": "WIDGET-1", "quantity": "5" }] }),
    )
    .await;
    let order = placed["order"]["id"].clone();
    let tomorrow = (Utc::now() + Duration::days(1)).date_naive();
    for (extra, field, code, message) in [
        (
            json!({ "category": null }),
            "category",
            "REQUIRED",
            "a complaint needs a category".to_owned(),
        ),
        (
            json!({ "shipDate": tomorrow.to_string() }),
            "shipDate",
            "OUT_OF_RANGE",
            format!("shipDate {tomorrow} is in the future"),
        ),
        (
            json!({ "orderId": order, "sku": "GADGET-1" }),
            "sku",
            "NOT_ALLOWED",
            "SKU GADGET-1 is not on order SO-000001".to_owned(),
        ),
        (
            json!({ "quantity": "2" }),
            "sku",
            "REQUIRED",
            "name the sku the quantity is of".to_owned(),
        ),
    ] {
        let mut input = json!({ "kind": "COMPLAINT", "organizationId": t.distributor, "subject": "Scratched", "category": "DELIVERY" });
        for (k, v) in extra.as_object().unwrap() {
            input[k] = v.clone();
        }
        let body = open(&app, &t.portal, input).await;
        assert_eq!(
            body["userErrors"],
            json!([{ "field": ["input", field], "code": code, "message": message }]),
            "{extra}"
        );
    }
    let body = app.graphql("{ cases { totalCount } }", json!({})).await;
    assert_eq!(body["data"]["cases"]["totalCount"], 0);
}
