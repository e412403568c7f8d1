//! The first contact, in a real headless Chromium (Debian's `chromium`): GraphiQL loads from
//! the binary with no internet, shows the docs before sign-in, signs in as the demo admin and
//! runs its first query; and a portal page on another origin calls the API through CORS.
//!
//! Ignored by `cargo test`, since it needs Chromium; `.ci/run` installs Chromium and runs it
//! with `cargo test --test api browser -- --ignored`.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A process that is killed when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `channelgraph serve --demo` on a fresh SQLite file, allowing `origin` to call it.
async fn serve(origin: &str) -> (Running, String) {
    let port = free_port();
    let dir = std::env::temp_dir().join(format!("cg-browser-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_channelgraph"))
        .args(["serve", "--demo"])
        .current_dir(&dir)
        .env(
            "CHANNELGRAPH_DATABASE_URL",
            format!("sqlite://{}", dir.join("demo.db").display()),
        )
        .env("CHANNELGRAPH_BIND", format!("127.0.0.1:{port}"))
        .env("CHANNELGRAPH_CORS_ALLOWED_ORIGINS", origin)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let running = Running(child);
    let address = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(r) = reqwest::get(format!("{address}/readyz")).await
            && r.status() == 200
        {
            break;
        }
        assert!(Instant::now() < deadline, "the server never became ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (running, address)
}

/// A web server for one page, standing for a distributor portal on its own origin.
fn portal_origin() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut head = [0u8; 4096];
            let _ = stream.read(&mut head);
            let page = "<!doctype html><title>Portal</title><p>portal</p>";
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                page.len()
            );
        }
    });
    format!("http://127.0.0.1:{port}")
}

/// Headless Chromium with a DevTools endpoint.
fn chromium() -> (Running, u16) {
    let profile =
        std::env::temp_dir().join(format!("cg-chromium-{}", uuid::Uuid::now_v7().simple()));
    let mut child = Command::new("chromium")
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--remote-debugging-port=0",
            "--remote-allow-origins=*",
            &format!("--user-data-dir={}", profile.display()),
            "about:blank",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("Debian's chromium must be installed for this test (.ci/run installs it)");
    let stderr = child.stderr.take().unwrap();
    let (found, port) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("DevTools listening on ws://127.0.0.1:") {
                let _ = found.send(rest.split('/').next().unwrap_or("").parse::<u16>().ok());
            }
        }
    });
    let port = port
        .recv_timeout(Duration::from_secs(60))
        .expect("Chromium prints its DevTools address")
        .expect("a port");
    (Running(child), port)
}

/// One tab, driven over the DevTools protocol.
struct Tab {
    socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    next_id: u64,
}

