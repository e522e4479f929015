use leptos::prelude::*;

use super::AppError;
pub use crate::domain::wire::manager::*;

#[server(endpoint = "manager/accounts")]
pub async fn list_accounts() -> Result<Vec<AccountSummary>, AppError> {
    use crate::{
        domain::Access,
        server::{guard, users},
    };
    guard::require(Access::Manager).await?;
    Ok(users::list_accounts(&guard::state()?.pool).await?)
}

/// Creates a customer account and its owner (the same rules as the CLI).
#[server(endpoint = "manager/accounts/create")]
pub async fn create_account(
    login: String,
    password: String,
    name: String,
    phone: String,
    email: String,
    #[server(default)] company: String,
    #[server(default)] can_add_subaccount: bool,
) -> Result<(), AppError> {
    use crate::{
        domain::{Access, ContactForm, NewUser},
        server::{audit, guard, users},
    };
    let viewer = guard::require(Access::Manager).await?;
    let state = guard::state()?;
    let owner = NewUser::parse(
        &login,
        &password,
        &ContactForm {
            name,
            phone,
            email,
            company,
        },
    )
    .map_err(AppError::Invalid)?;
    let account_id =
        users::create_account(&state.pool, &state.passwords, &owner, can_add_subaccount).await?;
    let entry = audit::Entry::by(&viewer, "account_created")
        .in_account(Some(account_id))
        .on(owner.login.as_str());
    audit::note(&state.pool, entry).await;
    leptos_axum::redirect(&format!(
        "/manager/accounts?created={}",
        owner.login.as_str()
    ));
    Ok(())
}

/// Sets an account's options: "Can Add Subaccount", and whether its owner
/// must use two-factor authentication.
#[server(endpoint = "manager/accounts/option")]
pub async fn set_can_add_subaccount(
    account_id: i64,
    #[server(default)] can_add_subaccount: bool,
    #[server(default)] require_two_factor: bool,
) -> Result<bool, AppError> {
    use crate::{
        domain::Access,
        server::{audit, guard, two_factor, users},
    };
    let viewer = guard::require(Access::Manager).await?;
    let state = guard::state()?;
    if !users::set_can_add_subaccount(&state.pool, account_id, can_add_subaccount).await? {
        return Err(AppError::NotFound);
    }
    two_factor::require_for_owner(&state.pool, account_id, require_two_factor).await?;
    let switched = |on: bool| if on { "on" } else { "off" };
    let entry = audit::Entry::by(&viewer, "option_switched")
        .in_account(Some(account_id))
        .detail(format!(
            "Can Add Subaccount {}, two-factor required of the owner {}",
            switched(can_add_subaccount),
            switched(require_two_factor)
        ));
    audit::note(&state.pool, entry).await;
    leptos_axum::redirect(&format!("/manager/accounts?saved={account_id}"));
    Ok(can_add_subaccount)
}
