//! Hostile input, generated: every server function receives `FUZZ_CASES`
//! (500 in the everyday suite; the README's proof command sends 10,000) mutations of its well-formed request — overlong,
//! unicode, control characters, SQL and HTML payloads, wrong types, missing,
//! duplicated and extra fields such as `account_id` or `role`, and raw
//! garbage bodies. No answer may be a 5xx, a refusal may not write anything,
//! no request may reach another account or raise a role, and whatever text
//! was stored renders inert. The HTTP API gets the same treatment: its
//! bodies, ids, queries, methods and headers mutated, every refusal a
//! problem document that wrote and charged nothing.

use crate::server::db::{Backend, Pool};
use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};
use reqwest::{header, StatusCode};
use serde_json::{json, Value};

use super::{
    matrix::{server_functions, Caller, Form, Rule, World},
    support::{encode_form, Session, TestApp},
};
use crate::server::app::HttpConfig;

/// Stored text that would run if it reached the page unescaped.
const MARKUP: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "</script><script>alert(2)</script>",
    "<svg/onload=alert(3)>",
    "javascript:alert(4)",
    "'><iframe src=//evil.example>",
];

const SQL: &[&str] = &[
    "' OR '1'='1",
    "'; DROP TABLE users; --",
    "1; UPDATE account_balances SET balance = 99999999",
    "\" OR 1=1 --",
    "1 UNION SELECT password_hash FROM users",
    "%' AND 1=0 UNION SELECT 1 --",
];

const WRONG_TYPES: &[&str] = &[
    "",
    " ",
    "abc",
    "-1",
    "0",
    "1e309",
    "NaN",
    "-0",
    "99999999999999999999",
    "1.5",
    "0x10",
    "true",
    "null",
    "[]",
    "{}",
    "maybe",
    "+",
    "--1",
    "\u{0}",
];

const ODDITIES: &[&str] = &[
    "%s%n%x",
    "../../etc/passwd",
    "%00",
    "${jndi:ldap://x}",
    "{{7*7}}",
    "=HYPERLINK(\"http://x\")",
    "+1+1",
    "@SUM(A1)",
    "\u{202E}gnp.exe",
    "\u{200B}",
    "\u{FEFF}admin",
    "ａｄｍｉｎ",
];

/// Fields a request must never be able to set.
const PRIVILEGED: &[&str] = &[
    "account_id",
    "role",
    "user_id",
    "owner_id",
    "is_owner",
    "is_manager",
    "can_add_subaccount",
    "balance",
    "permissions[]",
    "status",
    "created_by",
    "session_epoch",
];

fn unicode_soup(rng: &mut StdRng) -> String {
    const CHARS: &[char] = &[
        'é',
        'ß',
        'ü',
        '漢',
        '字',
        '🙂',
        '👩',
        '\u{200D}',
        '\u{202E}',
        '\u{200B}',
        '\u{FEFF}',
        '\u{0301}',
        '\u{FFFD}',
        'ｱ',
        '\u{10FFFF}',
        'Ω',
        '\u{2028}',
        'a',
        '1',
        '+',
    ];
    let len = rng.gen_range(1..80);
    (0..len).map(|_| *CHARS.choose(rng).unwrap()).collect()
}

fn control_characters(rng: &mut StdRng) -> String {
    let len = rng.gen_range(1..40);
    (0..len)
        .map(|_| match rng.gen_range(0..3) {
            0 => char::from(rng.gen_range(0u8..32)),
            1 => '\u{7f}',
            _ => char::from(rng.gen_range(b'a'..=b'z')),
        })
        .collect()
}

fn hostile_value(rng: &mut StdRng, original: &str) -> String {
    let pick = |rng: &mut StdRng, list: &[&str]| (*list.choose(rng).unwrap()).to_owned();
    match rng.gen_range(0..9) {
        0 => {
            let unit = ["x", "é", "🙂", "9", "<"].choose(rng).unwrap().to_string();
            unit.repeat(rng.gen_range(129..20_000))
        }
        1 => unicode_soup(rng),
        2 => control_characters(rng),
        3 => pick(rng, SQL),
        4 => pick(rng, MARKUP),
        5 => pick(rng, WRONG_TYPES),
        6 => pick(rng, ODDITIES),
        7 => format!("{original}{}", pick(rng, MARKUP)),
        _ => format!("{original}{}", control_characters(rng)),
    }
}

