//! Audit: the rows and pages its server functions return.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub account: Option<String>,
    pub actor_login: Option<String>,
    pub subject: String,
    pub action: String,
    pub detail: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}
