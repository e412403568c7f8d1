//! A PostgreSQL instance of the test's own, made with `initdb` and run with `pg_ctl` on a free
//! port, for what the shared server cannot do: TLS with a certificate the test makes, and
//! restarts. Tests that use it run in the PostgreSQL suite (`TEST_DATABASE_URL` set), where
//! `initdb` and `pg_ctl` must be on the machine. As root, the server runs as `postgres`.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct OwnPostgres {
    pub port: u16,
    root: PathBuf,
    data: PathBuf,
    /// The account the server runs as, when the tests run as root.
    account: Option<(u32, u32)>,
}

/// A server certificate and key, PEM.
pub struct ServerCertificate {
    pub cert: String,
    pub key: String,
}

/// Whether this run is the PostgreSQL suite, where tests with their own instance run.
pub fn in_postgres_suite() -> bool {
    std::env::var("TEST_DATABASE_URL").is_ok_and(|url| !url.is_empty())
}

impl OwnPostgres {
    /// A free port and an empty directory the server's account owns, for an instance not
    /// made yet.
    fn unmade(account: Option<(u32, u32)>) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let root = std::env::temp_dir().join(format!("cg-pg-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&root).unwrap();
        if let Some((uid, gid)) = account {
            std::os::unix::fs::chown(&root, Some(uid), Some(gid)).unwrap();
        }
        Self {
            port,
            data: root.join("data"),
            root,
            account,
        }
    }

    /// Makes and starts an instance; with `tls`, it also serves TLS with that certificate.
    pub fn start(tls: Option<&ServerCertificate>) -> Self {
        let this = Self::unmade(running_as_root().then(postgres_account));
        let port = this.port;
        this.run(
            "initdb",
            &[
                "-D",
                path(&this.data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        let mut conf = format!(
            "\nport = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\nfsync = off\nmax_connections = 60\nmax_prepared_transactions = 4\n",
            this.root.display()
        );
        if let Some(tls) = tls {
            this.write("server.crt", &tls.cert, 0o644);
            this.write("server.key", &tls.key, 0o600);
            conf.push_str("ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n");
        }
        let conf_path = this.data.join("postgresql.conf");
        let mut text = std::fs::read_to_string(&conf_path).unwrap();
        text.push_str(&conf);
        std::fs::write(&conf_path, text).unwrap();
        this.up();
        this
    }

    /// Makes and starts a streaming replica of `primary` (`pg_basebackup -R`), a hot standby
    /// that logs every statement it runs to its log.
    pub fn replica_of(primary: &OwnPostgres) -> Self {
        let this = Self::unmade(primary.account);
        let port = this.port;
        let primary_port = primary.port.to_string();
        this.run(
            "pg_basebackup",
            &[
                "-D",
                path(&this.data),
                "-h",
                "127.0.0.1",
                "-p",
                &primary_port,
                "-U",
                "postgres",
                "-R",
                "-X",
                "stream",
                "--no-sync",
            ],
        );
        let conf_path = this.data.join("postgresql.conf");
        let mut text = std::fs::read_to_string(&conf_path).unwrap();
        text.push_str(&format!(
            "\nport = {port}\nunix_socket_directories = '{}'\nhot_standby = on\nlog_statement = 'all'\n",
            this.root.display()
        ));
        std::fs::write(&conf_path, text).unwrap();
        this.up();
        this
    }

    /// What the server has logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.root.join("log")).unwrap_or_default()
    }

    /// The URL of the `postgres` database on this instance, through `host`.
    pub fn url(&self, host: &str, query: &str) -> String {
        format!("postgres://postgres@{host}:{}/postgres{query}", self.port)
    }

    /// Starts the stopped server again, on the same port and data.
    pub fn up(&self) {
        let log = self.root.join("log");
        self.run(
            "pg_ctl",
            &[
                "-D",
                path(&self.data),
                "-l",
                path(&log),
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
    }

    /// Stops the server the way an operator's restart does: open sessions are ended and
    /// their transactions rolled back, and everything committed is on disk.
    pub fn down(&self) {
        self.run(
            "pg_ctl",
            &[
                "-D",
                path(&self.data),
                "-m",
                "fast",
                "-w",
                "-t",
                "60",
                "stop",
            ],
        );
    }

    fn write(&self, name: &str, text: &str, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        let file = self.data.join(name);
        std::fs::write(&file, text).unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
        if let Some((uid, gid)) = self.account {
            std::os::unix::fs::chown(&file, Some(uid), Some(gid)).unwrap();
        }
    }

    fn run(&self, program: &str, args: &[&str]) {
        let mut command = match self.account {
            Some(_) => {
                let mut c = Command::new("runuser");
                c.args(["-u", "postgres", "--", program]);
                c
            }
            None => Command::new(program),
        };
        let out = command
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{program} must be on the machine for this test: {e}"));
        assert!(
            out.status.success(),
            "{program} {args:?}: {}{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(self.root.join("log")).unwrap_or_default()
        );
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let mut command = match self.account {
            Some(_) => {
                let mut c = Command::new("runuser");
                c.args(["-u", "postgres", "--", "pg_ctl"]);
                c
            }
            None => Command::new("pg_ctl"),
        };
        let _ = command
            .args(["-D", path(&self.data), "-m", "immediate", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn path(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

fn postgres_account() -> (u32, u32) {
    let id = |flag: &str| -> u32 {
        let out = Command::new("id")
            .args([flag, "postgres"])
            .output()
            .expect("id runs");
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("as root, the tests run PostgreSQL as the `postgres` account")
    };
    (id("-u"), id("-g"))
}
