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
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Invalid(_) | AppError::Rejected(_) => 422,
            AppError::TooManyRequests(_) => 429,
            AppError::Internal => 500,
            AppError::Request(_) => 400,
        }
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
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database error");
        AppError::Internal
    }
}
