//! The sender: every process runs one. A round claims due deliveries with
//! a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so two processes never
//! take the same one), posts them signed, and records each outcome: a 2xx
//! is delivered; anything else is tried again after the next delay of
//! [`RETRY_DELAYS`], and after the last one the delivery has failed.

use crate::server::db::Write as _;
use std::time::Duration;

use futures::StreamExt;

use super::{address, signature, UrlPolicy};
use crate::server::{
    db::{self, begin_write, id_list, Backend, Pool},
    rounds::Rounds,
};

/// The waits between attempts: eight attempts over about 28 hours.
pub const RETRY_DELAYS: [Duration; 7] = [
    Duration::from_secs(5),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(5 * 3600),
    Duration::from_secs(10 * 3600),
    Duration::from_secs(10 * 3600),
];

/// Deliveries claimed per round, and posted at once.
const BATCH: i64 = 50;
const AT_ONCE: usize = 8;

/// Longer than an attempt may take (10 s), so a claim outlives its posts;
/// a process that dies holding one leaves it to others after this.
const LEASE: Duration = Duration::from_secs(60);

/// The posting side: an HTTP client and the rule of where it may post.
#[derive(Clone)]
pub struct Poster {
    client: reqwest::Client,
    policy: UrlPolicy,
}

impl Poster {
    pub fn new(policy: UrlPolicy) -> Self {
        Self {
            client: address::client(policy),
            policy,
        }
    }
}

/// A claimed delivery and where it goes.
struct Due {
    id: i64,
    attempts: i64,
    event_id: String,
    payload: String,
    url: String,
    secret: String,
}

/// How one attempt went: the HTTP status, if any answer came, and why it
/// did not succeed.
struct Attempt {
    status: Option<u16>,
    error: Option<String>,
}

impl Attempt {
    fn succeeded(&self) -> bool {
        self.error.is_none()
    }
}

/// Runs rounds every `tick` until its `shutdown`.
pub fn spawn(pool: Pool, poster: Poster, tick: Duration) -> Rounds {
    Rounds::spawn("webhook sender", tick, move || {
        let (pool, poster) = (pool.clone(), poster.clone());
        async move { round(&pool, &poster).await }
    })
}

/// One round; returns how many attempts it made.
pub async fn round(pool: &Pool, poster: &Poster) -> Result<usize, sqlx::Error> {
    let claimed = claim(pool).await?;
    let attempted = claimed.len();
    let outcomes: Vec<(Due, Attempt)> = futures::stream::iter(claimed)
        .map(|due| async move {
            let attempt = post(poster, &due).await;
            (due, attempt)
        })
        .buffer_unordered(AT_ONCE)
        .collect()
        .await;
    for (due, attempt) in outcomes {
        record(pool, &due, &attempt).await?;
    }
    Ok(attempted)
}

async fn claim(pool: &Pool) -> Result<Vec<Due>, sqlx::Error> {
    let now = db::now();
    let mut tx = begin_write(pool).await?;
    let ids: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $1 \
         AND (lease_until IS NULL OR lease_until < $1) ORDER BY next_attempt_at, id LIMIT $2{}",
        Backend::of(pool).skip_locked()
    ))
    .bind(&now)
    .bind(BATCH)
    .fetch_all(&mut *tx)
    .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = id_list(&ids);
    sqlx::query(&format!(
        "UPDATE webhook_deliveries SET lease_until = $1 WHERE id IN ({ids})"
    ))
    .bind(db::timestamp(time::OffsetDateTime::now_utc() + LEASE))
    .execute(&mut *tx)
    .await?;
    let rows: Vec<(i64, i64, String, String, String, String)> = sqlx::query_as(&format!(
        "SELECT d.id, d.attempts, d.event_id, d.payload, e.url, e.secret \
         FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id \
         WHERE d.id IN ({ids}) ORDER BY d.id"
    ))
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|(id, attempts, event_id, payload, url, secret)| Due {
            id,
            attempts,
            event_id,
            payload,
            url,
            secret,
        })
        .collect())
}

/// One signed POST; the URL is checked again (its rules may have changed,
/// and an address in it is not resolved, so the resolver cannot filter it).
async fn post(poster: &Poster, due: &Due) -> Attempt {
    let failed = |status: Option<u16>, why: String| Attempt {
        status,
        error: Some(why),
    };
    let url = match address::check(&due.url, poster.policy) {
        Ok(url) => url,
        Err(refusal) => return failed(None, refusal.explain().to_owned()),
    };
    let Some(key) = signature::key_of(&due.secret) else {
        return failed(None, "the endpoint's secret is unreadable".to_owned());
    };
    let timestamp = time::OffsetDateTime::now_utc().unix_timestamp();
    let request = poster
        .client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", &due.event_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header(
            "webhook-signature",
            signature::sign(&key, &due.event_id, timestamp, &due.payload),
        )
        .body(due.payload.clone());
    match request.send().await {
        Ok(response) if response.status().is_success() => Attempt {
            status: Some(response.status().as_u16()),
            error: None,
        },
        Ok(response) => {
            let status = response.status();
            failed(Some(status.as_u16()), format!("answered {status}"))
        }
        Err(error) if error.is_timeout() => failed(None, "no answer within 10 s".to_owned()),
        Err(error) if error.is_connect() => failed(None, "could not connect".to_owned()),
        Err(_) => failed(None, "the request failed".to_owned()),
    }
}

async fn record(pool: &Pool, due: &Due, attempt: &Attempt) -> Result<(), sqlx::Error> {
    let now = time::OffsetDateTime::now_utc();
    let retry_after = RETRY_DELAYS.get(due.attempts as usize).copied();
    let (status, next) = match (attempt.succeeded(), retry_after) {
        (true, _) => ("delivered", now),
        (false, Some(delay)) => ("pending", now + delay),
        (false, None) => ("failed", now),
    };
    sqlx::query(
        "UPDATE webhook_deliveries SET status = $2, attempts = attempts + 1, next_attempt_at = $3, \
         lease_until = NULL, last_status = $4, last_error = $5, last_attempt_at = $6 \
         WHERE id = $1 AND status = 'pending'",
    )
    .bind(due.id)
    .bind(status)
    .bind(db::timestamp(next))
    .bind(attempt.status.map(i64::from))
    .bind(&attempt.error)
    .bind(db::timestamp(now))
    .write(pool)
    .await?;
    Ok(())
}
