use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::SqlitePool;

use super::{export::ExportLimits, password::Passwords, rate_limit::LoginRateLimit};

/// Everything a request handler or a server function may need.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: SqlitePool,
    pub passwords: Passwords,
    pub login_rate_limit: LoginRateLimit,
    pub export_limits: ExportLimits,
}
