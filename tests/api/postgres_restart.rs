//! A real PostgreSQL restart, of an instance the test starts, with orders, webhooks and a
//! subscription in flight: nothing acknowledged is lost, nothing is applied twice, and the
//! server carries on without being restarted itself.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use channelgraph::ids::{GlobalId, NodeType};
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{Value, json};
use tokio::sync::Mutex;

use crate::helpers::spawn_app_on;
use crate::orders::{trade, two_lines};
use crate::own_postgres::{OwnPostgres, in_postgres_suite};
use crate::subscriptions::{Said, Socket};
use crate::webhooks::{ENDPOINT, Receiver};

const SUBMIT: &str = "mutation($input: OrderSubmitInput!) { orderSubmit(input: $input) { order { poNumber } userErrors { message } } }";
const HEAR: &str = "subscription { orderEvents { order { poNumber } } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_postgresql_restart_loses_nothing_acknowledged_and_applies_nothing_twice() {
    if !in_postgres_suite() {
        return;
    }
    let pg = Arc::new(OwnPostgres::start(None));
    let url = pg.url("127.0.0.1", "");
    let app = spawn_app_on(url.clone(), |s| {
        s.webhooks.poll = Duration::from_millis(50);
        // A claim the database committed as it went down, whose answer the node never got,
        // is taken again once its lease runs out: within this test's wait.
        s.webhooks.timeout = Duration::from_secs(2);
        s.webhooks.lease = Duration::from_secs(5);
        s.live.recheck = Duration::from_millis(200);
    })
    .await;
    let t = trade(&app).await;
    let receiver = Receiver::start(0).await;
    app.mutate(
        "webhookEndpointCreate",
        ENDPOINT,
        json!({ "url": receiver.url, "eventTypes": ["ORDER_SUBMITTED"] }),
    )
    .await;
    let mut socket = Socket::signed_in(&app.address, &t.portal).await;
    socket.subscribe("orders", HEAR, json!({})).await;

    // Four buyers' systems place orders one after another. Each retries a PO until it is
    // acknowledged, as a client that cannot tell whether a failed request was applied must.
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let unexpected: Arc<Mutex<Vec<Value>>> = Arc::default();
    let refused = Arc::new(AtomicUsize::new(0));
    let mut clients = Vec::new();
    for client in 0..4 {
        let (stop, acknowledged, unexpected, refused) = (
            stop.clone(),
            acknowledged.clone(),
            unexpected.clone(),
            refused.clone(),
        );
        let (http, address, token) = (app.client.clone(), app.address.clone(), t.portal.clone());
        clients.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                n += 1;
                let po = format!("PO-R{client}-{n}");
                loop {
                    let sent = http
                        .post(format!("{address}/graphql"))
                        .bearer_auth(&token)
                        .json(&json!({ "query": SUBMIT, "variables": { "input": two_lines(&po) } }))
                        .send()
                        .await;
                    let body: Value = match sent {
                        Ok(response) => response.json().await.unwrap_or(Value::Null),
                        Err(_) => Value::Null,
                    };
                    let placed = &body["data"]["orderSubmit"];
                    if placed["order"]["poNumber"] == po.as_str() {
                        acknowledged.lock().await.push(po.clone());
                        break;
                    }
                    let code = &body["errors"][0]["extensions"]["code"];
                    if body.is_null() || code == "UNAVAILABLE" {
                        refused.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                    unexpected.lock().await.push(body);
                    break;
                }
            }
        }));
    }

    tokio::time::sleep(Duration::from_millis(800)).await;
    let restarting = pg.clone();
    tokio::task::spawn_blocking(move || {
        restarting.down();
        std::thread::sleep(Duration::from_secs(2));
        restarting.up();
    })
    .await
    .unwrap();
    let back = Instant::now();
    // Orders go through again without the server being restarted.
    let deadline = back + Duration::from_secs(30);
    let before = acknowledged.lock().await.len();
    while acknowledged.lock().await.len() < before + 8 {
        assert!(Instant::now() < deadline, "orders never went through again");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop.store(true, Ordering::SeqCst);
    for client in clients {
        client.await.unwrap();
    }
    let unexpected = unexpected.lock().await;
    assert!(unexpected.is_empty(), "{unexpected:?}");
    // The restart was felt: orders were refused while the database was away.
    assert!(refused.load(Ordering::SeqCst) > 0);
    let acknowledged: BTreeSet<String> = acknowledged.lock().await.iter().cloned().collect();
    assert!(acknowledged.len() > 8, "{acknowledged:?}");

    // Every acknowledged order is there once, and there is no other; each has one event.
    let db = Database::connect(&url).await.unwrap();
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT o.buyer_po_number AS po, o.id AS id, \
             (SELECT count(*) FROM events e WHERE e.event_type = 'ORDER_SUBMITTED' \
               AND e.subject_id = o.id) AS events \
             FROM orders o WHERE o.buyer_po_number LIKE 'PO-R%'",
        ))
        .await
        .unwrap();
    let mut stored = BTreeMap::new();
    let mut po_of = BTreeMap::new();
    for row in rows {
        let po: String = row.try_get("", "po").unwrap();
        let id: uuid::Uuid = row.try_get("", "id").unwrap();
        let events: i64 = row.try_get("", "events").unwrap();
        po_of.insert(GlobalId::encode(NodeType::Order, id), po.clone());
        assert!(stored.insert(po, events).is_none(), "an order twice");
    }
    assert_eq!(
        stored.keys().cloned().collect::<BTreeSet<_>>(),
        acknowledged
    );
    for (po, events) in &stored {
        assert_eq!(*events, 1, "{po}");
    }

    // Every acknowledged order reaches the webhook; a repeat is the same event, which the
    // receiver can tell by its id.
    let deadline = Instant::now() + Duration::from_secs(30);
    let heard = loop {
        let mut heard: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for hit in receiver.hits() {
            let order = hit.json()["data"]["order"]["id"].clone();
            if let Some(po) = order.as_str().and_then(|id| po_of.get(id)) {
                heard
                    .entry(po.clone())
                    .or_default()
                    .insert(hit.header("Channelgraph-Event-Id").to_owned());
            }
        }
        if acknowledged.iter().all(|po| heard.contains_key(po)) {
            break heard;
        }
        if Instant::now() >= deadline {
            let missing: Vec<&String> = acknowledged
                .iter()
                .filter(|po| !heard.contains_key(*po))
                .collect();
            // What the outbox says of them, so a failure tells where delivery stopped.
            let deliveries = db
                .query_all_raw(Statement::from_string(
                    db.get_database_backend(),
                    "SELECT o.buyer_po_number || ': ' || d.status || ', ' || d.attempts || \
                     ' attempts, next ' || d.next_attempt_at::text || ', ' || \
                     coalesce(d.last_error, '-') || ', now ' || now()::text AS said \
                     FROM webhook_deliveries d JOIN events e ON e.id = d.event_id \
                     JOIN orders o ON o.id = e.subject_id ORDER BY o.created_at DESC LIMIT 20",
                ))
                .await
                .unwrap()
                .into_iter()
                .map(|row| row.try_get::<String>("", "said").unwrap())
                .collect::<Vec<_>>();
            panic!("not every acknowledged order was delivered: {missing:?}; {deliveries:#?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    for po in &acknowledged {
        assert_eq!(heard[po].len(), 1, "{po}: {:?}", heard[po]);
    }

    // The subscriber hears orders placed after the restart: on the socket it had, or, where
    // the server asked it to come back later, on a new one.
    let mut n = 0;
    let deadline = Instant::now() + Duration::from_secs(20);
    'hearing: loop {
        assert!(Instant::now() < deadline, "no event after the restart");
        n += 1;
        let po = format!("PO-AFTER-{n}");
        let placed = app
            .graphql_as(&t.portal, SUBMIT, json!({ "input": two_lines(&po) }))
            .await;
        assert_eq!(
            placed["data"]["orderSubmit"]["order"]["poNumber"], po,
            "{placed}"
        );
        loop {
            match socket.within(Duration::from_millis(500)).await {
                Some(Said::Json(m)) if m["type"] == "next" => {
                    if m["payload"]["data"]["orderEvents"]["order"]["poNumber"] == po.as_str() {
                        break 'hearing;
                    }
                }
                Some(Said::Json(m)) => panic!("{m}"),
                Some(Said::Closed(code, reason)) => {
                    assert_eq!(code, 1013, "{reason}");
                    socket = Socket::signed_in(&app.address, &t.portal).await;
                    socket.subscribe("orders", HEAR, json!({})).await;
                    continue 'hearing;
                }
                None => continue 'hearing,
            }
        }
    }
}
