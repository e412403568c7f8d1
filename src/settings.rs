//! Settings: defaults that run on a fresh machine, then `channelgraph.toml` if present, then
//! `CHANNELGRAPH_*` environment variables. A bad setting is one line naming it and the problem.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
pub struct Settings {
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    /// Most connections the pool opens.
    pub database_max_connections: u32,
    /// A streaming replica of the PostgreSQL primary for analytics and reports; none: they
    /// read the primary.
    pub replica_url: Option<String>,
    /// Where `serve` listens; port 0 picks a free port.
    pub bind: SocketAddr,
    /// Largest request body accepted, in bytes.
    pub body_limit_bytes: usize,
    /// `text` or `json` logs.
    pub log_format: LogFormat,
    /// Development (the default) or production; production refuses development secrets.
    pub mode: Mode,
    /// The bearer token `/metrics` asks for; without one, `/metrics` is not served.
    pub metrics_token: Option<String>,
    /// The browser origins (`https://portal.example`) that may call the API; none: no
    /// cross-origin calls.
    pub cors_allowed_origins: Vec<String>,
    pub auth: AuthSettings,
    pub limits: LimitSettings,
    pub trade: TradeSettings,
    pub crm: CrmSettings,
    pub webhooks: WebhookSettings,
    pub live: LiveSettings,
    pub retention: RetentionSettings,
    /// How often one node looks for X12 sets whose 997 is overdue.
    pub edi_overdue_interval: std::time::Duration,
    /// How often one node runs the partner program's pass (lapsed lead offers).
    pub program_interval: std::time::Duration,
    /// Whether root lists and lookups are read with one compiled statement each (on by
    /// default); off, every field is resolved by its resolver.
    pub compiled_reads: bool,
    /// Whether any document runs, or registered documents only.
    pub documents: crate::documents::Documents,
}

/// How long the outbox, the webhook log and the audit trail keep their rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetentionSettings {
    /// Days events are kept (while a delivery still refers to one, it stays).
    pub event_days: u64,
    /// Days delivered and dead webhook deliveries are kept, with their attempts.
    pub delivery_days: u64,
    /// Days attempts are kept, whatever became of their delivery.
    pub attempt_days: u64,
    /// Days audit records are kept; none: for ever.
    pub audit_days: Option<u64>,
    /// How often one node prunes, for all.
    pub interval: std::time::Duration,
}

impl Default for RetentionSettings {
    fn default() -> Self {
        Self {
            event_days: 90,
            delivery_days: 30,
            attempt_days: 30,
            audit_days: None,
            interval: std::time::Duration::from_secs(3600),
        }
    }
}

/// How subscriptions are kept in check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveSettings {
    /// Most subscriptions one principal (a user or an API token) holds on a node.
    pub max_per_principal: usize,
    /// How often a connection's credentials are checked again.
    pub recheck: std::time::Duration,
}

impl Default for LiveSettings {
    fn default() -> Self {
        Self {
            max_per_principal: 25,
            recheck: std::time::Duration::from_secs(30),
        }
    }
}

/// How webhook deliveries are sent and retried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookSettings {
    /// This node's name in the delivery log.
    pub node: String,
    /// How often an idle node looks for due deliveries.
    pub poll: std::time::Duration,
    /// Most deliveries a node claims at once.
    pub batch: u64,
    /// How long a receiver may take to answer.
    pub timeout: std::time::Duration,
    /// How long a claimed attempt belongs to its node; after that another node may take it.
    /// Longer than `timeout`.
    pub lease: std::time::Duration,
    /// The first retry's delay; each later one waits as long as the time already spent.
    pub retry_base: std::time::Duration,
    /// The longest delay between attempts.
    pub retry_max: std::time::Duration,
    /// How long a delivery is retried before it is dead.
    pub retry_window: std::time::Duration,
    /// Whether endpoints may be on this machine or a private network (development).
    pub allow_private_networks: bool,
    /// Production mode: endpoints must use https.
    pub production: bool,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            node: default_node_name(),
            poll: std::time::Duration::from_secs(1),
            batch: 20,
            timeout: std::time::Duration::from_secs(10),
            lease: std::time::Duration::from_secs(60),
            retry_base: std::time::Duration::from_secs(10),
            retry_max: std::time::Duration::from_secs(3600),
            retry_window: std::time::Duration::from_secs(24 * 3600),
            allow_private_networks: true,
            production: false,
        }
    }
}

/// The host name and the process id, which tell the nodes of one deployment apart.
fn default_node_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "node".to_owned());
    format!("{host}:{}", std::process::id())
}

/// The rules of relationship work: the business's time zone (working days and due dates
/// are counted in it) and how often key accounts are visited.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrmSettings {
    /// The IANA zone "today" and working days are counted in.
    pub business_time_zone: chrono_tz::Tz,
    /// Days between a key account's visits: the next return visit is due this many days
    /// after the last.
    pub key_account_visit_days: u32,
    /// Days after a case is resolved during which it may be reopened.
    pub case_reopen_days: u32,
    /// Hours a partner has to accept or decline a lead offered to it; then it returns to the
    /// pool.
    pub lead_acceptance_hours: u32,
    /// Days an approved deal registration protects its partner.
    pub deal_protection_days: u32,
    /// The rules and thresholds of customer analytics.
    pub analytics: AnalyticsSettings,
    /// What partners may do for themselves in their portal.
    pub partner: PartnerProgramSettings,
}

/// What partners may do for themselves: which fields of their own organization they change,
/// and which of those changes wait for the brand's approval.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartnerProgramSettings {
    /// Fields of its own organization a partner admin changes (`partner_self_service_fields`).
    pub self_service: Vec<PartnerField>,
    /// Of those, the ones whose changes wait as proposals for staff to approve
    /// (`partner_approval_fields`).
    pub needs_approval: Vec<PartnerField>,
    /// Whether a dealer a distributor registers waits (`PENDING`) for the brand's approval
    /// (`partner_dealer_approval`); if not, it is active at once.
    pub dealer_approval: bool,
    /// Days an invitation's token stays valid (`invitation_days`).
    pub invitation_days: u32,
    /// Applications one address may send in an hour (`partner_applications_per_hour`).
    pub applications_per_hour: u32,
    /// Days before a contact's certification runs out that it counts as expiring and its
    /// partner hears `CERTIFICATION_EXPIRING` (`certification_notice_days`).
    pub certification_notice_days: u32,
    /// Days after which the program's pass applies a proposed tier change staff have not
    /// decided; 0 leaves every change to staff (`tier_grace_days`).
    pub tier_grace_days: u32,
}

