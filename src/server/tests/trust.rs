//! Proofs of trust: the audit log, throttling, secrets and concurrent writes.

use reqwest::StatusCode;
use std::sync::{Arc, Mutex};

use super::support::{TestApp, PASSWORD};
#[path = "../../../tests/common/write_mix.rs"]
mod write_mix;
use crate::domain::{Money, PermissionSet};
use crate::server::db::{Backend, Pool};
use crate::server::gateway;

#[tokio::test]
async fn the_audit_log_refuses_updates_and_deletes() {
    let app = TestApp::spawn().await;
    app.account("olivia", true).await;
    app.login("olivia").await;
    let entries: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(entries, 1, "the login is recorded");
    for tampering in [
        "UPDATE audit_log SET action = 'nothing'",
        "DELETE FROM audit_log",
    ] {
        let error = sqlx::query(tampering).execute(&app.pool).await.unwrap_err();
        assert!(
            error.to_string().contains("append-only"),
            "{tampering}: {error}"
        );
    }
}

/// account, actor, subject, action, detail
type AuditLine = (Option<i64>, Option<String>, String, String, String);

#[tokio::test]
async fn failed_logins_and_permission_changes_are_audited_with_their_difference() {
    let app = TestApp::spawn().await;
    let account = app.account("olivia", true).await;
    let id = app
        .sub_account(&account, "sam", PermissionSet::empty())
        .await;
    assert!(app.try_login("sam", "wrong password here").await.is_err());
    let owner = app.login("olivia").await;
    let form = vec![
        ("id", id.to_string()),
        ("permissions[]", "see_prices".into()),
    ];
    assert_eq!(
        app.call(Some(&owner), "sub-accounts/access/save", form)
            .await
            .status(),
        StatusCode::OK
    );
    let rows: Vec<AuditLine> = sqlx::query_as(
        "SELECT account_id, actor_login, subject, action, detail FROM audit_log ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        rows[0],
        (
            Some(account.id),
            None,
            "sam".into(),
            "login_failed".into(),
            String::new()
        )
    );
    assert_eq!(
        rows.last().unwrap(),
        &(
            Some(account.id),
            Some("olivia".into()),
            "sam".into(),
            "permissions_changed".into(),
            "+see_prices".into()
        )
    );
    // The owner reads their account's entries through the audit page's server function.
    let listed: serde_json::Value = app
        .call(Some(&owner), "audit/list", vec![])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["total"], 3);
}

#[tokio::test]
async fn one_address_is_limited_to_its_login_attempts_per_minute() {
    let app = TestApp::spawn_with(crate::server::app::HttpConfig {
        login_attempts_per_minute: 3,
        ..Default::default()
    })
    .await;
    app.account("olivia", true).await;
    for login in ["nobody-1", "nobody-2", "nobody-3"] {
        let refused = app.try_login(login, "not the password!").await.unwrap_err();
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    }
    // Spraying other names from the same address does not get around it,
    // and even the right password waits: the limit counts attempts.
    let limited = app.try_login("olivia", PASSWORD).await.unwrap_err();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited
        .text()
        .await
        .unwrap()
        .contains("Too many login attempts from your network. Try again in 20 seconds."));
}

