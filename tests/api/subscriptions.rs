//! Subscriptions over WebSocket (graphql-transport-ws): authenticated in connection_init,
//! scoped like queries, filtered, capped per principal, closed when the credentials go.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::helpers::{TestApp, spawn_app_with, spawn_node_like};
use crate::orders::{mutate_as, submit_as, trade, two_lines};

/// What a socket said next.
#[derive(Debug, PartialEq)]
pub enum Said {
    Json(Value),
    Closed(u16, String),
}

pub struct Socket {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Socket {
    /// Opens a socket to `address` (http://host:port) speaking graphql-transport-ws.
    pub async fn open(address: &str) -> Socket {
        let url = format!("{}/graphql", address.replace("http://", "ws://"));
        let mut request = url.into_client_request().unwrap();
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            "graphql-transport-ws".parse().unwrap(),
        );
        let (ws, response) = tokio_tungstenite::connect_async(request)
            .await
            .expect("the socket opens");
        assert_eq!(
            response.headers()["sec-websocket-protocol"],
            "graphql-transport-ws"
        );
        Socket { ws }
    }

    /// Opens a socket and authenticates with `token`, waiting for the ack.
    pub async fn signed_in(address: &str, token: &str) -> Socket {
        let mut socket = Socket::open(address).await;
        socket
            .send(json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } }))
            .await;
        assert_eq!(
            socket.next().await,
            Said::Json(json!({ "type": "connection_ack" }))
        );
        socket
    }

    /// Closes from the client's side with `code`.
    pub async fn close(&mut self, code: u16, reason: &str) {
        use tokio_tungstenite::tungstenite::protocol::CloseFrame;
        self.ws
            .send(Message::Close(Some(CloseFrame {
                code: code.into(),
                reason: reason.to_owned().into(),
            })))
            .await
            .unwrap();
    }

    pub async fn send(&mut self, message: Value) {
        self.ws
            .send(Message::Text(message.to_string().into()))
            .await
            .unwrap();
    }

    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } }))
            .await;
    }

    /// The next message, within 10 s.
    pub async fn next(&mut self) -> Said {
        self.within(Duration::from_secs(10))
            .await
            .expect("the server says something within 10 s")
    }

    /// The next message within `wait`, if any.
    pub async fn within(&mut self, wait: Duration) -> Option<Said> {
        loop {
            let message = tokio::time::timeout(wait, self.ws.next()).await.ok()?;
            match message {
                Some(Ok(Message::Text(text))) => {
                    return Some(Said::Json(serde_json::from_str(&text).unwrap()));
                }
                Some(Ok(Message::Close(frame))) => {
                    let (code, reason) = frame
                        .map(|f| (u16::from(f.code), f.reason.to_string()))
                        .unwrap_or((1005, String::new()));
                    return Some(Said::Closed(code, reason));
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return Some(Said::Closed(1006, String::new())),
            }
        }
    }

    /// The payload of the next message, which must be the `error` ending subscription `id`;
    /// nothing follows it for that id.
    pub async fn error(&mut self, id: &str) -> Value {
        match self.next().await {
            Said::Json(m) if m["type"] == "error" && m["id"] == id => {
                assert!(m["payload"].is_array(), "{m}");
                m["payload"].clone()
            }
            other => panic!("an error for {id} expected; got {other:?}"),
        }
    }

    /// The next `next` message's payload for subscription `id`.
    pub async fn event(&mut self, id: &str) -> Value {
        match self.next().await {
            Said::Json(m) if m["type"] == "next" && m["id"] == id => m["payload"].clone(),
            other => panic!("an event for {id} expected; got {other:?}"),
        }
    }
}

const ORDERS: &str = "subscription($filter: OrderEventFilter) { orderEvents(filter: $filter) { id type occurredAt order { number status buyerParty { code } } } }";

async fn member(app: &TestApp, email: &str, organization: &str) -> String {
    let org = channelgraph::ids::GlobalId::parse(organization).unwrap().id;
    app.create_user(
        email,
        "member password 1",
        crate::helpers::PARTNER_MEMBER,
        Some(org),
    )
    .await;
    app.token_for(email, "member password 1").await
}

