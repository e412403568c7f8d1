//! HTTP: `/graphql` as the GraphQL-over-HTTP spec has it, health probes, `/metrics`, and
//! request ids.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::web::{self, Bytes};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{Variables, parser};
use governor::DefaultKeyedRateLimiter;
use governor::clock::{Clock, DefaultClock};
use sea_orm::DatabaseConnection;
use serde_json::{Map, Value, json};
use tracing::Instrument;
use uuid::Uuid;

use crate::access::Principal;
use crate::auth::graphql::AuthContext;
use crate::auth::jwt::JwtKeys;
use crate::auth::throttle::SignInThrottle;
use crate::error::INTERNAL;
use crate::graphql::batching::PassGate;
use crate::graphql::limits::{self, DocumentLimits};
use crate::graphql::loading::LoadScope;
use crate::metrics::{Metrics, Outcome};
use crate::schema::AppSchema;
use crate::schema::{LoaderSettings, with_loaders};
use crate::settings::LimitSettings;

pub(crate) const JSON: &str = "application/json";
const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

/// The id of one request, in the `x-request-id` header and in every log line it causes.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// The id of the request, as its log lines carry it.
pub fn request_id_of(req: &HttpRequest) -> String {
    req.extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default()
}

/// Cross-origin calls from the allowed origins: preflights are answered, bearer tokens and
/// JSON may be sent, and the headers a client reads (the request id, `Retry-After`,
/// `WWW-Authenticate`) are exposed. A request from another origin is served as any other,
/// without `Access-Control-*` headers, so the browser keeps the answer from that page.
pub fn cors(origins: &[String]) -> actix_cors::Cors {
    let request_id = header::HeaderName::from_static("x-request-id");
    let mut cors = actix_cors::Cors::default()
        .allowed_methods(["GET", "POST"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            request_id.clone(),
        ])
        .expose_headers([request_id, header::RETRY_AFTER, header::WWW_AUTHENTICATE])
        .supports_credentials()
        .block_on_origin_mismatch(false)
        .max_age(600);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}

/// Gives every request an id (the caller's `x-request-id` if it is sane), a span carrying it,
/// a log line when it ends, and the id on the response.
pub async fn request_id(
    req: ServiceRequest,
    next: actix_web::middleware::Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .map(str::to_owned)
        .unwrap_or_else(|| Uuid::now_v7().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        path = %req.path()
    );
    let started = Instant::now();
    let mut res = next.call(req).instrument(span.clone()).await?;
    span.in_scope(|| {
        tracing::info!(
            status = res.status().as_u16(),
            elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
            "request finished"
        )
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut()
            .insert(header::HeaderName::from_static("x-request-id"), value);
    }
    Ok(res)
}

pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

pub async fn readyz(db: web::Data<DatabaseConnection>) -> HttpResponse {
    match crate::db::ping(&db).await {
        Ok(()) => HttpResponse::Ok().json(json!({ "status": "ok", "database": "ok" })),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            HttpResponse::ServiceUnavailable()
                .json(json!({ "status": "unavailable", "database": "unreachable" }))
        }
    }
}

/// The metrics in the Prometheus text format, to a scraper sending the metrics token as a
/// bearer token. Without a configured token there is nothing here.
pub async fn metrics(req: HttpRequest, state: web::Data<GraphqlState>) -> HttpResponse {
    let Some(expected) = &state.metrics_token else {
        return HttpResponse::NotFound().finish();
    };
    let sent = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    // Compared as digests, so the time taken says nothing of how much of it matched.
    if crate::auth::secrets::digest(sent) != crate::auth::secrets::digest(expected) {
        return HttpResponse::Unauthorized()
            .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
            .finish();
    }
    let backlog = match crate::events::webhooks::backlog(&state.db).await {
        Ok(n) => n,
        Err(err) => {
            tracing::error!(error = %err, "the outbox backlog could not be counted");
            return HttpResponse::ServiceUnavailable().finish();
        }
    };
    match state.metrics.render(&state.db, backlog) {
        Ok(text) => HttpResponse::Ok()
            .content_type("text/plain; version=0.0.4; charset=utf-8")
            .body(text),
        Err(err) => {
            tracing::error!(error = %err, "metrics could not be written");
            HttpResponse::InternalServerError().finish()
        }
    }
}

/// The response media type the client accepts best; `None` when it accepts neither.
fn negotiate(req: &HttpRequest) -> Option<&'static str> {
    let Some(accept) = accept_header(req) else {
        return Some(JSON);
    };
    if accept.trim().is_empty() {
        return Some(JSON);
    }
    let mut best: Option<(&'static str, f32)> = None;
    for (media, q) in media_ranges(accept) {
        let kind = match media.to_ascii_lowercase().as_str() {
            GRAPHQL_RESPONSE_JSON => GRAPHQL_RESPONSE_JSON,
            JSON | "application/*" | "*/*" => JSON,
            _ => continue,
        };
        if q > 0.0 && best.is_none_or(|(_, bq)| q > bq) {
            best = Some((kind, q));
        }
    }
    best.map(|(kind, _)| kind)
}

