//! How many API requests a process works on at once.
//!
//! The portal and the API share the cores and the database. Sixteen API
//! clients at full speed kept sixteen database backends busy, and a
//! portal page queued behind them for the CPU (its p99 3.1× its idle
//! p99). Past the limit, API requests wait here, in arrival order, before
//! they take a connection; the throughput is the cores', not the queue's.
//! A request takes its turn once its body is in, so a client that sends
//! slowly cannot hold the turns of every other account.

use std::sync::Arc;

use axum::{
    body::{Body, Bytes},
    extract::State,
    http::Request,
    middleware::Next,
    response::{IntoResponse, Response},
};
use futures::StreamExt;
use tokio::sync::Semaphore;

use super::{json::MAX_BODY, problem::Problem};

#[derive(Clone)]
pub struct ApiAdmission(Arc<Semaphore>);

impl ApiAdmission {
    /// At most `at_once` requests in the works (at least one).
    pub fn new(at_once: usize) -> Self {
        Self(Arc::new(Semaphore::new(at_once.max(1))))
    }

    /// Twice the cores: enough to keep them busy while requests wait for
    /// the database, few enough to leave the portal a turn.
    pub fn per_core_limit() -> usize {
        2 * std::thread::available_parallelism().map_or(2, usize::from)
    }
}

pub async fn layer(
    State(admission): State<ApiAdmission>,
    request: Request<Body>,
    next: Next,
) -> Response {
    // The body first, without a turn: a client that sends it slowly keeps
    // only itself waiting.
    let (parts, body) = request.into_parts();
    let mut stream = body.into_data_stream();
    let mut read = Vec::new();
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(chunk) if read.len() + chunk.len() <= MAX_BODY => read.extend_from_slice(&chunk),
            // Too large: passed on whole, without a turn, to be refused
            // where the body is read against its limit.
            Ok(chunk) => {
                read.extend_from_slice(&chunk);
                let read = futures::stream::once(async { Ok(Bytes::from(read)) });
                let whole = Body::from_stream(read.chain(stream));
                return next.run(Request::from_parts(parts, whole)).await;
            }
            Err(_) => {
                return Problem::new("malformed_request", "The body could not be read.")
                    .into_response()
            }
        }
    }
    let request = Request::from_parts(parts, Body::from(read));
    match admission.0.acquire().await {
        Ok(_turn) => next.run(request).await,
        // The semaphore is never closed.
        Err(_) => Problem::internal().into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::{middleware, routing::get, Router};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tower::ServiceExt;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn requests_past_the_limit_wait_their_turn_and_all_are_answered() {
        let (now, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let handler = {
            let (now, most) = (now.clone(), most.clone());
            move || async move {
                let working = now.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(working, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                now.fetch_sub(1, Ordering::SeqCst);
            }
        };
        let app = Router::new()
            .route("/v1/work", get(handler))
            .layer(middleware::from_fn_with_state(ApiAdmission::new(2), layer));
        let requests = (0..8).map(|_| {
            let app = app.clone();
            tokio::spawn(async move {
                let request = Request::get("/v1/work").body(Body::empty()).unwrap();
                app.oneshot(request).await.unwrap().status()
            })
        });
        for status in futures::future::join_all(requests).await {
            assert_eq!(status.unwrap(), axum::http::StatusCode::OK);
        }
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_body_sent_slowly_holds_no_turn() {
        let app = Router::new()
            .route(
                "/v1/work",
                axum::routing::post(|body: Bytes| async move { body.len().to_string() })
                    .get(|| async { "done" }),
            )
            .layer(middleware::from_fn_with_state(ApiAdmission::new(1), layer));
        let (mut sending, body) =
            futures::channel::mpsc::channel::<Result<Bytes, std::io::Error>>(2);
        sending.try_send(Ok(Bytes::from_static(b"{"))).unwrap();
        let slow = Request::post("/v1/work")
            .body(Body::from_stream(body))
            .unwrap();
        let slow = tokio::spawn(app.clone().oneshot(slow));
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;

        let quick = Request::get("/v1/work").body(Body::empty()).unwrap();
        let quick = tokio::time::timeout(std::time::Duration::from_secs(2), app.oneshot(quick))
            .await
            .expect("a turn while another body is still coming")
            .unwrap();
        assert_eq!(quick.status(), axum::http::StatusCode::OK);

        sending.try_send(Ok(Bytes::from_static(b"}"))).unwrap();
        drop(sending);
        let slow = slow.await.unwrap().unwrap();
        assert_eq!(slow.status(), axum::http::StatusCode::OK);
        let answer = axum::body::to_bytes(slow.into_body(), 64).await.unwrap();
        assert_eq!(&answer[..], b"2");
    }
}