fn fast(settings: &mut channelgraph::settings::Settings) {
    settings.live.recheck = Duration::from_millis(200);
}

#[tokio::test]
async fn order_events_reach_the_parties_and_no_other_partner() {
    let app = spawn_app_with(fast).await;
    let t = trade(&app).await;
    let other = app
        .create_org("DISTRIBUTOR", "Anderer Vertrieb", "DIST-2")
        .await;
    app.link(&t.brand, &other, "DISTRIBUTES_TO").await;
    let stranger = member(&app, "member@dist-2.test", &other).await;

    let mut portal = Socket::signed_in(&app.address, &t.portal).await;
    portal.subscribe("mine", ORDERS, json!({})).await;
    let mut staff = Socket::signed_in(&app.address, &app.token).await;
    staff
        .subscribe(
            "placed",
            ORDERS,
            json!({ "filter": { "types": ["ORDER_SUBMITTED"] } }),
        )
        .await;
    let mut theirs = Socket::signed_in(&app.address, &stranger).await;
    theirs.subscribe("theirs", ORDERS, json!({})).await;
    // Subscriptions start as the subscribe message is read; give them that moment.
    tokio::time::sleep(Duration::from_millis(200)).await;

    let placed = submit_as(&app, &t.portal, two_lines("PO-LIVE-1")).await;
    let order_id = placed["order"]["id"].as_str().unwrap().to_owned();
    let number = placed["order"]["number"].clone();
    let event = portal.event("mine").await;
    let change = &event["data"]["orderEvents"];
    assert_eq!(change["type"], "ORDER_SUBMITTED", "{event}");
    assert_eq!(change["order"]["number"], number);
    assert_eq!(change["order"]["buyerParty"]["code"], "DIST-1");
    let seen = staff.event("placed").await;
    assert_eq!(seen["data"]["orderEvents"]["id"], change["id"]);

    // The brand acknowledges: the buyer hears it; staff filtered it out.
    let acked = app
        .mutate(
            "orderAcknowledge",
            "order { version }",
            json!({ "id": order_id, "version": 1, "lines": [
                { "lineNumber": 1, "decision": "ACCEPT" }, { "lineNumber": 2, "decision": "ACCEPT" }
            ] }),
        )
        .await;
    assert_eq!(acked["userErrors"], json!([]), "{acked}");
    let event = portal.event("mine").await;
    assert_eq!(event["data"]["orderEvents"]["type"], "ORDER_ACKNOWLEDGED");
    assert_eq!(
        event["data"]["orderEvents"]["order"]["status"],
        "ACKNOWLEDGED"
    );
    assert_eq!(staff.within(Duration::from_millis(500)).await, None);
    // The other distributor heard nothing of it.
    assert_eq!(theirs.within(Duration::from_millis(300)).await, None);

    // Filtered to another order: nothing. A subscription the client completes says
    // nothing more.
    portal
        .send(json!({ "id": "mine", "type": "complete" }))
        .await;
    assert_eq!(portal.within(Duration::from_millis(300)).await, None);
    portal
        .subscribe(
            "that-one",
            ORDERS,
            json!({ "filter": { "orderId": order_id } }),
        )
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    submit_as(&app, &t.portal, two_lines("PO-LIVE-2")).await;
    assert_eq!(portal.within(Duration::from_millis(500)).await, None);
}

