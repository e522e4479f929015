use leptos::prelude::*;

use super::{AppError, Page};
pub use crate::domain::wire::audit::*;

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