/// A request body and its content type.
struct Request {
    content_type: &'static str,
    body: Vec<u8>,
}

fn mutate(rng: &mut StdRng, mut form: Vec<(String, String)>, other_account: i64) -> Request {
    let form_request = |form: &[(String, String)]| {
        let pairs: Vec<(&str, String)> =
            form.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        Request {
            content_type: "application/x-www-form-urlencoded",
            body: encode_form(&pairs).into_bytes(),
        }
    };
    match rng.gen_range(0..20) {
        // Hostile values in one to three fields.
        0..=11 if !form.is_empty() => {
            for _ in 0..rng.gen_range(1..=3) {
                let i = rng.gen_range(0..form.len());
                form[i].1 = hostile_value(rng, &form[i].1);
            }
            form_request(&form)
        }
        // A missing field.
        12 if !form.is_empty() => {
            form.remove(rng.gen_range(0..form.len()));
            form_request(&form)
        }
        // A field given twice.
        13 if !form.is_empty() => {
            let (name, _) = form[rng.gen_range(0..form.len())].clone();
            form.push((name, hostile_value(rng, "")));
            form_request(&form)
        }
        // Raw garbage: bytes, broken escapes, JSON where a form is expected.
        14 => Request {
            content_type: "application/x-www-form-urlencoded",
            body: (0..rng.gen_range(0..300)).map(|_| rng.gen()).collect(),
        },
        15 => Request {
            content_type: "application/x-www-form-urlencoded",
            body: b"%%%=%zz&=&&name=%E0%A4%A".to_vec(),
        },
        16 => Request {
            content_type: ["application/json", "text/plain", "multipart/form-data"]
                .choose(rng)
                .unwrap(),
            body: br#"{"account_id": 1, "role": "manager", "id": [1, 2]}"#.to_vec(),
        },
        // A well-formed request plus fields nobody may set (mass assignment).
        _ => {
            let name = *PRIVILEGED.choose(rng).unwrap();
            let value = match name {
                "account_id" | "owner_id" | "user_id" | "created_by" => other_account.to_string(),
                "role" => "manager".into(),
                "permissions[]" => "top_up".into(),
                "status" => "approved".into(),
                "balance" => "99999999".into(),
                _ => "true".into(),
            };
            form.push((name.into(), value));
            if rng.gen_bool(0.5) {
                form.push((hostile_value(rng, "x"), hostile_value(rng, "")));
            }
            form_request(&form)
        }
    }
}

/// Counts every row a request inserts, updates or deletes, by triggers added
/// to this test's database only. Sessions, the audit log and the
/// failed-login counter are left out: refusals are recorded there by design.
async fn count_writes(pool: &Pool, also_ignored: &[&str]) {
    let backend = Backend::of(pool);
    let tables: Vec<String> = sqlx::query_scalar(match backend {
        Backend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        Backend::Postgres => "SELECT table_name::text FROM information_schema.tables \
                              WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
    })
    .fetch_all(pool)
    .await
    .unwrap();
    let setup = [
        "CREATE TABLE fuzz_writes (n BIGINT NOT NULL)",
        "INSERT INTO fuzz_writes VALUES (0)",
    ];
    for sql in setup {
        sqlx::query(sql).execute(pool).await.unwrap();
    }
    if backend == Backend::Postgres {
        sqlx::query(
            "CREATE FUNCTION fuzz_count() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN UPDATE fuzz_writes SET n = n + 1; RETURN NULL; END $$",
        )
        .execute(pool)
        .await
        .unwrap();
    }
    let ignored = [
        "_sqlx_migrations",
        "tower_sessions",
        "audit_log",
        "login_failures",
    ];
    let ignored = |table: &str| ignored.contains(&table) || also_ignored.contains(&table);
    for table in tables.iter().filter(|t| !ignored(t)) {
        for event in ["INSERT", "UPDATE", "DELETE"] {
            let trigger = match backend {
                Backend::Sqlite => format!(
                    "CREATE TRIGGER fuzz_{table}_{event} AFTER {event} ON \"{table}\" \
                     BEGIN UPDATE fuzz_writes SET n = n + 1; END"
                ),
                Backend::Postgres => format!(
                    "CREATE TRIGGER fuzz_{table}_{event} AFTER {event} ON \"{table}\" \
                     FOR EACH ROW EXECUTE FUNCTION fuzz_count()"
                ),
            };
            sqlx::query(&trigger).execute(pool).await.unwrap();
        }
    }
}

