use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{AppError, Page};

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
