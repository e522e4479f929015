//! The site root's files: the client (`/pkg`: wasm, JavaScript, CSS) and
//! what `public/` holds.

use axum::{
    body::Body,
    extract::State,
    http::{header, HeaderValue, Method, Request, StatusCode, Uri},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::path::Path;
use tower::ServiceExt;
use tower_http::services::ServeDir;

use super::{
    client_assets::{is_current, KEEP_FOREVER},
    AppState,
};
use crate::app::shell;

/// What a file request may carry to the file service: the encodings the
/// browser reads and its conditions on the copy it keeps.
const FORWARDED: [header::HeaderName; 5] = [
    header::ACCEPT_ENCODING,
    header::IF_MODIFIED_SINCE,
    header::IF_UNMODIFIED_SINCE,
    header::RANGE,
    header::IF_RANGE,
];

/// Marks a response as a file of the site root, which caches may keep
/// (every other response is `no-store`).
#[derive(Clone, Copy)]
pub struct SiteFile;

/// Serves a file of the site root before the request reaches the sessions,
/// so a file's answer never carries a cookie and a shared cache may keep
/// it; any other request goes on to the application.
///
/// Pages link the files at versioned addresses (`?v=`, see
/// [`client_assets`](super::client_assets)); asked for at its current
/// version, a file may be kept for a year without asking again. Otherwise
/// browsers keep it and ask on each visit whether it changed (`no-cache`
/// with `Last-Modified`, a 304 without a body when it did not). Leptos's own
/// file handler drops the conditions and answers every visit with the
/// whole file.
pub async fn site_file_first(
    State(state): State<AppState>,
    request: Request<Body>,
    next: Next,
) -> Response {
    // Only the request's head goes to the file service (its body may not
    // be shared across an await).
    let file = match file_request(&request) {
        Some(file_request) => site_file(&state, file_request).await,
        None => None,
    };
    match file {
        Some(file) => file,
        None => next.run(request).await,
    }
}

/// The application's page for an address no route serves: "not found".
pub async fn not_found_page(State(state): State<AppState>, request: Request<Body>) -> Response {
    let uri = request.uri().clone();
    leptos_axum::file_and_error_handler::<AppState, _>(shell)(uri, State(state), request).await
}

/// The request for the file service, when the address may name a file.
fn file_request(request: &Request<Body>) -> Option<Request<Body>> {
    // Only a name with a dot can be a file: pages are not looked for on disk.
    let name = request.uri().path().rsplit('/').next().unwrap_or_default();
    if !matches!(*request.method(), Method::GET | Method::HEAD) || !name.contains('.') {
        return None;
    }
    let mut file_request = Request::builder()
        .method(request.method())
        .uri(request.uri());
    for name in FORWARDED {
        if let Some(value) = request.headers().get(&name) {
            file_request = file_request.header(name, value);
        }
    }
    file_request.body(Body::empty()).ok()
}

async fn site_file(state: &AppState, file_request: Request<Body>) -> Option<Response> {
    let uri = file_request.uri().clone();
    let site_root = Path::new(&*state.leptos_options.site_root);
    let current = || asks_for_current_version(site_root, &uri);
    let current_before = current();
    let Ok(served) = ServeDir::new(site_root).oneshot(file_request).await;
    if !matches!(
        served.status(),
        StatusCode::OK | StatusCode::NOT_MODIFIED | StatusCode::PARTIAL_CONTENT
    ) {
        return None;
    }
    // Asked again once the file is open: a file rewritten in between (a
    // rebuild, a deploy) is not kept under an address that names another.
    let keep = if current_before && current() {
        KEEP_FOREVER
    } else {
        "no-cache"
    };
    let mut response = served.into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(keep));
    response.extensions_mut().insert(SiteFile);
    Some(response)
}

/// Whether the address carries the version of the file's current content.
fn asks_for_current_version(site_root: &Path, uri: &Uri) -> bool {
    uri.query()
        .and_then(|query| query.strip_prefix("v="))
        .is_some_and(|version| is_current(site_root, uri.path(), version))
}
