//! The one door of every server function: who is asking, and may they?

use leptos::prelude::*;

use super::{auth::AuthSession, AppState};
use crate::{
    domain::wire::AppError,
    domain::{Access, Viewer},
};

/// The application state provided to every server function.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        AppError::Internal
    })
}

/// The auth session of the current request.
pub async fn auth_session() -> Result<AuthSession, AppError> {
    leptos_axum::extract::<AuthSession>()
        .await
        .map_err(|error| {
            tracing::error!(%error, "auth session layer missing");
            AppError::Internal
        })
}

/// The viewer of the current request, if logged in.
pub async fn viewer() -> Result<Option<Viewer>, AppError> {
    Ok(auth_session().await?.user.map(|user| user.viewer))
}

/// Refuses unless a user is logged in and `access` allows them.
pub async fn require(access: Access) -> Result<Viewer, AppError> {
    let viewer = viewer().await?.ok_or(AppError::Unauthenticated)?;
    if access.allows(&viewer) {
        Ok(viewer)
    } else if let Some(first) = first_things_first(&viewer) {
        Err(first)
    } else {
        tracing::warn!(user = viewer.user_id, ?access, "authorization refused");
        let path = use_context::<http::request::Parts>()
            .map(|parts| parts.uri.path().to_owned())
            .unwrap_or_default();
        let entry = super::audit::Entry::by(&viewer, "access_refused")
            .detail(format!("{access:?} at {path}"));
        super::audit::note(&state()?.pool, entry).await;
        Err(AppError::Forbidden)
    }
}

/// The guard of a plain axum route (exports, uploads), as `require` is of
/// a server function: the same rule, refusals in the audit log, with the
/// request's origin.
pub async fn route_viewer(
    auth: &AuthSession,
    state: &AppState,
    parts: &http::request::Parts,
    access: Access,
) -> Result<Viewer, AppError> {
    let viewer = auth
        .user
        .as_ref()
        .map(|user| user.viewer.clone())
        .ok_or(AppError::Unauthenticated)?;
    if access.allows(&viewer) {
        return Ok(viewer);
    }
    if let Some(first) = first_things_first(&viewer) {
        return Err(first);
    }
    tracing::warn!(user = viewer.user_id, ?access, "authorization refused");
    let entry = super::audit::Entry::by(&viewer, "access_refused")
        .detail(format!("{access:?} at {}", parts.uri.path()));
    super::audit::record(&state.pool, &super::audit::Origin::of(parts), entry).await;
    Err(AppError::Forbidden)
}

/// What a user must do before anything else, if anything: such a refusal is
/// no attempt at what they may not do, so it is not audited as one.
fn first_things_first(viewer: &Viewer) -> Option<AppError> {
    if viewer.must_change_password {
        Some(AppError::PasswordChangeRequired)
    } else if viewer.must_enrol_two_factor {
        Some(AppError::TwoFactorRequired)
    } else {
        None
    }
}

/// The account of an owner or sub-user (managers have none).
pub fn account_of(viewer: &Viewer) -> Result<i64, AppError> {
    viewer.account_id.ok_or(AppError::Forbidden)
}

/// A caller who passed the guard, with the account every query is scoped to.
pub struct Caller {
    pub viewer: Viewer,
    pub account_id: i64,
    pub state: AppState,
}

impl Caller {
    pub fn pool(&self) -> &super::db::Pool {
        &self.state.pool
    }

    pub fn user_id(&self) -> i64 {
        self.viewer.user_id
    }
}

/// The guard of every account-scoped server function.
pub async fn caller(access: Access) -> Result<Caller, AppError> {
    let viewer = require(access).await?;
    let account_id = account_of(&viewer)?;
    Ok(Caller {
        viewer,
        account_id,
        state: state()?,
    })
}
