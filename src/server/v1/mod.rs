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
    handler::Handler,
    http::Method,
    middleware,
    response::{IntoResponse, Response},
    routing::{any, get, on, MethodFilter, MethodRouter},
    Router,
};

use super::AppState;

pub use admission::ApiAdmission;
pub use rate::ApiRateLimit;

/// The `/v1` routes, outside the portal's sessions: no cookie is read here.
pub fn routes(admission: ApiAdmission) -> Router<AppState> {
    operations()
        .into_iter()
        .fold(Router::new(), |router, operation| {
            router.route(operation.path, operation.handler)
        })
        .route("/v1", get(not_found))
        .route("/v1/{*rest}", any(not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(json::MAX_BODY))
        .layer(middleware::from_fn_with_state(admission, admission::layer))
        .layer(middleware::from_fn(request_id::layer))
}

/// Every operation the router serves as `METHOD /path`, which a test holds
/// equal to the OpenAPI document's.
pub fn served_operations() -> Vec<String> {
    operations()
        .into_iter()
        .map(|operation| format!("{} {}", operation.method, operation.path))
        .collect()
}

/// One operation of the API: every operation's route comes from this list
/// (beside it, the router has only its answers for unknown addresses).
struct Operation {
    method: Method,
    path: &'static str,
    handler: MethodRouter<AppState>,
}

fn operation<H, T>(method: Method, path: &'static str, handler: H) -> Operation
where
    H: Handler<T, AppState>,
    T: 'static,
{
    let filter = MethodFilter::try_from(method.clone()).expect("a method axum routes");
    Operation {
        method,
        path,
        handler: on(filter, handler),
    }
}

fn operations() -> Vec<Operation> {
    vec![
        operation(Method::GET, "/v1/account", account::account),
        operation(Method::GET, "/v1/prices", account::prices),
        operation(Method::GET, "/v1/inbound", account::inbound),
        operation(Method::POST, "/v1/messages", messages::send),
        operation(Method::GET, "/v1/messages", messages::list),
        operation(Method::POST, "/v1/messages/estimate", messages::estimate),
        operation(Method::GET, "/v1/messages/{id}", messages::one),
        operation(Method::POST, "/v1/webhooks", webhooks::create),
        operation(Method::GET, "/v1/webhooks", webhooks::list),
        operation(Method::DELETE, "/v1/webhooks/{id}", webhooks::delete),
        operation(Method::GET, "/v1/openapi.json", openapi::document),
    ]
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
