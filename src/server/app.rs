//! The axum application: routes, server functions, sessions and layers.

use axum::{http::StatusCode, middleware, response::Response, Router};
use axum_login::AuthManagerLayerBuilder;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::{
    compression::CompressionLayer, set_header::SetResponseHeaderLayer, trace::TraceLayer,
    CompressionLevel,
};
use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer, SessionStore};

use super::{
    auth::Backend, db::Pool, export::ExportLimits, password::Passwords, rate_limit::LoginRateLimit,
    security, sessions::Sessions, webhooks::UrlPolicy, AppState,
};
use crate::app::{shell, App};

pub const SESSION_COOKIE: &str = "sms_portal_session";
/// Exports running at once, overall and per user: each reads the database
/// in chunks between which other requests get their turn.
const EXPORTS_AT_ONCE: usize = 4;
const EXPORTS_PER_USER: usize = 2;

/// Settings of the HTTP layer.
#[derive(Clone, Debug)]
pub struct HttpConfig {
    /// Mark the session cookie `Secure` (see [`secure_cookies`]).
    pub secure_cookies: bool,
    /// A session ends after this long without a request.
    pub idle_timeout: time::Duration,
    /// A session ends this long after the login, however active.
    pub absolute_timeout: time::Duration,
    /// Login attempts allowed per client address and minute; 0 for no limit.
    pub login_attempts_per_minute: u32,
    /// An export whose client takes no data for this long is dropped.
    pub export_stall: std::time::Duration,
    /// Requests per second and burst of one API key (`/v1`).
    pub api_rate_per_second: u32,
    pub api_burst: u32,
    /// Where webhook endpoints may point (see [`UrlPolicy`]).
    pub webhook_urls: UrlPolicy,
    /// The SMPP listener's address, shown to owners on Setting → SMPP.
    pub smpp_address: Option<std::net::SocketAddr>,
    /// API requests worked on at once; more wait their turn.
    pub api_at_once: usize,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            idle_timeout: time::Duration::minutes(30),
            absolute_timeout: time::Duration::hours(12),
            login_attempts_per_minute: 20,
            export_stall: super::export::DEFAULT_STALL,
            api_rate_per_second: 50,
            api_burst: 100,
            webhook_urls: UrlPolicy::default(),
            smpp_address: None,
            api_at_once: super::v1::ApiAdmission::per_core_limit(),
        }
    }
}

/// Whether the session cookie is `Secure`: yes, unless the portal serves
/// a loopback address (a browser on the same machine over plain HTTP) or
/// `setting` (SMS_PORTAL_SECURE_COOKIES) switches it off explicitly.
pub fn secure_cookies(address: std::net::SocketAddr, setting: Option<&str>) -> bool {
    match setting.map(|value| value.trim().to_ascii_lowercase()) {
        Some(value) if matches!(value.as_str(), "0" | "false" | "off" | "no") => false,
        Some(value) if matches!(value.as_str(), "1" | "true" | "on" | "yes") => true,
        _ => !address.ip().is_loopback(),
    }
}

/// Builds the whole application on a migrated pool; sessions live in the
/// same database.
pub async fn router(
    pool: Pool,
    leptos_options: LeptosOptions,
    config: &HttpConfig,
) -> Result<(Router, Sessions), sqlx::Error> {
    let sessions = Sessions::open(&pool).await?;
    let app = match &sessions {
        Sessions::Sqlite(store) => with_sessions(pool, leptos_options, config, store.clone()),
        Sessions::Postgres(store) => with_sessions(pool, leptos_options, config, store.clone()),
    };
    Ok((app, sessions))
}

