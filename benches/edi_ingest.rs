//! EDI ingest, end to end: X12 850s of 10 lines each, posted to `POST /edi/x12` by a
//! partner system and answered with their 997s, into PostgreSQL.
//!
//! `cargo bench --bench edi_ingest` runs it against a fresh database on the server at
//! `BENCH_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/test`), loaded with the
//! demo data set. `EDI_BENCH_DOCUMENTS` (default 3000 850s), `EDI_BENCH_SETS` (850s per
//! interchange, default 1; a gateway that batches sends more) and `EDI_BENCH_CONNECTIONS`
//! (default 8) shape the run. `EDI_BENCH_WORDS=partner` has the lines name their items the
//! way retail partners do, through the cross-references: a third by EAN (`EN`, the product's
//! GTIN), a third by the partner's own part number (`BP`, an item cross-reference), a third
//! by SKU, and the ship-to by the partner's store number (`92`, a location cross-reference).
//! Every answer is checked: an interchange that is not ACCEPTED with a 997 accepting each of
//! its sets fails the run.

// The schema is deep: laying out its resolvers takes more than the default limit.
#![recursion_limit = "256"]

mod common;

use std::time::{Duration, Instant};

use channelgraph::settings::Settings;
use channelgraph::startup::Application;
use common::{env_number, fresh_database};

/// The demo catalog: SKU and unit.
const SKUS: [(&str, &str); 8] = [
    ("HP-100", "EA"),
    ("HP-200", "EA"),
    ("BLR-30", "EA"),
    ("BLR-45", "EA"),
    ("CTL-SMART", "EA"),
    ("CTL-ZONE", "EA"),
    ("ACC-FILTER", "PK"),
    ("ACC-VALVE", "EA"),
];

/// How lines name their items when the partner's words are in play: each SKU's GTIN.
type Words = Option<std::collections::HashMap<String, String>>;

/// Sets up DIST-001's cross-references: `NL-<SKU>` as its part number for each product, and
/// `STORE-1` for its first address. Returns each SKU's GTIN.
async fn partner_words(
    db: &sea_orm::DatabaseConnection,
) -> std::collections::HashMap<String, String> {
    use channelgraph::access::Principal;
    use channelgraph::edi::cross_references::{self, ItemReference, LocationReference};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let dist = entity::organization::Entity::find()
        .filter(entity::organization::Column::Code.eq("DIST-001"))
        .one(db)
        .await
        .unwrap()
        .expect("the demo has DIST-001");
    let products = entity::product::Entity::find().all(db).await.unwrap();
    let gtins: std::collections::HashMap<String, String> = products
        .iter()
        .filter_map(|p| Some((p.sku.clone(), p.gtin.clone()?)))
        .collect();
    let items = SKUS
        .iter()
        .map(|(sku, _)| ItemReference {
            qualifier: "BP".into(),
            code: format!("NL-{sku}"),
            sku: (*sku).into(),
        })
        .collect();
    cross_references::set_items(db, &Principal::System, dist.id, items, Vec::new())
        .await
        .expect("the item references are set");
    let address = entity::address::Entity::find()
        .filter(entity::address::Column::OrganizationId.eq(dist.id))
        .one(db)
        .await
        .unwrap()
        .expect("DIST-001 has an address");
    let store = LocationReference {
        qualifier: "92".into(),
        code: "STORE-1".into(),
        address_id: address.id,
    };
    cross_references::set_locations(db, &Principal::System, dist.id, vec![store], Vec::new())
        .await
        .expect("the location reference is set");
    gtins
}

/// How line `line` names `sku`: by SKU, or in the partner's words.
fn item(words: &Words, line: usize, sku: &str) -> String {
    match (words, line % 3) {
        (Some(gtins), 0) => format!("EN*{}", gtins[sku]),
        (Some(_), 1) => format!("BP*NL-{sku}"),
        _ => format!("VP*{sku}"),
    }
}

