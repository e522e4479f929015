//! Setting → Sub Accounts → Presets: the owner's own permission presets.

use leptos::prelude::*;

use super::AppError;
pub use crate::domain::Preset;

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::{
        domain::{Access, FormErrors, PermissionSet, PresetName},
        server::{audit, guard, presets},
    };

    pub const PAGE: &str = "/settings/sub-accounts/presets";

    /// Why a name was refused, in words, or the database's failure.
    pub fn refusal(error: presets::SaveError) -> Result<&'static str, super::AppError> {
        match error {
            presets::SaveError::Taken => Ok("A preset of that name exists: choose another name."),
            presets::SaveError::TooMany => {
                Ok("An account keeps at most 50 presets: delete one you no longer use first.")
            }
            presets::SaveError::Database(error) => Err(error.into()),
        }
    }

    /// The create form's field error, the typed name kept.
    pub fn refused_field(typed: &str, error: presets::SaveError) -> super::AppError {
        match refusal(error) {
            Ok(why) => super::AppError::Invalid(FormErrors::one("name", typed, why)),
            Err(error) => error,
        }
    }
}

/// The built-in presets, then the owner's own.
#[server(endpoint = "presets/list")]
pub async fn list_presets() -> Result<Vec<Preset>, AppError> {
    use ssr::*;
    let caller = guard::caller(Access::SubAccounts).await?;
    Ok(presets::all(caller.pool(), caller.account_id).await?)
}

/// Renames are made in the list's rows: a refusal is said above the list.
#[server(endpoint = "presets/rename")]
pub async fn rename_preset(id: i64, name: String) -> Result<(), AppError> {
    use ssr::*;
    let caller = guard::caller(Access::SubAccounts).await?;
    let before = presets::find(caller.pool(), caller.account_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let preset_name =
        PresetName::parse(&name).map_err(|error| AppError::Rejected(error.to_string()))?;
    let renamed = match presets::rename(caller.pool(), caller.account_id, id, &preset_name).await {
        Ok(renamed) => renamed,
        Err(error) => return Err(AppError::Rejected(refusal(error)?.to_owned())),
    };
    if !renamed {
        return Err(AppError::NotFound);
    }
    let entry = audit::Entry::by(&caller.viewer, "preset_renamed")
        .on(preset_name.as_str())
        .detail(format!("was {}", before.name));
    audit::note(caller.pool(), entry).await;
    leptos_axum::redirect(&format!("{PAGE}?done=renamed"));
    Ok(())
}

/// Saves the ticked permissions under a name of the owner's.
#[server(endpoint = "presets/create")]
pub async fn create_preset(
    name: String,
    #[server(default)] permissions: Vec<String>,
) -> Result<(), AppError> {
    use ssr::*;
    let caller = guard::caller(Access::SubAccounts).await?;
    let preset_name = PresetName::parse(&name)
        .map_err(|error| AppError::Invalid(FormErrors::one("name", &name, error)))?;
    let set = PermissionSet::from_ticked(&permissions).map_err(AppError::Rejected)?;
    presets::create(caller.pool(), caller.account_id, &preset_name, set)
        .await
        .map_err(|error| refused_field(&name, error))?;
    let entry = audit::Entry::by(&caller.viewer, "preset_created")
        .on(preset_name.as_str())
        .detail(set.iter().map(|p| p.key()).collect::<Vec<_>>().join(" "));
    audit::note(caller.pool(), entry).await;
    leptos_axum::redirect(&format!("{PAGE}?done=created"));
    Ok(())
}

/// Deletes a preset; sub-accounts it was applied to keep their ticks.
#[server(endpoint = "presets/delete")]
pub async fn delete_preset(id: i64) -> Result<(), AppError> {
    use ssr::*;
    let caller = guard::caller(Access::SubAccounts).await?;
    let preset = presets::find(caller.pool(), caller.account_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !presets::delete(caller.pool(), caller.account_id, id).await? {
        return Err(AppError::NotFound);
    }
    let entry = audit::Entry::by(&caller.viewer, "preset_deleted").on(preset.name.as_str());
    audit::note(caller.pool(), entry).await;
    leptos_axum::redirect(&format!("{PAGE}?done=deleted"));
    Ok(())
}