#[tokio::test]
async fn every_topic_has_its_subscription() {
    let app = spawn_app_with(fast).await;
    let t = trade(&app).await;
    let mut staff = Socket::signed_in(&app.address, &app.token).await;
    staff
        .subscribe(
            "shipments",
            "subscription { shipmentEvents { type shipment { number } } }",
            json!({}),
        )
        .await;
    staff
        .subscribe(
            "cases",
            "subscription { caseEvents(filter: { types: [CASE_OPENED] }) { type case { subject } } }",
            json!({}),
        )
        .await;
    staff
        .subscribe(
            "stock",
            "subscription($org: ID) { inventoryEvents(filter: { organizationId: $org }) { type inventoryReport { asOf } sellThroughReport { id } } }",
            json!({ "org": t.distributor }),
        )
        .await;
    staff
        .subscribe(
            "leads",
            "subscription { leadEvents { type lead { personName } } }",
            json!({}),
        )
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    let placed = submit_as(&app, &t.portal, two_lines("PO-TOPICS")).await;
    let order_id = placed["order"]["id"].as_str().unwrap().to_owned();
    app.mutate(
        "orderAcknowledge",
        "order { version }",
        json!({ "id": order_id, "version": 1, "lines": [
            { "lineNumber": 1, "decision": "ACCEPT" }, { "lineNumber": 2, "decision": "ACCEPT" }
        ] }),
    )
    .await;
    let shipped = app
        .mutate(
            "shipmentCreate",
            "shipment { number }",
            json!({ "orderId": order_id, "version": 2, "carrier": "DHL", "lines": [{ "lineNumber": 1, "quantity": "150" }] }),
        )
        .await;
    let event = staff.event("shipments").await;
    assert_eq!(event["data"]["shipmentEvents"]["type"], "SHIPMENT_SENT");
    assert_eq!(
        event["data"]["shipmentEvents"]["shipment"]["number"],
        shipped["shipment"]["number"]
    );

    let opened = app
        .mutate(
            "caseOpen",
            "case { id }",
            json!({ "organizationId": t.distributor, "kind": "COMPLAINT", "category": "PRODUCT_QUALITY", "subject": "Scratched widgets", "severity": "LOW" }),
        )
        .await;
    assert_eq!(opened["userErrors"], json!([]), "{opened}");
    let event = staff.event("cases").await;
    assert_eq!(event["data"]["caseEvents"]["type"], "CASE_OPENED");
    assert_eq!(
        event["data"]["caseEvents"]["case"]["subject"],
        "Scratched widgets"
    );

    let reported = mutate_as(
        &app,
        &t.portal,
        "inventoryReportSubmit",
        "InventoryReportSubmitInput",
        "report { id }",
        json!({ "asOf": "2026-11-01", "lines": [{ "sku": "WIDGET-1", "onHand": "5", "onOrder": "0" }] }),
    )
    .await;
    assert_eq!(reported["userErrors"], json!([]), "{reported}");
    let event = staff.event("stock").await;
    assert_eq!(
        event["data"]["inventoryEvents"]["type"],
        "INVENTORY_REPORTED"
    );
    assert_eq!(
        event["data"]["inventoryEvents"]["inventoryReport"]["asOf"],
        "2026-11-01"
    );
    assert_eq!(
        event["data"]["inventoryEvents"]["sellThroughReport"],
        Value::Null
    );

    let lead = app
        .mutate(
            "leadCreate",
            "lead { id }",
            json!({ "personName": "Mia Chen", "source": "WEBSITE", "capturedAt": chrono::Utc::now().to_rfc3339() }),
        )
        .await;
    assert_eq!(lead["userErrors"], json!([]), "{lead}");
    let event = staff.event("leads").await;
    assert_eq!(event["data"]["leadEvents"]["type"], "LEAD_CREATED");
    assert_eq!(
        event["data"]["leadEvents"]["lead"]["personName"],
        "Mia Chen"
    );
}

