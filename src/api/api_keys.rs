//! Setting → API keys: the account owner's keys for the HTTP API (`/v1`).

use leptos::prelude::*;

use super::AppError;
pub use crate::domain::wire::api_keys::*;

#[cfg(feature = "ssr")]
pub(super) mod ssr {
    pub use crate::{
        domain::Access,
        server::{api_keys, audit, guard, sessions::take_once},
    };

    /// Where a new key made by a form posted without JavaScript waits, in
    /// the owner's session, for the page the post lands back on: never in an
    /// address. The page takes it out at once; the hydrated page gets the
    /// key in the answer instead, and the session never holds it.
    pub const CREATED_KEY: &str = "created_api_key";

    /// Whether the request is a form posted by the browser itself.
    pub async fn posted_without_javascript() -> bool {
        leptos_axum::extract::<http::HeaderMap>()
            .await
            .ok()
            .and_then(|headers| {
                let accept = headers.get(http::header::ACCEPT)?.to_str().ok()?;
                Some(accept.contains("text/html"))
            })
            .unwrap_or(false)
    }

    pub async fn owner() -> Result<guard::Caller, super::AppError> {
        guard::caller(Access::Owner).await
    }

    pub async fn session() -> Result<tower_sessions::Session, super::AppError> {
        let auth = leptos_axum::extract::<crate::server::auth::AuthSession>()
            .await
            .map_err(|_| super::AppError::Unauthenticated)?;
        Ok(auth.session)
    }
}

#[server(endpoint = "api-keys/list")]
pub async fn list_api_keys() -> Result<ApiKeys, AppError> {
    use ssr::*;
    let caller = owner().await?;
    let keys = api_keys::list(caller.pool(), caller.account_id).await?;
    let created: Option<CreatedKey> = take_once(&session().await?, CREATED_KEY).await;
    Ok(ApiKeys { keys, created })
}

#[server(endpoint = "api-keys/create")]
/// Answers the new key to the page that asked; a form posted without
/// JavaScript is sent back to the page, which finds it in the session.
pub async fn create_api_key(name: String) -> Result<CreatedKey, AppError> {
    use crate::domain::{FormErrors, KeyName};
    use ssr::*;
    let caller = owner().await?;
    let refuse = |typed: &str, why: &str| AppError::Invalid(FormErrors::one("name", typed, why));
    let name = KeyName::parse(&name).map_err(|error| refuse(&name, error.0))?;
    let key = api_keys::create(
        caller.pool(),
        caller.account_id,
        caller.user_id(),
        name.as_str(),
    )
    .await
    .map_err(|error| match error {
        api_keys::CreateError::TooMany => refuse(
            name.as_str(),
            "An account has at most 20 keys: revoke one you no longer use first.",
        ),
        api_keys::CreateError::Taken => refuse(
            name.as_str(),
            "A key of that name exists: choose another name.",
        ),
        api_keys::CreateError::Database(error) => error.into(),
    })?;
    let created = CreatedKey {
        name: name.as_str().to_owned(),
        key: key.key,
    };
    if posted_without_javascript().await {
        session()
            .await?
            .insert(CREATED_KEY, &created)
            .await
            .map_err(|_| AppError::Internal)?;
    }
    let entry = audit::Entry::by(&caller.viewer, "api_key_created").on(name.as_str());
    audit::note(caller.pool(), entry).await;
    Ok(created)
}

#[server(endpoint = "api-keys/revoke")]
pub async fn revoke_api_key(id: i64) -> Result<(), AppError> {
    use ssr::*;
    let caller = owner().await?;
    let name = api_keys::revoke(caller.pool(), caller.account_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let entry = audit::Entry::by(&caller.viewer, "api_key_revoked").on(name);
    audit::note(caller.pool(), entry).await;
    leptos_axum::redirect("/settings/api-keys?revoked=1");
    Ok(())
}
