use leptos::prelude::*;

use super::AppError;
pub use crate::domain::wire::inbox::*;

#[server(endpoint = "incoming/list")]
pub async fn list_incoming(
    #[server(default)] search: String,
    #[server(default)] page: Option<i64>,
) -> Result<Inbox<IncomingRow>, AppError> {
    use crate::{
        domain::{Access, Permission},
        server::{guard, search::INCOMING},
    };
    let caller = guard::caller(Access::Permission(Permission::SeeIncomingSms)).await?;
    let rows = INCOMING
        .page(
            caller.pool(),
            Some(caller.account_id),
            &search,
            super::page_number(page),
        )
        .await?;
    Ok(Inbox {
        rows,
        can_export: caller.viewer.has(Permission::IncomingSmsExport),
    })
}

#[server(endpoint = "blocked/list")]
pub async fn list_blocked(
    #[server(default)] search: String,
    #[server(default)] page: Option<i64>,
) -> Result<Inbox<BlockedRow>, AppError> {
    use crate::{
        domain::{Access, Permission},
        server::{guard, search::BLOCKED},
    };
    let caller = guard::caller(Access::Permission(Permission::SeeBlockedSms)).await?;
    let rows = BLOCKED
        .page(
            caller.pool(),
            Some(caller.account_id),
            &search,
            super::page_number(page),
        )
        .await?;
    Ok(Inbox {
        rows,
        can_export: caller.viewer.has(Permission::BlockedSmsExport),
    })
}
