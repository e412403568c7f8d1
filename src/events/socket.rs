//! GraphQL subscriptions over WebSocket, with the `graphql-transport-ws` protocol on
//! `GET /graphql`.
//!
//! The client authenticates in `connection_init` (`{"authorization": "Bearer <token>"}`,
//! or the other shapes [`token_of`] reads; an access token or an API token). Every
//! subscription runs with that principal, as a query would. A revocation anywhere closes
//! the socket with 4403 at once; the credentials are also checked again every
//! `subscription_recheck_ms`. A principal holds at most `max_subscriptions_per_principal`
//! subscriptions on a node; one more is refused with an error. Queries and mutations go
//! over HTTP. The server pings every socket every 30 s. When the server stops, every
//! socket closes with 1001.
//!
//! async-graphql speaks the protocol's messages; this module adds what it leaves out:
//! refusals as `error` (not `next` and `complete`), 4409 for a running id, and a close
//! answered with the client's code.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::futures_util::stream::BoxStream;
use async_graphql::http::{WebSocket, WsMessage};
use async_graphql::parser::types::OperationType;
use async_graphql::{Data, Executor, Request, Response, ServerError};
use futures_util::StreamExt;
use tokio::sync::{mpsc, watch};

use crate::access::Principal;
use crate::graphql::limits::{self, DocumentLimits};
use crate::graphql::loading::LoadScope;
use crate::http::GraphqlState;
use crate::metrics::Metrics;
use crate::schema::AppSchema;
use crate::schema::{LoaderSettings, with_loaders};

/// The subprotocol spoken; clients must offer it.
pub const PROTOCOL: &str = "graphql-transport-ws";

/// How long a client has to send `connection_init`.
const INIT_TIMEOUT: Duration = Duration::from_secs(10);

/// How often the server pings a socket, so that load balancers do not drop a quiet one.
const KEEPALIVE: Duration = Duration::from_secs(30);

/// The subscriptions each principal holds on this node.
pub struct Slots {
    held: Mutex<HashMap<String, usize>>,
    max: usize,
    metrics: Arc<Metrics>,
}

impl Slots {
    pub fn new(max: usize, metrics: Arc<Metrics>) -> Self {
        Self {
            held: Mutex::new(HashMap::new()),
            max,
            metrics,
        }
    }

    fn take(self: &Arc<Self>, key: String) -> Option<Slot> {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        let n = held.entry(key.clone()).or_default();
        if *n >= self.max {
            return None;
        }
        *n += 1;
        self.metrics.subscription_started();
        Some(Slot {
            slots: self.clone(),
            key,
        })
    }
}

/// One subscription's place; given back when the subscription ends.
struct Slot {
    slots: Arc<Slots>,
    key: String,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut held = self.slots.held.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = held.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                held.remove(&self.key);
            }
        }
        self.slots.metrics.subscription_ended();
    }
}

/// Who holds a subscription, for the cap.
fn holder(principal: &Principal) -> String {
    principal.limit_key().unwrap_or_else(|| "system".to_owned())
}

/// The connection's principal, once `connection_init` has authenticated it, and the token
/// it did so with, to check again.
#[derive(Default)]
struct Session {
    principal: Option<Principal>,
    /// What the credential was checked to be, to know which revocations end it.
    checked: Option<crate::auth::credentials::Checked>,
    token: String,
    refused: bool,
    /// The database could not be reached to authenticate.
    unavailable: bool,
    /// connection_init has arrived.
    init_seen: bool,
}

/// Runs each subscription of one connection: checks the document (a subscription, within
/// the limits), takes a slot, and gives it the principal and a loader of its own.
#[derive(Clone)]
struct Subscriptions {
    state: web::Data<GraphqlState>,
    session: Arc<Mutex<Session>>,
}

/// The extension that marks a response ending its subscription with errors: the socket
/// sends it as the protocol's `error` message, and no `complete` after it.
const REFUSED: &str = "channelgraphRefused";

