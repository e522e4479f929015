//! What the platform owes a credential's receivers, as `deliver_sm`:
//! delivery receipts and inbound messages. Rows are written in the
//! transaction that makes them due, so none is lost to a restart; a bind
//! claims a window of them, and marks each sent when the client answers.

use crate::server::db::Write as _;
use std::{
    collections::HashMap,
    sync::LazyLock,
    time::{Duration, SystemTime, UNIX_EPOCH},
};
use tokio::sync::{mpsc, watch};

use super::receivers;
use crate::server::db::{self, Backend, Pool, Tx};

/// How long a claim lasts: a bind that dies leaves its rows to the next
/// after this (one that closes releases them at once).
const CLAIM: Duration = Duration::from_secs(60);
/// A refused delivery is offered again after this.
const RETRY_AFTER: Duration = Duration::from_secs(5);
/// Sent rows are kept a day (the benchmark reads their latency); rows no
/// receiver took are dropped after three, like an SMSC's validity period.
const KEEP_SENT: Duration = Duration::from_secs(24 * 3600);
const KEEP_WAITING: Duration = Duration::from_secs(3 * 24 * 3600);

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Rings when this process has queued something: its binds look at once
/// instead of at their next poll. Other processes' rows wait for the poll.
static BELL: LazyLock<watch::Sender<u64>> = LazyLock::new(|| watch::channel(0).0);

pub fn ring() {
    BELL.send_modify(|n| *n = n.wrapping_add(1));
}

pub fn bell() -> watch::Receiver<u64> {
    BELL.subscribe()
}

/// Receipts claimed for receivers of this process, to hand over once the
/// transaction that made them due has committed.
#[derive(Default)]
pub struct Handoffs {
    claimed: Vec<(mpsc::UnboundedSender<Due>, Due)>,
    /// Some wait for a receiver of another process, or for none.
    unclaimed: bool,
}

impl Handoffs {
    /// Hands the receipts to their sessions (one whose session has just
    /// gone waits for its claim to lapse), and wakes the other binds.
    pub fn hand_over(self) {
        for (inbox, due) in self.claimed {
            let _ = inbox.send(due);
        }
        if self.unclaimed {
            ring();
        }
    }
}

/// Queues the receipts `ids` asked for, now that they are final (the
/// carrier's report, in its transaction). Those whose credential has a
/// receiver bound in this process are claimed for it at once.
pub async fn receipts_due(tx: &mut Tx, ids: &[i64]) -> Result<Handoffs, sqlx::Error> {
    let mut handoffs = Handoffs::default();
    if ids.is_empty() {
        return Ok(handoffs);
    }
    let wanted: Vec<(i64, Receipt)> = sqlx::query_as::<_, (i64, i64, String, String, String, String, String, Option<String>)>(&format!(
        "SELECT m.smpp_credential_id, m.id, m.sender, m.recipient, m.text, m.status, m.created_at, m.done_at \
         FROM messages m JOIN smpp_credentials c ON c.id = m.smpp_credential_id AND c.revoked_at IS NULL \
         WHERE m.id IN ({}) AND m.receipt_requested > 0 \
           AND (m.receipt_requested = 1 \
                OR (m.receipt_requested = 2 AND m.status = 'failed') \
                OR (m.receipt_requested = 3 AND m.status = 'delivered')) \
         ORDER BY m.id",
        db::id_list(ids)
    ))
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|(credential, message_id, sender, recipient, text, status, created_at, done_at)| {
        let receipt = Receipt { message_id, sender, recipient, text, status, created_at, done_at };
        (credential, receipt)
    })
    .collect();
    let now = now_ms();
    let claimed_until = now + CLAIM.as_millis() as i64;
    // Five parameters a row, well under both backends' limits.
    for chunk in wanted.chunks(100) {
        let receivers: Vec<_> = chunk
            .iter()
            .map(|(credential, _)| receivers::next(*credential))
            .collect();
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let n = 3 + 4 * i;
                format!("(${n}, ${}, $1, ${}, ${})", n + 1, n + 2, n + 3)
            })
            .collect();
        let sql = format!(
            "INSERT INTO smpp_outbox (credential_id, message_id, queued_at_ms, claimed_by, claimed_until_ms) \
             VALUES {} RETURNING id",
            rows.join(", ")
        );
        let mut insert = sqlx::query_scalar(&sql).bind(now).bind(claimed_until);
        for ((credential, receipt), receiver) in chunk.iter().zip(&receivers) {
            let bind = receiver.as_ref().map(|(bind, _)| *bind);
            insert = insert
                .bind(*credential)
                .bind(receipt.message_id)
                .bind(bind)
                .bind(bind.map(|_| claimed_until));
        }
        // A statement's rows take ascending ids in the order listed.
        let mut outbox_ids: Vec<i64> = insert.fetch_all(&mut **tx).await?;
        outbox_ids.sort_unstable();
        for (((_, receipt), receiver), id) in chunk.iter().zip(receivers).zip(outbox_ids) {
            match receiver {
                Some((_, inbox)) => handoffs
                    .claimed
                    .push((inbox, Due::Receipt(id, receipt.clone()))),
                None => handoffs.unclaimed = true,
            }
        }
    }
    Ok(handoffs)
}

