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

#[tokio::test]
async fn bulk_actions_change_all_selected_or_nothing_and_audit_each() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    let other = app.account("ophelia", true).await;
    let mut team = Vec::new();
    for n in 0..4 {
        let login = format!("sam{n}");
        team.push(
            app.sub_account(&account, &login, PermissionSet::empty())
                .await,
        );
    }
    let stranger = app
        .sub_account(&other, "stranger", PermissionSet::empty())
        .await;
    let owner = app.login("olivia").await;
    let sam0 = app.login("sam0").await;
    let bulk = |action: &str, ids: &[i64], extra: Vec<(&'static str, String)>| {
        let mut form = vec![("action", action.to_owned())];
        form.extend(ids.iter().map(|id| ("ids[]", id.to_string())));
        form.extend(extra);
        app.call(Some(&owner), "sub-accounts/bulk", form)
    };
    let disabled = || async {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'sub' AND disabled = 1")
                .fetch_one(&app.pool)
                .await
                .unwrap();
        count
    };
    // One id of another account: refused whole, nothing changes.
    let mixed = [team[0], team[1], stranger];
    assert_eq!(
        bulk("disable", &mixed, vec![]).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(disabled().await, 0);
    assert_eq!(
        bulk("disable", &[], vec![]).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // "Select all on this page" takes the page's rows, whatever is ticked.
    let page_ids = team[..3].iter().map(|id| ("page_ids[]", id.to_string()));
    let mut extra: Vec<_> = page_ids.collect();
    extra.push(("all_on_page", "1".into()));
    assert_eq!(
        bulk("disable", &[team[0]], extra).await.status(),
        StatusCode::OK
    );
    assert_eq!(disabled().await, 3);
    assert_eq!(
        app.get(Some(&sam0), "/").await.status(),
        StatusCode::FOUND,
        "a disabled sub-user's session ends"
    );
    assert_eq!(
        bulk("enable", &team[..2], vec![]).await.status(),
        StatusCode::OK
    );
    assert_eq!(disabled().await, 1);

    // A preset sets exactly its permissions on each.
    let preset = vec![("preset", "builtin:accountant".to_owned())];
    assert_eq!(bulk("preset", &team, preset).await.status(), StatusCode::OK);
    for id in &team {
        assert_eq!(
            crate::server::sub_accounts::permissions_of(&app.pool, *id)
                .await
                .unwrap(),
            crate::domain::BuiltInPreset::Accountant.permissions()
        );
    }
    // Deleting asks first: without the confirmation nothing goes.
    let unconfirmed = bulk("delete", &team[2..], vec![]).await;
    assert_eq!(unconfirmed.status(), StatusCode::OK);
    let remaining = || async {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'sub'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
        count
    };
    assert_eq!(remaining().await, 5);
    let confirmed = vec![("confirmed", "1".to_owned())];
    assert_eq!(
        bulk("delete", &team[2..], confirmed).await.status(),
        StatusCode::OK
    );
    assert_eq!(remaining().await, 3);
    let audited: Vec<(String, String)> = sqlx::query_as(
        "SELECT action, subject FROM audit_log WHERE detail LIKE 'bulk%' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let count = |action: &str| audited.iter().filter(|(a, _)| a == action).count();
    assert_eq!(count("sub_account_disabled"), 3);
    assert_eq!(count("sub_account_enabled"), 2);
    assert_eq!(count("permissions_changed"), 4);
    assert_eq!(count("sub_account_deleted"), 2);
    assert!(audited.contains(&("sub_account_deleted".into(), "sam3".into())));
}

#[tokio::test]
async fn the_list_searches_filters_by_status_and_permission_and_exports_the_review() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    let exporter = PermissionSet::empty().with_granted(Permission::IncomingSmsExport);
    for n in 0..12 {
        let grants = if n % 3 == 0 {
            exporter
        } else {
            PermissionSet::empty()
        };
        let id = app
            .sub_account(&account, &format!("team{n:02}"), grants)
            .await;
        if n % 4 == 0 {
            crate::server::sub_accounts::set_disabled(&app.pool, account.id, id, true)
                .await
                .unwrap();
        }
    }
    app.sub_account(&account, "under_score", PermissionSet::empty())
        .await;
    let owner = app.login("olivia").await;
    let total = |q: &str, status: &str, permission: &str| {
        let form = vec![
            ("q", q.to_owned()),
            ("status", status.to_owned()),
            ("permission", permission.to_owned()),
        ];
        let app = &app;
        let owner = &owner;
        async move { app.json(owner, "sub-accounts/list", form).await["total"].clone() }
    };
    assert_eq!(total("", "", "").await, 13);
    assert_eq!(total("TEAM0", "", "").await, 10, "case-insensitive");
    assert_eq!(total("_", "", "").await, 1, "wildcards are literal");
    assert_eq!(total("", "disabled", "").await, 3);
    assert_eq!(total("", "active", "").await, 10);
    // Who can export incoming SMS? 0, 3, 6, 9 — of whom 0 is disabled.
    assert_eq!(total("", "", "incoming_sms_export").await, 4);
    assert_eq!(total("", "active", "incoming_sms_export").await, 3);
    assert_eq!(total("", "", "see_incoming_sms").await, 4, "as required");

    let export = app
        .get(
            Some(&owner),
            "/export/access-review.csv?q=&status=active&permission=incoming_sms_export",
        )
        .await;
    assert_eq!(export.status(), StatusCode::OK);
    let csv = export.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "login");
    assert_eq!(&headers[6], "permissions");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let logins: Vec<&str> = rows.iter().map(|row| &row[0]).collect();
    assert_eq!(logins, ["team03", "team06", "team09"]);
    assert_eq!(
        &rows[0][6],
        "Can See Incoming Sms, Can See Incoming Sms Export"
    );
    assert_eq!(&rows[0][5], "active");
    assert_eq!(&headers[7], "two_factor");
    assert_eq!(&rows[0][7], "off");
}

