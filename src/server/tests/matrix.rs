//! The authorization matrix: every server function and page, for every
//! kind of caller, allowed or refused with the right status, over HTTP.

use reqwest::StatusCode;
use std::collections::BTreeSet;

use super::support::{Account, Session, TestApp, PASSWORD};
use crate::domain::PermissionSet;

/// Who may call an endpoint.
#[derive(Clone, Copy, Debug)]
enum Rule {
    /// Anyone; answers `null` to anonymous callers.
    Public,
    /// Any logged-in user.
    Authenticated,
    Manager,
    /// Owners whose account has "Can Add Subaccount" on, on their own account.
    SubAccounts,
    /// As `SubAccounts`, acting on one sub-account: another account's owner gets 404.
    SubAccountById,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caller {
    Anonymous,
    Manager,
    OwnerOptionOn,
    OwnerOptionOff,
    OtherAccountOwner,
    SubUserWithout,
    SubUserWithAll,
    DisabledSubUser,
}

/// Refusals first and the allowed owner last, since some calls delete their target.
const CALLERS: [Caller; 8] = [
    Caller::Anonymous,
    Caller::DisabledSubUser,
    Caller::SubUserWithout,
    Caller::SubUserWithAll,
    Caller::Manager,
    Caller::OwnerOptionOff,
    Caller::OtherAccountOwner,
    Caller::OwnerOptionOn,
];

#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Allowed,
    Refused(StatusCode),
}

impl Rule {
    fn expected(self, caller: Caller) -> Outcome {
        use Caller::*;
        let refused = Outcome::Refused;
        match (self, caller) {
            (Rule::Public, _) => Outcome::Allowed,
            (_, Anonymous | DisabledSubUser) => refused(StatusCode::UNAUTHORIZED),
            (Rule::Authenticated, _) => Outcome::Allowed,
            (Rule::Manager, Manager) => Outcome::Allowed,
            (Rule::Manager, _) => refused(StatusCode::FORBIDDEN),
            (Rule::SubAccounts | Rule::SubAccountById, OwnerOptionOn) => Outcome::Allowed,
            (Rule::SubAccounts, OtherAccountOwner) => Outcome::Allowed,
            (Rule::SubAccountById, OtherAccountOwner) => refused(StatusCode::NOT_FOUND),
            (Rule::SubAccounts | Rule::SubAccountById, _) => refused(StatusCode::FORBIDDEN),
        }
    }
}

/// The world every row runs in: account A (option on) with its sub-users,
/// account B (option off), account C (option on, "another account").
struct World {
    app: TestApp,
    target: i64,
    account_b: Account,
    sessions: Vec<(Caller, Option<Session>)>,
}

impl World {
    async fn new() -> Self {
        let app = TestApp::spawn().await;
        app.manager("morgan").await;
        let a = app.account("olivia", true).await;
        let account_b = app.account("oscar", false).await;
        app.account("ophelia", true).await;
        let target = app.sub_account(&a, "target", PermissionSet::empty()).await;
        app.sub_account(&a, "sam", PermissionSet::empty()).await;
        app.sub_account(&a, "sally", PermissionSet::all()).await;
        let dora = app.sub_account(&a, "dora", PermissionSet::all()).await;
        let mut sessions = Vec::new();
        for caller in CALLERS {
            let login = match caller {
                Caller::Anonymous => None,
                Caller::Manager => Some("morgan"),
                Caller::OwnerOptionOn => Some("olivia"),
                Caller::OwnerOptionOff => Some("oscar"),
                Caller::OtherAccountOwner => Some("ophelia"),
                Caller::SubUserWithout => Some("sam"),
                Caller::SubUserWithAll => Some("sally"),
                Caller::DisabledSubUser => Some("dora"),
            };
            let session = match login {
                Some(login) => Some(app.login(login).await),
                None => None,
            };
            sessions.push((caller, session));
        }
        // Dora logged in while enabled; her session must not outlive the disable.
        crate::server::sub_accounts::set_disabled(&app.pool, a.id, dora, true)
            .await
            .unwrap();
        Self {
            app,
            target,
            account_b,
            sessions,
        }
    }
}

