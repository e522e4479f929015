//! The benchmark of sms-portal: `scripts/bench` (or `cargo bench --features
//! ssr --bench portal`). It seeds a fresh database, serves it from a child
//! process running the portal's own router (this program re-run as
//! `serve`), loads it with a Rust HTTP client and prints a table and JSON.
//!
//! Only this program registers the unguarded twin of a server function that
//! the guard-overhead row compares against; the `sms-portal` binary has no
//! such route. `--tiny` runs every measurement briefly on little data: the
//! test suite does so to prove the benchmark still works. `--only login,data`
//! runs just the named sections (guard, login, data, api, smpp, ssr, client, mix).
//! `--compare PATH` adds another server binary (an older build) to the
//! `ssr` section, measured alternately with this one. `--backend postgres` (or `both`) runs them on PostgreSQL, on a database
//! of its own on the server `SMS_PORTAL_TEST_POSTGRES` names (`scripts/bench`
//! starts a throwaway one); SQLite is the default.

use leptos::prelude::*;
use reqwest::{header, redirect, Client, StatusCode};
use serde_json::{json, Value};
use sms_portal::{
    api::{prices::PriceRow, AppError},
    domain::{ContactForm, Money, NewUser, Permission, PermissionSet},
    server::{api_keys, app, db, demo_volume, finance, password::Passwords, sub_accounts, users},
};
use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

const PASSWORD: &str = "correct horse battery staple";

#[path = "../tests/common/database.rs"]
mod database;
#[path = "../tests/common/form.rs"]
mod form;
#[path = "../tests/common/smpp_client.rs"]
mod smpp_client;
#[path = "portal/smpp.rs"]
mod smpp_section;
#[path = "../tests/common/write_mix.rs"]
mod write_mix;

/// The guarded `prices/list` minus its guard: the same query and encoding.
#[server(endpoint = "bench/unguarded-prices")]
async fn unguarded_prices(#[server(default)] search: String) -> Result<Vec<PriceRow>, AppError> {
    let state = use_context::<sms_portal::server::AppState>().ok_or(AppError::Internal)?;
    Ok(sms_portal::server::prices::list(&state.pool, &search).await?)
}

struct Volume {
    messages: i64,
    sub_accounts: i64,
    /// How long each throughput measurement runs.
    window: Duration,
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("serve") {
        return serve(&args[2], &args[3]).await;
    }
    let tiny = args.iter().any(|a| a == "--tiny");
    // `--only login,client`: just those sections (guard, login, data, api, smpp, ssr, client, mix).
    let only: Vec<String> = args
        .iter()
        .skip_while(|a| *a != "--only")
        .nth(1)
        .map(|list| list.split(',').map(str::to_owned).collect())
        .unwrap_or_default();
    let volume = if tiny {
        Volume {
            messages: 20_000,
            sub_accounts: 60,
            window: Duration::from_millis(400),
        }
    } else {
        Volume {
            messages: 1_000_000,
            sub_accounts: 1_000,
            window: Duration::from_secs(5),
        }
    };
    // `--compare PATH`: an older build the `ssr` section measures too.
    let compare = args
        .iter()
        .skip_while(|a| *a != "--compare")
        .nth(1)
        .map(PathBuf::from);
    let backends: &[db::Backend] = match args
        .iter()
        .skip_while(|a| *a != "--backend")
        .nth(1)
        .map(String::as_str)
    {
        None | Some("sqlite") => &[db::Backend::Sqlite],
        Some("postgres") => &[db::Backend::Postgres],
        Some("both") => &[db::Backend::Sqlite, db::Backend::Postgres],
        Some(other) => panic!("--backend sqlite|postgres|both, not {other}"),
    };
    let mut report = json!({});
    for &backend in backends {
        let name = backend_name(backend);
        println!("\n# {name}");
        let section = run(&volume, tiny, &only, backend, compare.as_deref()).await;
        print_table(&section);
        report[name] = section;
    }
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&out).unwrap();
    let file = out.join(if tiny {
        "report-tiny.json"
    } else {
        "report.json"
    });
    std::fs::write(&file, serde_json::to_string_pretty(&report).unwrap()).unwrap();
    println!("{}", serde_json::to_string(&report).unwrap());
    println!("JSON written to {}", file.display());
    // The budgets hold for release builds; a tiny run only proves it works.
    let broken = broken_budgets(&report);
    if !tiny && !broken.is_empty() {
        eprintln!("budgets broken: {}", broken.join("; "));
        std::process::exit(1);
    }
}

/// The budgets of every backend's sections that were not met.
fn broken_budgets(report: &Value) -> Vec<String> {
    let sections = report.as_object().into_iter().flat_map(|o| o.values());
    sections
        .flat_map(|section| {
            let mut budgets = section["client"]["budgets"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            budgets.extend(team_budgets(&section["data"]));
            budgets.extend(api_budgets(&section["api"]));
            budgets.extend(smpp_section::budgets(&section["smpp"]));
            budgets
        })
        .filter(|budget| budget["ok"] != json!(true))
        .map(|budget| {
            format!(
                "{} = {} (limit {})",
                budget["what"], budget["figure"], budget["limit"]
            )
        })
        .collect()
}

/// #14's budgets: the Sub Accounts page with a permission filter, and bulk
/// actions on the whole team.
fn team_budgets(data: &Value) -> Vec<Value> {
    if data.is_null() {
        return Vec::new();
    }
    let bulk = &data["bulk"];
    vec![
        below(
            "Sub Accounts page, permission filter (ms)",
            &data["sub_accounts_permission_filter_ms"],
            10.0,
        ),
        below("bulk disable, whole team (ms)", &bulk["disable_ms"], 1000.0),
        below("bulk enable, whole team (ms)", &bulk["enable_ms"], 1000.0),
        below("bulk preset, whole team (ms)", &bulk["preset_ms"], 1000.0),
    ]
}

/// A budget met by a figure of at least `limit`.
fn at_least(what: &str, figure: &Value, limit: f64) -> Value {
    let ok = figure.as_f64().is_some_and(|f| f >= limit);
    json!({ "what": what, "figure": figure, "limit": limit, "ok": ok })
}

/// A budget met by a figure below `limit`.
fn below(what: &str, figure: &Value, limit: f64) -> Value {
    let ok = figure.as_f64().is_some_and(|f| f < limit);
    json!({ "what": what, "figure": figure, "limit": limit, "ok": ok })
}

/// #12's budgets: single sends from 16 clients, one send to 10,000, a deep
/// page (its median; the worst is printed beside it), and the portal
/// beside the senders.
fn api_budgets(api: &Value) -> Vec<Value> {
    if api.is_null() {
        return Vec::new();
    }
    let sends = &api["sends_16_clients"];
    vec![
        at_least("API sends/s, 16 clients", &sends["per_second"], 500.0),
        below("API send p99 (ms)", &sends["p99_ms"], 50.0),
        below(
            "API send to 10,000 recipients, worst of 3 (ms)",
            &api["send_10000_recipients"]["p99_ms"],
            1000.0,
        ),
        below("API deep page p50 (ms)", &api["deep_pages"]["p50_ms"], 5.0),
        below(
            "portal page p99 beside the API ÷ idle",
            &api["portal_p99_ratio"],
            2.0,
        ),
    ]
}

/// Where `cargo leptos build` wrote the site: `LEPTOS_SITE_ROOT`, as for the
/// server and the tests (scripts/env.sh sets it), else `target/site`.
fn site_root() -> PathBuf {
    std::env::var_os("LEPTOS_SITE_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/site"))
}

