//! How many API requests a process works on at once.
//!
//! The portal and the API share the cores and the database. Sixteen API
//! clients at full speed kept sixteen database backends busy, and a
//! portal page queued behind them for the CPU (its p99 3.1× its idle
//! p99). Past the limit, API requests wait here, in arrival order, before
//! they take a connection; the throughput is the cores', not the queue's.

use std::sync::Arc;

use axum::{
    body::Body,
    extract::State,
    http::Request,
    middleware::Next,
    response::{IntoResponse, Response},
};
use tokio::sync::Semaphore;

use super::problem::Problem;

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
}