#[tokio::test]
async fn guessing_the_current_password_is_throttled_like_a_login() {
    let app = TestApp::spawn().await;
    app.account("olivia", true).await;
    let session = app.login("olivia").await;
    let change = |current: &str| {
        vec![
            ("current_password", current.to_owned()),
            ("new_password", "a new passphrase".to_owned()),
            ("confirm_password", "a new passphrase".to_owned()),
        ]
    };
    let mut statuses = Vec::new();
    while statuses.last() != Some(&StatusCode::TOO_MANY_REQUESTS) && statuses.len() < 10 {
        let response = app
            .call(Some(&session), "account/password", change("a wrong guess"))
            .await;
        statuses.push(response.status());
    }
    // Five free failures, then waits (whole seconds, so the first may lapse).
    assert!(statuses[..5]
        .iter()
        .all(|s| *s == StatusCode::UNPROCESSABLE_ENTITY));
    assert_eq!(
        statuses.last(),
        Some(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // The block is at least two seconds now: even the right password waits.
    let throttled = app
        .call(Some(&session), "account/password", change(PASSWORD))
        .await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        app.try_login("olivia", PASSWORD).await.is_err(),
        "the login waits too"
    );
}

#[tokio::test]
async fn repeated_failures_throttle_the_login_but_not_others() {
    let app = TestApp::spawn().await;
    app.account("olivia", true).await;
    app.account("oscar", true).await;
    for _ in 0..5 {
        let refused = app
            .try_login("olivia", "not the password!")
            .await
            .unwrap_err();
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    }
    throttle_by_failing(&app, "olivia").await;
    // A refusal checks no password, so this follows at once, inside the wait.
    let throttled = app.try_login("olivia", PASSWORD).await.unwrap_err();
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(throttled
        .text()
        .await
        .unwrap()
        .contains("Too many failed attempts"));
    app.login("oscar").await;
    // Unknown logins are throttled alike, so throttling reveals nothing.
    for _ in 0..5 {
        assert!(app.try_login("nobody", "whatever it is").await.is_err());
    }
    throttle_by_failing(&app, "nobody").await;
}

/// Fails to log in as `login` until refused outright (429). Past the free
/// attempts each wait doubles (1 s, 2 s, 4 s, …), so within a few attempts
/// it outlasts a password check, however slow the machine.
async fn throttle_by_failing(app: &TestApp, login: &str) {
    for _ in 0..8 {
        let refused = app.try_login(login, "not the password!").await.unwrap_err();
        match refused.status() {
            StatusCode::TOO_MANY_REQUESTS => return,
            status => assert_eq!(status, StatusCode::UNAUTHORIZED),
        }
    }
    panic!("{login} was never throttled");
}

/// Collects every log line written while it is the thread's subscriber.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn passwords_never_reach_the_logs_or_the_database_in_clear() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let app = TestApp::spawn().await;
    app.account("olivia", true).await;
    let owner = app.login("olivia").await;
    let secret = "a very memorable secret phrase";
    let form = vec![
        ("login", "sam".to_owned()),
        ("password", secret.to_owned()),
        ("name", "Sam Sub".into()),
        ("phone", "+44 20 7946 0001".into()),
        ("email", "sam@example.com".into()),
    ];
    assert_eq!(
        app.call(Some(&owner), "sub-accounts/create", form)
            .await
            .status(),
        StatusCode::OK
    );
    app.try_login("sam", secret).await.unwrap();
    assert!(app.try_login("sam", "a wrong secret phrase").await.is_err());

    let logs = String::from_utf8_lossy(&captured.0.lock().unwrap()).to_string();
    assert!(!logs.is_empty(), "the logs were captured");
    for clear in [secret, PASSWORD, "a wrong secret phrase"] {
        assert!(!logs.contains(clear), "a password appears in the logs");
    }
    for clear in [secret, PASSWORD] {
        assert!(
            !stored_bytes(&app.pool)
                .await
                .windows(clear.len())
                .any(|w| w == clear.as_bytes()),
            "a password appears in the database"
        );
    }
}

