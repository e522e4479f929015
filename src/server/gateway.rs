//! Delivery. There is no real carrier: a `Gateway` decides each message's
//! fate, and the dispatcher moves messages queued → sent → delivered/failed
//! over a few seconds, refunding failed parts. Every step is a guarded
//! UPDATE in one transaction, so a restart resumes where it stopped; at
//! shutdown the dispatcher finishes its current round and starts no other.
//!
//! Every process runs a dispatcher. A round first claims a batch of queued
//! messages for a lease (on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so
//! processes take disjoint batches), hands them over, then records them.
//! A process killed between the two leaves its claim to expire; whoever
//! takes the batch over first asks the carrier, by the message id it was
//! given as the client reference, which messages it already has, and
//! hands over only the others: no message reaches the carrier twice.

use super::{
    db::{self, begin_write, id_list, Backend, Pool, Tx},
    rounds::Rounds,
    smpp, webhooks,
};
use std::{
    collections::BTreeMap,
    io::Write,
    path::PathBuf,
    sync::{Arc, Mutex},
    time::Duration,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    Failed,
}

/// A carrier connection.
pub trait Gateway: Send + Sync + 'static {
    /// Hands one message to the carrier; the outcome is reported back later.
    /// `reference` identifies the message to the carrier across retries.
    fn submit(&self, reference: i64, recipient: &str, sender: &str, text: &str) -> Outcome;

    /// The outcome of message `reference` if it was handed over before
    /// (carriers answer this by client reference), `None` if it never was.
    fn handed_over(&self, reference: i64, recipient: &str) -> Option<Outcome>;
}

/// Delivers about 96% of messages; which ones fail depends only on the
/// number, so a test can count on it. It can keep the carrier's side of
/// the story, one line per hand-over in a file, so a test run across
/// restarts can prove no message was handed over twice. Processes that
/// share one carrier share its file: lines are appended whole.
#[derive(Default)]
pub struct SimulatedGateway {
    log: Option<(PathBuf, Mutex<std::fs::File>)>,
}

impl SimulatedGateway {
    /// Appends the reference of every message handed over to `path`.
    pub fn logging_to(path: PathBuf) -> std::io::Result<Self> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)?;
        Ok(Self {
            log: Some((path, Mutex::new(file))),
        })
    }

    fn outcome(recipient: &str) -> Outcome {
        if Self::fails(recipient) {
            Outcome::Failed
        } else {
            Outcome::Delivered
        }
    }

    pub fn fails(recipient: &str) -> bool {
        let sum: u32 = recipient
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| u32::from(b - b'0') * 7)
            .sum();
        sum.is_multiple_of(25)
    }
}

impl Gateway for SimulatedGateway {
    fn submit(&self, reference: i64, recipient: &str, _sender: &str, _text: &str) -> Outcome {
        if let Some((_, file)) = &self.log {
            let mut file = file.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            // One write per line: an O_APPEND write is never interleaved.
            if let Err(error) = file.write_all(format!("{reference}\n").as_bytes()) {
                tracing::error!(%error, "simulated carrier log not written");
            }
        }
        Self::outcome(recipient)
    }

    fn handed_over(&self, reference: i64, recipient: &str) -> Option<Outcome> {
        let (path, _) = self.log.as_ref()?;
        let wanted = reference.to_string();
        let log = std::fs::read_to_string(path).unwrap_or_default();
        log.lines()
            .any(|line| line == wanted)
            .then(|| Self::outcome(recipient))
    }
}

const BATCH: i64 = 500;

/// How long a claim on a batch of queued messages lasts by default: far
/// longer than a round takes, and how long a killed process's batch waits.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(30);

/// Runs the delivery loop, one round per `tick`, until its `shutdown`;
/// batches are claimed for `lease`.
pub fn spawn_dispatcher(
    pool: Pool,
    gateway: Arc<dyn Gateway>,
    tick: Duration,
    lease: Duration,
) -> Rounds {
    Rounds::spawn("dispatcher", tick, move || {
        let (pool, gateway) = (pool.clone(), gateway.clone());
        async move { round(&pool, gateway.as_ref(), lease).await }
    })
}