/// Whether the client accepts `text/html` (a browser): media types compare without regard
/// to case, and `q=0` refuses.
fn accepts_html(req: &HttpRequest) -> bool {
    accept_header(req).is_some_and(|accept| {
        media_ranges(accept).any(|(media, q)| media.eq_ignore_ascii_case("text/html") && q > 0.0)
    })
}

fn accept_header(req: &HttpRequest) -> Option<&str> {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
}

/// The media ranges of an `Accept` header with their weights (`q`, 1 when absent).
fn media_ranges(accept: &str) -> impl Iterator<Item = (&str, f32)> {
    accept.split(',').map(|range| {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        (media, q)
    })
}

/// An error that stops a request before it runs: `400` without `data` under
/// `application/graphql-response+json`, `200` under `application/json`, as the spec has it
/// for validation failures.
fn request_error(media: &str, message: &str, code: &str) -> HttpResponse {
    let status = if media == GRAPHQL_RESPONSE_JSON {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, format!("{media}; charset=utf-8")))
        .body(
            json!({ "errors": [{ "message": message, "extensions": { "code": code } }] })
                .to_string(),
        )
}

/// A refusal before GraphQL runs, in the same shape as every other error: a message and
/// `extensions.code`.
fn error_response(status: StatusCode, media: &str, message: &str) -> HttpResponse {
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "QUERY_TOO_COMPLEX",
        StatusCode::INTERNAL_SERVER_ERROR => INTERNAL,
        _ => "BAD_USER_INPUT",
    };
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, format!("{media}; charset=utf-8")))
        .body(
            json!({ "errors": [{ "message": message, "extensions": { "code": code } }] })
                .to_string(),
        )
}

/// The request body, read up to the configured limit; a larger one is a `413` in the API's
/// error shape, refused as soon as its length (declared or read) passes the limit.
pub(crate) async fn read_body(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
    media: &str,
) -> Result<Bytes, HttpResponse> {
    use futures_util::StreamExt;
    let too_large = || {
        error_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            media,
            &format!("the request body is larger than {limit} bytes"),
        )
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let mut body = web::BytesMut::with_capacity(declared.unwrap_or(0).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|err| {
            error_response(
                StatusCode::BAD_REQUEST,
                media,
                &format!("the request body could not be read: {err}"),
            )
        })?;
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// The code of a document that does not parse.
pub const GRAPHQL_PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";

/// A request error made of GraphQL errors (with their locations), in the shape
/// [`request_error`] gives.
fn refusal(media: &str, errors: &[async_graphql::ServerError]) -> HttpResponse {
    let status = if media == GRAPHQL_RESPONSE_JSON {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let body = serde_json::to_string(&json!({ "errors": errors }))
        .unwrap_or_else(|_| json!({ "errors": [{ "message": "the document does not parse", "extensions": { "code": GRAPHQL_PARSE_FAILED } }] }).to_string());
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, format!("{media}; charset=utf-8")))
        .body(body)
}

/// Argument values that cannot be used, as `BAD_USER_INPUT` errors naming the field (the
/// argument path) and the field it is an argument of (the response path).
pub fn argument_errors(
    faults: Vec<crate::graphql::arguments::Fault>,
) -> Vec<async_graphql::ServerError> {
    faults
        .into_iter()
        .map(|fault| {
            let mut error = async_graphql::ServerError::new(fault.message, None);
            error.path = fault
                .path
                .into_iter()
                .map(async_graphql::PathSegment::Field)
                .collect();
            let extensions = error.extensions.get_or_insert_with(Default::default);
            extensions.set("code", "BAD_USER_INPUT");
            extensions.set("field", fault.field);
            error
        })
        .collect()
}

/// The parameters of a GraphQL request, checked for their types.
struct Params {
    query: Option<String>,
    /// A registered document's id, sent instead of the query.
    document_id: Option<String>,
    operation_name: Option<String>,
    variables: Option<Map<String, Value>>,
    extensions: Option<Map<String, Value>>,
}

fn params(value: Value) -> Result<Params, String> {
    let Value::Object(mut map) = value else {
        return Err("the request body must be a JSON object".into());
    };
    let query = match map.remove("query") {
        Some(Value::String(q)) => Some(q),
        None | Some(Value::Null) => None,
        Some(_) => return Err("query must be a string".into()),
    };
    let document_id = match map.remove("documentId") {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) => Some(id),
        Some(_) => return Err("documentId must be a string".into()),
    };
    let operation_name = match map.remove("operationName") {
        None | Some(Value::Null) => None,
        Some(Value::String(name)) => Some(name),
        Some(_) => return Err("operationName must be a string or null".into()),
    };
    let object = |key: &str, value: Option<Value>| match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(_) => Err(format!("{key} must be an object or null")),
    };
    let variables = object("variables", map.remove("variables"))?;
    let extensions = object("extensions", map.remove("extensions"))?;
    let persisted = extensions
        .as_ref()
        .is_some_and(|e| e.contains_key("persistedQuery"));
    if query.is_none() && document_id.is_none() && !persisted {
        return Err("query is missing".into());
    }
    Ok(Params {
        query,
        document_id,
        operation_name,
        variables,
        extensions,
    })
}