/// Queues an inbound message for every live credential of the account.
pub async fn inbound_due(
    tx: &mut Tx,
    account_id: i64,
    inbound_id: i64,
) -> Result<u64, sqlx::Error> {
    let queued = sqlx::query(
        "INSERT INTO smpp_outbox (credential_id, inbound_id, queued_at_ms) \
         SELECT id, $2, $3 FROM smpp_credentials WHERE account_id = $1 AND revoked_at IS NULL",
    )
    .bind(account_id)
    .bind(inbound_id)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(queued.rows_affected())
}

/// A receipt's facts.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Receipt {
    pub message_id: i64,
    pub sender: String,
    pub recipient: String,
    pub text: String,
    pub status: String,
    pub created_at: String,
    pub done_at: Option<String>,
}

/// An inbound message's facts.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Inbound {
    pub inbound_id: i64,
    pub sender: String,
    pub recipient: String,
    pub text: String,
}

/// One thing owed, as claimed.
#[derive(Debug, Clone)]
pub enum Due {
    Receipt(i64, Receipt),
    Inbound(i64, Inbound),
}

impl Due {
    pub fn outbox_id(&self) -> i64 {
        match self {
            Self::Receipt(id, _) | Self::Inbound(id, _) => *id,
        }
    }
}

/// Whether anything owed to `credential_id` is free to claim: a read, so
/// a receiver that polls never waits for SQLite's write lock for nothing.
pub async fn waiting(pool: &Pool, credential_id: i64) -> Result<bool, sqlx::Error> {
    let waiting: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM smpp_outbox WHERE credential_id = $1 AND sent_at_ms IS NULL \
         AND (claimed_until_ms IS NULL OR claimed_until_ms < $2) LIMIT 1",
    )
    .bind(credential_id)
    .bind(now_ms())
    .fetch_optional(pool)
    .await?;
    Ok(waiting.is_some())
}

