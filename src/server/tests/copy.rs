//! `copy-to`: the demo's SQLite database into an empty PostgreSQL one.

use crate::server::{
    copy, db, demo,
    gateway::{self, SimulatedGateway},
    password::Passwords,
    sending, users,
};

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
    // Stored before NUL was refused at the door: copied as U+FFFD.
    sqlx::query("INSERT INTO audit_log (action, subject, detail) VALUES ('login_failed', 'mal' || char(0) || 'lory', '')")
        .execute(&source)
        .await
        .unwrap();
    // A campaign delivered here leaves today's queued and sent totals at
    // zero on SQLite; the copy rebuilds only what is not zero, and verifies.
    let (account, owner): (i64, i64) =
        sqlx::query_as("SELECT account_id, id FROM users WHERE role = 'owner' LIMIT 1")
            .fetch_one(&source)
            .await
            .unwrap();
    let plan = sending::plan(
        &source,
        account,
        "INFO",
        None,
        "+447430900001\n+447430900002",
        "Hi",
    )
    .await
    .unwrap();
    sending::send(&source, account, owner, &plan).await.unwrap();
    let carrier = SimulatedGateway::default();
    gateway::step(&source, &carrier).await.unwrap();
    sqlx::query("UPDATE messages SET sent_at = $1 WHERE status = 'sent'")
        .bind(db::before_now(std::time::Duration::from_secs(5)))
        .execute(&source)
        .await
        .unwrap();
    gateway::step(&source, &carrier).await.unwrap();
    let emptied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM message_daily WHERE messages = 0")
        .fetch_one(&source)
        .await
        .unwrap();
    assert!(emptied > 0, "the source holds emptied per-day rows");
    let target_url = super::database::scratch_postgres(&admin).await;

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
    let subject: String = sqlx::query_scalar("SELECT subject FROM audit_log")
        .fetch_one(&target)
        .await
        .unwrap();
    assert_eq!(subject, "mal\u{FFFD}lory");
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
