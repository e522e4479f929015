//! Request hygiene that Leptos leaves to the application.

use axum::{
    body::Body,
    http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::auth::AuthSession;
use crate::domain::login_then;

/// The page where users change their own password.
pub const CHANGE_PASSWORD: &str = "/account/password";
/// The page where users set up two-factor authentication.
pub const TWO_FACTOR: &str = "/account/two-factor";
/// The login's second step: the authentication code.
pub const LOGIN_CODE: &str = "/login/verify";

/// The session key holding the Unix time of the login.
pub const LOGGED_IN_AT: &str = "logged_in_at";
/// The session key holding the Unix time its idle expiry last moved.
const RENEWED_AT: &str = "renewed_at";

/// How long a logged-in session lives.
#[derive(Clone, Copy)]
pub struct SessionLimits {
    /// Ends a session this long after its last request.
    pub idle: time::Duration,
    /// Ends a session this long after its login, however active.
    pub absolute: time::Duration,
}

impl SessionLimits {
    /// The session store moves a session's idle expiry only when it saves the
    /// session; saving on every request would turn each page view into a
    /// database write, so the expiry moves at most this often.
    fn renew_every(&self) -> i64 {
        (self.idle / 10_i32)
            .min(time::Duration::MINUTE)
            .whole_seconds()
    }
}

/// Ends sessions older than the absolute limit (the request is answered as
/// anonymous) and keeps active ones from reaching the idle limit.
pub async fn session_lifetime(
    axum::extract::State(limits): axum::extract::State<SessionLimits>,
    session: tower_sessions::Session,
    request: Request<Body>,
    next: Next,
) -> Response {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    if let Ok(Some(started)) = session.get::<i64>(LOGGED_IN_AT).await {
        if now - started > limits.absolute.whole_seconds() {
            let _ = session.flush().await;
            return if request.method() == Method::GET {
                axum::response::Redirect::to("/login").into_response()
            } else {
                (
                    StatusCode::UNAUTHORIZED,
                    "Your session has expired. Please log in again.",
                )
                    .into_response()
            };
        }
        let renewed = session.get::<i64>(RENEWED_AT).await.ok().flatten();
        if now - renewed.unwrap_or(started) >= limits.renew_every() {
            // Marks the session modified: it is saved with a fresh expiry.
            let _ = session.insert(RENEWED_AT, now).await;
        }
    }
    next.run(request).await
}

/// Sends a visitor who is not logged in from any page but the login page
/// to the login page (and back afterwards), before the page is rendered.
/// Each page's guard decides the same while rendering, but a redirect set
/// there was, rarely, lost: the visitor saw an empty page instead of the
/// login. Server functions (`/api/…`) answer for themselves.
///
/// A user whose password the account owner set is sent to the change form
/// the same way: no other page would open for them.
pub async fn login_first(auth: AuthSession, request: Request<Body>, next: Next) -> Response {
    let path = request.uri().path();
    let page = matches!(*request.method(), Method::GET | Method::HEAD)
        && path != "/login"
        && path != LOGIN_CODE
        && !path.starts_with("/api/");
    let first = auth.user.as_ref().and_then(|user| {
        let viewer = &user.viewer;
        match () {
            _ if viewer.must_change_password && path != CHANGE_PASSWORD => Some(CHANGE_PASSWORD),
            _ if viewer.must_enrol_two_factor && !matches!(path, CHANGE_PASSWORD | TWO_FACTOR) => {
                Some(TWO_FACTOR)
            }
            _ => None,
        }
    });
    match (&auth.user, first) {
        _ if !page => return next.run(request).await,
        (Some(_), Some(first)) => {
            return (
                StatusCode::FOUND,
                [(header::LOCATION, HeaderValue::from_static(first))],
            )
                .into_response();
        }
        (Some(_), None) => return next.run(request).await,
        (None, _) => {}
    }
    let here = request
        .uri()
        .path_and_query()
        .map_or(path, |whole| whole.as_str());
    match HeaderValue::from_str(&login_then(here)) {
        Ok(login) => (StatusCode::FOUND, [(header::LOCATION, login)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

/// Runs each request under a reactive owner of its own. Leptos makes a page
/// render's root owner the thread's current owner and leaves it there, and
/// the owners it makes for server functions and static files are children of
/// whatever is current: a static file served on that thread while the page
/// renders took the page's response options, its 403 included, and the
/// browser refused the client's JavaScript.
pub async fn own_reactive_owner(request: Request<Body>, next: Next) -> Response {
    use leptos::reactive::{computed::ScopedFuture, owner::Owner};
    ScopedFuture {
        owner: Owner::new_root(None),
        observer: None,
        fut: next.run(request),
    }
    .await
}

/// Refuses state-changing requests sent by another site (ASVS 4.2.2): the
/// browser's `Sec-Fetch-Site`, or failing that `Origin`, must name this site.
/// Requests without either header do not come from a browser page, so they
/// carry no victim's cookie; SameSite=Lax covers older browsers.
pub async fn reject_cross_site(request: Request<Body>, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe || is_same_site(request.headers()) {
        next.run(request).await
    } else {
        tracing::warn!(uri = %request.uri(), "cross-site request refused");
        (StatusCode::FORBIDDEN, "Cross-site request refused").into_response()
    }
}

/// Bodies are read whole to look for NUL; larger ones are refused.
const MAX_CHECKED_BODY: usize = 16 << 20;

/// NUL is no character anyone types, and PostgreSQL's text cannot hold it:
/// a request carrying one in its address or its body is refused whole (400)
/// before any handler reads it. (Uploaded files are parsed by their own
/// handler, which refuses control characters.)
pub async fn reject_nul(request: Request<Body>, next: Next) -> Response {
    let refused = || {
        crate::domain::AppError::Request("Text cannot contain NUL characters.".into())
            .into_response()
    };
    let uri = request.uri().to_string();
    if has_encoded_nul(uri.as_bytes()) {
        return refused();
    }
    // Whatever a body claims to be: server functions read a form whatever
    // its declared type. Only uploads (multipart) go to their handler as
    // they are.
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|kind| kind.starts_with("multipart/"));
    if multipart || request.method() == Method::GET {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_CHECKED_BODY).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "Request too large").into_response();
    };
    if bytes.contains(&0) || has_encoded_nul(&bytes) || contains(&bytes, b"\\u0000") {
        return refused();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Whether `text` holds a percent-encoded NUL (`%00`).
fn has_encoded_nul(text: &[u8]) -> bool {
    contains(text, b"%00")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

fn is_same_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.to_str(), Ok("same-origin" | "none"));
    }
    match (headers.get(header::ORIGIN), headers.get(header::HOST)) {
        (None, _) => true,
        (Some(origin), Some(host)) => {
            let (Ok(origin), Ok(host)) = (origin.to_str(), host.to_str()) else {
                return false;
            };
            origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"))
                .is_some_and(|origin_host| origin_host.eq_ignore_ascii_case(host))
        }
        (Some(_), None) => false,
    }
}

/// Sets the page's Content-Security-Policy: scripts only with this
/// response's nonce (Leptos puts it on its hydration scripts) and what they
/// load; wasm compilation allowed; nothing inline otherwise.
pub fn content_security_policy() {
    use leptos::prelude::use_context;
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// Headers every response carries.
pub fn security_headers() -> [(header::HeaderName, HeaderValue); 4] {
    [
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'",
            ),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    header::HeaderName::from_static(k),
                    HeaderValue::from_static(v),
                )
            })
            .collect()
    }

    #[test]
    fn same_origin_requests_pass_and_others_are_refused() {
        assert!(is_same_site(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(!is_same_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!is_same_site(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(is_same_site(&headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(!is_same_site(&headers(&[
            ("origin", "http://evil.example"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(!is_same_site(&headers(&[
            ("origin", "null"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(is_same_site(&headers(&[("host", "127.0.0.1:3000")])));
    }
}
