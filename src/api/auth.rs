use leptos::prelude::*;

use super::AppError;
use crate::domain::Viewer;

/// Who is logged in, or `None`. The menu and the page guards are drawn from this.
#[server(endpoint = "session/viewer")]
pub async fn current_viewer() -> Result<Option<Viewer>, AppError> {
    crate::server::guard::viewer().await
}

/// Logs in with one generic failure message, whatever was wrong.
#[server(endpoint = "session/login")]
pub async fn login(login: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::server::{
        audit::{self, Entry},
        auth::Credentials,
        guard, throttle, users,
    };

    let state = guard::state()?;
    within_address_limit(&state)?;
    let key = throttle::key(&login);
    throttle::reserve(&state.pool, &key)
        .await?
        .map_err(too_many_failures)?;
    let mut auth = guard::auth_session().await?;
    let user = auth
        .authenticate(Credentials {
            login: login.clone(),
            password,
        })
        .await
        .map_err(|error| {
            tracing::error!(%error, "login lookup failed");
            AppError::Internal
        })?;
    let Some(user) = user else {
        let account_id = users::account_of_login(&state.pool, &key).await?;
        let typed: String = login.trim().chars().take(64).collect();
        audit::note(
            &state.pool,
            Entry {
                account_id,
                actor: None,
                subject: typed,
                action: "login_failed",
                detail: String::new(),
            },
        )
        .await;
        return Err(AppError::InvalidCredentials);
    };
    // A fresh session id at every login defeats session fixation (ASVS 3.2.1).
    auth.session
        .cycle_id()
        .await
        .map_err(|_| AppError::Internal)?;
    let next = local_path(next.as_deref());
    if crate::server::two_factor::enabled(&state.pool, user.viewer.user_id).await? {
        // The password was right; the code completes the login. The
        // attempt stays counted until then, so a known password does not
        // reset the count of guessed codes.
        let pending = PendingLogin {
            user_id: user.viewer.user_id,
            auth_hash: axum_login::AuthUser::session_auth_hash(&user).to_vec(),
            at: time::OffsetDateTime::now_utc().unix_timestamp(),
            wrong_codes: 0,
            next,
        };
        auth.session
            .insert(PENDING_LOGIN, pending)
            .await
            .map_err(|_| AppError::Internal)?;
        leptos_axum::redirect(crate::server::security::LOGIN_CODE);
        return Ok(());
    }
    throttle::clear(&state.pool, &key).await?;
    complete_login(&mut auth, &user, "login").await?;
    leptos_axum::redirect(&next);
    Ok(())
}

/// A login whose password was right, waiting for its authentication code.
#[cfg(feature = "ssr")]
#[derive(serde::Serialize, serde::Deserialize)]
struct PendingLogin {
    user_id: i64,
    /// The user's password and session epoch as they were: a reset or a
    /// "sign out everywhere" meanwhile ends the pending login too.
    auth_hash: Vec<u8>,
    /// Unix time of the password: the code must follow within five minutes.
    at: i64,
    /// After five wrong codes the password is asked for again.
    wrong_codes: u8,
    next: String,
}

#[cfg(feature = "ssr")]
const PENDING_LOGIN: &str = "pending_login";

/// Logs `user` in on this session, which already has a fresh id.
#[cfg(feature = "ssr")]
async fn complete_login(
    auth: &mut crate::server::auth::AuthSession,
    user: &crate::server::auth::SessionUser,
    audited: &'static str,
) -> Result<(), AppError> {
    use crate::server::{audit, guard, users};
    auth.login(user).await.map_err(|_| AppError::Internal)?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    auth.session
        .insert(crate::server::security::LOGGED_IN_AT, now)
        .await
        .map_err(|_| AppError::Internal)?;
    let pool = &guard::state()?.pool;
    users::record_login(pool, user.viewer.user_id).await?;
    audit::note(pool, audit::Entry::by(&user.viewer, audited)).await;
    Ok(())
}

/// The login's second step: a code from the authenticator app, or one of
/// the recovery codes. Throttled with the password's failures; a code is
/// never accepted twice.
#[server(endpoint = "session/verify")]
pub async fn verify_login(code: String) -> Result<(), AppError> {
    use crate::server::{
        audit::{self, Entry},
        guard, throttle, two_factor,
    };
    use axum_login::{AuthUser, AuthnBackend};
    let state = guard::state()?;
    within_address_limit(&state)?;
    let mut auth = guard::auth_session().await?;
    let expired = || AppError::Rejected("Your login has expired. Log in again.".into());
    let mut pending: PendingLogin = auth
        .session
        .get(PENDING_LOGIN)
        .await
        .ok()
        .flatten()
        .ok_or_else(expired)?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    if now - pending.at > 5 * 60 {
        let _ = auth.session.remove::<PendingLogin>(PENDING_LOGIN).await;
        return Err(expired());
    }
    let user = auth
        .backend
        .get_user(&pending.user_id)
        .await?
        .filter(|user| user.session_auth_hash() == pending.auth_hash.as_slice())
        .ok_or_else(expired)?;
    let key = throttle::key(&user.viewer.login);
    throttle::reserve(&state.pool, &key)
        .await?
        .map_err(too_many_failures)?;
    if !two_factor::verify(&state.pool, pending.user_id, &code).await? {
        let entry = Entry::by(&user.viewer, "login_failed").detail("wrong authentication code");
        audit::note(&state.pool, entry).await;
        pending.wrong_codes += 1;
        if pending.wrong_codes >= 5 {
            let _ = auth.session.remove::<PendingLogin>(PENDING_LOGIN).await;
            return Err(AppError::Rejected(
                "Too many wrong codes. Log in again with your password.".into(),
            ));
        }
        auth.session
            .insert(PENDING_LOGIN, &pending)
            .await
            .map_err(|_| AppError::Internal)?;
        return Err(AppError::invalid(
            "code",
            "This code is not valid. Enter the current code from your app, or a recovery code.",
        ));
    }
    throttle::clear(&state.pool, &key).await?;
    let _ = auth.session.remove::<PendingLogin>(PENDING_LOGIN).await;
    auth.session
        .cycle_id()
        .await
        .map_err(|_| AppError::Internal)?;
    complete_login(&mut auth, &user, "login").await?;
    leptos_axum::redirect(&pending.next);
    Ok(())
}

