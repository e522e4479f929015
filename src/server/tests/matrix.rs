//! The authorization matrix: every server function and page, for every
//! kind of caller, allowed or refused with the right status, over HTTP.

use reqwest::StatusCode;
use std::collections::BTreeSet;

use super::support::{Account, Session, TestApp, PASSWORD};
use crate::{
    domain::{Money, Permission, PermissionSet},
    server::{contacts, finance},
};

/// Who may call an endpoint.
#[derive(Clone, Copy, Debug)]
pub(super) enum Rule {
    /// Anyone; answers `null` to anonymous callers.
    Public,
    /// Any logged-in user whose password is their own.
    Authenticated,
    /// Any logged-in user, even one whose password is temporary.
    PasswordChange,
    /// Any logged-in user whose password is their own.
    TwoFactorSetup,
    Manager,
    /// Owners whose account has "Can Add Subaccount" on, on their own account.
    SubAccounts,
    /// As `SubAccounts`, acting on one sub-account: another account's owner gets 404.
    SubAccountById,
    /// Account owners only, whatever their options.
    Owner,
    /// As `Owner`, acting on one record of account A: other owners get 404.
    OwnerById,
    /// Owners (their account) and managers (every account).
    AuditLog,
    /// Owners, and sub-users granted this permission.
    Permission(Permission),
    /// As `Permission`, acting on one record: another account's owner gets 404.
    PermissionById(Permission),
    /// A top-up receipt someone else paid: owners and "Can See Finance" read
    /// it; a sub-user with only "Can Top Up" is answered 404, as if absent.
    OthersReceipt,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Caller {
    Anonymous,
    Manager,
    OwnerOptionOn,
    OwnerOptionOff,
    OtherAccountOwner,
    SubUserWithout,
    SubUserWithAll,
    /// Holds exactly the row's permission (with what it requires).
    SubUserWithExactly,
    /// Holds every permission but the row's (and what depends on it).
    SubUserWithAllOthers,
    DisabledSubUser,
    /// Granted everything, but logged in with a password the owner set.
    SubUserWithTemporaryPassword,
}

/// Refusals first and the allowed owner last, since some calls delete their target.
pub(super) const CALLERS: [Caller; 11] = [
    Caller::Anonymous,
    Caller::DisabledSubUser,
    Caller::SubUserWithTemporaryPassword,
    Caller::SubUserWithout,
    Caller::SubUserWithAllOthers,
    Caller::Manager,
    Caller::SubUserWithAll,
    Caller::SubUserWithExactly,
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
            (Rule::PasswordChange, _) => Outcome::Allowed,
            (Rule::TwoFactorSetup, SubUserWithTemporaryPassword) => refused(StatusCode::FORBIDDEN),
            (Rule::TwoFactorSetup, _) => Outcome::Allowed,
            (_, SubUserWithTemporaryPassword) => refused(StatusCode::FORBIDDEN),
            (Rule::Authenticated, _) => Outcome::Allowed,
            (Rule::Manager, Manager) => Outcome::Allowed,
            (Rule::Manager, _) => refused(StatusCode::FORBIDDEN),
            (Rule::SubAccounts | Rule::SubAccountById, OwnerOptionOn) => Outcome::Allowed,
            (Rule::SubAccounts, OtherAccountOwner) => Outcome::Allowed,
            (Rule::SubAccountById, OtherAccountOwner) => refused(StatusCode::NOT_FOUND),
            (Rule::SubAccounts | Rule::SubAccountById, _) => refused(StatusCode::FORBIDDEN),
            (Rule::Owner, OwnerOptionOn | OwnerOptionOff | OtherAccountOwner) => Outcome::Allowed,
            (Rule::Owner, _) => refused(StatusCode::FORBIDDEN),
            (Rule::OwnerById, OwnerOptionOn) => Outcome::Allowed,
            (Rule::OwnerById, OwnerOptionOff | OtherAccountOwner) => refused(StatusCode::NOT_FOUND),
            (Rule::OwnerById, _) => refused(StatusCode::FORBIDDEN),
            (Rule::AuditLog, OwnerOptionOn | OwnerOptionOff | OtherAccountOwner | Manager) => {
                Outcome::Allowed
            }
            (Rule::AuditLog, _) => refused(StatusCode::FORBIDDEN),
            (Rule::Permission(_) | Rule::PermissionById(_), OwnerOptionOn) => Outcome::Allowed,
            (Rule::Permission(_), OwnerOptionOff) => Outcome::Allowed,
            (
                Rule::Permission(_) | Rule::PermissionById(_),
                SubUserWithAll | SubUserWithExactly,
            ) => Outcome::Allowed,
            (Rule::Permission(_), OtherAccountOwner) => Outcome::Allowed,
            // Both other owners reach only their own account's records.
            (Rule::PermissionById(_), OtherAccountOwner | OwnerOptionOff) => {
                refused(StatusCode::NOT_FOUND)
            }
            (Rule::Permission(_) | Rule::PermissionById(_), _) => refused(StatusCode::FORBIDDEN),
            (Rule::OthersReceipt, SubUserWithExactly) => refused(StatusCode::NOT_FOUND),
            (Rule::OthersReceipt, _) => Rule::PermissionById(Permission::TopUp).expected(caller),
        }
    }

    fn permission(self) -> Option<Permission> {
        match self {
            Rule::Permission(p) | Rule::PermissionById(p) => Some(p),
            Rule::OthersReceipt => Some(Permission::TopUp),
            _ => None,
        }
    }
}

