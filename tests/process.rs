//! Proofs against the real server process: killed with SIGKILL in the middle
//! of a write load, it loses nothing it acknowledged and its database stays
//! intact; stopped with SIGTERM, it finishes the requests in flight and the
//! campaign it was sending, and after a restart it hands no message to the
//! carrier twice; webhook deliveries outlive the process that was to send
//! them, and two processes post each event once; SMPP receipts wait in the
//! database through a restart for the next receiver bind.

use reqwest::{header, redirect, StatusCode};
use rusmpp::{CommandId, CommandStatus, Pdu};
use smpp_client::{submit_sm, SmppClient};
use sms_portal::server::db::Pool;
use sms_portal::{
    domain::{ContactForm, Money, NewUser},
    server::{db, demo_volume, finance, password::Passwords, users},
};
use std::{
    collections::HashSet,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};
use tempfile::TempDir;

#[path = "common/database.rs"]
mod database;
#[path = "common/form.rs"]
mod form;
#[path = "common/smpp_client.rs"]
mod smpp_client;
#[path = "common/write_mix.rs"]
mod write_mix;

const PASSWORD: &str = "correct horse battery staple";

/// A fresh database with one account ("olivia", sub-accounts on): a SQLite
/// file, or a new database on the PostgreSQL server that
/// `SMS_PORTAL_TEST_POSTGRES` names.
struct Fixture {
    dir: TempDir,
    url: String,
    account_id: i64,
    owner_id: i64,
}

impl Fixture {
    async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = database::fresh_database(dir.path(), "portal.db").await;
        let fixture = Self {
            dir,
            url,
            account_id: 0,
            owner_id: 0,
        };
        let pool = fixture.pool().await;
        let contact = ContactForm {
            name: "Olivia Owner".into(),
            phone: "+44 20 7946 0958".into(),
            email: "olivia@example.com".into(),
            company: String::new(),
        };
        let owner = NewUser::parse("olivia", PASSWORD, &contact).unwrap();
        let account_id = users::create_account(&pool, &Passwords::new(), &owner, true)
            .await
            .unwrap();
        let owner_id = sqlx::query_scalar("SELECT id FROM users WHERE login = 'olivia'")
            .fetch_one(&pool)
            .await
            .unwrap();
        pool.close().await;
        Self {
            account_id,
            owner_id,
            ..fixture
        }
    }

    fn url(&self) -> String {
        self.url.clone()
    }

    /// Tops the account up by €5,000.
    async fn top_up(&self, pool: &Pool) {
        finance::top_up(pool, self.account_id, self.owner_id, Money::euros(5000))
            .await
            .unwrap();
    }

    fn on_postgres(&self) -> bool {
        self.url.starts_with("postgres")
    }

    fn carrier_log(&self) -> PathBuf {
        self.dir.path().join("carrier.log")
    }

    async fn pool(&self) -> Pool {
        db::connect(&self.url()).await.unwrap()
    }

    /// The references the simulated carrier was handed, in order.
    fn handed_over(&self) -> Vec<i64> {
        std::fs::read_to_string(self.carrier_log())
            .unwrap_or_default()
            .lines()
            .map(|line| line.parse().unwrap())
            .collect()
    }
}

