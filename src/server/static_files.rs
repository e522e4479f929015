//! The site root's files: the client (`/pkg`: wasm, JavaScript, CSS) and
//! what `public/` holds.

use axum::{
    body::Body,
    extract::State,
    http::{header, HeaderValue, Method, Request, StatusCode, Uri},
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

/// Serves a file of the site root, or else the application's page for the
/// address (its "not found").
///
/// Pages link the files at versioned addresses (`?v=`, see
/// [`client_assets`](super::client_assets)); asked for at its current
/// version, a file may be kept for a year without asking again. Otherwise
/// browsers keep it and ask on each visit whether it changed (`no-cache`
/// with `Last-Modified`, a 304 without a body when it did not). Leptos's own
/// file handler drops the conditions and answers every visit with the
/// whole file.
pub async fn file_or_page(State(state): State<AppState>, request: Request<Body>) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        let mut file_request = Request::builder()
            .method(request.method())
            .uri(request.uri());
        for name in FORWARDED {
            if let Some(value) = request.headers().get(&name) {
                file_request = file_request.header(name, value);
            }
        }
        if let Ok(file_request) = file_request.body(Body::empty()) {
            let site_root = &*state.leptos_options.site_root;
            let site = ServeDir::new(site_root);
            let Ok(served) = site.oneshot(file_request).await;
            if matches!(
                served.status(),
                StatusCode::OK | StatusCode::NOT_MODIFIED | StatusCode::PARTIAL_CONTENT
            ) {
                let keep = if asks_for_current_version(site_root.as_ref(), request.uri()) {
                    KEEP_FOREVER
                } else {
                    "no-cache"
                };
                let mut response = served.into_response();
                response
                    .headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static(keep));
                response.extensions_mut().insert(SiteFile);
                return response;
            }
        }
    }
    let uri = request.uri().clone();
    leptos_axum::file_and_error_handler::<AppState, _>(shell)(uri, State(state), request).await
}

/// Whether the address carries the version of the file's current content.
fn asks_for_current_version(site_root: &Path, uri: &Uri) -> bool {
    uri.query()
        .and_then(|query| query.strip_prefix("v="))
        .is_some_and(|version| is_current(site_root, uri.path(), version))
}
