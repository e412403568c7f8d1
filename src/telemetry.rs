//! Logs: text by default, JSON when asked; `RUST_LOG` narrows or widens them.

use tracing_subscriber::EnvFilter;

use crate::settings::LogFormat;

pub fn init(format: LogFormat) {
    // actix answers a request it cannot read (a NUL in a header, a broken chunk) with 400
    // and logs it as an ERROR of its dispatcher. That is the client's fault and says
    // nothing about the server, so it stays out of the log unless RUST_LOG asks for it.
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new(
            "info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn,actix_http::h1::dispatcher=off",
        )
    });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second init (as in tests) keeps the first subscriber.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}
