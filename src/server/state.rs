use crate::server::db::Pool;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use super::{
    export::ExportLimits, password::Passwords, rate_limit::LoginRateLimit, v1::ApiRateLimit,
    webhooks::UrlPolicy,
};

/// Everything a request handler or a server function may need.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: Pool,
    pub passwords: Passwords,
    pub login_rate_limit: LoginRateLimit,
    pub export_limits: ExportLimits,
    pub api_rate_limit: ApiRateLimit,
    pub webhook_urls: UrlPolicy,
    /// Where SMPP clients connect, when this process listens for them.
    pub smpp_address: Option<std::net::SocketAddr>,
}