/// The `sms-portal` binary serving the fixture's database.
struct Server {
    child: Child,
    base: String,
    client: reqwest::Client,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Server {
    async fn start(fixture: &Fixture) -> Self {
        Self::start_with(fixture, None).await
    }

    /// The server, also listening for SMPP on `smpp_port` when given.
    async fn start_with(fixture: &Fixture, smpp_port: Option<u16>) -> Self {
        let port = free_port();
        let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/site");
        let child = Command::new(env!("CARGO_BIN_EXE_sms-portal"))
            .env("DATABASE_URL", fixture.url())
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_SITE_ROOT", site)
            .env("LEPTOS_OUTPUT_NAME", "sms-portal")
            .env("SMS_PORTAL_LOGIN_PER_MINUTE", "0")
            .env("SMS_PORTAL_GATEWAY_LOG", fixture.carrier_log())
            .env("SMS_PORTAL_DELIVERY_LEASE_SECONDS", "2")
            // Webhook receivers of these tests listen on 127.0.0.1.
            .env("SMS_PORTAL_WEBHOOK_ALLOW_PRIVATE", "1")
            .env("RUST_LOG", "warn")
            .env(
                "SMS_PORTAL_SMPP_ADDR",
                smpp_port.map_or(String::new(), |port| format!("127.0.0.1:{port}")),
            )
            .stdout(Stdio::null())
            .spawn()
            .expect("the server binary starts");
        let server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            client: reqwest::Client::builder()
                .redirect(redirect::Policy::none())
                .timeout(Duration::from_secs(60))
                .build()
                .unwrap(),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while server.get(None, "/login").await.is_err() {
            assert!(Instant::now() < deadline, "the server did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        server
    }

    async fn get(&self, cookie: Option<&str>, path: &str) -> reqwest::Result<reqwest::Response> {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        request.send().await
    }

    async fn call(
        &self,
        cookie: Option<&str>,
        endpoint: &str,
        form: &[(&str, String)],
    ) -> reqwest::Result<reqwest::Response> {
        let body = form::encode_form(form);
        let mut request = self
            .client
            .post(format!("{}/api/{endpoint}", self.base))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .body(body);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        request.send().await
    }

    /// Logs olivia in; returns the session cookie.
    async fn login(&self) -> String {
        self.login_as("olivia").await
    }

    async fn login_as(&self, login: &str) -> String {
        let response = self
            .call(
                None,
                "session/login",
                &[("login", login.into()), ("password", PASSWORD.into())],
            )
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "login of {login}");
        let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
        cookie.split(';').next().unwrap().to_owned()
    }

    /// Reviews and sends a campaign to `recipients` distinct numbers.
    async fn send_campaign(&self, cookie: &str, recipients: usize) {
        let numbers: Vec<String> = (0..recipients).map(|n| format!("+4474309{n:05}")).collect();
        let draft = [
            ("sender", "INFO".into()),
            ("numbers", numbers.join("\n")),
            ("text", "Your order has shipped".into()),
        ];
        let review: i64 = self
            .call(Some(cookie), "sending/review", &draft)
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let sent = self
            .call(
                Some(cookie),
                "sending/send",
                &[("review", review.to_string())],
            )
            .await
            .unwrap();
        assert_eq!(
            sent.status(),
            StatusCode::OK,
            "{}",
            sent.text().await.unwrap()
        );
    }

    fn pid(&self) -> String {
        self.child.id().to_string()
    }

    /// SIGTERM, then waits for the process to end on its own.
    fn terminate(mut self) -> std::process::ExitStatus {
        let sent = Command::new("kill").args(["-TERM", &self.pid()]).status();
        assert!(sent.unwrap().success());
        self.child.wait().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGKILL: a no-op when the process has already ended.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn scalar(pool: &Pool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// Performs write `n` of the mix, both of its steps where it has two.
async fn perform(
    server: &Server,
    cookie: &str,
    n: usize,
    target: i64,
) -> reqwest::Result<StatusCode> {
    let (endpoint, form) = write_mix::first_step(n, target, PASSWORD);
    let response = server.call(Some(cookie), endpoint, &form).await?;
    if response.status() != StatusCode::OK {
        return Ok(response.status());
    }
    let id: i64 = match endpoint {
        "finance/top-up" | "sending/review" => response.json().await?,
        _ => return Ok(response.status()),
    };
    match write_mix::second_step(endpoint, id) {
        Some((endpoint, form)) => Ok(server.call(Some(cookie), endpoint, &form).await?.status()),
        None => Ok(StatusCode::OK),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_a_write_load_loses_no_acknowledged_write() {
    let fixture = Fixture::new().await;
    let server = Arc::new(Server::start(&fixture).await);
    let summary = write_load_with_a_kill(&fixture, std::slice::from_ref(&server)).await;
    drop(server);

    // It starts again on the same database and serves.
    let restarted = Server::start(&fixture).await;
    let session = restarted.login().await;
    let page = restarted
        .get(Some(&session), "/settings/sub-accounts")
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    eprintln!("{summary}");
}

/// Several processes on one PostgreSQL database: a session made by one is
/// good on the other; the write mix spread over both survives one of them
/// being killed; its claimed deliveries are taken over, and the carrier is
/// handed no message twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_one_postgres_database_through_a_sigkill() {
    let fixture = Fixture::new().await;
    if !fixture.on_postgres() {
        eprintln!("skipped: several processes need PostgreSQL (SMS_PORTAL_TEST_POSTGRES)");
        return;
    }
    let first = Arc::new(Server::start(&fixture).await);
    let second = Arc::new(Server::start(&fixture).await);
    let session = first.login().await;
    let page = second
        .get(Some(&session), "/settings/sub-accounts")
        .await
        .unwrap();
    assert_eq!(
        page.status(),
        StatusCode::OK,
        "a session of one process works on the other"
    );

    // A campaign both dispatchers hand over while the load runs and one dies.
    fixture.top_up(&fixture.pool().await).await;
    first.send_campaign(&session, 20_000).await;

    let started = Instant::now();
    let summary = write_load_with_a_kill(&fixture, &[first.clone(), second.clone()]).await;
    let load_time = started.elapsed();

    // The survivor delivers everything, the killed one's claims included.
    let pool = fixture.pool().await;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let in_flight = scalar(
            &pool,
            "SELECT COUNT(*) FROM messages WHERE status IN ('queued', 'sent')",
        )
        .await;
        if in_flight == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{in_flight} messages never delivered"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let messages = scalar(&pool, "SELECT COUNT(*) FROM messages").await;
    let handed = fixture.handed_over();
    let distinct: HashSet<i64> = handed.iter().copied().collect();
    assert_eq!(
        handed.len(),
        distinct.len(),
        "a message was handed to the carrier twice"
    );
    assert_eq!(
        distinct.len() as i64,
        messages,
        "every message reached the carrier"
    );
    let refunded_twice = scalar(
        &pool,
        "SELECT COUNT(*) FROM (SELECT campaign_id FROM balance_transactions WHERE kind = 'refund' \
         GROUP BY campaign_id HAVING COUNT(*) > 1) twice",
    )
    .await;
    assert_eq!(refunded_twice, 0, "a campaign was refunded twice");
    let page = second
        .get(Some(&session), "/settings/sub-accounts")
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    eprintln!(
        "two processes, {load_time:.1?}: {summary}; {messages} messages, each handed over once"
    );
}

/// Runs the 1,000-write mix spread over `servers`, SIGKILLs the first in
/// the middle, and checks that every acknowledged write is kept and the
/// money adds up. Returns a line saying what happened.
async fn write_load_with_a_kill(fixture: &Fixture, servers: &[Arc<Server>]) -> String {
    let victim = &servers[0];
    let owner = victim.login().await;
    let created = victim
        .call(
            Some(&owner),
            "sub-accounts/create",
            &write_mix::first_step(0, 0, PASSWORD)
                .1
                .iter()
                .map(|(k, v)| (*k, v.replace("load-0", "target")))
                .collect::<Vec<_>>(),
        )
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::OK);
    let target: i64 = {
        let pool = fixture.pool().await;
        scalar(&pool, "SELECT id FROM users WHERE login = 'target'").await
    };
    // Sessions live in the database: any process serves any of them.
    let mut sessions = vec![owner];
    for _ in 0..7 {
        sessions.push(victim.login().await);
    }

    let started = Instant::now();
    let answered = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for n in 0..write_mix::WRITES {
        // Every server gets every kind of write.
        let server = servers[(n / 4) % servers.len()].clone();
        let session = sessions[n % sessions.len()].clone();
        let answered = answered.clone();
        tasks.push(tokio::spawn(async move {
            let status = perform(&server, &session, n, target).await;
            answered.fetch_add(1, Ordering::Relaxed);
            (n, status)
        }));
    }
    // Kill it in the middle of the load: about 400 of the 1,000 answered.
    let deadline = Instant::now() + Duration::from_secs(120);
    while answered.load(Ordering::Relaxed) < 400 {
        assert!(Instant::now() < deadline, "the load did not progress");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let killed_after = started.elapsed();
    let killed = Command::new("kill")
        .args(["-KILL", &victim.pid()])
        .status()
        .unwrap();
    assert!(killed.success());

    let mut acknowledged: Vec<usize> = Vec::new();
    let mut refused: std::collections::BTreeMap<u16, usize> = Default::default();
    let mut cut_off = 0;
    for task in tasks {
        match task.await.unwrap() {
            (n, Ok(status)) => {
                assert!(!status.is_server_error(), "request {n} answered {status}");
                if status == StatusCode::OK {
                    acknowledged.push(n);
                } else {
                    *refused.entry(status.as_u16()).or_default() += 1;
                }
            }
            (_, Err(_)) => cut_off += 1,
        }
    }
    let kinds = |kind: usize| acknowledged.iter().filter(|n| *n % 4 == kind).count() as i64;
    assert!(
        !acknowledged.is_empty() && cut_off > 0,
        "the kill must fall inside the load"
    );

    let pool = fixture.pool().await;
    if !fixture.on_postgres() {
        let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(integrity, "ok");
    }
    for n in acknowledged.iter().filter(|n| *n % 4 == 0) {
        let present = scalar(
            &pool,
            &format!("SELECT COUNT(*) FROM users WHERE login = 'load-{n}'"),
        )
        .await;
        assert_eq!(present, 1, "acknowledged sub-account load-{n} is missing");
    }
    let top_ups = scalar(
        &pool,
        "SELECT COUNT(*) FROM balance_transactions WHERE kind = 'top_up'",
    )
    .await;
    assert!(
        top_ups >= kinds(2),
        "{top_ups} top-ups kept, {} acknowledged",
        kinds(2)
    );
    let campaigns = scalar(&pool, "SELECT COUNT(*) FROM campaigns").await;
    assert!(
        campaigns >= kinds(3),
        "{campaigns} campaigns kept, {} acknowledged",
        kinds(3)
    );
    let balance = scalar(&pool, "SELECT balance FROM account_balances").await;
    let ledger = scalar(
        &pool,
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM balance_transactions",
    )
    .await;
    assert_eq!(
        balance, ledger,
        "the balance is the sum of its transactions"
    );
    let overdrawn = scalar(
        &pool,
        "SELECT COUNT(*) FROM balance_transactions WHERE balance_after < 0",
    )
    .await;
    assert_eq!(overdrawn, 0, "the balance never went below zero");
    pool.close().await;
    format!(
        "SIGKILL after {killed_after:.1?}: {} writes acknowledged ({} create, {} permissions, {} top-up, {} send), \
         refused {refused:?}, {cut_off} cut off; 0 acknowledged writes lost",
        acknowledged.len(),
        kinds(0),
        kinds(1),
        kinds(2),
        kinds(3)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_in_flight_work_and_sending_resumes_without_repeats() {
    const RECIPIENTS: usize = 3000;
    let fixture = Fixture::new().await;
    {
        let pool = fixture.pool().await;
        // Enough history for a CSV export that is still streaming at the signal.
        demo_volume::seed_history(&pool, fixture.account_id, fixture.owner_id, 30_000)
            .await
            .unwrap();
        fixture.top_up(&pool).await;
        pool.close().await;
    }
    let server = Server::start(&fixture).await;
    let session = server.login().await;
    server.send_campaign(&session, RECIPIENTS).await;
    let (campaign, campaign_messages) = {
        let pool = fixture.pool().await;
        let campaign = scalar(&pool, "SELECT MAX(id) FROM campaigns").await;
        let queued = scalar(
            &pool,
            &format!("SELECT COUNT(*) FROM messages WHERE campaign_id = {campaign}"),
        )
        .await;
        pool.close().await;
        (campaign, queued as usize)
    };
    assert!(
        campaign_messages > RECIPIENTS / 2,
        "{campaign_messages} queued"
    );

    // An export in flight: its first bytes have arrived when the signal comes.
    let mut export = server
        .get(Some(&session), "/export/analytics-details.csv")
        .await
        .unwrap();
    assert_eq!(export.status(), StatusCode::OK);
    let mut body = export.chunk().await.unwrap().unwrap().to_vec();
    // …and the dispatcher has handed over some messages, not all.
    let deadline = Instant::now() + Duration::from_secs(20);
    while fixture.handed_over().is_empty() {
        assert!(Instant::now() < deadline, "sending did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let pid = server.pid();
    let terminate = tokio::task::spawn_blocking(move || server.terminate());
    while let Some(chunk) = export.chunk().await.expect("the export completes") {
        body.extend_from_slice(&chunk);
    }
    let status = terminate.await.unwrap();
    assert!(status.success(), "process {pid} ended with {status}");
    let rows = body.iter().filter(|b| **b == b'\n').count() - 1;
    let before_restart = fixture.handed_over();
    {
        let pool = fixture.pool().await;
        let exported_total = scalar(&pool, "SELECT COUNT(*) FROM messages").await as usize;
        // Streamed to its end: many rows, the last one complete.
        assert!(
            body.ends_with(b"\n") && rows > 10_000 && rows <= exported_total,
            "{rows} rows exported"
        );
        // Whatever was handed over was recorded before the process ended.
        let recorded = scalar(
            &pool,
            &format!("SELECT COUNT(*) FROM messages WHERE campaign_id = {campaign} AND status <> 'queued'"),
        )
        .await;
        assert_eq!(recorded as usize, before_restart.len());
        pool.close().await;
    }
    assert!(
        before_restart.len() < campaign_messages,
        "the signal must come before the campaign is through"
    );

    let restarted = Server::start(&fixture).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    while fixture.handed_over().len() < campaign_messages {
        assert!(Instant::now() < deadline, "sending did not resume");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    drop(restarted);
    let handed_over = fixture.handed_over();
    let distinct: HashSet<i64> = handed_over.iter().copied().collect();
    assert_eq!(
        handed_over.len(),
        campaign_messages,
        "no message is handed over twice"
    );
    assert_eq!(distinct.len(), campaign_messages);
    eprintln!(
        "SIGTERM: export of {rows} rows completed, process {status}; {} of {campaign_messages} messages handed over before, \
         the rest after the restart, 0 twice",
        before_restart.len()
    );
}

/// A webhook receiver that checks every signature with the
/// `standardwebhooks` crate and counts each webhook-id it accepts.
async fn receive_webhooks(
    listener: tokio::net::TcpListener,
    secret: String,
) -> Arc<std::sync::Mutex<Vec<String>>> {
    use axum::{body::Bytes, http::HeaderMap, routing::post, Router};
    let seen: Arc<std::sync::Mutex<Vec<String>>> = Arc::default();
    let verifier = Arc::new(standardwebhooks::Webhook::new(&secret).unwrap());
    let record = seen.clone();
    let hook = move |headers: HeaderMap, body: Bytes| {
        let (verifier, record) = (verifier.clone(), record.clone());
        async move {
            if verifier.verify(&body, &headers).is_err() {
                return axum::http::StatusCode::UNAUTHORIZED;
            }
            let id = headers["webhook-id"].to_str().unwrap().to_owned();
            record.lock().unwrap().push(id);
            axum::http::StatusCode::OK
        }
    };
    let app = Router::new().route("/hook", post(hook));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    seen
}

async fn wait_for(pool: &Pool, sql: &str, want: i64, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let got = scalar(pool, sql).await;
        if got == want {
            return;
        }
        assert!(Instant::now() < deadline, "{sql}: {got}, not {want}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_deliveries_outlive_a_killed_process_and_two_processes_post_each_once() {
    use sms_portal::server::{
        inbound,
        webhooks::{endpoints, EventType, UrlPolicy},
    };
    let fixture = Fixture::new().await;
    let pool = fixture.pool().await;
    sqlx::query(
        "INSERT INTO sender_names (account_id, name, status) VALUES ($1, 'ACME', 'approved')",
    )
    .bind(fixture.account_id)
    .execute(&pool)
    .await
    .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let created = endpoints::create(
        &pool,
        fixture.account_id,
        &format!("http://127.0.0.1:{port}/hook"),
        &[EventType::InboundReceived],
        UrlPolicy {
            allow_private: true,
        },
    )
    .await
    .unwrap();

    // The receiver is down: the first process tries once, then is killed.
    let first = Server::start(&fixture).await;
    inbound::receive(&pool, "+4915112345678", "ACME", "first")
        .await
        .unwrap();
    wait_for(
        &pool,
        "SELECT attempts FROM webhook_deliveries",
        1,
        Duration::from_secs(10),
    )
    .await;
    drop(first);
    for n in 0..20 {
        inbound::receive(&pool, "+4915112345678", "ACME", &format!("event {n}"))
            .await
            .unwrap();
    }

    // Up again, with two processes sending.
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let seen = receive_webhooks(listener, created.secret).await;
    let (a, b) = (Server::start(&fixture).await, Server::start(&fixture).await);
    wait_for(
        &pool,
        "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'delivered'",
        21,
        Duration::from_secs(30),
    )
    .await;
    let seen = seen.lock().unwrap().clone();
    let distinct: HashSet<&String> = seen.iter().collect();
    assert_eq!((seen.len(), distinct.len()), (21, 21), "each event once");
    let stored: Vec<String> = sqlx::query_scalar("SELECT event_id FROM webhook_deliveries")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(distinct, stored.iter().collect::<HashSet<_>>());
    drop((a, b));
}

#[tokio::test]
async fn smpp_receipts_wait_in_the_database_through_a_restart_for_the_next_receiver() {
    const MESSAGES: usize = 20;
    let fixture = Fixture::new().await;
    {
        let pool = fixture.pool().await;
        fixture.top_up(&pool).await;
        pool.close().await;
    }
    // The operator's command prints exactly the two lines a script reads.
    let made = Command::new(env!("CARGO_BIN_EXE_sms-portal"))
        .args([
            "smpp",
            "create",
            "--account",
            "olivia",
            "--allow",
            "127.0.0.1/32",
        ])
        .env("DATABASE_URL", fixture.url())
        .output()
        .unwrap();
    assert!(made.status.success());
    let printed = String::from_utf8(made.stdout).unwrap();
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines.len(), 2, "{printed}");
    let system_id = lines[0].strip_prefix("system_id=").unwrap().to_owned();
    let password = lines[1].strip_prefix("password=").unwrap().to_owned();
    assert_eq!(password.len(), 8);

    let smpp_port = free_port();
    let server = Server::start_with(&fixture, Some(smpp_port)).await;
    let smpp = std::net::SocketAddr::from(([127, 0, 0, 1], smpp_port));
    let mut transmitter =
        SmppClient::bound(smpp, CommandId::BindTransmitter, &system_id, &password).await;
    let mut sent = HashSet::new();
    for n in 0..MESSAGES {
        let to = format!("4474309{n:05}");
        let submit = submit_sm("INFO", &to, 0, 0, b"Parcel shipped", 1);
        let (status, id) = transmitter.submit(submit).await;
        assert_eq!(status, CommandStatus::EsmeRok);
        sent.insert(id);
    }
    drop(transmitter);
    // Stopped while its messages are on their way; their receipts fall due
    // with no receiver bound, and then the process stops again.
    assert!(server.terminate().success());
    let server = Server::start_with(&fixture, Some(smpp_port)).await;
    let pool = fixture.pool().await;
    wait_for(
        &pool,
        "SELECT COUNT(*) FROM smpp_outbox WHERE sent_at_ms IS NULL",
        MESSAGES as i64,
        Duration::from_secs(30),
    )
    .await;
    assert!(server.terminate().success());

    let _server = Server::start_with(&fixture, Some(smpp_port)).await;
    let mut receiver =
        SmppClient::bound(smpp, CommandId::BindReceiver, &system_id, &password).await;
    let mut receipted = HashSet::new();
    while receipted.len() < MESSAGES {
        let command = receiver.next().await.expect("every receipt arrives");
        let Some(Pdu::DeliverSm(deliver)) = command.pdu() else {
            panic!("not a deliver_sm: {command:?}");
        };
        let body = String::from_utf8(deliver.short_message().as_ref().to_vec()).unwrap();
        let id = body["id:".len()..].split(' ').next().unwrap().to_owned();
        assert!(receipted.insert(id), "a receipt came twice: {body}");
        receiver.acknowledge(command.sequence_number).await;
    }
    assert_eq!(receipted, sent);
    assert!(
        receiver.next_within(Duration::from_secs(2)).await.is_none(),
        "nothing more"
    );
    pool.close().await;
}
