use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{AppError, Page};

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

/// The audit log: an owner sees their account's entries, a manager all.
#[server(endpoint = "audit/list")]
pub async fn list_audit(
    #[server(default)] search: String,
    #[server(default)] page: Option<i64>,
) -> Result<Page<AuditRow>, AppError> {
    use crate::{
        domain::Access,
        server::{guard, search::AUDIT},
    };
    let viewer = guard::require(Access::AuditLog).await?;
    let state = guard::state()?;
    Ok(AUDIT
        .page(
            &state.pool,
            viewer.account_id,
            &search,
            super::page_number(page),
        )
        .await?)
}