/// Ends the server-side session; the old cookie is worthless afterwards.
#[server(endpoint = "session/logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::server::{audit, guard};
    let mut auth = guard::auth_session().await?;
    if let Some(user) = auth.logout().await.map_err(|_| AppError::Internal)? {
        audit::note(
            &guard::state()?.pool,
            audit::Entry::by(&user.viewer, "logout"),
        )
        .await;
    }
    leptos_axum::redirect("/login");
    Ok(())
}

/// Changes the caller's own password; every other session of theirs ends.
#[server(endpoint = "account/password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::{
        domain::{Access, FormErrors, Password},
        server::{guard, throttle, users},
    };

    let viewer = guard::require(Access::PasswordChange).await?;
    let state = guard::state()?;
    // A wrong current password counts as a failed login of this user: a
    // stolen session must not become a way to guess the password quickly.
    let key = throttle::key(&viewer.login);
    throttle::reserve(&state.pool, &key)
        .await?
        .map_err(too_many_failures)?;
    let mut errors = FormErrors::default();
    let stored = users::password_hash(&state.pool, viewer.user_id).await?;
    if state
        .passwords
        .verify(&current_password, stored.as_deref())
        .await
    {
        throttle::clear(&state.pool, &key).await?;
    } else {
        errors.add("current_password", "This is not your current password.");
    }
    let new_password = errors.check("new_password", Password::parse(&new_password));
    if new_password
        .as_ref()
        .is_some_and(|p| p.expose() == current_password)
    {
        // Above all for a temporary password, which the owner knows.
        errors.add(
            "new_password",
            "Choose a password other than the current one.",
        );
    } else if new_password
        .as_ref()
        .is_some_and(|p| p.expose() != confirm_password)
    {
        errors.add("confirm_password", "The two new passwords differ.");
    }
    let Some(new_password) = new_password.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let hash = state.passwords.hash(&new_password).await;
    users::set_password_hash(&state.pool, viewer.user_id, &hash).await?;
    renew_session(viewer.user_id).await?;
    crate::server::audit::note(
        &state.pool,
        crate::server::audit::Entry::by(&viewer, "password_changed"),
    )
    .await;
    // A first password of one's own opens the portal: on to its home.
    leptos_axum::redirect(if viewer.must_change_password {
        "/"
    } else {
        "/account/password?changed=1"
    });
    Ok(())
}

/// After a change that ended every session of the user (their epoch moved
/// on): this one goes on, under a new id, so a copied cookie does not.
#[cfg(feature = "ssr")]
pub async fn renew_session(user_id: i64) -> Result<(), AppError> {
    use axum_login::AuthnBackend;
    let mut auth = crate::server::guard::auth_session().await?;
    auth.session
        .cycle_id()
        .await
        .map_err(|_| AppError::Internal)?;
    let user = auth
        .backend
        .get_user(&user_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    auth.login(&user).await.map_err(|_| AppError::Internal)
}

/// Refuses a login step beyond the client address's allowance.
#[cfg(feature = "ssr")]
fn within_address_limit(state: &crate::server::AppState) -> Result<(), AppError> {
    let Some(ip) = crate::server::audit::Origin::current().ip else {
        return Ok(());
    };
    state.login_rate_limit.check(ip).map_err(|wait| {
        AppError::TooManyRequests(format!(
            "Too many login attempts from your network. Try again in {}.",
            crate::server::throttle::in_words(wait.as_secs_f64().ceil() as i64)
        ))
    })
}

#[cfg(feature = "ssr")]
pub(crate) fn too_many_failures(wait: i64) -> AppError {
    AppError::TooManyRequests(format!(
        "Too many failed attempts. Try again in {}.",
        crate::server::throttle::in_words(wait)
    ))
}

/// Where to go after logging in: only a path of this site, never another host.
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && path.bytes().all(|b| b.is_ascii_graphic())
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.starts_with("/login") =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn next_is_limited_to_local_paths() {
        assert_eq!(
            local_path(Some("/settings/sub-accounts")),
            "/settings/sub-accounts"
        );
        for hostile in [
            "/a\r\nSet-Cookie: x=1",
            "/ä",
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "/login",
        ] {
            assert_eq!(local_path(Some(hostile)), "/", "{hostile}");
        }
        assert_eq!(local_path(None), "/");
    }
}
