//! The account's webhook endpoints and their recent deliveries.

use crate::server::db::Write as _;
use serde::Serialize;

use super::{address, signature, EventType, UrlPolicy};
use crate::{
    domain::wire::webhooks::WebhookDelivery,
    server::db::{self, Backend, Pool},
};

/// An account has at most this many endpoints.
pub const MAX_ENDPOINTS: i64 = 10;

/// An endpoint as listed: never its secret.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Endpoint {
    pub id: i64,
    pub url: String,
    /// The events it receives.
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<String>, example = json!(["message.delivered", "inbound.received"]))]
    pub events: Events,
    pub created_at: String,
}

/// Event names, as a list in JSON and comma-separated in the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Events(pub Vec<String>);

impl Events {
    pub fn contains(&self, event: EventType) -> bool {
        self.0.iter().any(|name| name == event.as_str())
    }
}

impl From<String> for Events {
    fn from(stored: String) -> Self {
        Self(stored.split(',').map(str::to_owned).collect())
    }
}

/// A new endpoint and its signing secret, shown this once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Created {
    #[serde(flatten)]
    pub endpoint: Endpoint,
    /// `whsec_…`: verify signatures with it. Shown only now.
    pub secret: String,
}

#[derive(Debug)]
pub enum CreateError {
    Url(address::UrlRefusal),
    /// No events, or one that does not exist.
    Events(String),
    TooMany,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for CreateError {
    fn from(error: sqlx::Error) -> Self {
        Self::Database(error)
    }
}

/// Checks the events: at least one, each known; answers them in the
/// canonical order, without repeats.
pub fn events(names: &[String]) -> Result<Vec<EventType>, CreateError> {
    if names.is_empty() {
        return Err(CreateError::Events(
            "events lists at least one of message.delivered, message.failed, inbound.received."
                .to_owned(),
        ));
    }
    if let Some(unknown) = names.iter().find(|name| EventType::parse(name).is_none()) {
        return Err(CreateError::Events(format!(
            "“{}” is not an event: use message.delivered, message.failed or inbound.received.",
            unknown.chars().take(64).collect::<String>()
        )));
    }
    Ok(EventType::ALL
        .into_iter()
        .filter(|event| names.iter().any(|name| name == event.as_str()))
        .collect())
}

pub async fn create(
    pool: &Pool,
    account_id: i64,
    url: &str,
    events: &[EventType],
    policy: UrlPolicy,
) -> Result<Created, CreateError> {
    let url = address::check_resolved(url, policy)
        .await
        .map_err(CreateError::Url)?;
    let events: Vec<&str> = events.iter().map(|event| event.as_str()).collect();
    let secret = signature::new_secret();
    let mut tx = db::begin_write(pool).await?;
    // The account's row orders concurrent creations, so the limit holds.
    sqlx::query(&format!(
        "SELECT id FROM accounts WHERE id = $1{}",
        Backend::of(pool).for_update()
    ))
    .bind(account_id)
    .fetch_optional(&mut *tx)
    .await?;
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM webhook_endpoints WHERE account_id = $1")
            .bind(account_id)
            .fetch_one(&mut *tx)
            .await?;
    if count >= MAX_ENDPOINTS {
        return Err(CreateError::TooMany);
    }
    let endpoint: Endpoint = sqlx::query_as(
        "INSERT INTO webhook_endpoints (account_id, url, events, secret, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id, url, events, created_at",
    )
    .bind(account_id)
    .bind(url.as_str())
    .bind(events.join(","))
    .bind(&secret)
    .bind(db::now())
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Created { endpoint, secret })
}

pub async fn list(pool: &Pool, account_id: i64) -> Result<Vec<Endpoint>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, url, events, created_at FROM webhook_endpoints WHERE account_id = $1 ORDER BY id",
    )
    .bind(account_id)
    .fetch_all(pool)
    .await
}

/// Removes an endpoint of the account with its pending deliveries; the URL
/// if it was there.
pub async fn delete(pool: &Pool, account_id: i64, id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "DELETE FROM webhook_endpoints WHERE id = $1 AND account_id = $2 RETURNING url",
    )
    .bind(id)
    .bind(account_id)
    .fetch_optional(pool)
    .await
}

/// The newest `per_endpoint` deliveries of each endpoint of the account.
pub async fn recent_deliveries(
    pool: &Pool,
    account_id: i64,
    per_endpoint: i64,
) -> Result<Vec<WebhookDelivery>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.id, d.endpoint_id, d.event_type, d.status, d.attempts, d.last_status, d.last_error, \
                d.last_attempt_at, d.next_attempt_at, d.created_at \
         FROM webhook_endpoints e JOIN webhook_deliveries d ON d.endpoint_id = e.id \
         WHERE e.account_id = $1 AND d.id IN \
            (SELECT x.id FROM webhook_deliveries x WHERE x.endpoint_id = e.id ORDER BY x.id DESC LIMIT $2) \
         ORDER BY d.endpoint_id, d.id DESC",
    )
    .bind(account_id)
    .bind(per_endpoint)
    .fetch_all(pool)
    .await
}

/// Makes a delivery of the account due now, whatever became of it: one
/// more attempt (and the retries left, if any). Whether it was found.
pub async fn redeliver(
    pool: &Pool,
    account_id: i64,
    delivery_id: i64,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $3 \
         WHERE id = $1 AND endpoint_id IN (SELECT id FROM webhook_endpoints WHERE account_id = $2)",
    )
    .bind(delivery_id)
    .bind(account_id)
    .bind(db::now())
    .write(pool)
    .await?;
    Ok(updated.rows_affected() == 1)
}