async fn writes(pool: &Pool) -> i64 {
    sqlx::query_scalar("SELECT n FROM fuzz_writes")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// How many accounts' balances differ from the sum of their ledgers.
const OFF_THEIR_LEDGER: &str = "SELECT COUNT(*) FROM account_balances b WHERE b.balance <> \
     (SELECT COALESCE(SUM(amount), 0) FROM balance_transactions t WHERE t.account_id = b.account_id)";

/// What no request may ever change: one manager, the owner stays owner,
/// nobody of account A moved elsewhere, the balance is its ledger.
async fn invariants(pool: &Pool, endpoint: &str) {
    let one = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        one("SELECT COUNT(*) FROM users WHERE role = 'manager'").await,
        1,
        "{endpoint}: a new manager"
    );
    assert_eq!(
        one("SELECT COUNT(*) FROM users WHERE login = 'olivia' AND role = 'owner'").await,
        1,
        "{endpoint}: the owner lost their role"
    );
    assert_eq!(
        one(OFF_THEIR_LEDGER).await,
        0,
        "{endpoint}: a balance differs from its ledger"
    );
    assert_eq!(
        one("SELECT COUNT(*) FROM users WHERE role = 'sub' AND account_id <> (SELECT account_id FROM users WHERE login = 'olivia')").await,
        0,
        "{endpoint}: a sub-account landed in another account"
    );
}

