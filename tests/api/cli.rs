//! The binary: help on every command, one-line setting errors, migrations, the schema,
//! and stopping on SIGTERM.

use std::process::{Command, Output};

fn channelgraph(args: &[&str], env: &[(&str, &str)]) -> Output {
    let dir = std::env::temp_dir().join(format!("cg-cli-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_channelgraph"));
    cmd.args(args)
        .current_dir(&dir)
        .env_remove("CHANNELGRAPH_DATABASE_URL");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the binary runs")
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["migrate", "up", "--help"],
        vec!["migrate", "down", "--help"],
        vec!["migrate", "status", "--help"],
        vec!["seed", "--help"],
        vec!["schema", "--help"],
        vec!["user", "create", "--help"],
    ] {
        let out = channelgraph(&args, &[]);
        assert!(out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Usage:"),
            "{args:?}"
        );
    }
}

#[test]
fn a_bad_setting_stops_the_program_with_one_line_naming_it() {
    let out = channelgraph(
        &["migrate", "status"],
        &[("CHANNELGRAPH_BODY_LIMIT_BYTES", "lots")],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr,
        "channelgraph: CHANNELGRAPH_BODY_LIMIT_BYTES: `lots` is not a whole number from 1024 to 1073741824\n"
    );
}

#[test]
fn migrations_go_up_report_their_status_and_come_down() {
    let db = std::env::temp_dir().join(format!("cg-cli-{}.db", uuid::Uuid::now_v7().simple()));
    let url = format!("sqlite://{}", db.display());
    let env = [("CHANNELGRAPH_DATABASE_URL", url.as_str())];
    assert!(channelgraph(&["migrate", "up"], &env).status.success());
    let migrations = [
        "m20261122_000001_directory",
        "m20261123_000001_access",
        "m20261123_000002_account_owner",
        "m20261124_000001_catalog",
        "m20261124_000002_orders",
        "m20261124_000003_reports",
        "m20261125_000001_edi",
        "m20261125_000002_number_sequences",
        "m20261129_000001_credit_balances",
        "m20261130_000001_interactions",
        "m20261130_000002_cases",
        "m20261130_000003_campaigns",
        "m20261130_000004_leads",
        "m20261130_000005_analytics",
        "m20261201_000001_events",
        "m20261202_000001_revocations",
        "m20261202_000002_leases",
        "m20261203_000001_exact_amounts",
        "m20261204_000001_trading_partners",
        "m20261204_000002_acknowledgements",
        "m20261205_000001_order_changes",
        "m20261206_000001_persisted_documents",
        "m20261207_000001_trusted_documents",
        "m20261207_000002_outbox_by_transaction",
        "m20261208_000001_order_rollups",
        "m20261209_000001_partner_roles",
        "m20261209_000002_change_proposals",
        "m20261209_000003_dealer_registration",
        "m20261210_000001_onboarding",
        "m20261211_000001_certifications",
        "m20261212_000001_tier_qualification",
        "m20261213_000001_special_prices",
        "m20261214_000001_special_price_use",
        "m20261215_000001_ship_and_debit",
        "m20261216_000001_edi_claims",
        "m20261217_000001_credit_memos",
        "m20261218_000001_price_protection",
        "m20261219_000001_partner_funds",
        "m20261220_000001_rebates",
        "m20261221_000001_rebate_basis",
        "m20261222_000001_replenishment_policies",
        "m20261223_000001_replenishment_policy_proposals",
        "m20261224_000001_replenishment_proposals",
        "m20261225_000001_supplier_commitments",
        "m20261226_000001_purchase_proposals",
    ];
    let listing = |pending_last: bool| {
        migrations
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let state = if pending_last && i == migrations.len() - 1 {
                    "Pending"
                } else {
                    "Applied"
                };
                format!("{state}\t{m}\n")
            })
            .collect::<String>()
    };
    let status = channelgraph(&["migrate", "status"], &env);
    assert_eq!(String::from_utf8_lossy(&status.stdout), listing(false));
    assert!(channelgraph(&["migrate", "down"], &env).status.success());
    let status = channelgraph(&["migrate", "status"], &env);
    assert_eq!(String::from_utf8_lossy(&status.stdout), listing(true));
    // And up again: the last migration's down left nothing behind.
    assert!(channelgraph(&["migrate", "up"], &env).status.success());
    let status = channelgraph(&["migrate", "status"], &env);
    assert_eq!(String::from_utf8_lossy(&status.stdout), listing(false));
}

#[test]
fn schema_prints_the_served_sdl() {
    let out = channelgraph(&["schema"], &[]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        channelgraph::schema::sdl()
    );
}