/// What `/graphql` needs from the application.
pub struct GraphqlState {
    pub schema: AppSchema,
    pub anonymous_schema: AppSchema,
    pub limits: LimitSettings,
    pub trade: crate::settings::TradeSettings,
    pub crm: crate::settings::CrmSettings,
    pub webhooks: crate::settings::WebhookSettings,
    pub live: crate::settings::LiveSettings,
    /// The committed events, for subscriptions.
    pub bus: crate::events::bus::Bus,
    /// The subscriptions each principal holds.
    pub slots: Arc<crate::events::socket::Slots>,
    /// Turns true when the server stops: sockets close.
    pub shutdown: tokio::sync::watch::Receiver<bool>,
    pub retention: Arc<crate::analytics::cache::RetentionCache>,
    pub rate_limiter: Arc<DefaultKeyedRateLimiter<String>>,
    /// Applications to join the program, per address and hour.
    pub applications: Arc<DefaultKeyedRateLimiter<String>>,
    pub db: DatabaseConnection,
    pub keys: Arc<JwtKeys>,
    pub refresh_ttl: chrono::Duration,
    pub throttle: Arc<SignInThrottle>,
    pub metrics: Arc<Metrics>,
    /// The bearer token `/metrics` asks for; `None` leaves `/metrics` unserved.
    pub metrics_token: Option<String>,
    /// The largest request body, in bytes.
    pub body_limit: usize,
    /// The schema's argument types, to check every argument before execution.
    pub arguments: Arc<crate::graphql::arguments::ArgumentTypes>,
    /// The credentials this node checked lately.
    pub credentials: Arc<crate::auth::credentials::Credentials>,
    /// The registered documents this node has read.
    pub documents: Arc<crate::documents::DocumentCache>,
    /// Whether any document runs, or registered ones only.
    pub documents_mode: crate::documents::Documents,
}

/// Root fields an anonymous caller may use: signing in, refreshing and signing out.
const ANONYMOUS_FIELDS: [&str; 5] = [
    "login",
    "tokenRefresh",
    "logout",
    "invitationAccept",
    "partnerApply",
];

pub(crate) fn unauthenticated(media: &str, message: &str) -> HttpResponse {
    HttpResponse::build(StatusCode::UNAUTHORIZED)
        .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
        .insert_header((header::CONTENT_TYPE, format!("{media}; charset=utf-8")))
        .body(
            json!({ "errors": [{ "message": message, "extensions": { "code": "UNAUTHENTICATED" } }] })
                .to_string(),
        )
}

/// The caller, from the `Authorization` header; a header that is present but not a valid
/// credential is refused outright rather than treated as anonymous.
pub(crate) async fn authenticate(
    req: &HttpRequest,
    state: &GraphqlState,
    media: &str,
) -> Result<Principal, HttpResponse> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(Principal::Anonymous);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let Some(token) = token else {
        return Err(unauthenticated(
            media,
            "the Authorization header must be `Bearer <token>`",
        ));
    };
    let principal = principal_for_token(state, token).await;
    match principal {
        Ok(principal) => Ok(principal),
        Err(crate::error::Error::Unauthenticated) => Err(unauthenticated(
            media,
            "the access token is not valid; sign in again",
        )),
        Err(crate::error::Error::Database(err)) if crate::error::unreachable(&err) => {
            tracing::warn!(error = %err, "the database cannot be reached to authenticate");
            Err(HttpResponse::build(StatusCode::SERVICE_UNAVAILABLE)
                .insert_header((header::CONTENT_TYPE, format!("{media}; charset=utf-8")))
                .insert_header((header::RETRY_AFTER, "1"))
                .body(
                    json!({ "errors": [{ "message": crate::error::UNAVAILABLE_MESSAGE, "extensions": { "code": crate::error::UNAVAILABLE } }] })
                        .to_string(),
                ))
        }
        Err(other) => {
            tracing::error!(error = %crate::error::error_chain(&other), "authentication failed");
            Err(error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                media,
                "internal error",
            ))
        }
    }
}

/// The principal an access token or an API token stands for.
pub async fn principal_for_token(
    state: &GraphqlState,
    token: &str,
) -> crate::error::Result<Principal> {
    check_token(state, token).await.map(|c| c.principal)
}

/// What an access token or an API token stands for: from this node's memory when it was
/// checked lately and nothing has revoked it since, else from the database.
pub async fn check_token(
    state: &GraphqlState,
    token: &str,
) -> crate::error::Result<crate::auth::credentials::Checked> {
    let key = crate::auth::secrets::digest(token);
    if let Some(checked) = state.credentials.recall(&key) {
        return Ok(checked);
    }
    let generation = state.credentials.generation();
    let checked = if token.starts_with(crate::auth::secrets::API_TOKEN_PREFIX) {
        crate::auth::api_tokens::check(&state.db, token).await?
    } else {
        crate::auth::service::check_access_token(&state.db, &state.keys, token).await?
    };
    state.credentials.remember(key, checked.clone(), generation);
    Ok(checked)
}