#[tokio::test]
async fn bad_credentials_and_bad_subscriptions_are_refused() {
    let app = spawn_app_with(|s| s.live.max_per_principal = 2).await;
    let t = trade(&app).await;
    // Wrong credentials close the socket with 4403; none with 4403 too.
    for payload in [
        json!({ "authorization": "Bearer not-a-token" }),
        json!({ "authorization": "Bearer cgp_0000000000000000000000000000000000000000000" }),
        json!({}),
    ] {
        let mut socket = Socket::open(&app.address).await;
        socket
            .send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        assert_eq!(socket.next().await, Said::Closed(4403, "Forbidden".into()));
    }
    // A subscription before connection_init: 4401.
    let mut socket = Socket::open(&app.address).await;
    socket.subscribe("early", ORDERS, json!({})).await;
    assert!(matches!(socket.next().await, Said::Closed(4401, _)));
    // Without the subprotocol there is no socket.
    let status = app
        .client
        .get(format!("{}/graphql", app.address))
        .header("Connection", "Upgrade")
        .header("Upgrade", "websocket")
        .header("Sec-WebSocket-Version", "13")
        .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 400);

    let mut portal = Socket::signed_in(&app.address, &t.portal).await;
    // A query, a type of another topic, an id of the wrong type: errors naming the problem.
    portal
        .subscribe("q", "{ viewer { email } }", json!({}))
        .await;
    // A refused operation answers with the protocol's `error`, its errors as the payload,
    // and nothing after it (no `complete`).
    let m = portal.error("q").await;
    assert!(
        m[0]["message"]
            .as_str()
            .unwrap()
            .contains("only subscriptions run over WebSocket"),
        "{m}"
    );
    portal
        .subscribe(
            "t",
            ORDERS,
            json!({ "filter": { "types": ["CASE_OPENED"] } }),
        )
        .await;
    let m = portal.error("t").await;
    assert!(
        m.to_string()
            .contains("filter.types holds CASE_OPENED, which is not a ORDER event"),
        "{m}"
    );
    portal
        .subscribe("id", ORDERS, json!({ "filter": { "orderId": "bm9wZQ==" } }))
        .await;
    let m = portal.error("id").await;
    assert_eq!(m[0]["extensions"]["field"], "filter.orderId", "{m}");
    // A partner member may not read cases' internal notes, but may subscribe to cases; an
    // API token without crm:read may not.
    let body = app
        .graphql(
            "mutation($org: ID!) { apiTokenCreate(input: { organizationId: $org, name: \"ERP\", scopes: [ORDERS_READ] }) { secret } }",
            json!({ "org": t.distributor }),
        )
        .await;
    let token = body["data"]["apiTokenCreate"]["secret"].as_str().unwrap();
    let mut system = Socket::signed_in(&app.address, token).await;
    system
        .subscribe("c", "subscription { caseEvents { type } }", json!({}))
        .await;
    let m = system.error("c").await;
    assert!(m.to_string().contains("lacks the crm:read scope"), "{m}");
    // The id of a refused subscription may be used again at once.
    system
        .subscribe("c", "subscription { caseEvents { type } }", json!({}))
        .await;
    system.error("c").await;
    assert_eq!(system.within(Duration::from_millis(300)).await, None);

    // The cap: two subscriptions per principal on a node, across its sockets.
    portal.subscribe("one", ORDERS, json!({})).await;
    let mut second = Socket::signed_in(&app.address, &t.portal).await;
    second.subscribe("two", ORDERS, json!({})).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    portal.subscribe("three", ORDERS, json!({})).await;
    let m = portal.error("three").await;
    assert_eq!(m[0]["extensions"]["code"], "RATE_LIMITED", "{m}");
    // Ending one frees its place.
    second
        .send(json!({ "id": "two", "type": "complete" }))
        .await;
    // The client ended it: the server says nothing more of it.
    assert_eq!(second.within(Duration::from_millis(300)).await, None);
    tokio::time::sleep(Duration::from_millis(200)).await;
    portal.subscribe("four", ORDERS, json!({})).await;
    assert_eq!(portal.within(Duration::from_millis(500)).await, None);
}