/// One round with the default lease; see [`round`].
pub async fn step(pool: &Pool, gateway: &dyn Gateway) -> Result<usize, sqlx::Error> {
    round(pool, gateway, DEFAULT_LEASE).await
}

/// One round: report deliveries of sent messages, submit queued ones, close
/// finished campaigns. Returns how many messages moved.
pub async fn round(
    pool: &Pool,
    gateway: &dyn Gateway,
    lease: Duration,
) -> Result<usize, sqlx::Error> {
    let reported = report_deliveries(pool).await?;
    let submitted = submit_queued(pool, gateway, lease).await?;
    if reported + submitted > 0 {
        complete_campaigns(pool).await?;
    }
    Ok(reported + submitted)
}

/// Marks campaigns whose every message is final as completed and refunds
/// their failed parts with one transaction line per campaign, in the same
/// transaction: a campaign is completed, and so refunded, exactly once.
/// What is due is read before any account is touched; then each account's
/// balance moves once, so its row (which its sends wait for) is held only
/// for that and the lines, not for the reading of every campaign.
async fn complete_campaigns(pool: &Pool) -> Result<(), sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let completed: Vec<i64> = sqlx::query_scalar(
        "UPDATE campaigns SET status = 'completed' WHERE status = 'sending' AND NOT EXISTS \
         (SELECT 1 FROM messages m WHERE m.campaign_id = campaigns.id AND m.status IN ('queued', 'sent')) \
         RETURNING id",
    )
    .fetch_all(&mut *tx)
    .await?;
    if completed.is_empty() {
        return tx.commit().await;
    }
    // Less what was refunded already: campaigns in flight when this
    // version started had their failed parts refunded as reported.
    let due: Vec<(i64, i64, i64)> = sqlx::query_as(&format!(
        "SELECT account_id, id, CAST( \
           (SELECT COALESCE(SUM(price), 0) FROM messages m WHERE m.campaign_id = c.id AND m.status = 'failed') \
         - (SELECT COALESCE(SUM(amount), 0) FROM balance_transactions t WHERE t.campaign_id = c.id AND t.kind = 'refund') \
         AS BIGINT) FROM campaigns c WHERE c.id IN ({}) ORDER BY account_id, id",
        id_list(&completed)
    ))
    .fetch_all(&mut *tx)
    .await?;
    // Accounts in id order, as every refunding transaction locks them.
    let mut refunds: BTreeMap<i64, Vec<(i64, i64)>> = BTreeMap::new();
    for (account_id, campaign_id, amount) in due {
        if amount > 0 {
            refunds
                .entry(account_id)
                .or_default()
                .push((campaign_id, amount));
        }
    }
    for (account_id, campaigns) in refunds {
        refund_campaigns(&mut tx, account_id, &campaigns).await?;
    }
    tx.commit().await
}

/// Credits the refunds of an account's completed `campaigns` (id, amount):
/// the balance moves once, and each campaign gets its line with the
/// balance after it.
async fn refund_campaigns(
    tx: &mut Tx,
    account_id: i64,
    campaigns: &[(i64, i64)],
) -> Result<(), sqlx::Error> {
    const LINES_PER_INSERT: usize = 200;
    let total: i64 = campaigns.iter().map(|(_, amount)| amount).sum();
    let mut balance = credit(tx, account_id, total).await? - total;
    for chunk in campaigns.chunks(LINES_PER_INSERT) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let n = 2 + 4 * i;
                format!("($1, 'refund', ${n}, ${}, ${}, ${})", n + 1, n + 2, n + 3)
            })
            .collect();
        let sql = format!(
            "INSERT INTO balance_transactions (account_id, kind, amount, balance_after, campaign_id, description) \
             VALUES {}",
            rows.join(", ")
        );
        let mut insert = sqlx::query(&sql).bind(account_id);
        for (campaign_id, amount) in chunk {
            balance += amount;
            insert = insert
                .bind(amount)
                .bind(balance)
                .bind(campaign_id)
                .bind(format!(
                    "Refund of undelivered messages, campaign #{campaign_id}"
                ));
        }
        insert.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Adds `amount` to the account's balance (locking its row); the balance after.
