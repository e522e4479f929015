//! Team access beyond the permissions: temporary passwords, spending caps,
//! presets, bulk actions and the access review.

use reqwest::StatusCode;

use super::support::{session_cookie, Session, TestApp, PASSWORD};
use crate::domain::{Permission, PermissionSet};

const OWN_PASSWORD: &str = "a passphrase of my own";

fn location(response: &reqwest::Response) -> &str {
    response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
}

async fn change_password(app: &TestApp, session: &Session, current: &str) -> reqwest::Response {
    app.call(
        Some(session),
        "account/password",
        vec![
            ("current_password", current.into()),
            ("new_password", OWN_PASSWORD.into()),
            ("confirm_password", OWN_PASSWORD.into()),
        ],
    )
    .await
}

#[tokio::test]
async fn a_password_the_owner_set_opens_nothing_but_its_change() {
    let app = TestApp::spawn().await;
    app.account("olivia", true).await;
    let owner = app.login("olivia").await;
    let created = app
        .call(
            Some(&owner),
            "sub-accounts/create",
            vec![
                ("login", "sam".into()),
                ("password", PASSWORD.into()),
                ("name", "Sam Sub".into()),
                ("phone", "+44 20 7946 0958".into()),
                ("email", "sam@example.com".into()),
            ],
        )
        .await;
    assert_eq!(created.status(), StatusCode::OK);
    let id = app.user_id("sam").await;
    let grants = PermissionSet::empty()
        .with_granted(Permission::SeePrices)
        .with_granted(Permission::SeeFinance);
    let account_id: i64 = sqlx::query_scalar("SELECT account_id FROM users WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    crate::server::sub_accounts::save_permissions(&app.pool, account_id, id, grants)
        .await
        .unwrap();

    let sam = app.login("sam").await;
    // Every page, even one granted, leads to the change form…
    for path in ["/", "/prices", "/profile", "/settings/sub-accounts"] {
        let page = app.get(Some(&sam), path).await;
        assert_eq!(page.status(), StatusCode::FOUND, "{path}");
        assert_eq!(location(&page), "/account/password", "{path}");
    }
    let form = app.get(Some(&sam), "/account/password").await;
    assert_eq!(form.status(), StatusCode::OK);
    assert!(form.text().await.unwrap().contains("Change your password"));
    // …every server function but the change refuses, whatever is granted…
    let prices = app.call(Some(&sam), "prices/list", vec![]).await;
    assert_eq!(prices.status(), StatusCode::FORBIDDEN);
    let export = app.get(Some(&sam), "/export/transactions.csv").await;
    assert_eq!(export.status(), StatusCode::FORBIDDEN);
    // …and once changed, the grants apply.
    let changed = change_password(&app, &sam, PASSWORD).await;
    assert_eq!(changed.status(), StatusCode::OK);
    let sam = Session {
        cookie: session_cookie(&changed).expect("a new session id"),
    };
    assert_eq!(
        app.get(Some(&sam), "/prices").await.status(),
        StatusCode::OK
    );
    let profile = app.get(Some(&sam), "/profile").await;
    assert_eq!(profile.status(), StatusCode::FORBIDDEN, "not granted");

    // A reset by the owner makes the password temporary again.
    let reset = app
        .call(
            Some(&owner),
            "sub-accounts/reset-password",
            vec![("id", id.to_string()), ("password", PASSWORD.into())],
        )
        .await;
    assert_eq!(reset.status(), StatusCode::OK);
    let sam = app.login("sam").await;
    assert_eq!(
        location(&app.get(Some(&sam), "/prices").await),
        "/account/password"
    );
}

#[tokio::test]
async fn a_generated_password_is_set_and_shown_to_the_owner_once() {
    let app = TestApp::spawn().await;
    app.account("olivia", true).await;
    let owner = app.login("olivia").await;
    let generate = || {
        app.call(
            Some(&owner),
            "sub-accounts/create",
            vec![
                ("login", "sam".into()),
                ("name", "Sam Sub".into()),
                ("phone", "+44 20 7946 0958".into()),
                ("email", "sam@example.com".into()),
                ("generate", "1".into()),
            ],
        )
    };
    assert_eq!(generate().await.status(), StatusCode::OK);
    let list = app.get(Some(&owner), "/settings/sub-accounts").await;
    let html = list.text().await.unwrap();
    let at = html.find("id=\"generated-password\"").expect("shown");
    let value = &html[at..];
    let start = value.find("value=\"").unwrap() + 7;
    let password = &value[start..start + value[start..].find('"').unwrap()];
    assert_eq!(password.len(), 20);
    assert!(password.chars().all(|c| c.is_ascii_alphanumeric()));
    let again = app.get(Some(&owner), "/settings/sub-accounts").await;
    assert!(!again.text().await.unwrap().contains(password), "once only");
    assert!(app.try_login("sam", password).await.is_ok());

    // A refused form (the login is taken now) generates nothing to show.
    assert_eq!(generate().await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let list = app.get(Some(&owner), "/settings/sub-accounts").await;
    assert!(!list.text().await.unwrap().contains("generated-password"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_sends_never_pass_a_monthly_cap_and_cap_changes_are_audited() {
    use crate::{
        domain::Money,
        server::{finance, sending},
    };
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    let owner_id = app.user_id("olivia").await;
    let sam = app
        .sub_account(
            &account,
            "sam",
            PermissionSet::empty().with_granted(Permission::SendBulk),
        )
        .await;
    finance::top_up(&app.pool, account.id, owner_id, Money::euros(500))
        .await
        .unwrap();
    let numbers: Vec<String> = (0..10).map(|n| format!("+4474309001{n:02}")).collect();
    let plan = sending::plan_numbers(&app.pool, account.id, "INFO", numbers, "Hello")
        .await
        .unwrap();
    let cost = plan.cost.0;
    // Room for three campaigns and a half.
    let cap = Money(cost * 7 / 2);
    let owner = app.login("olivia").await;
    let edit = |cap: String| {
        app.call(
            Some(&owner),
            "sub-accounts/update",
            vec![
                ("id", sam.to_string()),
                ("name", "Sam Sub".into()),
                ("phone", "+44 20 7946 0958".into()),
                ("email", "someone@example.com".into()),
                ("monthly_cap", cap),
            ],
        )
    };
    let refused = edit("-3".into()).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(edit(cap.plain()).await.status(), StatusCode::OK);
    let stored: Option<i64> = sqlx::query_scalar("SELECT monthly_cap FROM users WHERE id = $1")
        .bind(sam)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let cap = Money(stored.expect("a cap"));

    let plan = std::sync::Arc::new(plan);
    let sends: Vec<_> = (0..8)
        .map(|_| {
            let (pool, plan) = (app.pool.clone(), plan.clone());
            tokio::spawn(async move { sending::send(&pool, account.id, sam, &plan).await })
        })
        .collect();
    let mut sent = 0;
    for send in sends {
        match send.await.unwrap() {
            Ok(_) => sent += 1,
            Err(error) => assert!(
                error.to_string().contains("monthly spending cap"),
                "{error}"
            ),
        }
    }
    let expected = cap.0 / cost;
    assert_eq!(sent, expected, "cap {cap}, campaign {}", Money(cost));
    let balance = sending::balance(&app.pool, account.id).await.unwrap();
    assert_eq!(balance.0, Money::euros(500).0 - expected * cost);
    // The owner's own sends know no cap.
    sending::send(&app.pool, account.id, owner_id, &plan)
        .await
        .unwrap();

    let list = app.json(&owner, "sub-accounts/list", vec![]).await;
    let row = &list["items"][0];
    assert_eq!(row["spent_this_month"], expected * cost);
    assert_eq!(row["monthly_cap"], cap.0);
    let audited: Vec<String> = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'spending_cap_changed' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(audited, [format!("none → {cap}")]);

    // Lifted, the cap no longer stops them.
    assert_eq!(edit(String::new()).await.status(), StatusCode::OK);
    sending::send(&app.pool, account.id, sam, &plan)
        .await
        .unwrap();
}

#[tokio::test]
async fn presets_and_copies_propose_ticks_that_only_save_makes_true() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    let other = app.account("ophelia", true).await;
    let analyst = PermissionSet::empty().with_granted(Permission::SeeAnalyticsDetails);
    let anna = app.sub_account(&account, "anna", analyst).await;
    let sam = app
        .sub_account(&account, "sam", PermissionSet::empty())
        .await;
    let stranger = app.sub_account(&other, "stranger", analyst).await;
    let owner = app.login("olivia").await;
    let access = |preset: &str, copy_from: String| {
        app.call(
            Some(&owner),
            "sub-accounts/access",
            vec![
                ("id", sam.to_string()),
                ("preset", preset.into()),
                ("copy_from", copy_from),
            ],
        )
    };
    let keys = |value: &serde_json::Value| -> PermissionSet {
        serde_json::from_value(value.clone()).unwrap()
    };

    // A built-in preset proposes its set; the saved grants stay as they were.
    let sender = access("builtin:sender", String::new()).await;
    assert_eq!(sender.status(), StatusCode::OK);
    let sender: serde_json::Value = sender.json().await.unwrap();
    assert_eq!(
        keys(&sender["proposed"]["permissions"]),
        crate::domain::BuiltInPreset::Sender.permissions()
    );
    assert_eq!(keys(&sender["permissions"]), PermissionSet::empty());
    // Copying brings anna's grants, with what they require.
    let copied: serde_json::Value = access("", anna.to_string()).await.json().await.unwrap();
    assert_eq!(keys(&copied["proposed"]["permissions"]), analyst);
    assert_eq!(
        analyst.len(),
        3,
        "see details requires use details requires use"
    );
    // Another account's sub-account or preset is not found; both at once is refused.
    assert_eq!(
        access("", stranger.to_string()).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        access("builtin:sender", anna.to_string()).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // The owner's own presets: created, applied, renamed, deleted; never another's.
    let create = |name: &str, permissions: &[&str]| {
        let mut form = vec![("name", name.to_owned())];
        form.extend(permissions.iter().map(|p| ("permissions[]", p.to_string())));
        app.call(Some(&owner), "presets/create", form)
    };
    assert_eq!(
        create("Support", &["see_incoming_sms", "incoming_sms_export"])
            .await
            .status(),
        StatusCode::OK
    );
    for (name, permissions) in [
        ("Support", &["see_incoming_sms"][..]),
        ("Exporter", &["incoming_sms_export"][..]),
        ("Sender", &[][..]),
        ("", &[][..]),
    ] {
        assert_eq!(
            create(name, permissions).await.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}"
        );
    }
    let support: i64 =
        sqlx::query_scalar("SELECT id FROM permission_presets WHERE name = 'Support'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let applied: serde_json::Value = access(&format!("own:{support}"), String::new())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(applied["proposed"]["source"], "Preset “Support”");
    let stranger_owner = app.login("ophelia").await;
    let foreign = app
        .call(
            Some(&stranger_owner),
            "sub-accounts/access",
            vec![
                ("id", stranger.to_string()),
                ("preset", format!("own:{support}")),
            ],
        )
        .await;
    assert_eq!(foreign.status(), StatusCode::NOT_FOUND);
    for (endpoint, form) in [
        (
            "presets/rename",
            vec![("id", support.to_string()), ("name", "Mine now".into())],
        ),
        ("presets/delete", vec![("id", support.to_string())]),
    ] {
        let refused = app.call(Some(&stranger_owner), endpoint, form).await;
        assert_eq!(refused.status(), StatusCode::NOT_FOUND, "{endpoint}");
    }
    let renamed = app
        .call(
            Some(&owner),
            "presets/rename",
            vec![("id", support.to_string()), ("name", "Helpdesk".into())],
        )
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);

    // A sub-account created from a preset starts with its ticks.
    let created = app
        .call(
            Some(&owner),
            "sub-accounts/create",
            vec![
                ("login", "hana".into()),
                ("password", PASSWORD.into()),
                ("name", "Hana Help".into()),
                ("phone", "+44 20 7946 0958".into()),
                ("email", "hana@example.com".into()),
                ("preset", format!("own:{support}")),
            ],
        )
        .await;
    assert_eq!(created.status(), StatusCode::OK);
    let hana = app.user_id("hana").await;
    assert_eq!(
        crate::server::sub_accounts::permissions_of(&app.pool, hana)
            .await
            .unwrap(),
        PermissionSet::empty().with_granted(Permission::IncomingSmsExport)
    );
    let deleted = app
        .call(
            Some(&owner),
            "presets/delete",
            vec![("id", support.to_string())],
        )
        .await;
    assert_eq!(deleted.status(), StatusCode::OK);
    assert_eq!(
        crate::server::sub_accounts::permissions_of(&app.pool, hana)
            .await
            .unwrap()
            .len(),
        2,
        "a deleted preset leaves the grants made from it"
    );
    let audited: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'preset_%' ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        audited,
        ["preset_created", "preset_renamed", "preset_deleted"]
    );
}
