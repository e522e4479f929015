//! Two-factor authentication over HTTP, its codes checked against Debian's
//! oathtool, an implementation of RFC 6238 that is not ours.

use reqwest::StatusCode;

use super::support::{session_cookie, Session, TestApp, PASSWORD};
use crate::{
    domain::{Permission, PermissionSet},
    server::two_factor::{base32, code_at, step_of},
};

/// The code oathtool computes for the base32 `secret` at Unix time `at`.
fn oathtool(secret: &str, at: u64) -> String {
    let output = std::process::Command::new("oathtool")
        .args(["--totp", "-b", secret, "-N", &format!("@{at}")])
        .output()
        .expect("oathtool (scripts/setup --checkers installs it)");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[test]
fn our_codes_are_oathtools() {
    let mut secret = [0_u8; 20];
    for round in 0..20_u64 {
        for (i, byte) in secret.iter_mut().enumerate() {
            *byte = (round * 31 + i as u64 * 17 + 7) as u8;
        }
        let at = 1_700_000_000 + round * 7_919;
        assert_eq!(
            format!("{:06}", code_at(&secret, step_of(at))),
            oathtool(&base32(&secret), at),
            "round {round}"
        );
    }
}

/// Logs in with the password: the session waits for its code.
async fn password_step(app: &TestApp, login: &str) -> Session {
    let response = app
        .call(
            None,
            "session/login",
            vec![("login", login.into()), ("password", PASSWORD.into())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    Session {
        cookie: session_cookie(&response).expect("a session for the second step"),
    }
}

async fn verify(app: &TestApp, session: &Session, code: &str) -> reqwest::Response {
    app.call(Some(session), "session/verify", vec![("code", code.into())])
        .await
}

async fn logged_in(app: &TestApp, session: &Session) -> bool {
    let viewer: serde_json::Value = app
        .call(Some(session), "session/viewer", vec![])
        .await
        .json()
        .await
        .unwrap();
    !viewer.is_null()
}

/// Enrols `session`'s user; answers the base32 secret, the recovery codes
/// and the session renewed by the confirmation (the old id ends with it).
async fn enrol(app: &TestApp, session: &Session) -> (String, Vec<String>, Session) {
    let begun = app.call(Some(session), "two-factor/begin", vec![]).await;
    assert_eq!(begun.status(), StatusCode::OK);
    let status = app.json(session, "two-factor/status", vec![]).await;
    let secret = status["enrolment"]["secret"]
        .as_str()
        .unwrap()
        .replace(' ', "");
    let confirm = |password: &str, code: String| {
        app.call(
            Some(session),
            "two-factor/confirm",
            vec![("password", password.into()), ("code", code)],
        )
    };
    let wrong = confirm(PASSWORD, "000000".into()).await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A stolen session alone cannot turn it on: the password is asked.
    let code = oathtool(&secret, now());
    let no_password = confirm("not the password", code.clone()).await;
    assert_eq!(no_password.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let confirmed = confirm(PASSWORD, code).await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    let renewed = Session {
        cookie: session_cookie(&confirmed).expect("a renewed session"),
    };
    assert!(!logged_in(app, session).await, "other sessions end");
    let session = &renewed;
    let status = app.json(session, "two-factor/status", vec![]).await;
    assert_eq!(status["enabled"], true);
    let codes: Vec<String> = serde_json::from_value(status["new_recovery_codes"].clone()).unwrap();
    assert_eq!(codes.len(), 10);
    let again = app.json(session, "two-factor/status", vec![]).await;
    assert!(again["new_recovery_codes"].is_null(), "shown once");
    (secret, codes, renewed)
}

#[tokio::test]
async fn a_login_with_two_factor_needs_a_fresh_code_or_an_unused_recovery_code() {
    let app = TestApp::spawn().await;
    app.account("olivia", true).await;
    let owner = app.login("olivia").await;
    let (secret, recovery, _) = enrol(&app, &owner).await;
    let stored: Vec<String> = sqlx::query_scalar("SELECT code_hash FROM recovery_codes")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert!(stored
        .iter()
        .all(|hash| !recovery.iter().any(|c| hash.contains(c.as_str()))));

    // The password alone logs nobody in.
    let pending = password_step(&app, "olivia").await;
    assert!(!logged_in(&app, &pending).await);
    assert_eq!(
        verify(&app, &pending, "123").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // The next step's code (the enrolment used this one's): in.
    let code = oathtool(&secret, now() + 30);
    let verified = verify(&app, &pending, &code).await;
    assert_eq!(verified.status(), StatusCode::OK);
    let session = Session {
        cookie: session_cookie(&verified).expect("a new session id"),
    };
    assert!(logged_in(&app, &session).await);
    assert!(!logged_in(&app, &pending).await, "the old id is worthless");
    // The same code never passes twice.
    let again = password_step(&app, "olivia").await;
    assert_eq!(
        verify(&app, &again, &code).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // A recovery code works once, typed in any case, with or without dashes.
    let typed = recovery[0].to_lowercase().replace('-', " ");
    assert_eq!(verify(&app, &again, &typed).await.status(), StatusCode::OK);
    let third = password_step(&app, "olivia").await;
    assert_eq!(
        verify(&app, &third, &recovery[0]).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // Switching it off takes the password and a code.
    let off = |password: &str, code: &str| {
        app.call(
            Some(&session),
            "two-factor/disable",
            vec![("password", password.into()), ("code", code.into())],
        )
    };
    assert_eq!(
        off("wrong password", &recovery[1]).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(off(PASSWORD, &recovery[1]).await.status(), StatusCode::OK);
    let plain = app.login("olivia").await;
    assert!(logged_in(&app, &plain).await);
}

#[tokio::test]
async fn wrong_codes_are_throttled_like_passwords() {
    let app = TestApp::spawn().await;
    app.account("olivia", true).await;
    let owner = app.login("olivia").await;
    let (secret, _, _) = enrol(&app, &owner).await;
    let pending = password_step(&app, "olivia").await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(verify(&app, &pending, "000000").await.status());
    }
    assert_eq!(statuses[0], StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // However the count stands, five wrong codes end the pending login:
    // even the right code needs the password again.
    let right = oathtool(&secret, now() + 30);
    let status = verify(&app, &pending, &right).await.status();
    assert_ne!(status, StatusCode::OK);
    assert!(!logged_in(&app, &pending).await);
}

#[tokio::test]
async fn the_owner_resets_a_sub_users_lost_two_factor_and_no_one_elses() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    app.account("ophelia", true).await;
    let sam = app
        .sub_account(&account, "sam", PermissionSet::empty())
        .await;
    let session = app.login("sam").await;
    let (_, _, session) = enrol(&app, &session).await;
    let reset = |who: Session| {
        let app = &app;
        async move {
            app.call(
                Some(&who),
                "sub-accounts/reset-two-factor",
                vec![("id", sam.to_string())],
            )
            .await
            .status()
        }
    };
    assert_eq!(
        reset(app.login("ophelia").await).await,
        StatusCode::NOT_FOUND
    );
    assert!(crate::server::two_factor::enabled(&app.pool, sam)
        .await
        .unwrap());
    assert_eq!(reset(app.login("olivia").await).await, StatusCode::OK);
    assert!(!crate::server::two_factor::enabled(&app.pool, sam)
        .await
        .unwrap());
    assert!(!logged_in(&app, &session).await, "their sessions end");
    assert!(
        logged_in(&app, &app.login("sam").await).await,
        "the password alone again"
    );
}

#[tokio::test]
async fn a_password_reset_meanwhile_ends_a_login_waiting_for_its_code() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    let sam = app
        .sub_account(&account, "sam", PermissionSet::empty())
        .await;
    let session = app.login("sam").await;
    let (secret, _, _) = enrol(&app, &session).await;
    let pending = password_step(&app, "sam").await;
    crate::server::sub_accounts::end_sessions(&app.pool, account.id, sam)
        .await
        .unwrap();
    let code = oathtool(&secret, now() + 30);
    assert_eq!(
        verify(&app, &pending, &code).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn a_required_setup_comes_before_anything_else() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    app.sub_account(
        &account,
        "sam",
        PermissionSet::empty().with_granted(Permission::SeePrices),
    )
    .await;
    let owner = app.login("olivia").await;
    let sam = app.login("sam").await;
    assert_eq!(
        app.get(Some(&sam), "/prices").await.status(),
        StatusCode::OK
    );
    let required = app
        .call(
            Some(&owner),
            "two-factor/require-for-subs",
            vec![("required", "true".into())],
        )
        .await;
    assert_eq!(required.status(), StatusCode::OK);
    // On the very next request: every page leads to the setup, every
    // server function refuses.
    let page = app.get(Some(&sam), "/prices").await;
    assert_eq!(page.status(), StatusCode::FOUND);
    assert_eq!(page.headers()["location"], "/account/two-factor");
    let prices = app.call(Some(&sam), "prices/list", vec![]).await;
    assert_eq!(prices.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.get(Some(&sam), "/account/two-factor").await.status(),
        StatusCode::OK
    );
    let (_, _, sam) = enrol(&app, &sam).await;
    assert_eq!(
        app.get(Some(&sam), "/prices").await.status(),
        StatusCode::OK
    );
    // The owner is not a sub-account: not required of them.
    assert_eq!(app.get(Some(&owner), "/").await.status(), StatusCode::OK);
}
