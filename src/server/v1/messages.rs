//! Sending and tracking messages: `POST /v1/messages` (and its dry run,
//! `/estimate`), `GET /v1/messages` and `GET /v1/messages/{id}`. A send
//! goes through the portal's own pipeline: the same routes, prices,
//! stop-list, single charge, gateway and refunds as a Bulk SMS campaign.

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode, Uri},
    response::Response,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use super::{
    auth::ApiCaller,
    idempotency::{self, Answer},
    json::{self, Body},
    paging::{self, Cursor},
    problem::{FieldProblem, Problem, ProblemDocument},
};
use crate::{
    domain::{Money, Phone},
    server::{
        resources::{encoding_name, Message, MESSAGE_COLUMNS},
        sending::{self, Plan, SendRefusal},
        AppState,
    },
};

pub const MAX_RECIPIENTS: usize = 10_000;
const MAX_CLIENT_REF: usize = 64;

/// One text to 1–10,000 recipients.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendRequest {
    /// An approved sender name of the account.
    #[schema(example = "INFO")]
    pub from: String,
    /// E.164 numbers.
    #[schema(example = json!(["+447400123456"]))]
    pub to: Vec<String>,
    /// Up to 10 parts.
    pub text: String,
    /// Your own reference, up to 64 characters, returned on every message.
    #[serde(default)]
    pub client_ref: Option<String>,
}

/// A recipient that will not be sent to, and why.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Rejected {
    pub to: String,
    /// `invalid_number`, `blocked`, `duplicate` or `no_route`.
    pub code: &'static str,
    pub detail: &'static str,
}

/// A checked request: the plan, and each refused recipient with its place.
struct Checked {
    plan: Plan,
    rejected: Vec<(usize, Rejected)>,
}

impl Checked {
    fn rejected(&self) -> Vec<Rejected> {
        self.rejected.iter().map(|(_, r)| r.clone()).collect()
    }
}