impl Default for PartnerProgramSettings {
    fn default() -> Self {
        Self {
            self_service: PartnerField::ALL.to_vec(),
            needs_approval: vec![PartnerField::LegalName, PartnerField::TaxId],
            dealer_approval: true,
            invitation_days: 7,
            applications_per_hour: 5,
            certification_notice_days: 30,
            tier_grace_days: 0,
        }
    }
}

/// A field of an organization's own record that a partner may be allowed to change. The
/// rest (code, territory, parent, account owner, status, key account, tier, credit) are the
/// brand's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PartnerField {
    Name,
    LegalName,
    TaxId,
    Segment,
    CustomerType,
}

impl PartnerField {
    pub const ALL: [PartnerField; 5] = [
        PartnerField::Name,
        PartnerField::LegalName,
        PartnerField::TaxId,
        PartnerField::Segment,
        PartnerField::CustomerType,
    ];

    /// Its name in the API (`organizationUpdate`'s input).
    pub fn as_str(self) -> &'static str {
        match self {
            PartnerField::Name => "name",
            PartnerField::LegalName => "legalName",
            PartnerField::TaxId => "taxId",
            PartnerField::Segment => "segment",
            PartnerField::CustomerType => "customerType",
        }
    }

    pub fn parse(raw: &str) -> Option<PartnerField> {
        PartnerField::ALL.into_iter().find(|f| f.as_str() == raw)
    }
}

/// A comma-separated list of partner fields; empty means none.
fn parse_partner_fields(source: &str, value: &str) -> Result<Vec<PartnerField>, SettingsError> {
    let mut fields = Vec::new();
    for raw in value.split(',').map(str::trim).filter(|r| !r.is_empty()) {
        let field = PartnerField::parse(raw).ok_or_else(|| {
            let names: Vec<&str> = PartnerField::ALL.iter().map(|f| f.as_str()).collect();
            bad(
                source,
                format!("`{raw}` is not one of {}", names.join(", ")),
            )
        })?;
        if !fields.contains(&field) {
            fields.push(field);
        }
    }
    Ok(fields)
}

/// The rules by which customers are classified and valued. Every field of the API that uses
/// one names it in its description, and `analyticsSettings` shows the values in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnalyticsSettings {
    /// The currency figures are reported in: orders in other currencies are counted apart
    /// and never converted.
    pub reporting_currency: String,
    /// Days without an order after which a customer is at risk.
    pub at_risk_after_days: u32,
    /// Days without an order after which a customer is lost.
    pub lost_after_days: u32,
    /// Orders a loyal customer has placed at least.
    pub loyal_min_orders: u32,
    /// Days since the first order of a loyal customer, at least.
    pub loyal_min_tenure_days: u32,
    /// Orders in the trailing 12 months from which a customer counts as loyal in the
    /// relationship quadrant.
    pub quadrant_min_orders: u32,
    /// Margin in the trailing 12 months, in the reporting currency, from which a customer
    /// counts as profitable in the relationship quadrant.
    pub quadrant_min_margin: rust_decimal::Decimal,
    /// Years a customer is expected to stay, for the simple lifetime value.
    pub expected_years: rust_decimal::Decimal,
    /// The yearly discount rate of the retention lifetime value, as a fraction (0.1 = 10 %).
    pub discount_rate: rust_decimal::Decimal,
    /// Complete months back in which a partner must have sent each report its tier asks for.
    pub report_months: u32,
}

impl Default for AnalyticsSettings {
    fn default() -> Self {
        Self {
            reporting_currency: "EUR".to_owned(),
            at_risk_after_days: 180,
            lost_after_days: 365,
            loyal_min_orders: 5,
            loyal_min_tenure_days: 365,
            quadrant_min_orders: 4,
            quadrant_min_margin: rust_decimal::Decimal::from(5000),
            expected_years: rust_decimal::Decimal::from(3),
            discount_rate: rust_decimal::Decimal::new(10, 2),
            report_months: 3,
        }
    }
}

impl Default for CrmSettings {
    fn default() -> Self {
        Self {
            business_time_zone: chrono_tz::UTC,
            key_account_visit_days: 90,
            case_reopen_days: 30,
            lead_acceptance_hours: 48,
            deal_protection_days: 90,
            analytics: AnalyticsSettings::default(),
            partner: PartnerProgramSettings::default(),
        }
    }
}

impl CrmSettings {
    /// Today's date in the business time zone.
    pub fn today(&self) -> chrono::NaiveDate {
        chrono::Utc::now()
            .with_timezone(&self.business_time_zone)
            .date_naive()
    }
}

/// Whether `secret` is, or holds, the development secret: padded, quoted or wrapped in
/// anything else, it is still public.
pub fn is_development_secret(secret: &str) -> bool {
    secret.trim().contains(DEVELOPMENT_JWT_SECRET.trim())
}

/// What one request may cost.
#[derive(Clone, Debug)]
pub struct LimitSettings {
    /// Whether `__schema` and `__type` answer; off in production unless set.
    pub introspection: bool,
    /// Whether browsers get GraphiQL on `GET /graphql`; off in production unless set.
    pub graphiql: bool,
    /// Whether a caller who has not signed in may read the schema (an operation of
    /// introspection fields only), so GraphiQL's docs and completion work before sign-in;
    /// development mode with introspection on. Data still needs a sign-in.
    pub anonymous_introspection: bool,
    /// Whether validation errors suggest field names ("Did you mean …?"); never in
    /// production, where they would map the schema for anyone without introspection.
    pub suggestions: bool,
    /// Requests per minute for one principal (a user, a token, or an anonymous address).
    pub rate_limit_per_minute: u32,
    /// How long one request may run.
    pub request_timeout: std::time::Duration,
    pub max_depth: usize,
    pub max_complexity: usize,
    pub max_fields: usize,
    pub max_aliases: usize,
    pub max_directives: usize,
    /// Objects one document may return through connections: each connection's page times
    /// the pages of the connections around it, summed.
    pub max_nodes: u64,
}

/// The most `max_order_amount` may be set to: a tenth of what a stored amount can hold
/// (922,337,203,685,477.5807), so that balances summing many such amounts stay in range.
const MAX_SETTABLE_AMOUNT: u64 = 90_000_000_000_000;