fn cases() -> usize {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_input_never_errs_writes_on_refusal_or_escalates() {
    let cases = cases();
    // Production settings, the per-address login limit included.
    let world = World::on(TestApp::spawn_with(HttpConfig::default()).await, None).await;
    let session = |wanted: Caller| -> Option<Session> {
        world
            .sessions
            .iter()
            .find(|(caller, _)| *caller == wanted)
            .and_then(|(_, s)| s.clone())
    };
    let other_account = world.account_b.id;
    count_writes(&world.app.pool, &[]).await;
    let client = reqwest::Client::new();
    let started = std::time::Instant::now();
    let mut total = 0;
    let mut accepted = 0;
    for (index, (endpoint, rule, well_formed)) in server_functions().into_iter().enumerate() {
        // The most powerful caller the function allows; logout and login anonymously.
        let caller = match rule {
            Rule::Public => None,
            Rule::Manager => session(Caller::Manager),
            _ => session(Caller::OwnerOptionOn),
        };
        let seed = 0x5eed_0000 + index as u64;
        let mut rng = StdRng::seed_from_u64(seed);
        let form: Form = well_formed(&world, 0);
        let form: Vec<(String, String)> =
            form.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let mut before = writes(&world.app.pool).await;
        for case in 0..cases {
            let request = mutate(&mut rng, form.clone(), other_account);
            let mut call = client
                .post(format!("{}/api/{endpoint}", world.app.base))
                .header(header::CONTENT_TYPE, request.content_type)
                .header(header::ACCEPT, "application/json")
                .body(request.body.clone());
            if let Some(caller) = &caller {
                call = call.header(header::COOKIE, &caller.cookie);
            }
            let response = call.send().await.expect("the server answers");
            let status = response.status();
            let shown = String::from_utf8_lossy(&request.body)
                .chars()
                .take(300)
                .collect::<String>();
            assert!(
                !status.is_server_error(),
                "{endpoint} case {case} (seed {seed:#x}) answered {status} to {shown:?}"
            );
            let after = writes(&world.app.pool).await;
            if status == StatusCode::OK || status == StatusCode::FOUND {
                accepted += 1;
            } else {
                assert_eq!(
                    before, after,
                    "{endpoint} case {case} (seed {seed:#x}) was refused with {status} but wrote {} rows\n\
                     request: {shown:?}",
                    after - before
                );
            }
            before = after;
            total += 1;
        }
        invariants(&world.app.pool, endpoint).await;
        if std::env::var_os("FUZZ_TIMES").is_some() {
            eprintln!("{endpoint}: {:.1?}", started.elapsed());
        }
    }
    eprintln!(
        "{total} hostile requests ({cases} per server function × {} functions) in {:.1?}: \
         0 × 5xx, {accepted} accepted, every refusal wrote nothing",
        server_functions().len(),
        started.elapsed()
    );

    // Whatever was stored renders as text: no page carries a payload verbatim.
    let owner = session(Caller::OwnerOptionOn).unwrap();
    let mut pages = vec![
        "/settings/sub-accounts".to_owned(),
        "/sending/database".into(),
        "/profile".into(),
        "/settings/audit-log".into(),
        "/finance".into(),
    ];
    let lists: Vec<i64> = sqlx::query_scalar("SELECT id FROM contact_lists")
        .fetch_all(&world.app.pool)
        .await
        .unwrap();
    pages.extend(lists.iter().map(|id| format!("/sending/database/{id}")));
    let stored: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM contacts WHERE name LIKE '%<%') + (SELECT COUNT(*) FROM contact_lists WHERE name LIKE '%<%') \
         + (SELECT COUNT(*) FROM users WHERE name LIKE '%<%')",
    )
    .fetch_one(&world.app.pool)
    .await
    .unwrap();
    for page in &pages {
        let html = world
            .app
            .get(Some(&owner), page)
            .await
            .text()
            .await
            .unwrap();
        for payload in MARKUP.iter().filter(|p| p.contains('<')) {
            assert!(
                !html.contains(payload),
                "{page} carries {payload:?} verbatim"
            );
        }
    }
    eprintln!(
        "{stored} stored records hold markup; {} pages render them inert",
        pages.len()
    );
}

/// Query parameters the API's lists take, and some they do not.
const QUERY_NAMES: &[&str] = &[
    "limit",
    "cursor",
    "status",
    "to",
    "batch_id",
    "client_ref",
    "since",
    "until",
    "account_id",
];

/// A JSON value for a field that expected something else.
fn hostile_json(rng: &mut StdRng, original: &Value) -> Value {
    match rng.gen_range(0..10) {
        0 => json!(rng.gen::<i64>()),
        1 => json!([1e308, -0.0, 0.5, u64::MAX]),
        2 => Value::Null,
        3 => json!(rng.gen_bool(0.5)),
        4 => json!({ "$ne": null, "account_id": 1 }),
        // A recipient list past the limit, or full of hostile numbers.
        5 => json!(vec!["+447430900123"; rng.gen_range(10_001..10_050)]),
        6 => Value::Array(
            (0..rng.gen_range(1..20))
                .map(|_| json!(hostile_value(rng, "+447430900123")))
                .collect(),
        ),
        _ => json!(hostile_value(rng, original.as_str().unwrap_or(""))),
    }
}