#[tokio::test]
async fn a_revoked_token_or_a_deactivated_user_closes_the_socket() {
    let app = spawn_app_with(fast).await;
    let t = trade(&app).await;
    let body = app
        .graphql(
            "mutation($org: ID!) { apiTokenCreate(input: { organizationId: $org, name: \"ERP\", scopes: [ORDERS_READ] }) { secret apiToken { id } } }",
            json!({ "org": t.distributor }),
        )
        .await;
    let secret = body["data"]["apiTokenCreate"]["secret"].as_str().unwrap();
    let token_id = body["data"]["apiTokenCreate"]["apiToken"]["id"].clone();
    let mut system = Socket::signed_in(&app.address, secret).await;
    system.subscribe("s", ORDERS, json!({})).await;
    let mut portal = Socket::signed_in(&app.address, &t.portal).await;
    portal.subscribe("p", ORDERS, json!({})).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(system.within(Duration::from_millis(100)).await, None);

    app.mutate(
        "apiTokenRevoke",
        "apiToken { revokedAt }",
        json!({ "id": token_id }),
    )
    .await;
    match system.next().await {
        Said::Closed(4403, reason) => assert!(reason.contains("revoked"), "{reason}"),
        other => panic!("a close with 4403 expected; got {other:?}"),
    }
    // The portal user is still there, until deactivated.
    assert_eq!(portal.within(Duration::from_millis(300)).await, None);
    let user = app
        .graphql(
            "{ users(first: 50) { nodes { id email version } } }",
            json!({}),
        )
        .await;
    let found = user["data"]["users"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "buyer@dist-1.test")
        .unwrap()
        .clone();
    let done = app
        .mutate(
            "userDeactivate",
            "user { id }",
            json!({ "id": found["id"], "version": found["version"] }),
        )
        .await;
    assert_eq!(done["userErrors"], json!([]), "{done}");
    assert!(matches!(portal.next().await, Said::Closed(4403, _)));
}

#[tokio::test]
async fn a_subscriber_on_one_node_hears_a_change_made_through_another() {
    // Two nodes share the database; on SQLite there is one node, and this is its bus.
    let a = spawn_app_with(fast).await;
    let postgres = a.database_url.starts_with("postgres");
    let t = trade(&a).await;
    let b = if postgres {
        spawn_node_like(&a, fast).await
    } else {
        spawn_node_like_sqlite(&a)
    };
    let mut socket = Socket::signed_in(&a.address, &t.portal).await;
    socket.subscribe("a", ORDERS, json!({})).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let placed = submit_as(&b, &t.portal, two_lines("PO-VIA-B")).await;
    assert_eq!(placed["userErrors"], json!([]), "{placed}");
    let event = socket.event("a").await;
    assert_eq!(
        event["data"]["orderEvents"]["order"]["number"],
        placed["order"]["number"]
    );
}

/// On PostgreSQL a transaction that began first may commit last. Its event still reaches
/// subscribers, seconds after later ones, and every event reaches them once, while another
/// database of the cluster holds a long transaction.
#[tokio::test]
async fn an_event_committed_behind_later_ones_reaches_subscribers_once() {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let app = spawn_app_with(fast).await;
    if !app.database_url.starts_with("postgres") {
        return;
    }
    // Another database of the cluster holds a transaction open throughout.
    let elsewhere = sea_orm::Database::connect(std::env::var("TEST_DATABASE_URL").unwrap())
        .await
        .unwrap()
        .begin()
        .await
        .unwrap();
    elsewhere
        .execute_unprepared("SELECT pg_current_xact_id()")
        .await
        .unwrap();
    let t = trade(&app).await;
    let first = submit_as(&app, &t.portal, two_lines("PO-EARLY")).await;
    let first_id = channelgraph::ids::GlobalId::parse(first["order"]["id"].as_str().unwrap())
        .unwrap()
        .id;
    // A subscriber may hear what committed up to a second before it subscribed, however long
    // other databases' transactions run; this one subscribes later.
    tokio::time::sleep(Duration::from_millis(2200)).await;
    let mut socket = Socket::signed_in(&app.address, &t.portal).await;
    socket.subscribe("mine", ORDERS, json!({})).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    // A change that writes its event and holds its transaction open.
    let slow = app.db.begin().await.unwrap();
    let late = channelgraph::events::emit(
        &slow,
        channelgraph::events::NewEvent {
            event_type: channelgraph::events::EventType::OrderSubmitted,
            subject_id: first_id,
            order_id: Some(first_id),
            audience: vec![
                channelgraph::ids::GlobalId::parse(&t.distributor)
                    .unwrap()
                    .id,
                channelgraph::ids::GlobalId::parse(&t.brand).unwrap().id,
            ],
            data: json!({}),
        },
    )
    .await
    .unwrap();
    // Meanwhile a later order commits and is heard.
    let second = submit_as(&app, &t.portal, two_lines("PO-LATER")).await;
    let heard = socket.event("mine").await;
    assert_eq!(
        heard["data"]["orderEvents"]["order"]["number"],
        second["order"]["number"]
    );
    // Past every periodic look, the slow change commits, as another process's would: no
    // wake-up from this one.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    slow.commit().await.unwrap();
    let heard = socket.event("mine").await;
    assert_eq!(
        heard["data"]["orderEvents"]["id"],
        json!(channelgraph::ids::GlobalId::encode(
            channelgraph::ids::NodeType::Event,
            late
        )),
        "{heard}"
    );
    assert_eq!(
        heard["data"]["orderEvents"]["order"]["number"],
        first["order"]["number"]
    );
    // Neither is heard again.
    assert_eq!(socket.within(Duration::from_millis(2500)).await, None);
    elsewhere.rollback().await.unwrap();
}