/// Bounds on what one order line or payment may carry: anything above is refused as a
/// typing error rather than booked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TradeSettings {
    /// The largest quantity one line may order, ship, report or receive.
    pub max_quantity: rust_decimal::Decimal,
    /// The largest amount one price, order, invoice or payment may carry, in its currency.
    pub max_amount: rust_decimal::Decimal,
    /// Days before a price falls in which what a distributor bought from the brand caps the
    /// stock its price protection credit counts.
    pub price_protection_days: u32,
    /// Days after the brand approves a fund request in which the partner may claim it;
    /// then the approved money expires.
    pub fund_claim_days: u32,
}

impl Default for TradeSettings {
    fn default() -> Self {
        Self {
            max_quantity: rust_decimal::Decimal::from(1_000_000),
            max_amount: rust_decimal::Decimal::from(1_000_000_000),
            price_protection_days: 90,
            fund_claim_days: 90,
        }
    }
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            introspection: true,
            graphiql: true,
            anonymous_introspection: true,
            suggestions: true,
            rate_limit_per_minute: 600,
            request_timeout: std::time::Duration::from_secs(30),
            max_depth: 20,
            max_complexity: 20_000,
            max_fields: 2_000,
            max_aliases: 200,
            max_directives: 50,
            max_nodes: 200_000,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Development,
    Production,
}

