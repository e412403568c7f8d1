//! Settings: defaults that run on a fresh machine, then `channelgraph.toml` if present, then
//! `CHANNELGRAPH_*` environment variables. A bad setting is one line naming it and the problem.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Clone, Debug)]
pub struct Settings {
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    /// Most connections the pool opens.
    pub database_max_connections: u32,
    /// Where `serve` listens; port 0 picks a free port.
    pub bind: SocketAddr,
    /// Largest request body accepted, in bytes.
    pub body_limit_bytes: usize,
    /// `text` or `json` logs.
    pub log_format: LogFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: "sqlite://channelgraph.db".to_owned(),
            database_max_connections: 8,
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            body_limit_bytes: 1024 * 1024,
            log_format: LogFormat::Text,
        }
    }
}

/// A setting that cannot be used, and why.
#[derive(Debug, thiserror::Error)]
#[error("{setting}: {problem}")]
pub struct SettingsError {
    pub setting: String,
    pub problem: String,
}

fn bad(setting: &str, problem: impl Into<String>) -> SettingsError {
    SettingsError {
        setting: setting.to_owned(),
        problem: problem.into(),
    }
}

/// The keys `channelgraph.toml` may hold; each has an environment variable of the same name
/// in upper case with the `CHANNELGRAPH_` prefix.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    database_url: Option<String>,
    database_max_connections: Option<toml::Value>,
    bind: Option<String>,
    body_limit_bytes: Option<toml::Value>,
    log_format: Option<String>,
}

/// Raw values before validation, each tagged with where it came from for error messages.
#[derive(Default)]
struct Raw {
    values: Vec<(&'static str, String, String)>,
}

impl Raw {
    fn set(&mut self, key: &'static str, source: String, value: String) {
        self.values.retain(|(k, _, _)| *k != key);
        self.values.push((key, source, value));
    }
}

const KEYS: [&str; 5] = [
    "database_url",
    "database_max_connections",
    "bind",
    "body_limit_bytes",
    "log_format",
];

impl Settings {
    /// Reads the settings file (`CHANNELGRAPH_CONFIG`, else `./channelgraph.toml` if it exists)
    /// and the environment.
    pub fn load() -> Result<Self, SettingsError> {
        let env: Vec<(String, String)> = std::env::vars().collect();
        let file = match env.iter().find(|(k, _)| k == "CHANNELGRAPH_CONFIG") {
            Some((_, path)) => Some(PathBuf::from(path)),
            None => {
                let default = Path::new("channelgraph.toml");
                default.exists().then(|| default.to_path_buf())
            }
        };
        Self::from_sources(file.as_deref(), &env)
    }

    pub fn from_sources(
        file: Option<&Path>,
        env: &[(String, String)],
    ) -> Result<Self, SettingsError> {
        let mut raw = Raw::default();
        if let Some(path) = file {
            let origin = path.display().to_string();
            let text = std::fs::read_to_string(path)
                .map_err(|e| bad("CHANNELGRAPH_CONFIG", format!("cannot read {origin}: {e}")))?;
            let parsed: FileSettings = toml::from_str(&text).map_err(|e| {
                bad(
                    &origin,
                    e.message().to_owned().replace('\n', " ").trim().to_owned(),
                )
            })?;
            let scalar = |v: toml::Value| match v {
                toml::Value::String(s) => s,
                toml::Value::Integer(n) => n.to_string(),
                other => format!("{other:?}"),
            };
            let entries = [
                ("database_url", parsed.database_url),
                (
                    "database_max_connections",
                    parsed.database_max_connections.map(scalar),
                ),
                ("bind", parsed.bind),
                ("body_limit_bytes", parsed.body_limit_bytes.map(scalar)),
                ("log_format", parsed.log_format),
            ];
            for (key, value) in entries {
                if let Some(value) = value {
                    raw.set(key, format!("{key} in {origin}"), value);
                }
            }
        }
        for key in KEYS {
            let var = format!("CHANNELGRAPH_{}", key.to_uppercase());
            if let Some((_, value)) = env.iter().find(|(k, _)| *k == var) {
                raw.set(key, var, value.clone());
            }
        }

        let mut settings = Settings::default();
        for (key, source, value) in raw.values {
            match key {
                "database_url" => settings.database_url = parse_database_url(&source, &value)?,
                "database_max_connections" => {
                    settings.database_max_connections =
                        parse_number(&source, &value, 1, 1000)? as u32
                }
                "bind" => {
                    settings.bind = value.parse().map_err(|_| {
                        bad(
                            &source,
                            format!("`{value}` is not a socket address like 127.0.0.1:8080"),
                        )
                    })?
                }
                "body_limit_bytes" => {
                    settings.body_limit_bytes =
                        parse_number(&source, &value, 1024, 1024 * 1024 * 1024)? as usize
                }
                "log_format" => {
                    settings.log_format = match value.as_str() {
                        "text" => LogFormat::Text,
                        "json" => LogFormat::Json,
                        _ => {
                            return Err(bad(&source, format!("`{value}` is not `text` or `json`")));
                        }
                    }
                }
                _ => unreachable!("every key is in KEYS"),
            }
        }
        Ok(settings)
    }
}

fn parse_database_url(source: &str, value: &str) -> Result<String, SettingsError> {
    let known = ["sqlite:", "postgres://", "postgresql://"];
    if known.iter().any(|prefix| value.starts_with(prefix)) {
        Ok(value.to_owned())
    } else {
        Err(bad(
            source,
            "must start with sqlite: (for example sqlite://channelgraph.db) or postgres://",
        ))
    }
}

fn parse_number(source: &str, value: &str, min: u64, max: u64) -> Result<u64, SettingsError> {
    match value.trim().parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(bad(
            source,
            format!("`{value}` is not a whole number from {min} to {max}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_run_on_a_fresh_machine() {
        let s = Settings::from_sources(None, &[]).unwrap();
        assert_eq!(s.database_url, "sqlite://channelgraph.db");
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.body_limit_bytes, 1_048_576);
    }

    #[test]
    fn a_bad_setting_names_the_variable_and_the_problem() {
        let err =
            Settings::from_sources(None, &env(&[("CHANNELGRAPH_BIND", "nowhere")])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "CHANNELGRAPH_BIND: `nowhere` is not a socket address like 127.0.0.1:8080"
        );
        let err = Settings::from_sources(None, &env(&[("CHANNELGRAPH_DATABASE_URL", "mysql://x")]))
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("CHANNELGRAPH_DATABASE_URL: must start with")
        );
    }

    #[test]
    fn the_environment_overrides_the_file() {
        let dir = std::env::temp_dir().join(format!("cg-settings-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("channelgraph.toml");
        std::fs::write(
            &path,
            "bind = \"127.0.0.1:9000\"\nbody_limit_bytes = 2048\n",
        )
        .unwrap();
        let s = Settings::from_sources(
            Some(&path),
            &env(&[("CHANNELGRAPH_BIND", "127.0.0.1:9001")]),
        )
        .unwrap();
        assert_eq!(s.bind.to_string(), "127.0.0.1:9001");
        assert_eq!(s.body_limit_bytes, 2048);
        std::fs::write(&path, "colour = \"blue\"\n").unwrap();
        let err = Settings::from_sources(Some(&path), &[]).unwrap_err();
        assert!(err.to_string().contains("unknown field `colour`"), "{err}");
    }
}
