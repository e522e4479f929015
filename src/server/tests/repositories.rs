//! Repository rules on a real SQLite file, without HTTP.

use super::support::{TestApp, PASSWORD};
use crate::{
    api::sub_accounts::SubAccountSort,
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
    let id = sub_accounts::create(&app.pool, &app.passwords, account.id, &user, None)
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
        match sub_accounts::create(&app.pool, &app.passwords, account.id, &user, None).await {
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
    let listed = sub_accounts::page(
        pool,
        mine.id,
        &Default::default(),
        (SubAccountSort::Login, false),
        1,
        "",
    )
    .await
    .unwrap();
    assert!(listed.items.is_empty() && listed.total == 0);
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
        sqlx::query_scalar("SELECT COUNT(*) FROM user_permissions WHERE user_id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(grants, 0);
}

#[tokio::test]
async fn sub_accounts_are_sorted_and_paged_on_the_server() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    let hash = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaA";
    for n in 0..45 {
        sqlx::query(
            "INSERT INTO users (account_id, role, login, password_hash, name, phone, email, disabled) \
             VALUES ($1, 'sub', $2, $3, $4, '+442079460000', 'x@example.com', $5)",
        )
        .bind(account.id)
        .bind(format!("member-{n:02}"))
        .bind(hash)
        .bind(format!("Name {}", 44 - n))
        .bind(i64::from(n % 3 == 0))
        .execute(&app.pool)
        .await
        .unwrap();
    }
    let page = |sort, descending, page| {
        let pool = app.pool.clone();
        async move {
            sub_accounts::page(
                &pool,
                account.id,
                &Default::default(),
                (sort, descending),
                page,
                "",
            )
            .await
            .unwrap()
        }
    };
    let first = page(SubAccountSort::Login, false, 1).await;
    assert_eq!((first.total, first.items.len(), first.pages()), (45, 20, 3));
    assert_eq!(first.items[0].login, "member-00");
    let last = page(SubAccountSort::Login, false, 3).await;
    assert_eq!(last.items.len(), 5);
    assert_eq!(last.items[4].login, "member-44");
    // Past the end shows the last page.
    assert_eq!(page(SubAccountSort::Login, false, 99).await.page, 3);
    let by_name = page(SubAccountSort::Name, true, 1).await;
    assert_eq!(
        by_name.items[0].name, "Name 9",
        "text sorts as text, descending"
    );
    let by_status = page(SubAccountSort::Status, true, 1).await;
    let disabled = by_status.items.iter().take_while(|s| s.disabled).count();
    assert_eq!(disabled, 15, "the 15 disabled ones first, then active ones");
}
