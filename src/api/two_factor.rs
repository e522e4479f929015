//! Two-factor authentication: every user's own setting, and the owner's
//! requirement for the sub-accounts.

use leptos::prelude::*;

use super::AppError;
pub use crate::domain::wire::two_factor::*;

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::{
        domain::Access,
        server::{audit, guard, sessions::take_once, two_factor},
    };

    /// Where new recovery codes wait, in the user's session, for the page
    /// the confirmation lands on: shown once, never in an address.
    pub const NEW_CODES: &str = "new_recovery_codes";

    pub async fn session() -> Result<tower_sessions::Session, super::AppError> {
        Ok(guard::auth_session().await?.session)
    }

    /// Checks the user's password, counted like a login's: the setting
    /// changes only for whoever knows it, not for a stolen session.
    pub async fn check_password(
        state: &crate::server::AppState,
        viewer: &crate::domain::Viewer,
        password: &str,
        errors: &mut crate::domain::FormErrors,
    ) -> Result<(), super::AppError> {
        use crate::server::{throttle, users};
        let key = throttle::key(&viewer.login);
        throttle::reserve(&state.pool, &key)
            .await?
            .map_err(crate::api::auth::too_many_failures)?;
        let stored = users::password_hash(&state.pool, viewer.user_id).await?;
        if state.passwords.verify(password, stored.as_deref()).await {
            throttle::clear(&state.pool, &key).await?;
        } else {
            errors.add("password", "This is not your password.");
        }
        Ok(())
    }
}

#[server(endpoint = "two-factor/status")]
pub async fn get_two_factor_status() -> Result<TwoFactorStatus, AppError> {
    use ssr::*;
    let viewer = guard::require(Access::TwoFactorSetup).await?;
    let pool = &guard::state()?.pool;
    let standing = two_factor::standing(pool, viewer.user_id).await?;
    let enrolment = match (
        standing.enabled,
        two_factor::secret(pool, viewer.user_id).await?,
    ) {
        (false, Some(secret)) => {
            let base32 = two_factor::base32(&secret);
            let grouped: Vec<String> = base32
                .as_bytes()
                .chunks(4)
                .map(|group| String::from_utf8_lossy(group).into_owned())
                .collect();
            Some(Enrolment {
                secret: grouped.join(" "),
                qr_svg: two_factor::qr_svg(&two_factor::otpauth_uri(&viewer.login, &secret)),
            })
        }
        _ => None,
    };
    let new_recovery_codes = take_once(&session().await?, NEW_CODES).await;
    Ok(TwoFactorStatus {
        enabled: standing.enabled,
        enrolment,
        recovery_codes_left: standing.recovery_left,
        required: viewer.must_enrol_two_factor,
        new_recovery_codes,
    })
}

/// Begins an enrolment: a new secret, shown as a QR code and as text.
#[server(endpoint = "two-factor/begin")]
pub async fn begin_two_factor() -> Result<(), AppError> {
    use ssr::*;
    let viewer = guard::require(Access::TwoFactorSetup).await?;
    two_factor::begin(&guard::state()?.pool, viewer.user_id).await?;
    leptos_axum::redirect("/account/two-factor");
    Ok(())
}

/// Confirms the enrolment with the password and a code from the app; the
/// recovery codes are shown once, on the page this lands on.
#[server(endpoint = "two-factor/confirm")]
pub async fn confirm_two_factor(password: String, code: String) -> Result<(), AppError> {
    use ssr::*;
    let viewer = guard::require(Access::TwoFactorSetup).await?;
    let state = guard::state()?;
    let pool = &state.pool;
    let mut errors = crate::domain::FormErrors::default();
    check_password(&state, &viewer, &password, &mut errors).await?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let Some(codes) = two_factor::confirm(pool, viewer.user_id, &code).await? else {
        return Err(AppError::invalid(
            "code",
            "That code is not right. Enter the code your app shows now.",
        ));
    };
    super::auth::renew_session(viewer.user_id).await?;
    session()
        .await?
        .insert(NEW_CODES, codes)
        .await
        .map_err(|_| AppError::Internal)?;
    audit::note(pool, audit::Entry::by(&viewer, "two_factor_enabled")).await;
    leptos_axum::redirect("/account/two-factor?enabled=1");
    Ok(())
}

/// Switches it off, with the password and a code (or a recovery code).
#[server(endpoint = "two-factor/disable")]
pub async fn disable_two_factor(password: String, code: String) -> Result<(), AppError> {
    use ssr::*;
    let viewer = guard::require(Access::TwoFactorSetup).await?;
    let state = guard::state()?;
    let mut errors = crate::domain::FormErrors::default();
    check_password(&state, &viewer, &password, &mut errors).await?;
    if errors.is_empty() && !two_factor::verify(&state.pool, viewer.user_id, &code).await? {
        errors.add("code", "That code is not right.");
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    two_factor::disable(&state.pool, viewer.user_id).await?;
    super::auth::renew_session(viewer.user_id).await?;
    audit::note(
        &state.pool,
        audit::Entry::by(&viewer, "two_factor_disabled"),
    )
    .await;
    leptos_axum::redirect("/account/two-factor?disabled=1");
    Ok(())
}

/// Whether the account requires two-factor authentication of its sub-accounts.
#[server(endpoint = "two-factor/required-for-subs")]
pub async fn two_factor_required_for_subs() -> Result<bool, AppError> {
    use ssr::*;
    let caller = guard::caller(Access::SubAccounts).await?;
    let required: i64 =
        sqlx::query_scalar("SELECT require_two_factor_subs FROM accounts WHERE id = $1")
            .bind(caller.account_id)
            .fetch_one(caller.pool())
            .await?;
    Ok(required == 1)
}

/// The owner's setting: sub-accounts must set up two-factor authentication
/// (at their next login, or request) before anything else.
#[server(endpoint = "two-factor/require-for-subs")]
pub async fn require_two_factor_for_subs(
    #[server(default)] required: bool,
) -> Result<(), AppError> {
    use ssr::*;
    let caller = guard::caller(Access::SubAccounts).await?;
    two_factor::require_for_subs(caller.pool(), caller.account_id, required).await?;
    let entry = audit::Entry::by(&caller.viewer, "option_switched").detail(format!(
        "two-factor required of sub-accounts {}",
        if required { "on" } else { "off" }
    ));
    audit::note(caller.pool(), entry).await;
    leptos_axum::redirect("/settings/sub-accounts?two_factor=saved");
    Ok(())
}