#[test]
fn user_create_reads_the_password_from_the_environment_or_stdin() {
    use std::io::Write;
    let db = std::env::temp_dir().join(format!("cg-cli-{}.db", uuid::Uuid::now_v7().simple()));
    let url = format!("sqlite://{}", db.display());
    let out = channelgraph(
        &[
            "user",
            "create",
            "--email",
            "First@Admin.test",
            "--role",
            "admin",
        ],
        &[
            ("CHANNELGRAPH_DATABASE_URL", url.as_str()),
            ("CHANNELGRAPH_USER_PASSWORD", "first admin password"),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("created first@admin.test (ADMIN)"));

    let mut child = Command::new(env!("CARGO_BIN_EXE_channelgraph"))
        .args([
            "user",
            "create",
            "--email",
            "second@admin.test",
            "--role",
            "ANALYST",
        ])
        .env("CHANNELGRAPH_DATABASE_URL", &url)
        .env_remove("CHANNELGRAPH_USER_PASSWORD")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"second admin password\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());

    let out = channelgraph(
        &[
            "user",
            "create",
            "--email",
            "third@admin.test",
            "--role",
            "wizard",
        ],
        &[
            ("CHANNELGRAPH_DATABASE_URL", url.as_str()),
            ("CHANNELGRAPH_USER_PASSWORD", "third admin password"),
        ],
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .starts_with("channelgraph: --role: `wizard` is not one of")
    );
    let out = channelgraph(
        &[
            "user",
            "create",
            "--email",
            "first@admin.test",
            "--role",
            "ADMIN",
        ],
        &[
            ("CHANNELGRAPH_DATABASE_URL", url.as_str()),
            ("CHANNELGRAPH_USER_PASSWORD", "another admin password"),
        ],
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "channelgraph: --email: a user with this email exists\n"
    );
}

/// `serve` stops on SIGTERM the way a rolling deploy needs: it takes no new connections,
/// answers the request it is in the middle of, and exits cleanly.
#[test]
fn sigterm_lets_the_request_in_flight_finish_and_refuses_new_ones() {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::time::{Duration, Instant};

    let dir = std::env::temp_dir().join(format!("cg-cli-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let address = format!("127.0.0.1:{port}");
    let mut server = Command::new(env!("CARGO_BIN_EXE_channelgraph"))
        .arg("serve")
        .current_dir(&dir)
        .env(
            "CHANNELGRAPH_DATABASE_URL",
            format!("sqlite://{}", dir.join("graceful.db").display()),
        )
        .env("CHANNELGRAPH_BIND", &address)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The socket is bound before migrations run, so a connection can sit in the kernel's
    // backlog before anything serves it: wait for a whole answer, not for `connect`.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let served = TcpStream::connect(&address).ok().and_then(|mut probe| {
            probe.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
            write!(
                probe,
                "GET /healthz HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
            )
            .ok()?;
            let mut answer = String::new();
            probe.read_to_string(&mut answer).ok()?;
            answer.starts_with("HTTP/1.1 200").then_some(())
        });
        if served.is_some() {
            break;
        }
        assert!(Instant::now() < deadline, "the server never answered");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut client = TcpStream::connect(&address).unwrap();
    // A request whose body is still arriving when the signal comes.
    let body = r#"{"query":"mutation { login(input: { email: \"nobody@example.test\", password: \"not the password\" }) { accessToken } }"}"#;
    write!(
        client,
        "POST /graphql HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
        body.len(),
        &body[..10]
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());

    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(&address).is_ok() {
        assert!(Instant::now() < deadline, "new connections still accepted");
        std::thread::sleep(Duration::from_millis(50));
    }
    client.write_all(&body.as_bytes()[10..]).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut answer = String::new();
    client.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(r#""login""#), "{answer}");

    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = server.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not stop");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
}

/// A request actix cannot read (a NUL byte in a header) is a 400, and leaves no ERROR in the
/// log: it is the caller's fault, not the server's.
#[test]
fn a_nul_byte_in_a_header_is_a_quiet_400() {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::time::{Duration, Instant};

    let dir = std::env::temp_dir().join(format!("cg-cli-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let address = format!("127.0.0.1:{port}");
    let server = Command::new(env!("CARGO_BIN_EXE_channelgraph"))
        .arg("serve")
        .current_dir(&dir)
        .env(
            "CHANNELGRAPH_DATABASE_URL",
            format!("sqlite://{}", dir.join("quiet.db").display()),
        )
        .env("CHANNELGRAPH_BIND", &address)
        .env_remove("RUST_LOG")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut client = loop {
        match TcpStream::connect(&address) {
            Ok(stream) => break stream,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            Err(err) => panic!("the server never listened: {err}"),
        }
    };
    client
        .write_all(
            b"POST /graphql HTTP/1.1\r\nHost: x\r\nX-Note: a\0b\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
        )
        .unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut answer = String::new();
    client.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    // The server still serves.
    let mut next = TcpStream::connect(&address).unwrap();
    next.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut health = String::new();
    next.read_to_string(&mut health).unwrap();
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(
        Command::new("kill")
            .args(["-TERM", &server.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    let out = server.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(!log.contains("ERROR"), "{log}");
    assert!(log.contains("request finished"), "{log}");
}
