//! More than one node, and faults: `serve` processes killed or stopped, and PostgreSQL gone
//! and back. The tests that need PostgreSQL return at once on SQLite, which runs one node.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

use crate::helpers::{TestApp, fresh_database, spawn_app_on, spawn_app_with};
use crate::orders::{submit_as, trade, two_lines};
use crate::subscriptions::{Said, Socket};
use crate::webhooks::{ENDPOINT, Receiver, log_as, wait_log};

/// A `channelgraph serve` process.
pub struct Node {
    child: Child,
    pub address: String,
    dir: std::path::PathBuf,
}

impl Node {
    pub async fn start(database_url: &str, env: &[(&str, &str)]) -> Node {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = std::env::temp_dir().join(format!("cg-node-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_channelgraph"));
        command
            .arg("serve")
            .current_dir(&dir)
            .env("CHANNELGRAPH_DATABASE_URL", database_url)
            .env("CHANNELGRAPH_BIND", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("stderr")).unwrap());
        for (k, v) in env {
            command.env(k, v);
        }
        let child = command.spawn().expect("the binary runs");
        let address = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = client.get(format!("{address}/readyz")).send().await
                && r.status() == 200
            {
                break;
            }
            assert!(Instant::now() < deadline, "the node never became ready");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Node {
            child,
            address,
            dir,
        }
    }

    /// What the process has logged so far (warnings and errors).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("stderr")).unwrap_or_default()
    }

    fn signal(&self, signal: &str) {
        let sent = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
    }

    /// Waits (at most 30 s) for the process to end, and returns whether it exited cleanly.
    async fn exited(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.success();
            }
            assert!(Instant::now() < deadline, "the node did not stop");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn postgres(app: &TestApp) -> bool {
    app.database_url.starts_with("postgres")
}

#[tokio::test]
async fn sigterm_closes_subscriptions_with_going_away_and_stops_cleanly() {
    let app = spawn_app_with(|_| {}).await;
    let t = trade(&app).await;
    let mut node = Node::start(&app.database_url, &[]).await;
    let mut socket = Socket::signed_in(&node.address, &t.portal).await;
    socket
        .subscribe("o", "subscription { orderEvents { id } }", json!({}))
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    node.signal("-TERM");
    assert_eq!(
        socket.next().await,
        Said::Closed(1001, "the server is shutting down".into())
    );
    assert!(node.exited().await, "the node exits with status 0");
}

#[tokio::test]
async fn a_node_killed_mid_delivery_leaves_it_to_another_and_nothing_is_lost() {
    // The test's own node sends nothing: it looks for deliveries once a minute.
    let app = spawn_app_with(|s| s.webhooks.poll = Duration::from_secs(60)).await;
    if !postgres(&app) {
        return;
    }
    let t = trade(&app).await;
    let receiver = Receiver::start(0).await;
    receiver.hang(true);
    let created = app
        .mutate(
            "webhookEndpointCreate",
            ENDPOINT,
            json!({ "url": receiver.url, "eventTypes": ["ORDER_SUBMITTED"] }),
        )
        .await;
    assert_eq!(created["userErrors"], json!([]), "{created}");
    let quick = [
        ("CHANNELGRAPH_WEBHOOK_POLL_MS", "50"),
        ("CHANNELGRAPH_WEBHOOK_TIMEOUT_SECONDS", "5"),
        ("CHANNELGRAPH_WEBHOOK_LEASE_SECONDS", "6"),
    ];
    let doomed = Node::start(
        &app.database_url,
        &[quick.as_slice(), &[("CHANNELGRAPH_NODE_NAME", "doomed")]].concat(),
    )
    .await;
    submit_as(&app, &t.portal, two_lines("PO-KILLED")).await;
    // The doomed node is in the middle of its attempt: the receiver has the request and
    // has not answered.
    let first = receiver.wait_for(1).await;
    assert_eq!(first[0].header("Channelgraph-Attempt"), "1");
    doomed.signal("-KILL");
    drop(doomed);
    receiver.hang(false);
    let _survivor = Node::start(
        &app.database_url,
        &[quick.as_slice(), &[("CHANNELGRAPH_NODE_NAME", "survivor")]].concat(),
    )
    .await;
    // When the lease runs out, the survivor sends it again: same event, attempt 2.
    let hits = receiver.wait_for(2).await;
    assert_eq!(hits.len(), 2, "{hits:?}");
    assert_eq!(hits[1].header("Channelgraph-Attempt"), "2");
    assert_eq!(
        hits[1].header("Channelgraph-Event-Id"),
        hits[0].header("Channelgraph-Event-Id")
    );
    let log = wait_log(&app, &app.token, |log| {
        log.len() == 1 && log[0]["status"] == "DELIVERED"
    })
    .await;
    assert_eq!(log[0]["attemptCount"], 2);
    // The killed node recorded nothing; the survivor's attempt is the one in the log.
    let attempts = log[0]["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 1, "{attempts:?}");
    assert_eq!(attempts[0]["attempt"], 2);
    assert_eq!(attempts[0]["node"], "survivor");
    assert_eq!(attempts[0]["statusCode"], 200);
}

/// A TCP proxy in front of PostgreSQL that can play a restart: every connection through it
/// is cut and new ones are refused, until it is back.
struct Proxy {
    port: u16,
    up: Arc<AtomicBool>,
    pipes: Arc<Mutex<Vec<JoinHandle<()>>>>,
    accept: Mutex<Option<JoinHandle<()>>>,
}

impl Proxy {
    async fn start() -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let proxy = Proxy {
            port,
            up: Arc::new(AtomicBool::new(true)),
            pipes: Arc::default(),
            accept: Mutex::new(None),
        };
        proxy.listen(listener).await;
        proxy
    }

    async fn listen(&self, listener: TcpListener) {
        let pipes = self.pipes.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let pipe = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect("127.0.0.1:5432").await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                pipes.lock().await.push(pipe);
            }
        });
        *self.accept.lock().await = Some(task);
    }

    /// PostgreSQL goes down: connections reset, new ones refused.
    async fn down(&self) {
        self.up.store(false, Ordering::SeqCst);
        if let Some(accept) = self.accept.lock().await.take() {
            accept.abort();
            let _ = accept.await;
        }
        for pipe in self.pipes.lock().await.drain(..) {
            pipe.abort();
        }
    }

    /// PostgreSQL is back, on the same port.
    async fn back(&self) {
        let listener = loop {
            match TcpListener::bind(("127.0.0.1", self.port)).await {
                Ok(listener) => break listener,
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        };
        self.up.store(true, Ordering::SeqCst);
        self.listen(listener).await;
    }
}