fn refused(message: String, code: &str) -> BoxStream<'static, Response> {
    let mut error = ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    let mut response = Response::from_errors(vec![error]);
    response.extensions.insert(REFUSED.into(), true.into());
    futures_util::stream::once(async move { response }).boxed()
}

/// A subscription's responses, up to one that has errors and no data (a refusal by its
/// resolver: a missing scope, a bad filter), which is marked as the last.
fn until_refused(stream: BoxStream<'static, Response>) -> BoxStream<'static, Response> {
    futures_util::stream::unfold((stream, false), |(mut stream, done)| async move {
        if done {
            return None;
        }
        let mut response = stream.next().await?;
        let refusal = response.data == async_graphql::Value::Null && !response.errors.is_empty();
        if refusal {
            response.extensions.insert(REFUSED.into(), true.into());
        }
        Some((response, (stream, refusal)))
    })
    .boxed()
}

impl Subscriptions {
    fn check(&self, request: &mut Request) -> Result<(), (String, &'static str)> {
        limits::check_document_nesting(&request.query)
            .map_err(|message| (message, "QUERY_TOO_COMPLEX"))?;
        let doc = async_graphql::parser::parse_query(&request.query)
            .map_err(|e| (e.to_string(), crate::http::GRAPHQL_PARSE_FAILED))?;
        limits::check(&doc, None, &DocumentLimits::from(&self.state.limits))
            .map_err(|message| (message, "QUERY_TOO_COMPLEX"))?;
        let op = crate::graphql::selected_operation(&doc, request.operation_name.as_deref())
            .ok_or_else(|| {
                (
                    "the document names no single operation to run".to_owned(),
                    "BAD_USER_INPUT",
                )
            })?;
        if op.node.ty != OperationType::Subscription {
            return Err((
                "only subscriptions run over WebSocket; send queries and mutations to POST /graphql".to_owned(),
                "BAD_USER_INPUT",
            ));
        }
        if let Some(fault) = self
            .state
            .arguments
            .check(&doc, op, &request.variables)
            .into_iter()
            .next()
        {
            return Err((fault.message, "BAD_USER_INPUT"));
        }
        request.set_parsed_query(doc);
        Ok(())
    }
}

impl Executor for Subscriptions {
    async fn execute(&self, _request: Request) -> Response {
        let mut error = ServerError::new(
            "only subscriptions run over WebSocket; send queries and mutations to POST /graphql",
            None,
        );
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", "BAD_USER_INPUT");
        Response::from_errors(vec![error])
    }

    fn execute_stream(
        &self,
        mut request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let Some(principal) = self
            .session
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .principal
            .clone()
        else {
            return refused(
                "the connection is not authenticated".into(),
                "UNAUTHENTICATED",
            );
        };
        if let Err((message, code)) = self.check(&mut request) {
            return refused(message, code);
        }
        let server_wide = self.state.documents_mode == crate::documents::Documents::Registered;
        if server_wide || principal.registered_documents_only() {
            // A server, or an API token, for registered documents only runs registered
            // subscriptions too.
            let state = self.state.clone();
            let id = crate::documents::document_id(&request.query);
            return futures_util::stream::once(async move {
                match state.documents.find(&state.db, &id, true).await {
                    Ok(Some(found)) if found.trusted => {
                        open(&state, principal, request, session_data)
                    }
                    Ok(_) => refused(
                        format!(
                            "this {} runs registered documents only: subscribe with a registered document",
                            if server_wide { "server" } else { "API token" }
                        ),
                        "PERSISTED_DOCUMENT_REQUIRED",
                    ),
                    Err(_) => refused(
                        "the document could not be read; try again shortly".into(),
                        crate::error::UNAVAILABLE,
                    ),
                }
            })
            .flatten()
            .boxed();
        }
        open(&self.state, principal, request, session_data)
    }
}

/// Runs a checked subscription for `principal`, holding one of its slots while it lives.
fn open(
    state: &web::Data<GraphqlState>,
    principal: Principal,
    request: Request,
    session_data: Option<Arc<Data>>,
) -> BoxStream<'static, Response> {
    let Some(slot) = state.slots.take(holder(&principal)) else {
        return refused(
            format!(
                "you hold the most subscriptions a principal may ({}); end one first",
                state.slots.max
            ),
            "RATE_LIMITED",
        );
    };
    let scope = LoadScope {
        db: state.db.clone(),
        principal: principal.clone(),
    };
    let request = request
        .data(principal)
        .data(state.db.clone())
        .data(state.trade.clone())
        .data(state.crm.clone())
        .data(state.webhooks.clone())
        .data(state.bus.clone())
        .data(crate::graphql::written::Written::default());
    let settings = LoaderSettings {
        crm: state.crm.clone(),
        retention: state.retention.clone(),
        // A subscription's loads are not timed by a request's gate: they gather for a moment.
        delay: std::time::Duration::from_millis(1),
    };
    let request = with_loaders(request, scope, settings, || tokio::spawn);
    let schema: &AppSchema = &state.schema;
    let stream = schema
        .execute_stream_with_session_data(request, session_data.unwrap_or_default())
        .map(move |response| {
            // The slot is held as long as the stream lives.
            let _held = &slot;
            response
        })
        .boxed();
    until_refused(stream)
}

