//! The crate's one error type, and the single place where it becomes a GraphQL error.

use async_graphql::ErrorExtensions;
use sea_orm::DbErr;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What was wrong with an input, for programs to switch on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    Invalid,
    Required,
    TooLong,
    Taken,
    NotFound,
    WrongType,
    Conflict,
    SelfLink,
    Cycle,
    NotAllowed,
    Archived,
    OutOfRange,
    Inactive,
    NoPriceList,
    CurrencyMismatch,
    UnitMismatch,
    PriceMismatch,
    IllegalTransition,
    ExceedsAccepted,
    ExceedsBalance,
    Duplicate,
    Expired,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Invalid => "INVALID",
            ErrorCode::Required => "REQUIRED",
            ErrorCode::TooLong => "TOO_LONG",
            ErrorCode::Taken => "TAKEN",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::WrongType => "WRONG_TYPE",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::SelfLink => "SELF_LINK",
            ErrorCode::Cycle => "CYCLE",
            ErrorCode::NotAllowed => "NOT_ALLOWED",
            ErrorCode::Archived => "ARCHIVED",
            ErrorCode::OutOfRange => "OUT_OF_RANGE",
            ErrorCode::Inactive => "INACTIVE",
            ErrorCode::NoPriceList => "NO_PRICE_LIST",
            ErrorCode::CurrencyMismatch => "CURRENCY_MISMATCH",
            ErrorCode::UnitMismatch => "UNIT_MISMATCH",
            ErrorCode::PriceMismatch => "PRICE_MISMATCH",
            ErrorCode::IllegalTransition => "ILLEGAL_TRANSITION",
            ErrorCode::ExceedsAccepted => "EXCEEDS_ACCEPTED",
            ErrorCode::ExceedsBalance => "EXCEEDS_BALANCE",
            ErrorCode::Duplicate => "DUPLICATE",
            ErrorCode::Expired => "EXPIRED",
        }
    }
}

/// An expected business failure: the input field at fault, a code and a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserError {
    pub field: Vec<String>,
    pub code: ErrorCode,
    pub message: String,
}

