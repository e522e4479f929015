//! Server functions: thin doors that check the session and the permission,
//! call one repository function, and map the error. Shared types live here
//! too, since the browser needs them.

pub mod analytics;
pub mod audit;
pub mod auth;
pub mod contacts;
pub mod error;
pub mod finance;
pub mod home;
pub mod inbox;
pub mod manager;
pub mod prices;
pub mod profile;
pub mod sending;
pub mod stop_list;
pub mod sub_accounts;

pub use error::{AppError, FormErrors};

use serde::{Deserialize, Serialize};

/// One page of a long list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> Page<T> {
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
}

/// Rows per page of the long lists.
pub const PER_PAGE: i64 = 50;

/// A 1-based page number from a query string; anything odd is page 1.
pub fn page_number(raw: Option<i64>) -> i64 {
    raw.unwrap_or(1).clamp(1, 1_000_000)
}