async fn check(
    state: &AppState,
    account_id: i64,
    request: &SendRequest,
) -> Result<Checked, Problem> {
    let mut errors = Vec::new();
    if request.to.is_empty() || request.to.len() > MAX_RECIPIENTS {
        errors.push(FieldProblem::new(
            "to",
            "invalid_recipients",
            format!(
                "Give 1 to {MAX_RECIPIENTS} recipients; this request has {}.",
                request.to.len()
            ),
        ));
    }
    if let Some(reference) = &request.client_ref {
        if reference.chars().count() > MAX_CLIENT_REF || reference.chars().any(char::is_control) {
            errors.push(FieldProblem::new(
                "client_ref",
                "invalid_client_ref",
                "A client_ref has at most 64 characters and no control characters.",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    // Refusals keep their place in `to`; the first of duplicates is sent.
    let mut rejected = Vec::new();
    let mut place: HashMap<String, usize> = HashMap::new();
    let mut numbers = Vec::new();
    for (index, raw) in request.to.iter().enumerate() {
        let refusal = |code, detail| {
            (
                index,
                Rejected {
                    to: raw.clone(),
                    code,
                    detail,
                },
            )
        };
        match Phone::parse(raw) {
            Err(_) => rejected.push(refusal(
                "invalid_number",
                "Not a phone number in international format (E.164), e.g. +447400123456.",
            )),
            Ok(phone) if place.contains_key(phone.as_str()) => rejected.push(refusal(
                "duplicate",
                "The number is already in this request: it gets one message.",
            )),
            Ok(phone) => {
                place.insert(phone.as_str().to_owned(), index);
                numbers.push(phone.into_inner());
            }
        }
    }
    if numbers.is_empty() {
        return Err(nothing_to_send(&rejected));
    }
    let plan = sending::plan_numbers(
        &state.pool,
        account_id,
        &request.from,
        numbers,
        &request.text,
    )
    .await
    .map_err(|error| match error {
        crate::domain::AppError::Invalid(form) => Problem::invalid(
            form.fields
                .iter()
                .map(|(field, message)| match field.as_str() {
                    "sender" => FieldProblem::new("from", "unknown_sender", message.clone()),
                    "text" => FieldProblem::new("text", "invalid_text", message.clone()),
                    _ => FieldProblem::new("to", "no_valid_recipient", message.clone()),
                })
                .collect(),
        ),
        _ => Problem::internal(),
    })?;
    let at = |phone: &String| place.get(phone).copied().unwrap_or_default();
    for phone in &plan.invalid {
        rejected.push((
            at(phone),
            Rejected {
                to: phone.clone(),
                code: "invalid_number",
                detail: "Not a valid number of its country: a wrong length or a range not in use.",
            },
        ));
    }
    for phone in &plan.stop_listed {
        rejected.push((
            at(phone),
            Rejected {
                to: phone.clone(),
                code: "blocked",
                detail: "The number is on the account's stop-list.",
            },
        ));
    }
    for phone in &plan.no_route {
        rejected.push((
            at(phone),
            Rejected {
                to: phone.clone(),
                code: "no_route",
                detail: "We have no route to the number's country or network.",
            },
        ));
    }
    rejected.sort_by_key(|(index, _)| *index);
    if plan.recipients.is_empty() {
        return Err(nothing_to_send(&rejected));
    }
    Ok(Checked { plan, rejected })
}

/// No recipient can be sent to: each one's reason, at its place in `to`.
fn nothing_to_send(rejected: &[(usize, Rejected)]) -> Problem {
    let errors = rejected
        .iter()
        .map(|(index, r)| FieldProblem::new(format!("to[{index}]"), r.code, r.detail))
        .collect();
    Problem {
        detail: "None of the recipients can be sent to.".to_owned(),
        ..Problem::invalid(errors)
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct EstimatedMessage {
    to: String,
    /// ISO 3166 code of the number's country.
    country: String,
    parts: usize,
    #[schema(example = "0.0450")]
    price: String,
}

/// What a send would do.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Estimate {
    parts: usize,
    /// `gsm7` or `ucs2`.
    encoding: &'static str,
    messages: Vec<EstimatedMessage>,
    rejected: Vec<Rejected>,
    #[schema(example = "0.0450")]
    total_price: String,
    /// The balance now, in euros.
    balance: String,
}

/// `POST /v1/messages/estimate`: what a send would do; nothing is written.
#[utoipa::path(post, path = "/v1/messages/estimate", tag = "messages",
    summary = "What a send would do, sending and charging nothing",
    request_body = SendRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 printable ASCII characters; a retry within 24 h gets the first answer")),
    responses((status = 200, description = "Recipients, rejections and price", body = Estimate)))]
pub async fn estimate(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    body: Result<Body<SendRequest>, Problem>,
) -> Response {
    let account_id = caller.account_id;
    idempotency::post(
        &state,
        &caller,
        &headers,
        "estimate",
        body,
        move |state, request| async move {
            estimate_checked(&state, account_id, &request)
                .await
                .unwrap_or_else(Answer::from)
        },
    )
    .await
}

async fn estimate_checked(
    state: &AppState,
    account_id: i64,
    request: &SendRequest,
) -> Result<Answer, Problem> {
    let checked = check(state, account_id, request).await?;
    let balance = sending::balance(&state.pool, account_id).await?;
    let plan = &checked.plan;
    let estimate = Estimate {
        parts: plan.segments.parts,
        encoding: encoding_name(plan.segments.encoding),
        messages: plan
            .recipients
            .iter()
            .map(|r| EstimatedMessage {
                to: r.phone.clone(),
                country: r.country_code.clone(),
                parts: plan.segments.parts,
                price: Money(r.price).exact(),
            })
            .collect(),
        rejected: checked.rejected(),
        total_price: plan.cost.exact(),
        balance: balance.exact(),
    };
    Ok(Answer::json(StatusCode::OK, &estimate))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Accepted {
    id: i64,
    to: String,
    /// `queued` when accepted.
    status: &'static str,
    parts: usize,
    encoding: &'static str,
    #[schema(example = "0.0450")]
    price: String,
    client_ref: Option<String>,
}

/// A send accepted: its messages, and the recipients refused.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Batch {
    batch_id: i64,
    #[schema(example = "0.0450")]
    total_price: String,
    messages: Vec<Accepted>,
    rejected: Vec<Rejected>,
}

/// `POST /v1/messages`: one text to 1–10,000 recipients, charged once.
#[utoipa::path(post, path = "/v1/messages", tag = "messages",
    summary = "Send one text to 1–10,000 recipients, charged once",
    request_body = SendRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 printable ASCII characters; a retry within 24 h gets the first answer and never sends twice")),
    responses(
        (status = 202, description = "Accepted and charged; the messages are queued", body = Batch),
        (status = 402, description = "The balance does not cover the batch; nothing was sent", body = ProblemDocument, content_type = "application/problem+json")))]
pub async fn send(
    State(state): State<AppState>,
    caller: ApiCaller,
    headers: HeaderMap,
    body: Result<Body<SendRequest>, Problem>,
) -> Response {
    let account_id = caller.account_id;
    idempotency::post(
        &state,
        &caller,
        &headers,
        "send",
        body,
        move |state, request| async move {
            send_checked(&state, account_id, &request)
                .await
                .unwrap_or_else(Answer::from)
        },
    )
    .await
}

async fn send_checked(
    state: &AppState,
    account_id: i64,
    request: &SendRequest,
) -> Result<Answer, Problem> {
    let checked = check(state, account_id, request).await?;
    let plan = &checked.plan;
    let by = sending::By::Api {
        client_ref: request.client_ref.clone(),
    };
    let sent = match sending::send_as(&state.pool, account_id, by, plan).await {
        Ok(sent) => sent,
        Err(SendRefusal::InsufficientFunds { cost, balance }) => {
            return Err(Problem::new(
                "insufficient_funds",
                format!(
                    "The batch costs {}; the balance is {}. Nothing was sent or charged.",
                    cost.display_precise(),
                    balance.display_precise()
                ),
            ))
        }
        Err(SendRefusal::Database(error)) => return Err(error.into()),
        Err(_) => return Err(Problem::internal()),
    };
    // Nothing may fail from here on: the batch is sent and charged.
    let encoding = encoding_name(plan.segments.encoding);
    Ok(Answer::json(
        StatusCode::ACCEPTED,
        &Batch {
            batch_id: sent.batch,
            total_price: plan.cost.exact(),
            messages: sent
                .messages
                .into_iter()
                .map(|(id, to, price)| Accepted {
                    id,
                    to,
                    status: "queued",
                    parts: plan.segments.parts,
                    encoding,
                    price: Money(price).exact(),
                    client_ref: request.client_ref.clone(),
                })
                .collect(),
            rejected: checked.rejected(),
        },
    ))
}

/// `GET /v1/messages/{id}`: one of the account's messages.
#[utoipa::path(get, path = "/v1/messages/{id}", tag = "messages", summary = "One message",
    params(("id" = i64, Path, description = "The message's id")),
    responses(
        (status = 200, description = "The message", body = Message),
        (status = 404, description = "No such message in this account", body = ProblemDocument, content_type = "application/problem+json")))]
