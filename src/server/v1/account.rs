//! The account itself, its prices and its inbound messages.

use axum::{extract::State, http::Uri, response::Response};
use serde::{Deserialize, Serialize};

use super::{
    auth::ApiCaller,
    json,
    paging::{self, Cursor},
    problem::Problem,
};
use crate::{
    domain::Money,
    server::{prices, resources::Inbound, AppState},
};

#[derive(Serialize, utoipa::ToSchema)]
pub struct Account {
    id: i64,
    name: String,
    /// Euros, four decimals.
    #[schema(example = "12495.6100")]
    balance: String,
    #[schema(example = "EUR")]
    currency: &'static str,
}

/// `GET /v1/account`.
#[utoipa::path(get, path = "/v1/account", tag = "account", summary = "The account and its balance",
    responses((status = 200, description = "The account", body = Account)))]
pub async fn account(State(state): State<AppState>, caller: ApiCaller) -> Response {
    let found: Result<(String, i64), sqlx::Error> =
        sqlx::query_as(
            "SELECT a.name, b.balance FROM accounts a JOIN account_balances b ON b.account_id = a.id WHERE a.id = $1",
        )
            .bind(caller.account_id)
            .fetch_one(&state.pool)
            .await;
    let result = found.map_err(Problem::from).map(|(name, balance)| Account {
        id: caller.account_id,
        name,
        balance: Money(balance).exact(),
        currency: "EUR",
    });
    json::respond(&caller, result)
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Price {
    country_code: String,
    country: String,
    dial_prefix: String,
    network: String,
    /// Euros per message part, four decimals.
    #[schema(example = "0.0450")]
    price: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Prices {
    #[schema(example = "EUR")]
    currency: &'static str,
    data: Vec<Price>,
}

/// `GET /v1/prices`: the price of one part, by country and network.
#[utoipa::path(get, path = "/v1/prices", tag = "account", summary = "Prices per message part",
    responses((status = 200, description = "The price list", body = Prices)))]
pub async fn prices(State(state): State<AppState>, caller: ApiCaller) -> Response {
    let result = prices::list(&state.pool, "")
        .await
        .map_err(Problem::from)
        .map(|rows| Prices {
            currency: "EUR",
            data: rows
                .into_iter()
                .map(|row| Price {
                    country_code: row.country_code,
                    country: row.country,
                    dial_prefix: row.dial_prefix,
                    network: row.network,
                    price: Money(row.price).exact(),
                })
                .collect(),
        });
    json::respond(&caller, result)
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InboundQuery {
    /// 1 to 1000, default 100.
    limit: Option<i64>,
    /// `next_cursor` of the page before.
    cursor: Option<String>,
}

/// `GET /v1/inbound`: messages received, newest first.
#[utoipa::path(get, path = "/v1/inbound", tag = "account", summary = "Messages received, newest first",
    params(InboundQuery),
    responses((status = 200, description = "A page of inbound messages", body = paging::Page<Inbound>)))]
pub async fn inbound(State(state): State<AppState>, caller: ApiCaller, uri: Uri) -> Response {
    let result = inbound_page(&state, caller.account_id, &uri).await;
    json::respond(&caller, result)
}

async fn inbound_page(
    state: &AppState,
    account_id: i64,
    uri: &Uri,
) -> Result<paging::Page<Inbound>, Problem> {
    let query: InboundQuery = paging::query(uri)?;
    let take = paging::limit(query.limit)?;
    let after = query.cursor.as_deref().map(Cursor::decode).transpose()?;
    // A row-value bound, as for messages: every page starts at its cursor.
    let rest = match after {
        Some(_) => "AND (received_at, id) < ($2, $3) ORDER BY received_at DESC, id DESC LIMIT $4",
        None => "ORDER BY received_at DESC, id DESC LIMIT $2",
    };
    let sql = format!(
        "SELECT id, sender, recipient, text, received_at FROM incoming_messages WHERE account_id = $1 {rest}"
    );
    let mut select = sqlx::query_as(&sql).bind(account_id);
    if let Some(after) = after {
        select = select.bind(after.time).bind(after.id);
    }
    let rows = select.bind(take + 1).fetch_all(&state.pool).await?;
    Ok(paging::Page::of(rows, take, |m: &Inbound| Cursor {
        time: m.received_at.clone(),
        id: m.id,
    }))
}