/// A mutation of a well-formed API body: a JSON value, or raw bytes.
fn mutate_body(rng: &mut StdRng, body: &Value, other_account: i64) -> Vec<u8> {
    let mut object = body.as_object().cloned().unwrap_or_default();
    let keys: Vec<String> = object.keys().cloned().collect();
    match rng.gen_range(0..16) {
        0..=7 if !keys.is_empty() => {
            for _ in 0..rng.gen_range(1..=2) {
                let key = keys.choose(rng).unwrap();
                let value = hostile_json(rng, &object[key]);
                object.insert(key.clone(), value);
            }
        }
        8 if !keys.is_empty() => {
            object.remove(keys.choose(rng).unwrap());
        }
        9 => {
            let name = *PRIVILEGED.choose(rng).unwrap();
            object.insert(name.into(), json!(other_account));
        }
        10 => return (0..rng.gen_range(0..300)).map(|_| rng.gen()).collect(),
        11 => {
            // Cut off anywhere.
            let whole = serde_json::to_vec(body).unwrap();
            return whole[..rng.gen_range(0..whole.len())].to_vec();
        }
        12 => return "[".repeat(rng.gen_range(100..100_000)).into_bytes(),
        13 => {
            return br#"{"to": ["+447430900123"], "to": 7, "from": "INFO", "text": "x"}"#.to_vec()
        }
        14 => return format!("\u{FEFF}{body}").into_bytes(),
        _ => return serde_json::to_vec(&json!([body])).unwrap(),
    }
    serde_json::to_vec(&object).unwrap()
}

/// At most 1,000 characters: an address longer than the HTTP client sends.
fn within_a_url(text: String) -> String {
    text.chars().take(1_000).collect()
}

/// A header value from `text`, when the HTTP client can send it at all.
fn header_value(text: &str) -> Option<header::HeaderValue> {
    header::HeaderValue::from_bytes(text.as_bytes()).ok()
}

/// A key as stored, but for when it was last used: id, account, public id,
/// name, hash and revocation.
type StoredKey = (i64, i64, String, String, String, Option<String>);

