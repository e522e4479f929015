//! `X-Request-Id` on every answer: the caller's when it sent a safe one
//! (up to 64 letters, digits, `-`, `_`, `.`), else a new one. Problems
//! quote it, so a support request can name the very call.

use axum::{extract::Request, http::HeaderValue, middleware::Next, response::Response};
use rand::{distributions::Alphanumeric, Rng};

const HEADER: &str = "x-request-id";

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being served, inside [`layer`].
pub fn current() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// `future` with the current request's id, for a task spawned off it.
pub fn carried<F: std::future::Future>(future: F) -> impl std::future::Future<Output = F::Output> {
    REQUEST_ID.scope(current().unwrap_or_default(), future)
}

fn is_safe(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

pub async fn layer(request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|id| is_safe(id))
        .map(str::to_owned)
        .unwrap_or_else(|| {
            let random: String = rand::thread_rng()
                .sample_iter(&Alphanumeric)
                .take(20)
                .map(char::from)
                .collect();
            format!("req_{random}")
        });
    let mut response = REQUEST_ID.scope(id.clone(), next.run(request)).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_short_plain_ids_are_echoed() {
        assert!(super::is_safe("abc-123_x.y"));
        assert!(!super::is_safe(""));
        assert!(!super::is_safe(&"a".repeat(65)));
        assert!(!super::is_safe("a b"));
        assert!(!super::is_safe("a\r\nSet-Cookie: x"));
    }
}
