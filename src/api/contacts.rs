use leptos::prelude::*;

use super::AppError;
pub use crate::domain::wire::contacts::*;

#[cfg(feature = "ssr")]
async fn database() -> Result<crate::server::guard::Caller, AppError> {
    use crate::domain::{Access, Permission};
    crate::server::guard::caller(Access::Permission(Permission::UseDatabase)).await
}

#[server(endpoint = "contacts/lists")]
pub async fn list_contact_lists() -> Result<Vec<ContactListSummary>, AppError> {
    let caller = database().await?;
    Ok(crate::server::contacts::lists(caller.pool(), caller.account_id).await?)
}

#[server(endpoint = "contacts/lists/create")]
pub async fn create_contact_list(name: String) -> Result<i64, AppError> {
    let caller = database().await?;
    let id = crate::server::contacts::create_list(
        caller.pool(),
        caller.account_id,
        caller.user_id(),
        &name,
    )
    .await?;
    leptos_axum::redirect(&format!("/sending/database/{id}"));
    Ok(id)
}

#[server(endpoint = "contacts/lists/rename")]
pub async fn rename_contact_list(id: i64, name: String) -> Result<(), AppError> {
    let caller = database().await?;
    crate::server::contacts::rename_list(caller.pool(), caller.account_id, id, &name).await
}

#[server(endpoint = "contacts/lists/delete")]
pub async fn delete_contact_list(id: i64) -> Result<(), AppError> {
    let caller = database().await?;
    crate::server::contacts::delete_list(caller.pool(), caller.account_id, id).await?;
    leptos_axum::redirect("/sending/database");
    Ok(())
}

#[server(endpoint = "contacts/lists/get")]
pub async fn get_contact_list(
    id: i64,
    #[server(default)] page: Option<i64>,
    #[server(default)] search: String,
) -> Result<ContactListPage, AppError> {
    let caller = database().await?;
    crate::server::contacts::list_page(
        caller.pool(),
        caller.account_id,
        id,
        super::page_number(page),
        &search,
    )
    .await
}

#[server(endpoint = "contacts/add")]
pub async fn add_contact(
    list_id: i64,
    phone: String,
    #[server(default)] name: String,
) -> Result<(), AppError> {
    let caller = database().await?;
    crate::server::contacts::add(caller.pool(), caller.account_id, list_id, &phone, &name).await
}

#[server(endpoint = "contacts/update")]
pub async fn update_contact(
    id: i64,
    phone: String,
    #[server(default)] name: String,
) -> Result<(), AppError> {
    let caller = database().await?;
    crate::server::contacts::update(caller.pool(), caller.account_id, id, &phone, &name).await
}

#[server(endpoint = "contacts/remove")]
pub async fn remove_contact(id: i64) -> Result<(), AppError> {
    let caller = database().await?;
    crate::server::contacts::remove(caller.pool(), caller.account_id, id).await
}

/// Imports `phone,name` rows; refused rows are reported with their line
/// number. Numbers without a country code are read as numbers of `country`.
#[server(endpoint = "contacts/import")]
pub async fn import_contacts(
    list_id: i64,
    csv: String,
    #[server(default)] country: String,
) -> Result<ImportReport, AppError> {
    let caller = database().await?;
    let report = crate::server::contacts::import(
        caller.pool(),
        caller.account_id,
        caller.user_id(),
        list_id,
        &csv,
        &country,
    )
    .await?;
    leptos_axum::redirect(&format!("/sending/database/{list_id}?import={}", report.id));
    Ok(report)
}

#[server(endpoint = "contacts/import/get")]
pub async fn get_import(id: i64) -> Result<ImportReport, AppError> {
    let caller = database().await?;
    crate::server::contacts::import_report(caller.pool(), caller.account_id, id).await
}