/// The child: the portal's router on the given database and port.
async fn serve(database_url: &str, port: &str) {
    let pool = db::connect(database_url).await.expect("database");
    let options = LeptosOptions::builder()
        .output_name("sms-portal")
        .site_root(site_root().to_string_lossy().to_string())
        .site_addr(
            format!("127.0.0.1:{port}")
                .parse::<std::net::SocketAddr>()
                .unwrap(),
        )
        .build();
    let config = app::HttpConfig {
        // Twenty clients log in from one address on purpose.
        login_attempts_per_minute: 0,
        // The API section measures the server, not the per-key limiter.
        api_rate_per_second: 1_000_000,
        api_burst: 1_000_000,
        ..app::HttpConfig::default()
    };
    let (router, _) = app::router(pool, options, &config).await.expect("router");
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}"))
        .await
        .expect("port");
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .await
    .unwrap();
}

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Waits until the child on `port` answers.
    async fn ready(child: Child, port: u16) -> Self {
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let client = client();
        let deadline = Instant::now() + Duration::from_secs(60);
        while client
            .get(format!("{}/login", server.base))
            .send()
            .await
            .is_err()
        {
            assert!(Instant::now() < deadline, "the server did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server
    }

    /// Peak and current resident memory of the child, in KiB.
    fn memory(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        (field("VmHWM:"), field("VmRSS:"))
    }
}

fn backend_name(backend: db::Backend) -> &'static str {
    match backend {
        db::Backend::Sqlite => "sqlite",
        db::Backend::Postgres => "postgres",
    }
}

/// An empty database of `backend`: a file in `dir`, or a new database on
/// the PostgreSQL server `SMS_PORTAL_TEST_POSTGRES` names.
async fn fresh_database(backend: db::Backend, dir: &Path) -> String {
    match backend {
        db::Backend::Sqlite => format!("sqlite://{}/bench.db", dir.display()),
        db::Backend::Postgres => {
            let admin = database::test_postgres()
                .expect("SMS_PORTAL_TEST_POSTGRES: the admin URL of a PostgreSQL server");
            database::scratch_postgres(&admin).await
        }
    }
}

struct Seeded {
    _dir: tempfile::TempDir,
    url: String,
    sub_user: &'static str,
    seconds: f64,
}

async fn seed(volume: &Volume, backend: db::Backend) -> Seeded {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(backend, dir.path()).await;
    let pool = db::connect(&url).await.unwrap();
    let passwords = Passwords::new();
    let contact = |name: &str| ContactForm {
        name: name.into(),
        phone: "+44 20 7946 0958".into(),
        email: "bench@example.com".into(),
        company: String::new(),
    };
    let owner = NewUser::parse("olivia", PASSWORD, &contact("Olivia Owner")).unwrap();
    let account = users::create_account(&pool, &passwords, &owner, true)
        .await
        .unwrap();
    let owner_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE login = 'olivia'")
        .fetch_one(&pool)
        .await
        .unwrap();
    demo_volume::seed_history(&pool, account, owner_id, volume.messages)
        .await
        .unwrap();
    finance::top_up(&pool, account, owner_id, Money::euros(100))
        .await
        .unwrap();
    // A sub-user whose grants every request must check.
    let sam = NewUser::parse("sam", PASSWORD, &contact("Sam Sub")).unwrap();
    let sam_id = sub_accounts::create(&pool, &passwords, account, &sam, None)
        .await
        .unwrap();
    users::mark_password_own(&pool, sam_id).await.unwrap();
    let grants = PermissionSet::empty()
        .with_granted(Permission::SeePrices)
        .with_granted(Permission::UseAnalyticsDetails);
    sub_accounts::save_permissions(&pool, account, sam_id, grants)
        .await
        .unwrap();
    // The team: one stored hash for all, since only the list is measured.
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(sam_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::query(&format!(
        "INSERT INTO users (account_id, role, login, password_hash, name, phone, email) \
         WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < $3) \
         SELECT $1, 'sub', 'team-' || n, $2, 'Team Member ' || n, '+4420794' || {}, 'team' || n || '@example.com' FROM seq",
        backend.zero_padded("n", 5)
    ))
    .bind(account)
    .bind(&hash)
    .bind(volume.sub_accounts)
    .execute(&pool)
    .await
    .unwrap();
    // A third of the team may export incoming SMS: the permission filter's answer.
    for permission in ["see_incoming_sms", "incoming_sms_export"] {
        sqlx::query(
            "INSERT INTO user_permissions (user_id, permission) \
             SELECT id, $2 FROM users WHERE account_id = $1 AND login LIKE 'team-%' AND id % 3 = 0",
        )
        .bind(account)
        .bind(permission)
        .execute(&pool)
        .await
        .unwrap();
    }
    if backend == db::Backend::Sqlite {
        // Seeding leaves a write-ahead log of gigabytes: checkpointed now, as
        // SQLite would have done bit by bit had the data come over months,
        // instead of by whichever page's commit comes first.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&pool)
            .await
            .unwrap();
    }
    pool.close().await;
    Seeded {
        _dir: dir,
        url,
        sub_user: "sam",
        seconds: started.elapsed().as_secs_f64(),
    }
}

async fn start(url: &str) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(std::env::current_exe().unwrap())
        .args(["serve", url, &port.to_string()])
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    Server::ready(child, port).await
}