/// The credentials a `connection_init` payload carries, in the shapes client libraries
/// send them: `authorization` or `Authorization`, `authToken`, `token`, or
/// `headers.Authorization`; as `Bearer <token>` or the bare token.
fn token_of(payload: &serde_json::Value) -> Option<String> {
    let headers = payload.get("headers");
    let raw = [
        payload.get("authorization"),
        payload.get("Authorization"),
        payload.get("authToken"),
        payload.get("token"),
        headers.and_then(|h| h.get("Authorization")),
        headers.and_then(|h| h.get("authorization")),
    ]
    .into_iter()
    .flatten()
    .find_map(|v| v.as_str())?;
    let token = raw
        .strip_prefix("Bearer ")
        .or_else(|| raw.strip_prefix("bearer "))
        .unwrap_or(raw)
        .trim();
    (!token.is_empty()).then(|| token.to_owned())
}

/// What the socket keeps of the protocol beside async-graphql: the subscriptions open (ids
/// are unique while they run), and those ended by an `error` or by the client's own
/// `complete`, after which the server sends no `complete`.
#[derive(Default)]
struct Operations {
    open: HashSet<String>,
    ended: HashSet<String>,
}

/// What to do with a message from the client.
enum Incoming {
    Forward(String),
    Close(u16, String),
}

impl Operations {
    fn incoming(&mut self, text: String) -> Incoming {
        // Nested deeper than a request may be: not a message this protocol has.
        if limits::check_json_nesting(text.as_bytes(), 4).is_err() {
            return Incoming::Close(4400, "the message nests too deeply".into());
        }
        let Ok(message) = serde_json::from_str::<serde_json::Value>(&text) else {
            return Incoming::Forward(text);
        };
        let id = message
            .get("id")
            .and_then(|i| i.as_str())
            .map(str::to_owned);
        match (message.get("type").and_then(|t| t.as_str()), id) {
            (Some("subscribe"), Some(id)) if !self.open.insert(id.clone()) => {
                Incoming::Close(4409, format!("Subscriber for {id} already exists"))
            }
            (Some("complete"), Some(id)) if self.open.remove(&id) => {
                self.ended.insert(id);
                Incoming::Forward(text)
            }
            _ => Incoming::Forward(text),
        }
    }

