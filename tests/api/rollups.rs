//! Sales rollups: per seller × buyer × month × currency, kept in each order's transaction and
//! in every step that changes what the order counts, compared with what the orders and their
//! lines sum to; the figures read them; margins stay at the cost frozen on each line.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};
use migration::MigratorTrait;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};
use crate::orders::mutate_as;

pub type Cell = (String, String, i64, String);
pub type Sums = (i64, String, String, String, DateTime<Utc>, DateTime<Utc>);

fn month_of(backend: DbBackend, column: &str) -> String {
    match backend {
        DbBackend::Postgres => format!(
            "CAST(EXTRACT(YEAR FROM {column} AT TIME ZONE 'UTC') * 12 \
             + EXTRACT(MONTH FROM {column} AT TIME ZONE 'UTC') - 1 AS BIGINT)"
        ),
        _ => format!(
            "CAST(substr({column}, 1, 4) AS INTEGER) * 12 + CAST(substr({column}, 6, 2) AS INTEGER) - 1"
        ),
    }
}

async fn cells(app: &TestApp, sql: String) -> BTreeMap<Cell, Sums> {
    let backend = app.db.get_database_backend();
    let rows = app
        .db
        .query_all_raw(Statement::from_string(backend, sql))
        .await
        .unwrap();
    let text = |row: &sea_orm::QueryResult, c: &str| -> String {
        match row.try_get::<i64>("", c) {
            Ok(n) => n.to_string(),
            Err(_) => row
                .try_get::<rust_decimal::Decimal>("", c)
                .unwrap()
                .normalize()
                .to_string(),
        }
    };
    rows.iter()
        .map(|row| {
            let seller: uuid::Uuid = row.try_get("", "seller_id").unwrap();
            let buyer: uuid::Uuid = row.try_get("", "buyer_id").unwrap();
            (
                (
                    seller.to_string(),
                    buyer.to_string(),
                    row.try_get::<i64>("", "month").unwrap(),
                    row.try_get::<String>("", "currency").unwrap(),
                ),
                (
                    row.try_get::<i64>("", "orders").unwrap(),
                    text(row, "revenue"),
                    text(row, "cost"),
                    text(row, "margin"),
                    row.try_get("", "first_at").unwrap(),
                    row.try_get("", "last_at").unwrap(),
                ),
            )
        })
        .collect()
}

/// The rollups as kept, and as the counted orders and the frozen costs of their lines sum
/// them: equal, cell by cell. Returns them.
pub async fn assert_rollups_are_the_sums(app: &TestApp) -> BTreeMap<Cell, Sums> {
    let backend = app.db.get_database_backend();
    let kept = cells(
        app,
        "SELECT seller_id, buyer_id, CAST(month AS BIGINT) AS month, currency, orders, \
         revenue, cost, margin, first_at, last_at FROM order_rollups"
            .into(),
    )
    .await;
    let month = month_of(backend, "o.submitted_at");
    let cost = "CAST(ROUND(CAST(COALESCE(l.accepted_quantity, l.quantity) AS NUMERIC) \
                * l.unit_cost / 10000.0) AS BIGINT)";
    let summed = cells(
        app,
        format!(
            "SELECT o.seller_id, o.buyer_id, {month} AS month, o.currency, \
             CAST(COUNT(*) AS BIGINT) AS orders, SUM(o.total - o.tax_total) AS revenue, \
             SUM(COALESCE(c.cost, 0)) AS cost, SUM(COALESCE(c.margin, 0)) AS margin, \
             MIN(o.submitted_at) AS first_at, MAX(o.submitted_at) AS last_at \
             FROM orders o LEFT JOIN (SELECT l.order_id, SUM({cost}) AS cost, \
               SUM(l.line_total - {cost}) AS margin FROM order_lines l \
               WHERE l.unit_cost IS NOT NULL GROUP BY l.order_id) c ON c.order_id = o.id \
             WHERE o.kind = 'SALES' AND o.status <> 'CANCELLED' \
             GROUP BY o.seller_id, o.buyer_id, {month}, o.currency"
        ),
    )
    .await;
    assert_eq!(kept.len(), summed.len(), "rollup cells");
    for (cell, sums) in &summed {
        assert_eq!(kept.get(cell), Some(sums), "{cell:?}");
    }
    kept
}

