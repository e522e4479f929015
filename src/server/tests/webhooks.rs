//! Webhooks end to end: endpoints made through the API, events written
//! with the change that makes them, posted signed to a receiver that
//! checks them with the `standardwebhooks` crate (an implementation we did
//! not write), retried while it is down, delivered once.

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode as AxumStatus},
    routing::post,
    Router,
};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc, Mutex,
};

use super::{
    api::{bearer, funded_account, key_for, problem, request, send_body, PUBLIC_HOOK},
    support::TestApp,
};
use crate::server::{
    app::HttpConfig,
    db, gateway, inbound,
    webhooks::{
        endpoints,
        sender::{self, Poster},
        UrlPolicy,
    },
};

const OPEN: UrlPolicy = UrlPolicy {
    allow_private: true,
};

async fn spawn_open() -> TestApp {
    TestApp::spawn_with(HttpConfig {
        login_attempts_per_minute: 0,
        webhook_urls: OPEN,
        ..HttpConfig::default()
    })
    .await
}

/// One attempt as the receiver saw it.
#[derive(Debug, Clone)]
struct Seen {
    id: String,
    body: Value,
    accepted: bool,
}

/// A receiver that verifies every post with `secret` and answers 503
/// until it is told to accept.
#[derive(Clone)]
struct Receiver {
    secret: Arc<Mutex<String>>,
    accepting: Arc<AtomicBool>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Receiver {
    fn new() -> Self {
        Self {
            secret: Arc::default(),
            accepting: Arc::default(),
            seen: Arc::default(),
        }
    }

    async fn serve(&self, listener: tokio::net::TcpListener) {
        async fn hook(
            State(receiver): State<Receiver>,
            headers: HeaderMap,
            body: Bytes,
        ) -> AxumStatus {
            let secret = receiver.secret.lock().unwrap().clone();
            let verifier = standardwebhooks::Webhook::new(&secret).expect("a valid secret");
            if verifier.verify(&body, &headers).is_err() {
                return AxumStatus::UNAUTHORIZED;
            }
            let accepted = receiver.accepting.load(Ordering::SeqCst);
            receiver.seen.lock().unwrap().push(Seen {
                id: headers["webhook-id"].to_str().unwrap().to_owned(),
                body: serde_json::from_slice(&body).unwrap(),
                accepted,
            });
            if accepted {
                AxumStatus::NO_CONTENT
            } else {
                AxumStatus::SERVICE_UNAVAILABLE
            }
        }
        let app = Router::new()
            .route("/hook", post(hook))
            .with_state(self.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// A port nothing listens on yet.
async fn free_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

async fn deliveries(app: &TestApp) -> Vec<(String, String, i64, Option<i64>)> {
    sqlx::query_as(
        "SELECT event_type, status, attempts, last_status FROM webhook_deliveries ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

/// Makes every pending delivery due, as if its wait had passed.
async fn time_passes(app: &TestApp) {
    sqlx::query("UPDATE webhook_deliveries SET next_attempt_at = $1 WHERE status = 'pending'")
        .bind(db::now())
        .execute(&app.pool)
        .await
        .unwrap();
}

#[tokio::test]
async fn events_are_signed_retried_while_the_receiver_is_down_and_arrive_once() {
    let app = spawn_open().await;
    let (a, key) = funded_account(&app, 10).await;
    let key = bearer(&key);
    let port = free_port().await;
    let created = request(
        &app,
        Method::POST,
        "/v1/webhooks",
        Some(&key),
        Some(&json!({
            "url": format!("http://127.0.0.1:{port}/hook"),
            "events": ["inbound.received", "message.delivered", "message.failed"],
        })),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    assert_eq!(
        created["events"],
        json!(["message.delivered", "message.failed", "inbound.received"])
    );
    // Listed without the secret.
    let listed: Value = request(&app, Method::GET, "/v1/webhooks", Some(&key), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["data"][0]["id"], created["id"]);
    assert!(listed["data"][0].get("secret").is_none());
    assert!(!listed.to_string().contains(&secret));

    // Two events: a message delivered, and a reply to it.
    let phone = "+447400123456";
    assert!(!gateway::SimulatedGateway::fails(phone));
    let sent = request(
        &app,
        Method::POST,
        "/v1/messages",
        Some(&key),
        Some(&send_body(&[phone])),
    )
    .await;
    assert_eq!(sent.status(), StatusCode::ACCEPTED);
    let sent: Value = sent.json().await.unwrap();
    let carrier = gateway::SimulatedGateway::default();
    gateway::step(&app.pool, &carrier).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    gateway::step(&app.pool, &carrier).await.unwrap();
    inbound::receive(&app.pool, phone, "INFO", "Thanks!")
        .await
        .unwrap();
    let queued = deliveries(&app).await;
    let kinds: Vec<&str> = queued.iter().map(|d| d.0.as_str()).collect();
    assert_eq!(kinds, ["message.delivered", "inbound.received"]);

    // Down: nothing listens.
    let poster = Poster::new(OPEN);
    assert_eq!(sender::round(&app.pool, &poster).await.unwrap(), 2);
    for (_, status, attempts, last_status) in deliveries(&app).await {
        assert_eq!(
            (status.as_str(), attempts, last_status),
            ("pending", 1, None)
        );
    }
    let wait: Vec<(String, String)> =
        sqlx::query_as("SELECT last_attempt_at, next_attempt_at FROM webhook_deliveries")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    for (last, next) in wait {
        let seconds = seconds_between(&last, &next);
        assert!(
            (4..=6).contains(&seconds),
            "the first retry waits 5 s, not {seconds}"
        );
    }
    // Not due yet: the round leaves them alone.
    assert_eq!(sender::round(&app.pool, &poster).await.unwrap(), 0);

    // Up, but failing: 503.
    let receiver = Receiver::new();
    *receiver.secret.lock().unwrap() = secret.clone();
    receiver
        .serve(
            tokio::net::TcpListener::bind(("127.0.0.1", port))
                .await
                .unwrap(),
        )
        .await;
    time_passes(&app).await;
    assert_eq!(sender::round(&app.pool, &poster).await.unwrap(), 2);
    for (_, status, attempts, last_status) in deliveries(&app).await {
        assert_eq!(
            (status.as_str(), attempts, last_status),
            ("pending", 2, Some(503))
        );
    }

    // Healthy: each event arrives, verified, once.
    receiver.accepting.store(true, Ordering::SeqCst);
    time_passes(&app).await;
    assert_eq!(sender::round(&app.pool, &poster).await.unwrap(), 2);
    for (_, status, attempts, last_status) in deliveries(&app).await {
        assert_eq!(
            (status.as_str(), attempts, last_status),
            ("delivered", 3, Some(204))
        );
    }
    time_passes(&app).await;
    assert_eq!(sender::round(&app.pool, &poster).await.unwrap(), 0);

    let seen = receiver.seen();
    assert_eq!(
        seen.len(),
        4,
        "two attempts of each event reached the receiver"
    );
    let accepted: Vec<&Seen> = seen.iter().filter(|s| s.accepted).collect();
    assert_eq!(accepted.len(), 2);
    for event in &accepted {
        let attempts: Vec<&Seen> = seen.iter().filter(|s| s.id == event.id).collect();
        assert_eq!(
            attempts.len(),
            2,
            "every attempt of an event has its webhook-id"
        );
        assert!(attempts.iter().all(|s| s.body == event.body));
    }
    let delivered = &accepted
        .iter()
        .find(|s| s.body["type"] == "message.delivered")
        .unwrap()
        .body;
    assert_eq!(delivered["data"]["id"], sent["messages"][0]["id"]);
    assert_eq!(delivered["data"]["status"], "delivered");
    assert_eq!(delivered["data"]["to"], phone);
    assert!(delivered["timestamp"].is_string());
    let reply = &accepted
        .iter()
        .find(|s| s.body["type"] == "inbound.received")
        .unwrap()
        .body;
    assert_eq!(reply["data"]["from"], phone);
    assert_eq!(reply["data"]["text"], "Thanks!");

    // Redelivered on request: one more attempt, the same webhook-id.
    let first: i64 = sqlx::query_scalar("SELECT MIN(id) FROM webhook_deliveries")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let other = app.account("oscar", false).await;
    assert!(!endpoints::redeliver(&app.pool, other.id, first)
        .await
        .unwrap());
    assert!(endpoints::redeliver(&app.pool, a.id, first).await.unwrap());
    assert_eq!(sender::round(&app.pool, &poster).await.unwrap(), 1);
    let again = receiver.seen();
    assert_eq!(again.len(), 5);
    assert_eq!(again[4].id, accepted[0].id);
}

fn seconds_between(earlier: &str, later: &str) -> i64 {
    let parse = |t: &str| {
        time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).unwrap()
    };
    (parse(later) - parse(earlier)).whole_seconds()
}

#[tokio::test]
async fn after_the_last_retry_a_delivery_has_failed() {
    let app = spawn_open().await;
    let (a, _) = funded_account(&app, 0).await;
    let port = free_port().await;
    endpoints::create(
        &app.pool,
        a.id,
        &format!("http://127.0.0.1:{port}/hook"),
        &[crate::server::webhooks::EventType::InboundReceived],
        OPEN,
    )
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO sender_names (account_id, name, status) VALUES ($1, 'ACME', 'approved')",
    )
    .bind(a.id)
    .execute(&app.pool)
    .await
    .unwrap();
    inbound::receive(&app.pool, "+4915112345678", "ACME", "hi")
        .await
        .unwrap();
    let poster = Poster::new(OPEN);
    let waits: Vec<i64> = {
        let mut waits = Vec::new();
        for _ in 0..=sender::RETRY_DELAYS.len() {
            time_passes(&app).await;
            assert_eq!(sender::round(&app.pool, &poster).await.unwrap(), 1);
            let (last, next): (String, String) =
                sqlx::query_as("SELECT last_attempt_at, next_attempt_at FROM webhook_deliveries")
                    .fetch_one(&app.pool)
                    .await
                    .unwrap();
            waits.push(seconds_between(&last, &next));
        }
        waits
    };
    // 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; then no more.
    assert_eq!(waits, [5, 300, 1800, 7200, 18000, 36000, 36000, 0]);
    let (status, attempts): (String, i64) =
        sqlx::query_as("SELECT status, attempts FROM webhook_deliveries")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), attempts), ("failed", 8));
    time_passes(&app).await;
    assert_eq!(sender::round(&app.pool, &poster).await.unwrap(), 0);
}

#[tokio::test]
async fn urls_inside_the_network_are_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let (_, key) = funded_account(&app, 0).await;
    let key = bearer(&key);
    for url in [
        "http://hooks.example.com/sms",
        "https://127.0.0.1/hook",
        "https://localhost:8443/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[fd00:ec2::254]/",
        "not a url",
    ] {
        let response = request(
            &app,
            Method::POST,
            "/v1/webhooks",
            Some(&key),
            Some(&json!({ "url": url, "events": ["message.delivered"] })),
        )
        .await;
        let (status, problem) = problem(response).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        assert_eq!(problem["errors"][0]["field"], "url", "{url}");
        assert_eq!(problem["errors"][0]["code"], "invalid_url", "{url}");
    }
    for events in [
        json!([]),
        json!(["message.sent"]),
        json!(["inbound.received", "x"]),
    ] {
        let response = request(
            &app,
            Method::POST,
            "/v1/webhooks",
            Some(&key),
            Some(&json!({ "url": PUBLIC_HOOK, "events": events })),
        )
        .await;
        let (status, problem) = problem(response).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{events}");
        assert_eq!(problem["errors"][0]["field"], "events");
    }
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhook_endpoints")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 0);

    // A public address is fine; ten endpoints at most.
    for n in 0..endpoints::MAX_ENDPOINTS {
        let body = json!({ "url": format!("{PUBLIC_HOOK}/{n}"), "events": ["message.failed"] });
        let response = request(&app, Method::POST, "/v1/webhooks", Some(&key), Some(&body)).await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let body = json!({ "url": format!("{PUBLIC_HOOK}/11"), "events": ["message.failed"] });
    let response = request(&app, Method::POST, "/v1/webhooks", Some(&key), Some(&body)).await;
    assert_eq!(problem(response).await.0, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_account_s_endpoints_are_its_own() {
    let app = spawn_open().await;
    let (_, key) = funded_account(&app, 0).await;
    let other = app.account("oscar", false).await;
    let theirs = bearer(&key_for(&app, &other, "Other").await);
    let body = json!({ "url": PUBLIC_HOOK, "events": ["message.failed"] });
    let created: Value = request(
        &app,
        Method::POST,
        "/v1/webhooks",
        Some(&bearer(&key)),
        Some(&body),
    )
    .await
    .json()
    .await
    .unwrap();
    let path = format!("/v1/webhooks/{}", created["id"]);
    let listed: Value = request(&app, Method::GET, "/v1/webhooks", Some(&theirs), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["data"], json!([]));
    let refused = request(&app, Method::DELETE, &path, Some(&theirs), None).await;
    assert_eq!(problem(refused).await.0, StatusCode::NOT_FOUND);
    let removed = request(&app, Method::DELETE, &path, Some(&bearer(&key)), None).await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    let again = request(&app, Method::DELETE, &path, Some(&bearer(&key)), None).await;
    assert_eq!(problem(again).await.0, StatusCode::NOT_FOUND);
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('webhook_created', 'webhook_deleted')",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(audited, 2);
}
