use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};
use std::fmt;

pub use super::FormErrors;

/// The one error type of every server function. Its variants map to HTTP
/// statuses, and its messages are safe to show: internals are logged, not sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please log in.")]
    Unauthenticated,
    #[error("Invalid login or password")]
    InvalidCredentials,
    #[error("Access denied")]
    Forbidden,
    /// The password was set by the account owner and must be changed first.
    #[error("Choose your own password first: the one you logged in with was temporary.")]
    PasswordChangeRequired,
    /// The account requires two-factor authentication of this user, who
    /// has not set it up yet.
    #[error("Set up two-factor authentication first: your account requires it.")]
    TwoFactorRequired,
    #[error("Not found")]
    NotFound,
    #[error("Please correct the highlighted fields.")]
    Invalid(FormErrors),
    /// A request that is refused as a whole, with the reason.
    #[error("{0}")]
    Rejected(String),
    /// Too many attempts; the message says how long to wait.
    #[error("{0}")]
    TooManyRequests(String),
    /// The server could not take the request in time (its database was
    /// saturated); nothing was written.
    #[error("We are very busy right now and nothing was saved. Please try again in a moment.")]
    Busy,
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// Transport and decoding failures reported by the server function layer.
    #[error("The request could not be processed: {0}")]
    Request(String),
}

impl AppError {
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated | AppError::InvalidCredentials => 401,
            AppError::Forbidden
            | AppError::PasswordChangeRequired
            | AppError::TwoFactorRequired => 403,
            AppError::NotFound => 404,
            AppError::Invalid(_) | AppError::Rejected(_) => 422,
            AppError::TooManyRequests(_) => 429,
            AppError::Internal => 500,
            AppError::Busy => 503,
            AppError::Request(_) => 400,
        }
    }

    /// Seconds a client should wait before trying again, sent as
    /// `Retry-After`: a saturated database clears within a second or so.
    pub fn retry_after_seconds(&self) -> Option<u64> {
        matches!(self, AppError::Busy).then_some(1)
    }

    pub fn invalid(field: &str, message: impl fmt::Display) -> Self {
        let mut errors = FormErrors::default();
        errors.add(field, message);
        AppError::Invalid(errors)
    }

    pub fn from_form(errors: FormErrors) -> Self {
        AppError::Invalid(errors)
    }

    pub fn form_errors(&self) -> Option<&FormErrors> {
        match self {
            AppError::Invalid(errors) => Some(errors),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Request(value.to_string())
    }

    /// Encodes the error and, on the server, gives the answer the HTTP
    /// status the error stands for: server_fn answers every error with 500,
    /// which would hide refusals among crashes.
    fn ser(&self) -> leptos::server_fn::Bytes {
        #[cfg(feature = "ssr")]
        answer_with_status(self);
        <JsonEncoding as leptos::server_fn::Encodes<Self>>::encode(self).unwrap_or_default()
    }
}

/// Sets the status of the server function's answer (and `Retry-After` where
/// the error has one), except for a plain form post (no JavaScript): that
/// one stays the redirect back to its form.
#[cfg(feature = "ssr")]
fn answer_with_status(error: &AppError) {
    use leptos::prelude::use_context;
    let plain_form_post = use_context::<http::request::Parts>().is_some_and(|request| {
        request
            .headers
            .get(http::header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
    });
    if let (false, Some(response), Ok(status)) = (
        plain_form_post,
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(error.status()),
    ) {
        response.set_status(status);
        if let Some(seconds) = error.retry_after_seconds() {
            response.insert_header(http::header::RETRY_AFTER, seconds.into());
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        if matches!(error, sqlx::Error::PoolTimedOut) {
            tracing::warn!("a request waited too long for the database");
            return AppError::Busy;
        }
        tracing::error!(%error, "database error");
        AppError::Internal
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::AppError;

    #[test]
    fn a_saturated_database_makes_the_portal_busy_not_broken() {
        assert_eq!(AppError::from(sqlx::Error::PoolTimedOut).status(), 503);
        assert_eq!(AppError::from(sqlx::Error::RowNotFound).status(), 500);
    }

    /// The status and headers a server function's error answer carries.
    fn answer_to(error: AppError) -> leptos_axum::ResponseParts {
        use leptos::prelude::{provide_context, Owner};
        use leptos::server_fn::error::FromServerFnError;
        Owner::new().with(|| {
            let response = leptos_axum::ResponseOptions::default();
            provide_context(response.clone());
            error.ser();
            let parts = response.0.read().unwrap();
            parts.clone()
        })
    }

    #[test]
    fn a_busy_answer_says_when_to_try_again() {
        let busy = answer_to(AppError::Busy);
        assert_eq!(busy.status, Some(http::StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(busy.headers[http::header::RETRY_AFTER], "1");
        let refused = answer_to(AppError::Forbidden);
        assert_eq!(refused.status, Some(http::StatusCode::FORBIDDEN));
        assert!(!refused.headers.contains_key(http::header::RETRY_AFTER));
    }
}
