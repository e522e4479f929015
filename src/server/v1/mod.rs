//! The account's HTTP API under `/v1`, for customers' own systems: keys
//! instead of sessions, JSON, problem details, idempotent POSTs, a rate
//! limit per key. Sub-account settings do not touch it: a key acts for the
//! account. The contract is the README's "HTTP API" section.

mod account;
mod admission;
mod auth;
mod idempotency;
mod json;
mod messages;
pub mod openapi;
mod paging;
mod problem;
pub mod rate;
mod request_id;
mod webhooks;

use axum::{
    extract::DefaultBodyLimit,
    middleware,
    response::{IntoResponse, Response},
    routing::{any, delete, get, post},
    Router,
};

use super::AppState;

pub use admission::ApiAdmission;
pub use rate::ApiRateLimit;

/// The `/v1` routes, outside the portal's sessions: no cookie is read here.
pub fn routes(admission: ApiAdmission) -> Router<AppState> {
    Router::new()
        .route("/v1/account", get(account::account))
        .route("/v1/prices", get(account::prices))
        .route("/v1/inbound", get(account::inbound))
        .route("/v1/messages", post(messages::send).get(messages::list))
        .route("/v1/messages/estimate", post(messages::estimate))
        .route("/v1/messages/{id}", get(messages::one))
        .route("/v1/webhooks", post(webhooks::create).get(webhooks::list))
        .route("/v1/webhooks/{id}", delete(webhooks::delete))
        .route("/v1/openapi.json", get(openapi::document))
        .route("/v1", get(not_found))
        .route("/v1/{*rest}", any(not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(json::MAX_BODY))
        .layer(middleware::from_fn_with_state(admission, admission::layer))
        .layer(middleware::from_fn(request_id::layer))
}

async fn method_not_allowed() -> Response {
    problem::Problem::new(
        "method_not_allowed",
        "This endpoint does not take that method. See /v1/openapi.json.",
    )
    .into_response()
}

async fn not_found() -> Response {
    problem::Problem::new(
        "not_found",
        "There is no such endpoint. See /v1/openapi.json.",
    )
    .into_response()
}
