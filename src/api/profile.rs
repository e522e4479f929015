use leptos::prelude::*;

use super::AppError;
pub use crate::domain::wire::profile::*;

#[server(endpoint = "profile/get")]
pub async fn get_profile() -> Result<Profile, AppError> {
    use crate::{
        domain::{Access, Permission, Role},
        server::{guard, profile},
    };
    let caller = guard::caller(Access::Permission(Permission::ProfileEdit)).await?;
    let mut profile = profile::load(caller.pool(), caller.account_id).await?;
    profile.manages_api_keys = caller.viewer.role == Role::Owner;
    Ok(profile)
}

#[server(endpoint = "profile/save")]
pub async fn save_profile(
    company: String,
    contact_email: String,
    contact_phone: String,
    timezone: String,
) -> Result<(), AppError> {
    use crate::{
        domain::{Access, Permission},
        server::{guard, profile},
    };
    let caller = guard::caller(Access::Permission(Permission::ProfileEdit)).await?;
    let fields =
        profile::ProfileFields::parse(&company, &contact_email, &contact_phone, &timezone)?;
    profile::save(caller.pool(), caller.account_id, caller.user_id(), &fields).await?;
    crate::server::audit::note(
        caller.pool(),
        crate::server::audit::Entry::by(&caller.viewer, "profile_changed"),
    )
    .await;
    leptos_axum::redirect("/profile?saved=1");
    Ok(())
}