type Form = Vec<(&'static str, String)>;
/// Builds a well-formed request; `n` numbers the caller, for unique logins.
type FormFor = fn(&World, usize) -> Form;

/// Every server function with its rule and a well-formed request.
fn server_functions() -> Vec<(&'static str, Rule, FormFor)> {
    fn none(_: &World, _: usize) -> Form {
        vec![]
    }
    fn target(world: &World, _: usize) -> Form {
        vec![("id", world.target.to_string())]
    }
    vec![
        ("session/viewer", Rule::Public, none),
        ("session/login", Rule::Public, |_, _| {
            vec![("login", "morgan".into()), ("password", PASSWORD.into())]
        }),
        // Logging out is idempotent: an anonymous caller simply stays anonymous.
        ("session/logout", Rule::Public, none),
        ("account/password", Rule::Authenticated, |_, _| {
            // A wrong current password: passes the guard, changes nothing.
            vec![
                ("current_password", "not the current one".into()),
                ("new_password", "a new passphrase".into()),
                ("confirm_password", "a new passphrase".into()),
            ]
        }),
        ("manager/accounts", Rule::Manager, none),
        ("manager/accounts/create", Rule::Manager, |_, n| {
            vec![
                ("login", format!("new-owner-{n}")),
                ("password", PASSWORD.into()),
                ("name", "New Owner".into()),
                ("phone", "+44 20 7946 0001".into()),
                ("email", "new@example.com".into()),
            ]
        }),
        ("manager/accounts/option", Rule::Manager, |world, _| {
            vec![
                ("account_id", world.account_b.id.to_string()),
                ("can_add_subaccount", "true".into()),
            ]
        }),
        ("sub-accounts/list", Rule::SubAccounts, none),
        ("sub-accounts/create", Rule::SubAccounts, |_, n| {
            vec![
                ("login", format!("new-sub-{n}")),
                ("password", PASSWORD.into()),
                ("name", "New Sub".into()),
                ("phone", "+44 20 7946 0002".into()),
                ("email", "sub@example.com".into()),
            ]
        }),
        ("sub-accounts/get", Rule::SubAccountById, target),
        ("sub-accounts/update", Rule::SubAccountById, |world, _| {
            vec![
                ("id", world.target.to_string()),
                ("name", "Renamed Sub".into()),
                ("phone", "+44 20 7946 0003".into()),
                ("email", "renamed@example.com".into()),
            ]
        }),
        (
            "sub-accounts/reset-password",
            Rule::SubAccountById,
            |world, _| {
                vec![
                    ("id", world.target.to_string()),
                    ("password", "a reset passphrase".into()),
                ]
            },
        ),
        (
            "sub-accounts/set-enabled",
            Rule::SubAccountById,
            |world, _| {
                vec![
                    ("id", world.target.to_string()),
                    ("enabled", "false".into()),
                ]
            },
        ),
        ("sub-accounts/access", Rule::SubAccountById, target),
        (
            "sub-accounts/access/save",
            Rule::SubAccountById,
            |world, _| {
                vec![
                    ("id", world.target.to_string()),
                    ("permissions[]", "send_bulk".into()),
                ]
            },
        ),
        ("sub-accounts/delete", Rule::SubAccountById, target),
    ]
}

/// Every page with its rule.
fn pages(world: &World) -> Vec<(String, Rule)> {
    let id = world.target;
    vec![
        ("/".into(), Rule::Authenticated),
        ("/account/password".into(), Rule::Authenticated),
        ("/manager/accounts".into(), Rule::Manager),
        ("/manager/accounts/new".into(), Rule::Manager),
        ("/settings/sub-accounts".into(), Rule::SubAccounts),
        ("/settings/sub-accounts/new".into(), Rule::SubAccounts),
        (
            format!("/settings/sub-accounts/{id}/edit"),
            Rule::SubAccountById,
        ),
        (
            format!("/settings/sub-accounts/{id}/access"),
            Rule::SubAccountById,
        ),
        (
            format!("/settings/sub-accounts/{id}/password"),
            Rule::SubAccountById,
        ),
        (
            format!("/settings/sub-accounts/{id}/delete"),
            Rule::SubAccountById,
        ),
    ]
}

fn outcome(status: StatusCode) -> Outcome {
    match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND => {
            Outcome::Refused(status)
        }
        // Allowed: done (200), or refused for its content (422), never for its caller.
        StatusCode::OK | StatusCode::UNPROCESSABLE_ENTITY => Outcome::Allowed,
        other => panic!("unexpected status {other}"),
    }
}

#[tokio::test]
async fn every_server_function_allows_exactly_its_callers() {
    let mut checked = 0;
    for (path, rule, form) in server_functions() {
        let world = World::new().await;
        for (n, (caller, session)) in world.sessions.iter().enumerate() {
            let response = world
                .app
                .call(session.as_ref(), path, form(&world, n))
                .await;
            let status = response.status();
            assert_eq!(
                outcome(status),
                rule.expected(*caller),
                "{path} as {caller:?}: {status}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, server_functions().len() * CALLERS.len());
}

#[tokio::test]
async fn every_page_allows_exactly_its_viewers() {
    let world = World::new().await;
    for (path, rule) in pages(&world) {
        for (caller, session) in &world.sessions {
            let response = world.app.get(session.as_ref(), &path).await;
            let status = response.status();
            let got = match status {
                // Anonymous visitors are sent to log in rather than shown a 401.
                StatusCode::FOUND
                    if response.headers()["location"]
                        .to_str()
                        .unwrap()
                        .starts_with("/login") =>
                {
                    Outcome::Refused(StatusCode::UNAUTHORIZED)
                }
                other => outcome(other),
            };
            assert_eq!(
                got,
                rule.expected(*caller),
                "GET {path} as {caller:?}: {status}"
            );
        }
    }
}

#[test]
fn the_matrix_lists_every_server_function() {
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_owned())
        .collect();
    let listed: BTreeSet<String> = server_functions()
        .into_iter()
        .map(|(path, _, _)| path.to_owned())
        .collect();
    assert_eq!(
        registered, listed,
        "every server function needs a row in the authorization matrix"
    );
}