pub async fn graphql_post(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<GraphqlState>,
) -> HttpResponse {
    let Some(media) = negotiate(&req) else {
        return error_response(
            StatusCode::NOT_ACCEPTABLE,
            JSON,
            "accept application/graphql-response+json or application/json",
        );
    };
    let body = match read_body(&req, payload, state.body_limit, media).await {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case(JSON) {
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            "send the request as Content-Type: application/json",
        );
    }
    // The body object and its `variables` wrap the values.
    if let Err(message) = limits::check_json_nesting(&body, 2) {
        return request_error(media, &message, "QUERY_TOO_COMPLEX");
    }
    let value: Value = match limits::parse_json(&body) {
        Ok(v) => v,
        Err(e) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                media,
                &format!("the request body is not valid JSON: {e}"),
            );
        }
    };
    match params(value) {
        Ok(p) => execute(&req, &state, p, media, false).await,
        Err(message) => error_response(StatusCode::BAD_REQUEST, media, &message),
    }
}

pub async fn graphql_get(req: HttpRequest, state: web::Data<GraphqlState>) -> HttpResponse {
    let query: Vec<(String, String)> =
        match web::Query::<Vec<(String, String)>>::from_query(req.query_string()) {
            Ok(q) => q.into_inner(),
            Err(_) => {
                return error_response(
                    StatusCode::BAD_REQUEST,
                    JSON,
                    "the query string is malformed",
                );
            }
        };
    let get = |key: &str| query.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let wants_html = accepts_html(&req);
    if get("query").is_none() && wants_html && state.limits.graphiql {
        return HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header(("X-Content-Type-Options", "nosniff"))
            // The sign-in bar must not be framed by another site (clickjacking).
            .insert_header(("Content-Security-Policy", "frame-ancestors 'none'"))
            .insert_header(("X-Frame-Options", "DENY"))
            .body(crate::graphiql::PAGE);
    }
    let Some(media) = negotiate(&req) else {
        return error_response(
            StatusCode::NOT_ACCEPTABLE,
            JSON,
            "accept application/graphql-response+json or application/json",
        );
    };
    let mut map = Map::new();
    if let Some(q) = get("query") {
        map.insert("query".into(), Value::String(q));
    }
    if let Some(name) = get("operationName") {
        map.insert("operationName".into(), Value::String(name));
    }
    if let Some(id) = get("documentId") {
        map.insert("documentId".into(), Value::String(id));
    }
    for key in ["variables", "extensions"] {
        if let Some(raw) = get(key) {
            if let Err(message) = limits::check_json_nesting(raw.as_bytes(), 1) {
                return request_error(media, &message, "QUERY_TOO_COMPLEX");
            }
            match limits::parse_json(raw.as_bytes()) {
                Ok(v) => {
                    map.insert(key.into(), v);
                }
                Err(e) => {
                    return error_response(
                        StatusCode::BAD_REQUEST,
                        media,
                        &format!("{key} is not valid JSON: {e}"),
                    );
                }
            }
        }
    }
    match params(Value::Object(map)) {
        Ok(p) => {
            let by_id = p.query.is_none();
            let answer = execute(&req, &state, p, media, true).await;
            let answered = answer.extensions().get::<Outcome>() == Some(&Outcome::Ok);
            if by_id && answered {
                cacheable(&req, answer).await
            } else {
                answer
            }
        }
        Err(message) => error_response(StatusCode::BAD_REQUEST, media, &message),
    }
}

/// A query sent by id over GET, answered with an `ETag` of its body and
/// `Cache-Control: private`; `304` when the caller's `If-None-Match` names it.
async fn cacheable(req: &HttpRequest, answer: HttpResponse) -> HttpResponse {
    use sha2::Digest;
    let (head, body) = answer.into_parts();
    let Ok(bytes) = actix_web::body::to_bytes(body).await else {
        return HttpResponse::InternalServerError().finish();
    };
    let digest = sha2::Sha256::digest(&bytes);
    let tag: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    let etag = format!("\"{tag}\"");
    let matches = req
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            v.split(',').any(|t| {
                t.trim() == etag || t.trim().strip_prefix("W/") == Some(&etag) || t.trim() == "*"
            })
        });
    let mut answer = if matches {
        HttpResponse::NotModified().finish()
    } else {
        head.set_body(actix_web::body::BoxBody::new(bytes))
    };
    answer.headers_mut().insert(
        header::ETAG,
        header::HeaderValue::from_str(&etag).unwrap_or(header::HeaderValue::from_static("\"\"")),
    );
    answer.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("private, no-cache"),
    );
    answer
}

