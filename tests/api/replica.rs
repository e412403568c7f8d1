//! Analytics and reports on a real streaming replica (`pg_basebackup -R` of a primary the
//! test starts): where each request's statements go, reads that follow writes, and a
//! replica that stops.

use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

use crate::helpers::spawn_app_on;
use crate::nodes::Node;
use crate::orders::{submit_as, trade, two_lines};
use crate::own_postgres::{OwnPostgres, in_postgres_suite};

const FIGURES: &str = "{ portfolio { customersByPeriod(periods: 1) { active } } }";
const ORDERS: &str = "{ orders(first: 5) { totalCount } }";

async fn ask(node: &Node, token: &str, query: &str) -> Value {
    let body: Value = reqwest::Client::new()
        .post(format!("{}/graphql", node.address))
        .bearer_auth(token)
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(body.get("errors").is_none(), "{body}");
    body["data"].clone()
}

fn active(data: &Value) -> i64 {
    data["portfolio"]["customersByPeriod"][0]["active"]
        .as_i64()
        .unwrap()
}

/// Statements the replica has run that read the brand's sales for a figure.
fn figure_reads(replica: &OwnPostgres) -> usize {
    replica.log().matches("FROM order_rollups r WHERE").count()
}

/// Statements the replica has run, by either protocol.
fn statements(replica: &OwnPostgres) -> usize {
    let log = replica.log();
    log.matches("LOG:  execute ").count() + log.matches("LOG:  statement: ").count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn figures_read_a_replica_that_has_caught_up_and_the_primary_otherwise() {
    if !in_postgres_suite() {
        return;
    }
    let primary = OwnPostgres::start(None);
    let replica = OwnPostgres::replica_of(&primary);
    let url = primary.url("127.0.0.1", "");
    let app = spawn_app_on(url.clone(), |_| {}).await;
    let t = trade(&app).await;
    let placed = submit_as(&app, &t.portal, two_lines("PO-REPLICA")).await;
    let node = Node::start(
        &url,
        &[("CHANNELGRAPH_REPLICA_URL", &replica.url("127.0.0.1", ""))],
    )
    .await;

    // A figure asked right after a write reads the replica once it has replayed the write,
    // and counts the order.
    assert_eq!(figure_reads(&replica), 0);
    assert_eq!(active(&ask(&node, &app.token, FIGURES).await), 1);
    assert_eq!(figure_reads(&replica), 1, "{}", replica.log());

    // Anything else reads the primary: the replica runs no statement for it.
    let before = statements(&replica);
    assert!(before > 0, "{}", replica.log());
    assert_eq!(
        ask(&node, &app.token, ORDERS).await["orders"]["totalCount"],
        1
    );
    assert_eq!(statements(&replica), before);

    // With the replica's replay paused, a change made through another node is still in the
    // next figure: the replica is behind the primary's position, so the figure reads the
    // primary.
    let standby = Database::connect(replica.url("127.0.0.1", ""))
        .await
        .unwrap();
    standby
        .execute_unprepared("SELECT pg_wal_replay_pause()")
        .await
        .unwrap();
    let cancelled = app
        .mutate(
            "orderCancel",
            "order { status }",
            json!({ "id": placed["order"]["id"], "version": 1 }),
        )
        .await;
    assert_eq!(cancelled["order"]["status"], "CANCELLED", "{cancelled}");
    assert_eq!(active(&ask(&node, &app.token, FIGURES).await), 0);
    assert_eq!(figure_reads(&replica), 1, "the paused replica was read");

    // Replaying again, it serves the figures again, with the change.
    standby
        .execute_unprepared("SELECT pg_wal_replay_resume()")
        .await
        .unwrap();
    drop(standby);
    assert_eq!(active(&ask(&node, &app.token, FIGURES).await), 0);
    assert_eq!(figure_reads(&replica), 2, "{}", replica.log());

    // A stopped replica: the figures read the primary, quickly, and the node says so.
    replica.down();
    let started = Instant::now();
    assert_eq!(active(&ask(&node, &app.token, FIGURES).await), 0);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    while !node.log().contains("the replica cannot serve figures") {
        assert!(Instant::now() < deadline, "no warning: {}", node.log());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Back, it serves them again once its rest is over.
    replica.up();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        assert_eq!(active(&ask(&node, &app.token, FIGURES).await), 0);
        if figure_reads(&replica) > 2 {
            break;
        }
        assert!(Instant::now() < deadline, "the replica was not read again");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