pub async fn one(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Response {
    let found: Result<Option<Message>, Problem> = match id.parse::<i64>() {
        Err(_) => Ok(None),
        Ok(id) => sqlx::query_as(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = $1 AND account_id = $2"
        ))
        .bind(id)
        .bind(caller.account_id)
        .fetch_optional(&state.pool)
        .await
        .map_err(Problem::from),
    };
    let result =
        found.and_then(|message| message.map(Message::finish).ok_or_else(Problem::not_found));
    json::respond(&caller, result)
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `queued`, `sent`, `delivered` or `failed`.
    status: Option<String>,
    /// An E.164 number.
    to: Option<String>,
    batch_id: Option<i64>,
    client_ref: Option<String>,
    /// RFC 3339; messages created at or after.
    since: Option<String>,
    /// RFC 3339; messages created before.
    until: Option<String>,
    /// 1 to 1000, default 100.
    limit: Option<i64>,
    /// `next_cursor` of the page before.
    cursor: Option<String>,
}

/// `GET /v1/messages`: newest first, filtered, a page at a time.
#[utoipa::path(get, path = "/v1/messages", tag = "messages", summary = "Messages, newest first",
    params(ListQuery),
    responses((status = 200, description = "A page of messages", body = paging::Page<Message>)))]
pub async fn list(State(state): State<AppState>, caller: ApiCaller, uri: Uri) -> Response {
    let result = list_page(&state, caller.account_id, &uri).await;
    json::respond(&caller, result)
}

async fn list_page(
    state: &AppState,
    account_id: i64,
    uri: &Uri,
) -> Result<paging::Page<Message>, Problem> {
    let query: ListQuery = paging::query(uri)?;
    let take = paging::limit(query.limit)?;
    let after = query.cursor.as_deref().map(Cursor::decode).transpose()?;
    if let Some(status) = &query.status {
        if !["queued", "sent", "delivered", "failed"].contains(&status.as_str()) {
            return Err(Problem::field(
                "status",
                "invalid_value",
                "status is one of queued, sent, delivered, failed.",
            ));
        }
    }
    let since = query
        .since
        .as_deref()
        .map(|t| paging::time("since", t))
        .transpose()?;
    let until = query
        .until
        .as_deref()
        .map(|t| paging::time("until", t))
        .transpose()?;
    // A row-value bound, so both backends start the index scan at the
    // cursor: a page deep in a million messages costs what the first does.
    let rest = match after {
        Some(_) => "AND (created_at, id) < ($8, $9) ORDER BY created_at DESC, id DESC LIMIT $10",
        None => "ORDER BY created_at DESC, id DESC LIMIT $8",
    };
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages WHERE account_id = $1 \
         AND ($2 IS NULL OR status = $2) AND ($3 IS NULL OR recipient = $3) \
         AND ($4 IS NULL OR campaign_id = $4) AND ($5 IS NULL OR client_ref = $5) \
         AND ($6 IS NULL OR created_at >= $6) AND ($7 IS NULL OR created_at < $7) {rest}"
    );
    let mut select = sqlx::query_as(&sql)
        .bind(account_id)
        .bind(&query.status)
        .bind(&query.to)
        .bind(query.batch_id)
        .bind(&query.client_ref)
        .bind(&since)
        .bind(&until);
    if let Some(after) = after {
        select = select.bind(after.time).bind(after.id);
    }
    let rows: Vec<Message> = select.bind(take + 1).fetch_all(&state.pool).await?;
    Ok(paging::Page::of(
        rows.into_iter().map(Message::finish).collect(),
        take,
        |m| Cursor {
            time: m.created_at.clone(),
            id: m.id,
        },
    ))
}