/// A persisted query's id (Apollo's `extensions.persistedQuery`), if the request carries one.
fn persisted_query(p: &Params) -> Option<Result<String, &'static str>> {
    let persisted = p.extensions.as_ref()?.get("persistedQuery")?;
    let hash = persisted.get("sha256Hash").and_then(Value::as_str);
    let version = persisted.get("version").and_then(Value::as_i64);
    Some(match (hash, version) {
        (Some(hash), Some(1)) => crate::documents::parse_id(hash)
            .ok_or("extensions.persistedQuery.sha256Hash is not 64 hex digits"),
        (_, Some(v)) if v != 1 => Err("extensions.persistedQuery.version must be 1"),
        _ => Err("extensions.persistedQuery needs version 1 and sha256Hash"),
    })
}

/// The text a request runs: its query, or the registered document its id names; and a
/// persisted query's text to register once its sender is known to be signed in.
/// The document a request runs.
struct Sent {
    text: String,
    /// A persisted query's text to keep for its next request by hash.
    to_register: Option<String>,
    /// Known to be a document staff or the operator registered.
    trusted: bool,
}

async fn document_of(
    state: &GraphqlState,
    p: &Params,
    media: &'static str,
) -> Result<Sent, HttpResponse> {
    use crate::documents::{Documents, document_id, parse_id};
    let registered_only = state.documents_mode == Documents::Registered;
    // The registered document `id` names, if this server runs it: a persisted query's text a
    // client left behind runs only where any document does.
    let lookup = |id: String| async move {
        let found = state
            .documents
            .find(&state.db, &id, registered_only)
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "a registered document could not be read");
                error_response(
                    StatusCode::SERVICE_UNAVAILABLE,
                    media,
                    "the document could not be read",
                )
            })?;
        Ok::<_, HttpResponse>(found.filter(|d| d.trusted || !registered_only))
    };
    let stored = |d: crate::documents::Stored| Sent {
        text: d.text.to_string(),
        to_register: None,
        trusted: d.trusted,
    };
    match (&p.query, &p.document_id, persisted_query(p)) {
        (Some(_), Some(_), _) => Err(error_response(
            StatusCode::BAD_REQUEST,
            media,
            "send either query or documentId, not both",
        )),
        (_, _, Some(Err(message))) => Err(error_response(StatusCode::BAD_REQUEST, media, message)),
        (_, Some(_), Some(_)) => Err(error_response(
            StatusCode::BAD_REQUEST,
            media,
            "send either documentId or extensions.persistedQuery, not both",
        )),
        (None, Some(raw), _) => {
            let Some(id) = parse_id(raw) else {
                return Err(error_response(
                    StatusCode::BAD_REQUEST,
                    media,
                    "documentId must be sha256: and 64 hex digits",
                ));
            };
            match lookup(id.clone()).await? {
                Some(found) => Ok(stored(found)),
                None => Err(request_error(
                    media,
                    &format!("no document is registered as {id}"),
                    "PERSISTED_DOCUMENT_NOT_FOUND",
                )),
            }
        }
        (None, None, Some(Ok(id))) => match lookup(id).await? {
            Some(found) => Ok(stored(found)),
            None => Err(request_error(
                media,
                "PersistedQueryNotFound",
                "PERSISTED_QUERY_NOT_FOUND",
            )),
        },
        (Some(query), None, Some(Ok(id))) => {
            if document_id(query) != id {
                return Err(request_error(
                    media,
                    "provided sha does not match query",
                    "PERSISTED_QUERY_HASH_MISMATCH",
                ));
            }
            match lookup(id).await? {
                Some(found) => Ok(stored(found)),
                None if registered_only => Err(request_error(
                    media,
                    "this server runs registered documents only, and registers none on the way",
                    "PERSISTED_DOCUMENT_REQUIRED",
                )),
                None => Ok(Sent {
                    text: query.clone(),
                    to_register: Some(query.clone()),
                    trusted: false,
                }),
            }
        }
        (Some(query), None, None) => {
            if registered_only && lookup(document_id(query)).await?.is_none() {
                return Err(request_error(
                    media,
                    "this server runs registered documents only: send a registered document's documentId",
                    "PERSISTED_DOCUMENT_REQUIRED",
                ));
            }
            Ok(Sent {
                text: query.clone(),
                to_register: None,
                trusted: registered_only,
            })
        }
        (None, None, None) => Err(error_response(
            StatusCode::BAD_REQUEST,
            media,
            "query is missing",
        )),
    }
}

/// Whether `principal` may run `sent`: an API token made for registered documents only runs
/// nothing else, by text or by a persisted query's hash.
async fn may_run(
    state: &GraphqlState,
    principal: &Principal,
    sent: &Sent,
    media: &'static str,
) -> Result<(), HttpResponse> {
    if sent.trusted || !principal.registered_documents_only() {
        return Ok(());
    }
    let id = crate::documents::document_id(&sent.text);
    match state.documents.find(&state.db, &id, true).await {
        Ok(Some(found)) if found.trusted => Ok(()),
        Ok(_) => Err(request_error(
            media,
            "this API token runs registered documents only: send a registered document's documentId",
            "PERSISTED_DOCUMENT_REQUIRED",
        )),
        Err(e) => {
            tracing::error!(error = %e, "a registered document could not be read");
            Err(error_response(
                StatusCode::SERVICE_UNAVAILABLE,
                media,
                "the document could not be read",
            ))
        }
    }
}

