//! Webhooks: endpoints, signed deliveries of the events a partner may see, retries with
//! backoff, dead letters, redelivery, the delivery log, and the outbox written in the
//! change's own transaction.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use hmac::{Hmac, Mac};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::helpers::{TestApp, spawn_app, spawn_app_with, spawn_node_like};
use crate::orders::{mutate_as, submit_as, trade, two_lines};

pub const ENDPOINT: &str =
    "webhookEndpoint { id url eventTypes active version organization { code } } signingSecret";

/// One request a receiver got.
#[derive(Clone, Debug)]
pub struct Hit {
    pub headers: HashMap<String, String>,
    pub body: String,
}

impl Hit {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
            .unwrap_or("")
    }
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("a webhook body is JSON")
    }
}

/// A webhook receiver on this machine: records every request and answers with `status`.
pub struct Receiver {
    pub url: String,
    hits: Arc<Mutex<Vec<Hit>>>,
    status: Arc<AtomicU16>,
    hang: Arc<AtomicBool>,
    handle: ServerHandle,
}

async fn record(
    req: HttpRequest,
    body: String,
    hits: web::Data<Arc<Mutex<Vec<Hit>>>>,
    status: web::Data<Arc<AtomicU16>>,
    hang: web::Data<Arc<AtomicBool>>,
) -> HttpResponse {
    let headers = req
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    hits.lock().unwrap().push(Hit { headers, body });
    if hang.load(Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
    let code = actix_web::http::StatusCode::from_u16(status.load(Ordering::SeqCst)).unwrap();
    HttpResponse::build(code).body("ok")
}

impl Receiver {
    /// Listens on `port` (0: any free port).
    pub async fn start(port: u16) -> Receiver {
        Self::start_with(port, Arc::default()).await
    }

    async fn start_with(port: u16, hits: Arc<Mutex<Vec<Hit>>>) -> Receiver {
        let status = Arc::new(AtomicU16::new(200));
        let hang = Arc::new(AtomicBool::new(false));
        let (h, s, g) = (hits.clone(), status.clone(), hang.clone());
        let listener = std::net::TcpListener::bind(("127.0.0.1", port)).expect("the port is free");
        let port = listener.local_addr().unwrap().port();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(h.clone()))
                .app_data(web::Data::new(s.clone()))
                .app_data(web::Data::new(g.clone()))
                .default_service(web::to(record))
        })
        .workers(2)
        .disable_signals()
        .listen(listener)
        .unwrap()
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Receiver {
            url: format!("http://127.0.0.1:{port}/hooks"),
            hits,
            status,
            hang,
            handle,
        }
    }

    /// While on, requests are recorded and then left without an answer for a minute.
    pub fn hang(&self, on: bool) {
        self.hang.store(on, Ordering::SeqCst);
    }

    pub fn answer(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    /// Waits until `n` requests have arrived (at most 15 s), and returns them.
    pub async fn wait_for(&self, n: usize) -> Vec<Hit> {
        for _ in 0..300 {
            let hits = self.hits();
            if hits.len() >= n {
                return hits;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{n} webhook requests expected; got {:?}", self.hits());
    }

    pub async fn stop(&self) {
        self.handle.stop(false).await;
    }
}

/// Fast polling and retries, so that a test sees the whole life of a delivery.
fn fast(settings: &mut channelgraph::settings::Settings) {
    settings.webhooks.poll = Duration::from_millis(30);
    settings.webhooks.retry_base = Duration::from_millis(200);
}

/// The signature a receiver computes from the secret, the timestamp header and the body.
fn expected_signature(secret: &str, hit: &Hit) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(hit.header("Channelgraph-Timestamp").as_bytes());
    mac.update(b".");
    mac.update(hit.body.as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("v1={hex}")
}

async fn partner_admin(app: &TestApp, email: &str, organization: &str) -> String {
    let org = channelgraph::ids::GlobalId::parse(organization).unwrap().id;
    app.create_user(
        email,
        "partner admin password",
        crate::helpers::PARTNER_ADMIN,
        Some(org),
    )
    .await;
    app.token_for(email, "partner admin password").await
}

pub async fn create_endpoint(app: &TestApp, token: &str, input: Value) -> Value {
    mutate_as(
        app,
        token,
        "webhookEndpointCreate",
        "WebhookEndpointCreateInput",
        ENDPOINT,
        input,
    )
    .await
}

pub const LOG: &str = "query($filter: WebhookDeliveryFilter) { webhookDeliveries(filter: $filter, first: 50) { totalCount nodes { id status attemptCount lastStatusCode lastError nextAttemptAt deliveredAt deadAt event { id type payload } endpoint { id } attempts { attempt node startedAt statusCode error succeeded } } } }";

pub async fn log_as(app: &TestApp, token: &str) -> Vec<Value> {
    let body = app.graphql_as(token, LOG, json!({})).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["webhookDeliveries"]["nodes"]
        .as_array()
        .unwrap()
        .clone()
}

/// Waits until every delivery `token` sees satisfies `done` (at most 15 s).
pub async fn wait_log(app: &TestApp, token: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    for _ in 0..300 {
        let log = log_as(app, token).await;
        if done(&log) {
            return log;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "the delivery log never got there: {:?}",
        log_as(app, token).await
    );
}

async fn count(app: &TestApp, table: &str) -> i64 {
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

#[tokio::test]
async fn a_partner_endpoint_receives_its_own_events_signed_and_nothing_of_others() {
    let app = spawn_app_with(fast).await;
    let t = trade(&app).await;
    let dist_admin = partner_admin(&app, "admin@dist-1.test", &t.distributor).await;
    let other = app
        .create_org("DISTRIBUTOR", "Anderer Vertrieb", "DIST-2")
        .await;
    app.link(&t.brand, &other, "DISTRIBUTES_TO").await;
    let other_admin = partner_admin(&app, "admin@dist-2.test", &other).await;
    let (mine, brand, theirs) = (
        Receiver::start(0).await,
        Receiver::start(0).await,
        Receiver::start(0).await,
    );

    // A partner admin's endpoint is its organization's without naming it.
    let created = create_endpoint(
        &app,
        &dist_admin,
        json!({ "url": mine.url, "description": "ERP", "eventTypes": ["ORDER_SUBMITTED", "ORDER_ACKNOWLEDGED", "SHIPMENT_SENT"] }),
    )
    .await;
    assert_eq!(created["userErrors"], json!([]), "{created}");
    let endpoint = &created["webhookEndpoint"];
    assert_eq!(endpoint["organization"]["code"], "DIST-1");
    assert_eq!(
        endpoint["eventTypes"],
        json!(["ORDER_ACKNOWLEDGED", "ORDER_SUBMITTED", "SHIPMENT_SENT"])
    );
    let secret = created["signingSecret"].as_str().unwrap().to_owned();
    assert!(
        secret.starts_with("whsec_") && secret.len() == 49,
        "{secret}"
    );
    let endpoint_id = endpoint["id"].as_str().unwrap().to_owned();
    // The brand's endpoint (an admin's, naming no organization) gets every order event.
    let brand_endpoint = app
        .mutate(
            "webhookEndpointCreate",
            ENDPOINT,
            json!({ "url": brand.url, "eventTypes": ["ORDER_SUBMITTED", "ORDER_ACKNOWLEDGED"] }),
        )
        .await;
    assert_eq!(
        brand_endpoint["webhookEndpoint"]["organization"],
        Value::Null
    );
    let theirs_endpoint = create_endpoint(
        &app,
        &other_admin,
        json!({ "url": theirs.url, "eventTypes": ["ORDER_SUBMITTED", "ORDER_ACKNOWLEDGED", "SHIPMENT_SENT"] }),
    )
    .await;
    assert_eq!(theirs_endpoint["userErrors"], json!([]));

    // DIST-1 orders from the brand; the brand acknowledges and ships.
    let placed = submit_as(&app, &t.portal, two_lines("PO-HOOK-1")).await;
    let order_id = placed["order"]["id"].as_str().unwrap().to_owned();
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
    let shipped = app
        .mutate(
            "shipmentCreate",
            "shipment { id number }",
            json!({ "orderId": order_id, "version": 2, "carrier": "DHL", "trackingNumber": "JD1", "lines": [{ "lineNumber": 1, "quantity": "150" }] }),
        )
        .await;
    assert_eq!(shipped["userErrors"], json!([]), "{shipped}");

    let hits = mine.wait_for(3).await;
    let types: Vec<String> = hits
        .iter()
        .map(|h| h.header("Channelgraph-Event-Type").to_owned())
        .collect();
    let mut sorted = types.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        ["ORDER_ACKNOWLEDGED", "ORDER_SUBMITTED", "SHIPMENT_SENT"]
    );
    for hit in &hits {
        // The signature verifies with the secret, over the timestamp and the exact body.
        assert_eq!(
            hit.header("Channelgraph-Signature"),
            expected_signature(&secret, hit)
        );
        let ts: i64 = hit.header("Channelgraph-Timestamp").parse().unwrap();
        assert!((chrono::Utc::now().timestamp() - ts).abs() < 60);
        assert_eq!(hit.header("Content-Type"), "application/json");
        assert_eq!(hit.header("Channelgraph-Attempt"), "1");
        let body = hit.json();
        assert_eq!(body["id"], hit.header("Channelgraph-Event-Id"));
        assert_eq!(body["type"], hit.header("Channelgraph-Event-Type"));
        assert!(body["occurredAt"].as_str().unwrap().ends_with('Z'));
    }
    let submitted = hits
        .iter()
        .find(|h| h.header("Channelgraph-Event-Type") == "ORDER_SUBMITTED")
        .unwrap()
        .json();
    assert_eq!(submitted["data"]["order"]["id"], order_id);
    assert_eq!(submitted["data"]["order"]["status"], "SUBMITTED");
    assert_eq!(submitted["data"]["order"]["buyerId"], t.distributor);
    assert_eq!(submitted["data"]["order"]["sellerId"], t.brand);
    let shipment = hits
        .iter()
        .find(|h| h.header("Channelgraph-Event-Type") == "SHIPMENT_SENT")
        .unwrap()
        .json();
    assert_eq!(
        shipment["data"]["shipment"]["id"],
        shipped["shipment"]["id"]
    );
    assert_eq!(shipment["data"]["shipment"]["orderId"], order_id);
    // The brand's endpoint got the two order events it asked for, with the same event ids.
    let brand_hits = brand.wait_for(2).await;
    let ids = |hits: &[Hit]| -> Vec<String> {
        let mut ids: Vec<String> = hits
            .iter()
            .filter(|h| h.header("Channelgraph-Event-Type").starts_with("ORDER_"))
            .map(|h| h.header("Channelgraph-Event-Id").to_owned())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&brand_hits), ids(&hits));

    // The delivery log: the partner admin sees its three deliveries, each delivered at the
    // first attempt, and the events they carried.
    let log = wait_log(&app, &dist_admin, |log| {
        log.len() == 3 && log.iter().all(|d| d["status"] == "DELIVERED")
    })
    .await;
    for delivery in &log {
        assert_eq!(delivery["endpoint"]["id"], endpoint_id);
        assert_eq!(delivery["attemptCount"], 1);
        assert_eq!(delivery["lastStatusCode"], 200);
        assert_eq!(delivery["nextAttemptAt"], Value::Null);
        assert_eq!(delivery["attempts"][0]["statusCode"], 200);
        assert_eq!(delivery["attempts"][0]["succeeded"], true);
        let payload: Value =
            serde_json::from_str(delivery["event"]["payload"].as_str().unwrap()).unwrap();
        assert_eq!(payload["id"], delivery["event"]["id"]);
    }

    // DIST-2 got nothing, and sees nothing of DIST-1's endpoint, deliveries or events by
    // any path: lists, node, nodes, aliases, a redelivery.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(theirs.hits().is_empty(), "{:?}", theirs.hits());
    assert!(log_as(&app, &other_admin).await.is_empty());
    let delivery_id = log[0]["id"].as_str().unwrap().to_owned();
    let event_id = log[0]["event"]["id"].as_str().unwrap().to_owned();
    let body = app
        .graphql_as(
            &other_admin,
            "query($e: ID!, $d: ID!, $v: ID!) { a: node(id: $e) { id } b: node(id: $d) { id } c: node(id: $v) { id } nodes(ids: [$e, $d, $v]) { id } webhookEndpoints { totalCount nodes { id } } }",
            json!({ "e": endpoint_id, "d": delivery_id, "v": event_id }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["data"]["a"], Value::Null);
    assert_eq!(body["data"]["b"], Value::Null);
    assert_eq!(body["data"]["c"], Value::Null);
    assert_eq!(body["data"]["nodes"], json!([null, null, null]));
    assert_eq!(body["data"]["webhookEndpoints"]["totalCount"], 1);
    assert_ne!(
        body["data"]["webhookEndpoints"]["nodes"][0]["id"],
        endpoint_id
    );
    let redelivered = mutate_as(
        &app,
        &other_admin,
        "webhookDeliveryRedeliver",
        "WebhookDeliveryRedeliverInput",
        "webhookDelivery { id }",
        json!({ "id": delivery_id }),
    )
    .await;
    assert_eq!(redelivered["userErrors"][0]["code"], "NOT_FOUND");
    let changed = mutate_as(
        &app,
        &other_admin,
        "webhookEndpointUpdate",
        "WebhookEndpointUpdateInput",
        "webhookEndpoint { id }",
        json!({ "id": endpoint_id, "version": 1, "active": false }),
    )
    .await;
    assert_eq!(changed["userErrors"][0]["code"], "NOT_FOUND");
    // DIST-1's admin reads the event it was sent.
    let body = app
        .graphql_as(
            &dist_admin,
            "query($id: ID!) { node(id: $id) { ... on Event { id type } } }",
            json!({ "id": event_id }),
        )
        .await;
    assert_eq!(body["data"]["node"]["id"], event_id, "{body}");

    // Deleting the endpoint stops its events; its log stays.
    let deleted = mutate_as(
        &app,
        &dist_admin,
        "webhookEndpointDelete",
        "WebhookEndpointDeleteInput",
        "webhookEndpoint { deletedAt active }",
        json!({ "id": endpoint_id }),
    )
    .await;
    assert_eq!(deleted["webhookEndpoint"]["active"], false, "{deleted}");
    submit_as(&app, &t.portal, two_lines("PO-HOOK-2")).await;
    brand.wait_for(3).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(mine.hits().len(), 3);
    assert_eq!(log_as(&app, &dist_admin).await.len(), 3);
}

#[tokio::test]
async fn a_failing_receiver_is_retried_with_growing_delays_then_dead_then_redelivered() {
    const TOKEN: &str = "metrics token for the webhook test";
    let app = spawn_app_with(|s| {
        fast(s);
        s.webhooks.retry_window = Duration::from_secs(2);
        s.metrics_token = Some(TOKEN.to_owned());
    })
    .await;
    let t = trade(&app).await;
    let receiver = Receiver::start(0).await;
    receiver.answer(500);
    let created = app
        .mutate(
            "webhookEndpointCreate",
            ENDPOINT,
            json!({ "url": receiver.url, "eventTypes": ["ORDER_SUBMITTED"] }),
        )
        .await;
    assert_eq!(created["userErrors"], json!([]), "{created}");
    submit_as(&app, &t.portal, two_lines("PO-RETRY")).await;

    let log = wait_log(&app, &app.token, |log| {
        log.len() == 1 && log[0]["status"] == "DEAD"
    })
    .await;
    let delivery = &log[0];
    assert_eq!(delivery["lastStatusCode"], 500);
    assert_eq!(delivery["lastError"], "the receiver answered HTTP 500");
    assert_eq!(delivery["nextAttemptAt"], Value::Null);
    assert!(delivery["deadAt"].is_string());
    let attempts = delivery["attempts"].as_array().unwrap();
    // Every attempt reached the receiver once, numbered 1, 2, 3, …
    let hits = receiver.hits();
    assert_eq!(hits.len(), attempts.len());
    let numbers: Vec<String> = hits
        .iter()
        .map(|h| h.header("Channelgraph-Attempt").to_owned())
        .collect();
    let expected: Vec<String> = (1..=attempts.len()).map(|n| n.to_string()).collect();
    assert_eq!(numbers, expected);
    assert!(attempts.len() >= 4, "{attempts:?}");
    let event_ids: std::collections::BTreeSet<&str> = hits
        .iter()
        .map(|h| h.header("Channelgraph-Event-Id"))
        .collect();
    assert_eq!(event_ids.len(), 1);
    // The delays grow: each waits as long as the time already spent, from 200 ms.
    let times: Vec<chrono::DateTime<chrono::Utc>> = attempts
        .iter()
        .map(|a| a["startedAt"].as_str().unwrap().parse().unwrap())
        .collect();
    let gaps: Vec<i64> = times
        .windows(2)
        .map(|w| (w[1] - w[0]).num_milliseconds())
        .collect();
    assert!(gaps[0] >= 190, "{gaps:?}");
    assert!(
        gaps.last().unwrap() >= &(gaps[0] * 3 / 2),
        "the delays do not grow: {gaps:?}"
    );
    for attempt in attempts {
        assert_eq!(attempt["statusCode"], 500);
        assert_eq!(attempt["succeeded"], false);
    }
    let metrics = app
        .client
        .get(format!("{}/metrics", app.address))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("channelgraph_webhook_attempts_total{outcome=\"dead\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains(&format!(
            "channelgraph_webhook_attempts_total{{outcome=\"failed\"}} {}",
            attempts.len() - 1
        )),
        "{metrics}"
    );
    assert!(
        metrics.contains("channelgraph_outbox_backlog 0"),
        "{metrics}"
    );

    // The receiver is fixed; the dead delivery is sent again, with the same event id.
    receiver.answer(204);
    let redelivered = app
        .mutate(
            "webhookDeliveryRedeliver",
            "webhookDelivery { status deadAt }",
            json!({ "id": delivery["id"] }),
        )
        .await;
    assert_eq!(redelivered["userErrors"], json!([]), "{redelivered}");
    assert_eq!(redelivered["webhookDelivery"]["status"], "PENDING");
    assert_eq!(redelivered["webhookDelivery"]["deadAt"], Value::Null);
    let log = wait_log(&app, &app.token, |log| log[0]["status"] == "DELIVERED").await;
    assert_eq!(log[0]["lastStatusCode"], 204);
    let hits = receiver.hits();
    assert_eq!(hits.len(), attempts.len() + 1);
    assert_eq!(
        hits.last().unwrap().header("Channelgraph-Event-Id"),
        hits[0].header("Channelgraph-Event-Id")
    );
    assert_eq!(
        hits.last().unwrap().header("Channelgraph-Attempt"),
        (attempts.len() + 1).to_string()
    );
}

#[tokio::test]
async fn a_receiver_that_is_down_then_back_gets_every_event_once() {
    let app = spawn_app_with(|s| {
        fast(s);
        s.webhooks.retry_max = Duration::from_secs(1);
    })
    .await;
    let t = trade(&app).await;
    // A port nobody listens on yet.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/hooks");
    app.mutate(
        "webhookEndpointCreate",
        ENDPOINT,
        json!({ "url": url, "eventTypes": ["ORDER_SUBMITTED", "ORDER_ACKNOWLEDGED"] }),
    )
    .await;
    let mut ids = Vec::new();
    for n in 0..5 {
        let placed = submit_as(&app, &t.portal, two_lines(&format!("PO-DOWN-{n}"))).await;
        ids.push(placed["order"]["id"].as_str().unwrap().to_owned());
    }
    // Every delivery has failed at least once: the connection was refused.
    let log = wait_log(&app, &app.token, |log| {
        log.len() == 5 && log.iter().all(|d| d["attemptCount"].as_i64() >= Some(2))
    })
    .await;
    assert!(log.iter().all(|d| d["status"] == "PENDING"));
    // A pending delivery is on its way already: redelivering it is refused.
    let refused = app
        .mutate(
            "webhookDeliveryRedeliver",
            "webhookDelivery { id }",
            json!({ "id": log[0]["id"] }),
        )
        .await;
    assert_eq!(
        refused["userErrors"][0]["code"], "ILLEGAL_TRANSITION",
        "{refused}"
    );
    assert!(
        log.iter()
            .all(|d| d["lastError"] == "the connection was refused or failed"),
        "{log:?}"
    );
    let receiver = Receiver::start(port).await;
    let hits = receiver.wait_for(5).await;
    wait_log(&app, &app.token, |log| {
        log.iter().all(|d| d["status"] == "DELIVERED")
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let hits_after = receiver.hits();
    assert_eq!(hits_after.len(), 5, "{hits:?}");
    let mut per_event: BTreeMap<String, usize> = BTreeMap::new();
    for hit in &hits_after {
        *per_event
            .entry(
                hit.json()["data"]["order"]["id"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            )
            .or_default() += 1;
    }
    ids.sort();
    assert_eq!(per_event.keys().cloned().collect::<Vec<_>>(), ids);
    assert!(per_event.values().all(|n| *n == 1), "{per_event:?}");
    receiver.stop().await;
}

#[tokio::test]
async fn bad_endpoints_are_refused_by_field_and_change_nothing() {
    let app = spawn_app_with(fast).await;
    let t = trade(&app).await;
    let dist_admin = partner_admin(&app, "admin@dist-1.test", &t.distributor).await;
    for (input, field, code) in [
        (
            json!({ "url": "ftp://example.com/x", "eventTypes": ["ORDER_SUBMITTED"] }),
            "url",
            "INVALID",
        ),
        (
            json!({ "url": "/relative", "eventTypes": ["ORDER_SUBMITTED"] }),
            "url",
            "INVALID",
        ),
        (
            json!({ "url": "https://u:p@example.com/x", "eventTypes": ["ORDER_SUBMITTED"] }),
            "url",
            "INVALID",
        ),
        (
            json!({ "url": "https://example.com/x", "eventTypes": [] }),
            "eventTypes",
            "REQUIRED",
        ),
        (
            json!({ "url": "https://example.com/x", "eventTypes": ["ORDER_SUBMITTED"], "description": "x".repeat(201) }),
            "description",
            "TOO_LONG",
        ),
        (
            json!({ "url": "https://example.com/x", "eventTypes": ["ORDER_SUBMITTED"], "organizationId": "bm9wZQ==" }),
            "organizationId",
            "INVALID",
        ),
    ] {
        let refused = app
            .mutate("webhookEndpointCreate", ENDPOINT, input.clone())
            .await;
        assert_eq!(
            refused["userErrors"][0]["field"],
            json!(["input", field]),
            "{input}: {refused}"
        );
        assert_eq!(refused["userErrors"][0]["code"], code, "{refused}");
        assert_eq!(refused["webhookEndpoint"], Value::Null);
    }
    // A partner admin may not register for another organization; a partner member may not
    // register at all.
    let body = app
        .graphql_as(
            &dist_admin,
            "mutation($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { webhookEndpoint { id } } }",
            json!({ "input": { "organizationId": t.dealer, "url": "https://example.com/x", "eventTypes": ["ORDER_SUBMITTED"] } }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    let body = app
        .graphql_as(
            &t.portal,
            "mutation($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { webhookEndpoint { id } } }",
            json!({ "input": { "url": "https://example.com/x", "eventTypes": ["ORDER_SUBMITTED"] } }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    let body = app
        .graphql_as(
            &t.portal,
            "{ webhookEndpoints { totalCount } webhookDeliveries { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["webhookEndpoints"]["totalCount"], 0, "{body}");
    assert_eq!(body["data"]["webhookDeliveries"]["totalCount"], 0, "{body}");
    assert_eq!(count(&app, "webhook_endpoints").await, 0);

    // A stale version and an update to no event types are refused too.
    let created = create_endpoint(
        &app,
        &dist_admin,
        json!({ "url": "https://example.com/x", "eventTypes": ["ORDER_SUBMITTED"] }),
    )
    .await;
    let id = created["webhookEndpoint"]["id"].clone();
    for (input, field, code) in [
        (
            json!({ "id": id, "version": 7, "active": false }),
            "version",
            "CONFLICT",
        ),
        (
            json!({ "id": id, "version": 1, "eventTypes": [] }),
            "eventTypes",
            "REQUIRED",
        ),
        (
            json!({ "id": id, "version": 1, "url": "gopher://x" }),
            "url",
            "INVALID",
        ),
    ] {
        let refused = mutate_as(
            &app,
            &dist_admin,
            "webhookEndpointUpdate",
            "WebhookEndpointUpdateInput",
            "webhookEndpoint { version }",
            input,
        )
        .await;
        assert_eq!(
            refused["userErrors"][0]["field"],
            json!(["input", field]),
            "{refused}"
        );
        assert_eq!(refused["userErrors"][0]["code"], code, "{refused}");
    }
    // A malformed id in the log's filter names the field.
    let body = app
        .graphql_as(
            &dist_admin,
            "{ webhookDeliveries(filter: { endpointId: \"bm9wZQ==\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body}"
    );
    assert_eq!(
        body["errors"][0]["extensions"]["field"], "filter.endpointId",
        "{body}"
    );
    let rotated = mutate_as(
        &app,
        &dist_admin,
        "webhookEndpointRotateSecret",
        "WebhookEndpointRotateSecretInput",
        "webhookEndpoint { version } signingSecret",
        json!({ "id": id, "version": 1 }),
    )
    .await;
    assert_eq!(rotated["webhookEndpoint"]["version"], 2, "{rotated}");
    assert_ne!(rotated["signingSecret"], created["signingSecret"]);
    // Deleting twice: the second is refused as deleted.
    for expected in [None, Some("ARCHIVED")] {
        let deleted = mutate_as(
            &app,
            &dist_admin,
            "webhookEndpointDelete",
            "WebhookEndpointDeleteInput",
            "webhookEndpoint { active }",
            json!({ "id": id }),
        )
        .await;
        assert_eq!(
            deleted["userErrors"][0]["code"].as_str(),
            expected,
            "{deleted}"
        );
    }
}

#[tokio::test]
async fn an_event_is_written_with_its_change_or_not_at_all() {
    let app = spawn_app_with(fast).await;
    let t = trade(&app).await;
    app.mutate(
        "webhookEndpointCreate",
        ENDPOINT,
        json!({ "url": "http://127.0.0.1:9/hooks", "eventTypes": ["ORDER_SUBMITTED"] }),
    )
    .await;
    let before = (
        count(&app, "events").await,
        count(&app, "webhook_deliveries").await,
    );
    let audiences = count(&app, "event_audiences").await;
    // A refused order writes no event and no delivery.
    let refused = submit_as(
        &app,
        &t.portal,
        json!({ "poNumber": "PO-BAD", "lines": [{ "sku": "NO-SUCH-SKU", "quantity": "1" }] }),
    )
    .await;
    assert!(
        !refused["userErrors"].as_array().unwrap().is_empty(),
        "{refused}"
    );
    assert_eq!(
        (
            count(&app, "events").await,
            count(&app, "webhook_deliveries").await
        ),
        before
    );
    // An accepted one writes one event, seen by both parties, and one delivery.
    submit_as(&app, &t.portal, two_lines("PO-GOOD")).await;
    assert_eq!(count(&app, "events").await, before.0 + 1);
    assert_eq!(count(&app, "event_audiences").await, audiences + 2);
    assert_eq!(count(&app, "webhook_deliveries").await, before.1 + 1);
}

#[tokio::test]
async fn outside_development_a_host_that_resolves_inside_is_never_connected_to() {
    let app = spawn_app_with(|s| {
        fast(s);
        s.webhooks.allow_private_networks = false;
    })
    .await;
    let t = crate::orders::trade(&app).await;
    let receiver = Receiver::start(0).await;
    // The same receiver by name: `localhost` is looked up by the connection itself, and
    // refused there, so no later lookup could point the request elsewhere.
    let by_name = receiver.url.replace("127.0.0.1", "localhost");
    for url in [by_name, receiver.url.clone()] {
        let created = app
            .mutate(
                "webhookEndpointCreate",
                "webhookEndpoint { id }",
                json!({ "url": url, "eventTypes": ["ORDER_SUBMITTED"] }),
            )
            .await;
        assert_eq!(created["userErrors"], json!([]), "{created}");
    }
    crate::orders::submit_as(&app, &t.portal, crate::orders::two_lines("PO-SSRF")).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    let errors = loop {
        let log = app
            .graphql(
                "{ webhookDeliveries { nodes { attempts { error } endpoint { url } } } }",
                json!({}),
            )
            .await;
        let errors: Vec<(String, String)> = log["data"]["webhookDeliveries"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|d| {
                let error = d["attempts"][0]["error"].as_str()?;
                Some((
                    d["endpoint"]["url"].as_str().unwrap().to_owned(),
                    error.to_owned(),
                ))
            })
            .collect();
        if errors.len() == 2 {
            break errors;
        }
        assert!(std::time::Instant::now() < deadline, "{log}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    for (url, error) in &errors {
        assert!(error.contains("an internal address"), "{url}: {error}");
    }
    assert!(
        errors
            .iter()
            .any(|(_, e)| e.starts_with("localhost resolves to 127.0.0.1")),
        "{errors:?}"
    );
    assert!(receiver.hits().is_empty());
}

#[tokio::test]
async fn rows_past_their_retention_are_pruned_by_one_node_and_live_ones_stay() {
    let retain = |s: &mut channelgraph::settings::Settings| {
        fast(s);
        s.retention.interval = Duration::from_secs(1);
        s.retention.event_days = 7;
        s.retention.delivery_days = 7;
        s.retention.attempt_days = 7;
    };
    let app = spawn_app_with(retain).await;
    let t = crate::orders::trade(&app).await;
    let receiver = Receiver::start(0).await;
    app.mutate(
        "webhookEndpointCreate",
        "webhookEndpoint { id }",
        json!({ "url": receiver.url, "eventTypes": ["ORDER_SUBMITTED"] }),
    )
    .await;
    for po in ["PO-OLD", "PO-NEW"] {
        crate::orders::submit_as(&app, &t.portal, crate::orders::two_lines(po)).await;
    }
    receiver.wait_for(2).await;
    // Wait until both deliveries are recorded as delivered.
    for _ in 0..100 {
        let delivered = app
            .db
            .query_one_raw(Statement::from_string(
                app.db.get_database_backend(),
                "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'DELIVERED'",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap();
        if delivered == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The first order's event, its delivery and attempt, and one audit record, as if ten
    // days old.
    let old = (chrono::Utc::now() - chrono::Duration::days(10)).to_rfc3339();
    let first_event = "(SELECT event_id FROM webhook_deliveries ORDER BY created_at LIMIT 1)";
    for sql in [
        format!(
            "UPDATE webhook_attempts SET started_at = '{old}' WHERE delivery_id = (SELECT id FROM webhook_deliveries ORDER BY created_at LIMIT 1)"
        ),
        format!("UPDATE events SET occurred_at = '{old}' WHERE id = {first_event}"),
        format!(
            "UPDATE webhook_deliveries SET updated_at = '{old}' WHERE id = (SELECT id FROM webhook_deliveries ORDER BY created_at LIMIT 1)"
        ),
        format!(
            "UPDATE audit_events SET occurred_at = '{old}' WHERE id = (SELECT id FROM audit_events ORDER BY occurred_at LIMIT 1)"
        ),
    ] {
        let sql = if app.database_url.starts_with("postgres") {
            sql.replace(&format!("'{old}'"), &format!("'{old}'::timestamptz"))
        } else {
            sql
        };
        app.db.execute_unprepared(&sql).await.unwrap();
    }
    let before = (
        count(&app, "events").await,
        count(&app, "webhook_deliveries").await,
        count(&app, "webhook_attempts").await,
        count(&app, "audit_events").await,
    );
    // Two orders' events, and the distributor's tier assignment in `trade`.
    assert_eq!((before.0, before.1, before.2), (3, 2, 2));
    // A second node on the database: the lease lets one of them prune at a time.
    let _second = spawn_node_like(&app, retain).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let now = (
            count(&app, "events").await,
            count(&app, "webhook_deliveries").await,
            count(&app, "webhook_attempts").await,
        );
        if now == (2, 1, 1) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "still {now:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The newer order's rows stay; the audit trail is kept whole unless told otherwise.
    let week_ago = (chrono::Utc::now() - chrono::Duration::days(7)).to_rfc3339();
    let old_audit = |app: &TestApp| {
        let sql = if app.database_url.starts_with("postgres") {
            format!(
                "SELECT COUNT(*) AS n FROM audit_events WHERE occurred_at < '{week_ago}'::timestamptz"
            )
        } else {
            format!("SELECT COUNT(*) AS n FROM audit_events WHERE occurred_at < '{week_ago}'")
        };
        let db = app.db.clone();
        async move {
            db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
                .await
                .unwrap()
                .unwrap()
                .try_get::<i64>("", "n")
                .unwrap()
        }
    };
    assert_eq!(old_audit(&app).await, 1);
    assert!(count(&app, "audit_events").await >= before.3);
    let audited = spawn_node_like(&app, |s| {
        retain(s);
        s.retention.audit_days = Some(7);
    })
    .await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while old_audit(&audited).await != 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the old audit record stays"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_lease_has_one_holder_until_it_runs_out() {
    use channelgraph::events::retention::take_lease;
    let app = spawn_app().await;
    let soon = chrono::Utc::now() + chrono::Duration::milliseconds(300);
    assert!(take_lease(&app.db, "test", "node-a", soon).await.unwrap());
    assert!(!take_lease(&app.db, "test", "node-b", soon).await.unwrap());
    // The holder renews; another lease name is another lease.
    assert!(take_lease(&app.db, "test", "node-a", soon).await.unwrap());
    assert!(take_lease(&app.db, "other", "node-b", soon).await.unwrap());
    tokio::time::sleep(Duration::from_millis(400)).await;
    let later = chrono::Utc::now() + chrono::Duration::seconds(60);
    assert!(take_lease(&app.db, "test", "node-b", later).await.unwrap());
    assert!(!take_lease(&app.db, "test", "node-a", later).await.unwrap());
}
