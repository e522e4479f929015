//! What a new customer tripped over (issue #17), on the server side.

use reqwest::StatusCode;

use super::support::TestApp;
use crate::{
    domain::{Money, PermissionSet},
    server::{
        finance,
        gateway::{self, SimulatedGateway},
        sending, stop_list,
    },
};

#[tokio::test]
async fn a_campaign_is_refunded_in_one_line_when_it_completes() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    let owner = app.user_id("olivia").await;
    finance::top_up(&app.pool, account.id, owner, Money::euros(50))
        .await
        .unwrap();
    let failing: Vec<String> = (0..2000)
        .map(|n| format!("+4474309{n:05}"))
        .filter(|p| SimulatedGateway::fails(p))
        .take(6)
        .collect();
    let numbers = format!("+447430900001\n{}", failing.join("\n"));
    let plan = sending::plan(&app.pool, account.id, "INFO", None, &numbers, "Hi")
        .await
        .unwrap();
    // Two campaigns, completed in the same round: a line each.
    for _ in 0..2 {
        sending::send(&app.pool, account.id, owner, &plan)
            .await
            .unwrap();
    }
    let gateway = SimulatedGateway::default();
    gateway::step(&app.pool, &gateway).await.unwrap();
    sqlx::query("UPDATE messages SET sent_at = $1")
        .bind(crate::server::db::before_now(
            std::time::Duration::from_secs(5),
        ))
        .execute(&app.pool)
        .await
        .unwrap();
    gateway::step(&app.pool, &gateway).await.unwrap();
    let refunds: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT amount, balance_after FROM balance_transactions WHERE kind = 'refund'",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let unit = plan.recipients[0].price;
    assert_eq!(refunds.len(), 2, "one line per campaign: {refunds:?}");
    assert!(refunds.iter().all(|(amount, _)| *amount == 6 * unit));
    // The balance column runs on without a gap, in time order.
    let ledger: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT amount, balance_after FROM balance_transactions ORDER BY created_at, id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let mut running = 0;
    for (amount, after) in ledger {
        running += amount;
        assert_eq!(after, running);
    }
}

#[tokio::test]
async fn a_top_up_is_paid_once_and_only_once_confirmed() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    let owner = app.login("olivia").await;
    let balance = || sending::balance(&app.pool, account.id);
    let intent = app
        .json(&owner, "finance/top-up", vec![("amount", "50,50".into())])
        .await
        .as_i64()
        .unwrap();
    assert_eq!(
        balance().await.unwrap(),
        Money(0),
        "nothing is paid before the confirmation"
    );
    let shown = app
        .json(
            &owner,
            "finance/top-up/intent",
            vec![("id", intent.to_string())],
        )
        .await;
    assert_eq!(shown, 505_000, "€50.50, not €5,050");
    let pay = || vec![("intent", intent.to_string())];
    let (first, second) = tokio::join!(
        app.call(Some(&owner), "finance/top-up/pay", pay()),
        app.call(Some(&owner), "finance/top-up/pay", pay())
    );
    let mut statuses = [first.status(), second.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::UNPROCESSABLE_ENTITY]);
    assert_eq!(balance().await.unwrap(), Money(505_000), "paid once");
    let ambiguous = app
        .call(
            Some(&owner),
            "finance/top-up",
            vec![("amount", "1,000,5".into())],
        )
        .await;
    assert_eq!(ambiguous.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_review_is_sent_once_and_only_by_its_author() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    app.sub_account(&account, "sam", PermissionSet::all()).await;
    let owner = app.user_id("olivia").await;
    finance::top_up(&app.pool, account.id, owner, Money::euros(10))
        .await
        .unwrap();
    let olivia = app.login("olivia").await;
    let draft = vec![
        ("sender", "INFO".into()),
        ("numbers", "+447430900001".into()),
        ("text", "Reviewed text".into()),
    ];
    let review = app
        .json(&olivia, "sending/review", draft)
        .await
        .as_i64()
        .unwrap();
    let send = || vec![("review", review.to_string())];
    let sam = app.login("sam").await;
    assert_eq!(
        app.call(Some(&sam), "sending/send", send()).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "another user's review cannot be sent"
    );
    let (first, second) = tokio::join!(
        app.call(Some(&olivia), "sending/send", send()),
        app.call(Some(&olivia), "sending/send", send())
    );
    let mut statuses = [first.status(), second.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::UNPROCESSABLE_ENTITY]);
    let campaigns: Vec<String> = sqlx::query_scalar("SELECT text FROM campaigns")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(campaigns, ["Reviewed text"], "one campaign, as reviewed");
}

#[tokio::test]
async fn the_stop_list_refuses_duplicates_and_unknown_numbers() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    stop_list::add(&app.pool, account.id, "+44 7430 900555")
        .await
        .unwrap();
    let again = stop_list::add(&app.pool, account.id, "+447430900555").await;
    assert!(again.unwrap_err().form_errors().is_some());
    assert!(stop_list::add(&app.pool, account.id, "not a number")
        .await
        .is_err());
    let page = stop_list::page(&app.pool, account.id, "900 555", 1)
        .await
        .unwrap();
    assert_eq!(page.items[0].display, "+44 7430 900555");
    assert!(stop_list::remove(&app.pool, account.id, "+447430900999")
        .await
        .is_err());
    stop_list::remove(&app.pool, account.id, "+447430900555")
        .await
        .unwrap();
}

#[tokio::test]
async fn an_invoice_is_a_page_of_its_charges_in_the_account_zone() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    sqlx::query("UPDATE accounts SET timezone = 'Asia/Kolkata' WHERE id = $1")
        .bind(account.id)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO balance_transactions (account_id, kind, amount, balance_after, description, created_at) \
         VALUES ($1, 'charge', -1230000, 0, 'Campaign #7: 12 recipients', '2026-10-05T20:00:00Z')",
    )
    .bind(account.id)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO invoices (account_id, number, period, amount, status, issued_at) \
         VALUES ($1, 'NW-202610-1', '2026-10', 1230000, 'paid', '2026-11-01T00:00:00Z')",
    )
    .bind(account.id)
    .execute(&app.pool)
    .await
    .unwrap();
    let owner = app.login("olivia").await;
    let page = app.get(Some(&owner), "/finance/invoices/NW-202610-1").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Invoice NW-202610-1"));
    assert!(html.contains("Campaign #7: 12 recipients"));
    assert!(html.contains("€123.00"));
    // 20:00 UTC is 01:30 the next day in Kolkata, and the heading says so.
    assert!(html.contains("2026-10-06 01:30"), "{html}");
    assert!(html.contains("Date (Asia/Kolkata)"));
    let missing = app.get(Some(&owner), "/finance/invoices/NW-000000-9").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}
