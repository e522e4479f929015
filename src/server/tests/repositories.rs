//! Repository rules on a real SQLite file, without HTTP.

use super::support::{TestApp, PASSWORD};
use crate::{
    domain::{ContactForm, NewUser, PermissionSet},
    server::{
        sub_accounts,
        users::{CreateError, LOGIN_TAKEN},
    },
};

fn form(name: &str) -> ContactForm {
    ContactForm {
        name: name.into(),
        phone: "+48 600 100 200".into(),
        email: "A@Example.com".into(),
        company: " Acme  Ltd ".into(),
    }
}

async fn count_users(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_sub_account_is_stored_normalised_and_without_permissions() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    let user = NewUser::parse("Anna.K", PASSWORD, &form("  Anna   Kowalska ")).unwrap();
    let id = sub_accounts::create(&app.pool, &app.passwords, account.id, &user)
        .await
        .unwrap();
    let stored = sub_accounts::find(&app.pool, account.id, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.login, "Anna.K");
    assert_eq!(stored.name, "Anna Kowalska");
    assert_eq!(stored.phone, "+48600100200");
    assert_eq!(stored.email, "a@example.com");
    assert_eq!(stored.company.as_deref(), Some("Acme Ltd"));
    assert!(!stored.disabled);
    assert_eq!(
        sub_accounts::permissions_of(&app.pool, id).await.unwrap(),
        PermissionSet::empty()
    );
}

#[tokio::test]
async fn a_duplicate_login_in_another_case_is_a_field_error_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    let before = count_users(&app).await;
    for taken in ["OLIVIA", "Olivia"] {
        let user = NewUser::parse(taken, PASSWORD, &form("Someone Else")).unwrap();
        match sub_accounts::create(&app.pool, &app.passwords, account.id, &user).await {
            Err(CreateError::Invalid(errors)) => {
                assert_eq!(errors.error("login"), Some(LOGIN_TAKEN));
                assert_eq!(errors.value("login"), Some(taken));
            }
            other => panic!("expected a field error, got {other:?}"),
        }
    }
    assert_eq!(count_users(&app).await, before);
}

#[tokio::test]
async fn another_accounts_sub_account_is_invisible_and_untouchable() {
    let app = TestApp::spawn().await;
    let mine = app.account("olivia", true).await;
    let theirs = app.account("ophelia", true).await;
    let id = app
        .sub_account(&theirs, "their.sub", PermissionSet::empty())
        .await;
    let pool = &app.pool;
    assert!(sub_accounts::find(pool, mine.id, id)
        .await
        .unwrap()
        .is_none());
    assert!(sub_accounts::list(pool, mine.id).await.unwrap().is_empty());
    assert!(!sub_accounts::set_disabled(pool, mine.id, id, true)
        .await
        .unwrap());
    assert!(!sub_accounts::reset_password(pool, mine.id, id, "x")
        .await
        .unwrap());
    assert!(
        !sub_accounts::save_permissions(pool, mine.id, id, PermissionSet::all())
            .await
            .unwrap()
    );
    assert!(!sub_accounts::delete(pool, mine.id, id).await.unwrap());
    let untouched = sub_accounts::find(pool, theirs.id, id)
        .await
        .unwrap()
        .unwrap();
    assert!(!untouched.disabled);
    assert!(sub_accounts::permissions_of(pool, id)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn an_owner_is_never_reachable_as_a_sub_account() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    let owner_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE login = 'olivia'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(sub_accounts::find(&app.pool, account.id, owner_id)
        .await
        .unwrap()
        .is_none());
    assert!(!sub_accounts::delete(&app.pool, account.id, owner_id)
        .await
        .unwrap());
    assert!(
        !sub_accounts::set_disabled(&app.pool, account.id, owner_id, true)
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn deleting_a_sub_account_removes_its_grants() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    let id = app.sub_account(&account, "sam", PermissionSet::all()).await;
    assert!(sub_accounts::delete(&app.pool, account.id, id)
        .await
        .unwrap());
    let grants: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM user_permissions WHERE user_id = ?1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(grants, 0);
}