/// A transaction of another database that the relay's horizon left out, then prepared for
/// a two-phase commit (its session gone from the activity list, its id still running), does
/// not take the relay back to send again what it sent.
#[tokio::test]
async fn a_transaction_prepared_on_another_database_sends_nothing_twice() {
    use sea_orm::ConnectionTrait;
    use sea_orm::sqlx::{Connection, PgConnection};
    if !crate::own_postgres::in_postgres_suite() {
        return;
    }
    let pg = crate::own_postgres::OwnPostgres::start(None);
    let url = pg.url("127.0.0.1", "");
    let admin = sea_orm::Database::connect(&url).await.unwrap();
    admin
        .execute_unprepared("CREATE DATABASE elsewhere")
        .await
        .unwrap();
    let elsewhere = format!("{}/elsewhere", url.rsplit_once('/').unwrap().0);
    let mut other = PgConnection::connect(&elsewhere).await.unwrap();
    for sql in ["BEGIN", "SELECT pg_current_xact_id()"] {
        sea_orm::sqlx::query(sql).execute(&mut other).await.unwrap();
    }
    let app = crate::helpers::spawn_app_on(url, fast).await;
    let t = trade(&app).await;
    let mut socket = Socket::signed_in(&app.address, &t.portal).await;
    socket.subscribe("mine", ORDERS, json!({})).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let first = submit_as(&app, &t.portal, two_lines("PO-BEFORE")).await;
    let heard = socket.event("mine").await;
    assert_eq!(
        heard["data"]["orderEvents"]["order"]["number"],
        first["order"]["number"]
    );
    // The relay looks again, every second, past the other database's transaction.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    sea_orm::sqlx::query("PREPARE TRANSACTION 'held'")
        .execute(&mut other)
        .await
        .unwrap();
    assert_eq!(socket.within(Duration::from_millis(3000)).await, None);
    let second = submit_as(&app, &t.portal, two_lines("PO-AFTER")).await;
    let heard = socket.event("mine").await;
    assert_eq!(
        heard["data"]["orderEvents"]["order"]["number"],
        second["order"]["number"]
    );
    assert_eq!(socket.within(Duration::from_millis(1500)).await, None);
    sea_orm::sqlx::query("ROLLBACK PREPARED 'held'")
        .execute(&mut other)
        .await
        .unwrap();
}

/// On SQLite there is one node: the change goes through the same one.
fn spawn_node_like_sqlite(a: &TestApp) -> TestApp {
    TestApp {
        address: a.address.clone(),
        database_url: a.database_url.clone(),
        client: a.client.clone(),
        db: a.db.clone(),
        statements: a.statements.clone(),
        reads: a.reads.clone(),
        token: a.token.clone(),
    }
}