    /// The message to send for one async-graphql wrote, if any: a marked refusal becomes
    /// `error`, and the `complete` after it is dropped.
    fn outgoing(&mut self, text: String) -> Option<String> {
        if !text.contains(REFUSED) && !text.contains("\"complete\"") {
            return Some(text);
        }
        let Ok(message) = serde_json::from_str::<serde_json::Value>(&text) else {
            return Some(text);
        };
        let id = message
            .get("id")
            .and_then(|i| i.as_str())
            .unwrap_or_default()
            .to_owned();
        match message.get("type").and_then(|t| t.as_str()) {
            Some("next") if message["payload"]["extensions"].get(REFUSED).is_some() => {
                self.open.remove(&id);
                self.ended.insert(id.clone());
                Some(
                    serde_json::json!({ "id": id, "type": "error", "payload": message["payload"]["errors"] })
                        .to_string(),
                )
            }
            Some("complete") => {
                self.open.remove(&id);
                (!self.ended.remove(&id)).then_some(text)
            }
            _ => Some(text),
        }
    }
}

/// `GET /graphql` with `Upgrade: websocket`.
pub async fn upgrade(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<GraphqlState>,
) -> actix_web::Result<HttpResponse> {
    let offered = req
        .headers()
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|p| p.trim() == PROTOCOL);
    if !offered {
        return Ok(HttpResponse::BadRequest()
            .content_type("text/plain; charset=utf-8")
            .body(format!(
                "subscriptions speak the {PROTOCOL} subprotocol; offer it in Sec-WebSocket-Protocol"
            )));
    }
    // Opening a socket counts against the caller's address like an anonymous request: the
    // credentials come only later, in connection_init.
    if let Some(refused) =
        crate::http::rate_limited(&req, &state, &Principal::Anonymous, "application/json")
    {
        return Ok(refused);
    }
    let (response, session, messages) = actix_ws::handle_with_protocols(&req, body, &[PROTOCOL])?;
    actix_web::rt::spawn(serve(state, session, messages));
    Ok(response)
}

fn close(code: u16, description: &str) -> Option<actix_ws::CloseReason> {
    Some(actix_ws::CloseReason {
        code: actix_ws::CloseCode::from(code),
        description: Some(description.to_owned()),
    })
}

