//! `Idempotency-Key` on POSTs: within 24 hours and one API key, a retry
//! with the same key and body gets the first answer again, byte for byte,
//! marked `Idempotent-Replayed: true`; the same key with another body is
//! refused (422), and one arriving while the first still runs waits for
//! nobody (409). The first request claims the key in the database before
//! it does anything, so concurrent retries, in any process, send once.

use crate::server::db::Write as _;
use axum::{
    http::{HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use blake2::{Blake2s256, Digest};
use std::{
    future::Future,
    sync::atomic::{AtomicI64, Ordering},
    time::Duration,
};

use super::{
    auth::ApiCaller,
    json::{self, Body},
    problem::Problem,
    request_id,
};
use crate::server::{
    db::{self, Pool},
    AppState,
};

const HEADER: &str = "idempotency-key";
const KEPT: Duration = Duration::from_secs(24 * 60 * 60);
/// A claim still unanswered after this long was left by a process that
/// stopped (a send takes seconds): its retry may take it over.
const ABANDONED: Duration = Duration::from_secs(5 * 60);

/// The key of a request, if it sent a valid one.
fn key_of(headers: &HeaderMap) -> Result<Option<String>, Problem> {
    let Some(value) = headers.get(HEADER) else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or_default();
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Err(Problem::new(
            "invalid_idempotency_key",
            "An Idempotency-Key has 1 to 255 printable ASCII characters.",
        ));
    }
    Ok(Some(key.to_owned()))
}

fn fingerprint(route: &str, body: &[u8]) -> String {
    let mut hasher = Blake2s256::new();
    hasher.update(route.as_bytes());
    hasher.update([0]);
    hasher.update(body);
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A finished answer: its status and its exact JSON.
pub struct Answer {
    pub status: StatusCode,
    pub body: String,
}

impl From<Problem> for Answer {
    fn from(problem: Problem) -> Self {
        Self {
            status: problem.status,
            body: problem.body(),
        }
    }
}

impl Answer {
    pub fn json(status: StatusCode, body: &impl serde::Serialize) -> Self {
        Self {
            status,
            body: serde_json::to_string(body).unwrap_or_default(),
        }
    }

    fn into_response(self, replayed: bool) -> Response {
        let mut response = json::encoded(self.status, self.body);
        if self.status.is_client_error() || self.status.is_server_error() {
            response.headers_mut().insert(
                axum::http::header::CONTENT_TYPE,
                HeaderValue::from_static("application/problem+json"),
            );
        }
        if replayed {
            response
                .headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
        }
        response
    }
}

/// Runs `work` once per idempotency key (when the request has one) and
/// answers every retry with what it answered.
pub async fn once<F>(
    pool: &Pool,
    api_key_id: i64,
    headers: &HeaderMap,
    route: &str,
    body: &[u8],
    work: F,
) -> Response
where
    F: Future<Output = Answer>,
{
    let key = match key_of(headers) {
        Ok(Some(key)) => key,
        Ok(None) => return work.await.into_response(false),
        Err(problem) => return problem.into_response(),
    };
    match claim(pool, api_key_id, &key, &fingerprint(route, body)).await {
        Ok(Claim::Ours) => {}
        Ok(Claim::Done(answer)) => return answer.into_response(true),
        Ok(Claim::Refused(problem)) => return problem.into_response(),
        Err(error) => return Problem::from(error).into_response(),
    }
    let answer = work.await;
    // A fault is not an answer to replay: the retry gets another chance.
    let kept = if answer.status.is_server_error() {
        sqlx::query("DELETE FROM idempotent_requests WHERE api_key_id = $1 AND key = $2")
            .bind(api_key_id)
            .bind(&key)
            .write(pool)
            .await
    } else {
        sqlx::query(
            "UPDATE idempotent_requests SET status = $3, body = $4 WHERE api_key_id = $1 AND key = $2",
        )
        .bind(api_key_id)
        .bind(&key)
        .bind(i64::from(answer.status.as_u16()))
        .bind(&answer.body)
        .write(pool)
        .await
    };
    if let Err(error) = kept {
        tracing::error!(%error, "idempotent answer not kept");
    }
    answer.into_response(false)
}

/// Deletes the answers older than a day, at most once a minute per
/// process and beside the request, never in its way: a claim already treats
/// an expired row as free.
fn purge_now_and_then(pool: &Pool) {
    static LAST: AtomicI64 = AtomicI64::new(0);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let last = LAST.load(Ordering::Relaxed);
    if now - last < 60
        || LAST
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
    {
        return;
    }
    let pool = pool.clone();
    tokio::spawn(async move {
        let purged = sqlx::query("DELETE FROM idempotent_requests WHERE created_at < $1")
            .bind(db::before_now(KEPT))
            .write(&pool)
            .await;
        if let Err(error) = purged {
            tracing::warn!(%error, "expired idempotent answers not purged");
        }
    });
}

enum Claim {
    Ours,
    Done(Answer),
    Refused(Problem),
}

async fn claim(
    pool: &Pool,
    api_key_id: i64,
    key: &str,
    fingerprint: &str,
) -> Result<Claim, sqlx::Error> {
    purge_now_and_then(pool);
    let inserted = sqlx::query(
        "INSERT INTO idempotent_requests (api_key_id, key, request_hash, created_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(api_key_id)
    .bind(key)
    .bind(fingerprint)
    .bind(db::now())
    .write(pool)
    .await?;
    if inserted.rows_affected() == 1 {
        return Ok(Claim::Ours);
    }
    // A key forgotten (kept a day) starts afresh; a claim abandoned by its
    // own request (same body, unanswered for 5 minutes) is taken over.
    let taken_over = sqlx::query(
        "UPDATE idempotent_requests SET request_hash = $3, status = 0, body = '', created_at = $4 \
         WHERE api_key_id = $1 AND key = $2 \
         AND (created_at < $6 OR (request_hash = $3 AND status = 0 AND created_at < $5))",
    )
    .bind(api_key_id)
    .bind(key)
    .bind(fingerprint)
    .bind(db::now())
    .bind(db::before_now(ABANDONED))
    .bind(db::before_now(KEPT))
    .write(pool)
    .await?;
    if taken_over.rows_affected() == 1 {
        return Ok(Claim::Ours);
    }
    let first: Option<(String, i64, String)> = sqlx::query_as(
        "SELECT request_hash, status, body FROM idempotent_requests WHERE api_key_id = $1 AND key = $2",
    )
    .bind(api_key_id)
    .bind(key)
    .fetch_optional(pool)
    .await?;
    Ok(match first {
        // Its first request failed and let go of it in between.
        None => Claim::Refused(in_use()),
        Some((hash, _, _)) if hash != fingerprint => Claim::Refused(Problem::new(
            "idempotency_key_reused",
            "This Idempotency-Key was used with another request. Use a new key for a new request.",
        )),
        Some((_, 0, _)) => Claim::Refused(in_use()),
        Some((_, status, body)) => Claim::Done(Answer {
            status: u16::try_from(status)
                .ok()
                .and_then(|s| StatusCode::from_u16(s).ok())
                .unwrap_or(StatusCode::OK),
            body,
        }),
    })
}

fn in_use() -> Problem {
    Problem {
        retry_after: Some(1),
        ..Problem::new(
            "idempotency_key_in_use",
            "A request with this Idempotency-Key is still being processed. Retry in a moment.",
        )
    }
}

/// A POST: its body read, its work done once per
/// Idempotency-Key, the caller's rate-limit headers added. The work runs in
/// a task of its own: a client that hangs up cannot cancel it between the
/// charge and keeping the answer for its retry.
pub async fn post<Request, Work, Done>(
    state: &AppState,
    caller: &ApiCaller,
    headers: &HeaderMap,
    route: &str,
    body: Result<Body<Request>, Problem>,
    work: Work,
) -> Response
where
    Work: FnOnce(AppState, Request) -> Done,
    Done: std::future::Future<Output = Answer> + Send + 'static,
{
    let mut response = match body {
        Err(problem) => problem.into_response(),
        Ok(Body { bytes, value }) => {
            let (pool, key_id, headers, route) = (
                state.pool.clone(),
                caller.key_id,
                headers.clone(),
                route.to_owned(),
            );
            let done = work(state.clone(), value);
            let task = request_id::carried(async move {
                once(&pool, key_id, &headers, &route, &bytes, done).await
            });
            tokio::spawn(task)
                .await
                .unwrap_or_else(|_| Problem::internal().into_response())
        }
    };
    caller.limit.apply(&mut response);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_printable_ascii() {
        let headers = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(HEADER, HeaderValue::from_str(value).unwrap());
            headers
        };
        assert_eq!(key_of(&HeaderMap::new()).unwrap(), None);
        assert_eq!(
            key_of(&headers("order-42")).unwrap().as_deref(),
            Some("order-42")
        );
        assert!(key_of(&headers(&"k".repeat(256))).is_err());
        assert!(key_of(&headers("")).is_err());
    }

    #[test]
    fn the_fingerprint_covers_route_and_body() {
        assert_ne!(fingerprint("send", b"{}"), fingerprint("estimate", b"{}"));
        assert_ne!(fingerprint("send", b"{}"), fingerprint("send", b"{ }"));
        assert_eq!(fingerprint("send", b"{}"), fingerprint("send", b"{}"));
    }
}