/// How access tokens are signed and how long sessions last.
#[derive(Clone, Debug)]
pub struct AuthSettings {
    pub jwt_algorithm: JwtAlgorithm,
    /// The HS256 secret; the development secret when none is set.
    pub jwt_secret: String,
    pub jwt_private_key_file: Option<PathBuf>,
    pub jwt_public_key_file: Option<PathBuf>,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub access_token_ttl_seconds: u64,
    pub refresh_token_ttl_seconds: u64,
    /// How long a node remembers a credential it checked; revocations reach every node
    /// sooner, through the database.
    pub credential_memory_seconds: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JwtAlgorithm {
    Hs256,
    EdDsa,
    Rs256,
}

/// The HS256 secret used when none is configured. Production mode refuses to start with it.
pub const DEVELOPMENT_JWT_SECRET: &str = "channelgraph development secret: never use in production";

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            jwt_algorithm: JwtAlgorithm::Hs256,
            jwt_secret: DEVELOPMENT_JWT_SECRET.to_owned(),
            jwt_private_key_file: None,
            jwt_public_key_file: None,
            jwt_issuer: "channelgraph".to_owned(),
            jwt_audience: "channelgraph-api".to_owned(),
            access_token_ttl_seconds: 15 * 60,
            refresh_token_ttl_seconds: 30 * 24 * 3600,
            credential_memory_seconds: 60,
        }
    }
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
            replica_url: None,
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            body_limit_bytes: 1024 * 1024,
            log_format: LogFormat::Text,
            mode: Mode::Development,
            metrics_token: None,
            cors_allowed_origins: Vec::new(),
            auth: AuthSettings::default(),
            limits: LimitSettings::default(),
            trade: TradeSettings::default(),
            crm: CrmSettings::default(),
            webhooks: WebhookSettings::default(),
            live: LiveSettings::default(),
            retention: RetentionSettings::default(),
            edi_overdue_interval: std::time::Duration::from_secs(300),
            program_interval: std::time::Duration::from_secs(300),
            compiled_reads: true,
            documents: crate::documents::Documents::Open,
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
const KEYS: [&str; 75] = [
    "compiled_reads",
    "tier_grace_days",
    "invitation_days",
    "certification_notice_days",
    "partner_applications_per_hour",
    "partner_dealer_approval",
    "partner_self_service_fields",
    "partner_approval_fields",
    "documents",
    "reporting_currency",
    "at_risk_after_days",
    "lost_after_days",
    "loyal_min_orders",
    "loyal_min_tenure_days",
    "quadrant_min_orders",
    "quadrant_min_margin",
    "expected_years",
    "discount_rate",
    "report_months",
    "lead_acceptance_hours",
    "deal_protection_days",
    "case_reopen_days",
    "business_time_zone",
    "key_account_visit_days",
    "max_order_quantity",
    "max_order_amount",
    "price_protection_days",
    "fund_claim_days",
    "introspection",
    "graphiql",
    "rate_limit_per_minute",
    "request_timeout_seconds",
    "max_depth",
    "max_complexity",
    "max_fields",
    "max_aliases",
    "max_directives",
    "max_nodes",
    "database_url",
    "database_max_connections",
    "database_ca_file",
    "replica_url",
    "bind",
    "body_limit_bytes",
    "log_format",
    "mode",
    "metrics_token",
    "cors_allowed_origins",
    "node_name",
    "webhook_poll_ms",
    "webhook_timeout_seconds",
    "webhook_lease_seconds",
    "webhook_retry_base_ms",
    "webhook_retry_max_seconds",
    "webhook_retry_window_seconds",
    "webhook_allow_private_networks",
    "max_subscriptions_per_principal",
    "subscription_recheck_ms",
    "jwt_algorithm",
    "jwt_secret",
    "jwt_private_key_file",
    "jwt_public_key_file",
    "jwt_issuer",
    "jwt_audience",
    "access_token_ttl_seconds",
    "refresh_token_ttl_seconds",
    "credential_memory_seconds",
    "event_retention_days",
    "webhook_delivery_retention_days",
    "webhook_attempt_retention_days",
    "audit_retention_days",
    "retention_interval_seconds",
    "edi_overdue_interval_seconds",
    "program_interval_seconds",
    "config",
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
        // Each value with where it came from, for error messages; later sources win.
        let mut raw: Vec<(&'static str, String, String)> = Vec::new();
        let mut set = |key: &'static str, source: String, value: String| {
            raw.retain(|(k, _, _)| *k != key);
            raw.push((key, source, value));
        };
        if let Some(path) = file {
            let origin = path.display().to_string();
            let text = std::fs::read_to_string(path)
                .map_err(|e| bad("CHANNELGRAPH_CONFIG", format!("cannot read {origin}: {e}")))?;
            let table: toml::Table = toml::from_str(&text).map_err(|e| {
                bad(
                    &origin,
                    e.message().to_owned().replace('\n', " ").trim().to_owned(),
                )
            })?;
            for (key, value) in table {
                let Some(known) = KEYS.iter().find(|k| **k == key && **k != "config") else {
                    return Err(bad(&origin, format!("unknown setting `{key}`")));
                };
                let value = match value {
                    toml::Value::String(s) => s,
                    toml::Value::Integer(n) => n.to_string(),
                    toml::Value::Boolean(b) => b.to_string(),
                    _ => {
                        return Err(bad(
                            &format!("{key} in {origin}"),
                            "must be a string or a number",
                        ));
                    }
                };
                set(known, format!("{key} in {origin}"), value);
            }
        }
        for key in KEYS {
            let var = format!("CHANNELGRAPH_{}", key.to_uppercase());
            if let Some((_, value)) = env.iter().find(|(k, _)| *k == var) {
                set(key, var, value.clone());
            }
        }

        let mut settings = Settings::default();
        let auth = &mut settings.auth;
        let limits = &mut settings.limits;
        let (mut introspection, mut graphiql) = (None, None);
        let mut allow_private = None;
        let mut database_ca_file = None;
        let webhooks = &mut settings.webhooks;
        let ms = std::time::Duration::from_millis;
        let secs = std::time::Duration::from_secs;
        for (key, source, value) in raw {
            match key {
                "introspection" => introspection = Some(parse_bool(&source, &value)?),
                "graphiql" => graphiql = Some(parse_bool(&source, &value)?),
                "rate_limit_per_minute" => {
                    limits.rate_limit_per_minute =
                        parse_number(&source, &value, 1, 1_000_000)? as u32
                }
                "request_timeout_seconds" => {
                    limits.request_timeout =
                        std::time::Duration::from_secs(parse_number(&source, &value, 1, 3600)?)
                }
                "max_order_quantity" => {
                    settings.trade.max_quantity =
                        parse_number(&source, &value, 1, 1_000_000_000_000)?.into()
                }
                "max_order_amount" => {
                    settings.trade.max_amount =
                        parse_number(&source, &value, 1, MAX_SETTABLE_AMOUNT)?.into()
                }
                "price_protection_days" => {
                    settings.trade.price_protection_days =
                        parse_number(&source, &value, 1, 3650)? as u32
                }
                "fund_claim_days" => {
                    settings.trade.fund_claim_days = parse_number(&source, &value, 1, 3650)? as u32
                }
                "max_depth" => limits.max_depth = parse_number(&source, &value, 2, 100)? as usize,
                "max_complexity" => {
                    limits.max_complexity = parse_number(&source, &value, 10, 10_000_000)? as usize
                }
                "max_fields" => {
                    limits.max_fields = parse_number(&source, &value, 10, 1_000_000)? as usize
                }
                "max_aliases" => {
                    limits.max_aliases = parse_number(&source, &value, 0, 100_000)? as usize
                }
                "max_directives" => {
                    limits.max_directives = parse_number(&source, &value, 0, 100_000)? as usize
                }
                "max_nodes" => limits.max_nodes = parse_number(&source, &value, 100, 100_000_000)?,
                "database_url" => settings.database_url = parse_database_url(&source, &value)?,
                "cors_allowed_origins" => {
                    settings.cors_allowed_origins = parse_origins(&source, &value)?
                }
                "database_ca_file" => database_ca_file = Some((source, PathBuf::from(value))),
                "replica_url" => {
                    if !(value.starts_with("postgres://") || value.starts_with("postgresql://")) {
                        return Err(bad(&source, "must start with postgres://"));
                    }
                    settings.replica_url = Some(value);
                }
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
                "mode" => {
                    settings.mode = match value.as_str() {
                        "development" => Mode::Development,
                        "production" => Mode::Production,
                        _ => {
                            return Err(bad(
                                &source,
                                format!("`{value}` is not `development` or `production`"),
                            ));
                        }
                    }
                }
                "jwt_algorithm" => {
                    auth.jwt_algorithm = match value.as_str() {
                        "HS256" => JwtAlgorithm::Hs256,
                        "EdDSA" => JwtAlgorithm::EdDsa,
                        "RS256" => JwtAlgorithm::Rs256,
                        _ => {
                            return Err(bad(
                                &source,
                                format!("`{value}` is not HS256, EdDSA or RS256"),
                            ));
                        }
                    }
                }
                "metrics_token" => {
                    if value.len() < 16 {
                        return Err(bad(&source, "must be at least 16 characters"));
                    }
                    settings.metrics_token = Some(value)
                }
                "jwt_secret" => auth.jwt_secret = value,
                "jwt_private_key_file" => auth.jwt_private_key_file = Some(PathBuf::from(value)),
                "jwt_public_key_file" => auth.jwt_public_key_file = Some(PathBuf::from(value)),
                "jwt_issuer" => auth.jwt_issuer = value,
                "jwt_audience" => auth.jwt_audience = value,
                "access_token_ttl_seconds" => {
                    auth.access_token_ttl_seconds = parse_number(&source, &value, 30, 24 * 3600)?
                }
                "refresh_token_ttl_seconds" => {
                    auth.refresh_token_ttl_seconds =
                        parse_number(&source, &value, 300, 365 * 24 * 3600)?
                }
                "credential_memory_seconds" => {
                    auth.credential_memory_seconds = parse_number(&source, &value, 0, 3600)?
                }
                "business_time_zone" => {
                    settings.crm.business_time_zone = value.trim().parse().map_err(|_| {
                        bad(
                            &source,
                            format!("`{value}` is not an IANA time zone like Europe/Berlin"),
                        )
                    })?
                }
                "key_account_visit_days" => {
                    settings.crm.key_account_visit_days =
                        parse_number(&source, &value, 1, 3650)? as u32
                }
                "lead_acceptance_hours" => {
                    settings.crm.lead_acceptance_hours =
                        parse_number(&source, &value, 0, 24 * 365)? as u32
                }
                "deal_protection_days" => {
                    settings.crm.deal_protection_days =
                        parse_number(&source, &value, 0, 3650)? as u32
                }
                "partner_self_service_fields" => {
                    settings.crm.partner.self_service = parse_partner_fields(&source, &value)?
                }
                "invitation_days" => {
                    settings.crm.partner.invitation_days =
                        parse_number(&source, &value, 1, 90)? as u32
                }
                "tier_grace_days" => {
                    settings.crm.partner.tier_grace_days =
                        parse_number(&source, &value, 0, 365)? as u32
                }
                "certification_notice_days" => {
                    settings.crm.partner.certification_notice_days =
                        parse_number(&source, &value, 1, 365)? as u32
                }
                "partner_applications_per_hour" => {
                    settings.crm.partner.applications_per_hour =
                        parse_number(&source, &value, 1, 10_000)? as u32
                }
                "partner_dealer_approval" => {
                    settings.crm.partner.dealer_approval = parse_bool(&source, &value)?
                }
                "partner_approval_fields" => {
                    settings.crm.partner.needs_approval = parse_partner_fields(&source, &value)?
                }
                "case_reopen_days" => {
                    settings.crm.case_reopen_days = parse_number(&source, &value, 0, 3650)? as u32
                }
                "reporting_currency" => {
                    let code = value.trim().to_uppercase();
                    crate::money::Currency::parse(&[], &code).map_err(|_| {
                        bad(
                            &source,
                            format!("`{value}` is not an ISO 4217 currency code"),
                        )
                    })?;
                    settings.crm.analytics.reporting_currency = code
                }
                "at_risk_after_days" => {
                    settings.crm.analytics.at_risk_after_days =
                        parse_number(&source, &value, 1, 3650)? as u32
                }
                "lost_after_days" => {
                    settings.crm.analytics.lost_after_days =
                        parse_number(&source, &value, 1, 3650)? as u32
                }
                "loyal_min_orders" => {
                    settings.crm.analytics.loyal_min_orders =
                        parse_number(&source, &value, 2, 10_000)? as u32
                }
                "loyal_min_tenure_days" => {
                    settings.crm.analytics.loyal_min_tenure_days =
                        parse_number(&source, &value, 0, 3650)? as u32
                }
                "quadrant_min_orders" => {
                    settings.crm.analytics.quadrant_min_orders =
                        parse_number(&source, &value, 1, 10_000)? as u32
                }
                "quadrant_min_margin" => {
                    settings.crm.analytics.quadrant_min_margin =
                        parse_decimal(&source, &value, "0", "1000000000000")?
                }
                "expected_years" => {
                    settings.crm.analytics.expected_years =
                        parse_decimal(&source, &value, "0.1", "100")?
                }
                "discount_rate" => {
                    settings.crm.analytics.discount_rate =
                        parse_decimal(&source, &value, "0.0001", "1")?
                }
                "report_months" => {
                    settings.crm.analytics.report_months =
                        parse_number(&source, &value, 1, 24)? as u32
                }
                "node_name" => {
                    let name = value.trim();
                    if name.is_empty() || name.len() > 100 {
                        return Err(bad(&source, "must be 1 to 100 characters"));
                    }
                    webhooks.node = name.to_owned()
                }
                "webhook_poll_ms" => webhooks.poll = ms(parse_number(&source, &value, 10, 60_000)?),
                "webhook_timeout_seconds" => {
                    webhooks.timeout = secs(parse_number(&source, &value, 1, 300)?)
                }
                "webhook_lease_seconds" => {
                    webhooks.lease = secs(parse_number(&source, &value, 2, 3600)?)
                }
                "webhook_retry_base_ms" => {
                    webhooks.retry_base = ms(parse_number(&source, &value, 10, 3_600_000)?)
                }
                "webhook_retry_max_seconds" => {
                    webhooks.retry_max = secs(parse_number(&source, &value, 1, 24 * 3600)?)
                }
                "webhook_retry_window_seconds" => {
                    webhooks.retry_window = secs(parse_number(&source, &value, 1, 30 * 24 * 3600)?)
                }
                "webhook_allow_private_networks" => {
                    allow_private = Some(parse_bool(&source, &value)?)
                }
                "max_subscriptions_per_principal" => {
                    settings.live.max_per_principal =
                        parse_number(&source, &value, 1, 10_000)? as usize
                }
                "subscription_recheck_ms" => {
                    settings.live.recheck = ms(parse_number(&source, &value, 100, 3_600_000)?)
                }
                "event_retention_days" => {
                    settings.retention.event_days = parse_number(&source, &value, 1, 36_500)?
                }
                "webhook_delivery_retention_days" => {
                    settings.retention.delivery_days = parse_number(&source, &value, 1, 36_500)?
                }
                "webhook_attempt_retention_days" => {
                    settings.retention.attempt_days = parse_number(&source, &value, 1, 36_500)?
                }
                "audit_retention_days" => {
                    settings.retention.audit_days = Some(parse_number(&source, &value, 1, 36_500)?)
                }
                "retention_interval_seconds" => {
                    settings.retention.interval =
                        std::time::Duration::from_secs(parse_number(&source, &value, 1, 86_400)?)
                }
                "compiled_reads" => settings.compiled_reads = parse_bool(&source, &value)?,
                "documents" => {
                    settings.documents = match value.trim() {
                        "open" => crate::documents::Documents::Open,
                        "registered" => crate::documents::Documents::Registered,
                        _ => {
                            return Err(bad(
                                &source,
                                format!("`{value}` is not `open` or `registered`"),
                            ));
                        }
                    }
                }
                "edi_overdue_interval_seconds" => {
                    settings.edi_overdue_interval =
                        std::time::Duration::from_secs(parse_number(&source, &value, 1, 86_400)?)
                }
                "program_interval_seconds" => {
                    settings.program_interval =
                        std::time::Duration::from_secs(parse_number(&source, &value, 1, 86_400)?)
                }
                "config" => {}
                _ => unreachable!("every key is in KEYS"),
            }
        }
        let analytics = &settings.crm.analytics;
        if analytics.lost_after_days <= analytics.at_risk_after_days {
            return Err(bad(
                "lost_after_days",
                format!(
                    "must be more than at_risk_after_days ({}); it was {}",
                    analytics.at_risk_after_days, analytics.lost_after_days
                ),
            ));
        }
        let partner = &settings.crm.partner;
        if let Some(field) = partner
            .needs_approval
            .iter()
            .find(|f| !partner.self_service.contains(f))
        {
            return Err(bad(
                "partner_approval_fields",
                format!(
                    "{} is not in partner_self_service_fields; partners cannot propose it",
                    field.as_str()
                ),
            ));
        }
        if settings.replica_url.is_some() && settings.database_url.starts_with("sqlite:") {
            return Err(bad(
                "replica_url",
                "a replica needs the primary on PostgreSQL (database_url is SQLite)".to_owned(),
            ));
        }
        if let Some((source, file)) = database_ca_file {
            settings.database_url = with_database_ca(&source, &settings.database_url, &file)?;
            if let Some(replica) = &settings.replica_url {
                settings.replica_url = Some(with_database_ca(&source, replica, &file)?);
            }
        }
        let development = settings.mode == Mode::Development;
        settings.webhooks.production = !development;
        settings.webhooks.allow_private_networks = allow_private.unwrap_or(development);
        if settings.webhooks.lease <= settings.webhooks.timeout {
            return Err(bad(
                "webhook_lease_seconds",
                format!(
                    "must be longer than webhook_timeout_seconds ({} s); it was {} s",
                    settings.webhooks.timeout.as_secs(),
                    settings.webhooks.lease.as_secs()
                ),
            ));
        }
        settings.limits.introspection = introspection.unwrap_or(development);
        settings.limits.graphiql = graphiql.unwrap_or(development);
        settings.limits.suggestions = development;
        settings.limits.anonymous_introspection = development && settings.limits.introspection;
        settings.check_secrets()?;
        Ok(settings)
    }

    /// Production mode never runs on the development secret.
    fn check_secrets(&self) -> Result<(), SettingsError> {
        let auth = &self.auth;
        match auth.jwt_algorithm {
            JwtAlgorithm::Hs256 => {
                if self.mode == Mode::Production && is_development_secret(&auth.jwt_secret) {
                    return Err(bad(
                        "CHANNELGRAPH_JWT_SECRET",
                        "production mode refuses the development secret; set a random secret of at least 32 bytes",
                    ));
                }
                if auth.jwt_secret.len() < 32 {
                    return Err(bad(
                        "CHANNELGRAPH_JWT_SECRET",
                        format!("must be at least 32 bytes; it is {}", auth.jwt_secret.len()),
                    ));
                }
            }
            JwtAlgorithm::EdDsa | JwtAlgorithm::Rs256 => {
                if auth.jwt_private_key_file.is_none() {
                    return Err(bad(
                        "CHANNELGRAPH_JWT_PRIVATE_KEY_FILE",
                        "EdDSA and RS256 need a private key file (PEM)",
                    ));
                }
                if auth.jwt_public_key_file.is_none() {
                    return Err(bad(
                        "CHANNELGRAPH_JWT_PUBLIC_KEY_FILE",
                        "EdDSA and RS256 need a public key file (PEM)",
                    ));
                }
            }
        }
        Ok(())
    }

    /// The access-token keys these settings name, read from their files where needed.
    pub fn jwt_keys(&self) -> Result<crate::auth::jwt::JwtKeys, SettingsError> {
        use crate::auth::jwt::{JwtKeys, KeyMaterial};
        let auth = &self.auth;
        let read = |setting: &str, path: &Option<PathBuf>| -> Result<Vec<u8>, SettingsError> {
            let path = path.as_ref().ok_or_else(|| bad(setting, "is not set"))?;
            std::fs::read(path)
                .map_err(|e| bad(setting, format!("cannot read {}: {e}", path.display())))
        };
        let material = match auth.jwt_algorithm {
            JwtAlgorithm::Hs256 => KeyMaterial::Secret(auth.jwt_secret.as_bytes().to_vec()),
            JwtAlgorithm::EdDsa => KeyMaterial::Ed {
                private_pem: read(
                    "CHANNELGRAPH_JWT_PRIVATE_KEY_FILE",
                    &auth.jwt_private_key_file,
                )?,
                public_pem: read(
                    "CHANNELGRAPH_JWT_PUBLIC_KEY_FILE",
                    &auth.jwt_public_key_file,
                )?,
            },
            JwtAlgorithm::Rs256 => KeyMaterial::Rsa {
                private_pem: read(
                    "CHANNELGRAPH_JWT_PRIVATE_KEY_FILE",
                    &auth.jwt_private_key_file,
                )?,
                public_pem: read(
                    "CHANNELGRAPH_JWT_PUBLIC_KEY_FILE",
                    &auth.jwt_public_key_file,
                )?,
            },
        };
        JwtKeys::new(
            material,
            auth.jwt_issuer.clone(),
            auth.jwt_audience.clone(),
            chrono::Duration::seconds(auth.access_token_ttl_seconds as i64),
        )
        .map_err(|problem| bad("CHANNELGRAPH_JWT_ALGORITHM", problem))
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

/// The PostgreSQL URL with the CA file as its `sslrootcert`. A CA file asks for a verified
/// certificate, so without an `sslmode` the URL gets `verify-full`; one that turns TLS off or
/// names a CA of its own contradicts the setting.
fn with_database_ca(source: &str, url: &str, file: &Path) -> Result<String, SettingsError> {
    if url.starts_with("sqlite:") {
        return Err(bad(
            source,
            "applies to PostgreSQL only; the database URL is SQLite",
        ));
    }
    let text = std::fs::read_to_string(file)
        .map_err(|e| bad(source, format!("cannot read {}: {e}", file.display())))?;
    if !text.contains("-----BEGIN CERTIFICATE-----") {
        return Err(bad(
            source,
            "holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
        ));
    }
    let mut parsed = url::Url::parse(url)
        .map_err(|e| bad(source, format!("the database URL does not parse: {e}")))?;
    let mut pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if pairs.iter().any(|(k, _)| k == "sslrootcert") {
        return Err(bad(
            source,
            "the database URL names a CA too (sslrootcert); name it in one place",
        ));
    }
    match pairs.iter_mut().find(|(k, _)| k == "sslmode") {
        None => pairs.push(("sslmode".into(), "verify-full".into())),
        // As libpq does when a root certificate is given: `require` verifies the CA.
        Some((_, mode)) if mode == "require" => *mode = "verify-ca".into(),
        Some((_, mode)) if mode == "verify-ca" || mode == "verify-full" => {}
        Some((_, other)) => {
            return Err(bad(
                source,
                format!(
                    "the database URL says sslmode={other}; use require, verify-ca or verify-full with a CA file"
                ),
            ));
        }
    }
    pairs.push(("sslrootcert".into(), file.display().to_string()));
    parsed.query_pairs_mut().clear().extend_pairs(&pairs);
    Ok(parsed.into())
}

/// Browser origins, separated by commas or spaces: each `scheme://host` with an optional
/// port, as a browser sends it in `Origin`.
fn parse_origins(source: &str, value: &str) -> Result<Vec<String>, SettingsError> {
    let mut origins = Vec::new();
    for origin in value
        .split([',', ' '])
        .map(str::trim)
        .filter(|o| !o.is_empty())
    {
        if origin == "*" {
            return Err(bad(
                source,
                "`*` would let every site call the API with its users' tokens; list the origins",
            ));
        }
        let Some((scheme, rest)) = origin.split_once("://") else {
            return Err(bad(
                source,
                format!("`{origin}` is not an origin such as https://portal.example"),
            ));
        };
        let host_ok = !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
        if !matches!(scheme, "http" | "https") || !host_ok {
            return Err(bad(
                source,
                format!(
                    "`{origin}` is not an origin: http or https, a host and an optional port, no path"
                ),
            ));
        }
        // As a browser sends it: the scheme's default port is left out.
        let origin = origin.to_ascii_lowercase();
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) if !port.contains(']') => (host, Some(port)),
            _ => (rest, None),
        };
        let origin = match port {
            None => origin,
            Some(port) => match port.parse::<u16>() {
                Ok(n) if n > 0 => {
                    if (scheme == "http" && n == 80) || (scheme == "https" && n == 443) {
                        format!("{scheme}://{}", host.to_ascii_lowercase())
                    } else {
                        origin
                    }
                }
                _ => {
                    return Err(bad(
                        source,
                        format!("`{origin}` has no port from 1 to 65535"),
                    ));
                }
            },
        };
        origins.push(origin);
    }
    Ok(origins)
}