/// The world every row runs in: account A (option on) with its sub-users,
/// account B (option off), account C (option on, "another account").
pub(super) struct World {
    pub app: TestApp,
    pub target: i64,
    pub account_b: Account,
    pub sessions: Vec<(Caller, Option<Session>)>,
    /// One contact list and one contact per caller, so destructive calls never share a target.
    lists: Vec<i64>,
    contacts: Vec<i64>,
    import: i64,
    receipt: i64,
    /// A live API key of account A.
    api_key: i64,
    /// A webhook delivery of account A.
    webhook_delivery: i64,
    /// Live SMPP credentials of account A.
    smpp_credential: i64,
    reviews: Vec<i64>,
    /// A top-up awaiting confirmation per caller, their own.
    intents: Vec<i64>,
    /// A preset of account A per caller, so deletions never share a target.
    presets: Vec<i64>,
}

impl World {
    pub async fn new(required: Option<Permission>) -> Self {
        Self::on(TestApp::spawn().await, required).await
    }

    /// The same world on an application started by the caller.
    pub async fn on(app: TestApp, required: Option<Permission>) -> Self {
        app.manager("morgan").await;
        let a = app.account("olivia", true).await;
        let account_b = app.account("oscar", false).await;
        app.account("ophelia", true).await;
        let target = app.sub_account(&a, "target", PermissionSet::empty()).await;
        app.sub_account(&a, "sam", PermissionSet::empty()).await;
        app.sub_account(&a, "sally", PermissionSet::all()).await;
        let dora = app.sub_account(&a, "dora", PermissionSet::all()).await;
        let temp = app.sub_account(&a, "temp", PermissionSet::all()).await;
        sqlx::query("UPDATE users SET password_temporary = 1 WHERE id = $1")
            .bind(temp)
            .execute(&app.pool)
            .await
            .unwrap();
        let (exactly, all_others) = match required {
            Some(p) => (
                PermissionSet::empty().with_granted(p),
                PermissionSet::all().with_revoked(p),
            ),
            None => (PermissionSet::empty(), PermissionSet::all()),
        };
        app.sub_account(&a, "exact", exactly).await;
        app.sub_account(&a, "others", all_others).await;
        let mut presets = Vec::new();
        for n in 0..CALLERS.len() {
            let name = crate::domain::PresetName::parse(&format!("Team {n}")).unwrap();
            let preset =
                crate::server::presets::create(&app.pool, a.id, &name, PermissionSet::empty())
                    .await
                    .unwrap();
            presets.push(preset);
        }
        let (mut lists, mut contact_ids) = (Vec::new(), Vec::new());
        for n in 0..CALLERS.len() {
            let list = contacts::create_list(&app.pool, a.id, 1, &format!("List {n}"))
                .await
                .unwrap();
            contacts::add(&app.pool, a.id, list, "+447430900123", "Olivia Smith")
                .await
                .unwrap();
            let contact: i64 = sqlx::query_scalar("SELECT id FROM contacts WHERE list_id = $1")
                .bind(list)
                .fetch_one(&app.pool)
                .await
                .unwrap();
            lists.push(list);
            contact_ids.push(contact);
        }
        sqlx::query("INSERT INTO invoices (account_id, number, period, amount, status, issued_at) VALUES ($1, $2, '2026-10', 10000, 'paid', '2026-11-01T00:00:00Z')")
            .bind(a.id)
            .bind(INVOICE)
            .execute(&app.pool)
            .await
            .unwrap();
        for n in 0..CALLERS.len() {
            sqlx::query("INSERT INTO stop_list (account_id, phone) VALUES ($1, $2)")
                .bind(a.id)
                .bind(stopped_number(n))
                .execute(&app.pool)
                .await
                .unwrap();
        }
        let import = contacts::import(&app.pool, a.id, 1, lists[0], "+447430900999,Noah Jones", "")
            .await
            .unwrap()
            .id;
        let api_key = match crate::server::api_keys::create(&app.pool, a.id, 1, "Shop").await {
            Ok(key) => key.id,
            Err(_) => panic!("an API key"),
        };
        let webhook_delivery = webhook_delivery_of(&app, a.id).await;
        let smpp_credential = {
            use crate::server::smpp::credentials::{create, AllowedNetworks};
            let networks = AllowedNetworks::default();
            match create(&app.pool, &app.passwords, a.id, None, &networks).await {
                Ok(credential) => credential.id,
                Err(_) => panic!("SMPP credentials"),
            }
        };
        let receipt = finance::top_up(&app.pool, a.id, 1, Money::euros(20))
            .await
            .unwrap();
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
                Caller::SubUserWithTemporaryPassword => Some("temp"),
                Caller::SubUserWithExactly => Some("exact"),
                Caller::SubUserWithAllOthers => Some("others"),
            };
            let session = match login {
                Some(login) => Some(app.login(login).await),
                None => None,
            };
            sessions.push((caller, session));
        }
        // One campaign review and one top-up to confirm per caller, their own:
        // both belong to their author.
        let (mut reviews, mut intents) = (Vec::new(), Vec::new());
        for (caller, _) in &sessions {
            let login = match caller {
                Caller::OwnerOptionOn => "olivia",
                Caller::OwnerOptionOff => "oscar",
                Caller::OtherAccountOwner => "ophelia",
                Caller::SubUserWithout => "sam",
                Caller::SubUserWithAll => "sally",
                Caller::SubUserWithExactly => "exact",
                Caller::SubUserWithAllOthers => "others",
                Caller::Anonymous
                | Caller::Manager
                | Caller::DisabledSubUser
                | Caller::SubUserWithTemporaryPassword => {
                    reviews.push(0);
                    intents.push(0);
                    continue;
                }
            };
            let (user, account): (i64, i64) =
                sqlx::query_as("SELECT id, account_id FROM users WHERE login = $1")
                    .bind(login)
                    .fetch_one(&app.pool)
                    .await
                    .unwrap();
            let draft = crate::api::sending::Draft {
                sender: "INFO".into(),
                list_id: String::new(),
                numbers: "+447430900123".into(),
                text: "Hello".into(),
            };
            reviews.push(
                crate::server::sending::save_review(&app.pool, account, user, &draft)
                    .await
                    .unwrap(),
            );
            intents.push(
                finance::intend_top_up(&app.pool, account, user, Money::euros(20))
                    .await
                    .unwrap(),
            );
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
            lists,
            contacts: contact_ids,
            import,
            receipt,
            api_key,
            webhook_delivery,
            smpp_credential,
            reviews,
            intents,
            presets,
        }
    }
}

