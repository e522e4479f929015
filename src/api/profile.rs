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
    if caller.viewer.role != Role::Owner {
        profile.api_key = None;
    }
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

/// Replaces the API key; the old one stops working at once. Owners only.
#[server(endpoint = "profile/api-key")]
pub async fn regenerate_api_key() -> Result<(), AppError> {
    use crate::{
        domain::Access,
        server::{guard, profile},
    };
    let caller = guard::caller(Access::Owner).await?;
    profile::regenerate_api_key(caller.pool(), caller.account_id).await?;
    crate::server::audit::note(
        caller.pool(),
        crate::server::audit::Entry::by(&caller.viewer, "api_key_regenerated"),
    )
    .await;
    leptos_axum::redirect("/profile?key=new");
    Ok(())
}
