//! Sending, charging, delivery and imports on a real SQLite file.

use super::support::TestApp;
use crate::{
    api::AppError,
    domain::Money,
    server::{
        contacts,
        db::Backend,
        finance,
        gateway::{self, SimulatedGateway},
        sending,
    },
};

async fn balance(app: &TestApp, account: i64) -> Money {
    sending::balance(&app.pool, account).await.unwrap()
}

async fn age_sent_messages(app: &TestApp) {
    sqlx::query("UPDATE messages SET sent_at = $1 WHERE status = 'sent'")
        .bind(crate::server::db::before_now(
            std::time::Duration::from_secs(5),
        ))
        .execute(&app.pool)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_campaign_is_charged_delivered_and_failed_parts_refunded() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    finance::top_up(&app.pool, account.id, 1, Money::euros(10))
        .await
        .unwrap();
    let failing = (0..1000)
        .map(|n| format!("+4474309{n:05}"))
        .find(|p| SimulatedGateway::fails(p))
        .unwrap();
    let numbers = format!("+447430900001\n+44 7430 900001\n{failing}\nnot a number");
    let plan = sending::plan(&app.pool, account.id, "INFO", None, &numbers, "Hello")
        .await
        .unwrap();
    assert_eq!(
        (plan.recipients.len(), plan.duplicates, plan.invalid.len()),
        (2, 1, 1)
    );
    let unit = plan.recipients[0].price;
    sending::send(&app.pool, account.id, 1, &plan)
        .await
        .unwrap();
    assert_eq!(
        balance(&app, account.id).await,
        Money(Money::euros(10).0 - 2 * unit)
    );

    let gateway = SimulatedGateway::default();
    assert_eq!(
        gateway::step(&app.pool, &gateway).await.unwrap(),
        2,
        "both submitted"
    );
    age_sent_messages(&app).await;
    assert_eq!(
        gateway::step(&app.pool, &gateway).await.unwrap(),
        2,
        "both reported"
    );
    let states: Vec<(String, String)> =
        sqlx::query_as("SELECT recipient, status FROM messages ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        states,
        vec![
            ("+447430900001".into(), "delivered".into()),
            (failing, "failed".into())
        ]
    );
    assert_eq!(
        balance(&app, account.id).await,
        Money(Money::euros(10).0 - unit),
        "the failed part is refunded"
    );
    let status: String = sqlx::query_scalar("SELECT status FROM campaigns")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(status, "completed");
    assert_eq!(
        gateway::step(&app.pool, &gateway).await.unwrap(),
        0,
        "nothing is sent twice"
    );
}

#[tokio::test]
async fn stop_listed_numbers_become_blocked_messages_not_sent() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    finance::top_up(&app.pool, account.id, 1, Money::euros(10))
        .await
        .unwrap();
    sqlx::query("INSERT INTO stop_list (account_id, phone) VALUES ($1, '+447430900002')")
        .bind(account.id)
        .execute(&app.pool)
        .await
        .unwrap();
    let plan = sending::plan(
        &app.pool,
        account.id,
        "INFO",
        None,
        "+447430900001\n+447430900002",
        "Hi",
    )
    .await
    .unwrap();
    sending::send(&app.pool, account.id, 1, &plan)
        .await
        .unwrap();
    let sent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let blocked: Vec<(String, String)> =
        sqlx::query_as("SELECT recipient, reason FROM blocked_messages")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(sent, 1);
    assert_eq!(blocked, vec![("+447430900002".into(), "stop_list".into())]);
}

#[tokio::test]
async fn an_insufficient_balance_refuses_the_campaign_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    let plan = sending::plan(&app.pool, account.id, "INFO", None, "+447430900001", "Hi")
        .await
        .unwrap();
    assert!(matches!(
        sending::send(&app.pool, account.id, 1, &plan).await,
        Err(AppError::Rejected(_))
    ));
    for table in [
        "campaigns",
        "messages",
        "blocked_messages",
        "balance_transactions",
    ] {
        let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&app.pool)
            .await
            .unwrap();
        assert_eq!(rows, 0, "{table}");
    }
}

#[tokio::test]
async fn concurrent_campaigns_never_overdraw_the_balance() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    let plan = sending::plan(&app.pool, account.id, "INFO", None, "+447430900001", "Hi")
        .await
        .unwrap();
    // Enough for three campaigns, not for ten.
    finance::top_up(&app.pool, account.id, 1, Money(plan.cost.0 * 3))
        .await
        .unwrap();
    let sends = (0..10).map(|_| sending::send(&app.pool, account.id, 1, &plan));
    let results = futures::future::join_all(sends).await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 3);
    assert_eq!(balance(&app, account.id).await, Money(0));
    let ledger: i64 =
        sqlx::query_scalar("SELECT CAST(SUM(amount) AS BIGINT) FROM balance_transactions")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(ledger, 0, "the ledger adds up to the balance");
}

