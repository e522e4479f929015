//! The `smpp` section: sustained `submit_sm` throughput over one
//! transceiver with a window of 10 and over four at once, the latency of a
//! receipt from the carrier's delivery to the client's `deliver_sm`, and a
//! portal page's p99 while SMPP traffic runs at full rate.
//!
//! It serves the seeded database from the `sms-portal` binary itself (the
//! SMPP listener and the delivery dispatcher are the binary's), with the
//! per-bind rate limit lifted so the server, not the limiter, is measured.

use rusmpp::{CommandId, CommandStatus, Pdu};
use serde_json::{json, Value};
use sms_portal::server::{
    db,
    password::Passwords,
    smpp::credentials::{self, AllowedNetworks},
};
use std::{
    collections::HashMap,
    net::SocketAddr,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use super::{
    at_least, below, funded_owner, load, own_binary,
    smpp_client::{submit_sm, SmppClient},
    start_binary, stats, Bench, Call,
};

const WINDOW: usize = 10;
/// The steady rate at which receipt latency is measured.
const STEADY_PER_SECOND: usize = 500;

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Submissions of one bind during a flood.
#[derive(Default)]
struct Flood {
    accepted: usize,
    refused: usize,
    /// The refusals' statuses (stop-listed numbers of the seeded account
    /// are refused with ESME_RINVDSTADR).
    statuses: std::collections::BTreeMap<String, usize>,
    receipts: usize,
    /// From the first submission to the last answer.
    seconds: f64,
}

/// Keeps `WINDOW` submissions outstanding on one transceiver for `length`,
/// answering the receipts that arrive meanwhile.
async fn flood(
    address: SocketAddr,
    system_id: String,
    password: String,
    length: Duration,
    first: usize,
) -> Flood {
    let mut client =
        SmppClient::bound(address, CommandId::BindTransceiver, &system_id, &password).await;
    let started = Instant::now();
    let deadline = started + length;
    let (mut outstanding, mut n, mut flood) = (0, first, Flood::default());
    loop {
        let open = Instant::now() < deadline;
        if open && outstanding < WINDOW {
            while outstanding < WINDOW {
                let to = format!("4474309{:05}", n % 100_000);
                client
                    .feed(submit_sm(
                        "INFO",
                        &to,
                        0,
                        0,
                        b"Your parcel is on its way",
                        1,
                    ))
                    .await;
                outstanding += 1;
                n += 1;
            }
            client.flush().await;
        }
        if !open && outstanding == 0 {
            break;
        }
        let command = client.expect().await;
        match command.pdu() {
            Some(Pdu::SubmitSmResp(_)) => {
                outstanding -= 1;
                match command.status {
                    CommandStatus::EsmeRok => flood.accepted += 1,
                    status => {
                        flood.refused += 1;
                        *flood.statuses.entry(format!("{status:?}")).or_default() += 1;
                    }
                }
            }
            Some(Pdu::DeliverSm(_)) => {
                client.acknowledge(command.sequence_number).await;
                flood.receipts += 1;
            }
            _ => {}
        }
    }
    flood.seconds = started.elapsed().as_secs_f64();
    flood
}

/// Submits at [`STEADY_PER_SECOND`] for `length` on one transceiver, then
/// waits for every receipt: when each arrived (ms since the epoch), by
/// message id.
async fn steady(
    address: SocketAddr,
    system_id: &str,
    password: &str,
    length: Duration,
) -> HashMap<String, i64> {
    let mut client =
        SmppClient::bound(address, CommandId::BindTransceiver, system_id, password).await;
    let tick = Duration::from_millis(10);
    let per_tick = STEADY_PER_SECOND / 100;
    let started = Instant::now();
    let give_up = started + length + Duration::from_secs(120);
    let (mut next_tick, mut owed, mut outstanding) = (started, 0usize, 0usize);
    let (mut submitted, mut accepted, mut arrived) = (0usize, 0usize, HashMap::new());
    loop {
        assert!(
            Instant::now() < give_up,
            "receipts still missing: {} of {accepted}",
            arrived.len()
        );
        if started.elapsed() < length && Instant::now() >= next_tick {
            owed += per_tick;
            next_tick += tick;
        }
        // At the rate, within the window.
        let fed = owed.min(WINDOW - outstanding);
        for _ in 0..fed {
            let to = format!("4474308{:05}", submitted % 100_000);
            client
                .feed(submit_sm("INFO", &to, 0, 0, b"Your code is 4821", 1))
                .await;
            submitted += 1;
        }
        if fed > 0 {
            client.flush().await;
            (owed, outstanding) = (owed - fed, outstanding + fed);
        }
        let sending = started.elapsed() < length || owed > 0 || outstanding > 0;
        if !sending && arrived.len() >= accepted {
            break;
        }
        let wait = next_tick
            .saturating_duration_since(Instant::now())
            .max(Duration::from_millis(1));
        let Some(command) = client.next_within(wait).await else {
            continue;
        };
        match command.pdu() {
            Some(Pdu::SubmitSmResp(_)) => {
                assert_eq!(
                    command.status,
                    CommandStatus::EsmeRok,
                    "a steady submission refused"
                );
                outstanding -= 1;
                accepted += 1;
            }
            Some(Pdu::DeliverSm(deliver)) => {
                let at = now_ms();
                let body = String::from_utf8_lossy(deliver.short_message().as_ref()).into_owned();
                let id = body
                    .trim_start_matches("id:")
                    .split(' ')
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                arrived.insert(id, at);
                client.acknowledge(command.sequence_number).await;
            }
            _ => {}
        }
    }
    arrived
}

pub async fn measure(bench: &Bench) -> Value {
    let window = bench.window;
    let (pool, account, _) = funded_owner(&bench.seeded).await;
    let passwords = Passwords::new();
    let mut made = Vec::new();
    for _ in 0..2 {
        let any = AllowedNetworks::default();
        match credentials::create(&pool, &passwords, account, None, &any).await {
            Ok(credential) => made.push((credential.system_id, credential.password)),
            Err(_) => panic!("SMPP credentials"),
        }
    }
    let (flooding, timing) = (made[0].clone(), made[1].clone());
    let smpp_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let address = SocketAddr::from(([127, 0, 0, 1], smpp_port));
    let portal = start_binary(
        &own_binary(bench.tiny),
        &bench.seeded.url,
        &[
            ("SMS_PORTAL_SMPP_ADDR", address.to_string()),
            ("SMS_PORTAL_SMPP_RATE", "1000000".to_owned()),
        ],
    )
    .await;

    // The portal's busiest page alone; one transceiver; four at once
    // beside the page (and the carrier working off the first flood).
    let page = Call::get("/settings/sub-accounts", &bench.owner);
    // A warm-up first: the fresh process's caches, and SQLite's checkpoint
    // of what seeding wrote, are not what idle means.
    load(&portal.base, &page, 2, window).await;
    let idle = load(&portal.base, &page, 2, window).await;
    let one = flood(address, flooding.0.clone(), flooding.1.clone(), window, 0).await;
    let binds: Vec<_> = (0..4)
        .map(|n| {
            tokio::spawn(flood(
                address,
                flooding.0.clone(),
                flooding.1.clone(),
                window,
                20_000 * (n + 1),
            ))
        })
        .collect();
    let beside_smpp = load(&portal.base, &page, 2, window).await;
    let mut four = Flood::default();
    for bind in binds {
        let done = bind.await.unwrap();
        four.accepted += done.accepted;
        four.refused += done.refused;
        for (status, count) in done.statuses {
            *four.statuses.entry(status).or_default() += count;
        }
        four.seconds = four.seconds.max(done.seconds);
    }

    // Receipt latency at a steady rate, once the floods' messages are out.
    let drained = Instant::now();
    let deadline = drained + Duration::from_secs(600);
    while sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM messages WHERE status IN ('queued', 'sent')",
    )
    .fetch_one(&pool)
    .await
    .unwrap()
        > 0
    {
        assert!(Instant::now() < deadline, "the carrier did not catch up");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let drain_seconds = drained.elapsed().as_secs_f64();
    let arrived = steady(address, &timing.0, &timing.1, window * 2).await;
    let ids: Vec<i64> = arrived.keys().filter_map(|id| id.parse().ok()).collect();
    let queued: Vec<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT message_id, queued_at_ms FROM smpp_outbox WHERE message_id IN ({})",
        db::id_list(&ids)
    ))
    .fetch_all(&pool)
    .await
    .unwrap();
    let latencies: Vec<Duration> = queued
        .iter()
        .filter_map(|(id, at)| {
            arrived
                .get(&id.to_string())
                .map(|got| Duration::from_millis((got - at).max(0) as u64))
        })
        .collect();
    let receipts = stats(latencies, Duration::from_secs(1));
    drop(portal);
    pool.close().await;
    json!({
        "one_bind": {
            "accepted": one.accepted,
            "refused": one.refused,
            "refusals": one.statuses,
            "receipts_meanwhile": one.receipts,
            "per_second": one.accepted as f64 / one.seconds,
        },
        "four_binds": {
            "accepted": four.accepted,
            "refused": four.refused,
            "refusals": four.statuses,
            "per_second": four.accepted as f64 / four.seconds,
        },
        "portal_page_idle": idle,
        "portal_page_beside_smpp": beside_smpp,
        "portal_p99_ratio": beside_smpp.p99_ms / idle.p99_ms,
        "carrier_catch_up_seconds": drain_seconds,
        "receipt_latency": receipts,
        "steady_rate_per_second": STEADY_PER_SECOND,
    })
}