/// The `sms-portal` binary built by `cargo leptos build` (`--release` for
/// the full run), on the seeded database.
async fn start_portal(url: &str, tiny: bool) -> Server {
    start_binary(&own_binary(tiny), url, &[]).await
}

/// The `sms-portal` binary `cargo leptos build` made (release unless tiny).
fn own_binary(tiny: bool) -> PathBuf {
    let profile = if tiny { "debug" } else { "release" };
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(profile)
        .join("sms-portal")
}

/// `binary` on `url`, with `settings` in its environment.
async fn start_binary(binary: &Path, url: &str, settings: &[(&str, String)]) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(binary)
        .env("DATABASE_URL", url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_SITE_ROOT", site_root())
        .env("LEPTOS_OUTPUT_NAME", "sms-portal")
        .env("SMS_PORTAL_LOGIN_PER_MINUTE", "0")
        .env("RUST_LOG", "error")
        .envs(settings.iter().map(|(name, value)| (*name, value.as_str())))
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|_| {
            panic!(
                "{} exists: run `cargo leptos build` first",
                binary.display()
            )
        });
    Server::ready(child, port).await
}

fn client() -> Client {
    Client::builder()
        .redirect(redirect::Policy::none())
        .timeout(Duration::from_secs(300))
        .build()
        .unwrap()
}

