//! Setting → SMPP: the account owner's SMPP credentials and open binds.

use leptos::prelude::*;

use super::AppError;
pub use crate::domain::wire::smpp::*;

#[cfg(feature = "ssr")]
mod ssr {
    pub use super::super::api_keys::ssr::{owner, posted_without_javascript, session, take_once};
    pub use crate::server::{audit, smpp::credentials, AppState};

    /// Where a credential made by a form posted without JavaScript waits,
    /// in the owner's session, for the page the post lands back on.
    pub const CREATED_CREDENTIAL: &str = "created_smpp_credential";
}

#[server(endpoint = "smpp/settings")]
pub async fn get_smpp_settings() -> Result<SmppSettings, AppError> {
    use ssr::*;
    let caller = owner().await?;
    let credentials = credentials::list(caller.pool(), caller.account_id).await?;
    let binds = credentials::open_binds(caller.pool(), caller.account_id).await?;
    let created: Option<CreatedSmppCredential> =
        take_once(&session().await?, CREATED_CREDENTIAL).await;
    let address = use_context::<AppState>()
        .and_then(|state| state.smpp_address)
        .map(|address| address.to_string());
    Ok(SmppSettings {
        credentials,
        binds,
        created,
        address,
    })
}

#[server(endpoint = "smpp/create")]
/// Answers the new credential to the page that asked; a form posted
/// without JavaScript is sent back to the page, which finds it in the
/// session.
pub async fn create_smpp_credential(
    #[server(default)] allowed_networks: String,
) -> Result<CreatedSmppCredential, AppError> {
    use crate::domain::FormErrors;
    use ssr::*;
    let caller = owner().await?;
    let refuse =
        |why: &str| AppError::Invalid(FormErrors::one("allowed_networks", &allowed_networks, why));
    let networks =
        credentials::AllowedNetworks::parse(&allowed_networks).map_err(|why| refuse(&why))?;
    let state = use_context::<AppState>().ok_or(AppError::Internal)?;
    let made = credentials::create(
        caller.pool(),
        &state.passwords,
        caller.account_id,
        Some(caller.user_id()),
        &networks,
    )
    .await
    .map_err(|error| match error {
        credentials::CreateError::TooMany => refuse(&format!(
            "An account has at most {} SMPP credentials: revoke one you no longer use first.",
            credentials::MAX_CREDENTIALS
        )),
        credentials::CreateError::Database(error) => error.into(),
    })?;
    let created = CreatedSmppCredential {
        system_id: made.system_id,
        password: made.password,
    };
    if posted_without_javascript().await {
        session()
            .await?
            .insert(CREATED_CREDENTIAL, &created)
            .await
            .map_err(|_| AppError::Internal)?;
    }
    let detail = match networks.to_string() {
        any if any.is_empty() => "from any address".to_owned(),
        listed => format!("from {listed}"),
    };
    let entry = audit::Entry::by(&caller.viewer, "smpp_credential_created")
        .on(created.system_id.as_str())
        .detail(detail);
    audit::note(caller.pool(), entry).await;
    Ok(created)
}

#[server(endpoint = "smpp/revoke")]
pub async fn revoke_smpp_credential(id: i64) -> Result<(), AppError> {
    use ssr::*;
    let caller = owner().await?;
    let system_id = credentials::revoke(caller.pool(), caller.account_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let entry = audit::Entry::by(&caller.viewer, "smpp_credential_revoked").on(system_id);
    audit::note(caller.pool(), entry).await;
    leptos_axum::redirect("/settings/smpp?revoked=1");
    Ok(())
}
