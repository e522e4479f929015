//! `copy-to`: the demo's SQLite database into an empty PostgreSQL one.

use crate::server::{copy, db, demo, password::Passwords, users};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_database_copies_into_postgres_whole_and_verified() {
    let admin = match std::env::var("SMS_PORTAL_TEST_POSTGRES") {
        Ok(admin) if !admin.is_empty() => admin,
        _ => {
            eprintln!("skipped: copy-to needs PostgreSQL (SMS_PORTAL_TEST_POSTGRES)");
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let source = db::connect(&format!("sqlite://{}/demo.db", dir.path().display()))
        .await
        .unwrap();
    demo::seed(&source, &Passwords::new()).await.unwrap();
    sqlx::query(
        "INSERT INTO audit_log (action, subject, detail) VALUES ('login_failed', 'mallory', '')",
    )
    .execute(&source)
    .await
    .unwrap();
    let target_url = db::scratch_postgres(&admin).await.unwrap();

    let copied = copy::copy_to(&source, &target_url).await.unwrap();
    let rows = |table: &str| copied.tables.iter().find(|(t, _)| *t == table).unwrap().1;
    assert!(
        rows("messages") >= 200_000,
        "the demo's messages are copied"
    );
    assert_eq!(rows("audit_log"), 1);
    assert!(rows("users") >= 2 && rows("message_daily") > 0 && rows("balance_transactions") > 0);
    assert!(copied.accounts_checked >= 1);

    // The copy is a working database: ids continue after the copied ones,
    // logins stay unique whatever their case.
    let target = db::connect(&target_url).await.unwrap();
    let highest: i64 = sqlx::query_scalar("SELECT MAX(id) FROM users")
        .fetch_one(&target)
        .await
        .unwrap();
    let owner = crate::domain::NewUser::parse(
        "newcomer",
        "correct horse battery staple",
        &crate::domain::ContactForm {
            name: "New Comer".into(),
            phone: "+44 20 7946 0958".into(),
            email: "new@example.com".into(),
            company: String::new(),
        },
    )
    .unwrap();
    users::create_account(&target, &Passwords::new(), &owner, false)
        .await
        .unwrap();
    let newest: i64 = sqlx::query_scalar("SELECT id FROM users WHERE login = 'newcomer'")
        .fetch_one(&target)
        .await
        .unwrap();
    assert!(newest > highest);

    let again = copy::copy_to(&source, &target_url).await;
    assert!(
        again.is_err_and(|e| e.contains("not empty")),
        "a non-empty target is refused"
    );
}