/// Interchange `n`: one group of `sets` 850s of 10 lines each, POs `BENCH-<n>-<k>`.
fn interchange(n: usize, sets: usize, words: &Words) -> String {
    let mut out = format!(
        "ISA*00*          *00*          *ZZ*{:<15}*ZZ*{:<15}*261129*1200*^*00501*{:09}*0*P*:~",
        "DIST-001", "BRAND", n
    );
    out.push_str(&format!("GS*PO*DIST-001*BRAND*20261129*1200*{n}*X*005010~"));
    for k in 1..=sets {
        let mut body = vec![
            format!("BEG*00*SA*BENCH-{n}-{k}**20261129"),
            "CUR*BY*EUR".to_owned(),
        ];
        if words.is_some() {
            body.push("N1*ST*Store 1*92*STORE-1".to_owned());
        }
        for line in 1..=10 {
            let (sku, unit) = SKUS[(n + k + line) % SKUS.len()];
            let id = item(words, line, sku);
            body.push(format!("PO1*{line}*{}*{unit}***{id}", 1 + line % 3));
        }
        body.push("CTT*10".to_owned());
        out.push_str(&format!("ST*850*{k:04}~"));
        for s in &body {
            out.push_str(s);
            out.push('~');
        }
        out.push_str(&format!("SE*{}*{k:04}~", body.len() + 2));
    }
    out.push_str(&format!("GE*{sets}*{n}~IEA*1*{n:09}~"));
    out
}

#[tokio::main]
async fn main() {
    let sets = env_number("EDI_BENCH_SETS", 1).max(1);
    let interchanges = env_number("EDI_BENCH_DOCUMENTS", 3000).div_ceil(sets);
    let documents = interchanges * sets;
    let connections = env_number("EDI_BENCH_CONNECTIONS", 8).max(1);
    let mut settings = Settings {
        database_url: fresh_database().await,
        bind: "127.0.0.1:0".parse().unwrap(),
        ..Settings::default()
    };
    settings.limits.rate_limit_per_minute = u32::MAX;
    let app = Application::build(settings)
        .await
        .expect("the server starts");
    let seeded = channelgraph::seed::demo(app.db())
        .await
        .expect("the demo seeds");
    let token = seeded.api_token.expect("the demo has a partner token");
    let words: Words = match std::env::var("EDI_BENCH_WORDS").as_deref() {
        Ok("partner") => Some(partner_words(app.db()).await),
        _ => None,
    };
    let url = format!("http://127.0.0.1:{}/edi/x12", app.port());
    let statements = app.statements();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();
    let bodies: Vec<String> = (1..=interchanges)
        .map(|n| interchange(n, sets, &words))
        .collect();

    // Warm up: the first requests open the pool's connections.
    for n in 0..connections {
        let raw = interchange(interchanges + 1 + n, sets, &words);
        check(&client, &url, &token, raw, sets).await;
    }

    let before = statements.get();
    let started = Instant::now();
    let queue = std::sync::Arc::new(std::sync::Mutex::new(bodies));
    let mut workers = Vec::new();
    for _ in 0..connections {
        let queue = queue.clone();
        let client = client.clone();
        let url = url.clone();
        let token = token.clone();
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let Some(raw) = queue.lock().unwrap().pop() else {
                    break;
                };
                let t = Instant::now();
                check(&client, &url, &token, raw, sets).await;
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut latencies: Vec<Duration> = Vec::new();
    for w in workers {
        latencies.extend(w.await.expect("a worker finished"));
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 - 1.0) * q) as usize];
    let per_document = (statements.get() - before) as f64 / documents as f64;
    println!(
        "edi_ingest{}: {documents} 850s of 10 lines in {interchanges} interchanges of {sets} at {connections} connections \
         in {:.2} s: {:.0} documents/s, interchange latency p50 {:.1} ms, p99 {:.1} ms, {per_document:.1} SQL statements per document",
        if words.is_some() {
            " (partner words)"
        } else {
            ""
        },
        elapsed.as_secs_f64(),
        documents as f64 / elapsed.as_secs_f64(),
        at(0.5).as_secs_f64() * 1000.0,
        at(0.99).as_secs_f64() * 1000.0,
    );
}

/// Posts one interchange and checks that it was accepted and that its 997 accepts each of
/// its `sets` sets.
async fn check(client: &reqwest::Client, url: &str, token: &str, raw: String, sets: usize) {
    let res = client
        .post(url)
        .bearer_auth(token)
        .body(raw)
        .send()
        .await
        .expect("the server answers");
    let status = res.status();
    let answer: serde_json::Value = res.json().await.expect("a JSON answer");
    assert!(status.is_success(), "{status}: {answer}");
    assert_eq!(answer["interchange"]["status"], "ACCEPTED", "{answer}");
    let ack = answer["acknowledgements"][0]["content"]
        .as_str()
        .expect("a 997");
    let group = format!("AK9*A*{sets}*{sets}*{sets}~");
    assert!(
        ack.matches("AK5*A~").count() == sets && ack.contains(&group),
        "{ack}"
    );
}
