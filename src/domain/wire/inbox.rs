//! Inbox: the rows and pages its server functions return.

use super::Page;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct IncomingRow {
    pub id: i64,
    pub received_at: String,
    pub sender: String,
    pub recipient: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct BlockedRow {
    pub id: i64,
    pub created_at: String,
    pub sender: String,
    pub recipient: String,
    pub text: String,
    pub reason: String,
}

/// A page of a message box, and whether the viewer may export it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox<T> {
    pub rows: Page<T>,
    pub can_export: bool,
}
