//! The HTTP API (`/v1`) over real HTTP: keys, who may call what, sends
//! charged once, idempotent retries, problems for bad requests.

use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeSet;

use super::support::{Account, Session, TestApp};
use crate::{
    domain::{Money, PermissionSet},
    server::{api_keys, app::HttpConfig, finance},
};

/// Creates a key for the account's owner `login` the way the portal does.
async fn portal_key(app: &TestApp, owner: &Session, name: &str) -> String {
    let created = app
        .call(
            Some(owner),
            "api-keys/create",
            vec![("name", name.to_owned())],
        )
        .await;
    assert_eq!(created.status(), StatusCode::OK, "create {name}");
    let created: Value = created.json().await.unwrap();
    created["key"].as_str().expect("the new key").to_owned()
}

pub(super) async fn key_for(app: &TestApp, account: &Account, name: &str) -> String {
    let owner: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE account_id = $1 AND role = 'owner'")
            .bind(account.id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    match api_keys::create(&app.pool, account.id, owner, name).await {
        Ok(key) => key.key,
        Err(_) => panic!("key {name}"),
    }
}

/// Olivia's account with `euros` on it, and a key of it.
pub(super) async fn funded_account(app: &TestApp, euros: i64) -> (Account, String) {
    let account = app.funded_account("olivia", euros).await;
    let key = key_for(app, &account, "Shop").await;
    (account, key)
}

/// One API request; `auth` is the whole Authorization header.
pub(super) async fn request(
    app: &TestApp,
    method: Method,
    path: &str,
    auth: Option<&str>,
    body: Option<&Value>,
) -> reqwest::Response {
    let mut request = app.client.request(method, format!("{}{path}", app.base));
    if let Some(auth) = auth {
        request = request.header(header::AUTHORIZATION, auth);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.expect("request")
}

pub(super) fn bearer(key: &str) -> String {
    format!("Bearer {key}")
}

pub(super) async fn problem(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "application/problem+json",
        "{status}"
    );
    assert!(response.headers().contains_key("x-request-id"));
    (status, response.json().await.unwrap())
}

/// Posts a send of `to` that the balance cannot cover: refused as such.
async fn refused_for_funds(app: &TestApp, key: &str, to: &[&str]) {
    let body = send_body(to);
    let sent = request(app, Method::POST, "/v1/messages", Some(key), Some(&body)).await;
    let (status, refused) = problem(sent).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::PAYMENT_REQUIRED, Some("insufficient_funds"))
    );
}

/// Sends one message to `to` with `key`, accepted; its id.
pub(super) async fn sent_message(app: &TestApp, key: &str, to: &str) -> i64 {
    let sent = request(
        app,
        Method::POST,
        "/v1/messages",
        Some(&bearer(key)),
        Some(&send_body(&[to])),
    )
    .await;
    assert_eq!(sent.status(), StatusCode::ACCEPTED);
    let sent: Value = sent.json().await.unwrap();
    sent["messages"][0]["id"].as_i64().unwrap()
}

pub(super) fn send_body(to: &[&str]) -> Value {
    json!({ "from": "INFO", "to": to, "text": "Your code is 1234" })
}

/// A public URL for webhook endpoints that is never resolved.
pub(super) const PUBLIC_HOOK: &str = "https://93.184.215.14/hook";

/// Every endpoint with a well-formed request; `{id}` is a message or a
/// webhook endpoint of the account the key belongs to.
pub(super) fn endpoints(message_id: i64, webhook_id: i64) -> Vec<(Method, String, Option<Value>)> {
    vec![
        (Method::GET, "/v1/account".into(), None),
        (Method::GET, "/v1/prices".into(), None),
        (Method::GET, "/v1/inbound".into(), None),
        (Method::GET, "/v1/messages".into(), None),
        (Method::GET, format!("/v1/messages/{message_id}"), None),
        (
            Method::POST,
            "/v1/messages/estimate".into(),
            Some(send_body(&["+447430900123"])),
        ),
        (
            Method::POST,
            "/v1/messages".into(),
            Some(send_body(&["+447430900124"])),
        ),
        (Method::GET, "/v1/webhooks".into(), None),
        (
            Method::POST,
            "/v1/webhooks".into(),
            Some(json!({ "url": PUBLIC_HOOK, "events": ["message.delivered"] })),
        ),
        (Method::DELETE, format!("/v1/webhooks/{webhook_id}"), None),
    ]
}

