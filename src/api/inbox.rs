use leptos::prelude::*;

use super::AppError;
pub use crate::domain::wire::inbox::*;

#[server(endpoint = "incoming/list")]
pub async fn list_incoming(
    #[server(default)] search: String,
    #[server(default)] page: Option<i64>,
) -> Result<Inbox<IncomingRow>, AppError> {
    use crate::{domain::Permission, server::search::INCOMING};
    ssr::inbox(
        &INCOMING,
        (Permission::SeeIncomingSms, Permission::IncomingSmsExport),
        &search,
        page,
    )
    .await
}

#[server(endpoint = "blocked/list")]
pub async fn list_blocked(
    #[server(default)] search: String,
    #[server(default)] page: Option<i64>,
) -> Result<Inbox<BlockedRow>, AppError> {
    use crate::{domain::Permission, server::search::BLOCKED};
    ssr::inbox(
        &BLOCKED,
        (Permission::SeeBlockedSms, Permission::BlockedSmsExport),
        &search,
        page,
    )
    .await
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::{AppError, Inbox};
    use crate::{
        domain::{Access, Permission},
        server::{guard, search::SearchList},
    };

    /// A page of `list` for a caller holding `see`; exportable with `export`.
    pub async fn inbox<T>(
        list: &SearchList,
        (see, export): (Permission, Permission),
        search: &str,
        page: Option<i64>,
    ) -> Result<Inbox<T>, AppError>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        let caller = guard::caller(Access::Permission(see)).await?;
        let rows = list
            .page(
                caller.pool(),
                Some(caller.account_id),
                search,
                super::super::page_number(page),
            )
            .await?;
        Ok(Inbox {
            rows,
            can_export: caller.viewer.has(export),
        })
    }
}