pub(super) type Form = Vec<(&'static str, String)>;
/// Builds a well-formed request; `n` numbers the caller, for unique logins.
pub(super) type FormFor = fn(&World, usize) -> Form;

/// Every server function with its rule and a well-formed request.
pub(super) fn server_functions() -> Vec<(&'static str, Rule, FormFor)> {
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
        ("account/password", Rule::PasswordChange, |_, _| {
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
        ("sub-accounts/generated-password", Rule::SubAccounts, none),
        ("sub-accounts/templates", Rule::SubAccounts, none),
        (
            "sub-accounts/reset-two-factor",
            Rule::SubAccountById,
            target,
        ),
        ("sub-accounts/bulk", Rule::SubAccountById, |world, _| {
            vec![
                ("action", "enable".into()),
                ("ids[]", world.target.to_string()),
            ]
        }),
        ("sub-accounts/selected", Rule::SubAccountById, |world, _| {
            vec![("ids", world.target.to_string())]
        }),
        ("presets/list", Rule::SubAccounts, none),
        ("two-factor/required-for-subs", Rule::SubAccounts, none),
        ("two-factor/require-for-subs", Rule::SubAccounts, |_, _| {
            vec![("required", "false".into())]
        }),
        ("two-factor/status", Rule::TwoFactorSetup, none),
        ("two-factor/begin", Rule::TwoFactorSetup, none),
        ("two-factor/confirm", Rule::TwoFactorSetup, |_, _| {
            vec![("password", "not it".into()), ("code", "000000".into())]
        }),
        ("two-factor/disable", Rule::TwoFactorSetup, |_, _| {
            vec![("password", "not it".into()), ("code", "000000".into())]
        }),
        // Without a password step first, there is nothing to verify.
        ("session/verify", Rule::Public, |_, _| {
            vec![("code", "000000".into())]
        }),
        ("presets/create", Rule::SubAccounts, |_, n| {
            vec![
                ("name", format!("Preset {n}")),
                ("permissions[]", "send_bulk".into()),
            ]
        }),
        ("presets/rename", Rule::SubAccountById, |world, n| {
            vec![
                ("id", world.presets[n].to_string()),
                ("name", format!("Renamed {n}")),
            ]
        }),
        ("presets/delete", Rule::SubAccountById, |world, n| {
            vec![("id", world.presets[n].to_string())]
        }),
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
        ("sub-accounts/sign-out", Rule::SubAccountById, target),
        ("sub-accounts/delete", Rule::SubAccountById, target),
        (
            "sending/senders",
            Rule::Permission(Permission::SenderView),
            none,
        ),
        (
            "sending/compose",
            Rule::Permission(Permission::SendBulk),
            none,
        ),
        (
            "sending/estimate",
            Rule::Permission(Permission::SendBulk),
            campaign,
        ),
        (
            "sending/review",
            Rule::Permission(Permission::SendBulk),
            campaign,
        ),
        (
            "sending/review/get",
            Rule::Permission(Permission::SendBulk),
            own_review,
        ),
        // Each caller sends their own review; the second allowed sub-user of
        // an account may find the balance used up (422): allowed all the same.
        (
            "sending/send",
            Rule::Permission(Permission::SendBulk),
            send_own_review,
        ),
        (
            "sending/campaigns",
            Rule::Permission(Permission::SendBulk),
            none,
        ),
        (
            "contacts/lists",
            Rule::Permission(Permission::UseDatabase),
            none,
        ),
        (
            "contacts/lists/create",
            Rule::Permission(Permission::UseDatabase),
            |_, n| vec![("name", format!("New list {n}"))],
        ),
        (
            "contacts/lists/rename",
            Rule::PermissionById(Permission::UseDatabase),
            |w, n| {
                vec![
                    ("id", w.lists[n].to_string()),
                    ("name", format!("Renamed {n}")),
                ]
            },
        ),
        (
            "contacts/lists/get",
            Rule::PermissionById(Permission::UseDatabase),
            |w, n| vec![("id", w.lists[n].to_string())],
        ),
        (
            "contacts/add",
            Rule::PermissionById(Permission::UseDatabase),
            |w, n| {
                vec![
                    ("list_id", w.lists[n].to_string()),
                    ("phone", "+447430900555".into()),
                    ("name", "Ava Khan".into()),
                ]
            },
        ),
        (
            "contacts/update",
            Rule::PermissionById(Permission::UseDatabase),
            |w, n| {
                vec![
                    ("id", w.contacts[n].to_string()),
                    ("phone", "+447430900124".into()),
                    ("name", "Olivia Jones".into()),
                ]
            },
        ),
        (
            "contacts/import",
            Rule::PermissionById(Permission::UseDatabase),
            |w, n| {
                vec![
                    ("list_id", w.lists[n].to_string()),
                    ("csv", "+447430900777,Leo Evans".into()),
                ]
            },
        ),
        (
            "contacts/import/get",
            Rule::PermissionById(Permission::UseDatabase),
            |w, _| vec![("id", w.import.to_string())],
        ),
        (
            "contacts/remove",
            Rule::PermissionById(Permission::UseDatabase),
            |w, n| vec![("id", w.contacts[n].to_string())],
        ),
        (
            "contacts/lists/delete",
            Rule::PermissionById(Permission::UseDatabase),
            |w, n| vec![("id", w.lists[n].to_string())],
        ),
        (
            "analytics/summary",
            Rule::Permission(Permission::UseAnalytics),
            none,
        ),
        (
            "analytics/details",
            Rule::Permission(Permission::UseAnalyticsDetails),
            none,
        ),
        (
            "incoming/list",
            Rule::Permission(Permission::SeeIncomingSms),
            none,
        ),
        (
            "blocked/list",
            Rule::Permission(Permission::SeeBlockedSms),
            none,
        ),
        ("prices/list", Rule::Permission(Permission::SeePrices), none),
        (
            "finance/history",
            Rule::Permission(Permission::SeeFinance),
            none,
        ),
        (
            "finance/top-up",
            Rule::Permission(Permission::TopUp),
            |_, _| vec![("amount", "50".into())],
        ),
        (
            "finance/invoice",
            Rule::PermissionById(Permission::SeeFinance),
            |_, _| vec![("number", INVOICE.into())],
        ),
        (
            "finance/top-up/intent",
            Rule::Permission(Permission::TopUp),
            |w, n| vec![("id", w.intents[n].to_string())],
        ),
        (
            "finance/top-up/pay",
            Rule::Permission(Permission::TopUp),
            |w, n| vec![("intent", w.intents[n].to_string())],
        ),
        ("finance/top-up/receipt", Rule::OthersReceipt, |w, _| {
            vec![("id", w.receipt.to_string())]
        }),
        (
            "profile/get",
            Rule::Permission(Permission::ProfileEdit),
            none,
        ),
        (
            "profile/save",
            Rule::Permission(Permission::ProfileEdit),
            |_, _| {
                vec![
                    ("company", "Acme Ltd".into()),
                    ("contact_email", "ops@acme.example".into()),
                    ("contact_phone", "+44 20 7946 0000".into()),
                    ("timezone", "Europe/London".into()),
                ]
            },
        ),
        ("home/overview", Rule::Owner, none),
        (
            "stop-list/list",
            Rule::Permission(Permission::SeeBlockedSms),
            none,
        ),
        (
            "stop-list/add",
            Rule::Permission(Permission::SeeBlockedSms),
            |_, n| vec![("phone", format!("+4474309002{n:02}"))],
        ),
        // Each caller removes a number of account A of their own.
        (
            "stop-list/remove",
            Rule::PermissionById(Permission::SeeBlockedSms),
            |_, n| vec![("phone", stopped_number(n))],
        ),
        ("audit/list", Rule::AuditLog, none),
        ("api-keys/list", Rule::Owner, none),
        ("api-keys/create", Rule::Owner, |_, n| {
            vec![("name", format!("Key {n}"))]
        }),
        ("api-keys/revoke", Rule::OwnerById, |world, _| {
            vec![("id", world.api_key.to_string())]
        }),
        ("smpp/settings", Rule::Owner, none),
        ("smpp/create", Rule::Owner, |_, _| {
            vec![("allowed_networks", "192.0.2.0/24".to_owned())]
        }),
        ("smpp/revoke", Rule::OwnerById, |world, _| {
            vec![("id", world.smpp_credential.to_string())]
        }),
        ("webhooks/list", Rule::Owner, none),
        ("webhooks/redeliver", Rule::OwnerById, |world, _| {
            vec![("id", world.webhook_delivery.to_string())]
        }),
    ]
}

/// An endpoint of the account with one failed delivery; the delivery's id.
async fn webhook_delivery_of(app: &TestApp, account_id: i64) -> i64 {
    use crate::server::webhooks::{endpoints, EventType, UrlPolicy};
    let endpoint = endpoints::create(
        &app.pool,
        account_id,
        "https://93.184.215.14/hook",
        &[EventType::MessageFailed],
        UrlPolicy::default(),
    )
    .await
    .unwrap();
    sqlx::query_scalar(
        "INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, payload, status, next_attempt_at, created_at) \
         VALUES ($1, 'msg_1', 'message.failed', '{}', 'failed', $2, $2) RETURNING id",
    )
    .bind(endpoint.endpoint.id)
    .bind(crate::server::db::now())
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

fn campaign(_: &World, _: usize) -> Form {
    vec![
        ("sender", "INFO".into()),
        ("numbers", "+447430900123".into()),
        ("text", "Hello".into()),
    ]
}

/// Account A's invoice.
const INVOICE: &str = "NW-TEST-A";

/// The stop-listed number of account A that caller `n` may remove.
fn stopped_number(n: usize) -> String {
    format!("+4474309001{n:02}")
}

fn own_review(world: &World, n: usize) -> Form {
    vec![("id", world.reviews[n].to_string())]
}

fn send_own_review(world: &World, n: usize) -> Form {
    vec![("review", world.reviews[n].to_string())]
}

/// The export routes and their permissions, as the router mounts them.
const EXPORTS: [(&str, Permission); 4] = crate::server::export::EXPORTS;

/// Every page with its rule.
fn pages(world: &World) -> Vec<(String, Rule)> {
    let id = world.target;
    vec![
        ("/".into(), Rule::Authenticated),
        ("/account/password".into(), Rule::PasswordChange),
        ("/account/two-factor".into(), Rule::TwoFactorSetup),
        ("/manager/accounts".into(), Rule::Manager),
        ("/manager/accounts/new".into(), Rule::Manager),
        ("/settings/sub-accounts".into(), Rule::SubAccounts),
        ("/settings/sub-accounts/new".into(), Rule::SubAccounts),
        ("/settings/sub-accounts/presets".into(), Rule::SubAccounts),
        (
            format!("/settings/sub-accounts/delete-selected?ids={id}"),
            Rule::SubAccountById,
        ),
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
        (
            "/sending/bulk".into(),
            Rule::Permission(Permission::SendBulk),
        ),
        (
            "/sending/database".into(),
            Rule::Permission(Permission::UseDatabase),
        ),
        (
            format!("/sending/database/{}", world.lists[0]),
            Rule::PermissionById(Permission::UseDatabase),
        ),
        (
            "/sending/senders".into(),
            Rule::Permission(Permission::SenderView),
        ),
        (
            "/analytics".into(),
            Rule::Permission(Permission::UseAnalytics),
        ),
        (
            "/analytics/details".into(),
            Rule::Permission(Permission::UseAnalyticsDetails),
        ),
        (
            "/incoming".into(),
            Rule::Permission(Permission::SeeIncomingSms),
        ),
        (
            "/blocked".into(),
            Rule::Permission(Permission::SeeBlockedSms),
        ),
        (
            format!("/finance/invoices/{INVOICE}"),
            Rule::PermissionById(Permission::SeeFinance),
        ),
        (
            "/blocked/stop-list".into(),
            Rule::Permission(Permission::SeeBlockedSms),
        ),
        ("/prices".into(), Rule::Permission(Permission::SeePrices)),
        ("/finance".into(), Rule::Permission(Permission::SeeFinance)),
        (
            "/finance/top-up".into(),
            Rule::Permission(Permission::TopUp),
        ),
        ("/profile".into(), Rule::Permission(Permission::ProfileEdit)),
        ("/settings/audit-log".into(), Rule::AuditLog),
        ("/settings/api-keys".into(), Rule::Owner),
        ("/settings/smpp".into(), Rule::Owner),
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_server_function_allows_exactly_its_callers() {
    let mut checked = 0;
    for (path, rule, form) in server_functions() {
        let world = World::new(rule.permission()).await;
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
        world.app.close().await;
    }
    assert_eq!(checked, server_functions().len() * CALLERS.len());
}

async fn get_outcome(
    world: &World,
    session: Option<&Session>,
    path: &str,
) -> (Outcome, StatusCode) {
    let response = world.app.get(session, path).await;
    let status = response.status();
    let outcome = match status {
        // Anonymous visitors are sent to log in rather than shown a 401.
        StatusCode::FOUND
            if response.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/login") =>
        {
            Outcome::Refused(StatusCode::UNAUTHORIZED)
        }
        // A temporary password leads to its change, and nowhere else.
        StatusCode::FOUND if response.headers()["location"] == "/account/password" => {
            Outcome::Refused(StatusCode::FORBIDDEN)
        }
        other => outcome(other),
    };
    (outcome, status)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_allows_exactly_its_viewers() {
    let mut worlds = std::collections::HashMap::new();
    let base = World::new(None).await;
    for (path, rule) in pages(&base) {
        let world = match rule.permission() {
            None => &base,
            Some(p) => {
                if let std::collections::hash_map::Entry::Vacant(slot) = worlds.entry(p) {
                    slot.insert(World::new(Some(p)).await);
                }
                &worlds[&p]
            }
        };
        for (caller, session) in &world.sessions {
            let (got, status) = get_outcome(world, session.as_ref(), &path).await;
            assert_eq!(
                got,
                rule.expected(*caller),
                "GET {path} as {caller:?}: {status}"
            );
        }
    }
}

/// Every session row as (id, expiry): a session written back gets a new expiry.
async fn session_rows(app: &TestApp) -> Vec<(String, String)> {
    let table = match crate::server::db::Backend::of(&app.pool) {
        crate::server::db::Backend::Sqlite => "tower_sessions",
        crate::server::db::Backend::Postgres => "tower_sessions.session",
    };
    sqlx::query_as(&format!(
        "SELECT id, CAST(expiry_date AS TEXT) FROM {table} ORDER BY id"
    ))
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

/// A page view reads; it writes the session only when something in it
/// changes (the idle expiry moves at most once a minute). A view that
/// wrote it queued every page behind SQLite's one writer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn viewing_a_page_leaves_the_session_unwritten() {
    let world = World::new(None).await;
    // Expiries are whole seconds on SQLite: a write now would show.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let before = session_rows(&world.app).await;
    for (path, _) in pages(&world) {
        for (caller, session) in &world.sessions {
            // A disabled user's session is ended by the view, as it should be.
            if *caller != Caller::DisabledSubUser {
                world.app.get(session.as_ref(), &path).await;
            }
        }
    }
    assert_eq!(before, session_rows(&world.app).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_export_allows_owners_and_managers_only() {
    let world = World::new(None).await;
    let path = crate::server::export::AUDIT_EXPORT;
    for (caller, session) in &world.sessions {
        let (got, status) = get_outcome(&world, session.as_ref(), path).await;
        assert_eq!(
            got,
            Rule::AuditLog.expected(*caller),
            "GET {path} as {caller:?}: {status}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_access_review_export_allows_owners_with_sub_accounts_only() {
    let world = World::new(None).await;
    let path = crate::server::export::ACCESS_REVIEW_EXPORT;
    for (caller, session) in &world.sessions {
        let (got, status) = get_outcome(&world, session.as_ref(), path).await;
        assert_eq!(
            got,
            Rule::SubAccounts.expected(*caller),
            "GET {path} as {caller:?}: {status}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_contacts_file_upload_allows_exactly_its_callers() {
    let permission = Permission::UseDatabase;
    let world = World::new(Some(permission)).await;
    let rule = Rule::PermissionById(permission);
    for (n, (caller, session)) in world.sessions.iter().enumerate() {
        let file =
            reqwest::multipart::Part::bytes(format!("+4474309003{n:02},Upload").into_bytes())
                .file_name("contacts.csv");
        let form = reqwest::multipart::Form::new()
            .text("list_id", world.lists[n].to_string())
            .text("country", "GB")
            .part("file", file);
        let mut request = world
            .app
            .client
            .post(format!(
                "{}{}",
                world.app.base,
                crate::api::contacts::IMPORT_FILE
            ))
            .multipart(form);
        if let Some(session) = session {
            request = request.header(reqwest::header::COOKIE, &session.cookie);
        }
        let status = request.send().await.unwrap().status();
        let got = match status {
            StatusCode::SEE_OTHER => Outcome::Allowed,
            other => outcome(other),
        };
        assert_eq!(
            got,
            rule.expected(*caller),
            "upload as {caller:?}: {status}"
        );
    }
    let imported: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM contacts WHERE name = 'Upload'")
        .fetch_one(&world.app.pool)
        .await
        .unwrap();
    assert_eq!(
        imported, 3,
        "the owner and the two sub-users granted the permission"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_export_allows_exactly_its_callers() {
    for (path, permission) in EXPORTS {
        let world = World::new(Some(permission)).await;
        let rule = Rule::Permission(permission);
        for (caller, session) in &world.sessions {
            let (got, status) = get_outcome(&world, session.as_ref(), path).await;
            assert_eq!(
                got,
                rule.expected(*caller),
                "GET {path} as {caller:?}: {status}"
            );
        }
        world.app.close().await;
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
