use leptos::prelude::*;

use super::{AppError, Page};
pub use crate::domain::wire::stop_list::*;

/// The stop-list belongs to Blocked SMS: who sees why messages were
/// blocked keeps the list that blocks them.
#[cfg(feature = "ssr")]
async fn stop_list_keeper() -> Result<crate::server::guard::Caller, AppError> {
    use crate::domain::{Access, Permission};
    crate::server::guard::caller(Access::Permission(Permission::SeeBlockedSms)).await
}

#[server(endpoint = "stop-list/list")]
pub async fn list_stop_list(
    #[server(default)] search: String,
    #[server(default)] page: Option<i64>,
) -> Result<Page<StopListEntry>, AppError> {
    let caller = stop_list_keeper().await?;
    let page = super::page_number(page);
    Ok(crate::server::stop_list::page(caller.pool(), caller.account_id, &search, page).await?)
}

#[server(endpoint = "stop-list/add")]
pub async fn add_to_stop_list(phone: String) -> Result<(), AppError> {
    use crate::server::audit;
    let caller = stop_list_keeper().await?;
    let number = crate::server::stop_list::add(caller.pool(), caller.account_id, &phone).await?;
    let entry = audit::Entry::by(&caller.viewer, "stop_list_added").on(number.as_str());
    audit::note(caller.pool(), entry).await;
    leptos_axum::redirect(&format!(
        "/blocked/stop-list?added={}",
        number.as_str().trim_start_matches('+')
    ));
    Ok(())
}

#[server(endpoint = "stop-list/remove")]
pub async fn remove_from_stop_list(phone: String) -> Result<(), AppError> {
    use crate::server::audit;
    let caller = stop_list_keeper().await?;
    crate::server::stop_list::remove(caller.pool(), caller.account_id, &phone).await?;
    let entry = audit::Entry::by(&caller.viewer, "stop_list_removed").on(phone);
    audit::note(caller.pool(), entry).await;
    leptos_axum::redirect("/blocked/stop-list?removed=1");
    Ok(())
}
