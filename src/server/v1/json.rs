//! JSON bodies in, JSON answers out, every refusal a problem: axum's own
//! `Json` answers bad bodies in plain text.

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::{de::DeserializeOwned, Serialize};

use super::problem::Problem;

/// Enough for 10,000 recipients with room to spare.
pub const MAX_BODY: usize = 1024 * 1024;

/// A request body: its bytes (idempotency compares them) and its value.
pub struct Body<T> {
    pub bytes: Bytes,
    pub value: T,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<Self, Problem> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .is_some_and(|kind| {
                let kind = kind.trim();
                kind.eq_ignore_ascii_case("application/json")
                    || (kind.starts_with("application/") && kind.ends_with("+json"))
            });
        if !is_json {
            return Err(Problem::new(
                "unsupported_media_type",
                "Send the body as JSON, with `Content-Type: application/json`.",
            ));
        }
        let bytes =
            Bytes::from_request(request, state)
                .await
                .map_err(|rejection| match rejection.status() {
                    StatusCode::PAYLOAD_TOO_LARGE => Problem::new(
                        "payload_too_large",
                        format!("A request body holds at most {MAX_BODY} bytes."),
                    ),
                    _ => Problem::new("malformed_request", "The body could not be read."),
                })?;
        let value = parse(&bytes)?;
        Ok(Self { bytes, value })
    }
}

/// Reads `bytes` as a `T`; wrong JSON and wrong types are both a 400 that
/// says where.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    // PostgreSQL's text cannot hold NUL: refused alike on both backends.
    if bytes.contains(&0) || bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000")) {
        return Err(Problem::new(
            "malformed_request",
            "Text cannot contain NUL characters (\\u0000).",
        ));
    }
    serde_json::from_slice(bytes).map_err(|error| {
        Problem::new(
            "malformed_request",
            format!("The body is not the JSON this endpoint takes: {error}."),
        )
    })
}

/// A JSON answer with `status`, as sent (and as stored for a replay).
pub fn answer(status: StatusCode, body: &impl Serialize) -> Response {
    encoded(status, serde_json::to_string(body).unwrap_or_default())
}

/// A GET's answer: `result` as JSON (200) or a problem, with the caller's
/// rate-limit headers.
pub fn respond<T: Serialize>(
    caller: &super::auth::ApiCaller,
    result: Result<T, Problem>,
) -> Response {
    let mut response = match result {
        Ok(body) => answer(StatusCode::OK, &body),
        Err(problem) => problem.into_response(),
    };
    caller.limit.apply(&mut response);
    response
}

/// An answer whose JSON is already written.
pub fn encoded(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