/// A new webhook endpoint of the account; its id.
pub(super) async fn webhook_of(app: &TestApp, account: &Account) -> i64 {
    webhook_at(app, account, PUBLIC_HOOK).await
}

/// A new webhook endpoint of the account posting to `url`; its id.
pub(super) async fn webhook_at(app: &TestApp, account: &Account, url: &str) -> i64 {
    use crate::server::webhooks::{endpoints, EventType, UrlPolicy};
    let events = [EventType::MessageFailed];
    endpoints::create(&app.pool, account.id, url, &events, UrlPolicy::default())
        .await
        .unwrap()
        .endpoint
        .id
}

#[test]
fn the_router_serves_what_the_document_describes_and_the_matrix_tests() {
    let served: BTreeSet<String> = crate::server::v1::served_operations().into_iter().collect();
    let documented: BTreeSet<String> = crate::server::v1::openapi::operations()
        .into_iter()
        .collect();
    assert_eq!(served, documented, "every served operation is documented");
    let tested: BTreeSet<String> = endpoints(1, 1)
        .into_iter()
        .map(|(method, path, _)| format!("{method} {}", path.replace("/1", "/{id}")))
        .collect();
    let keyed: BTreeSet<String> = served
        .into_iter()
        .filter(|operation| operation != "GET /v1/openapi.json")
        .collect();
    assert_eq!(tested, keyed, "every API operation needs a row here");
}