/// What the HTTP layer needs to know of the operation a request selects.
struct OperationShape {
    /// A mutation or subscription, which GET must not run.
    changes: bool,
    /// Only the root fields an anonymous caller may use.
    anonymous_ok: bool,
    /// A query of introspection fields only (`__schema`, `__type`, `__typename`).
    introspection_only: bool,
}

/// The shape of the selected operation; `None` when the document names no single operation
/// (execution then reports that, and runs nothing).
fn operation_shape(
    doc: &parser::types::ExecutableDocument,
    operation_name: Option<&str>,
) -> Option<OperationShape> {
    use parser::types::Selection;
    let op = crate::graphql::selected_operation(doc, operation_name)?;
    let changes = matches!(
        op.node.ty,
        OperationType::Mutation | OperationType::Subscription
    );
    // Whether every root selection is a field (no fragment) that `allowed` names.
    let root_fields_only = |allowed: &dyn Fn(&str) -> bool| {
        op.node
            .selection_set
            .node
            .items
            .iter()
            .all(|item| match &item.node {
                Selection::Field(field) => allowed(field.node.name.node.as_str()),
                _ => false,
            })
    };
    let anonymous_ok = op.node.ty == OperationType::Mutation
        && root_fields_only(&|name| ANONYMOUS_FIELDS.contains(&name));
    let introspection_only = op.node.ty == OperationType::Query
        && root_fields_only(&|name| matches!(name, "__schema" | "__type" | "__typename"));
    Some(OperationShape {
        changes,
        anonymous_ok,
        introspection_only,
    })
}

/// The `429` for a caller past its quota, keyed by the user, the token or the address.
pub(crate) fn rate_limited(
    req: &HttpRequest,
    state: &GraphqlState,
    principal: &Principal,
    media: &str,
) -> Option<HttpResponse> {
    let rate_key = principal.limit_key().unwrap_or_else(|| {
        format!(
            "address:{}",
            req.peer_addr()
                .map(|a| a.ip().to_string())
                .unwrap_or_default()
        )
    });
    let not_until = state.rate_limiter.check_key(&rate_key).err()?;
    let wait = not_until.wait_time_from(DefaultClock::default().now());
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    Some(
        HttpResponse::build(StatusCode::TOO_MANY_REQUESTS)
            .insert_header((header::RETRY_AFTER, seconds.max(1).to_string()))
            .insert_header((header::CONTENT_TYPE, format!("{media}; charset=utf-8")))
            .body(
                json!({ "errors": [{
                    "message": format!("too many requests: at most {} a minute", state.limits.rate_limit_per_minute),
                    "extensions": { "code": "RATE_LIMITED" }
                }] })
                .to_string(),
            ),
    )
}

/// Runs one GraphQL request and counts it in the metrics by operation and outcome.
async fn execute(
    req: &HttpRequest,
    state: &GraphqlState,
    p: Params,
    media: &'static str,
    via_get: bool,
) -> HttpResponse {
    let started = Instant::now();
    let mut operation = None;
    let response = run(req, state, p, media, via_get, &mut operation).await;
    // Only a request that was executed says how it ended; every other was refused.
    let outcome = response
        .extensions()
        .get::<Outcome>()
        .copied()
        .unwrap_or(Outcome::Rejected);
    let label = state.metrics.operation_label(operation.as_deref());
    state
        .metrics
        .observe(&label, outcome, started.elapsed().as_secs_f64());
    response
}

/// The operation's name: the one the request selects, or the document's only operation's.
fn operation_name(doc: &ExecutableDocument, selected: Option<&str>) -> Option<String> {
    match (&doc.operations, selected) {
        (_, Some(name)) => Some(name.to_owned()),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.keys().next().map(|n| n.to_string())
        }
        _ => None,
    }
}