async fn login(client: &Client, base: &str, login: &str) -> String {
    let response = client
        .post(format!("{base}/api/session/login"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(format!(
            "login={login}&password={}",
            PASSWORD.replace(' ', "+")
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "login of {login}");
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    cookie.split(';').next().unwrap().to_owned()
}

/// One request of a measurement.
#[derive(Clone)]
struct Call {
    post: bool,
    path: String,
    body: String,
    cookie: Option<String>,
}

impl Call {
    fn get(path: &str, cookie: &str) -> Self {
        Self {
            post: false,
            path: path.into(),
            body: String::new(),
            cookie: Some(cookie.into()),
        }
    }

    fn post(path: &str, body: &str, cookie: Option<&str>) -> Self {
        Self {
            post: true,
            path: path.into(),
            body: body.into(),
            cookie: cookie.map(str::to_owned),
        }
    }

    async fn send(&self, client: &Client, base: &str) -> StatusCode {
        let response = self.request(client, base).send().await.expect("request");
        let status = response.status();
        let _ = response.bytes().await;
        status
    }

    fn request(&self, client: &Client, base: &str) -> reqwest::RequestBuilder {
        let url = format!("{base}{}", self.path);
        let mut request = if self.post {
            client
                .post(url)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT, "application/json")
                .body(self.body.clone())
        } else {
            client.get(url)
        };
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        request
    }
}

#[derive(Debug, Clone, Copy, serde::Serialize)]
struct Stats {
    requests: usize,
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
}

fn stats(mut latencies: Vec<Duration>, elapsed: Duration) -> Stats {
    latencies.sort();
    let at = |q: f64| {
        let i = ((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[i].as_secs_f64() * 1000.0
    };
    Stats {
        requests: latencies.len(),
        per_second: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50_ms: at(0.50),
        p99_ms: at(0.99),
    }
}

/// `concurrency` clients repeat `call` for `window`; every answer must be 200.
async fn load(base: &str, call: &Call, concurrency: usize, window: Duration) -> Stats {
    let (call, base) = (call.clone(), base.to_owned());
    let make: MakeRequest = Arc::new(move |client: &Client, _| call.request(client, &base));
    load_requests(concurrency, window, StatusCode::OK, make).await
}

/// Sequential timings of one request: the median of `times` runs, in ms.
async fn median_ms(base: &str, call: &Call, times: usize) -> f64 {
    let client = client();
    call.send(&client, base).await; // warm the cache and the connection
    let mut samples = Vec::new();
    for _ in 0..times {
        let sent = Instant::now();
        let status = call.send(&client, base).await;
        assert_eq!(status, StatusCode::OK, "{}", call.path);
        samples.push(sent.elapsed());
    }
    stats(samples, Duration::from_secs(1)).p50_ms
}

/// What every section measures against: the seeded database served by a
/// child process, and the two users logged in.
struct Bench {
    seeded: Seeded,
    server: Server,
    base: String,
    http: Client,
    owner: String,
    sub: String,
    window: Duration,
    tiny: bool,
}

/// Runs every section, or only those named in `only`.
async fn run(
    volume: &Volume,
    tiny: bool,
    only: &[String],
    backend: db::Backend,
    compare: Option<&Path>,
) -> Value {
    let seeded = seed(volume, backend).await;
    let server = start(&seeded.url).await;
    let base = server.base.clone();
    let http = client();
    let owner = login(&http, &base, "olivia").await;
    let sub = login(&http, &base, seeded.sub_user).await;
    let bench = Bench {
        seeded,
        server,
        base,
        http,
        owner,
        sub,
        window: volume.window,
        tiny,
    };
    let wanted = |section: &str| only.is_empty() || only.iter().any(|o| o == section);
    let mut report = json!({
        "volume": {
            "messages": volume.messages,
            "sub_accounts": volume.sub_accounts,
            "seeding_seconds": bench.seeded.seconds,
            "window_seconds": volume.window.as_secs_f64(),
        },
    });
    if wanted("guard") {
        report["guard"] = guard_overhead(&bench).await;
    }
    if wanted("login") {
        report["login"] = login_starvation(&bench).await;
    }
    if wanted("data") {
        report["data"] = data_volume(&bench).await;
    }
    if wanted("api") {
        report["api"] = http_api(&bench).await;
    }
    if wanted("mix") {
        report["mix"] = write_mix_throughput(backend, tiny).await;
    }
    if wanted("smpp") {
        report["smpp"] = smpp_section::measure(&bench).await;
    }
    if wanted("ssr") {
        report["ssr"] = server_rendering(&bench, compare).await;
    }
    if wanted("client") {
        report["client"] = client_side(bench).await;
    }
    report
}

/// The 1,000-write mix against the `sms-portal` binary: one process, and on
/// PostgreSQL also two processes sharing the database (each on a fresh one).
async fn write_mix_throughput(backend: db::Backend, tiny: bool) -> Value {
    let mut result = json!({});
    let processes: &[usize] = match backend {
        db::Backend::Sqlite => &[1],
        db::Backend::Postgres => &[1, 2],
    };
    for &count in processes {
        let dir = tempfile::tempdir().unwrap();
        let url = fresh_database(backend, dir.path()).await;
        let pool = db::connect(&url).await.unwrap();
        let passwords = Passwords::new();
        let contact = ContactForm {
            name: "Olivia Owner".into(),
            phone: "+44 20 7946 0958".into(),
            email: "bench@example.com".into(),
            company: String::new(),
        };
        let owner = NewUser::parse("olivia", PASSWORD, &contact).unwrap();
        let account = users::create_account(&pool, &passwords, &owner, true)
            .await
            .unwrap();
        let target = NewUser::parse("target", PASSWORD, &contact).unwrap();
        let target = sub_accounts::create(&pool, &passwords, account, &target, None)
            .await
            .unwrap();
        pool.close().await;
        let mut servers = Vec::new();
        for _ in 0..count {
            servers.push(start_portal(&url, tiny).await);
        }
        let http = client();
        let mut sessions = Vec::new();
        for n in 0..8 {
            sessions.push(login(&http, &servers[n % count].base, "olivia").await);
        }
        let bases: Vec<String> = servers.iter().map(|s| s.base.clone()).collect();
        let started = Instant::now();
        let tasks: Vec<_> = (0..write_mix::WRITES)
            .map(|n| {
                let (http, base) = (http.clone(), bases[(n / 4) % count].clone());
                let session = sessions[n % sessions.len()].clone();
                tokio::spawn(async move { mix_write(&http, &base, &session, n, target).await })
            })
            .collect();
        let mut acknowledged = 0;
        for task in tasks {
            acknowledged += usize::from(task.await.unwrap() == StatusCode::OK);
        }
        let seconds = started.elapsed().as_secs_f64();
        result[format!("processes_{count}")] = json!({
            "writes": write_mix::WRITES,
            "acknowledged": acknowledged,
            "seconds": seconds,
            "writes_per_second": write_mix::WRITES as f64 / seconds,
        });
    }
    result
}

/// Write `n` of the mix, both steps where it has two; the last status.
async fn mix_write(http: &Client, base: &str, session: &str, n: usize, target: i64) -> StatusCode {
    let post = |(endpoint, form): write_mix::Step| {
        Call::post(
            &format!("/api/{endpoint}"),
            &form::encode_form(&form),
            Some(session),
        )
    };
    let first = write_mix::first_step(n, target, PASSWORD);
    let endpoint = first.0;
    let call = post(first);
    let response = call.request(http, base).send().await.unwrap();
    if response.status() != StatusCode::OK {
        return response.status();
    }
    let Ok(id) = response.json::<i64>().await else {
        return StatusCode::OK;
    };
    match write_mix::second_step(endpoint, id) {
        Some(second) => post(second).send(http, base).await,
        None => StatusCode::OK,
    }
}

/// Makes request `n` of a run.
type MakeRequest = Arc<dyn Fn(&Client, usize) -> reqwest::RequestBuilder + Send + Sync>;

/// `concurrency` clients send requests made by `make(n)` (n counts every
/// request of the run) for `window`; every answer must be `expected`.
async fn load_requests(
    concurrency: usize,
    window: Duration,
    expected: StatusCode,
    make: MakeRequest,
) -> Stats {
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let counter = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (make, latencies, counter) = (make.clone(), latencies.clone(), counter.clone());
        workers.push(tokio::spawn(async move {
            let client = client();
            let mut own = Vec::new();
            while started.elapsed() < window {
                let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let sent = Instant::now();
                let response = make(&client, n).send().await.expect("request");
                let (status, url) = (response.status(), response.url().path().to_owned());
                let _ = response.bytes().await;
                assert_eq!(status, expected, "{url}");
                own.push(sent.elapsed());
            }
            latencies.lock().unwrap().extend(own);
        }));
    }
    for worker in workers {
        worker.await.unwrap();
    }
    let elapsed = started.elapsed();
    let latencies = std::mem::take(&mut *latencies.lock().unwrap());
    stats(latencies, elapsed)
}

/// The seeded database, with its owner's account and user id, topped up
/// far beyond what a measurement spends.
async fn funded_owner(seeded: &Seeded) -> (db::Pool, i64, i64) {
    let pool = db::connect(&seeded.url).await.unwrap();
    let (account, owner_id): (i64, i64) =
        sqlx::query_as("SELECT account_id, id FROM users WHERE login = 'olivia'")
            .fetch_one(&pool)
            .await
            .unwrap();
    finance::top_up(&pool, account, owner_id, Money::euros(1_000_000))
        .await
        .unwrap();
    (pool, account, owner_id)
}

/// Section: the HTTP API. Single-recipient idempotent sends from 16
/// clients; one send to 10,000; pages deep in the seeded messages; and the
/// portal's page latency beside API traffic at full speed.
async fn http_api(bench: &Bench) -> Value {
    let Bench {
        seeded,
        base,
        owner,
        window,
        tiny,
        ..
    } = bench;
    let (base, window) = (base.clone(), *window);
    let (pool, account, owner_id) = funded_owner(seeded).await;
    let key = match api_keys::create(&pool, account, owner_id, "Bench").await {
        Ok(created) => format!("Bearer {}", created.key),
        Err(_) => panic!("an API key"),
    };
    // A page of messages about 90 % of the way down, for the deep cursor.
    let depth = seeded_messages(&pool, account).await * 9 / 10;
    let (deep_time, deep_id): (String, i64) = sqlx::query_as(
        "SELECT created_at, id FROM messages WHERE account_id = $1 \
         ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET $2",
    )
    .bind(account)
    .bind(depth)
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;

    // Sends of one recipient, each with an Idempotency-Key of its own.
    let send = {
        let (base, key) = (base.clone(), key.clone());
        Arc::new(move |client: &Client, n: usize| {
            let body = json!({ "from": "INFO", "to": [format!("+447400{:06}", n % 1_000_000)], "text": "Your code is 1234" });
            client
                .post(format!("{base}/v1/messages"))
                .header(header::AUTHORIZATION, &key)
                .header("Idempotency-Key", format!("bench-{n}"))
                .json(&body)
        })
    };
    let sends = load_requests(16, window, StatusCode::ACCEPTED, send.clone()).await;

    // One send to 10,000 recipients, three times.
    let http = client();
    let big: Vec<String> = (0..10_000).map(|n| format!("+447401{n:06}")).collect();
    let mut big_sends = Vec::new();
    for round in 0..3 {
        let started = Instant::now();
        let response = http
            .post(format!("{base}/v1/messages"))
            .header(header::AUTHORIZATION, &key)
            .header("Idempotency-Key", format!("bench-big-{round}"))
            .json(&json!({ "from": "INFO", "to": big, "text": "Our sale starts today" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        let _ = response.bytes().await;
        big_sends.push(started.elapsed());
    }
    let big_sends = stats(big_sends, Duration::from_secs(1));

    // Twenty pages of 100 from the deep cursor on, each following the last.
    let mut cursor = base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        format!("{deep_time}|{deep_id}"),
    );
    let mut pages = Vec::new();
    for _ in 0..if *tiny { 5 } else { 20 } {
        let started = Instant::now();
        let page: Value = http
            .get(format!("{base}/v1/messages?limit=100&cursor={cursor}"))
            .header(header::AUTHORIZATION, &key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        pages.push(started.elapsed());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    let deep_pages = stats(pages, Duration::from_secs(1));

    // The portal's Sub Accounts page alone, then beside 16 API senders.
    let page = Call::get("/settings/sub-accounts", owner);
    let idle = load(&base, &page, 2, window).await;
    let senders = tokio::spawn(load_requests(
        16,
        window,
        StatusCode::ACCEPTED,
        Arc::new({
            let send = send.clone();
            move |client: &Client, n: usize| send(client, 1_000_000 + n)
        }),
    ));
    let beside_api = load(&base, &page, 2, window).await;
    let api_meanwhile = senders.await.unwrap();
    json!({
        "sends_16_clients": sends,
        "send_10000_recipients": big_sends,
        "deep_page_depth": depth,
        "deep_pages": deep_pages,
        "portal_page_idle": idle,
        "portal_page_beside_api": beside_api,
        "api_sends_meanwhile": api_meanwhile,
        "portal_p99_ratio": beside_api.p99_ms / idle.p99_ms,
    })
}

async fn seeded_messages(pool: &db::Pool, account: i64) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE account_id = $1")
        .bind(account)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Section 1, guard overhead, side by side: a server function and an SSR page.
async fn guard_overhead(bench: &Bench) -> Value {
    let Bench {
        base,
        owner,
        sub,
        window,
        ..
    } = bench;
    let (base, window) = (base.as_str(), *window);
    let guarded_owner = load(
        base,
        &Call::post("/api/prices/list", "", Some(owner)),
        8,
        window,
    )
    .await;
    let guarded_sub = load(
        base,
        &Call::post("/api/prices/list", "", Some(sub)),
        8,
        window,
    )
    .await;
    let unguarded = load(
        base,
        &Call::post("/api/bench/unguarded-prices", "", Some(sub)),
        8,
        window,
    )
    .await;
    let page_owner = load(base, &Call::get("/prices", owner), 8, window).await;
    let page_sub = load(base, &Call::get("/prices", sub), 8, window).await;
    let guard_ratio = guarded_sub.per_second / unguarded.per_second;

    json!({
        "server_function_owner": guarded_owner,
        "server_function_sub_user": guarded_sub,
        "server_function_unguarded": unguarded,
        "ssr_page_owner": page_owner,
        "ssr_page_sub_user": page_sub,
        "guarded_to_unguarded": guard_ratio,
    })
}

/// Section 2, logins do not starve the rest: a cheap request alone, then beside 20
/// clients logging in without pause.
async fn login_starvation(bench: &Bench) -> Value {
    let Bench {
        base,
        owner,
        window,
        ..
    } = bench;
    let window = *window;
    let cheap = Call::post("/api/session/viewer", "", Some(owner));
    // Warm-up, discarded: right after seeding, the disk is still busy
    // writing back a million rows, which showed as a noisy first window.
    load(base, &cheap, 2, window).await;
    let alone = load(base, &cheap, 2, window * 2).await;
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let logins_done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut loggers = Vec::new();
    // Twenty people, each logging in as themselves: one login tried twenty
    // times at once would be throttled (only five attempts of a login are
    // ever checked at the same time).
    for n in 1..=20 {
        let (base, stop, done) = (base.clone(), stop.clone(), logins_done.clone());
        loggers.push(tokio::spawn(async move {
            let client = client();
            let body = format!("login=team-{n}&password={}", PASSWORD.replace(' ', "+"));
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let status = Call::post("/api/session/login", &body, None)
                    .send(&client, &base)
                    .await;
                assert_eq!(status, StatusCode::OK);
                done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let login_started = Instant::now();
    let logins_before = logins_done.load(std::sync::atomic::Ordering::Relaxed);
    let beside_logins = load(base, &cheap, 2, window * 2).await;
    let logins_per_second = (logins_done.load(std::sync::atomic::Ordering::Relaxed) - logins_before)
        as f64
        / login_started.elapsed().as_secs_f64();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for logger in loggers {
        logger.await.unwrap();
    }
    let starvation_ratio = beside_logins.p99_ms / alone.p99_ms;

    json!({
        "cheap_alone": alone,
        "cheap_beside_20_logins": beside_logins,
        "logins_per_second": logins_per_second,
        "p99_ratio": starvation_ratio,
    })
}

/// Section 3, data volume: analytics, the Sub Accounts page and a streamed export.
async fn data_volume(bench: &Bench) -> Value {
    let Bench {
        seeded,
        server,
        base,
        http,
        owner,
        tiny,
        ..
    } = bench;
    let base = base.as_str();
    let samples = if *tiny { 3 } else { 20 };
    let today = time::OffsetDateTime::now_utc().date();
    let day = |back: i64| {
        let d = today - time::Duration::days(back);
        format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
    };
    let all = format!("from={}&to={}", day(89), day(0));
    let summary_ms = median_ms(
        base,
        &Call::post("/api/analytics/summary", &all, Some(owner)),
        samples,
    )
    .await;
    // A window of days holding about a tenth of the messages: 100,000 of 1,000,000.
    let window_days = format!("from={}&to={}", day(8), day(0));
    let (filtered, searched_number): (i64, String) = {
        let pool = db::connect(&seeded.url).await.unwrap();
        let (from, to) = (format!("{}T00:00:00Z", day(8)), format!("{}T99", day(0)));
        let n = sqlx::query_scalar(
            "SELECT COUNT(*) FROM messages WHERE created_at >= $1 AND created_at < $2",
        )
        .bind(from)
        .bind(to)
        .fetch_one(&pool)
        .await
        .unwrap();
        let number: String =
            sqlx::query_scalar("SELECT recipient FROM messages ORDER BY id LIMIT 1")
                .fetch_one(&pool)
                .await
                .unwrap();
        pool.close().await;
        (n, number)
    };
    // The end of a number people remember, searched over all 90 days.
    let number_end = &searched_number[searched_number.len() - 6..];
    let recipient_search_ms = median_ms(
        base,
        &Call::post(
            "/api/analytics/details",
            &format!("{all}&recipient={number_end}&page=1"),
            Some(owner),
        ),
        samples,
    )
    .await;
    let last_page = (filtered + 49) / 50;
    let details_first_ms = median_ms(
        base,
        &Call::post(
            "/api/analytics/details",
            &format!("{window_days}&page=1"),
            Some(owner),
        ),
        samples,
    )
    .await;
    let details_deep_ms = median_ms(
        base,
        &Call::post(
            "/api/analytics/details",
            &format!("{window_days}&page={last_page}"),
            Some(owner),
        ),
        samples,
    )
    .await;
    let sub_accounts_ms =
        median_ms(base, &Call::get("/settings/sub-accounts", owner), samples).await;
    let sub_accounts_filtered_ms = median_ms(
        base,
        &Call::get(
            "/settings/sub-accounts?permission=incoming_sms_export",
            owner,
        ),
        samples,
    )
    .await;
    let bulk = bulk_actions(bench).await;
    let (_, rss_before_export) = server.memory();
    let export_started = Instant::now();
    // 18 of the 90 days: about 200,000 of 1,000,000 messages.
    let export_days = format!("from={}&to={}", day(17), day(0));
    let export = http
        .get(format!("{base}/export/analytics-details.csv?{export_days}"))
        .header(header::COOKIE, owner)
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), StatusCode::OK);
    let body = export.bytes().await.unwrap();
    let export_seconds = export_started.elapsed().as_secs_f64();
    let exported_rows = body
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        .saturating_sub(1);
    let (peak_rss, rss_after_export) = server.memory();

    json!({
        "summary_over_messages_ms": summary_ms,
        "details_filtered_rows": filtered,
        "details_page_1_ms": details_first_ms,
        "details_last_page": last_page,
        "details_last_page_ms": details_deep_ms,
        "recipient_search_ms": recipient_search_ms,
        "sub_accounts_ssr_ms": sub_accounts_ms,
        "sub_accounts_permission_filter_ms": sub_accounts_filtered_ms,
        "bulk": bulk,
        "export_rows": exported_rows,
        "export_bytes": body.len(),
        "export_seconds": export_seconds,
        "rss_before_export_kib": rss_before_export,
        "rss_after_export_kib": rss_after_export,
        "peak_rss_kib": peak_rss,
    })
}

/// Bulk actions on the whole team (1,000 sub-accounts): each once, timed
/// from the request to the answer, in the order an owner might use them.
async fn bulk_actions(bench: &Bench) -> Value {
    let ids: Vec<i64> = {
        let pool = db::connect(&bench.seeded.url).await.unwrap();
        let ids = sqlx::query_scalar("SELECT id FROM users WHERE login LIKE 'team-%' ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
        pool.close().await;
        ids
    };
    let selected: String = ids.iter().map(|id| format!("&ids%5B%5D={id}")).collect();
    let mut timings = json!({ "sub_accounts": ids.len() });
    for (name, action) in [
        ("disable_ms", "action=disable"),
        ("enable_ms", "action=enable"),
        ("preset_ms", "action=preset&preset=builtin%3Aread-only"),
    ] {
        let call = Call::post(
            "/api/sub-accounts/bulk",
            &format!("{action}{selected}"),
            Some(&bench.owner),
        );
        let started = Instant::now();
        let status = call.send(&bench.http, &bench.base).await;
        assert!(
            status.is_success() || status.is_redirection(),
            "{name}: {status}"
        );
        timings[name] = json!(started.elapsed().as_secs_f64() * 1000.0);
    }
    timings
}

/// Section 4, the client: what the browser downloads, and how fast the page is
/// ready, served by the `sms-portal` binary that cargo-leptos built with
/// this wasm (its views are compiled with the same settings).
async fn client_side(bench: Bench) -> Value {
    drop(bench.server);
    let portal = start_portal(&bench.seeded.url, bench.tiny).await;
    let browser = browser_timings(&portal.base, bench.tiny);
    let first_visit: Vec<&str> = browser["pages"][0]["files"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|file| file["path"].as_str())
        .filter(|path| path.ends_with(".wasm"))
        .collect();
    let budgets = client_budgets(&browser);
    json!({ "wasm": wasm_sizes(&first_visit), "browser": browser, "budgets": budgets })
}

/// The client's budgets (issue #13), each with its figure and verdict.
fn client_budgets(browser: &Value) -> Value {
    let verdict = |what: String, figure: &Value, limit: f64| {
        let ok = figure.as_f64().is_some_and(|f| f <= limit);
        json!({ "what": what, "figure": figure, "limit": limit, "ok": ok })
    };
    let mut budgets: Vec<Value> = browser["pages"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|page| {
            let what = format!(
                "{}: client bytes of a first visit (gzip)",
                page["name"].as_str().unwrap_or("?")
            );
            verdict(what, &page["client_bytes"], 150_000.0)
        })
        .collect();
    budgets.push(verdict(
        "Sub Accounts: navigation → hydrated, p50 ms".into(),
        &browser["hydrated_ms_p50"],
        150.0,
    ));
    budgets.push(verdict(
        "Sub Accounts: LCP, p50 ms".into(),
        &browser["lcp_ms_p50"],
        200.0,
    ));
    budgets.push(verdict(
        "Permission click → next paint, worst ms".into(),
        &browser["permission_click"]["next_paint_ms_max"],
        50.0,
    ));
    Value::Array(budgets)
}

/// Server rendering of two pages (8 clients) by the `sms-portal` binary
/// and, with `--compare`, by an older build: the two alternately, twice
/// each, so that the machine's drift falls on both alike.
async fn server_rendering(bench: &Bench, compare: Option<&Path>) -> Value {
    let own = own_binary(bench.tiny);
    let binaries: Vec<&Path> = std::iter::once(own.as_path()).chain(compare).collect();
    let pages = [
        ("prices", "/prices"),
        ("sub_accounts", "/settings/sub-accounts"),
    ];
    let mut rates = vec![[0.0f64; 2]; binaries.len()];
    for _round in 0..2 {
        for (binary, rate) in binaries.iter().zip(&mut rates) {
            let portal = start_binary(binary, &bench.seeded.url, &[]).await;
            let owner = login(&client(), &portal.base, "olivia").await;
            for ((_, path), rate) in pages.iter().zip(rate.iter_mut()) {
                let stats = load(&portal.base, &Call::get(path, &owner), 8, bench.window).await;
                *rate += stats.per_second / 2.0;
            }
        }
    }
    let measured: Vec<Value> = binaries
        .iter()
        .zip(&rates)
        .map(|(binary, rate)| {
            let mut entry = json!({ "binary": binary.display().to_string() });
            for ((name, _), (rate, own_rate)) in pages.iter().zip(rate.iter().zip(&rates[0])) {
                entry[*name] = json!({ "per_second": rate, "to_this_build": own_rate / rate });
            }
            entry
        })
        .collect();
    Value::Array(measured)
}

/// The site's wasm, raw and gzip -9: the main module, the files a first
/// visit of the measured page fetched, and all of them (the lazy chunks of
/// a split build included).
fn wasm_sizes(first_visit: &[&str]) -> Value {
    let pkg = site_root().join("pkg");
    let files: Vec<PathBuf> = std::fs::read_dir(&pkg)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
        .collect();
    let name = |path: &PathBuf| path.file_name().unwrap().to_string_lossy().into_owned();
    let sizes = |chosen: Vec<&PathBuf>| {
        let raw: u64 = chosen
            .iter()
            .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
            .sum();
        let gzip: usize = chosen
            .iter()
            .map(|p| {
                Command::new("gzip")
                    .args(["-9", "-c"])
                    .arg(p)
                    .output()
                    .map_or(0, |o| o.stdout.len())
            })
            .sum();
        json!({ "files": chosen.len(), "raw_bytes": raw, "gzip_bytes": gzip })
    };
    json!({
        "main": sizes(files.iter().filter(|p| name(p) == "sms-portal.wasm").collect()),
        "first_visit": sizes(
            files
                .iter()
                .filter(|p| first_visit.iter().any(|v| v.ends_with(&format!("/{}", name(p)))))
                .collect()
        ),
        "all": sizes(files.iter().collect()),
    })
}

/// Navigation → hydrated and LCP of the Sub Accounts page in headless
/// Chromium, by `end2end/bench-client.mjs`.
fn browser_timings(base: &str, tiny: bool) -> Value {
    let script: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("end2end/bench-client.mjs");
    let output = Command::new("node")
        .arg(script)
        .args([base, "olivia", PASSWORD, if tiny { "2" } else { "10" }])
        .stderr(Stdio::inherit())
        .output();
    match output {
        Ok(output) if output.status.success() => {
            serde_json::from_slice(&output.stdout).unwrap_or(Value::Null)
        }
        _ => panic!("the browser measurement failed"),
    }
}

fn print_table(report: &Value) {
    let f = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    let row = |name: &str, s: &Value| {
        println!(
            "| {name:<42} | {:>9.0} req/s | p50 {:>7.2} ms | p99 {:>7.2} ms |",
            f(&s["per_second"]),
            f(&s["p50_ms"]),
            f(&s["p99_ms"])
        )
    };
    if let Some(g) = report.get("guard") {
        println!("\n## Guard overhead (8 clients)");
        row("prices/list as owner", &g["server_function_owner"]);
        row(
            "prices/list as sub-user (grants checked)",
            &g["server_function_sub_user"],
        );
        row(
            "prices/list, guard bypassed",
            &g["server_function_unguarded"],
        );
        row("GET /prices (SSR) as owner", &g["ssr_page_owner"]);
        row("GET /prices (SSR) as sub-user", &g["ssr_page_sub_user"]);
        println!(
            "guarded / unguarded throughput: {:.2} (budget ≥ 0.90)",
            f(&g["guarded_to_unguarded"])
        );
    }
    if let Some(l) = report.get("login") {
        println!("\n## Login does not starve the server (2 clients on session/viewer)");
        row("alone", &l["cheap_alone"]);
        row("beside 20 clients logging in", &l["cheap_beside_20_logins"]);
        println!(
            "logins/s meanwhile: {:.1}; p99 ratio {:.2} (budget < 2)",
            f(&l["logins_per_second"]),
            f(&l["p99_ratio"])
        );
    }
    if let Some(a) = report.get("api") {
        println!("\n## HTTP API");
        row(
            "POST /v1/messages, 1 recipient, 16 clients",
            &a["sends_16_clients"],
        );
        println!(
            "budget: ≥ 500 accepted sends/s, p99 < 50 ms; 10,000 recipients in one send: p50 {:.0} ms, worst {:.0} ms (budget < 1,000 ms)",
            f(&a["send_10000_recipients"]["p50_ms"]),
            f(&a["send_10000_recipients"]["p99_ms"])
        );
        println!(
            "GET /v1/messages, 100 a page, {} messages down: p50 {:.2} ms, worst {:.2} ms (budget < 5 ms)",
            a["deep_page_depth"],
            f(&a["deep_pages"]["p50_ms"]),
            f(&a["deep_pages"]["p99_ms"])
        );
        row("GET /settings/sub-accounts, idle", &a["portal_page_idle"]);
        row(
            "the same beside 16 API senders",
            &a["portal_page_beside_api"],
        );
        row("  (the senders meanwhile)", &a["api_sends_meanwhile"]);
        println!(
            "portal p99 ratio {:.2} (budget ≤ 2)",
            f(&a["portal_p99_ratio"])
        );
    }
    if let Some(smpp) = report.get("smpp") {
        smpp_section::print(smpp);
    }
    if let Some(m) = report.get("mix") {
        println!("\n## The 1,000-write mix (8 sessions, all at once)");
        for (name, run) in m.as_object().into_iter().flatten() {
            println!(
                "{name}: {:.0} writes/s ({} of {} acknowledged in {:.2} s)",
                f(&run["writes_per_second"]),
                run["acknowledged"],
                run["writes"],
                f(&run["seconds"])
            );
        }
    }
    if let Some(d) = report.get("data") {
        let v = &report["volume"];
        println!(
            "\n## Data volume ({} messages, {} sub-accounts)",
            v["messages"], v["sub_accounts"]
        );
        println!(
            "| analytics summary, 90 days           | {:>8.2} ms (budget 100) |",
            f(&d["summary_over_messages_ms"])
        );
        println!(
            "| details page 1 of {:>7} rows        | {:>8.2} ms (budget 20)  |",
            d["details_filtered_rows"],
            f(&d["details_page_1_ms"])
        );
        println!(
            "| details page {:>5} (last)              | {:>8.2} ms (budget 20)  |",
            d["details_last_page"],
            f(&d["details_last_page_ms"])
        );
        println!(
            "| details, recipient ends with 6 digits | {:>8.2} ms (budget 20)  |",
            f(&d["recipient_search_ms"])
        );
        println!(
            "| Sub Accounts list SSR                 | {:>8.2} ms (budget 10)  |",
            f(&d["sub_accounts_ssr_ms"])
        );
        println!(
            "| Sub Accounts, permission filter       | {:>8.2} ms (budget 10)  |",
            f(&d["sub_accounts_permission_filter_ms"])
        );
        let b = &d["bulk"];
        println!(
            "| bulk on {:>5} sub-accounts           | disable {:.0} ms, enable {:.0} ms, preset {:.0} ms (budget 1000 each) |",
            b["sub_accounts"],
            f(&b["disable_ms"]),
            f(&b["enable_ms"]),
            f(&b["preset_ms"])
        );
        println!(
            "| export {:>7} rows, {:>5.1} MB           | {:>8.2} s, RSS {} → {} KiB, peak {} KiB |",
            d["export_rows"],
            f(&d["export_bytes"]) / 1e6,
            f(&d["export_seconds"]),
            d["rss_before_export_kib"],
            d["rss_after_export_kib"],
            d["peak_rss_kib"]
        );
    }
    if let Some(builds) = report.get("ssr").and_then(Value::as_array) {
        println!("\n## Server rendering (8 clients; mean of two rounds, builds alternating)");
        for build in builds {
            println!(
                "| {:<60} | /prices {:>6.0} req/s | /settings/sub-accounts {:>6.0} req/s | this build ÷ it: {:.2} / {:.2} |",
                build["binary"].as_str().unwrap_or("?"),
                f(&build["prices"]["per_second"]),
                f(&build["sub_accounts"]["per_second"]),
                f(&build["prices"]["to_this_build"]),
                f(&build["sub_accounts"]["to_this_build"])
            );
        }
    }
    if let Some(c) = report.get("client") {
        println!("\n## Client");
        let w = &c["wasm"];
        println!(
            "| wasm main module                      | {:>9} B raw | {:>8} B gzip -9 |",
            w["main"]["raw_bytes"], w["main"]["gzip_bytes"]
        );
        println!(
            "| Sub Accounts, navigating one tab: navigation → hydrated, p50 ms | {} |",
            c["browser"]["hydrated_same_tab_ms_p50"]
        );
        println!(
            "| Sub Accounts, empty cache: navigation → hydrated, p50 ms | {} |",
            c["browser"]["hydrated_empty_cache_ms_p50"]
        );
        for budget in c["budgets"].as_array().into_iter().flatten() {
            println!(
                "| {:<52} | {:>9} | budget {:>7} | {} |",
                budget["what"].as_str().unwrap_or("?"),
                budget["figure"],
                budget["limit"].as_f64().unwrap_or(f64::NAN),
                if budget["ok"] == json!(true) {
                    "met"
                } else {
                    "BROKEN"
                }
            );
        }
    }
}
