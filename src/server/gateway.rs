//! Delivery. There is no real carrier: a `Gateway` decides each message's
//! fate, and the dispatcher moves messages queued → sent → delivered/failed
//! over a few seconds, refunding failed parts. Every step is a guarded
//! UPDATE in one transaction, so a restart resumes where it stopped; at
//! shutdown the dispatcher finishes its current round and starts no other,
//! so nothing is handed to the carrier without being recorded. (Only a hard
//! kill between handing over a batch and committing it can repeat that
//! batch; the message id goes with each message as the carrier's client
//! reference, by which carriers drop such repeats.)

use sqlx::SqlitePool;
use std::{
    io::Write,
    path::PathBuf,
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::sync::watch;

use super::db::begin_write;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    Failed,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Delivered => "delivered",
            Outcome::Failed => "failed",
        }
    }
}

/// A carrier connection.
pub trait Gateway: Send + Sync + 'static {
    /// Hands one message to the carrier; the outcome is reported back later.
    /// `reference` identifies the message to the carrier across retries.
    fn submit(&self, reference: i64, recipient: &str, sender: &str, text: &str) -> Outcome;
}

/// Delivers about 96% of messages; which ones fail depends only on the
/// number, so a test can count on it. It can keep the carrier's side of
/// the story, one line per hand-over in a file, so a test run across
/// restarts can prove no message was handed over twice.
#[derive(Default)]
pub struct SimulatedGateway {
    handed_over: Option<Mutex<std::fs::File>>,
}

impl SimulatedGateway {
    /// Appends the reference of every message handed over to `path`.
    pub fn logging_to(path: PathBuf) -> std::io::Result<Self> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        Ok(Self {
            handed_over: Some(Mutex::new(file)),
        })
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
        if let Some(file) = &self.handed_over {
            let mut file = file.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if let Err(error) = writeln!(file, "{reference}") {
                tracing::error!(%error, "simulated carrier log not written");
            }
        }
        if Self::fails(recipient) {
            Outcome::Failed
        } else {
            Outcome::Delivered
        }
    }
}

const BATCH: i64 = 500;

/// The running delivery loop.
pub struct Dispatcher {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Dispatcher {
    /// Finishes the round in progress, if any, and ends the loop.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        if let Err(error) = self.task.await {
            tracing::error!(%error, "dispatcher ended abnormally");
        }
    }
}

/// Runs the delivery loop, one round per `tick`, until `shutdown`.
pub fn spawn_dispatcher(pool: SqlitePool, gateway: Arc<dyn Gateway>, tick: Duration) -> Dispatcher {
    let (stop, mut stopped) = watch::channel(false);
    let task = tokio::spawn(async move {
        let mut interval = tokio::time::interval(tick);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = interval.tick() => {}
                _ = stopped.changed() => return,
            }
            // A round is never cut short: the stop is only seen between rounds.
            if let Err(error) = step(&pool, gateway.as_ref()).await {
                tracing::error!(%error, "dispatcher step failed");
            }
        }
    });
    Dispatcher { stop, task }
}

/// One round: report deliveries of sent messages, submit queued ones, close
/// finished campaigns. Returns how many messages moved.
pub async fn step(pool: &SqlitePool, gateway: &dyn Gateway) -> Result<usize, sqlx::Error> {
    let reported = report_deliveries(pool).await?;
    let submitted = submit_queued(pool, gateway).await?;
    if reported + submitted > 0 {
        complete_campaigns(pool).await?;
    }
    Ok(reported + submitted)
}

