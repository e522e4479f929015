//! Server functions: thin doors that check the session and the permission,
//! call one repository function, and map the error. The types they return
//! live in `domain::wire`, below both this layer and the repositories; each
//! module here re-exports its section's, so pages import from one place.

pub mod analytics;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod contacts;
pub mod finance;
pub mod home;
pub mod inbox;
pub mod manager;
pub mod presets;
pub mod prices;
pub mod profile;
pub mod sending;
pub mod smpp;
pub mod stop_list;
pub mod sub_accounts;
pub mod two_factor;
pub mod webhooks;

pub use crate::domain::{
    wire::{Page, PER_PAGE},
    AppError, FormErrors,
};

/// A 1-based page number from a query string; anything odd is page 1.
pub fn page_number(raw: Option<i64>) -> i64 {
    raw.unwrap_or(1).clamp(1, 1_000_000)
}