/// Claims up to `limit` rows owed to `credential_id` for the bind
/// `bind_id`, oldest first, with what they carry.
pub async fn claim(
    pool: &Pool,
    credential_id: i64,
    bind_id: i64,
    limit: usize,
) -> Result<Vec<Due>, sqlx::Error> {
    let now = now_ms();
    let claimed: Vec<(i64, Option<i64>, Option<i64>)> = sqlx::query_as(&format!(
        "UPDATE smpp_outbox SET claimed_by = $2, claimed_until_ms = $3 WHERE id IN \
         (SELECT id FROM smpp_outbox WHERE credential_id = $1 AND sent_at_ms IS NULL \
          AND (claimed_until_ms IS NULL OR claimed_until_ms < $4) ORDER BY id LIMIT $5{}) \
         RETURNING id, message_id, inbound_id",
        Backend::of(pool).skip_locked()
    ))
    .bind(credential_id)
    .bind(bind_id)
    .bind(now + CLAIM.as_millis() as i64)
    .bind(now)
    .bind(limit as i64)
    .fetch_all(pool)
    .await?;
    if claimed.is_empty() {
        return Ok(Vec::new());
    }
    let message_ids: Vec<i64> = claimed.iter().filter_map(|c| c.1).collect();
    let inbound_ids: Vec<i64> = claimed.iter().filter_map(|c| c.2).collect();
    let receipts: HashMap<i64, Receipt> = if message_ids.is_empty() {
        HashMap::new()
    } else {
        sqlx::query_as::<_, Receipt>(&format!(
            "SELECT id AS message_id, sender, recipient, text, status, created_at, done_at \
             FROM messages WHERE id IN ({})",
            db::id_list(&message_ids)
        ))
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|receipt| (receipt.message_id, receipt))
        .collect()
    };
    let inbound: HashMap<i64, Inbound> = if inbound_ids.is_empty() {
        HashMap::new()
    } else {
        sqlx::query_as::<_, Inbound>(&format!(
            "SELECT id AS inbound_id, sender, recipient, text FROM incoming_messages WHERE id IN ({})",
            db::id_list(&inbound_ids)
        ))
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|message| (message.inbound_id, message))
        .collect()
    };
    let mut due: Vec<Due> = claimed
        .into_iter()
        .filter_map(
            |(id, message_id, inbound_id)| match (message_id, inbound_id) {
                (Some(m), _) => receipts.get(&m).map(|r| Due::Receipt(id, r.clone())),
                // One inbound message is due to every credential of its account.
                (_, Some(i)) => inbound.get(&i).map(|r| Due::Inbound(id, r.clone())),
                _ => None,
            },
        )
        .collect();
    due.sort_by_key(Due::outbox_id);
    Ok(due)
}

/// Marks rows the client acknowledged as sent.
pub async fn sent(pool: &Pool, ids: &[i64]) -> Result<(), sqlx::Error> {
    if ids.is_empty() {
        return Ok(());
    }
    sqlx::query(&format!(
        "UPDATE smpp_outbox SET sent_at_ms = $1, claimed_by = NULL, claimed_until_ms = NULL \
         WHERE id IN ({}) AND sent_at_ms IS NULL",
        db::id_list(ids)
    ))
    .bind(now_ms())
    .write(pool)
    .await?;
    Ok(())
}

/// Offers a row the client refused again a little later.
pub async fn retry_later(pool: &Pool, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE smpp_outbox SET claimed_until_ms = $2 WHERE id = $1 AND sent_at_ms IS NULL",
    )
    .bind(id)
    .bind(now_ms() + RETRY_AFTER.as_millis() as i64)
    .write(pool)
    .await?;
    Ok(())
}

/// Gives back what a closing bind holds, for the next receiver.
pub async fn release(pool: &Pool, bind_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE smpp_outbox SET claimed_by = NULL, claimed_until_ms = NULL \
         WHERE claimed_by = $1 AND sent_at_ms IS NULL",
    )
    .bind(bind_id)
    .write(pool)
    .await?;
    Ok(())
}

/// Drops sent rows after a day and rows nobody took after three.
pub async fn clean(pool: &Pool) -> Result<(), sqlx::Error> {
    let now = now_ms();
    sqlx::query(
        "DELETE FROM smpp_outbox WHERE (sent_at_ms IS NOT NULL AND sent_at_ms < $1) OR queued_at_ms < $2",
    )
    .bind(now - KEEP_SENT.as_millis() as i64)
    .bind(now - KEEP_WAITING.as_millis() as i64)
    .write(pool)
    .await?;
    Ok(())
}
