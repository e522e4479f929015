//! `POST /v1/webhooks`, `GET /v1/webhooks`, `DELETE /v1/webhooks/{id}`:
//! where the account's events go. Deliveries are signed as Standard
//! Webhooks say; see `server::webhooks`.

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

use super::{
    auth::ApiCaller,
    idempotency::{self, Answer},
    json::{self, Body},
    paging::Page,
    problem::{Problem, ProblemDocument},
};
use crate::server::{
    audit,
    webhooks::endpoints::{self, CreateError, Created, Endpoint, MAX_ENDPOINTS},
    AppState,
};

/// Where to post, and which events.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    /// `https://`, on a public address.
    #[schema(example = "https://example.com/sms-events")]
    pub url: String,
    /// Any of `message.delivered`, `message.failed`, `inbound.received`.
    #[schema(example = json!(["message.delivered", "message.failed"]))]
    pub events: Vec<String>,
}

/// `POST /v1/webhooks`: a new endpoint; its secret is in this answer only.
#[utoipa::path(post, path = "/v1/webhooks", tag = "webhooks", operation_id = "create_webhook",
    summary = "Add a webhook endpoint",
    request_body = NewWebhook,
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 printable ASCII characters; a retry within 24 h gets the first answer and never adds twice")),
    responses((status = 201, description = "The endpoint, with its signing secret (shown only now)", body = Created)))]
pub async fn create(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    body: Result<Body<NewWebhook>, Problem>,
) -> Response {
    let (account_id, key_id) = (caller.account_id, caller.key_id);
    idempotency::post(
        &state,
        &caller,
        &headers,
        "webhooks",
        body,
        move |state, request| async move {
            create_checked(&state, account_id, key_id, &request)
                .await
                .unwrap_or_else(Answer::from)
        },
    )
    .await
}

async fn create_checked(
    state: &AppState,
    account_id: i64,
    key_id: i64,
    request: &NewWebhook,
) -> Result<Answer, Problem> {
    let refused = |error| match error {
        CreateError::Url(refusal) => Problem::field("url", "invalid_url", refusal.explain()),
        CreateError::Events(why) => Problem::field("events", "invalid_value", why),
        CreateError::TooMany => Problem::new(
            "validation_failed",
            format!("An account has at most {MAX_ENDPOINTS} webhook endpoints: delete one first."),
        ),
        CreateError::Database(error) => error.into(),
    };
    let events = endpoints::events(&request.events).map_err(refused)?;
    let created = endpoints::create(
        &state.pool,
        account_id,
        &request.url,
        &events,
        state.webhook_urls,
    )
    .await
    .map_err(refused)?;
    note(
        state,
        account_id,
        key_id,
        "webhook_created",
        &created.endpoint.url,
    )
    .await;
    Ok(Answer::json(StatusCode::CREATED, &created))
}

async fn note(state: &AppState, account_id: i64, key_id: i64, action: &'static str, url: &str) {
    let entry = audit::Entry::by_api_key(account_id, key_id, action).on(url);
    audit::record(&state.pool, &audit::Origin::default(), entry).await;
}

/// `GET /v1/webhooks`: the account's endpoints, oldest first, no secrets.
#[utoipa::path(get, path = "/v1/webhooks", tag = "webhooks", operation_id = "list_webhooks", summary = "Webhook endpoints",
    responses((status = 200, description = "Every endpoint of the account (at most 10, so one page)", body = Page<Endpoint>)))]
pub async fn list(State(state): State<AppState>, caller: ApiCaller) -> Response {
    let result = endpoints::list(&state.pool, caller.account_id)
        .await
        .map(|data| Page {
            data,
            next_cursor: None,
        })
        .map_err(Problem::from);
    json::respond(&caller, result)
}

/// `DELETE /v1/webhooks/{id}`: the endpoint and its pending deliveries go.
#[utoipa::path(delete, path = "/v1/webhooks/{id}", tag = "webhooks", operation_id = "delete_webhook", summary = "Remove a webhook endpoint",
    params(("id" = i64, Path, description = "The endpoint's id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such endpoint in this account", body = ProblemDocument, content_type = "application/problem+json")))]
pub async fn delete(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Response {
    let removed = match id.parse::<i64>() {
        Err(_) => Ok(None),
        Ok(id) => endpoints::delete(&state.pool, caller.account_id, id).await,
    };
    let mut response = match removed {
        Ok(Some(url)) => {
            note(
                &state,
                caller.account_id,
                caller.key_id,
                "webhook_deleted",
                &url,
            )
            .await;
            StatusCode::NO_CONTENT.into_response()
        }
        Ok(None) => Problem::not_found().into_response(),
        Err(error) => Problem::from(error).into_response(),
    };
    caller.limit.apply(&mut response);
    response
}