impl UserError {
    pub fn new(field: &[&str], code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            field: field.iter().map(|s| (*s).to_owned()).collect(),
            code,
            message: message.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Something the caller named does not exist, or is not theirs to see.
    #[error("{0}")]
    NotFound(String),
    #[error("authentication is required")]
    Unauthenticated,
    /// Sign-in failed. The message is the same whether or not the email exists.
    #[error("the email or password is wrong")]
    SignInFailed,
    /// A refresh token that is unknown, expired, revoked or already used.
    #[error("the refresh token is not valid; sign in again")]
    RefreshFailed,
    #[error("{0}")]
    Forbidden(String),
    /// A business rule refused the input; mutations report it in `userErrors`.
    #[error("{}", .0.message)]
    User(UserError),
    /// An argument outside a mutation input is unusable (a page size, a cursor, an id).
    #[error("{message}")]
    BadInput { field: String, message: String },
    #[error("too many requests")]
    RateLimited,
    #[error("database error")]
    Database(#[from] DbErr),
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// The same error for another caller: what a caller may be told is copied as it is; a
    /// database failure, which cannot be copied, is reported as internal with its chain.
    pub fn duplicate(&self) -> Self {
        match self {
            Error::NotFound(m) => Error::NotFound(m.clone()),
            Error::Unauthenticated => Error::Unauthenticated,
            Error::SignInFailed => Error::SignInFailed,
            Error::RefreshFailed => Error::RefreshFailed,
            Error::Forbidden(m) => Error::Forbidden(m.clone()),
            Error::User(u) => Error::User(u.clone()),
            Error::BadInput { field, message } => Error::BadInput {
                field: field.clone(),
                message: message.clone(),
            },
            Error::RateLimited => Error::RateLimited,
            Error::Database(_) | Error::Internal(_) => Error::Internal(error_chain(self)),
        }
    }

    pub fn user(field: &[&str], code: ErrorCode, message: impl Into<String>) -> Self {
        Error::User(UserError::new(field, code, message))
    }

    pub fn bad_input(field: &str, message: impl Into<String>) -> Self {
        Error::BadInput {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// The constraint behind a unique violation, if this is one.
    pub fn unique_violation(&self) -> Option<String> {
        match self {
            Error::Database(err) => match err.sql_err() {
                Some(sea_orm::SqlErr::UniqueConstraintViolation(msg)) => Some(msg),
                _ => None,
            },
            _ => None,
        }
    }
}

/// The `extensions.code` every client can switch on.
pub const INTERNAL: &str = "INTERNAL";

/// The code of a request that failed because the database could not be reached (it is
/// restarting, or failing over): the request changed nothing and may be sent again.
pub const UNAVAILABLE: &str = "UNAVAILABLE";

pub const UNAVAILABLE_MESSAGE: &str =
    "the database cannot be reached right now; nothing was changed, try again shortly";

/// Whether `err` says the database could not be reached, rather than that a statement
/// failed: no connection to be had, a connection lost, or a server shutting down or
/// starting up.
pub fn unreachable(err: &DbErr) -> bool {
    use sea_orm::RuntimeErr;
    use sea_orm::sqlx::Error as Sqlx;
    let sqlx = match err {
        DbErr::ConnectionAcquire(_) => return true,
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => e,
        DbErr::Conn(_) => return true,
        _ => return false,
    };
    match sqlx.as_ref() {
        Sqlx::Io(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed | Sqlx::WorkerCrashed => true,
        Sqlx::Protocol(_) => true,
        // Connection exceptions (08…), and admin shutdown, crash shutdown, cannot connect
        // now (57P01–57P03).
        Sqlx::Database(db) => db
            .code()
            .is_some_and(|c| c.starts_with("08") || matches!(&*c, "57P01" | "57P02" | "57P03")),
        _ => false,
    }
}

/// Whether `err` says a sum of amounts went past what a stored amount can hold
/// (±922,337,203,685,477.5807): PostgreSQL's numeric value out of range (22003), or SQLite's
/// integer overflow in a SUM.
pub fn overflowed(err: &DbErr) -> bool {
    use sea_orm::RuntimeErr;
    use sea_orm::sqlx::Error as Sqlx;
    let (DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e))) = err
    else {
        return false;
    };
    match e.as_ref() {
        Sqlx::Database(db) => {
            db.code().is_some_and(|c| c == "22003") || db.message() == "integer overflow"
        }
        _ => false,
    }
}

pub const OVERFLOW_MESSAGE: &str = "a sum of amounts would pass the largest amount kept (922337203685477.5807); nothing was changed";

impl Error {
    /// The GraphQL error a client sees, with `extensions.code`. Database and internal faults
    /// are logged here with their cause chain and reach the client as an opaque message.
    pub fn into_graphql(self) -> async_graphql::Error {
        let err = self;
        match err {
            Error::NotFound(message) => {
                async_graphql::Error::new(message).extend_with(|_, e| e.set("code", "NOT_FOUND"))
            }
            Error::Unauthenticated | Error::SignInFailed | Error::RefreshFailed => {
                async_graphql::Error::new(err.to_string())
                    .extend_with(|_, e| e.set("code", "UNAUTHENTICATED"))
            }
            Error::Forbidden(message) => {
                async_graphql::Error::new(message).extend_with(|_, e| e.set("code", "FORBIDDEN"))
            }
            Error::User(user) => {
                let code = match user.code {
                    ErrorCode::Conflict => "CONFLICT",
                    ErrorCode::NotFound => "NOT_FOUND",
                    _ => "BAD_USER_INPUT",
                };
                let field = user.field.join(".");
                let reason = user.code.as_str();
                async_graphql::Error::new(user.message).extend_with(move |_, e| {
                    e.set("code", code);
                    e.set("field", field.clone());
                    e.set("reason", reason);
                })
            }
            Error::BadInput { field, message } => {
                async_graphql::Error::new(message).extend_with(move |_, e| {
                    e.set("code", "BAD_USER_INPUT");
                    e.set("field", field.clone());
                })
            }
            Error::RateLimited => async_graphql::Error::new(err.to_string())
                .extend_with(|_, e| e.set("code", "RATE_LIMITED")),
            Error::Database(ref db) if unreachable(db) => {
                tracing::warn!(error = %error_chain(&err), "the database cannot be reached");
                async_graphql::Error::new(UNAVAILABLE_MESSAGE)
                    .extend_with(|_, e| e.set("code", UNAVAILABLE))
            }
            Error::Database(ref db) if overflowed(db) => {
                tracing::warn!(error = %error_chain(&err), "a sum of amounts is out of range");
                async_graphql::Error::new(OVERFLOW_MESSAGE)
                    .extend_with(|_, e| e.set("code", "OUT_OF_RANGE"))
            }
            Error::Database(_) | Error::Internal(_) => {
                tracing::error!(error = %error_chain(&err), "request failed");
                async_graphql::Error::new("internal error")
                    .extend_with(|_, e| e.set("code", INTERNAL))
            }
        }
    }
}

/// The whole cause chain on one line, for the log.
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}

/// `?` for resolvers: turns the crate's errors into GraphQL errors with their codes.
pub trait GqlResult<T> {
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> GqlResult<T> for Result<T> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(Error::into_graphql)
    }
}