/// Marks campaigns whose every message is final as completed and refunds
/// their failed parts with one transaction line per campaign, in the same
/// transaction: a campaign is completed, and so refunded, exactly once.
async fn complete_campaigns(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let completed: Vec<(i64, i64)> = sqlx::query_as(
        "UPDATE campaigns SET status = 'completed' WHERE status = 'sending' AND NOT EXISTS \
         (SELECT 1 FROM messages m WHERE m.campaign_id = campaigns.id AND m.status IN ('queued', 'sent')) \
         RETURNING id, account_id",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (campaign_id, account_id) in completed {
        // Less what was refunded already: campaigns in flight when this
        // version started had their failed parts refunded as reported.
        let due: i64 = sqlx::query_scalar(
            "SELECT (SELECT COALESCE(SUM(price), 0) FROM messages WHERE campaign_id = ?1 AND status = 'failed') \
                  - (SELECT COALESCE(SUM(amount), 0) FROM balance_transactions WHERE campaign_id = ?1 AND kind = 'refund')",
        )
        .bind(campaign_id)
        .fetch_one(&mut *tx)
        .await?;
        if due > 0 {
            refund(&mut tx, account_id, Some(campaign_id), due).await?;
        }
    }
    tx.commit().await
}

/// Credits `amount` back to the account with its transaction line.
async fn refund(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    account_id: i64,
    campaign_id: Option<i64>,
    amount: i64,
) -> Result<(), sqlx::Error> {
    let balance: i64 = sqlx::query_scalar(
        "UPDATE accounts SET balance = balance + ?2 WHERE id = ?1 RETURNING balance",
    )
    .bind(account_id)
    .bind(amount)
    .fetch_one(&mut **tx)
    .await?;
    let description = match campaign_id {
        Some(id) => format!("Refund of undelivered messages, campaign #{id}"),
        None => "Refund of undelivered messages".to_owned(),
    };
    sqlx::query(
        "INSERT INTO balance_transactions (account_id, kind, amount, balance_after, description, campaign_id) \
         VALUES (?1, 'refund', ?2, ?3, ?4, ?5)",
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

async fn submit_queued(pool: &SqlitePool, gateway: &dyn Gateway) -> Result<usize, sqlx::Error> {
    let queued: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT id, recipient, sender, text FROM messages WHERE status = 'queued' ORDER BY id LIMIT ?1",
    )
    .bind(BATCH)
    .fetch_all(pool)
    .await?;
    if queued.is_empty() {
        return Ok(0);
    }
    let mut tx = begin_write(pool).await?;
    let mut moved = 0;
    for (id, recipient, sender, text) in queued {
        let outcome = gateway.submit(id, &recipient, &sender, &text);
        moved += sqlx::query(
            "UPDATE messages SET status = 'sent', outcome = ?2, sent_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') \
             WHERE id = ?1 AND status = 'queued'",
        )
        .bind(id)
        .bind(outcome.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected() as usize;
    }
    tx.commit().await?;
    Ok(moved)
}

/// Applies the outcome of messages sent at least a second ago. Failed
/// messages of a campaign are refunded when it completes; those sent
/// without a campaign, at once.
async fn report_deliveries(pool: &SqlitePool) -> Result<usize, sqlx::Error> {
    let due: Vec<(i64, i64, Option<i64>, i64, String)> = sqlx::query_as(
        "SELECT id, account_id, campaign_id, price, outcome FROM messages \
         WHERE status = 'sent' AND sent_at <= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 second') ORDER BY id LIMIT ?1",
    )
    .bind(BATCH)
    .fetch_all(pool)
    .await?;
    if due.is_empty() {
        return Ok(0);
    }
    let mut tx = begin_write(pool).await?;
    let mut refunds: std::collections::BTreeMap<i64, i64> = Default::default();
    let mut moved = 0;
    for (id, account_id, campaign_id, price, outcome) in &due {
        let changed = sqlx::query(
            "UPDATE messages SET status = ?2, done_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?1 AND status = 'sent'",
        )
        .bind(id)
        .bind(outcome)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        // Refund only what this round moved, so a message is never refunded twice.
        if changed == 1 {
            moved += 1;
            if outcome == "failed" && campaign_id.is_none() {
                *refunds.entry(*account_id).or_default() += price;
            }
        }
    }
    for (account_id, amount) in refunds {
        refund(&mut tx, account_id, None, amount).await?;
    }
    tx.commit().await?;
    Ok(moved)
}