async fn run(
    req: &HttpRequest,
    state: &GraphqlState,
    p: Params,
    media: &'static str,
    via_get: bool,
    operation: &mut Option<String>,
) -> HttpResponse {
    let sent = match document_of(state, &p, media).await {
        Ok(sent) => sent,
        Err(refused) => {
            *operation = p.operation_name.clone();
            return refused;
        }
    };
    // Before the parser, which recurses on nested values, and before the credentials: any
    // caller can send a document.
    if let Err(message) = limits::check_document_nesting(&sent.text) {
        *operation = p.operation_name.clone();
        return request_error(media, &message, "QUERY_TOO_COMPLEX");
    }
    let doc = match parser::parse_query(&sent.text) {
        Ok(doc) => doc,
        Err(err) => {
            *operation = p.operation_name.clone();
            let mut error = async_graphql::ServerError::from(err);
            error
                .extensions
                .get_or_insert_with(Default::default)
                .set("code", GRAPHQL_PARSE_FAILED);
            return refusal(media, &[error]);
        }
    };
    *operation = operation_name(&doc, p.operation_name.as_deref());
    let shape = operation_shape(&doc, p.operation_name.as_deref());
    if via_get && shape.as_ref().is_some_and(|s| s.changes) {
        return allowing(
            "POST",
            error_response(
                StatusCode::METHOD_NOT_ALLOWED,
                media,
                "mutations and subscriptions must be sent with POST",
            ),
        );
    }
    let request_id = request_id_of(req);
    let principal = match authenticate(req, state, media).await {
        Ok(principal) => principal,
        Err(response) => return response,
    };
    if let Err(refused) = may_run(state, &principal, &sent, media).await {
        return refused;
    }
    let Sent {
        text: query,
        to_register,
        ..
    } = sent;
    let open_to_anonymous = |s: &OperationShape| {
        s.anonymous_ok
            || (s.introspection_only
                && state.limits.anonymous_introspection
                && state.limits.introspection)
    };
    if principal == Principal::Anonymous && shape.as_ref().is_some_and(|s| !open_to_anonymous(s)) {
        return unauthenticated(media, "authentication is required: sign in with `login`");
    }
    if let Some(refused) = rate_limited(req, state, &principal, media) {
        return refused;
    }
    let registrar = principal.clone();
    let document_limits = DocumentLimits::from(&state.limits);
    match limits::check(&doc, p.variables.as_ref(), &document_limits) {
        Err(message) => return request_error(media, &message, "QUERY_TOO_COMPLEX"),
        Ok(stats) if stats.introspection && !state.limits.introspection => {
            return request_error(
                media,
                "introspection is disabled on this server",
                "FORBIDDEN",
            );
        }
        Ok(_) => {}
    }
    let mut variables = p
        .variables
        .map(|vars| Variables::from_json(Value::Object(vars)))
        .unwrap_or_default();
    if let Some(op) = crate::graphql::selected_operation(&doc, p.operation_name.as_deref()) {
        // A variable the request leaves out takes its default, as the spec says; the
        // executor decides `@skip` and `@include` from the request's variables alone.
        for definition in &op.node.variable_definitions {
            let name = &definition.node.name.node;
            if !variables.contains_key(name)
                && let Some(default) = definition.node.default_value()
            {
                variables.insert(name.clone(), default.clone());
            }
        }
        let faults = state.arguments.check(&doc, op, &variables);
        if !faults.is_empty() {
            return refusal(media, &argument_errors(faults));
        }
    }
    let gate = PassGate::default();
    let scope = LoadScope {
        db: state.db.clone(),
        principal: principal.clone(),
    };
    let loader_settings = LoaderSettings {
        crm: state.crm.clone(),
        retention: state.retention.clone(),
        delay: std::time::Duration::ZERO,
    };
    let operation_name = p.operation_name.clone();
    let principal_is_anonymous = principal == Principal::Anonymous;
    let mut request = async_graphql::Request::new(query)
        .data(principal)
        .data(AuthContext {
            keys: state.keys.clone(),
            refresh_ttl: state.refresh_ttl,
            throttle: state.throttle.clone(),
            // The peer, not X-Forwarded-For, which any client can write.
            client_address: req.peer_addr().map(|a| a.ip().to_string()),
            user_agent: req
                .headers()
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        })
        .data(crate::program::graphql::ApplicationLimiter(
            state.applications.clone(),
        ))
        .data(state.db.clone())
        .data(crate::replica::FiguresSource::default())
        .data(state.trade.clone())
        .data(state.crm.clone())
        .data(state.webhooks.clone())
        .data(crate::graphql::written::Written::default());
    request = with_loaders(request, scope, loader_settings, || gate.spawner());
    if let Some(name) = p.operation_name {
        request = request.operation_name(name);
    }
    // The document is parsed once, here; execution uses this copy.
    request.set_parsed_query(doc.clone());
    request = request.variables(variables);
    if let Some(ext) = p.extensions {
        for (key, value) in ext {
            if let Ok(v) = async_graphql::Value::from_json(value) {
                request.extensions.insert(key, v);
            }
        }
    }
    let schema = if principal_is_anonymous {
        &state.anonymous_schema
    } else {
        &state.schema
    };
    let timeout = state.limits.request_timeout;
    let execution = crate::audit::REQUEST_ID.scope(
        request_id.clone(),
        crate::auth::credentials::NODE.scope(
            state.credentials.clone(),
            gate.gate(schema.execute(request)),
        ),
    );
    let Ok(mut response) = tokio::time::timeout(timeout, execution).await else {
        tracing::warn!(timeout_ms = timeout.as_millis() as u64, "request stopped");
        let mut stopped = request_error(
            media,
            &format!(
                "the request ran longer than {} ms and was stopped",
                timeout.as_millis()
            ),
            "QUERY_TOO_COMPLEX",
        );
        stopped.extensions_mut().insert(Outcome::Errors);
        return stopped;
    };
    for error in &mut response.errors {
        code_uncoded(error);
    }
    // The database was away: revocations may not be reaching this node either, so it
    // checks every credential until its listening connection answers again.
    if response.errors.iter().any(|e| {
        e.extensions
            .as_ref()
            .and_then(|x| x.get("code"))
            .is_some_and(|c| *c == async_graphql::Value::from(crate::error::UNAVAILABLE))
    }) {
        state.credentials.deaf();
    }
    let is_request_error = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    // A persisted query sent with its text is kept for its next request by hash, once it
    // has run for a caller who is signed in.
    if let Some(text) = to_register
        && !is_request_error
        && registrar != Principal::Anonymous
        && let Err(e) = state.documents.remember(&state.db, &registrar, &text).await
    {
        tracing::warn!(error = %e, "a persisted query could not be kept");
    }
    crate::graphql::order::reorder(&mut response.data, &doc, operation_name.as_deref());
    // A caller who may not read the schema does not learn it from validation either: an
    // anonymous `login` selecting `user { organization { … } }` would otherwise confirm
    // types, fields and arguments one by one.
    let schema_hidden = principal_is_anonymous
        && !(state.limits.anonymous_introspection && state.limits.introspection);
    for error in &mut response.errors {
        if let Some(ext) = error.extensions.as_mut()
            && ext
                .get("code")
                .is_some_and(|c| *c == async_graphql::Value::from(INTERNAL))
        {
            ext.set("requestId", request_id.clone());
        }
        if schema_hidden
            && error.extensions.as_ref().is_some_and(|ext| {
                ext.get("code")
                    .is_some_and(|c| *c == async_graphql::Value::from("GRAPHQL_VALIDATION_FAILED"))
            })
        {
            error.message =
                "the document does not validate against the schema; sign in to read the schema"
                    .to_owned();
        }
    }
    let (status, data) = if media == GRAPHQL_RESPONSE_JSON && is_request_error {
        (StatusCode::BAD_REQUEST, None)
    } else {
        (StatusCode::OK, Some(&response.data))
    };
    // Written straight from the executor's values: no intermediate JSON tree.
    let body = serde_json::to_vec(&ResponseBody {
        data,
        extensions: &response.extensions,
        errors: &response.errors,
    })
    .unwrap_or_else(|err| {
        tracing::error!(error = %err, "a response could not be written");
        json!({ "errors": [{ "message": "the response could not be written", "extensions": { "code": INTERNAL, "requestId": request_id } }] })
            .to_string()
            .into_bytes()
    });
    let mut answer = HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, format!("{media}; charset=utf-8")))
        .body(body);
    answer.extensions_mut().insert(if is_request_error {
        Outcome::Rejected
    } else if response.errors.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Errors
    });
    answer
}

