//! What the benches share: their settings from the environment and a fresh database.

use sea_orm::{ConnectionTrait, Database};

/// A whole number from environment variable `name`, else `default`.
pub fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A new, empty database on the server at `BENCH_DATABASE_URL` (default
/// `postgres://postgres@127.0.0.1:5432/test`), as a URL.
pub async fn fresh_database() -> String {
    let base = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let name = format!("cg_bench_{}", uuid::Uuid::now_v7().simple());
    let admin = Database::connect(&base)
        .await
        .expect("BENCH_DATABASE_URL names a reachable PostgreSQL server");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create the bench database");
    let (prefix, _) = base.rsplit_once('/').expect("a database URL has a path");
    format!("{prefix}/{name}")
}