/// #15's budgets.
pub fn budgets(smpp: &Value) -> Vec<Value> {
    if smpp.is_null() {
        return Vec::new();
    }
    vec![
        at_least(
            "SMPP submit_sm/s, one transceiver, window 10",
            &smpp["one_bind"]["per_second"],
            1000.0,
        ),
        below(
            "SMPP receipt latency p99 (ms)",
            &smpp["receipt_latency"]["p99_ms"],
            100.0,
        ),
        below(
            "portal page p99 beside SMPP ÷ idle",
            &smpp["portal_p99_ratio"],
            2.0,
        ),
    ]
}

pub fn print(smpp: &Value) {
    let f = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    println!("\n## SMPP (window 10, GSM-7, a receipt asked for each)");
    println!(
        "submit_sm, one transceiver: {:.0}/s ({} accepted, {} refused {}; budget ≥ 1,000/s)",
        f(&smpp["one_bind"]["per_second"]),
        smpp["one_bind"]["accepted"],
        smpp["one_bind"]["refused"],
        smpp["one_bind"]["refusals"]
    );
    println!(
        "submit_sm, four transceivers at once: {:.0}/s ({} accepted, {} refused {})",
        f(&smpp["four_binds"]["per_second"]),
        smpp["four_binds"]["accepted"],
        smpp["four_binds"]["refused"],
        smpp["four_binds"]["refusals"]
    );
    println!(
        "receipt latency, carrier's delivery → deliver_sm, at {}/s: p50 {:.1} ms, p99 {:.1} ms over {} receipts (budget p99 < 100 ms)",
        smpp["steady_rate_per_second"],
        f(&smpp["receipt_latency"]["p50_ms"]),
        f(&smpp["receipt_latency"]["p99_ms"]),
        smpp["receipt_latency"]["requests"]
    );
    println!(
        "GET /settings/sub-accounts p99: idle {:.2} ms, beside four SMPP floods {:.2} ms: ratio {:.2} (budget ≤ 2)",
        f(&smpp["portal_page_idle"]["p99_ms"]),
        f(&smpp["portal_page_beside_smpp"]["p99_ms"]),
        f(&smpp["portal_p99_ratio"])
    );
    println!(
        "the carrier caught up with the floods in {:.1} s",
        f(&smpp["carrier_catch_up_seconds"])
    );
}