#[tokio::test]
async fn revoking_a_token_or_deactivating_a_user_closes_their_sockets_on_every_node_within_a_second()
 {
    // The recheck is left at 30 s: only the bus can close these sockets in time.
    let a = spawn_app_with(|_| {}).await;
    let t = trade(&a).await;
    let b = spawn_node_like(&a, |_| {}).await;
    let body = a
        .graphql(
            "mutation($org: ID!) { apiTokenCreate(input: { organizationId: $org, name: \"ERP\", scopes: [ORDERS_READ] }) { secret apiToken { id } } }",
            json!({ "org": t.distributor }),
        )
        .await;
    let secret = body["data"]["apiTokenCreate"]["secret"].as_str().unwrap();
    let token_id = body["data"]["apiTokenCreate"]["apiToken"]["id"].clone();
    let mut system = Socket::signed_in(&b.address, secret).await;
    system.subscribe("s", ORDERS, json!({})).await;
    let mut portal = Socket::signed_in(&b.address, &t.portal).await;
    portal.subscribe("p", ORDERS, json!({})).await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    a.mutate(
        "apiTokenRevoke",
        "apiToken { revokedAt }",
        json!({ "id": token_id }),
    )
    .await;
    match system.within(Duration::from_secs(1)).await {
        Some(Said::Closed(4403, reason)) => assert!(reason.contains("revoked"), "{reason}"),
        other => panic!("a close with 4403 within a second expected; got {other:?}"),
    }
    assert_eq!(portal.within(Duration::from_millis(200)).await, None);
    let users = a
        .graphql(
            "{ users(first: 50) { nodes { id email version } } }",
            json!({}),
        )
        .await;
    let found = users["data"]["users"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "buyer@dist-1.test")
        .unwrap()
        .clone();
    a.mutate(
        "userDeactivate",
        "user { id }",
        json!({ "id": found["id"], "version": found["version"] }),
    )
    .await;
    assert!(
        matches!(
            portal.within(Duration::from_secs(1)).await,
            Some(Said::Closed(4403, _))
        ),
        "the deactivated user's socket closes within a second"
    );
}

#[tokio::test]
async fn the_socket_speaks_graphql_transport_ws_as_its_reference_client_expects() {
    let app = spawn_app_with(fast).await;
    let t = trade(&app).await;
    // connectionParams in the shapes client libraries document.
    for payload in [
        json!({ "authorization": format!("Bearer {}", t.portal) }),
        json!({ "Authorization": format!("Bearer {}", t.portal) }),
        json!({ "authToken": t.portal }),
        json!({ "token": format!("Bearer {}", t.portal) }),
        json!({ "headers": { "Authorization": format!("Bearer {}", t.portal) } }),
    ] {
        let mut socket = Socket::open(&app.address).await;
        socket
            .send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        assert_eq!(
            socket.next().await,
            Said::Json(json!({ "type": "connection_ack" })),
            "{payload}"
        );
    }
    // A second subscribe with an id that is running closes the socket with 4409.
    let mut socket = Socket::signed_in(&app.address, &t.portal).await;
    socket.subscribe("same", ORDERS, json!({})).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    socket.subscribe("same", ORDERS, json!({})).await;
    assert_eq!(
        socket.next().await,
        Said::Closed(4409, "Subscriber for same already exists".into())
    );
    // Completed, the id is free again.
    let mut socket = Socket::signed_in(&app.address, &t.portal).await;
    socket.subscribe("again", ORDERS, json!({})).await;
    socket
        .send(json!({ "id": "again", "type": "complete" }))
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    socket.subscribe("again", ORDERS, json!({})).await;
    assert_eq!(socket.within(Duration::from_millis(300)).await, None);
    // The client closes: the server's answer carries the client's code.
    socket.close(4000, "bye").await;
    match socket.next().await {
        Said::Closed(code, _) => assert_eq!(code, 4000),
        other => panic!("a close with 4000 expected; got {other:?}"),
    }
}