const ORDERS: &str = "{ orders(first: 5) { totalCount } }";

async fn ask(app: &TestApp, token: &str) -> (u16, Value) {
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(token)
        .json(&json!({ "query": ORDERS }))
        .send()
        .await
        .expect("the server answers");
    let status = response.status().as_u16();
    (status, response.json().await.expect("the answer is JSON"))
}

#[tokio::test]
async fn postgresql_restarting_under_load_fails_requests_clearly_and_the_server_recovers() {
    let Ok(base) = std::env::var("TEST_DATABASE_URL") else {
        return;
    };
    if base.is_empty() {
        return;
    }
    let proxy = Proxy::start().await;
    let direct = fresh_database().await;
    let (_, name) = direct.rsplit_once('/').unwrap();
    let through = format!("postgres://postgres@127.0.0.1:{}/{name}", proxy.port);
    let app = spawn_app_on(through, |s| {
        s.webhooks.poll = Duration::from_millis(50);
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
    submit_as(&app, &t.portal, two_lines("PO-BEFORE")).await;
    receiver.wait_for(1).await;

    // Load: eight clients asking all the time.
    let stop = Arc::new(AtomicBool::new(false));
    let answers: Arc<Mutex<Vec<(u16, Value, Duration)>>> = Arc::default();
    let mut clients = Vec::new();
    for _ in 0..8 {
        let (stop, answers) = (stop.clone(), answers.clone());
        let (client, address, token) = (app.client.clone(), app.address.clone(), t.portal.clone());
        clients.push(tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let started = Instant::now();
                let Ok(response) = client
                    .post(format!("{address}/graphql"))
                    .bearer_auth(&token)
                    .json(&json!({ "query": ORDERS }))
                    .send()
                    .await
                else {
                    continue;
                };
                let status = response.status().as_u16();
                let body = response.json().await.unwrap_or(Value::Null);
                answers.lock().await.push((status, body, started.elapsed()));
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    proxy.down().await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    // While it is down: /readyz says so, and requests fail with a clear error.
    let ready = app
        .client
        .get(format!("{}/readyz", app.address))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(ready, 503);
    let (status, body) = ask(&app, &t.portal).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "UNAVAILABLE",
        "{body}"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("database cannot be reached"),
        "{body}"
    );
    // A subscriber that signs in now is told to come back later.
    let mut socket = Socket::open(&app.address).await;
    socket
        .send(json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {}", t.portal) } }))
        .await;
    match socket.within(Duration::from_secs(15)).await {
        Some(Said::Closed(1013, reason)) => {
            assert!(reason.contains("database cannot be reached"), "{reason}")
        }
        other => panic!("a close with 1013 expected; got {other:?}"),
    }
    // A change while it is down fails the same way and is not half made.
    let refused = app
        .graphql_as(
            &t.portal,
            "mutation($input: OrderSubmitInput!) { orderSubmit(input: $input) { order { id } } }",
            json!({ "input": two_lines("PO-DURING") }),
        )
        .await;
    let code = refused["errors"][0]["extensions"]["code"].clone();
    assert_eq!(code, "UNAVAILABLE", "{refused}");
    proxy.back().await;

    // Back without a restart: requests succeed again.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, body) = ask(&app, &t.portal).await;
        if status == 200 && body.get("errors").is_none() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "never recovered: {status} {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::SeqCst);
    for client in clients {
        let _ = client.await;
    }
    // Every answer under load was a success or the clear error, never anything else.
    let answers = answers.lock().await;
    assert!(answers.len() > 8, "{}", answers.len());
    for (status, body, _) in answers.iter() {
        let ok = *status == 200 && body.get("errors").is_none();
        let unavailable = body["errors"][0]["extensions"]["code"] == "UNAVAILABLE";
        assert!(ok || unavailable, "{status} {body}");
    }
    assert!(
        answers
            .iter()
            .any(|(_, b, _)| b["errors"][0]["extensions"]["code"] == "UNAVAILABLE")
    );
    // Failed requests took at most the pool's wait for a connection.
    for (_, body, took) in answers.iter() {
        if body.get("errors").is_some() {
            assert!(*took < Duration::from_secs(12), "{took:?}");
        }
    }

    // Webhooks and subscriptions recover too: the order placed now is delivered and heard.
    let mut socket = Socket::signed_in(&app.address, &t.portal).await;
    socket
        .subscribe(
            "after",
            "subscription { orderEvents { order { poNumber } } }",
            json!({}),
        )
        .await;
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut heard = None;
    let mut n = 0;
    while heard.is_none() {
        assert!(Instant::now() < deadline, "no event after the restart");
        n += 1;
        submit_as(&app, &t.portal, two_lines(&format!("PO-AFTER-{n}"))).await;
        heard = socket.within(Duration::from_millis(500)).await;
    }
    receiver.wait_for(2).await;
    let log = log_as(&app, &app.token).await;
    assert!(log.iter().any(|d| d["status"] == "DELIVERED"));
}

#[tokio::test]
async fn sigterm_records_the_attempt_under_way_and_starts_no_other() {
    // The test's own node sends nothing: it looks for deliveries once a minute.
    let app = spawn_app_with(|s| s.webhooks.poll = Duration::from_secs(60)).await;
    let t = trade(&app).await;
    let receiver = Receiver::start(0).await;
    receiver.hang(true);
    app.mutate(
        "webhookEndpointCreate",
        ENDPOINT,
        json!({ "url": receiver.url, "eventTypes": ["ORDER_SUBMITTED"] }),
    )
    .await;
    let mut node = Node::start(
        &app.database_url,
        &[
            ("CHANNELGRAPH_WEBHOOK_POLL_MS", "50"),
            ("CHANNELGRAPH_WEBHOOK_TIMEOUT_SECONDS", "2"),
            ("CHANNELGRAPH_WEBHOOK_LEASE_SECONDS", "30"),
            ("CHANNELGRAPH_NODE_NAME", "leaving"),
        ],
    )
    .await;
    submit_as(&app, &t.portal, two_lines("PO-UNDER-WAY")).await;
    receiver.wait_for(1).await;
    node.signal("-TERM");
    // An event after the signal: the leaving node must not take it.
    submit_as(&app, &t.portal, two_lines("PO-AFTER-TERM")).await;
    assert!(node.exited().await, "the node exits with status 0");
    let log = log_as(&app, &app.token).await;
    assert_eq!(log.len(), 2, "{log:?}");
    let (later, under_way) = (&log[0], &log[1]);
    // The attempt under way ran out its timeout and was recorded before the exit.
    assert_eq!(under_way["status"], "PENDING");
    assert_eq!(under_way["attemptCount"], 1);
    let attempts = under_way["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 1, "{attempts:?}");
    assert_eq!(attempts[0]["node"], "leaving");
    assert_eq!(attempts[0]["error"], "no answer within 2 s");
    // The later one was never started.
    assert_eq!(later["attemptCount"], 0, "{later}");
    assert_eq!(receiver.hits().len(), 1);
}
