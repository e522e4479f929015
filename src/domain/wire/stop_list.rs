//! Stop list: the rows and pages its server functions return.

use serde::{Deserialize, Serialize};

/// A number on the account's stop-list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StopListEntry {
    /// E.164, as stored.
    pub phone: String,
    /// Grouped as its country writes it.
    pub display: String,
    pub added_at: String,
}