/// Everything the database holds: on SQLite its file, on PostgreSQL every
/// row of every table as text.
async fn stored_bytes(pool: &Pool) -> Vec<u8> {
    match Backend::of(pool) {
        Backend::Sqlite => {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(pool)
                .await
                .unwrap();
            let file: String =
                sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
                    .fetch_one(pool)
                    .await
                    .unwrap();
            std::fs::read(file).unwrap()
        }
        Backend::Postgres => {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables \
                 WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'",
            )
            .fetch_all(pool)
            .await
            .unwrap();
            assert!(tables.len() > 10, "every table is read");
            let mut bytes = Vec::new();
            for table in tables {
                let rows: Vec<String> = sqlx::query_scalar(&format!(
                    "SELECT CAST(row_to_json(t) AS TEXT) FROM {table} t"
                ))
                .fetch_all(pool)
                .await
                .unwrap();
                bytes.extend(rows.concat().into_bytes());
            }
            // JSON shows binary columns (the sessions' data) in hex: read them raw.
            let binary: Vec<(String, String)> = sqlx::query_as(
                "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name), quote_ident(column_name) \
                 FROM information_schema.columns WHERE data_type = 'bytea' \
                 AND table_schema NOT IN ('pg_catalog', 'information_schema')",
            )
            .fetch_all(pool)
            .await
            .unwrap();
            for (table, column) in binary {
                let values: Vec<Vec<u8>> =
                    sqlx::query_scalar(&format!("SELECT {column} FROM {table}"))
                        .fetch_all(pool)
                        .await
                        .unwrap();
                bytes.extend(values.concat());
            }
            bytes
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_writes_are_all_kept_and_add_up() {
    let app = Arc::new(TestApp::spawn().await);
    let account = app.account("olivia", true).await;
    let target = app
        .sub_account(&account, "target", PermissionSet::empty())
        .await;
    let mut sessions = Vec::new();
    for _ in 0..8 {
        sessions.push(app.login("olivia").await);
    }
    let started = std::time::Instant::now();
    let mut tasks = Vec::new();
    for n in 0..write_mix::WRITES {
        let (app, session) = (app.clone(), sessions[n % sessions.len()].clone());
        tasks.push(tokio::spawn(async move {
            let (mut endpoint, mut form) = write_mix::first_step(n, target, PASSWORD);
            if matches!(endpoint, "finance/top-up" | "sending/review") {
                let first = app.call(Some(&session), endpoint, form).await;
                assert_eq!(first.status(), StatusCode::OK, "{endpoint} {n}");
                let id: i64 = first.json().await.unwrap();
                (endpoint, form) = write_mix::second_step(endpoint, id).expect("a second step");
            }
            let status = app.call(Some(&session), endpoint, form).await.status();
            (n, status)
        }));
    }
    let mut acknowledged = [0usize; 4];
    for task in tasks {
        let (n, status) = task.await.unwrap();
        assert!(
            !status.is_server_error(),
            "request {n} failed with {status}"
        );
        if status == StatusCode::OK {
            acknowledged[n % 4] += 1;
        }
    }
    let elapsed = started.elapsed();
    let count = |sql: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(acknowledged[0], 250, "every creation succeeds");
    assert_eq!(
        count("SELECT COUNT(*) FROM users WHERE login LIKE 'load-%'").await,
        250
    );
    assert_eq!(acknowledged[2], 250);
    assert_eq!(
        count("SELECT COUNT(*) FROM balance_transactions WHERE kind = 'top_up'").await,
        250
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM campaigns").await as usize,
        acknowledged[3]
    );
    let balance = count("SELECT balance FROM account_balances").await;
    let ledger = count("SELECT CAST(SUM(amount) AS BIGINT) FROM balance_transactions").await;
    assert_eq!(
        balance, ledger,
        "the balance is exactly the sum of its transactions"
    );
    assert!(balance >= 0);
    assert_eq!(
        Money(250 * 10 * Money::PER_EURO).0
            - count(
                "SELECT CAST(-COALESCE(SUM(amount), 0) AS BIGINT) FROM balance_transactions WHERE kind = 'charge'"
            )
            .await,
        balance
    );
    eprintln!("1,000 concurrent writes in {elapsed:.1?}: {acknowledged:?} acknowledged (create, permissions, top-up, send)");
}

/// On SQLite a commit never copies the write-ahead log back into the
/// database itself (one that did held up every writer queued behind it):
/// the background checkpoint does, and the log then starts over.
#[tokio::test]
async fn sqlite_checkpoints_in_the_background_never_in_a_commit() {
    let app = TestApp::spawn().await;
    if Backend::of(&app.pool) != Backend::Sqlite {
        return;
    }
    let automatic: i64 = sqlx::query_scalar("PRAGMA wal_autocheckpoint")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(automatic, 0);
    let write = |n: usize| {
        sqlx::query(
            "INSERT INTO login_failures (login_key, failures, window_start, blocked_until) \
             VALUES ($1, 0, 0, 0)",
        )
        .bind(format!("writer-{n}"))
        .execute(&app.pool)
    };
    // A few hundred frames: fewer than SQLite's own threshold of 1,000.
    for n in 0..300 {
        write(n).await.unwrap();
    }
    tokio::time::sleep(std::time::Duration::from_millis(1_200)).await;
    write(300).await.unwrap();
    let (_, frames, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(frames < 100, "the log holds {frames} frames");
}

/// The dispatcher looks for work twice a second, idle or not: each look
/// must go through the index of messages in flight. A scan of every
/// message kept an idle server at 14 % of a core on 200,000 messages, and
/// more the more were sent. (PostgreSQL infers the partial index itself.)
#[tokio::test]
async fn the_dispatcher_finds_its_work_through_an_index_never_a_scan() {
    let app = TestApp::spawn().await;
    if Backend::of(&app.pool) != Backend::Sqlite {
        return;
    }
    for lookup in [
        gateway::queued_lookup(Backend::Sqlite),
        gateway::reports_lookup(Backend::Sqlite),
    ] {
        let plan: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(&format!("EXPLAIN QUERY PLAN {lookup}"))
                .bind("2026-01-01T00:00:00Z")
                .bind(500i64)
                .fetch_all(&app.pool)
                .await
                .unwrap();
        let steps: Vec<&str> = plan.iter().map(|step| step.3.as_str()).collect();
        assert_eq!(
            steps,
            ["SEARCH messages USING INDEX messages_in_flight (status=?)"],
            "{lookup}"
        );
    }
}

/// The per-day totals Analytics sums always equal what the messages say,
/// through concurrent sends, a delivery round and (on PostgreSQL, where
/// each statement appends its own deltas) a fold into one row per key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_day_totals_match_the_messages_through_concurrent_sends_and_folding() {
    use crate::server::{daily_totals, gateway, sending};
    let app = TestApp::spawn().await;
    let account = app.funded_account("olivia", 1_000).await;
    let owner = app.user_id("olivia").await;
    let sends = (0..8).map(|n| {
        let pool = app.pool.clone();
        tokio::spawn(async move {
            let numbers = format!("+4474309001{n:02}\n+3361234560{n}\n+4474309002{n:02}");
            let plan = sending::plan(&pool, account.id, "INFO", None, &numbers, "Hi")
                .await
                .unwrap();
            sending::send(&pool, account.id, owner, &plan)
                .await
                .unwrap();
        })
    });
    for send in sends.collect::<Vec<_>>() {
        send.await.unwrap();
    }
    gateway::step(&app.pool, &gateway::SimulatedGateway::default())
        .await
        .unwrap();
    assert_totals_match_messages(&app.pool).await;

    let folded = daily_totals::fold(&app.pool).await.unwrap();
    assert_totals_match_messages(&app.pool).await;
    if Backend::of(&app.pool) == Backend::Postgres {
        // Eight sends and one delivery statement: each wrote its deltas.
        assert!(folded >= 9, "folded {folded} deltas");
        let (rows, keys): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(DISTINCT (account_id, day, country_code, status)) FROM message_daily",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(rows, keys, "one row per key once folded");
        assert_eq!(daily_totals::fold(&app.pool).await.unwrap(), 0);
    } else {
        assert_eq!(folded, 0, "SQLite's totals are folded as written");
    }
}

/// Per account, day, country and status: the totals' sums against a count
/// of the messages themselves (keys whose sums are zero aside).
async fn assert_totals_match_messages(pool: &Pool) {
    type Totals = Vec<(i64, String, String, String, i64, i64, i64)>;
    let totals: Totals = sqlx::query_as(
        "SELECT account_id, day, country_code, status, CAST(SUM(messages) AS BIGINT), \
         CAST(SUM(parts) AS BIGINT), CAST(SUM(cost) AS BIGINT) FROM message_daily \
         GROUP BY account_id, day, country_code, status \
         HAVING SUM(messages) <> 0 OR SUM(parts) <> 0 OR SUM(cost) <> 0 ORDER BY 1, 2, 3, 4",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let counted: Totals = sqlx::query_as(
        "SELECT account_id, substr(created_at, 1, 10), country_code, status, COUNT(*), \
         CAST(SUM(parts) AS BIGINT), CAST(SUM(price) AS BIGINT) FROM messages \
         GROUP BY account_id, substr(created_at, 1, 10), country_code, status ORDER BY 1, 2, 3, 4",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(counted.len() >= 2, "messages in two countries: {counted:?}");
    assert_eq!(totals, counted);
}