impl Tab {
    async fn open(devtools: u16) -> Tab {
        let target: Value = reqwest::Client::new()
            .put(format!("http://127.0.0.1:{devtools}/json/new?about:blank"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let url = target["webSocketDebuggerUrl"].as_str().unwrap().to_owned();
        let (socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        let mut tab = Tab { socket, next_id: 0 };
        tab.call("Page.enable", json!({})).await;
        tab
    }

    async fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.socket
            .send(Message::Text(
                json!({ "id": id, "method": method, "params": params })
                    .to_string()
                    .into(),
            ))
            .await
            .unwrap();
        loop {
            let message = tokio::time::timeout(Duration::from_secs(60), self.socket.next())
                .await
                .expect("Chromium answers")
                .unwrap()
                .unwrap();
            let Message::Text(text) = message else {
                continue;
            };
            let value: Value = serde_json::from_str(&text).unwrap();
            if value["id"] == id {
                assert!(value.get("error").is_none(), "{method}: {value}");
                return value["result"].clone();
            }
        }
    }

    async fn go(&mut self, url: &str) {
        self.call("Page.navigate", json!({ "url": url })).await;
        self.until("document.readyState === 'complete'", "the page loads")
            .await;
    }

    /// The value of a JavaScript expression (awaited when it is a promise).
    async fn eval(&mut self, expression: &str) -> Value {
        let result = self
            .call(
                "Runtime.evaluate",
                json!({ "expression": expression, "awaitPromise": true, "returnByValue": true }),
            )
            .await;
        assert!(
            result.get("exceptionDetails").is_none(),
            "{expression}: {result}"
        );
        result["result"]["value"].clone()
    }

    /// Waits until `expression` is true, for at most 60 s.
    async fn until(&mut self, expression: &str, what: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if self.eval(&format!("!!({expression})")).await == true {
                return;
            }
            if Instant::now() > deadline {
                let text = self
                    .eval("document.body ? document.body.innerText : ''")
                    .await;
                panic!("{what}: never happened; the page shows {text}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Chromium; .ci/run installs it and runs this with --ignored"]
async fn graphiql_signs_in_and_runs_a_query_and_a_portal_calls_through_cors() {
    let portal = portal_origin();
    let stranger = portal_origin();
    let (_server, api) = serve(&portal).await;
    let (_chromium, devtools) = chromium();
    let mut tab = Tab::open(devtools).await;

    // GraphiQL loads from the server alone, and its docs work before anyone signs in.
    tab.go(&format!("{api}/graphql")).await;
    tab.until(
        "document.querySelector('.graphiql-container .graphiql-execute-button')",
        "GraphiQL renders",
    )
    .await;
    let scripts = tab
        .eval("Array.from(document.scripts).filter(s => s.src).map(s => new URL(s.src).origin)")
        .await;
    for origin in scripts.as_array().unwrap() {
        assert_eq!(origin, api.as_str(), "a script from elsewhere: {scripts}");
    }
    tab.eval("document.querySelector('[aria-label=\"Show Documentation Explorer\"]').click()")
        .await;
    tab.until(
        "document.querySelector('.graphiql-doc-explorer') && document.querySelector('.graphiql-doc-explorer').innerText.includes('Query')",
        "the docs show the schema before sign-in",
    )
    .await;
    let before = tab.eval("document.body.innerText").await;
    assert!(
        !before.as_str().unwrap().contains("UNAUTHENTICATED"),
        "{before}"
    );

    // The sign-in aid: the demo admin's email and password.
    tab.eval(
        "document.getElementById('email').value = 'admin@aurora.example';
         document.getElementById('password').value = 'aurora-demo-admin';
         document.getElementById('sign-in').click()",
    )
    .await;
    tab.until(
        "document.getElementById('who').innerText === 'Signed in as admin@aurora.example (ADMIN)'",
        "signed in",
    )
    .await;
    tab.until(
        "document.querySelector('.graphiql-execute-button')",
        "the editor is back",
    )
    .await;
    // The first query, as the page opens with it, runs and its result is rendered.
    tab.eval("document.querySelector('.graphiql-execute-button').click()")
        .await;
    tab.until(
        "(document.querySelector('.result-window') || {innerText: ''}).innerText.includes('\"totalCount\"')",
        "the first query's result",
    )
    .await;
    let result = tab
        .eval("document.querySelector('.result-window').innerText")
        .await;
    let result = result.as_str().unwrap();
    assert!(
        result.contains("\"email\": \"admin@aurora.example\""),
        "{result}"
    );
    assert!(result.contains("\"roles\": ["), "{result}");
    assert!(result.contains("\"ADMIN\""), "{result}");
    assert!(result.contains("\"code\": \""), "{result}");
    assert!(!result.contains("\"errors\""), "{result}");

    // Signing out ends the session on the server: the page's token no longer works.
    let token = tab
        .eval("window.sessionStorage.getItem('channelgraph.session')")
        .await;
    let token = token.as_str().unwrap().to_owned();
    tab.eval("document.getElementById('sign-out').click()")
        .await;
    tab.until(
        "!document.getElementById('sign-in').hidden",
        "the sign-in form is back",
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = reqwest::Client::new()
            .post(format!("{api}/graphql"))
            .bearer_auth(&token)
            .json(&json!({ "query": "{ me { email } }" }))
            .send()
            .await
            .unwrap()
            .status();
        if status == 401 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the token still works after sign-out"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // A portal page on an allowed origin signs in and reads, and may read the request id.
    let call = |query: &str| {
        format!(
            "(async () => {{
                const signIn = await fetch('{api}/graphql', {{ method: 'POST',
                  headers: {{ 'Content-Type': 'application/json' }},
                  body: JSON.stringify({{ query: 'mutation {{ login(input: {{ email: \"admin@aurora.example\", password: \"aurora-demo-admin\" }}) {{ accessToken }} }}' }}) }});
                const token = (await signIn.json()).data.login.accessToken;
                const answer = await fetch('{api}/graphql', {{ method: 'POST', credentials: 'include',
                  headers: {{ 'Content-Type': 'application/json', 'Authorization': 'Bearer ' + token }},
                  body: JSON.stringify({{ query: '{query}' }}) }});
                return {{ body: await answer.json(), requestId: answer.headers.get('x-request-id') }};
              }})().catch(e => ({{ failed: String(e) }}))"
        )
    };
    tab.go(&portal).await;
    let answer = tab.eval(&call("{ me { email } }")).await;
    assert_eq!(
        answer["body"]["data"]["me"]["email"], "admin@aurora.example",
        "{answer}"
    );
    assert!(
        answer["requestId"]
            .as_str()
            .is_some_and(|id| !id.is_empty()),
        "{answer}"
    );

    // A page on an origin nobody allowed gets nothing back.
    tab.go(&stranger).await;
    let answer = tab.eval(&call("{ me { email } }")).await;
    assert!(
        answer["failed"]
            .as_str()
            .is_some_and(|e| e.contains("Failed to fetch")),
        "{answer}"
    );
}