#[tokio::test]
async fn the_preview_menu_agrees_with_the_pages_a_sub_user_can_open() {
    use crate::components::menu::{visible_menu, MENU};
    use crate::domain::preview::sub_user_with;
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    let sam = app
        .sub_account(&account, "sam", PermissionSet::empty())
        .await;
    let session = app.login("sam").await;
    // A fixed xorshift sequence: many grant sets, the same on every run.
    let mut seed: u32 = 0x2545_f491;
    for _ in 0..30 {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let granted = Permission::ALL
            .into_iter()
            .enumerate()
            .filter(|(bit, _)| seed >> bit & 1 == 1)
            .fold(PermissionSet::empty(), |set, (_, p)| set.with_granted(p));
        crate::server::sub_accounts::save_permissions(&app.pool, account.id, sam, granted)
            .await
            .unwrap();
        let previewed: Vec<&str> = visible_menu(&sub_user_with(granted))
            .into_iter()
            .flat_map(|(_, items)| items)
            .map(|item| item.href)
            .collect();
        for item in MENU.iter().flat_map(|group| group.items) {
            let status = app.get(Some(&session), item.href).await.status();
            assert_eq!(
                status == StatusCode::OK,
                previewed.contains(&item.href),
                "{} with {granted:?}: {status}",
                item.href
            );
        }
    }
}

#[tokio::test]
async fn the_owner_filters_the_message_report_by_who_sent() {
    use crate::{
        domain::Money,
        server::{finance, sending},
    };
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    let owner_id = app.user_id("olivia").await;
    let grants = PermissionSet::empty()
        .with_granted(Permission::SendBulk)
        .with_granted(Permission::UseAnalyticsDetails);
    let sam = app.sub_account(&account, "sam", grants).await;
    finance::top_up(&app.pool, account.id, owner_id, Money::euros(20))
        .await
        .unwrap();
    for (user, numbers) in [
        (owner_id, "+447430900001"),
        (sam, "+447430900002, +447430900003"),
    ] {
        let plan = sending::plan(&app.pool, account.id, "INFO", None, numbers, "Hi")
            .await
            .unwrap();
        sending::send(&app.pool, account.id, user, &plan)
            .await
            .unwrap();
    }
    let total = |session: Session, sent_by: String| {
        let app = &app;
        async move {
            let response = app
                .call(
                    Some(&session),
                    "analytics/details",
                    vec![("sent_by", sent_by)],
                )
                .await;
            (
                response.status(),
                response.json::<serde_json::Value>().await.unwrap(),
            )
        }
    };
    let owner = app.login("olivia").await;
    let (_, all) = total(owner.clone(), String::new()).await;
    assert_eq!(all["messages"]["total"], 3);
    let senders: Vec<(i64, String)> = serde_json::from_value(all["senders"].clone()).unwrap();
    assert_eq!(senders, [(owner_id, "olivia".into()), (sam, "sam".into())]);
    assert_eq!(
        total(owner.clone(), sam.to_string()).await.1["messages"]["total"],
        2
    );
    assert_eq!(
        total(owner.clone(), owner_id.to_string()).await.1["messages"]["total"],
        1
    );
    assert_eq!(total(owner, "api".into()).await.1["messages"]["total"], 0);
    // A sub-user's report has no such filter.
    let (status, _) = total(app.login("sam").await, owner_id.to_string()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