async fn credit(tx: &mut Tx, account_id: i64, amount: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("UPDATE account_balances SET balance = balance + $2 WHERE account_id = $1 RETURNING balance")
        .bind(account_id)
        .bind(amount)
        .fetch_one(&mut **tx)
        .await
}

/// Credits `amount` back to the account with its transaction line.
async fn refund(
    tx: &mut Tx,
    account_id: i64,
    campaign_id: Option<i64>,
    amount: i64,
) -> Result<(), sqlx::Error> {
    let balance = credit(tx, account_id, amount).await?;
    let description = match campaign_id {
        Some(id) => format!("Refund of undelivered messages, campaign #{id}"),
        None => "Refund of undelivered messages".to_owned(),
    };
    sqlx::query(
        "INSERT INTO balance_transactions (account_id, kind, amount, balance_after, description, campaign_id) \
         VALUES ($1, 'refund', $2, $3, $4, $5)",
    )
    .bind(account_id)
    .bind(amount)
    .bind(balance)
    .bind(description)
    .bind(campaign_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Claims a batch of queued messages, hands it to the carrier (asking it
/// first about messages whose earlier claim expired) and records it.
async fn submit_queued(
    pool: &Pool,
    gateway: &dyn Gateway,
    lease: Duration,
) -> Result<usize, sqlx::Error> {
    let claimed = claim_queued(pool, lease).await?;
    if claimed.is_empty() {
        return Ok(0);
    }
    // Only while the claim surely holds: what is left when half the lease
    // is gone stays queued, and is claimed again (the carrier asked first).
    let deadline = std::time::Instant::now() + lease / 2;
    let handed: Vec<(i64, Outcome)> = claimed
        .into_iter()
        .take_while(|_| std::time::Instant::now() < deadline)
        .map(|message| {
            let earlier = message
                .taken_over
                .then(|| gateway.handed_over(message.id, &message.recipient))
                .flatten();
            let outcome = earlier.unwrap_or_else(|| {
                gateway.submit(
                    message.id,
                    &message.recipient,
                    &message.sender,
                    &message.text,
                )
            });
            (message.id, outcome)
        })
        .collect();
    let now = db::now();
    let mut tx = begin_write(pool).await?;
    if handed.is_empty() {
        return Ok(0);
    }
    // One statement for the batch: its per-day totals move once.
    let failed: Vec<i64> = handed
        .iter()
        .filter(|(_, outcome)| *outcome == Outcome::Failed)
        .map(|(id, _)| *id)
        .collect();
    let all: Vec<i64> = handed.iter().map(|(id, _)| *id).collect();
    let moved = sqlx::query(&format!(
        "UPDATE messages SET status = 'sent', sent_at = $1, lease_until = NULL, \
         outcome = CASE WHEN id IN ({}) THEN 'failed' ELSE 'delivered' END \
         WHERE status = 'queued' AND id IN ({})",
        if failed.is_empty() {
            "NULL".to_owned()
        } else {
            id_list(&failed)
        },
        id_list(&all)
    ))
    .bind(&now)
    .execute(&mut *tx)
    .await?
    .rows_affected() as usize;
    tx.commit().await?;
    Ok(moved)
}

/// The condition of the partial index `messages_in_flight`, which the
/// dispatcher's look-ups repeat: SQLite uses a partial index only for a
/// query that states its condition (it does not infer it from `status =
/// 'queued'`), and without it each round read every message, twice a
/// second, idle or not: 14 % of a core at 200,000 messages.
const IN_FLIGHT: &str = "status IN ('queued', 'sent')";

/// Queued messages without a live claim ($1: now), a batch ($2) at most.
pub(crate) fn queued_lookup(backend: Backend) -> String {
    format!(
        "SELECT id, recipient, sender, text, lease_until FROM messages \
         WHERE {IN_FLIGHT} AND status = 'queued' AND (lease_until IS NULL OR lease_until < $1) \
         ORDER BY id LIMIT $2{}",
        backend.skip_locked()
    )
}

/// Sent messages whose outcome is due ($1: sent before), a batch ($2) at most.
pub(crate) fn reports_lookup(backend: Backend) -> String {
    format!(
        "SELECT id FROM messages WHERE {IN_FLIGHT} AND status = 'sent' AND sent_at <= $1 \
         ORDER BY id LIMIT $2{}",
        backend.skip_locked()
    )
}

/// A queued message claimed for handing over.
struct Claimed {
    id: i64,
    recipient: String,
    sender: String,
    text: String,
    /// An earlier claim expired: the carrier may have it already.
    taken_over: bool,
}

/// Claims up to a batch of queued messages nobody holds a live claim on.
async fn claim_queued(pool: &Pool, lease: Duration) -> Result<Vec<Claimed>, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let rows: Vec<(i64, String, String, String, Option<String>)> =
        sqlx::query_as(&queued_lookup(Backend::of(pool)))
            .bind(db::now())
            .bind(BATCH)
            .fetch_all(&mut *tx)
            .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|row| row.0).collect();
    sqlx::query(&format!(
        "UPDATE messages SET lease_until = $1 WHERE id IN ({})",
        id_list(&ids)
    ))
    .bind(db::timestamp(time::OffsetDateTime::now_utc() + lease))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|(id, recipient, sender, text, lease_until)| Claimed {
            id,
            recipient,
            sender,
            text,
            taken_over: lease_until.is_some(),
        })
        .collect())
}

