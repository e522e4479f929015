//! Server-only code: state, database, authentication, guards, repositories.

pub mod analytics;
pub mod api_keys;
pub mod app;
pub mod audit;
pub mod auth;
pub mod cli;
pub mod client_assets;
pub mod contacts;
pub mod copy;
pub mod daily_totals;
pub mod db;
pub mod demo;
pub mod demo_volume;
pub mod export;
pub mod finance;
pub mod gateway;
pub mod guard;
pub mod inbound;
pub mod password;
pub mod phone;
pub mod presets;
pub mod prices;
pub mod priority;
pub mod profile;
pub mod rate_limit;
pub mod resources;
pub mod rounds;
pub mod search;
pub mod security;
pub mod sending;
pub mod sessions;
pub mod smpp;
pub mod spending;
pub mod state;
pub mod static_files;
pub mod stop_list;
pub mod sub_accounts;
pub mod throttle;
pub mod two_factor;
pub mod upload;
pub mod users;
pub mod v1;
pub mod webhooks;
pub mod zone;

#[cfg(test)]
mod tests;

pub use state::AppState;
