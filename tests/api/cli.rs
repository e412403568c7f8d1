//! The binary: help on every command, one-line setting errors, migrations, the schema.

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
    let status = channelgraph(&["migrate", "status"], &env);
    assert_eq!(
        String::from_utf8_lossy(&status.stdout),
        "Applied\tm20261122_000001_directory\nApplied\tm20261123_000001_access\n"
    );
    assert!(channelgraph(&["migrate", "down"], &env).status.success());
    let status = channelgraph(&["migrate", "status"], &env);
    assert_eq!(
        String::from_utf8_lossy(&status.stdout),
        "Applied\tm20261122_000001_directory\nPending\tm20261123_000001_access\n"
    );
}

#[test]
fn schema_prints_the_served_sdl() {
    let out = channelgraph(&["schema"], &[]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        channelgraph::graphql::sdl()
    );
}
