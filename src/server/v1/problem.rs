//! Errors as RFC 9457 problem details (`application/problem+json`), with a
//! stable snake_case `code` a client can branch on.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Serialize;

use super::request_id;
use crate::domain::AppError;

/// What went wrong with one field of the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    /// The field, e.g. `to[3]`.
    pub field: String,
    pub code: &'static str,
    pub detail: String,
}

impl FieldProblem {
    pub fn new(field: impl Into<String>, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            detail: detail.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub status: StatusCode,
    pub code: &'static str,
    pub title: &'static str,
    pub detail: String,
    pub errors: Vec<FieldProblem>,
    /// Seconds, for `Retry-After`.
    pub retry_after: Option<u64>,
}

/// Every `code` a problem can carry, with its status and title: the
/// OpenAPI document lists them from here.
pub const CODES: &[(&str, u16, &str)] = &[
    ("malformed_request", 400, "Malformed request"),
    ("invalid_cursor", 400, "Invalid cursor"),
    ("invalid_idempotency_key", 400, "Invalid Idempotency-Key"),
    ("unauthorized", 401, "Unauthorized"),
    ("insufficient_funds", 402, "Insufficient funds"),
    ("not_found", 404, "Not found"),
    ("method_not_allowed", 405, "Method not allowed"),
    ("idempotency_key_in_use", 409, "Idempotency key in use"),
    ("payload_too_large", 413, "Payload too large"),
    ("unsupported_media_type", 415, "Unsupported media type"),
    ("validation_failed", 422, "Validation failed"),
    ("idempotency_key_reused", 422, "Idempotency key reused"),
    ("rate_limited", 429, "Too many requests"),
    ("internal_error", 500, "Internal error"),
    ("busy", 503, "Busy"),
];

impl Problem {
    /// The problem `code` of [`CODES`], explained by `detail`.
    pub fn new(code: &'static str, detail: impl Into<String>) -> Self {
        let (code, status, title) = CODES
            .iter()
            .copied()
            .find(|(known, _, _)| *known == code)
            .unwrap_or(("internal_error", 500, "Internal error"));
        Self {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            code,
            title,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    /// Missing, malformed, unknown and revoked keys alike: the answer does
    /// not tell a prober which it was.
    pub fn unauthorized() -> Self {
        Self::new(
            "unauthorized",
            "Send a live API key as `Authorization: Bearer <key>`.",
        )
    }

    pub fn not_found() -> Self {
        Self::new("not_found", "There is no such resource in this account.")
    }

    pub fn invalid(errors: Vec<FieldProblem>) -> Self {
        let detail = match errors.as_slice() {
            [one] => one.detail.clone(),
            _ => format!("{} fields are invalid; see `errors`.", errors.len()),
        };
        Self {
            errors,
            ..Self::new("validation_failed", detail)
        }
    }

    pub fn field(field: &str, code: &'static str, detail: impl Into<String>) -> Self {
        Self::invalid(vec![FieldProblem::new(field, code, detail)])
    }

    pub fn internal() -> Self {
        Self::new(
            "internal_error",
            "Something went wrong on our side. Nothing was charged twice; retry with the same Idempotency-Key.",
        )
    }

    /// The database was saturated: the request was not taken.
    pub fn busy() -> Self {
        let mut problem = Self::new(
            "busy",
            "The service is saturated and did not take this request. Retry after the time in Retry-After, with the same Idempotency-Key.",
        );
        problem.retry_after = AppError::Busy.retry_after_seconds();
        problem
    }

    /// The JSON body, as sent (and as stored for an idempotent replay).
    pub fn body(&self) -> String {
        serde_json::to_string(&ProblemDocument {
            r#type: format!("https://docs.sms-portal.dev/errors/{}", self.code),
            title: self.title,
            status: self.status.as_u16(),
            code: self.code,
            detail: &self.detail,
            errors: &self.errors,
            request_id: request_id::current(),
        })
        .unwrap_or_default()
    }
}

/// An error as RFC 9457 problem details.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProblemDocument<'a> {
    /// A URL naming the kind of problem.
    pub r#type: String,
    pub title: &'a str,
    pub status: u16,
    /// Stable, snake_case: what a client branches on.
    pub code: &'a str,
    /// What went wrong and what to do, for people.
    pub detail: &'a str,
    /// One entry per refused field (validation problems).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub errors: &'a [FieldProblem],
    /// The request's `X-Request-Id`.
    pub request_id: Option<String>,
}

impl From<sqlx::Error> for Problem {
    fn from(error: sqlx::Error) -> Self {
        if matches!(error, sqlx::Error::PoolTimedOut) {
            tracing::warn!("an API request waited too long for the database");
            return Self::busy();
        }
        tracing::error!(%error, "database error in the HTTP API");
        Self::internal()
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.body()).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saturated_database_is_a_busy_problem_to_retry_not_a_fault() {
        let busy = Problem::from(sqlx::Error::PoolTimedOut).into_response();
        assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(busy.headers()[header::RETRY_AFTER], "1");
        let fault = Problem::from(sqlx::Error::RowNotFound);
        assert_eq!(fault.status, StatusCode::INTERNAL_SERVER_ERROR);
    }
}
