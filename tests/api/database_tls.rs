//! TLS to PostgreSQL, against an instance the test starts with `ssl = on` and a certificate
//! the test makes: `sslmode=require`, `verify-ca` and `verify-full`, the CA file setting, and
//! one clear line when the CA or the host name is wrong.

use std::process::Command;

use channelgraph::settings::Settings;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::json;

use crate::helpers::spawn_app_on;
use crate::own_postgres::{OwnPostgres, ServerCertificate, in_postgres_suite};

struct Authority {
    pem: String,
    issuer: Issuer<'static, KeyPair>,
}

fn authority(name: &str) -> Authority {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    let key = KeyPair::generate().unwrap();
    let pem = params.self_signed(&key).unwrap().pem();
    Authority {
        pem,
        issuer: Issuer::new(params, key),
    }
}

fn server_certificate(ca: &Authority, host: &str) -> ServerCertificate {
    let mut params = CertificateParams::new(vec![host.to_owned()]).unwrap();
    params.distinguished_name.push(DnType::CommonName, host);
    let key = KeyPair::generate().unwrap();
    ServerCertificate {
        cert: params.signed_by(&key, &ca.issuer).unwrap().pem(),
        key: key.serialize_pem(),
    }
}

fn settings(url: &str, ca_file: Option<&std::path::Path>) -> Result<Settings, String> {
    let mut env = vec![("CHANNELGRAPH_DATABASE_URL".to_owned(), url.to_owned())];
    if let Some(file) = ca_file {
        env.push((
            "CHANNELGRAPH_DATABASE_CA_FILE".to_owned(),
            file.display().to_string(),
        ));
    }
    Settings::from_sources(None, &env).map_err(|e| e.to_string())
}

async fn encrypted(db: &DatabaseConnection) -> bool {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<bool>("", "ssl").unwrap()
}

/// `channelgraph migrate status` with these settings: its exit and what it printed.
fn migrate_status(url: &str, ca_file: &std::path::Path) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_channelgraph"))
        .args(["migrate", "status"])
        .current_dir(std::env::temp_dir())
        .env("CHANNELGRAPH_DATABASE_URL", url)
        .env("CHANNELGRAPH_DATABASE_CA_FILE", ca_file)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn postgresql_over_tls_is_verified_as_the_url_asks() {
    if !in_postgres_suite() {
        return;
    }
    let ca = authority("channelgraph test CA");
    let stranger = authority("someone else's CA");
    let pg = OwnPostgres::start(Some(&server_certificate(&ca, "localhost")));
    let dir = std::env::temp_dir().join(format!("cg-tls-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca_file = dir.join("ca.pem");
    std::fs::write(&ca_file, &ca.pem).unwrap();
    let wrong_ca_file = dir.join("wrong-ca.pem");
    std::fs::write(&wrong_ca_file, &stranger.pem).unwrap();

    // require: encrypted, whoever signed the certificate.
    let s = settings(&pg.url("127.0.0.1", "?sslmode=require"), None).unwrap();
    let (db, _) = channelgraph::db::connect(&s.database_url, 2).await.unwrap();
    assert!(encrypted(&db).await);

    // verify-full with the CA file, by the name in the certificate.
    let s = settings(&pg.url("localhost", "?sslmode=verify-full"), Some(&ca_file)).unwrap();
    let (db, _) = channelgraph::db::connect(&s.database_url, 2).await.unwrap();
    assert!(encrypted(&db).await);
    // A CA file and no sslmode: the certificate is verified, host name included.
    let s = settings(&pg.url("localhost", ""), Some(&ca_file)).unwrap();
    let (db, _) = channelgraph::db::connect(&s.database_url, 2).await.unwrap();
    assert!(encrypted(&db).await);
    let s = settings(&pg.url("127.0.0.1", ""), Some(&ca_file)).unwrap();
    assert!(channelgraph::db::connect(&s.database_url, 2).await.is_err());

    // verify-ca: the CA is checked, the host name is not.
    let s = settings(&pg.url("127.0.0.1", "?sslmode=verify-ca"), Some(&ca_file)).unwrap();
    let (db, _) = channelgraph::db::connect(&s.database_url, 2).await.unwrap();
    assert!(encrypted(&db).await);

    // The whole server on TLS: migrations, requests and the event listener.
    let url = settings(&pg.url("localhost", "?sslmode=verify-full"), Some(&ca_file))
        .unwrap()
        .database_url;
    let app = spawn_app_on(url, |_| {}).await;
    let answer = app.graphql("{ me { email } }", json!({})).await;
    assert_eq!(
        answer["data"]["me"]["email"],
        crate::helpers::ADMIN_EMAIL,
        "{answer}"
    );

    // A wrong CA, and a host name the certificate is not for: one line each, saying which.
    let (ok, stderr) = migrate_status(&pg.url("localhost", "?sslmode=verify-ca"), &wrong_ca_file);
    assert!(!ok);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("channelgraph: cannot open the database: ")
            && stderr
                .contains("not signed by a certificate authority in CHANNELGRAPH_DATABASE_CA_FILE"),
        "{stderr}"
    );
    let (ok, stderr) = migrate_status(&pg.url("127.0.0.1", "?sslmode=verify-full"), &ca_file);
    assert!(!ok);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("channelgraph: cannot open the database: ")
            && stderr.contains("not issued for `127.0.0.1`"),
        "{stderr}"
    );
}

#[test]
fn the_ca_file_setting_is_checked_when_read() {
    let missing = std::env::temp_dir().join("cg-no-such-ca.pem");
    assert_eq!(
        settings(
            "postgres://db.example/cg?sslmode=verify-full",
            Some(&missing)
        )
        .unwrap_err(),
        format!(
            "CHANNELGRAPH_DATABASE_CA_FILE: cannot read {}: No such file or directory (os error 2)",
            missing.display()
        )
    );
    let file = std::env::temp_dir().join(format!("cg-ca-{}.pem", uuid::Uuid::now_v7().simple()));
    std::fs::write(&file, "not a certificate").unwrap();
    assert_eq!(
        settings("postgres://db.example/cg", Some(&file)).unwrap_err(),
        "CHANNELGRAPH_DATABASE_CA_FILE: holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
    );
    let ca = authority("a CA");
    std::fs::write(&file, &ca.pem).unwrap();
    assert_eq!(
        settings("sqlite://cg.db", Some(&file)).unwrap_err(),
        "CHANNELGRAPH_DATABASE_CA_FILE: applies to PostgreSQL only; the database URL is SQLite"
    );
    assert_eq!(
        settings("postgres://db.example/cg?sslmode=disable", Some(&file)).unwrap_err(),
        "CHANNELGRAPH_DATABASE_CA_FILE: the database URL says sslmode=disable; use require, verify-ca or verify-full with a CA file"
    );
    assert_eq!(
        settings(
            "postgres://db.example/cg?sslmode=verify-full&sslrootcert=/etc/ca.pem",
            Some(&file)
        )
        .unwrap_err(),
        "CHANNELGRAPH_DATABASE_CA_FILE: the database URL names a CA too (sslrootcert); name it in one place"
    );
    let url = settings("postgres://db.example/cg?application_name=cg", Some(&file))
        .unwrap()
        .database_url;
    assert!(
        url.starts_with(
            "postgres://db.example/cg?application_name=cg&sslmode=verify-full&sslrootcert="
        ),
        "{url}"
    );
}