/// Applies the outcome of messages sent at least a second ago. Failed
/// messages of a campaign are refunded when it completes; those sent
/// without a campaign, at once.
async fn report_deliveries(pool: &Pool) -> Result<usize, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let due: Vec<i64> = sqlx::query_scalar(&reports_lookup(Backend::of(pool)))
        .bind(db::before_now(Duration::from_secs(1)))
        .bind(BATCH)
        .fetch_all(&mut *tx)
        .await?;
    if due.is_empty() {
        return Ok(0);
    }
    // The accounts to refund are locked first, in id order (a send locks
    // just its own, as its last step): no two transactions wait on each
    // other in a circle.
    sqlx::query(&format!(
        "SELECT account_id FROM account_balances WHERE account_id IN (SELECT account_id FROM messages \
         WHERE id IN ({}) AND outcome = 'failed' AND campaign_id IS NULL) ORDER BY account_id{}",
        id_list(&due),
        Backend::of(pool).for_update()
    ))
    .fetch_all(&mut *tx)
    .await?;
    // One statement for the batch; what it returns is what this round
    // moved, so a message is never refunded twice.
    let moved: Vec<(i64, i64, Option<i64>, i64, String)> = sqlx::query_as(&format!(
        "UPDATE messages SET status = outcome, done_at = $1 WHERE status = 'sent' AND id IN ({}) \
         RETURNING id, account_id, campaign_id, price, status",
        id_list(&due)
    ))
    .bind(db::now())
    .fetch_all(&mut *tx)
    .await?;
    let mut refunds: BTreeMap<i64, i64> = BTreeMap::new();
    for (_, account_id, campaign_id, price, status) in &moved {
        if status == "failed" && campaign_id.is_none() {
            *refunds.entry(*account_id).or_default() += price;
        }
    }
    for (account_id, amount) in refunds {
        refund(&mut tx, account_id, None, amount).await?;
    }
    let moved: Vec<i64> = moved.into_iter().map(|(id, ..)| id).collect();
    webhooks::outbox::messages_done(&mut tx, &moved).await?;
    let receipts = smpp::outbox::receipts_due(&mut tx, &moved).await?;
    let moved = moved.len();
    tx.commit().await?;
    receipts.hand_over();
    Ok(moved)
}
