//! Roles against capabilities: the README's role table, read from the README and proved
//! cell by cell over HTTP on one distributor's company.

use entity::enums::UserRole;
use sea_orm::{ActiveEnum, Iterable};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};
use crate::orders::{Trade, submit_as, trade};

/// What a role may do with a capability.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cell {
    Yes,
    Own,
    No,
}

/// The role table: the roles of its header, and each capability's key with its cells.
struct Table {
    roles: Vec<UserRole>,
    rows: Vec<(String, Vec<Cell>)>,
}

fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner.split('|').map(|c| c.trim().to_owned()).collect()
}

fn between_backticks(text: &str) -> &str {
    text.split('`')
        .nth(1)
        .unwrap_or_else(|| panic!("no `key` in {text}"))
}

fn read_table() -> Table {
    let readme = include_str!("../../README.md");
    let start = readme
        .find("### Roles inside a partner company")
        .expect("the README has the role table's section");
    let mut lines = readme[start..]
        .lines()
        .skip_while(|l| !l.starts_with("| capability"))
        .take_while(|l| l.starts_with('|'));
    let header = cells(lines.next().expect("the table's header"));
    let roles: Vec<UserRole> = header[1..]
        .iter()
        .map(|name| {
            let code = between_backticks(name);
            UserRole::iter()
                .find(|r| r.to_value() == code)
                .unwrap_or_else(|| panic!("the table names an unknown role {code}"))
        })
        .collect();
    assert_eq!(
        roles.len(),
        UserRole::iter().count(),
        "the table has a column for every role"
    );
    let rows = lines
        .skip(1)
        .map(|line| {
            let row = cells(line);
            let key = between_backticks(&row[0]).to_owned();
            let marks: Vec<Cell> = row[1..]
                .iter()
                .map(|c| match c.as_str() {
                    "yes" => Cell::Yes,
                    "own" => Cell::Own,
                    "—" => Cell::No,
                    other => panic!("{key}: `{other}` is not yes, own or —"),
                })
                .collect();
            assert_eq!(marks.len(), roles.len(), "{key}: one cell per role");
            (key, marks)
        })
        .collect();
    Table { roles, rows }
}

/// One distributor's company with an order (placed by another of its users, acknowledged,
/// shipped and invoiced), a lead offered to it, a case and an interaction the brand
/// recorded about it.
struct Company {
    trade: Trade,
    invoice: String,
    /// An end customer the distributor serves, for special prices.
    customer: String,
    /// A certification in the catalogue, and a contact of the distributor who holds it.
    certification: String,
    certified: String,
}

fn is_forbidden(body: &Value) -> bool {
    body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
}

async fn run(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    app.graphql_as(token, query, variables).await
}

async fn mutation(app: &TestApp, token: &str, name: &str, selection: &str, input: Value) -> Value {
    let input_type = match name {
        "leadAccept" => "LeadStepInput".to_owned(),
        _ => format!("{}{}Input", name[..1].to_uppercase(), &name[1..]),
    };
    run(
        app,
        token,
        &format!(
            "mutation($input: {input_type}!) {{ {name}(input: $input) {{ {selection} userErrors {{ field code message }} }} }}"
        ),
        json!({ "input": input }),
    )
    .await
}

/// Yes when `body` made `path` under the mutation `name`; No when it was FORBIDDEN or the
/// mutation refused it as not the caller's to do.
fn made(body: &Value, name: &str, path: &str) -> Cell {
    if is_forbidden(body) {
        return Cell::No;
    }
    let payload = &body["data"][name];
    if !payload[path].is_null() && payload["userErrors"] == json!([]) {
        return Cell::Yes;
    }
    let code = payload["userErrors"][0]["code"].as_str().unwrap_or("");
    assert!(
        matches!(code, "NOT_ALLOWED" | "NOT_FOUND"),
        "{name}: neither made nor refused: {body}"
    );
    Cell::No
}

/// How many of a list the caller sees, or None when it is refused.
async fn count(app: &TestApp, token: &str, list: &str) -> Option<i64> {
    let body = run(
        app,
        token,
        &format!("{{ {list} {{ totalCount }} }}"),
        json!({}),
    )
    .await;
    if is_forbidden(&body) {
        return None;
    }
    Some(
        body["data"][list]["totalCount"]
            .as_i64()
            .unwrap_or_else(|| panic!("{list}: {body}")),
    )
}

/// A read of a list holding one record of another user: Yes when the caller sees it; Own
/// when it sees none of it but sees the one `make` adds as the caller; No otherwise.
async fn reach(app: &TestApp, token: &str, list: &str, make: impl AsyncFnOnce() -> bool) -> Cell {
    match count(app, token, list).await {
        None => Cell::No,
        Some(n) if n >= 1 => Cell::Yes,
        Some(_) => {
            if make().await && count(app, token, list).await == Some(1) {
                Cell::Own
            } else {
                Cell::No
            }
        }
    }
}

/// A special price for the company's customer: a gadget a little below its tier price.
fn special_price(c: &Company) -> Value {
    let today = chrono::Utc::now().date_naive();
    json!({ "endCustomerId": c.customer, "validFrom": today.to_string(),
            "validUntil": (today + chrono::Days::new(30)).to_string(),
            "lines": [{ "sku": "GADGET-1", "quantity": "2", "discountPercent": "5" }] })
}

/// A special price the brand approved for the company; its number.
async fn approved_special_price(app: &TestApp, c: &Company) -> String {
    let asked = mutation(
        app,
        &c.trade.portal,
        "specialPriceRequest",
        "specialPrice { id }",
        special_price(c),
    )
    .await;
    let id = asked["data"]["specialPriceRequest"]["specialPrice"]["id"].clone();
    assert!(id.is_string(), "{asked}");
    let approved = app
        .mutate(
            "specialPriceApprove",
            "specialPrice { number }",
            json!({ "id": id, "version": 1 }),
        )
        .await;
    approved["specialPrice"]["number"]
        .as_str()
        .unwrap_or_else(|| panic!("{approved}"))
        .to_owned()
}