async fn serve(
    state: web::Data<GraphqlState>,
    mut socket: actix_ws::Session,
    mut messages: actix_ws::MessageStream,
) {
    let session = Arc::new(Mutex::new(Session::default()));
    let (to_graphql, from_client) = mpsc::unbounded_channel::<String>();
    let client = futures_util::stream::unfold(from_client, |mut rx| async move {
        rx.recv().await.map(|text| (text, rx))
    });
    let authenticate = {
        let (state, session) = (state.clone(), session.clone());
        move |payload: serde_json::Value| async move {
            // The client has initialised in time, however long the lookup takes.
            session.lock().unwrap_or_else(|p| p.into_inner()).init_seen = true;
            let checked = match token_of(&payload) {
                Some(token) => crate::http::check_token(&state, &token)
                    .await
                    .map(|c| (c, token)),
                None => Err(crate::error::Error::Unauthenticated),
            };
            let mut session = session.lock().unwrap_or_else(|p| p.into_inner());
            match checked {
                Ok((checked, token)) if checked.principal != Principal::Anonymous => {
                    session.principal = Some(checked.principal.clone());
                    session.checked = Some(checked);
                    session.token = token;
                    Ok(Data::default())
                }
                Err(crate::error::Error::Database(err)) if crate::error::unreachable(&err) => {
                    session.unavailable = true;
                    Err(async_graphql::Error::new(crate::error::UNAVAILABLE_MESSAGE))
                }
                _ => {
                    session.refused = true;
                    Err(async_graphql::Error::new("Forbidden"))
                }
            }
        }
    };
    let executor = Subscriptions {
        state: state.clone(),
        session: session.clone(),
    };
    let mut graphql = std::pin::pin!(
        WebSocket::new(
            executor,
            client,
            async_graphql::http::WebSocketProtocols::GraphQLWS
        )
        .on_connection_init(authenticate)
    );
    let mut stop: watch::Receiver<bool> = state.shutdown.clone();
    let mut recheck = tokio::time::interval(state.live.recheck);
    recheck.tick().await;
    let mut keepalive = tokio::time::interval(KEEPALIVE);
    keepalive.tick().await;
    let init_deadline = tokio::time::sleep(INIT_TIMEOUT);
    tokio::pin!(init_deadline);
    let mut revocations = state.credentials.revocations();
    let mut operations = Operations::default();
    let reason = loop {
        tokio::select! {
            out = graphql.next() => match out {
                Some(WsMessage::Text(text)) => {
                    let Some(text) = operations.outgoing(text) else {
                        continue;
                    };
                    if socket.text(text).await.is_err() {
                        break None;
                    }
                }
                Some(WsMessage::Close(code, reason)) => {
                    let (refused, unavailable, anonymous) = {
                        let session = session.lock().unwrap_or_else(|p| p.into_inner());
                        (session.refused, session.unavailable, session.principal.is_none())
                    };
                    break match (refused, anonymous, code) {
                        _ if unavailable => close(1013, crate::error::UNAVAILABLE_MESSAGE),
                        (true, _, _) => close(4403, "Forbidden"),
                        // A subscription before connection_init.
                        (_, true, 1011) => close(4401, "Unauthorized"),
                        _ => close(code, &reason),
                    };
                }
                None => break None,
            },
            message = messages.next() => match message {
                Some(Ok(actix_ws::Message::Text(text))) => {
                    match operations.incoming(text.to_string()) {
                        Incoming::Forward(text) => {
                            let _ = to_graphql.send(text);
                        }
                        Incoming::Close(code, reason) => break close(code, &reason),
                    }
                }
                Some(Ok(actix_ws::Message::Binary(bytes))) => {
                    match operations.incoming(String::from_utf8_lossy(&bytes).into_owned()) {
                        Incoming::Forward(text) => {
                            let _ = to_graphql.send(text);
                        }
                        Incoming::Close(code, reason) => break close(code, &reason),
                    }
                }
                Some(Ok(actix_ws::Message::Ping(bytes))) => {
                    if socket.pong(&bytes).await.is_err() {
                        break None;
                    }
                }
                // The client closes: the answer carries its code (1000 when it gave none).
                Some(Ok(actix_ws::Message::Close(reason))) => {
                    break Some(reason.unwrap_or(actix_ws::CloseReason {
                        code: actix_ws::CloseCode::Normal,
                        description: None,
                    }));
                }
                None | Some(Err(_)) => break None,
                Some(Ok(_)) => {}
            },
            _ = &mut init_deadline, if !session.lock().unwrap_or_else(|p| p.into_inner()).init_seen => {
                break close(4408, "Connection initialisation timeout");
            }
            _ = recheck.tick() => {
                let (principal, token) = {
                    let session = session.lock().unwrap_or_else(|p| p.into_inner());
                    (session.principal.clone(), session.token.clone())
                };
                if let Some(principal) = principal {
                    match crate::http::principal_for_token(&state, &token).await {
                        Ok(now) if now == principal => {}
                        Ok(_) | Err(crate::error::Error::Unauthenticated) => {
                            break close(4403, "Forbidden: the credentials were revoked, expired or changed");
                        }
                        // The database is away: keep serving, and check again later.
                        Err(err) => tracing::warn!(error = %err, "subscription credentials could not be checked"),
                    }
                }
            }
            revoked = revocations.recv() => {
                let ended = match revoked {
                    Ok(revoked) => session
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .checked
                        .as_ref()
                        .is_some_and(|c| c.revoked_by(revoked)),
                    // Fell behind the revocations: check again at once.
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        recheck.reset_immediately();
                        false
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => false,
                };
                if ended {
                    break close(4403, "Forbidden: the credentials were revoked, expired or changed");
                }
            }
            _ = keepalive.tick() => {
                if socket.ping(b"").await.is_err() {
                    break None;
                }
            }
            _ = stop.changed() => break close(1001, "the server is shutting down"),
        }
    };
    let _ = socket.close(reason).await;
}