fn parse_bool(source: &str, value: &str) -> Result<bool, SettingsError> {
    match value.trim() {
        "true" | "on" | "1" => Ok(true),
        "false" | "off" | "0" => Ok(false),
        _ => Err(bad(source, format!("`{value}` is not true or false"))),
    }
}

fn parse_decimal(
    source: &str,
    value: &str,
    min: &str,
    max: &str,
) -> Result<rust_decimal::Decimal, SettingsError> {
    use std::str::FromStr;
    let bounds = (
        rust_decimal::Decimal::from_str(min),
        rust_decimal::Decimal::from_str(max),
    );
    match (rust_decimal::Decimal::from_str(value.trim()), bounds) {
        (Ok(n), (Ok(lo), Ok(hi))) if n >= lo && n <= hi => Ok(n.normalize()),
        _ => Err(bad(
            source,
            format!("`{value}` is not a decimal number from {min} to {max}"),
        )),
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

    #[test]
    fn production_mode_refuses_the_development_secret() {
        let err =
            Settings::from_sources(None, &env(&[("CHANNELGRAPH_MODE", "production")])).unwrap_err();
        assert!(
            err.to_string().starts_with(
                "CHANNELGRAPH_JWT_SECRET: production mode refuses the development secret"
            ),
            "{err}"
        );
        let own = "a production secret of more than 32 bytes!";
        let s = Settings::from_sources(
            None,
            &env(&[
                ("CHANNELGRAPH_MODE", "production"),
                ("CHANNELGRAPH_JWT_SECRET", own),
            ]),
        )
        .unwrap();
        assert_eq!(s.mode, Mode::Production);
        assert!(!s.limits.suggestions);
        // Padded, or inside a longer secret, the development secret is still refused.
        for padded in [
            format!("{DEVELOPMENT_JWT_SECRET} "),
            format!("  {DEVELOPMENT_JWT_SECRET}\n"),
            format!("x{DEVELOPMENT_JWT_SECRET}y"),
        ] {
            let err = Settings::from_sources(
                None,
                &env(&[
                    ("CHANNELGRAPH_MODE", "production"),
                    ("CHANNELGRAPH_JWT_SECRET", &padded),
                ]),
            )
            .unwrap_err();
            assert!(
                err.to_string()
                    .contains("production mode refuses the development secret"),
                "{padded:?}: {err}"
            );
        }
        let err = Settings::from_sources(None, &env(&[("CHANNELGRAPH_JWT_SECRET", "short")]))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "CHANNELGRAPH_JWT_SECRET: must be at least 32 bytes; it is 5"
        );
    }

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn partner_fields_are_names_of_the_api_and_what_waits_is_self_service() {
        let s = Settings::from_sources(
            None,
            &env(&[
                ("CHANNELGRAPH_PARTNER_SELF_SERVICE_FIELDS", "name, taxId"),
                ("CHANNELGRAPH_PARTNER_APPROVAL_FIELDS", ""),
            ]),
        )
        .unwrap();
        assert_eq!(
            s.crm.partner.self_service,
            [PartnerField::Name, PartnerField::TaxId]
        );
        assert!(s.crm.partner.needs_approval.is_empty());
        let err = Settings::from_sources(
            None,
            &env(&[(
                "CHANNELGRAPH_PARTNER_SELF_SERVICE_FIELDS",
                "name,bankAccount",
            )]),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "CHANNELGRAPH_PARTNER_SELF_SERVICE_FIELDS: `bankAccount` is not one of name, legalName, taxId, segment, customerType"
        );
        let err = Settings::from_sources(
            None,
            &env(&[("CHANNELGRAPH_PARTNER_SELF_SERVICE_FIELDS", "name")]),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "partner_approval_fields: legalName is not in partner_self_service_fields; partners cannot propose it"
        );
    }

    #[test]
    fn event_settings_are_checked() {
        let err = Settings::from_sources(
            None,
            &env(&[
                ("CHANNELGRAPH_WEBHOOK_TIMEOUT_SECONDS", "30"),
                ("CHANNELGRAPH_WEBHOOK_LEASE_SECONDS", "30"),
            ]),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "webhook_lease_seconds: must be longer than webhook_timeout_seconds (30 s); it was 30 s"
        );
        let err = Settings::from_sources(
            None,
            &env(&[("CHANNELGRAPH_MAX_SUBSCRIPTIONS_PER_PRINCIPAL", "0")]),
        )
        .unwrap_err();
        assert!(
            err.to_string().starts_with(
                "CHANNELGRAPH_MAX_SUBSCRIPTIONS_PER_PRINCIPAL: `0` is not a whole number"
            ),
            "{err}"
        );
        let production = Settings::from_sources(
            None,
            &env(&[
                ("CHANNELGRAPH_MODE", "production"),
                (
                    "CHANNELGRAPH_JWT_SECRET",
                    "a production secret of more than 32 bytes!",
                ),
            ]),
        )
        .unwrap();
        assert!(production.webhooks.production);
        assert!(!production.webhooks.allow_private_networks);
    }

    #[test]
    fn the_business_time_zone_is_an_iana_zone() {
        let s = Settings::from_sources(
            None,
            &env(&[
                ("CHANNELGRAPH_BUSINESS_TIME_ZONE", "Asia/Shanghai"),
                ("CHANNELGRAPH_KEY_ACCOUNT_VISIT_DAYS", "30"),
            ]),
        )
        .unwrap();
        assert_eq!(s.crm.business_time_zone, chrono_tz::Asia::Shanghai);
        assert_eq!(s.crm.key_account_visit_days, 30);
        let err = Settings::from_sources(
            None,
            &env(&[("CHANNELGRAPH_BUSINESS_TIME_ZONE", "Mars/Olympus")]),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "CHANNELGRAPH_BUSINESS_TIME_ZONE: `Mars/Olympus` is not an IANA time zone like Europe/Berlin"
        );
    }

    #[test]
    fn allowed_origins_are_origins_and_never_everyone() {
        let s = Settings::from_sources(
            None,
            &env(&[(
                "CHANNELGRAPH_CORS_ALLOWED_ORIGINS",
                "https://Portal.example, http://127.0.0.1:8080",
            )]),
        )
        .unwrap();
        assert_eq!(
            s.cors_allowed_origins,
            ["https://portal.example", "http://127.0.0.1:8080"]
        );
        let s = Settings::from_sources(
            None,
            &env(&[(
                "CHANNELGRAPH_CORS_ALLOWED_ORIGINS",
                "http://a.example:80 https://b.example:443 https://[::1]:8443",
            )]),
        )
        .unwrap();
        assert_eq!(
            s.cors_allowed_origins,
            [
                "http://a.example",
                "https://b.example",
                "https://[::1]:8443"
            ]
        );
        assert!(
            Settings::from_sources(None, &[])
                .unwrap()
                .cors_allowed_origins
                .is_empty()
        );
        for (value, problem) in [
            (
                "*",
                "`*` would let every site call the API with its users' tokens; list the origins",
            ),
            (
                "portal.example",
                "`portal.example` is not an origin such as https://portal.example",
            ),
            (
                "https://portal.example/app",
                "`https://portal.example/app` is not an origin: http or https, a host and an optional port, no path",
            ),
            (
                "https://portal.example:99999",
                "`https://portal.example:99999` has no port from 1 to 65535",
            ),
            (
                "ftp://portal.example",
                "`ftp://portal.example` is not an origin: http or https, a host and an optional port, no path",
            ),
        ] {
            let err =
                Settings::from_sources(None, &env(&[("CHANNELGRAPH_CORS_ALLOWED_ORIGINS", value)]))
                    .unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("CHANNELGRAPH_CORS_ALLOWED_ORIGINS: {problem}")
            );
        }
    }

    #[test]
    fn only_development_shows_the_schema_before_sign_in() {
        let dev = Settings::from_sources(None, &[]).unwrap();
        assert!(dev.limits.anonymous_introspection);
        let production = Settings::from_sources(
            None,
            &env(&[
                ("CHANNELGRAPH_MODE", "production"),
                ("CHANNELGRAPH_INTROSPECTION", "true"),
                (
                    "CHANNELGRAPH_JWT_SECRET",
                    "a production secret of more than 32 bytes!",
                ),
            ]),
        )
        .unwrap();
        assert!(production.limits.introspection);
        assert!(!production.limits.anonymous_introspection);
    }

    #[test]
    fn a_metrics_token_is_long_enough_to_guard_the_metrics() {
        let s = Settings::from_sources(
            None,
            &env(&[("CHANNELGRAPH_METRICS_TOKEN", "scrape-token-0123456789")]),
        )
        .unwrap();
        assert_eq!(s.metrics_token.as_deref(), Some("scrape-token-0123456789"));
        assert_eq!(
            Settings::from_sources(None, &[]).unwrap().metrics_token,
            None
        );
        let err = Settings::from_sources(None, &env(&[("CHANNELGRAPH_METRICS_TOKEN", "short")]))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "CHANNELGRAPH_METRICS_TOKEN: must be at least 16 characters"
        );
    }

    #[test]
    fn analytics_thresholds_are_checked() {
        let s = Settings::from_sources(
            None,
            &env(&[
                ("CHANNELGRAPH_DISCOUNT_RATE", "0.08"),
                ("CHANNELGRAPH_REPORTING_CURRENCY", "cny"),
            ]),
        )
        .unwrap();
        assert_eq!(s.crm.analytics.discount_rate.to_string(), "0.08");
        assert_eq!(s.crm.analytics.reporting_currency, "CNY");
        let err =
            Settings::from_sources(None, &env(&[("CHANNELGRAPH_DISCOUNT_RATE", "0")])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "CHANNELGRAPH_DISCOUNT_RATE: `0` is not a decimal number from 0.0001 to 1"
        );
        let err = Settings::from_sources(None, &env(&[("CHANNELGRAPH_LOST_AFTER_DAYS", "90")]))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "lost_after_days: must be more than at_risk_after_days (180); it was 90"
        );
    }

    #[test]
    fn a_replica_is_a_postgresql_standby_of_a_postgresql_primary() {
        let err = Settings::from_sources(
            None,
            &env(&[("CHANNELGRAPH_REPLICA_URL", "postgres://replica/cg")]),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "replica_url: a replica needs the primary on PostgreSQL (database_url is SQLite)"
        );
        let err = Settings::from_sources(
            None,
            &env(&[
                ("CHANNELGRAPH_DATABASE_URL", "postgres://primary/cg"),
                ("CHANNELGRAPH_REPLICA_URL", "sqlite://copy.db"),
            ]),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "CHANNELGRAPH_REPLICA_URL: must start with postgres://"
        );
        let s = Settings::from_sources(
            None,
            &env(&[
                ("CHANNELGRAPH_DATABASE_URL", "postgres://primary/cg"),
                ("CHANNELGRAPH_REPLICA_URL", "postgres://replica/cg"),
            ]),
        )
        .unwrap();
        assert_eq!(s.replica_url.as_deref(), Some("postgres://replica/cg"));
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
        assert!(
            err.to_string().ends_with("unknown setting `colour`"),
            "{err}"
        );
    }
}