/// An MDF fund that gives the distributor's tier 1000.00 EUR.
async fn fund(app: &TestApp) -> String {
    let tiers = app
        .graphql("{ partnerTiers { nodes { id code } } }", json!({}))
        .await;
    let gold = tiers["data"]["partnerTiers"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{tiers}"))
        .iter()
        .find(|t| t["code"] == "GOLD")
        .unwrap()["id"]
        .clone();
    let today = chrono::Utc::now().date_naive();
    let body = app
        .mutate(
            "fundCreate",
            "fund { id }",
            json!({ "name": "MDF", "kind": "MDF", "startsOn": today.to_string(), "endsOn": (today + chrono::Days::new(30)).to_string(),
                    "budget": { "amount": "100000", "currency": "EUR" },
                    "tierAmounts": [{ "tierId": gold, "amount": { "amount": "1000", "currency": "EUR" } }] }),
        )
        .await;
    body["fund"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

fn fund_request(fund: &str, partner: &str) -> Value {
    let today = chrono::Utc::now().date_naive();
    json!({ "fundId": fund, "partnerId": partner, "activity": "TRAINING", "title": "Sales course",
            "plan": "Two days for four people", "startsOn": today.to_string(), "endsOn": today.to_string(),
            "amount": { "amount": "10", "currency": "EUR" } })
}

fn claim(number: &str, reference: &str) -> Value {
    let today = chrono::Utc::now().date_naive();
    json!({ "specialPrice": number, "reference": reference,
            "lines": [{ "sku": "GADGET-1", "invoice": "INV-1", "soldOn": today.to_string(), "quantity": "1", "paidCost": "80" }] })
}

fn yesterday() -> String {
    (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339()
}

fn order(po: &str) -> Value {
    json!({ "poNumber": po, "lines": [{ "sku": "WIDGET-1", "quantity": "10" }] })
}

async fn offered_lead(app: &TestApp, name: &str) -> String {
    let body = app
        .mutate(
            "leadCreate",
            "lead { id status }",
            json!({ "personName": name, "source": "WEBSITE", "capturedAt": yesterday(), "territory": "ROLE-LAND" }),
        )
        .await;
    assert_eq!(body["lead"]["status"], "OFFERED", "{body}");
    body["lead"]["id"].as_str().unwrap().to_owned()
}

async fn company(app: &TestApp) -> Company {
    let trade = trade(app).await;
    let placed = submit_as(app, &trade.portal, order("PO-ROLES-1")).await;
    let id = placed["order"]["id"].as_str().unwrap().to_owned();
    let acked = app
        .mutate(
            "orderAcknowledge",
            "order { version }",
            json!({ "id": id, "version": 1, "lines": [{ "lineNumber": 1, "decision": "ACCEPT" }] }),
        )
        .await;
    assert_eq!(acked["userErrors"], json!([]), "{acked}");
    let shipped = app
        .mutate(
            "shipmentCreate",
            "shipment { id }",
            json!({ "orderId": id, "version": 2, "carrier": "DHL", "lines": [{ "lineNumber": 1, "quantity": "10" }] }),
        )
        .await;
    assert_eq!(shipped["userErrors"], json!([]), "{shipped}");
    let invoiced = app
        .mutate(
            "invoiceCreate",
            "invoice { id }",
            json!({ "orderId": id, "version": 3 }),
        )
        .await;
    let invoice = invoiced["invoice"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{invoiced}"))
        .to_owned();
    // Dated yesterday, so a rebate program that ended then counts it.
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.db,
        &format!(
            "UPDATE invoices SET issued_on = '{}'",
            chrono::Utc::now().date_naive() - chrono::Days::new(1)
        ),
    )
    .await
    .unwrap();
    app.mutate(
        "leadRouteSet",
        "leadRoute { territory }",
        json!({ "territory": "ROLE-LAND", "partnerId": trade.distributor }),
    )
    .await;
    offered_lead(app, "Offered lead").await;
    let case = app
        .mutate(
            "caseOpen",
            "case { id }",
            json!({ "kind": "INQUIRY", "organizationId": trade.distributor, "subject": "Brand's question" }),
        )
        .await;
    assert_eq!(case["userErrors"], json!([]), "{case}");
    let report = app
        .mutate(
            "inventoryReportSubmit",
            "report { id }",
            json!({ "organizationId": trade.distributor, "asOf": "2026-11-01", "lines": [{ "sku": "WIDGET-1", "onHand": "7" }] }),
        )
        .await;
    assert_eq!(report["userErrors"], json!([]), "{report}");
    let visit = app
        .mutate(
            "interactionRecord",
            "interaction { id }",
            json!({ "organizationId": trade.distributor, "kind": "VISIT", "occurredAt": yesterday(), "summary": "Quarterly review" }),
        )
        .await;
    assert_eq!(visit["userErrors"], json!([]), "{visit}");
    let certification = app
        .mutate(
            "certificationCreate",
            "certification { id }",
            json!({ "code": "ROLES-1", "name": "Roles training", "validityMonths": 24 }),
        )
        .await["certification"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let certified = app
        .mutate(
            "contactCreate",
            "contact { id }",
            json!({ "organizationId": trade.distributor, "name": "Certified Person" }),
        )
        .await["contact"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let held = app
        .mutate(
            "contactCertificationRecord",
            "contactCertification { id }",
            json!({ "contactId": certified, "certificationId": certification, "earnedOn": "2026-01-05" }),
        )
        .await;
    assert_eq!(held["userErrors"], json!([]), "{held}");
    // A tier the distributor qualifies for: its evaluation proposes the move.
    let list = app
        .graphql("{ priceLists { nodes { id } } }", json!({}))
        .await["data"]["priceLists"]["nodes"][0]["id"]
        .clone();
    let up = app
        .mutate(
            "partnerTierCreate",
            "partnerTier { id }",
            json!({ "code": "ROLES-UP", "name": "Roles up", "rank": 10, "priceListId": list, "paymentTermsDays": 30 }),
        )
        .await["partnerTier"]["id"]
        .clone();
    let set = app
        .mutate(
            "partnerTierCriteriaSet",
            "version",
            json!({ "tierId": up, "version": 1, "criteria": [{ "measure": "OPEN_COMPLAINTS", "comparison": "AT_MOST", "threshold": "1000" }] }),
        )
        .await;
    assert_eq!(set["userErrors"], json!([]), "{set}");
    let customer = app
        .create_org("END_CUSTOMER", "Roles Customer", "CUST-ROLES")
        .await;
    app.link(&trade.distributor, &customer, "SERVES").await;
    Company {
        trade,
        invoice,
        customer,
        certification,
        certified,
    }
}

/// What `role` (signed in as `token`) gets when it tries `capability`.
async fn probe(app: &TestApp, c: &Company, capability: &str, role: &str, token: &str) -> Cell {
    let dist = c.trade.distributor.as_str();
    let tag = role.replace("PARTNER_", "P-").to_lowercase();
    match capability {
        "users" => {
            let body = mutation(
                app,
                token,
                "userCreate",
                "user { id }",
                json!({ "email": format!("new-{tag}@roles.test"), "name": "New", "password": "a long password 1",
                        "roles": ["PARTNER_ADMIN"], "organizationId": dist }),
            )
            .await;
            made(&body, "userCreate", "user")
        }
        "users.beyond" => {
            let body = mutation(
                app,
                token,
                "userCreate",
                "user { id }",
                json!({ "email": format!("manager-{tag}@roles.test"), "name": "New manager", "password": "a long password 1",
                        "roles": ["PARTNER_MANAGER"], "organizationId": dist }),
            )
            .await;
            made(&body, "userCreate", "user")
        }
        "tokens" => {
            let body = mutation(
                app,
                token,
                "apiTokenCreate",
                "secret",
                json!({ "organizationId": dist, "name": format!("ERP {tag}"), "scopes": ["ORGS_READ", "CATALOG_READ"] }),
            )
            .await;
            made(&body, "apiTokenCreate", "secret")
        }
        "tokens.orders" => {
            let body = mutation(
                app,
                token,
                "apiTokenCreate",
                "secret",
                json!({ "organizationId": dist, "name": format!("Orders {tag}"), "scopes": ["ORDERS_READ"] }),
            )
            .await;
            made(&body, "apiTokenCreate", "secret")
        }
        "webhooks.orders" => {
            let body = mutation(
                app,
                token,
                "webhookEndpointCreate",
                "webhookEndpoint { id }",
                json!({ "url": "http://127.0.0.1:9/orders", "eventTypes": ["ORDER_SUBMITTED"] }),
            )
            .await;
            made(&body, "webhookEndpointCreate", "webhookEndpoint")
        }
        "webhooks" => {
            let body = mutation(
                app,
                token,
                "webhookEndpointCreate",
                "webhookEndpoint { id }",
                json!({ "url": "http://127.0.0.1:9/roles", "eventTypes": ["TIER_CHANGED"] }),
            )
            .await;
            made(&body, "webhookEndpointCreate", "webhookEndpoint")
        }
        "company" => {
            let body = mutation(
                app,
                token,
                "contactCreate",
                "contact { id }",
                json!({ "organizationId": dist, "name": format!("Contact by {tag}") }),
            )
            .await;
            made(&body, "contactCreate", "contact")
        }
        "dealers" => {
            let body = mutation(
                app,
                token,
                "dealerRegister",
                "organization { id }",
                json!({ "name": format!("Recruit of {tag}"), "code": format!("R-{}", tag.replace("p-", "P")) }),
            )
            .await;
            made(&body, "dealerRegister", "organization")
        }
        "directory" => {
            let body = run(
                app,
                token,
                "{ organization(code: \"DIST-1\") { code } }",
                json!({}),
            )
            .await;
            if body["data"]["organization"]["code"] == "DIST-1" {
                Cell::Yes
            } else {
                Cell::No
            }
        }
        "catalog" => match count(app, token, "priceLists").await {
            Some(n) if n >= 1 => Cell::Yes,
            _ => Cell::No,
        },
        "orders.read" => {
            reach(app, token, "orders", async || {
                let placed = mutation(
                    app,
                    token,
                    "orderSubmit",
                    "order { id }",
                    order(&format!("PO-{tag}")),
                )
                .await;
                made(&placed, "orderSubmit", "order") == Cell::Yes
            })
            .await
        }
        "orders.place" => {
            let mut input = order(&format!("PO-PLACE-{tag}"));
            input["buyerId"] = json!(dist);
            let body = mutation(app, token, "orderSubmit", "order { id }", input).await;
            made(&body, "orderSubmit", "order")
        }
        "invoices" => {
            let body = run(
                app,
                token,
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": c.invoice }),
            )
            .await;
            if is_forbidden(&body) || body["data"]["node"].is_null() {
                Cell::No
            } else {
                Cell::Yes
            }
        }
        "spa.request" => {
            let body = mutation(app, token, "specialPriceRequest", "specialPrice { id }", special_price(c)).await;
            made(&body, "specialPriceRequest", "specialPrice")
        }
        "spa.decide" => {
            let asked = mutation(
                app,
                &c.trade.portal,
                "specialPriceRequest",
                "specialPrice { id }",
                special_price(c),
            )
            .await;
            let id = asked["data"]["specialPriceRequest"]["specialPrice"]["id"].clone();
            assert!(id.is_string(), "{asked}");
            let body = mutation(
                app,
                token,
                "specialPriceApprove",
                "specialPrice { id }",
                json!({ "id": id, "version": 1 }),
            )
            .await;
            made(&body, "specialPriceApprove", "specialPrice")
        }
        "claims.file" => {
            let number = approved_special_price(app, c).await;
            let body = mutation(
                app,
                token,
                "claimSubmit",
                "claim { id }",
                claim(&number, &format!("DB-{tag}")),
            )
            .await;
            made(&body, "claimSubmit", "claim")
        }
        "claims.decide" => {
            let number = approved_special_price(app, c).await;
            let filed = mutation(
                app,
                &c.trade.portal,
                "claimSubmit",
                "claim { id }",
                claim(&number, &format!("DB-D-{tag}")),
            )
            .await;
            let id = filed["data"]["claimSubmit"]["claim"]["id"].clone();
            assert!(id.is_string(), "{filed}");
            let body = mutation(
                app,
                token,
                "claimApprove",
                "claim { id }",
                json!({ "id": id, "version": 1 }),
            )
            .await;
            made(&body, "claimApprove", "claim")
        }
        "claims.read" => {
            let number = approved_special_price(app, c).await;
            let filed = mutation(
                app,
                &c.trade.portal,
                "claimSubmit",
                "claim { id }",
                claim(&number, &format!("DB-R-{tag}")),
            )
            .await;
            assert!(filed["data"]["claimSubmit"]["claim"]["id"].is_string(), "{filed}");
            match count(app, token, "claims").await {
                Some(n) if n >= 1 => Cell::Yes,
                _ => Cell::No,
            }
        }
        "funds.request" => {
            let fund = fund(app).await;
            let body = mutation(
                app,
                token,
                "fundRequestSubmit",
                "fundRequest { id }",
                fund_request(&fund, dist),
            )
            .await;
            made(&body, "fundRequestSubmit", "fundRequest")
        }
        "funds.decide" => {
            let fund = fund(app).await;
            let asked = mutation(
                app,
                &c.trade.portal,
                "fundRequestSubmit",
                "fundRequest { id }",
                fund_request(&fund, dist),
            )
            .await;
            let id = asked["data"]["fundRequestSubmit"]["fundRequest"]["id"].clone();
            assert!(id.is_string(), "{asked}");
            let body = mutation(
                app,
                token,
                "fundRequestApprove",
                "fundRequest { id }",
                json!({ "id": id, "version": 1 }),
            )
            .await;
            made(&body, "fundRequestApprove", "fundRequest")
        }
        "funds.read" => {
            let fund = fund(app).await;
            let asked = mutation(
                app,
                &c.trade.portal,
                "fundRequestSubmit",
                "fundRequest { id }",
                fund_request(&fund, dist),
            )
            .await;
            assert!(
                asked["data"]["fundRequestSubmit"]["fundRequest"]["id"].is_string(),
                "{asked}"
            );
            match count(app, token, "fundRequests").await {
                Some(n) if n >= 1 => Cell::Yes,
                _ => Cell::No,
            }
        }
        "rebates.read" => {
            let today = chrono::Utc::now().date_naive();
            let yesterday = today - chrono::Days::new(1);
            let program = app
                .mutate(
                    "rebateProgramCreate",
                    "rebateProgram { id }",
                    json!({ "name": format!("Rebate {tag}"), "startsOn": (today - chrono::Days::new(30)).to_string(), "endsOn": yesterday.to_string(),
                            "method": "RETROACTIVE", "partnerId": dist, "thresholds": [{ "from": { "amount": "0", "currency": "EUR" }, "rate": "1" }] }),
                )
                .await;
            let settled = app
                .mutate(
                    "rebateProgramSettle",
                    "proposed { id }",
                    json!({ "id": program["rebateProgram"]["id"] }),
                )
                .await;
            assert!(settled["proposed"][0]["id"].is_string(), "{settled}");
            match count(app, token, "rebateSettlements").await {
                Some(n) if n >= 1 => Cell::Yes,
                _ => Cell::No,
            }
        }
        "invoicing" => {
            let body = run(
                app,
                token,
                "{ orders(first: 100) { nodes { invoiced { amount } history { action } lines { invoicedQuantity } } } }",
                json!({}),
            )
            .await;
            let invoiced = |order: &Value| {
                order["invoiced"]["amount"].is_string()
                    && order["history"].as_array().is_some_and(|steps| {
                        steps.iter().any(|step| step["action"] == "INVOICED")
                    })
            };
            match body["data"]["orders"]["nodes"].as_array() {
                Some(orders) if orders.iter().any(invoiced) => Cell::Yes,
                Some(orders) => {
                    // What is withheld is withheld whole: no amount and no step.
                    for order in orders {
                        assert!(order["invoiced"].is_null(), "{body}");
                        assert!(
                            order["lines"].as_array().is_some_and(|lines| lines
                                .iter()
                                .all(|line| line["invoicedQuantity"].is_null())),
                            "{body}"
                        );
                        assert!(
                            order["history"]
                                .as_array()
                                .is_some_and(|steps| steps.iter().all(|step| step["action"]
                                    != "INVOICED")),
                            "{body}"
                        );
                    }
                    Cell::No
                }
                None => Cell::No,
            }
        }
        "statement" => {
            let body = run(
                app,
                token,
                "query($d: ID!) { partnerStatement(organizationId: $d, from: \"2026-01-01\", to: \"2026-12-31\") { closingBalance { amount } } }",
                json!({ "d": dist }),
            )
            .await;
            if is_forbidden(&body) {
                Cell::No
            } else {
                assert!(
                    body["data"]["partnerStatement"]["closingBalance"]["amount"].is_string(),
                    "{body}"
                );
                Cell::Yes
            }
        }
        "credit" => {
            let body = run(
                app,
                token,
                "{ organization(code: \"DIST-1\") { ... on Distributor { creditExposure { amount } } } }",
                json!({}),
            )
            .await;
            if is_forbidden(&body) {
                Cell::No
            } else {
                assert!(
                    body["data"]["organization"]["creditExposure"].is_array(),
                    "{body}"
                );
                Cell::Yes
            }
        }
        "reports" => {
            let body = mutation(
                app,
                token,
                "inventoryReportSubmit",
                "report { id }",
                json!({ "organizationId": dist, "asOf": "2026-11-30", "lines": [{ "sku": "WIDGET-1", "onHand": "5" }] }),
            )
            .await;
            made(&body, "inventoryReportSubmit", "report")
        }
        "x12.send" => {
            let body = mutation(
                app,
                token,
                "ediSubmit",
                "interchange { id }",
                json!({ "document": "ISA*00*" }),
            )
            .await;
            if is_forbidden(&body) {
                Cell::No
            } else {
                assert!(body.get("errors").is_none(), "{body}");
                Cell::Yes
            }
        }
        "reports.read" => match count(app, token, "inventoryReports").await {
            Some(n) if n >= 1 => Cell::Yes,
            _ => Cell::No,
        },
        "figures" => {
            let body = run(
                app,
                token,
                "{ organization(code: \"DIST-1\") { ... on Distributor { scorecard { orders } } } }",
                json!({}),
            )
            .await;
            if is_forbidden(&body) {
                Cell::No
            } else {
                assert!(
                    body["data"]["organization"]["scorecard"]["orders"].is_number(),
                    "{body}"
                );
                Cell::Yes
            }
        }
        "x12.read" => match count(app, token, "ediDocuments").await {
            Some(_) => Cell::Yes,
            None => Cell::No,
        },
        "leads.read" => {
            reach(app, token, "leads", async || {
                let made_lead = mutation(
                    app,
                    token,
                    "leadCreate",
                    "lead { id }",
                    json!({ "personName": format!("Lead of {tag}"), "source": "PARTNER_REFERRAL", "capturedAt": yesterday() }),
                )
                .await;
                made(&made_lead, "leadCreate", "lead") == Cell::Yes
            })
            .await
        }
        "leads.decide" => {
            let lead = offered_lead(app, &format!("Lead for {tag}")).await;
            let body = mutation(
                app,
                token,
                "leadAccept",
                "lead { id }",
                json!({ "id": lead, "version": 1 }),
            )
            .await;
            made(&body, "leadAccept", "lead")
        }
        "deals.register" => {
            let body = mutation(
                app,
                token,
                "dealRegister",
                "dealRegistration { id }",
                json!({ "customerName": format!("Hotel {tag}"), "lines": [{ "sku": "WIDGET-1", "quantity": "1" }],
                        "amount": { "amount": "10", "currency": "EUR" } }),
            )
            .await;
            made(&body, "dealRegister", "dealRegistration")
        }
        "cases" => {
            reach(app, token, "cases", async || {
                let opened = mutation(
                    app,
                    token,
                    "caseOpen",
                    "case { id }",
                    json!({ "kind": "INQUIRY", "organizationId": dist, "subject": format!("Question of {tag}") }),
                )
                .await;
                made(&opened, "caseOpen", "case") == Cell::Yes
            })
            .await
        }
        "certifications.read" => match count(app, token, "contactCertifications").await {
            Some(n) if n >= 1 => Cell::Yes,
            _ => Cell::No,
        },
        "certifications.record" => {
            // A day of its own per role, so that no two probes record the same completion.
            let days = UserRole::iter().position(|r| r.to_value() == role).unwrap_or(0);
            let earned = chrono::Utc::now().date_naive() - chrono::Days::new(days as u64 + 1);
            let body = mutation(
                app,
                token,
                "contactCertificationRecord",
                "contactCertification { id }",
                json!({ "contactId": c.certified, "certificationId": c.certification, "earnedOn": earned.to_string() }),
            )
            .await;
            made(&body, "contactCertificationRecord", "contactCertification")
        }
        "tiers.read" => {
            let evaluated = app
                .mutate(
                    "tierEvaluate",
                    "tierEvaluation { id }",
                    json!({ "organizationId": dist }),
                )
                .await;
            assert_eq!(evaluated["userErrors"], json!([]), "{evaluated}");
            match count(app, token, "tierEvaluations").await {
                Some(n) if n >= 1 => Cell::Yes,
                _ => Cell::No,
            }
        }
        "tiers.decide" => {
            // The staff's evaluation proposes the move again, or keeps the open proposal.
            app.mutate(
                "tierEvaluate",
                "tierEvaluation { id }",
                json!({ "organizationId": dist }),
            )
            .await;
            let open = app
                .graphql(
                    "{ tierProposals(filter: { status: PROPOSED }) { nodes { id version } } }",
                    json!({}),
                )
                .await["data"]["tierProposals"]["nodes"][0]
                .clone();
            let body = mutation(
                app,
                token,
                "tierProposalReject",
                "tierProposal { id }",
                json!({ "id": open["id"], "version": open["version"], "reason": format!("Not now, says {tag}") }),
            )
            .await;
            made(&body, "tierProposalReject", "tierProposal")
        }
        "relationship" => match count(app, token, "interactions").await {
            Some(n) if n >= 1 => Cell::Yes,
            _ => Cell::No,
        },
        other => panic!("the role table has a capability this test has no probe for: {other}"),
    }
}

#[tokio::test]
async fn every_role_does_exactly_what_the_readmes_role_table_says() {
    let table = read_table();
    let app = spawn_app().await;
    let c = company(&app).await;
    let dist = channelgraph::ids::GlobalId::parse(&c.trade.distributor)
        .unwrap()
        .id;
    let mut tokens = Vec::new();
    for role in &table.roles {
        let code = role.to_value();
        let email = format!("{}@roles.test", code.to_lowercase().replace('_', "-"));
        let organization = role.is_partner().then_some(dist);
        app.create_user(&email, "a role password", *role, organization)
            .await;
        tokens.push((code, app.token_for(&email, "a role password").await));
    }
    let mut wrong = Vec::new();
    for (capability, marks) in &table.rows {
        for ((role, token), expected) in tokens.iter().zip(marks) {
            let got = probe(&app, &c, capability, role, token).await;
            if got != *expected {
                wrong.push(format!(
                    "{capability} for {role}: the table says {expected:?}, the API does {got:?}"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn a_partner_user_holds_several_roles_and_may_do_what_any_allows() {
    let app = spawn_app().await;
    let c = company(&app).await;
    let dist = channelgraph::ids::GlobalId::parse(&c.trade.distributor)
        .unwrap()
        .id;
    app.create_user(
        "both@roles.test",
        "a role password",
        &[UserRole::PartnerSales, UserRole::PartnerFinance][..],
        Some(dist),
    )
    .await;
    let token = app.token_for("both@roles.test", "a role password").await;
    let me = run(&app, &token, "{ me { roles } }", json!({})).await;
    assert_eq!(
        me["data"]["me"]["roles"],
        json!(["PARTNER_SALES", "PARTNER_FINANCE"])
    );
    // Finance sees all the company's orders and invoices; sales places orders.
    assert_eq!(count(&app, &token, "orders").await, Some(1));
    assert_eq!(probe(&app, &c, "invoices", "both", &token).await, Cell::Yes);
    assert_eq!(
        probe(&app, &c, "orders.place", "both", &token).await,
        Cell::Yes
    );
    // Neither manages users, and the refusal names the role that would.
    let body = mutation(
        &app,
        &token,
        "userCreate",
        "user { id }",
        json!({ "email": "x@roles.test", "name": "X", "password": "a long password 1", "roles": ["PARTNER_SALES"], "organizationId": c.trade.distributor }),
    )
    .await;
    assert!(is_forbidden(&body), "{body}");
    assert_eq!(
        body["errors"][0]["message"],
        "only admins and partner admins manage users"
    );
    let body = run(&app, &token, "{ leads { totalCount } }", json!({})).await;
    assert_eq!(body["data"]["leads"]["totalCount"], 0, "{body}");
    let body = mutation(
        &app,
        &token,
        "inventoryReportSubmit",
        "report { id }",
        json!({ "asOf": "2026-11-30", "lines": [{ "sku": "WIDGET-1", "onHand": "5" }] }),
    )
    .await;
    assert_eq!(
        body["errors"][0]["message"], "this needs one of the roles PARTNER_MANAGER",
        "{body}"
    );
}

#[tokio::test]
async fn roles_are_given_once_and_never_mixed_between_staff_and_partner() {
    let app = spawn_app().await;
    let dist = app
        .create_org("DISTRIBUTOR", "Roles Vertrieb", "DIST-R")
        .await;
    let create = |roles: Value, org: Option<&str>| json!({ "email": "mixed@roles.test", "name": "M", "password": "a long password 1", "roles": roles, "organizationId": org });
    for (roles, org, code, message) in [
        (
            json!([]),
            Some(dist.as_str()),
            "REQUIRED",
            "name at least one role",
        ),
        (
            json!(["PARTNER_SALES", "PARTNER_SALES"]),
            Some(dist.as_str()),
            "DUPLICATE",
            "each role may be named once",
        ),
        (
            json!(["ADMIN", "MANAGER"]),
            None,
            "NOT_ALLOWED",
            "a staff user holds exactly one role",
        ),
        (
            json!(["PARTNER_SALES", "SALES"]),
            Some(dist.as_str()),
            "NOT_ALLOWED",
            "a user holds staff roles or partner roles, not both",
        ),
    ] {
        let body = app
            .graphql(
                "mutation($input: UserCreateInput!) { userCreate(input: $input) { user { id } userErrors { field code message } } }",
                json!({ "input": create(roles.clone(), org) }),
            )
            .await;
        assert_eq!(
            body["data"]["userCreate"]["userErrors"],
            json!([{ "field": ["input", "roles"], "code": code, "message": message }]),
            "{roles}: {body}"
        );
    }
    let users = app.graphql("{ users { totalCount } }", json!({})).await;
    assert_eq!(
        users["data"]["users"]["totalCount"], 1,
        "only the admin: {users}"
    );
}

/// How many migrations go down to undo partner roles.
fn partner_roles_and_after() -> u32 {
    use migration::MigratorTrait;
    let all = migration::Migrator::migrations();
    let at = all
        .iter()
        .position(|m| m.name() == "m20261209_000001_partner_roles")
        .expect("partner roles are a migration");
    (all.len() - at) as u32
}

async fn stored(app: &TestApp, column: &str) -> Vec<(String, String)> {
    use sea_orm::ConnectionTrait;
    let sql = format!("SELECT email, {column} AS roles FROM users ORDER BY email");
    app.db
        .query_all_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            sql,
        ))
        .await
        .unwrap()
        .iter()
        .map(|row| {
            (
                row.try_get::<String>("", "email").unwrap(),
                row.try_get::<String>("", "roles").unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn partner_admins_and_members_move_to_the_documented_roles_and_back() {
    use migration::MigratorTrait;
    let app = spawn_app().await;
    let dist = app
        .create_org("DISTRIBUTOR", "Roles Vertrieb", "DIST-R")
        .await;
    let dist = channelgraph::ids::GlobalId::parse(&dist).unwrap().id;
    app.create_user(
        "a@roles.test",
        "a role password",
        crate::helpers::PARTNER_ADMIN,
        Some(dist),
    )
    .await;
    app.create_user(
        "m@roles.test",
        "a role password",
        crate::helpers::PARTNER_MEMBER,
        Some(dist),
    )
    .await;
    app.create_user("s@roles.test", "a role password", UserRole::Sales, None)
        .await;
    // Before partner roles: one role a user.
    migration::Migrator::down(&app.db, Some(partner_roles_and_after()))
        .await
        .unwrap();
    let before = stored(&app, "role").await;
    assert_eq!(
        before,
        [
            ("a@roles.test", "PARTNER_ADMIN"),
            ("admin@channelgraph.test", "ADMIN"),
            ("m@roles.test", "PARTNER_MEMBER"),
            ("s@roles.test", "SALES"),
        ]
        .map(|(e, r)| (e.to_owned(), r.to_owned()))
    );
    migration::Migrator::up(&app.db, None).await.unwrap();
    assert_eq!(
        stored(&app, "roles").await,
        [
            (
                "a@roles.test",
                "PARTNER_ADMIN,PARTNER_MANAGER,PARTNER_FINANCE,PARTNER_SERVICE"
            ),
            ("admin@channelgraph.test", "ADMIN"),
            (
                "m@roles.test",
                "PARTNER_MANAGER,PARTNER_FINANCE,PARTNER_SERVICE"
            ),
            ("s@roles.test", "SALES"),
        ]
        .map(|(e, r)| (e.to_owned(), r.to_owned()))
    );
    let token = app.token_for("m@roles.test", "a role password").await;
    let me = run(&app, &token, "{ me { roles } }", json!({})).await;
    assert_eq!(
        me["data"]["me"]["roles"],
        json!(["PARTNER_MANAGER", "PARTNER_FINANCE", "PARTNER_SERVICE"])
    );
}

#[tokio::test]
async fn invoicing_reaches_only_roles_that_see_invoices_by_any_path_and_admins_hand_on_no_more() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = spawn_app().await;
    let c = company(&app).await;
    let resolving = crate::helpers::spawn_node_like(&app, |s| s.compiled_reads = false).await;
    let dist = channelgraph::ids::GlobalId::parse(&c.trade.distributor)
        .unwrap()
        .id;
    let mut tokens = Vec::new();
    for (email, roles) in [
        ("service@roles.test", &[UserRole::PartnerService][..]),
        ("finance@roles.test", &[UserRole::PartnerFinance][..]),
        ("admin@roles.test", &[UserRole::PartnerAdmin][..]),
        (
            "admin-service@roles.test",
            &[UserRole::PartnerAdmin, UserRole::PartnerService][..],
        ),
        (
            "admin-finance@roles.test",
            &[UserRole::PartnerAdmin, UserRole::PartnerFinance][..],
        ),
    ] {
        app.create_user(email, "a role password", roles, Some(dist))
            .await;
        tokens.push(app.token_for(email, "a role password").await);
    }
    let [service, finance, admin, admin_service, admin_finance] = &tokens[..] else {
        unreachable!()
    };

    // Service sees the order, not its invoicing, compiled or resolved; finance sees both.
    for node in [&app, &resolving] {
        assert_eq!(
            probe(node, &c, "invoicing", "service", service).await,
            Cell::No
        );
        assert_eq!(
            probe(node, &c, "invoicing", "finance", finance).await,
            Cell::Yes
        );
    }
    // The invoicing event is not service's to read, though the shipping one is.
    let event_of = async |kind: &str| {
        let event = entity::event::Entity::find()
            .filter(entity::event::Column::EventType.eq(kind))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no {kind} event"));
        channelgraph::ids::GlobalId::encode(channelgraph::ids::NodeType::Event, event.id)
    };
    let read = async |token: &str, id: &str| {
        run(
            &app,
            token,
            "query($id: ID!) { node(id: $id) { ... on Event { type } } }",
            json!({ "id": id }),
        )
        .await["data"]["node"]["type"]
            .clone()
    };
    let (shipped, invoiced) = (
        event_of("ORDER_SHIPPED").await,
        event_of("ORDER_INVOICED").await,
    );
    assert_eq!(read(service, &shipped).await, "ORDER_SHIPPED");
    assert_eq!(read(service, &invoiced).await, Value::Null);
    assert_eq!(read(finance, &invoiced).await, "ORDER_INVOICED");

    // An admin's token and endpoint get no more than the admin's roles see.
    let token_with = async |token: &str, scopes: Value| {
        mutation(
            &app,
            token,
            "apiTokenCreate",
            "secret",
            json!({ "organizationId": c.trade.distributor, "name": "ERP", "scopes": scopes }),
        )
        .await["data"]["apiTokenCreate"]
            .clone()
    };
    let refused = token_with(admin, json!(["ORGS_READ", "ORDERS_READ"])).await;
    assert_eq!(refused["secret"], Value::Null, "{refused}");
    assert_eq!(refused["userErrors"][0]["code"], "NOT_ALLOWED", "{refused}");
    assert_eq!(
        refused["userErrors"][0]["field"],
        json!(["input", "scopes", "1"]),
        "{refused}"
    );
    let refused = token_with(admin_service, json!(["ORDERS_READ"])).await;
    let message = refused["userErrors"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains("invoices"), "{refused}");
    let refused = token_with(admin_finance, json!(["CRM_READ"])).await;
    assert_eq!(refused["userErrors"][0]["code"], "NOT_ALLOWED", "{refused}");
    let made = token_with(admin_finance, json!(["ORDERS_READ"])).await;
    assert!(made["secret"].is_string(), "{made}");
    assert!(token_with(admin, json!(["ORGS_WRITE"])).await["secret"].is_string());
    // The company's people are of the directory: a catalog token does not list them.
    let catalog = token_with(admin, json!(["CATALOG_READ"])).await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = run(&app, &catalog, "{ users { totalCount } }", json!({})).await;
    assert!(is_forbidden(&body), "{body}");
    let me = run(&app, admin, "{ me { id } }", json!({})).await;
    let body = run(
        &app,
        &catalog,
        "query($id: ID!) { node(id: $id) { ... on User { email } } }",
        json!({ "id": me["data"]["me"]["id"] }),
    )
    .await;
    assert!(is_forbidden(&body), "{body}");
    // A token a fuller admin made is not the lesser admin's to revoke.
    let made = token_with(admin_finance, json!(["ORDERS_READ"])).await;
    let fuller = run(
        &app,
        admin_finance,
        "{ apiTokens { nodes { id scopes } } }",
        json!({}),
    )
    .await["data"]["apiTokens"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["scopes"] == json!(["ORDERS_READ"]))
        .map(|t| t["id"].clone())
        .unwrap_or_else(|| panic!("{made}"));
    let revoked = mutation(
        &app,
        admin,
        "apiTokenRevoke",
        "apiToken { revokedAt }",
        json!({ "id": fuller }),
    )
    .await;
    assert_eq!(
        revoked["data"]["apiTokenRevoke"]["userErrors"][0]["code"], "NOT_ALLOWED",
        "{revoked}"
    );

    let endpoint_for = async |token: &str, types: Value| {
        mutation(
            &app,
            token,
            "webhookEndpointCreate",
            "webhookEndpoint { id }",
            json!({ "url": "http://127.0.0.1:9/hooks", "eventTypes": types }),
        )
        .await["data"]["webhookEndpointCreate"]
            .clone()
    };
    let refused = endpoint_for(admin_service, json!(["ORDER_SHIPPED", "ORDER_INVOICED"])).await;
    assert_eq!(refused["userErrors"][0]["code"], "NOT_ALLOWED", "{refused}");
    let message = refused["userErrors"][0]["message"].as_str().unwrap_or("");
    assert!(message.starts_with("ORDER_INVOICED "), "{refused}");
    let made = endpoint_for(admin_service, json!(["ORDER_SHIPPED"])).await;
    assert_eq!(made["userErrors"], json!([]), "{made}");
    let refused = endpoint_for(admin, json!(["CASE_OPENED"])).await;
    assert_eq!(refused["userErrors"][0]["code"], "NOT_ALLOWED", "{refused}");
    // The company has an endpoint hear payments (set up by the brand); one is delivered.
    let hook = mutation(
        &app,
        &app.token,
        "webhookEndpointCreate",
        "webhookEndpoint { id }",
        json!({ "url": "http://127.0.0.1:9/finance", "organizationId": c.trade.distributor, "eventTypes": ["ORDER_SHIPPED", "ORDER_PAYMENT_RECORDED"] }),
    )
    .await;
    let hook = hook["data"]["webhookEndpointCreate"]["webhookEndpoint"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{hook}"))
        .to_owned();
    let paid = app
        .mutate(
            "paymentRecord",
            "invoice { id }",
            json!({ "invoiceId": c.invoice, "version": 1, "amount": { "amount": "1", "currency": "EUR" } }),
        )
        .await;
    assert_eq!(paid["userErrors"], json!([]), "{paid}");
    let deliveries = async |token: &str| {
        let body = run(
            &app,
            token,
            "query($id: ID!) { webhookDeliveries(filter: { endpointId: $id }) { nodes { event { type } } } }",
            json!({ "id": hook }),
        )
        .await;
        body["data"]["webhookDeliveries"]["nodes"]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"))
            .iter()
            .map(|d| d["event"]["type"].as_str().unwrap_or_default().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(deliveries(&app.token).await, ["ORDER_PAYMENT_RECORDED"]);
    assert_eq!(deliveries(admin_finance).await, ["ORDER_PAYMENT_RECORDED"]);
    assert!(deliveries(admin_service).await.is_empty());
    // An admin who does not hear all it hears neither redirects it nor learns its secret.
    for (name, input_type, input) in [
        (
            "webhookEndpointUpdate",
            "WebhookEndpointUpdateInput",
            json!({ "id": hook, "version": 1, "url": "http://127.0.0.1:9/elsewhere" }),
        ),
        (
            "webhookEndpointRotateSecret",
            "WebhookEndpointRotateSecretInput",
            json!({ "id": hook, "version": 1 }),
        ),
    ] {
        let body = run(
            &app,
            admin_service,
            &format!("mutation($input: {input_type}!) {{ {name}(input: $input) {{ userErrors {{ field code message }} }} }}"),
            json!({ "input": input }),
        )
        .await;
        let error = &body["data"][name]["userErrors"][0];
        assert_eq!(error["code"], "NOT_ALLOWED", "{name}: {body}");
        assert!(
            error["message"]
                .as_str()
                .is_some_and(|m| m.contains("ORDER_PAYMENT_RECORDED")),
            "{name}: {body}"
        );
    }
    // Nor does an admin give a user, itself included, a role beyond its own.
    let me = run(&app, admin, "{ me { id version } }", json!({})).await;
    let raised = mutation(
        &app,
        admin,
        "userRolesSet",
        "user { roles }",
        json!({ "id": me["data"]["me"]["id"], "version": me["data"]["me"]["version"], "roles": ["PARTNER_ADMIN", "PARTNER_FINANCE"] }),
    )
    .await;
    assert!(is_forbidden(&raised), "{raised}");
    assert!(
        raised["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("PARTNER_FINANCE")),
        "{raised}"
    );
    let invited = mutation(
        &app,
        admin_finance,
        "invitationCreate",
        "invitation { id }",
        json!({ "email": "new-manager@roles.test", "name": "New manager", "roles": ["PARTNER_MANAGER"], "organizationId": c.trade.distributor }),
    )
    .await;
    assert!(is_forbidden(&invited), "{invited}");
    let invited = mutation(
        &app,
        admin_finance,
        "invitationCreate",
        "invitation { id }",
        json!({ "email": "new-finance@roles.test", "name": "New finance", "roles": ["PARTNER_FINANCE"], "organizationId": c.trade.distributor }),
    )
    .await;
    assert_eq!(
        invited["data"]["invitationCreate"]["userErrors"],
        json!([]),
        "{invited}"
    );
    // Nor revokes an invitation it could not have made.
    let revoked = mutation(
        &app,
        admin,
        "invitationRevoke",
        "invitation { status }",
        json!({ "id": invited["data"]["invitationCreate"]["invitation"]["id"], "version": 1 }),
    )
    .await;
    assert!(is_forbidden(&revoked), "{revoked}");

    // A subscription asking for invoicing by type is refused, naming it.
    let mut socket = crate::subscriptions::Socket::signed_in(&app.address, service).await;
    socket
        .subscribe(
            "invoicing",
            "subscription { orderEvents(filter: { types: [ORDER_INVOICED] }) { type } }",
            json!({}),
        )
        .await;
    let errors = socket.error("invoicing").await;
    assert!(
        errors.to_string().contains("ORDER_INVOICED goes to"),
        "{errors}"
    );
}
