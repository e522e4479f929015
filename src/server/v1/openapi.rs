//! `GET /v1/openapi.json`: an OpenAPI 3.1 document made from the handlers'
//! own annotations and the types they answer with, so it cannot drift from
//! the code. What every operation shares (the key, the request id, the rate
//! limit, the problems any call can meet) is added to each here.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::{json, Map, Value};
use std::sync::LazyLock;
use utoipa::OpenApi;

use super::{account, messages, problem, webhooks};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "sms-portal HTTP API",
        version = "1.0.0",
        description = "Send and track SMS from your own systems. Authenticate with an API key from Setting → API keys: `Authorization: Bearer <key>`."
    ),
    paths(
        account::account,
        account::prices,
        account::inbound,
        messages::send,
        messages::estimate,
        messages::list,
        messages::one,
        webhooks::create,
        webhooks::list,
        webhooks::delete,
        document
    ),
    components(schemas(problem::ProblemDocument, problem::FieldProblem)),
    tags(
        (name = "account", description = "The account, its prices and its inbound messages"),
        (name = "messages", description = "Sending and tracking messages"),
        (name = "webhooks", description = "Where the account's events are posted, signed as Standard Webhooks specify")
    )
)]
struct ApiDoc;

static DOCUMENT: LazyLock<Value> = LazyLock::new(|| {
    let mut document = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    complete(&mut document);
    document
});

/// `GET /v1/openapi.json`, no key needed.
#[utoipa::path(get, path = "/v1/openapi.json", tag = "account",
    summary = "This document",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", content_type = "application/json")))]
pub async fn document() -> Response {
    let mut response = (StatusCode::OK, DOCUMENT.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The document, indented for people.
pub fn pretty() -> String {
    serde_json::to_string_pretty(&*DOCUMENT).unwrap_or_default()
}

/// Every operation as `METHOD /path`.
pub fn operations() -> Vec<String> {
    let mut found = Vec::new();
    if let Some(paths) = DOCUMENT["paths"].as_object() {
        for (path, item) in paths {
            for method in item.as_object().map(Map::keys).into_iter().flatten() {
                found.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    found
}

fn problem_response(description: &str, extra_headers: &[&str]) -> Value {
    let mut headers = Map::new();
    for name in extra_headers {
        headers.insert(
            (*name).to_owned(),
            json!({ "$ref": format!("#/components/headers/{name}") }),
        );
    }
    json!({
        "description": description,
        "headers": headers,
        "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/ProblemDocument" } } }
    })
}

/// The problem codes an operation can answer with, by status.
fn problems_of(method: &str, has_query: bool) -> Vec<(&'static str, &'static str)> {
    let mut statuses = vec![
        (
            "401",
            "No live API key: missing, malformed, unknown or revoked.",
        ),
        (
            "429",
            "Over the key's rate limit; nothing was processed. Retry after `Retry-After` seconds.",
        ),
        ("500", "A fault on our side."),
        (
            "503",
            "The service is saturated and did not take the request; nothing was processed. Retry after `Retry-After` seconds.",
        ),
    ];
    if method == "post" {
        statuses.extend([
            ("400", "The body is not the JSON this operation takes, or the Idempotency-Key is invalid."),
            ("409", "A request with this Idempotency-Key is still being processed."),
            ("413", "The body is larger than 1 MiB."),
            ("415", "The body is not JSON."),
            ("422", "A field is invalid (see `errors`), or the Idempotency-Key was used with another body."),
        ]);
    } else if has_query {
        statuses.extend([
            (
                "400",
                "An unknown or ill-typed parameter, or a cursor not given by this API.",
            ),
            ("422", "A parameter is out of range (see `errors`)."),
        ]);
    }
    statuses
}

fn complete(document: &mut Value) {
    document["components"]["securitySchemes"] = json!({
        "bearer": { "type": "http", "scheme": "bearer", "description": "An API key from Setting → API keys." },
        "basic": { "type": "http", "scheme": "basic", "description": "The API key as the user name, with an empty password." }
    });
    let header =
        |description: &str| json!({ "description": description, "schema": { "type": "string" } });
    document["components"]["headers"] = json!({
        "X-Request-Id": header("The request's id: the caller's own (up to 64 letters, digits, `-`, `_`, `.`) or a new one."),
        "RateLimit-Limit": header("Requests the key may make in a burst."),
        "RateLimit-Remaining": header("Requests left in the burst."),
        "RateLimit-Reset": header("Seconds until the burst is full again."),
        "Retry-After": header("Seconds to wait before retrying."),
        "Idempotent-Replayed": header("`true` on an answer replayed for a retried Idempotency-Key."),
    });
    let codes: Vec<&str> = problem::CODES.iter().map(|(code, _, _)| *code).collect();
    document["components"]["schemas"]["ProblemDocument"]["properties"]["code"]["enum"] =
        json!(codes);
    document["components"]["schemas"]["FieldProblem"]["properties"]["code"]["description"] = json!(
        "invalid_number, blocked, duplicate, no_route, unknown_sender, invalid_text, invalid_recipients, no_valid_recipient, invalid_client_ref, invalid_value, invalid_url"
    );
    let Some(paths) = document["paths"].as_object_mut() else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            if path == "/v1/openapi.json" {
                operation["security"] = json!([]);
                continue;
            }
            operation["security"] = json!([{ "bearer": [] }, { "basic": [] }]);
            let has_query = operation["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"));
            let responses = operation["responses"].as_object_mut();
            let Some(responses) = responses else { continue };
            for (status, description) in problems_of(method, has_query) {
                let extra: &[&str] = match status {
                    "429" => &[
                        "Retry-After",
                        "RateLimit-Limit",
                        "RateLimit-Remaining",
                        "RateLimit-Reset",
                    ],
                    "409" | "503" => &["Retry-After"],
                    _ => &[],
                };
                responses
                    .entry(status)
                    .or_insert_with(|| problem_response(description, extra));
            }
            for (status, response) in responses.iter_mut() {
                let headers = &mut response["headers"];
                if !headers.is_object() {
                    *headers = json!({});
                }
                headers["X-Request-Id"] = json!({ "$ref": "#/components/headers/X-Request-Id" });
                if status.starts_with('2') {
                    for name in ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"] {
                        headers[name] = json!({ "$ref": format!("#/components/headers/{name}") });
                    }
                    if method == "post" {
                        headers["Idempotent-Replayed"] =
                            json!({ "$ref": "#/components/headers/Idempotent-Replayed" });
                    }
                }
            }
        }
    }
}
