//! What crosses the wire: the rows and pages the server returns and the
//! browser shows, one module per section. They live below both the server
//! functions (`api`) and the repositories (`server`), so the repositories
//! never depend on the layer above them.

pub mod analytics;
pub mod api_keys;
pub mod audit;
pub mod contacts;
pub mod finance;
pub mod home;
pub mod inbox;
pub mod manager;
pub mod prices;
pub mod profile;
pub mod sending;
pub mod smpp;
pub mod stop_list;
pub mod sub_accounts;
pub mod two_factor;
pub mod webhooks;

/// The error every server function answers with travels beside the rows.
pub use super::{AppError, FormErrors};

use serde::{Deserialize, Serialize};

/// A 0/1 column read as a `bool` (`#[sqlx(try_from = "IntFlag")]`): both
/// backends store flags as integers, and SQLite has no boolean values.
#[cfg(feature = "ssr")]
#[derive(sqlx::Type)]
#[sqlx(transparent)]
pub struct IntFlag(i64);

#[cfg(feature = "ssr")]
impl From<IntFlag> for bool {
    fn from(flag: IntFlag) -> bool {
        flag.0 != 0
    }
}

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