#[tokio::test]
async fn only_a_live_key_of_the_account_is_let_in() {
    let app = TestApp::spawn().await;
    let (a, key_a) = funded_account(&app, 20).await;
    let b = app.account("oscar", false).await;
    let key_b = key_for(&app, &b, "Other").await;
    let revoked = key_for(&app, &a, "Old").await;
    let revoked_id: i64 = sqlx::query_scalar("SELECT id FROM api_keys WHERE name = 'Old'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    api_keys::revoke(&app.pool, a.id, revoked_id).await.unwrap();
    let message_id = sent_message(&app, &key_a, "+447430900200").await;
    let session = app.login("olivia").await;
    let unknown = format!("smsp_{}_{}", "x".repeat(12), "y".repeat(44));
    let basic = {
        use base64::Engine;
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{key_a}:"))
        )
    };

    let webhook_id = webhook_of(&app, &a).await;
    for (method, path, body) in endpoints(message_id, webhook_id) {
        let refused: [(&str, Option<String>); 5] = [
            ("no key", None),
            ("malformed", Some("Bearer not-a-key".into())),
            ("unknown", Some(bearer(&unknown))),
            ("revoked", Some(bearer(&revoked))),
            ("wrong scheme", Some(format!("Token {key_a}"))),
        ];
        for (who, auth) in refused {
            let response =
                request(&app, method.clone(), &path, auth.as_deref(), body.as_ref()).await;
            assert_eq!(
                response.headers()[header::WWW_AUTHENTICATE],
                "Bearer",
                "{method} {path} {who}"
            );
            let (status, problem) = problem(response).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path} as {who}");
            assert_eq!(problem["code"], "unauthorized");
        }
        // A portal session is not a key.
        let with_cookie = app
            .client
            .request(method.clone(), format!("{}{path}", app.base))
            .header(header::COOKIE, &session.cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(
            with_cookie.status(),
            StatusCode::UNAUTHORIZED,
            "{method} {path} with a session"
        );
        for (who, auth) in [("bearer", bearer(&key_a)), ("basic", basic.clone())] {
            // A removal needs something of its own to remove.
            let path = if method == Method::DELETE {
                format!("/v1/webhooks/{}", webhook_of(&app, &a).await)
            } else {
                path.clone()
            };
            let response = request(&app, method.clone(), &path, Some(&auth), body.as_ref()).await;
            let status = response.status();
            assert!(status.is_success(), "{method} {path} by {who}: {status}");
            assert!(response.headers().contains_key("ratelimit-remaining"));
        }
    }
    // Another account's key finds nothing of this one.
    let foreign = request(
        &app,
        Method::GET,
        &format!("/v1/messages/{message_id}"),
        Some(&bearer(&key_b)),
        None,
    )
    .await;
    assert_eq!(problem(foreign).await.0, StatusCode::NOT_FOUND);
    let foreign = request(
        &app,
        Method::DELETE,
        &format!("/v1/webhooks/{webhook_id}"),
        Some(&bearer(&key_b)),
        None,
    )
    .await;
    assert_eq!(problem(foreign).await.0, StatusCode::NOT_FOUND);
    let listed: Value = request(
        &app,
        Method::GET,
        "/v1/messages",
        Some(&bearer(&key_b)),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(listed["data"], json!([]));
}

#[tokio::test]
async fn sub_account_settings_leave_the_api_untouched() {
    let app = TestApp::spawn().await;
    let a = app.account("olivia", true).await;
    let sam = app.sub_account(&a, "sam", PermissionSet::empty()).await;
    let key = key_for(&app, &a, "Shop").await;
    let before: Value = request(&app, Method::GET, "/v1/account", Some(&bearer(&key)), None)
        .await
        .json()
        .await
        .unwrap();
    sqlx::query("UPDATE accounts SET can_add_subaccount = 0 WHERE id = $1")
        .bind(a.id)
        .execute(&app.pool)
        .await
        .unwrap();
    crate::server::sub_accounts::set_disabled(&app.pool, a.id, sam, true)
        .await
        .unwrap();
    let after: Value = request(&app, Method::GET, "/v1/account", Some(&bearer(&key)), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(before, after);
    assert_eq!(after["balance"], "0.0000");
}

#[tokio::test]
async fn keys_are_shown_once_stored_hashed_and_revoked_at_once() {
    let app = TestApp::spawn().await;
    app.account("olivia", true).await;
    let owner = app.login("olivia").await;
    let key = portal_key(&app, &owner, "Shop backend").await;
    assert!(key.starts_with("smsp_") && key.len() > 60, "{key}");
    // Answered to the page that asked; never kept, not even in the session.
    let table = match crate::server::db::Backend::of(&app.pool) {
        crate::server::db::Backend::Sqlite => "tower_sessions",
        crate::server::db::Backend::Postgres => "tower_sessions.session",
    };
    let sessions: Vec<Vec<u8>> = sqlx::query_scalar(&format!("SELECT data FROM {table}"))
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert!(!sessions.is_empty());
    let secret = &key.as_bytes()[20..];
    assert!(sessions
        .iter()
        .all(|data| !data.windows(secret.len()).any(|w| w == secret)));
    // Shown once: the list has no secret, only a prefix.
    let listed = app.json(&owner, "api-keys/list", vec![]).await;
    assert_eq!(listed["created"], Value::Null);
    let row = &listed["keys"][0];
    assert_eq!(row["name"], "Shop backend");
    assert!(key.starts_with(row["prefix"].as_str().unwrap()));
    assert!(!listed.to_string().contains(&key[20..]));
    let stored: String = sqlx::query_scalar("SELECT key_hash FROM api_keys")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(!stored.contains(&key[20..]));

    let used = request(&app, Method::GET, "/v1/account", Some(&bearer(&key)), None).await;
    assert_eq!(used.status(), StatusCode::OK);
    let listed = app.json(&owner, "api-keys/list", vec![]).await;
    assert!(listed["keys"][0]["last_used_at"].is_string());

    let revoked = app
        .call(
            Some(&owner),
            "api-keys/revoke",
            vec![("id", row["id"].to_string())],
        )
        .await;
    assert_eq!(revoked.status(), StatusCode::OK);
    let refused = request(&app, Method::GET, "/v1/account", Some(&bearer(&key)), None).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'api_key%' ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(actions, ["api_key_created", "api_key_revoked"]);

    // A form posted without JavaScript lands back on the page, which shows
    // the key it finds in the session once.
    let posted = app
        .client
        .post(format!("{}/api/api-keys/create", app.base))
        .header(header::COOKIE, &owner.cookie)
        .header(header::ACCEPT, "text/html")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::REFERER, format!("{}/settings/api-keys", app.base))
        .body("name=No+script")
        .send()
        .await
        .unwrap();
    assert!(posted.status().is_redirection(), "{}", posted.status());
    let listed = app.json(&owner, "api-keys/list", vec![]).await;
    assert_eq!(listed["created"]["name"], "No script");
    let again = app.json(&owner, "api-keys/list", vec![]).await;
    assert_eq!(again["created"], Value::Null);

    // Names are checked, and unique among live keys.
    let blank = app
        .call(Some(&owner), "api-keys/create", vec![("name", "  ".into())])
        .await;
    assert_eq!(blank.status(), StatusCode::UNPROCESSABLE_ENTITY);
    portal_key(&app, &owner, "Twice").await;
    let again = app
        .call(
            Some(&owner),
            "api-keys/create",
            vec![("name", "twice".into())],
        )
        .await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_send_is_checked_charged_once_and_tracked() {
    let app = TestApp::spawn().await;
    let a = app.account("olivia", true).await;
    let owner = app.user_id("olivia").await;
    let key = bearer(&key_for(&app, &a, "Shop").await);
    let to = ["+447430900301", "+447430900301", "12345", "+447430900302"];

    // Nothing on the balance: refused whole, nothing written.
    refused_for_funds(&app, &key, &to).await;
    let messages: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(messages, 0);

    finance::top_up(&app.pool, a.id, owner, Money::euros(10))
        .await
        .unwrap();
    let estimate: Value = request(
        &app,
        Method::POST,
        "/v1/messages/estimate",
        Some(&key),
        Some(&send_body(&to)),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(estimate["messages"].as_array().unwrap().len(), 2);
    let codes: Vec<&str> = estimate["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["duplicate", "invalid_number"]);

    let response = request(
        &app,
        Method::POST,
        "/v1/messages",
        Some(&key),
        Some(&json!({
            "from": "INFO", "to": to, "text": "Your code is 1234", "client_ref": "order-7"
        })),
    )
    .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let batch: Value = response.json().await.unwrap();
    assert_eq!(batch["total_price"], estimate["total_price"]);
    let total = batch["total_price"].as_str().unwrap().to_owned();
    let balance: Value = request(&app, Method::GET, "/v1/account", Some(&key), None)
        .await
        .json()
        .await
        .unwrap();
    let charged = 10.0 - balance["balance"].as_str().unwrap().parse::<f64>().unwrap();
    assert!(
        (charged - total.parse::<f64>().unwrap()).abs() < 1e-9,
        "{charged} vs {total}"
    );

    let id = batch["messages"][0]["id"].as_i64().unwrap();
    let one: Value = request(
        &app,
        Method::GET,
        &format!("/v1/messages/{id}"),
        Some(&key),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        (one["source"].as_str(), one["client_ref"].as_str()),
        (Some("api"), Some("order-7"))
    );
    assert_eq!(one["batch_id"], batch["batch_id"]);
    let by_ref: Value = request(
        &app,
        Method::GET,
        "/v1/messages?client_ref=order-7&limit=1",
        Some(&key),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(by_ref["data"].as_array().unwrap().len(), 1);
    let cursor = by_ref["next_cursor"].as_str().expect("a second page");
    let next: Value = request(
        &app,
        Method::GET,
        &format!("/v1/messages?client_ref=order-7&limit=1&cursor={cursor}"),
        Some(&key),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(next["data"].as_array().unwrap().len(), 1);
    assert_ne!(next["data"][0]["id"], by_ref["data"][0]["id"]);
    assert_eq!(next["next_cursor"], Value::Null);

    // Analytics shows who sent it: the API.
    let sent_by: Option<String> = sqlx::query_scalar("SELECT source FROM campaigns WHERE id = $1")
        .bind(batch["batch_id"].as_i64().unwrap())
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(sent_by.as_deref(), Some("api"));

    // An unknown sender name is a field problem.
    let (status, invalid) = problem(
        request(
            &app,
            Method::POST,
            "/v1/messages",
            Some(&key),
            Some(&json!({
                "from": "NOPE", "to": ["+447430900303"], "text": "Hi"
            })),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(invalid["errors"][0]["field"], "from");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_identical_retries_send_once_and_replay_the_answer() {
    let app = TestApp::spawn().await;
    let (_, key) = funded_account(&app, 10).await;
    let key = bearer(&key);
    let body = send_body(&["+447430900401", "+447430900402"]);
    let post = |body: Value| {
        let (client, url, key) = (
            app.client.clone(),
            format!("{}/v1/messages", app.base),
            key.clone(),
        );
        async move {
            client
                .post(url)
                .header(header::AUTHORIZATION, key)
                .header("Idempotency-Key", "order-42")
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let answers =
        futures::future::join_all((0..20).map(|_| tokio::spawn(post(body.clone())))).await;
    let mut statuses = Vec::new();
    for answer in answers {
        statuses.push(answer.unwrap().status());
    }
    assert!(
        statuses
            .iter()
            .all(|s| [StatusCode::ACCEPTED, StatusCode::CONFLICT].contains(s)),
        "{statuses:?}"
    );
    let campaigns: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM campaigns")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let charges: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM balance_transactions WHERE kind = 'charge'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((campaigns, charges), (1, 1));

    // After it finished: the same answer, byte for byte, marked replayed.
    let first = post(body.clone()).await;
    assert_eq!(first.headers()["idempotent-replayed"], "true");
    let first_bytes = first.bytes().await.unwrap();
    let second = post(body.clone()).await;
    assert_eq!(second.status(), StatusCode::ACCEPTED);
    assert_eq!(second.bytes().await.unwrap(), first_bytes);
    // Another body under the same key is refused.
    let (status, reused) = problem(post(send_body(&["+447430900403"])).await).await;
    assert_eq!(
        (status, reused["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("idempotency_key_reused")
        )
    );
}

#[tokio::test]
async fn bad_requests_are_problems_and_the_rate_is_limited() {
    let app = TestApp::spawn_with(HttpConfig {
        login_attempts_per_minute: 0,
        api_rate_per_second: 1,
        api_burst: 5,
        ..HttpConfig::default()
    })
    .await;
    let a = app.account("olivia", true).await;
    let key = bearer(&key_for(&app, &a, "Shop").await);
    let url = format!("{}/v1/messages/estimate", app.base);
    let raw = |content_type: Option<&'static str>, body: Vec<u8>| {
        let mut request = app.client.post(&url).header(header::AUTHORIZATION, &key);
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        async move { request.body(body).send().await.unwrap() }
    };
    let as_text = raw(None, b"to=1".to_vec()).await;
    assert_eq!(problem(as_text).await.0, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let broken = raw(Some("application/json"), b"{\"from\": ".to_vec()).await;
    assert_eq!(problem(broken).await.0, StatusCode::BAD_REQUEST);
    let huge = raw(Some("application/json"), vec![b' '; 2 * 1024 * 1024]).await;
    assert_eq!(problem(huge).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    let bad_limit = request(&app, Method::GET, "/v1/messages?limit=0", Some(&key), None).await;
    assert_eq!(problem(bad_limit).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let bad_cursor = request(
        &app,
        Method::GET,
        "/v1/messages?cursor=nope",
        Some(&key),
        None,
    )
    .await;
    assert_eq!(problem(bad_cursor).await.0, StatusCode::BAD_REQUEST);
    let nowhere = request(&app, Method::GET, "/v1/nowhere", Some(&key), None).await;
    assert_eq!(problem(nowhere).await.0, StatusCode::NOT_FOUND);
    let wrong_method = request(&app, Method::PUT, "/v1/account", Some(&key), None).await;
    assert_eq!(
        problem(wrong_method).await.0,
        StatusCode::METHOD_NOT_ALLOWED
    );
    // The burst is spent (the refusals above counted too): a quick series
    // meets the limit, with a wait to honour.
    let mut limited = None;
    for _ in 0..10 {
        let response = request(&app, Method::GET, "/v1/account", Some(&key), None).await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(response);
            break;
        }
    }
    let limited = limited.expect("the limit is met");
    assert!(limited.headers().contains_key(header::RETRY_AFTER));
    assert_eq!(limited.headers()["ratelimit-remaining"], "0");
    assert_eq!(problem(limited).await.1["code"], "rate_limited");
    // A caller's own request id comes back, in the header and the problem.
    let traced = app
        .client
        .get(format!("{}/v1/account", app.base))
        .header("X-Request-Id", "trace-77")
        .send()
        .await
        .unwrap();
    assert_eq!(traced.headers()["x-request-id"], "trace-77");
    assert_eq!(problem(traced).await.1["request_id"], "trace-77");
}

#[tokio::test]
async fn a_reply_goes_to_the_account_that_wrote_and_stop_blocks_it() {
    use crate::server::inbound::{self, InboundError};
    let app = TestApp::spawn().await;
    let (a, key) = funded_account(&app, 10).await;
    let key = bearer(&key);
    let b = app.account("oscar", false).await;
    let other = bearer(&key_for(&app, &b, "Other").await);
    let phone = "+447430900501";
    let sent = request(
        &app,
        Method::POST,
        "/v1/messages",
        Some(&key),
        Some(&send_body(&[phone])),
    )
    .await;
    assert_eq!(sent.status(), StatusCode::ACCEPTED);

    // Both accounts may send as INFO; the reply belongs to the one that wrote.
    let received = inbound::receive(&app.pool, phone, "INFO", " stop ")
        .await
        .unwrap();
    assert_eq!((received.account_id, received.stopped), (a.id, true));
    let inbox: Value = request(&app, Method::GET, "/v1/inbound", Some(&key), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(inbox["data"][0]["from"], phone);
    assert_eq!(inbox["data"][0]["to"], "INFO");
    let theirs: Value = request(&app, Method::GET, "/v1/inbound", Some(&other), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["data"], json!([]));

    // Stopped: the next send to the number refuses it as blocked.
    let estimate: Value = request(
        &app,
        Method::POST,
        "/v1/messages/estimate",
        Some(&key),
        Some(&send_body(&[phone, "+447430900502"])),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(estimate["rejected"][0]["code"], "blocked");
    assert_eq!(estimate["rejected"][0]["to"], phone);

    // A name nobody owns goes to no one, even from a phone an account wrote
    // to under another name.
    assert!(matches!(
        inbound::receive(&app.pool, phone, "NOBODY", "STOP").await,
        Err(InboundError::NoAccount)
    ));
    // A name and number nobody owns or wrote from has no account.
    assert!(matches!(
        inbound::receive(&app.pool, "+447430900599", "NOBODY", "hi").await,
        Err(InboundError::NoAccount)
    ));
    assert!(matches!(
        inbound::receive(&app.pool, "not a phone", "INFO", "hi").await,
        Err(InboundError::Sender)
    ));
}

#[tokio::test]
async fn hostile_input_is_a_problem_never_a_crash() {
    let app = TestApp::spawn().await;
    let (_, key) = funded_account(&app, 10).await;
    let key = bearer(&key);
    // NUL, which PostgreSQL cannot keep, is refused alike on both backends.
    let nul_text = app
        .client
        .post(format!("{}/v1/messages/estimate", app.base))
        .header(header::AUTHORIZATION, &key)
        .header(header::CONTENT_TYPE, "application/json")
        .body(r#"{"from":"INFO","to":["+447430900123"],"text":"a\u0000b"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(problem(nul_text).await.0, StatusCode::BAD_REQUEST);
    let nul_filter = request(&app, Method::GET, "/v1/messages?to=%00", Some(&key), None).await;
    assert_eq!(problem(nul_filter).await.0, StatusCode::BAD_REQUEST);
    // A time that exists in UTC only after the year 9999.
    let far = "/v1/messages?since=9999-12-31T23:59:59-01:00";
    let far = request(&app, Method::GET, far, Some(&key), None).await;
    assert_eq!(problem(far).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    // No valid recipient: each one's reason, at its place in `to`.
    let body = send_body(&["12345", "call me"]);
    let none = request(&app, Method::POST, "/v1/messages", Some(&key), Some(&body)).await;
    let (status, none) = problem(none).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<(&str, &str)> = none["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fields,
        [("to[0]", "invalid_number"), ("to[1]", "invalid_number")]
    );
}

#[tokio::test]
async fn numbers_are_read_with_libphonenumber_and_invalid_ones_cost_nothing() {
    let app = TestApp::spawn().await;
    let (a, key) = funded_account(&app, 10).await;
    let key = bearer(&key);
    let balance = || async {
        crate::server::sending::balance(&app.pool, a.id)
            .await
            .unwrap()
    };
    let before = balance().await;
    // Ofcom's drama range and a number a digit short are not numbers of
    // the UK: refused before any charge, at their places.
    let (status, refused) = problem(
        request(
            &app,
            Method::POST,
            "/v1/messages",
            Some(&key),
            Some(&send_body(&["+447700900123", "+44740012345"])),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<(&str, &str)> = refused["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fields,
        [("to[0]", "invalid_number"), ("to[1]", "invalid_number")]
    );
    assert_eq!(balance().await, before);

    // The country comes from the number: +1 416 is Canada, not the US;
    // Guernsey (+44 7911) is priced as GB, which the price list holds.
    let estimate: Value = request(
        &app,
        Method::POST,
        "/v1/messages/estimate",
        Some(&key),
        Some(&send_body(&[
            "+14165550143",
            "+12025550143",
            "+447911123456",
            "+447400123456",
            "+447700900123",
        ])),
    )
    .await
    .json()
    .await
    .unwrap();
    let priced: Vec<(&str, &str)> = estimate["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["to"].as_str().unwrap(), m["country"].as_str().unwrap()))
        .collect();
    assert_eq!(
        priced,
        [
            ("+14165550143", "CA"),
            ("+12025550143", "US"),
            ("+447911123456", "GB"),
            ("+447400123456", "GB"),
        ]
    );
    assert_eq!(estimate["rejected"][0]["to"], "+447700900123");
    assert_eq!(estimate["rejected"][0]["code"], "invalid_number");
}

#[tokio::test]
async fn bulk_sms_skips_numbers_invalid_for_their_country() {
    let app = TestApp::spawn().await;
    let a = app.account("olivia", true).await;
    let typed = "+447700900123\n+447400123456\nnot a number\n+4915112345678";
    let plan = crate::server::sending::plan(&app.pool, a.id, "INFO", None, typed, "Hi")
        .await
        .unwrap();
    assert_eq!(plan.invalid, ["not a number", "+447700900123"]);
    let sent_to: Vec<&str> = plan.recipients.iter().map(|r| r.phone.as_str()).collect();
    assert_eq!(sent_to, ["+447400123456", "+4915112345678"]);
}

#[tokio::test]
async fn an_idempotency_key_is_forgotten_after_a_day_and_an_abandoned_claim_taken_over() {
    let app = TestApp::spawn().await;
    let (_, key) = funded_account(&app, 10).await;
    let key = bearer(&key);
    let post = |body: Value| {
        let (app, key) = (&app, key.clone());
        async move {
            app.client
                .post(format!("{}/v1/messages", app.base))
                .header(header::AUTHORIZATION, key)
                .header("Idempotency-Key", "order-9")
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let age = |status: i64, ago: time::Duration| {
        sqlx::query("UPDATE idempotent_requests SET status = $1, created_at = $2")
            .bind(status)
            .bind(crate::server::db::timestamp(
                time::OffsetDateTime::now_utc() - ago,
            ))
            .execute(&app.pool)
    };
    let first = post(send_body(&["+447400123456"])).await;
    assert_eq!(first.status(), StatusCode::ACCEPTED);
    let first: Value = first.json().await.unwrap();

    // Unanswered for a minute: still the first request's.
    age(0, time::Duration::minutes(1)).await.unwrap();
    let (status, _) = problem(post(send_body(&["+447400123456"])).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // Unanswered for 6 minutes: its retry takes it over and sends.
    age(0, time::Duration::minutes(6)).await.unwrap();
    let retried = post(send_body(&["+447400123456"])).await;
    assert_eq!(retried.status(), StatusCode::ACCEPTED);
    assert!(retried.headers().get("idempotent-replayed").is_none());
    let retried: Value = retried.json().await.unwrap();
    assert_ne!(retried["batch_id"], first["batch_id"]);

    // A day later the key is free for another request altogether.
    age(202, time::Duration::hours(25)).await.unwrap();
    let fresh = post(send_body(&["+4915112345678"])).await;
    assert_eq!(fresh.status(), StatusCode::ACCEPTED);
    assert!(fresh.headers().get("idempotent-replayed").is_none());
    let replay = post(send_body(&["+4915112345678"])).await;
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
}

#[test]
fn every_operation_has_an_id_of_its_own() {
    let document: Value = serde_json::from_str(&crate::server::v1::openapi::pretty()).unwrap();
    let mut ids = Vec::new();
    for item in document["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values() {
            ids.push(operation["operationId"].as_str().unwrap().to_owned());
        }
    }
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "operationIds repeat: {ids:?}");
}

/// On PostgreSQL a batch with nothing blocked is written by one statement,
/// one with a stop-listed number by a transaction (on SQLite both by the
/// transaction): the rows are the same either way, and a batch the
/// balance cannot cover writes nothing.
#[tokio::test]
async fn a_batch_leaves_the_same_rows_however_it_is_written() {
    let app = TestApp::spawn().await;
    let (account, key) = funded_account(&app, 1).await;
    let key = bearer(&key);
    sqlx::query("INSERT INTO stop_list (account_id, phone) VALUES ($1, '+447430900399')")
        .bind(account.id)
        .execute(&app.pool)
        .await
        .unwrap();
    let mut balance = Money::euros(1).0;
    for to in [
        vec!["+447430900311", "+447430900312"],
        vec!["+447430900313", "+447430900399"],
    ] {
        let response = request(
            &app,
            Method::POST,
            "/v1/messages",
            Some(&key),
            Some(&send_body(&to)),
        )
        .await;
        assert_eq!(response.status(), StatusCode::ACCEPTED, "{to:?}");
        let batch: Value = response.json().await.unwrap();
        let id = batch["batch_id"].as_i64().unwrap();
        let (recipients, blocked, cost, source): (i64, i64, i64, String) = sqlx::query_as(
            "SELECT recipients, blocked, cost, source FROM campaigns WHERE id = $1 AND account_id = $2",
        )
        .bind(id)
        .bind(account.id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        let sent = batch["messages"].as_array().unwrap().len() as i64;
        assert_eq!(
            (recipients, blocked, source.as_str()),
            (sent, to.len() as i64 - sent, "api")
        );
        let messages: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM messages WHERE campaign_id = $1 AND status = 'queued' AND source = 'api'",
        )
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(messages, sent);
        balance -= cost;
        let ledger: (String, i64, i64) = sqlx::query_as(
            "SELECT description, amount, balance_after FROM balance_transactions WHERE campaign_id = $1 AND kind = 'charge'",
        )
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(
            ledger,
            (
                format!("API batch #{id}: {sent} recipients"),
                -cost,
                balance
            )
        );
    }

    // What is left covers no more batches of this size: nothing is written.
    sqlx::query("UPDATE account_balances SET balance = 1 WHERE account_id = $1")
        .bind(account.id)
        .execute(&app.pool)
        .await
        .unwrap();
    let count = |table: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let before = (
        count("campaigns").await,
        count("messages").await,
        count("balance_transactions").await,
    );
    refused_for_funds(&app, &key, &["+447430900314"]).await;
    let after = (
        count("campaigns").await,
        count("messages").await,
        count("balance_transactions").await,
    );
    assert_eq!(before, after);
}
