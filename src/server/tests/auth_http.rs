//! Logins, sessions and request hygiene over real HTTP.

use reqwest::{header, StatusCode};

use super::support::{session_cookie, Session, TestApp, PASSWORD};
use crate::domain::{Permission, PermissionSet, Role, Viewer};
use crate::server::app::HttpConfig;

async fn viewer(app: &TestApp, session: &Session) -> Option<Viewer> {
    let response = app.call(Some(session), "session/viewer", vec![]).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[tokio::test]
async fn every_role_logs_in_on_the_same_endpoint() {
    let app = TestApp::spawn().await;
    app.manager("morgan").await;
    let account = app.account("olivia", true).await;
    app.sub_account(&account, "sam", PermissionSet::empty())
        .await;
    for (login, role) in [
        ("morgan", Role::Manager),
        ("OLIVIA", Role::Owner),
        ("sam", Role::Sub),
    ] {
        let session = app.login(login).await;
        let viewer = viewer(&app, &session).await.expect("logged in");
        assert_eq!(viewer.role, role, "{login}");
    }
}

#[tokio::test]
async fn wrong_password_and_unknown_login_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.account("olivia", true).await;
    let wrong_password = app
        .try_login("olivia", "not the password at all")
        .await
        .unwrap_err();
    let unknown_login = app.try_login("nobody", PASSWORD).await.unwrap_err();
    assert_eq!(wrong_password.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(unknown_login.status(), StatusCode::UNAUTHORIZED);
    assert!(session_cookie(&wrong_password).is_none() && session_cookie(&unknown_login).is_none());
    let (a, b) = (
        wrong_password.text().await.unwrap(),
        unknown_login.text().await.unwrap(),
    );
    assert_eq!(a, b);
    assert!(!a.contains("olivia"));
}

#[tokio::test]
async fn the_session_id_changes_at_login_and_the_old_one_is_worthless() {
    let app = TestApp::spawn().await;
    app.account("olivia", true).await;
    let first = app.login("olivia").await;
    let response = app
        .call(
            Some(&first),
            "session/login",
            vec![("login", "olivia".into()), ("password", PASSWORD.into())],
        )
        .await;
    let second = Session {
        cookie: session_cookie(&response).expect("a new cookie"),
    };
    assert_ne!(first.cookie, second.cookie);
    assert!(
        viewer(&app, &first).await.is_none(),
        "the pre-login id no longer works"
    );
    assert!(viewer(&app, &second).await.is_some());
}

#[tokio::test]
async fn an_active_session_outlives_the_idle_timeout_and_an_idle_one_ends() {
    let app = TestApp::spawn_with(HttpConfig {
        idle_timeout: time::Duration::seconds(3),
        login_attempts_per_minute: 0,
        ..HttpConfig::default()
    })
    .await;
    app.account("olivia", true).await;
    let session = app.login("olivia").await;
    for second in 1..=5 {
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        assert!(
            viewer(&app, &session).await.is_some(),
            "still active {second} s after the login"
        );
    }
    tokio::time::sleep(std::time::Duration::from_millis(4500)).await;
    assert_eq!(viewer(&app, &session).await, None, "idle past the timeout");
}

#[tokio::test]
async fn a_session_ends_at_the_absolute_timeout_however_active() {
    let app = TestApp::spawn_with(HttpConfig {
        absolute_timeout: time::Duration::seconds(2),
        login_attempts_per_minute: 0,
        ..HttpConfig::default()
    })
    .await;
    app.account("olivia", true).await;
    let session = app.login("olivia").await;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    assert!(viewer(&app, &session).await.is_some());
    tokio::time::sleep(std::time::Duration::from_millis(2200)).await;
    let expired = app.call(Some(&session), "session/viewer", vec![]).await;
    assert_eq!(expired.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(viewer(&app, &session).await, None, "the session is gone");
}

#[tokio::test]
async fn a_planted_session_id_is_not_adopted_at_login() {
    let app = TestApp::spawn().await;
    app.account("olivia", true).await;
    let planted = Session {
        cookie: "sms_portal_session=AAAAAAAAAAAAAAAAAAAAAA".into(),
    };
    let response = app
        .call(
            Some(&planted),
            "session/login",
            vec![("login", "olivia".into()), ("password", PASSWORD.into())],
        )
        .await;
    let cookie = session_cookie(&response).expect("a cookie");
    assert_ne!(cookie, planted.cookie);
    assert!(viewer(&app, &planted).await.is_none());
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site() {
    let app = TestApp::spawn().await;
    app.account("olivia", true).await;
    let response = app
        .call(
            None,
            "session/login",
            vec![("login", "olivia".into()), ("password", PASSWORD.into())],
        )
        .await;
    let set_cookie = response
        .headers()
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    assert!(!set_cookie.contains("olivia"));
}

#[tokio::test]
async fn after_logout_the_old_cookie_is_refused() {
    let app = TestApp::spawn().await;
    app.account("olivia", true).await;
    let session = app.login("olivia").await;
    assert_eq!(
        app.call(Some(&session), "sub-accounts/list", vec![])
            .await
            .status(),
        StatusCode::OK
    );
    assert!(app
        .call(Some(&session), "session/logout", vec![])
        .await
        .status()
        .is_success());
    assert!(viewer(&app, &session).await.is_none());
    assert_eq!(
        app.call(Some(&session), "sub-accounts/list", vec![])
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_cross_origin_post_is_refused_and_a_same_origin_one_passes() {
    let app = TestApp::spawn().await;
    app.account("olivia", true).await;
    let session = app.login("olivia").await;
    let client = reqwest::Client::new();
    let post = |origin: Option<&'static str>, fetch_site: Option<&'static str>| {
        let mut request = client
            .post(format!("{}/api/sub-accounts/list", app.base))
            .header(header::COOKIE, &session.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        if let Some(site) = fetch_site {
            request = request.header("sec-fetch-site", site);
        }
        request.send()
    };
    let same_origin: &'static str = Box::leak(app.base.clone().into_boxed_str());
    assert_eq!(
        post(Some("https://evil.example"), None)
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(None, Some("cross-site")).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(Some(same_origin), Some("same-origin"))
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        post(Some(same_origin), None).await.unwrap().status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_disabled_user_cannot_log_in() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    let id = app
        .sub_account(&account, "sam", PermissionSet::empty())
        .await;
    crate::server::sub_accounts::set_disabled(&app.pool, account.id, id, true)
        .await
        .unwrap();
    let refused = app.try_login("sam", PASSWORD).await.unwrap_err();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert!(refused.text().await.unwrap().contains("InvalidCredentials"));
}

#[tokio::test]
async fn disabling_a_sub_user_ends_their_open_session_for_good() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    let id = app
        .sub_account(&account, "sam", PermissionSet::empty())
        .await;
    let owner = app.login("olivia").await;
    let sam = app.login("sam").await;
    let set = |enabled: bool| {
        app.call(
            Some(&owner),
            "sub-accounts/set-enabled",
            vec![("id", id.to_string()), ("enabled", enabled.to_string())],
        )
    };
    assert_eq!(set(false).await.status(), StatusCode::OK);
    assert!(
        viewer(&app, &sam).await.is_none(),
        "disabled on the very next request"
    );
    assert_eq!(set(true).await.status(), StatusCode::OK);
    assert!(
        viewer(&app, &sam).await.is_none(),
        "enabling does not revive the old session"
    );
    app.login("sam").await;
}

#[tokio::test]
async fn permission_changes_apply_on_the_very_next_request() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    let id = app
        .sub_account(&account, "sam", PermissionSet::empty())
        .await;
    let owner = app.login("olivia").await;
    let sam = app.login("sam").await;
    assert!(viewer(&app, &sam).await.unwrap().permissions.is_empty());
    let save = app
        .call(
            Some(&owner),
            "sub-accounts/access/save",
            vec![
                ("id", id.to_string()),
                ("permissions[]", "send_bulk".into()),
            ],
        )
        .await;
    assert_eq!(save.status(), StatusCode::OK);
    assert!(viewer(&app, &sam)
        .await
        .unwrap()
        .permissions
        .contains(Permission::SendBulk));
    let revoke = app
        .call(
            Some(&owner),
            "sub-accounts/access/save",
            vec![("id", id.to_string())],
        )
        .await;
    assert_eq!(revoke.status(), StatusCode::OK);
    assert!(viewer(&app, &sam).await.unwrap().permissions.is_empty());
}

#[tokio::test]
async fn the_option_switched_off_ends_sub_sessions_and_on_again_restores_their_grants() {
    let app = TestApp::spawn().await;
    app.manager("morgan").await;
    let account = app.account("olivia", true).await;
    app.sub_account(
        &account,
        "sam",
        PermissionSet::empty().with_granted(Permission::SeePrices),
    )
    .await;
    let manager = app.login("morgan").await;
    let owner = app.login("olivia").await;
    let sam = app.login("sam").await;
    let switch = |on: bool| {
        let mut form = vec![("account_id", account.id.to_string())];
        if on {
            form.push(("can_add_subaccount", "true".into()));
        }
        app.call(Some(&manager), "manager/accounts/option", form.clone())
    };
    assert_eq!(switch(false).await.status(), StatusCode::OK);
    assert!(viewer(&app, &sam).await.is_none(), "open sessions end");
    assert!(
        app.try_login("sam", PASSWORD).await.is_err(),
        "no new logins"
    );
    assert_eq!(
        app.call(Some(&owner), "sub-accounts/list", vec![])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert!(
        viewer(&app, &owner).await.is_some(),
        "the owner stays logged in"
    );
    assert_eq!(switch(true).await.status(), StatusCode::OK);
    let sam = app.login("sam").await;
    assert!(viewer(&app, &sam)
        .await
        .unwrap()
        .permissions
        .contains(Permission::SeePrices));
}

#[tokio::test]
async fn a_password_reset_ends_the_sub_users_sessions() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    let id = app
        .sub_account(&account, "sam", PermissionSet::empty())
        .await;
    let owner = app.login("olivia").await;
    let sam = app.login("sam").await;
    let reset = app
        .call(
            Some(&owner),
            "sub-accounts/reset-password",
            vec![
                ("id", id.to_string()),
                ("password", "a brand new passphrase".into()),
            ],
        )
        .await;
    assert_eq!(reset.status(), StatusCode::OK);
    assert!(viewer(&app, &sam).await.is_none());
    assert!(app.try_login("sam", PASSWORD).await.is_err());
    assert!(app.try_login("sam", "a brand new passphrase").await.is_ok());
}

#[tokio::test]
async fn changing_ones_own_password_ends_the_other_sessions_only() {
    let app = TestApp::spawn().await;
    app.account("olivia", true).await;
    let here = app.login("olivia").await;
    let elsewhere = app.login("olivia").await;
    let change = |current: &str, new: &str, confirm: &str| {
        app.call(
            Some(&here),
            "account/password",
            vec![
                ("current_password", current.into()),
                ("new_password", new.into()),
                ("confirm_password", confirm.into()),
            ],
        )
    };
    assert_eq!(
        change(
            "wrong current password",
            "another long passphrase",
            "another long passphrase"
        )
        .await
        .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        change(PASSWORD, "another long passphrase", "a different one here")
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert!(
        viewer(&app, &elsewhere).await.is_some(),
        "refusals change nothing"
    );
    let changed = change(
        PASSWORD,
        "another long passphrase",
        "another long passphrase",
    )
    .await;
    assert_eq!(changed.status(), StatusCode::OK);
    // This session goes on under a new id; the old id is worthless.
    let renewed = Session {
        cookie: session_cookie(&changed).expect("a new session id"),
    };
    assert!(viewer(&app, &renewed).await.is_some());
    assert!(viewer(&app, &here).await.is_none());
    assert!(viewer(&app, &elsewhere).await.is_none());
    assert!(app
        .try_login("olivia", "another long passphrase")
        .await
        .is_ok());
}

#[tokio::test]
async fn passwords_are_stored_as_argon2id_only() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    app.sub_account(&account, "sam", PermissionSet::empty())
        .await;
    let hashes: Vec<String> = sqlx::query_scalar("SELECT password_hash FROM users")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(hashes.len(), 2);
    for hash in hashes {
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(!hash.contains(PASSWORD));
    }
}

#[tokio::test]
async fn pages_redirect_anonymous_visitors_and_answer_403_to_the_unauthorised() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    app.sub_account(&account, "sam", PermissionSet::all()).await;
    let anonymous = app.get(None, "/settings/sub-accounts").await;
    assert_eq!(anonymous.status(), StatusCode::FOUND);
    assert_eq!(
        anonymous.headers()[header::LOCATION],
        "/login?next=/settings/sub-accounts"
    );
    let sam = app.login("sam").await;
    let denied = app.get(Some(&sam), "/settings/sub-accounts").await;
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
    assert!(denied.text().await.unwrap().contains("Access denied"));
    let owner = app.login("olivia").await;
    let page = app.get(Some(&owner), "/settings/sub-accounts").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Actions for sam"));
}

#[tokio::test]
async fn the_wasm_is_sent_compressed_and_pages_are_not() {
    let app = TestApp::spawn().await;
    let fetch = |path: &'static str| {
        app.client
            .get(format!("{}{path}", app.base))
            .header(header::ACCEPT_ENCODING, "gzip")
            .send()
    };
    let wasm = fetch("/pkg/sms-portal.wasm").await.unwrap();
    assert_eq!(
        wasm.status(),
        StatusCode::OK,
        "run `cargo leptos build` first"
    );
    assert_eq!(wasm.headers()[header::CONTENT_ENCODING], "gzip");
    let page = fetch("/login").await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.headers().get(header::CONTENT_ENCODING).is_none());
}

/// A repeat visit asks whether the client changed and gets a 304 without a
/// body: Leptos's file handler sent (and compressed) the whole wasm again
/// on every visit, about 50 ms of a release build's first paint to hydrated.
#[tokio::test]
async fn a_browser_keeps_the_client_and_revalidates_it() {
    let app = TestApp::spawn().await;
    let url = format!("{}/pkg/sms-portal.wasm", app.base);
    let first = app.client.get(&url).send().await.unwrap();
    assert_eq!(
        first.status(),
        StatusCode::OK,
        "run `cargo leptos build` first"
    );
    assert_eq!(first.headers()[header::CACHE_CONTROL], "no-cache");
    let modified = first.headers()[header::LAST_MODIFIED].clone();

    let again = app
        .client
        .get(&url)
        .header(header::IF_MODIFIED_SINCE, modified)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()[header::CACHE_CONTROL], "no-cache");
    assert!(again.bytes().await.unwrap().is_empty());

    // Pages are never kept, and an address that is no file is still a page.
    let missing = app.get(None, "/pkg/nothing-here.js").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(missing.headers()[header::CACHE_CONTROL], "no-store");
}

/// Pages link the client's files at addresses naming their content, which a
/// browser keeps for a year without asking again (each fresh tab asked the
/// server about the stylesheet, the JavaScript and the wasm before). Any
/// other version of the address is only revalidated.
#[tokio::test]
async fn a_site_file_never_sets_a_cookie_even_when_the_session_renews() {
    // With an idle limit of 3 s the session is renewed on every request.
    let app = TestApp::spawn_with(HttpConfig {
        idle_timeout: time::Duration::seconds(3),
        ..HttpConfig::default()
    })
    .await;
    app.account("olivia", true).await;
    let session = app.login("olivia").await;
    let page = app.get(Some(&session), "/profile").await;
    assert!(
        page.headers().contains_key(header::SET_COOKIE),
        "a page renews the session"
    );
    let html = page.text().await.unwrap();
    let stylesheet = html
        .split("href=\"")
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.starts_with("/pkg/sms-portal.css?v="))
        .expect("run `cargo leptos build` first");
    // A file kept a year by shared caches must never hand out a session.
    let file = app.get(Some(&session), stylesheet).await;
    assert_eq!(file.status(), StatusCode::OK);
    assert_eq!(
        file.headers()[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert!(!file.headers().contains_key(header::SET_COOKIE));
}

#[tokio::test]
async fn a_page_links_the_client_at_addresses_kept_for_a_year() {
    let app = TestApp::spawn().await;
    let page = app.get(None, "/login").await;
    let policy = page.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    let page_links: Vec<String> = page
        .headers()
        .get_all(header::LINK)
        .iter()
        .map(|link| link.to_str().unwrap().to_owned())
        .collect();
    let html = page.text().await.unwrap();
    // Every attribute value holding a versioned address.
    let versioned: Vec<&str> = html
        .split("=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.contains("?v="))
        .collect();
    let paths: Vec<&str> = versioned
        .iter()
        .map(|href| href.split('?').next().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "/pkg/sms-portal.wasm",
            "/pkg/sms-portal.js",
            "/pkg/sms-portal.css",
            "/favicon.svg",
        ],
        "run `cargo leptos build` first"
    );
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap();
    assert!(
        html.contains(&format!(
            "<script data-client-wasm=\"{}\" data-client-js=\"{}\" nonce=\"{nonce}\">",
            versioned[0], versioned[1]
        )),
        "the client is loaded under the page's policy"
    );
    assert_eq!(
        page_links,
        [
            format!("<{}>; rel=preload; as=fetch; crossorigin", versioned[0]),
            format!("<{}>; rel=preload; as=script; crossorigin", versioned[1]),
        ],
        "the client's fetches start with the response"
    );

    for href in &versioned {
        let file = app.get(None, href).await;
        assert_eq!(file.status(), StatusCode::OK, "{href}");
        assert_eq!(
            file.headers()[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable",
            "{href}"
        );
    }
    // An old version, or none: the current file, which browsers revalidate.
    for href in [
        "/pkg/sms-portal.css?v=0123456789abcdef",
        "/pkg/sms-portal.css",
    ] {
        let file = app.get(None, href).await;
        assert_eq!(file.status(), StatusCode::OK, "{href}");
        assert_eq!(file.headers()[header::CACHE_CONTROL], "no-cache", "{href}");
    }
}

/// Leptos leaves a page render's root owner as its thread's current owner;
/// a static file served on that thread meanwhile took the page's response
/// options. In CI the page was a 403, and the browser refused the client's
/// JavaScript.
#[tokio::test]
async fn a_static_file_never_takes_the_status_of_a_page_rendering_beside_it() {
    use axum::body::Body;
    use leptos::{config::LeptosOptions, prelude::provide_context, reactive::owner::Owner};
    use tower::ServiceExt;

    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir(site.path().join("pkg")).unwrap();
    std::fs::write(site.path().join("pkg/sms-portal.js"), "export {};").unwrap();
    let url = super::support::fresh_database(&site).await;
    let pool = crate::server::db::connect(&url).await.unwrap();
    let options = LeptosOptions::builder()
        .output_name("sms-portal")
        .site_root(site.path().to_str().unwrap())
        .build();
    let (app, _) = crate::server::app::router(pool, options, &HttpConfig::default())
        .await
        .unwrap();

    // A page being rendered on this thread, refusing its viewer.
    let page = Owner::new_root(None);
    let denied = leptos_axum::ResponseOptions::default();
    denied.set_status(StatusCode::FORBIDDEN);
    page.with(|| provide_context(denied));

    let request = axum::http::Request::get("/pkg/sms-portal.js")
        .body(Body::empty())
        .unwrap();
    let response = app.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    drop(page);
}