/// Gives a code to the errors async-graphql reports without one: its depth and complexity
/// limits (`QUERY_TOO_COMPLEX`), an argument value it refused (`BAD_USER_INPUT`, naming the
/// argument), a scalar it could not parse, and every other validation failure
/// (`GRAPHQL_VALIDATION_FAILED`).
fn code_uncoded(error: &mut async_graphql::ServerError) {
    if error
        .extensions
        .as_ref()
        .is_some_and(|e| e.get("code").is_some())
    {
        return;
    }
    let message = error.message.as_str();
    // Its recursion limit counts fragments as levels and answers before the depth limit
    // does when a document nests past 32.
    let (code, field) = if message == "Query is nested too deep."
        || message == "Query is too complex."
        || message.starts_with("The recursion depth of the query cannot be greater than")
    {
        ("QUERY_TOO_COMPLEX", None)
    } else if let Some(rest) = message.strip_prefix("Invalid value for argument \"") {
        (
            "BAD_USER_INPUT",
            rest.split_once('"').map(|(field, _)| field.to_owned()),
        )
    } else if message.starts_with("Failed to parse") {
        ("BAD_USER_INPUT", None)
    } else if error.path.is_empty() {
        ("GRAPHQL_VALIDATION_FAILED", None)
    } else {
        return;
    };
    let extensions = error.extensions.get_or_insert_with(Default::default);
    extensions.set("code", code);
    if let Some(field) = field {
        extensions.set("field", field);
    }
}

/// A GraphQL response as the client receives it; `data` is left out of a request error
/// answered as `application/graphql-response+json`.
#[derive(serde::Serialize)]
struct ResponseBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a async_graphql::Value>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    extensions: &'a BTreeMap<String, async_graphql::Value>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [async_graphql::ServerError],
}

/// Any other method on `/graphql`, refused in the API's error shape.
pub async fn graphql_other() -> HttpResponse {
    allowing(
        "GET, POST",
        error_response(
            StatusCode::METHOD_NOT_ALLOWED,
            JSON,
            "send queries with GET or POST, and mutations with POST",
        ),
    )
}

/// A `405` that names the methods `/graphql` allows.
fn allowing(methods: &'static str, mut response: HttpResponse) -> HttpResponse {
    response
        .headers_mut()
        .insert(header::ALLOW, header::HeaderValue::from_static(methods));
    response
}
