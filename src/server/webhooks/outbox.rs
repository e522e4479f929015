//! Events into the outbox: called inside the transaction that makes the
//! event, so an event and its deliveries commit together or not at all.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand::RngCore;
use serde::Serialize;

use super::{endpoints::Events, EventType};
use crate::server::{
    db::{self, Tx},
    resources::{Inbound, Message, MESSAGE_COLUMNS},
};

/// An event's body, as every delivery of it carries it.
#[derive(Serialize)]
struct Event<'a, T: Serialize> {
    r#type: &'static str,
    timestamp: &'a str,
    data: &'a T,
}

/// An endpoint of an account and the events it wants.
struct Subscriber {
    id: i64,
    account_id: i64,
    events: Events,
}

/// The id of one event, the `webhook-id` of all its deliveries.
fn new_event_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("msg_{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// Deliveries of `message.delivered` and `message.failed` for messages just
/// made final. Costs one indexed query when no account has an endpoint.
pub async fn messages_done(tx: &mut Tx, ids: &[i64]) -> Result<(), sqlx::Error> {
    if ids.is_empty() {
        return Ok(());
    }
    let id_list = db::id_list(ids);
    let subscribers = subscribers(
        tx,
        &format!("SELECT DISTINCT account_id FROM messages WHERE id IN ({id_list})"),
    )
    .await?;
    let mut accounts: Vec<i64> = subscribers.iter().map(|s| s.account_id).collect();
    accounts.dedup();
    let mut rows = Vec::new();
    for account_id in accounts {
        let messages: Vec<Message> = sqlx::query_as(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE account_id = $1 AND id IN ({id_list}) ORDER BY id"
        ))
        .bind(account_id)
        .fetch_all(&mut **tx)
        .await?;
        for message in messages.into_iter().map(Message::finish) {
            let Some(event) = EventType::of_message_status(&message.status) else {
                continue;
            };
            let at = message.done_at.clone().unwrap_or_else(db::now);
            let of_account = subscribers.iter().filter(|s| s.account_id == account_id);
            rows.extend(deliveries(of_account, event, &at, &message));
        }
    }
    insert(tx, rows).await
}

/// Deliveries of `inbound.received` for a message just received.
pub async fn inbound_received(
    tx: &mut Tx,
    account_id: i64,
    inbound: &Inbound,
) -> Result<(), sqlx::Error> {
    let subscribers = subscribers(tx, &account_id.to_string()).await?;
    let rows = deliveries(
        subscribers.iter(),
        EventType::InboundReceived,
        &inbound.received_at,
        inbound,
    );
    insert(tx, rows).await
}

/// The endpoints of the accounts `accounts` (an SQL list or subquery)
/// selects, by account.
async fn subscribers(tx: &mut Tx, accounts: &str) -> Result<Vec<Subscriber>, sqlx::Error> {
    let rows: Vec<(i64, i64, String)> = sqlx::query_as(&format!(
        "SELECT id, account_id, events FROM webhook_endpoints WHERE account_id IN ({accounts}) \
         ORDER BY account_id, id"
    ))
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, account_id, events)| Subscriber {
            id,
            account_id,
            events: Events::from(events),
        })
        .collect())
}

/// A delivery row: endpoint, event id, event type, body.
type Row = (i64, String, &'static str, String);

/// One event, to each of `subscribers` that wants it.
fn deliveries<'s, T: Serialize>(
    subscribers: impl Iterator<Item = &'s Subscriber>,
    event: EventType,
    at: &str,
    data: &T,
) -> Vec<Row> {
    let wanting: Vec<i64> = subscribers
        .filter(|s| s.events.contains(event))
        .map(|s| s.id)
        .collect();
    if wanting.is_empty() {
        return Vec::new();
    }
    let body = serde_json::to_string(&Event {
        r#type: event.as_str(),
        timestamp: at,
        data,
    })
    .unwrap_or_default();
    let id = new_event_id();
    wanting
        .into_iter()
        .map(|endpoint| (endpoint, id.clone(), event.as_str(), body.clone()))
        .collect()
}

async fn insert(tx: &mut Tx, rows: Vec<Row>) -> Result<(), sqlx::Error> {
    let now = db::now();
    // Five parameters a row, well under both backends' limits.
    for chunk in rows.chunks(100) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let n = i * 4;
                format!("(${}, ${}, ${}, ${}, $1, $1)", n + 2, n + 3, n + 4, n + 5)
            })
            .collect();
        let sql = format!(
            "INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, payload, next_attempt_at, created_at) \
             VALUES {}",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(&now);
        for (endpoint, id, event, body) in chunk {
            query = query.bind(*endpoint).bind(id).bind(*event).bind(body);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}