/// One value, `v`, of a statement whose `?` placeholders take `values` in order.
async fn one(app: &TestApp, sql: &str, values: Vec<sea_orm::Value>) -> Value {
    let backend = app.db.get_database_backend();
    let mut text = String::new();
    for (i, part) in sql.split('?').enumerate() {
        if i > 0 {
            match backend {
                DbBackend::Postgres => text.push_str(&format!("${i}")),
                _ => text.push('?'),
            }
        }
        text.push_str(part);
    }
    let row = app
        .db
        .query_one_raw(Statement::from_sql_and_values(backend, text, values))
        .await
        .unwrap()
        .unwrap();
    match row.try_get::<Option<i64>>("", "v") {
        Ok(n) => json!(n.unwrap_or(0)),
        Err(_) => json!(
            row.try_get::<Option<rust_decimal::Decimal>>("", "v")
                .unwrap()
                .unwrap_or_default()
        ),
    }
}

async fn id_of(app: &TestApp, code: &str) -> String {
    let body = app
        .graphql(
            "query($code: String!) { organization(code: $code) { id } }",
            json!({ "code": code }),
        )
        .await;
    body["data"]["organization"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn submit(app: &TestApp, token: &str, po: &str, lines: Value) -> (String, i64) {
    let body = mutate_as(
        app,
        token,
        "orderSubmit",
        "OrderSubmitInput",
        "order { id version status }",
        json!({ "poNumber": po, "lines": lines }),
    )
    .await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
    (
        body["order"]["id"].as_str().unwrap().to_owned(),
        body["order"]["version"].as_i64().unwrap(),
    )
}

/// Places a two-line order as `token`, refused by nothing; the order's id and version,
/// and its status.
async fn place(app: &TestApp, token: &str, po: String) -> (String, i64, String) {
    let body = crate::orders::submit_as(app, token, crate::orders::two_lines(&po)).await;
    assert_eq!(body["userErrors"], json!([]), "{body}");
    let order = &body["order"];
    (
        order["id"].as_str().unwrap().to_owned(),
        order["version"].as_i64().unwrap(),
        order["status"].as_str().unwrap().to_owned(),
    )
}

async fn step(app: &TestApp, token: &str, name: &str, input: Value) -> Value {
    let input_type = format!("{}Input", {
        let mut c = name.chars();
        let first = c.next().unwrap().to_ascii_uppercase();
        format!("{first}{}", c.as_str())
    });
    let body = mutate_as(
        app,
        token,
        name,
        &input_type,
        "order { id version status }",
        input,
    )
    .await;
    assert_eq!(body["userErrors"], json!([]), "{name}: {body}");
    body["order"].clone()
}

/// Midnight UTC at the start of `day`.
fn midnight(day: NaiveDate) -> sea_orm::Value {
    day.and_hms_opt(0, 0, 0).unwrap().and_utc().into()
}

#[tokio::test]
async fn rollups_follow_a_year_of_demo_trade_with_changes_and_cancellations() {
    let app = spawn_app().await;
    // A year of orders, acknowledgements, shipments, invoices and payments, through the
    // services, dated back.
    let demo = channelgraph::seed::demo(&app.db).await.unwrap();
    let portal = demo.api_token.clone().unwrap();
    let staff = app.token.clone();
    let made = assert_rollups_are_the_sums(&app).await;
    assert!(made.len() > 100, "{} cells", made.len());

    // Orders the distributor changes, cancels, and the brand answers in part or not at all.
    let lines = json!([
        { "lineNumber": 1, "sku": "HP-100", "quantity": "3" },
        { "lineNumber": 2, "sku": "BLR-30", "quantity": "5" },
        { "lineNumber": 3, "sku": "CTL-SMART", "quantity": "12" },
    ]);
    let (changed, v) = submit(&app, &portal, "PO-ROLL-1", lines.clone()).await;
    step(
        &app,
        &portal,
        "orderChange",
        json!({ "id": changed, "version": v, "lines": [
            { "action": "CHANGE", "lineNumber": 1, "quantity": "7" },
            { "action": "CANCEL", "lineNumber": 2 },
            { "action": "ADD", "lineNumber": 4, "sku": "CTL-ZONE", "quantity": "2" },
        ] }),
    )
    .await;
    let (cancelled, v) = submit(&app, &portal, "PO-ROLL-2", lines.clone()).await;
    step(
        &app,
        &portal,
        "orderCancel",
        json!({ "id": cancelled, "version": v }),
    )
    .await;
    let (answered, v) = submit(&app, &portal, "PO-ROLL-3", lines.clone()).await;
    let acked = step(
        &app,
        &staff,
        "orderAcknowledge",
        json!({ "id": answered, "version": v, "lines": [
            { "lineNumber": 1, "decision": "CHANGE", "quantity": "2" },
            { "lineNumber": 2, "decision": "REJECT" },
            { "lineNumber": 3, "decision": "ACCEPT" },
        ] }),
    )
    .await;
    assert_eq!(acked["status"], "ACKNOWLEDGED");
    let (refused, v) = submit(&app, &portal, "PO-ROLL-4", lines.clone()).await;
    let none = step(
        &app,
        &staff,
        "orderAcknowledge",
        json!({ "id": refused, "version": v, "lines": [
            { "lineNumber": 1, "decision": "REJECT" },
            { "lineNumber": 2, "decision": "REJECT" },
            { "lineNumber": 3, "decision": "REJECT" },
        ] }),
    )
    .await;
    assert_eq!(none["status"], "CANCELLED");
    let kept = assert_rollups_are_the_sums(&app).await;
    assert_ne!(kept, made);

    // The migration that made the rollups fills them from history: undo it (and any later
    // one), apply again, and they are the same.
    let all = migration::Migrator::migrations();
    let at = all
        .iter()
        .position(|m| m.name() == "m20261208_000001_order_rollups")
        .unwrap();
    migration::Migrator::down(&app.db, Some((all.len() - at) as u32))
        .await
        .unwrap();
    migration::Migrator::up(&app.db, None).await.unwrap();
    assert_eq!(assert_rollups_are_the_sums(&app).await, kept);

    // The figures read the rollups, and agree with the orders: for the distributor and for
    // every end customer of the brand, as of today and as of a day in the middle of a
    // month (so that both ends of the trailing 12 months fall inside months).
    let distributor = id_of(&app, "DIST-001").await;
    let brand = id_of(&app, "BRAND").await;
    let today = Utc::now().date_naive();
    let mid = today
        .checked_sub_months(Months::new(2))
        .unwrap()
        .with_day(15)
        .unwrap();
    for day in [today, mid] {
        let body = app
            .graphql(
                "query($id: ID!, $day: Date!) { node(id: $id) { ... on Distributor { figures(asOf: $day) { orderCount revenueLifetime { amount } } } }
                  portfolio(asOf: $day) { y: pareto { customers revenue { amount } } all: pareto(window: LIFETIME) { customers revenue { amount } } } }",
                json!({ "id": distributor, "day": day.to_string() }),
            )
            .await;
        assert!(body.get("errors").is_none(), "{body}");
        let end = midnight(day.checked_add_days(Days::new(1)).unwrap());
        let start_12 = midnight(
            day.checked_add_days(Days::new(1))
                .unwrap()
                .checked_sub_months(Months::new(12))
                .unwrap(),
        );
        let counted = "o.kind = 'SALES' AND o.status <> 'CANCELLED' AND o.currency = 'EUR' \
                       AND o.submitted_at < ?";
        let buyer = |v: &str| -> Vec<sea_orm::Value> { vec![uuid_of(v).into(), end.clone()] };
        let orders = one(
            &app,
            &format!("SELECT CAST(COUNT(*) AS BIGINT) AS v FROM orders o WHERE o.buyer_id = ? AND {counted}"),
            buyer(&distributor),
        )
        .await;
        let revenue = one(
            &app,
            &format!("SELECT SUM(o.total - o.tax_total) AS v FROM orders o WHERE o.buyer_id = ? AND {counted}"),
            buyer(&distributor),
        )
        .await;
        let figures = &body["data"]["node"]["figures"];
        assert_eq!(figures["orderCount"], orders, "{day}: {body}");
        assert_eq!(
            money(&figures["revenueLifetime"]["amount"]),
            units(&revenue),
            "{day}: {body}"
        );

        for (alias, since) in [("y", Some(start_12.clone())), ("all", None)] {
            let mut values: Vec<sea_orm::Value> = vec![uuid_of(&brand).into(), end.clone()];
            let window = match since {
                Some(since) => {
                    values.push(since);
                    "o.submitted_at >= ?"
                }
                None => "1 = 1",
            };
            let sums = format!("FROM orders o WHERE o.seller_id = ? AND {counted} AND {window}");
            let customers = one(
                &app,
                &format!("SELECT CAST(COUNT(DISTINCT o.buyer_id) AS BIGINT) AS v {sums}"),
                values.clone(),
            )
            .await;
            let revenue = one(
                &app,
                &format!("SELECT SUM(o.total - o.tax_total) AS v {sums}"),
                values,
            )
            .await;
            let pareto = &body["data"]["portfolio"][alias];
            assert_eq!(pareto["customers"], customers, "{day} {alias}: {body}");
            assert_eq!(
                money(&pareto["revenue"]["amount"]),
                units(&revenue),
                "{day} {alias}: {body}"
            );
        }
    }

    // Today's standard cost changes; the margins of orders placed before do not move, and
    // an order placed after is costed at the new one.
    let margin = || async {
        let body = app
            .graphql(
                "query($id: ID!) { node(id: $id) { ... on Distributor { figures { marginLifetime { amount } } } } }",
                json!({ "id": distributor }),
            )
            .await;
        body["data"]["node"]["figures"]["marginLifetime"]["amount"].clone()
    };
    let margin_before = margin().await;
    assert_ne!(margin_before, Value::Null);
    let product = app
        .graphql(
            "{ products(first: 1, filter: { sku: \"HP-100\" }) { nodes { id version standardCost { amount } } } }",
            json!({}),
        )
        .await;
    let hp = &product["data"]["products"]["nodes"][0];
    let updated = app
        .mutate(
            "productUpdate",
            "product { standardCost { amount } }",
            json!({ "id": hp["id"], "version": hp["version"], "standardCost": "1.00" }),
        )
        .await;
    assert_eq!(updated["userErrors"], json!([]), "{updated}");
    assert_eq!(margin().await, margin_before);
    submit(
        &app,
        &portal,
        "PO-ROLL-5",
        json!([{ "lineNumber": 1, "sku": "HP-100", "quantity": "1" }]),
    )
    .await;
    let costs = one(
        &app,
        "SELECT CAST(COUNT(DISTINCT l.unit_cost) AS BIGINT) AS v FROM order_lines l \
         JOIN products p ON p.id = l.product_id WHERE p.sku = 'HP-100'",
        vec![],
    )
    .await;
    assert_eq!(costs, json!(2), "the old cost and the new one");
    assert_ne!(margin().await, margin_before);
    assert_rollups_are_the_sums(&app).await;
}

fn uuid_of(id: &str) -> uuid::Uuid {
    channelgraph::ids::GlobalId::parse(id).unwrap().id
}

fn money(amount: &Value) -> rust_decimal::Decimal {
    amount.as_str().unwrap().parse().unwrap()
}

/// A stored sum of ten-thousandths, as an amount.
fn units(sum: &Value) -> rust_decimal::Decimal {
    let n: rust_decimal::Decimal = match sum {
        Value::Number(n) => n.to_string().parse().unwrap(),
        Value::String(s) => s.parse().unwrap(),
        other => panic!("{other}"),
    };
    n / rust_decimal::Decimal::from(10_000)
}

#[tokio::test]
async fn orders_and_cancellations_at_the_same_instant_in_one_cell_add_up() {
    let app = spawn_app().await;
    let t = crate::orders::trade(&app).await;
    let placed = futures_util::future::join_all(
        (0..12).map(|i| place(&app, &t.portal, format!("PO-CELL-{i}"))),
    )
    .await;
    // Every order falls in one cell (this buyer, this seller, this month): half of them
    // are cancelled, the last ones first, while as many more are placed.
    let cancels = placed.iter().rev().take(6).map(|(id, version, _)| {
        step(
            &app,
            &t.portal,
            "orderCancel",
            json!({ "id": id, "version": version }),
        )
    });
    let more = (12..18).map(|i| place(&app, &t.portal, format!("PO-CELL-{i}")));
    futures_util::future::join(
        futures_util::future::join_all(cancels),
        futures_util::future::join_all(more),
    )
    .await;
    let kept = assert_rollups_are_the_sums(&app).await;
    let orders: i64 = kept.values().map(|sums| sums.0).sum();
    assert_eq!(orders, 12);

    // Orders on credit hold move no balance, so nothing but the cell orders their writers:
    // the newest held orders are rejected at once, and the cell's last order is the newest
    // one left, while more are placed (and held).
    let limit = app
        .mutate(
            "creditLimitSet",
            "organization { id }",
            json!({ "organizationId": t.distributor, "version": app.version_of(&t.distributor).await,
                    "creditLimit": { "amount": "1", "currency": "EUR" } }),
        )
        .await;
    assert_eq!(limit["userErrors"], json!([]), "{limit}");
    let mut held = Vec::new();
    for i in 18..26 {
        let (id, version, status) = place(&app, &t.portal, format!("PO-CELL-{i}")).await;
        assert_eq!(status, "CREDIT_HOLD");
        held.push((id, version));
    }
    let staff = app.token.clone();
    // The newest held order is rejected while the one before it is being cancelled in a
    // transaction that holds the cell: the rejection waits for it, and the cell's last
    // order is then the newest one left, not the cancelled one.
    use sea_orm::{ActiveModelTrait, EntityTrait, Set, TransactionTrait};
    let (newest, second) = (&held[7], &held[6]);
    let slow = app.db.begin().await.unwrap();
    let before = entity::order::Entity::find_by_id(uuid_of(&second.0))
        .one(&slow)
        .await
        .unwrap()
        .unwrap();
    let mut row: entity::order::ActiveModel = before.clone().into();
    row.status = Set(entity::enums::OrderStatus::Cancelled);
    let after = row.update(&slow).await.unwrap();
    channelgraph::analytics::rollups::shift(&slow, Some(&before), &after)
        .await
        .unwrap();
    let waiting = {
        let (address, staff, id, version) = (
            app.address.clone(),
            staff.clone(),
            newest.0.clone(),
            newest.1,
        );
        tokio::spawn(async move {
            reqwest::Client::new()
                .post(format!("{address}/graphql"))
                .bearer_auth(staff)
                .json(&json!({
                    "query": "mutation($input: OrderCreditRejectInput!) { orderCreditReject(input: $input) { userErrors { message } } }",
                    "variables": { "input": { "id": id, "version": version } },
                }))
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    slow.commit().await.unwrap();
    let rejected = waiting.await.unwrap();
    assert_eq!(
        rejected["data"]["orderCreditReject"]["userErrors"],
        json!([]),
        "{rejected}"
    );
    assert_rollups_are_the_sums(&app).await;

    let rejects = held.iter().rev().skip(2).take(4).map(|(id, version)| {
        step(
            &app,
            &staff,
            "orderCreditReject",
            json!({ "id": id, "version": version }),
        )
    });
    let more = (26..30).map(|i| place(&app, &t.portal, format!("PO-CELL-{i}")));
    futures_util::future::join(
        futures_util::future::join_all(rejects),
        futures_util::future::join_all(more),
    )
    .await;
    let kept = assert_rollups_are_the_sums(&app).await;
    let orders: i64 = kept.values().map(|sums| sums.0).sum();
    assert_eq!(orders, 12 + 2 + 4);
}
