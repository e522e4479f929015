//! API keys: what their server functions return.

use serde::{Deserialize, Serialize};

/// A live key as the list shows it: never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ApiKeyRow {
    pub id: i64,
    pub name: String,
    /// `smsp_` and the key's id: enough to tell keys apart in logs.
    pub prefix: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

/// The account's keys, and the key just created, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeys {
    pub keys: Vec<ApiKeyRow>,
    pub created: Option<CreatedKey>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedKey {
    pub name: String,
    pub key: String,
}
