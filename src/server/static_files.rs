//! The site root's files: the client (`/pkg`: wasm, JavaScript, CSS) and
//! what `public/` holds.

use axum::{
    body::Body,
    extract::State,
    http::{header, HeaderValue, Method, Request, StatusCode},
    response::{IntoResponse, Response},
};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use super::AppState;
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

/// Serves a file of the site root, or else the application's page for the
/// address (its "not found").
///
/// Browsers keep the files and ask on each visit whether they changed
/// (`no-cache` with `Last-Modified`): a repeat visit gets a 304 without a
/// body, so the wasm is neither sent, compressed, nor compiled again
/// (Chromium keeps compiled wasm beside its cached copy). The names carry
/// no hash, so a deploy is seen on the next visit, provided its files are
/// newer than the ones browsers keep (`ServeDir` compares times; it sends
/// no ETag). Leptos's own file
/// handler drops the conditions and answers every visit with the whole file.
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
            let site = ServeDir::new(&*state.leptos_options.site_root);
            let Ok(served) = site.oneshot(file_request).await;
            if matches!(
                served.status(),
                StatusCode::OK | StatusCode::NOT_MODIFIED | StatusCode::PARTIAL_CONTENT
            ) {
                let mut response = served.into_response();
                response
                    .headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
                return response;
            }
        }
    }
    let uri = request.uri().clone();
    leptos_axum::file_and_error_handler::<AppState, _>(shell)(uri, State(state), request).await
}