fn with_sessions<S: SessionStore + Clone>(
    pool: Pool,
    leptos_options: LeptosOptions,
    config: &HttpConfig,
    session_store: S,
) -> Router {
    let passwords = Passwords::new();
    let state = AppState {
        leptos_options,
        pool: pool.clone(),
        passwords: passwords.clone(),
        login_rate_limit: LoginRateLimit::per_minute(config.login_attempts_per_minute),
        export_limits: ExportLimits::new(EXPORTS_AT_ONCE, EXPORTS_PER_USER, config.export_stall),
        api_rate_limit: super::v1::ApiRateLimit::new(config.api_rate_per_second, config.api_burst),
        webhook_urls: config.webhook_urls,
        smpp_address: config.smpp_address,
    };

    let session_layer = SessionManagerLayer::new(session_store)
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.secure_cookies)
        .with_expiry(Expiry::OnInactivity(config.idle_timeout));
    let auth_layer =
        AuthManagerLayerBuilder::new(Backend::new(pool, passwords), session_layer).build();

    let routes = generate_route_list(App);
    let mut app = Router::new()
        .leptos_routes_with_context(
            &state,
            routes,
            // AppState itself is provided to every render and server function.
            || {},
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .route_layer(middleware::from_fn(security::login_first))
        .merge(super::export::routes())
        .merge(super::upload::routes())
        .fallback(super::static_files::not_found_page)
        .layer(middleware::from_fn_with_state(
            security::SessionLimits {
                idle: config.idle_timeout,
                absolute: config.absolute_timeout,
            },
            security::session_lifetime,
        ))
        .layer(auth_layer)
        // Files are served before the sessions: no answer of theirs sets a
        // cookie, so caches may share them.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            super::static_files::site_file_first,
        ))
        .layer(middleware::from_fn(security::reject_nul))
        .layer(middleware::from_fn(security::reject_cross_site))
        // The API is called by servers, with keys: outside the sessions and
        // the browser's cross-site checks.
        .merge(super::v1::routes(super::v1::ApiAdmission::new(
            config.api_at_once,
        )))
        .layer(middleware::map_response(no_store));
    for (name, value) in security::security_headers() {
        app = app.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    if config.secure_cookies {
        // Served over TLS: browsers must never fall back to plain HTTP.
        let hsts = http::HeaderValue::from_static("max-age=31536000; includeSubDomains");
        app = app.layer(SetResponseHeaderLayer::if_not_present(
            http::header::STRICT_TRANSPORT_SECURITY,
            hsts,
        ));
    }
    // A debug build's files are served as fast as possible, not as small.
    let level = if cfg!(debug_assertions) {
        CompressionLevel::Fastest
    } else {
        CompressionLevel::Default
    };
    app.layer(
        CompressionLayer::new()
            .quality(level)
            .compress_when(is_static_asset),
    )
    .layer(TraceLayer::new_for_http())
    .layer(middleware::from_fn(security::own_reactive_owner))
    .with_state(state)
}

/// Only the wasm, JavaScript and CSS are sent compressed (the wasm shrinks
/// to about a third). Pages and server-function answers are not: compressing
/// a secret next to text an attacker can reflect leaks it (BREACH).
fn is_static_asset(
    _: StatusCode,
    _: http::Version,
    headers: &http::HeaderMap,
    _: &http::Extensions,
) -> bool {
    let content_type = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    [
        "application/wasm",
        "text/javascript",
        "application/javascript",
        "text/css",
    ]
    .iter()
    .any(|asset| content_type.starts_with(asset))
}

/// Pages, server-function answers, exports and redirects carry account
/// data: no browser or proxy cache may keep them (a shared computer's Back
/// button, a proxy between offices). The site's files keep their own.
async fn no_store(mut response: Response) -> Response {
    if response
        .extensions()
        .get::<super::static_files::SiteFile>()
        .is_none()
    {
        response.headers_mut().insert(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("no-store"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::secure_cookies;

    #[test]
    fn cookies_are_secure_unless_on_loopback_or_switched_off() {
        let public = "0.0.0.0:3000".parse().unwrap();
        let loopback = "127.0.0.1:3000".parse().unwrap();
        assert!(secure_cookies(public, None));
        assert!(secure_cookies("[::]:3000".parse().unwrap(), None));
        assert!(!secure_cookies(loopback, None));
        assert!(!secure_cookies("[::1]:3000".parse().unwrap(), None));
        assert!(!secure_cookies(public, Some("0")));
        assert!(!secure_cookies(public, Some("false")));
        assert!(secure_cookies(loopback, Some("1")));
        assert!(
            secure_cookies(public, Some("maybe")),
            "unknown values keep the default"
        );
    }
}