#[tokio::test]
async fn a_campaign_needs_an_approved_sender_a_text_and_recipients() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    let Err(AppError::Invalid(errors)) =
        sending::plan(&app.pool, account.id, "FREEPRIZE", None, "", "").await
    else {
        panic!("expected field errors");
    };
    assert!(errors.error("sender").is_some());
    assert!(errors.error("text").is_some());
    assert!(errors.error("numbers").is_some());
    let other = app.account("ophelia", true).await;
    let their_list = contacts::create_list(&app.pool, other.id, 1, "Theirs")
        .await
        .unwrap();
    let Err(AppError::Invalid(errors)) =
        sending::plan(&app.pool, account.id, "INFO", Some(their_list), "", "Hi").await
    else {
        panic!("another account's list must be refused");
    };
    assert!(errors.error("list_id").is_some());
}

#[test]
fn csv_import_reports_each_refused_line() {
    let (rows, errors) = contacts::parse_import(
        "phone,name\n+44 7430 900001,Olivia Smith\nnot-a-number,Bad Row\n\n0044 7430 900002,\"Khan, Ava\"\n\"=HYPERLINK(1)\",x\n",
        "",
    );
    let phones: Vec<&str> = rows.iter().map(|(_, p, _)| p.as_str()).collect();
    assert_eq!(phones, ["+447430900001", "+447430900002"]);
    assert_eq!(rows[1].2, "Khan, Ava");
    let lines: Vec<i64> = errors.iter().map(|(line, _)| *line).collect();
    assert_eq!(lines, [3, 6]);
    let (_, errors) = contacts::parse_import(
        "phone,name\r\n+447430900101,A\r\n+447430900102,B\r\nnonsense,C",
        "",
    );
    assert_eq!(errors[0].0, 4, "browsers send CRLF");
}

#[test]
fn national_numbers_are_read_in_the_default_country() {
    let csv = "07430 900203,Ann\n+353 87 123 4567,Bo\n0044 7430 900204,Cy\n123,Dee";
    let (rows, errors) = contacts::parse_import(csv, "GB");
    let phones: Vec<&str> = rows.iter().map(|(_, p, _)| p.as_str()).collect();
    assert_eq!(phones, ["+447430900203", "+353871234567", "+447430900204"]);
    assert_eq!(errors.len(), 1, "too short for the United Kingdom");
    let (rows, _) = contacts::parse_import(csv, "");
    assert_eq!(
        rows.len(),
        2,
        "without a default country only international numbers"
    );
}

#[tokio::test]
async fn an_import_counts_duplicates_and_keeps_its_report() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    let list = contacts::create_list(&app.pool, account.id, 1, "Newsletter")
        .await
        .unwrap();
    let report = contacts::import(
        &app.pool,
        account.id,
        1,
        list,
        "+447430900001,A\n+447430900001,B\nnope,C",
        "",
    )
    .await
    .unwrap();
    assert_eq!(
        (report.added, report.duplicates, report.rejected),
        (1, 1, 1)
    );
    assert_eq!(
        contacts::import_report(&app.pool, account.id, report.id)
            .await
            .unwrap(),
        report
    );
    let other = app.account("ophelia", true).await;
    assert!(matches!(
        contacts::import_report(&app.pool, other.id, report.id).await,
        Err(AppError::NotFound)
    ));
}

#[tokio::test]
async fn details_pages_from_either_end_list_every_message_once_in_order() {
    use crate::{
        domain::{PermissionSet, Role, Viewer},
        server::{analytics, demo_volume},
    };
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    demo_volume::seed_history(&app.pool, account.id, 1, 12_000)
        .await
        .unwrap();
    let owner = Viewer {
        user_id: 1,
        login: "olivia".into(),
        name: "Olivia".into(),
        role: Role::Owner,
        account_id: Some(account.id),
        account_name: None,
        can_add_subaccount: true,
        permissions: PermissionSet::all(),
        balance: None,
        zone: Default::default(),
        must_change_password: false,
        must_enrol_two_factor: false,
    };
    for (status, recipient) in [("", ""), ("failed", ""), ("", "7")] {
        let filter = analytics::DetailsFilter::parse(&owner, "", "", status, recipient).unwrap();
        let (start, end) = filter.range.timestamps();
        let expected: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT m.id FROM messages m WHERE {} ORDER BY m.created_at DESC, m.id DESC",
            filter.condition(Backend::of(&app.pool))
        ))
        .bind(account.id)
        .bind(&start)
        .bind(&end)
        .bind(&filter.status)
        .bind(&filter.recipient)
        .fetch_all(&app.pool)
        .await
        .unwrap();
        let mut listed = Vec::new();
        for page in 1.. {
            let found = analytics::details(&app.pool, account.id, &filter, page)
                .await
                .unwrap();
            assert_eq!(
                found.total as usize,
                expected.len(),
                "{status:?} {recipient:?}"
            );
            if found.items.is_empty() {
                break;
            }
            listed.extend(found.items.iter().map(|row| row.id));
        }
        assert!(
            expected.len() > 10,
            "the filter {status:?} {recipient:?} matches"
        );
        assert_eq!(listed, expected, "{status:?} {recipient:?}");
    }
}