async fn api_keys_as_stored(pool: &Pool) -> Vec<StoredKey> {
    sqlx::query_as(
        "SELECT id, account_id, public_id, name, key_hash, revoked_at FROM api_keys ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn campaigns_of(pool: &Pool, account_id: i64) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM campaigns WHERE account_id = $1")
        .bind(account_id)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_api_requests_are_problems_that_write_and_charge_nothing() {
    use super::api::{
        bearer, endpoints, funded_account, key_for, sent_message, webhook_at, webhook_of,
    };
    let cases = cases();
    // The per-key limit lifted, so every request reaches its handler.
    let app = TestApp::spawn_with(HttpConfig {
        api_rate_per_second: 1_000_000,
        api_burst: 1_000_000,
        ..HttpConfig::default()
    })
    .await;
    let (account, key) = funded_account(&app, 50).await;
    // Another account with a message and an endpoint that no answer may show.
    let other = app.funded_account("oscar", 5).await;
    let other_key = key_for(&app, &other, "Oscar's").await;
    let foreign_number = "+447430900999";
    sent_message(&app, &other_key, foreign_number).await;
    let foreign_hook = "https://93.184.215.15/oscar";
    webhook_at(&app, &other, foreign_hook).await;
    let keys_at_start = api_keys_as_stored(&app.pool).await;
    let foreign_campaigns = campaigns_of(&app.pool, other.id).await;
    let message_id = sent_message(&app, &key, "+447430900200").await;
    let authorization = bearer(&key);
    let webhook_id = webhook_of(&app, &account).await;
    // A key's last use and an idempotent answer (refusals are replayed too)
    // are written by design.
    count_writes(&app.pool, &["api_keys", "idempotent_requests"]).await;
    let started = std::time::Instant::now();
    let (mut total, mut accepted) = (0, 0);
    for (index, (method, path, body)) in endpoints(message_id, webhook_id).into_iter().enumerate() {
        let seed = 0xa91_0000 + index as u64;
        let mut rng = StdRng::seed_from_u64(seed);
        let mut before = writes(&app.pool).await;
        for case in 0..cases {
            let mut url = reqwest::Url::parse(&format!("{}{path}", app.base)).unwrap();
            let mut payload = body.as_ref().map(|b| serde_json::to_vec(b).unwrap());
            let mut headers = header::HeaderMap::new();
            headers.insert(header::AUTHORIZATION, header_value(&authorization).unwrap());
            headers.insert(
                header::CONTENT_TYPE,
                header::HeaderValue::from_static("application/json"),
            );
            let mut method = method.clone();
            let mut key_tampered = false;
            match rng.gen_range(0..10) {
                // The body.
                0..=4 if body.is_some() => {
                    payload = Some(mutate_body(&mut rng, body.as_ref().unwrap(), other.id))
                }
                // An id in the path, or a query parameter.
                0..=4 => {
                    if path.ends_with(char::is_numeric) && rng.gen_bool(0.5) {
                        let hostile = within_a_url(hostile_value(&mut rng, "1"));
                        url.path_segments_mut().unwrap().pop().push(&hostile);
                    } else {
                        let name = *QUERY_NAMES.choose(&mut rng).unwrap();
                        let value = within_a_url(hostile_value(&mut rng, "10"));
                        url.query_pairs_mut().append_pair(name, &value);
                    }
                }
                // The headers: the key, the idempotency key, the body's type.
                5 | 6 => {
                    let key_text = match rng.gen_range(0..4) {
                        0 => format!("Bearer {}", hostile_value(&mut rng, &key)),
                        1 => format!("Basic {}", hostile_value(&mut rng, "")),
                        2 => format!("Bearer {key} {key}"),
                        _ => hostile_value(&mut rng, &key),
                    };
                    // A header parser trims the spaces around a value.
                    key_tampered = key_text.trim() != authorization;
                    match header_value(&key_text) {
                        Some(value) => headers.insert(header::AUTHORIZATION, value),
                        None => headers.remove(header::AUTHORIZATION),
                    };
                }
                7 | 8 => {
                    let name = if rng.gen_bool(0.5) {
                        header::HeaderName::from_static("idempotency-key")
                    } else {
                        header::CONTENT_TYPE
                    };
                    if let Some(value) = header_value(&hostile_value(&mut rng, "abc")) {
                        headers.insert(name, value);
                    }
                }
                // Another method.
                _ => {
                    method = [
                        reqwest::Method::PUT,
                        reqwest::Method::PATCH,
                        reqwest::Method::DELETE,
                        reqwest::Method::POST,
                    ]
                    .choose(&mut rng)
                    .unwrap()
                    .clone()
                }
            }
            let mut call = app
                .client
                .request(method.clone(), url.clone())
                .headers(headers);
            if let Some(payload) = &payload {
                call = call.body(payload.clone());
            }
            let response = call.send().await.expect("the server answers");
            let status = response.status();
            let shown = payload
                .as_deref()
                .map(|p| {
                    String::from_utf8_lossy(p)
                        .chars()
                        .take(200)
                        .collect::<String>()
                })
                .unwrap_or_default();
            let address: String = url.as_str().chars().take(200).collect();
            let what = format!("{method} {address} case {case} (seed {seed:#x}), body {shown:?}");
            assert!(!status.is_server_error(), "{what} answered {status}");
            let after = writes(&app.pool).await;
            if key_tampered {
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}: a tampered key");
            }
            if status.is_success() {
                accepted += 1;
                let answer = response.text().await.unwrap();
                assert!(
                    !answer.contains(foreign_number) && !answer.contains(foreign_hook),
                    "{what} answered with another account's data: {answer}"
                );
            } else {
                assert_eq!(
                    response
                        .headers()
                        .get(header::CONTENT_TYPE)
                        .map(|v| v.as_bytes()),
                    Some(&b"application/problem+json"[..]),
                    "{what}: a refusal ({status}) is a problem document"
                );
                assert_eq!(before, after, "{what} was refused with {status} but wrote");
            }
            before = after;
            total += 1;
        }
        assert_eq!(
            campaigns_of(&app.pool, other.id).await,
            foreign_campaigns,
            "{path}: a send landed in another account"
        );
        let unbalanced: i64 = sqlx::query_scalar(OFF_THEIR_LEDGER)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        assert_eq!(unbalanced, 0, "{path}: a balance differs from its ledger");
    }
    assert_eq!(
        api_keys_as_stored(&app.pool).await,
        keys_at_start,
        "the API changed a key (beyond its last use)"
    );
    eprintln!(
        "{total} hostile API requests in {:.1?}: 0 × 5xx, {accepted} accepted, \
         every refusal a problem that wrote and charged nothing",
        started.elapsed()
    );
    app.close().await;
}
