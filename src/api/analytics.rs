use leptos::prelude::*;

use super::AppError;
pub use crate::domain::wire::analytics::*;

#[server(endpoint = "analytics/summary")]
pub async fn analytics_summary(
    #[server(default)] from: String,
    #[server(default)] to: String,
) -> Result<Summary, AppError> {
    use crate::{
        domain::{Access, Permission},
        server::{analytics, guard},
    };
    let caller = guard::caller(Access::Permission(Permission::UseAnalytics)).await?;
    let range = analytics::DateRange::parse(&from, &to)?;
    Ok(analytics::summary(caller.pool(), caller.account_id, &range).await?)
}

#[server(endpoint = "analytics/details")]
pub async fn analytics_details(
    #[server(default)] from: String,
    #[server(default)] to: String,
    #[server(default)] status: String,
    #[server(default)] recipient: String,
    #[server(default)] page: Option<i64>,
    #[server(default)] sent_by: String,
) -> Result<Details, AppError> {
    use crate::{
        domain::{Access, Permission, Role},
        server::{analytics, guard, users},
    };
    let caller = guard::caller(Access::Permission(Permission::UseAnalyticsDetails)).await?;
    let filter = analytics::DetailsFilter::parse_with_sender(
        &caller.viewer,
        &from,
        &to,
        &status,
        &recipient,
        &sent_by,
    )?;
    let senders = match caller.viewer.role {
        Role::Owner => Some(users::logins_of_account(caller.pool(), caller.account_id).await?),
        _ => None,
    };
    let messages = analytics::details(
        caller.pool(),
        caller.account_id,
        &filter,
        super::page_number(page),
    )
    .await?;
    Ok(Details {
        from: filter.range.from.clone(),
        to: filter.range.to.clone(),
        messages,
        unmasked: filter.unmasked,
        can_export: caller.viewer.has(Permission::AnalyticsDetailsExport),
        senders,
    })
}
