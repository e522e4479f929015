//! `submit_sm` into the sending pipeline. Submissions from every bind of
//! the process queue for one writer, which takes what has gathered and
//! writes it in one transaction: per account, the balance locked once,
//! the approved sender names and stop-list read once, one INSERT of the
//! messages and one charge line. At a thousand submissions a second that
//! is tens of transactions, not a thousand.

use std::collections::{BTreeMap, HashSet};
use tokio::sync::{mpsc, oneshot};

use crate::server::{
    db::{self, Backend, Pool, Tx},
    sending::{Routes, Unroutable},
};

/// Submissions one transaction takes at most (8 parameters each, within
/// both backends' limits).
const BATCH: usize = 256;

/// A message a bind submits, checked for form.
#[derive(Debug, Clone)]
pub struct Submission {
    pub credential_id: i64,
    pub account_id: i64,
    /// The sender name or number (`source_addr`).
    pub sender: String,
    /// E.164, with its `+`.
    pub recipient: String,
    pub text: String,
    pub parts: i64,
    /// registered_delivery's receipt bits (0–3).
    pub receipt: i64,
}

/// Why a submission is refused; nothing of it was written or charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The sender is not one of the account's approved sender names.
    UnknownSender,
    /// Not a valid number, or no route to its country.
    Unroutable,
    /// The recipient is on the account's stop-list (recorded as blocked).
    StopListed,
    InsufficientBalance,
    /// The credential was revoked since the bind.
    Revoked,
    /// The database failed; the client may retry.
    System,
}

type Reply = oneshot::Sender<Result<i64, Refusal>>;

/// The queue into the writer.
#[derive(Clone)]
pub struct Submitter(mpsc::Sender<(Submission, Reply)>);

impl Submitter {
    /// The writer, on `runtime`.
    pub fn spawn(pool: Pool, runtime: &tokio::runtime::Handle) -> Self {
        let (queue, mut submissions) = mpsc::channel::<(Submission, Reply)>(4 * BATCH);
        runtime.spawn(async move {
            let mut batch = Vec::with_capacity(BATCH);
            while submissions.recv_many(&mut batch, BATCH).await > 0 {
                let (items, replies): (Vec<_>, Vec<_>) = batch.drain(..).unzip();
                let results = match write(&pool, &items).await {
                    Ok(results) => results,
                    Err(error) => {
                        tracing::error!(%error, "SMPP submissions not written");
                        vec![Err(Refusal::System); items.len()]
                    }
                };
                for (reply, result) in replies.into_iter().zip(results) {
                    let _ = reply.send(result);
                }
            }
        });
        Self(queue)
    }

    /// Sends `submission`: its message id, or why not.
    pub async fn submit(&self, submission: Submission) -> Result<i64, Refusal> {
        let (reply, answer) = oneshot::channel();
        self.0
            .send((submission, reply))
            .await
            .map_err(|_| Refusal::System)?;
        answer.await.unwrap_or(Err(Refusal::System))
    }
}

/// Writes a batch in one transaction; a result per submission, in order.
pub async fn write(
    pool: &Pool,
    batch: &[Submission],
) -> Result<Vec<Result<i64, Refusal>>, sqlx::Error> {
    let routes = Routes::load(pool).await?;
    let mut results = vec![Err(Refusal::System); batch.len()];
    // Accounts in id order, as every transaction that charges locks them.
    let mut by_account: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for (n, submission) in batch.iter().enumerate() {
        by_account.entry(submission.account_id).or_default().push(n);
    }
    let backend = Backend::of(pool);
    let mut tx = db::begin_write(pool).await?;
    let live = live_credentials(&mut tx, batch).await?;
    for (account_id, indexes) in by_account {
        let submissions: Vec<&Submission> = indexes.iter().map(|&n| &batch[n]).collect();
        let outcome =
            write_account(&mut tx, backend, &routes, &live, account_id, &submissions).await?;
        for (n, result) in indexes.into_iter().zip(outcome) {
            results[n] = result;
        }
    }
    tx.commit().await?;
    Ok(results)
}

async fn live_credentials(tx: &mut Tx, batch: &[Submission]) -> Result<HashSet<i64>, sqlx::Error> {
    let ids: Vec<i64> = batch.iter().map(|s| s.credential_id).collect();
    let live: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT id FROM smpp_credentials WHERE revoked_at IS NULL AND id IN ({})",
        db::id_list(&ids)
    ))
    .fetch_all(&mut **tx)
    .await?;
    Ok(live.into_iter().collect())
}

/// One account's share of a batch: checks each submission in order
/// against a running balance, then writes the accepted ones.
async fn write_account(
    tx: &mut Tx,
    backend: Backend,
    routes: &Routes,
    live: &HashSet<i64>,
    account_id: i64,
    submissions: &[&Submission],
) -> Result<Vec<Result<i64, Refusal>>, sqlx::Error> {
    let balance: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT balance FROM account_balances WHERE account_id = $1{}",
        backend.for_update()
    ))
    .bind(account_id)
    .fetch_optional(&mut **tx)
    .await?;
    let mut balance = balance.unwrap_or(0);
    let senders: HashSet<String> = sqlx::query_scalar(
        "SELECT name FROM sender_names WHERE account_id = $1 AND status = 'approved'",
    )
    .bind(account_id)
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .collect();
    let stop_listed = stop_listed(tx, account_id, submissions).await?;

    let mut results = Vec::with_capacity(submissions.len());
    // Accepted: (index in `submissions`, country, price).
    let mut accepted: Vec<(usize, String, i64)> = Vec::new();
    let mut blocked: Vec<&Submission> = Vec::new();
    for (n, submission) in submissions.iter().enumerate() {
        let result = if !live.contains(&submission.credential_id) {
            Err(Refusal::Revoked)
        } else if !senders.contains(&submission.sender) {
            Err(Refusal::UnknownSender)
        } else if stop_listed.contains(&submission.recipient) {
            blocked.push(submission);
            Err(Refusal::StopListed)
        } else {
            match routes.route(&submission.recipient) {
                Err(Unroutable::Invalid | Unroutable::NoRoute) => Err(Refusal::Unroutable),
                Ok((country, unit_price)) => {
                    let price = unit_price * submission.parts;
                    if price > balance {
                        Err(Refusal::InsufficientBalance)
                    } else {
                        balance -= price;
                        accepted.push((n, country, price));
                        Ok(0)
                    }
                }
            }
        };
        results.push(result);
    }
    record_blocked(tx, account_id, &blocked).await?;
    if accepted.is_empty() {
        return Ok(results);
    }
    let cost: i64 = accepted.iter().map(|(_, _, price)| price).sum();
    let after: i64 = sqlx::query_scalar(
        "UPDATE account_balances SET balance = balance - $2 WHERE account_id = $1 RETURNING balance",
    )
    .bind(account_id)
    .bind(cost)
    .fetch_one(&mut **tx)
    .await?;
    let ids = insert_messages(tx, account_id, submissions, &accepted).await?;
    for ((n, _, _), id) in accepted.iter().zip(&ids) {
        results[*n] = Ok(*id);
    }
    let description = match accepted.len() {
        1 => format!("SMPP: message #{}", ids[0]),
        count => format!("SMPP: {count} messages, #{} to #{}", ids[0], ids[count - 1]),
    };
    sqlx::query(
        "INSERT INTO balance_transactions (account_id, kind, amount, balance_after, description) \
         VALUES ($1, 'charge', $2, $3, $4)",
    )
    .bind(account_id)
    .bind(-cost)
    .bind(after)
    .bind(description)
    .execute(&mut **tx)
    .await?;
    Ok(results)
}

async fn stop_listed(
    tx: &mut Tx,
    account_id: i64,
    submissions: &[&Submission],
) -> Result<HashSet<String>, sqlx::Error> {
    let placeholders: Vec<String> = (0..submissions.len())
        .map(|n| format!("${}", n + 2))
        .collect();
    let sql = format!(
        "SELECT phone FROM stop_list WHERE account_id = $1 AND phone IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_scalar(&sql).bind(account_id);
    for submission in submissions {
        query = query.bind(&submission.recipient);
    }
    Ok(query.fetch_all(&mut **tx).await?.into_iter().collect())
}

/// Stop-listed recipients show in Blocked SMS, as a campaign's do.
async fn record_blocked(
    tx: &mut Tx,
    account_id: i64,
    blocked: &[&Submission],
) -> Result<(), sqlx::Error> {
    let now = db::now();
    for submission in blocked {
        sqlx::query(
            "INSERT INTO blocked_messages (account_id, sender, recipient, text, reason, created_at) \
             VALUES ($1, $2, $3, $4, 'stop_list', $5)",
        )
        .bind(account_id)
        .bind(&submission.sender)
        .bind(&submission.recipient)
        .bind(&submission.text)
        .bind(&now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// One INSERT for the accepted messages (the per-day totals are kept per
/// statement); their ids in the order given. The rows of one statement
/// get ascending ids in the order listed, on both backends.
async fn insert_messages(
    tx: &mut Tx,
    account_id: i64,
    submissions: &[&Submission],
    accepted: &[(usize, String, i64)],
) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<String> = (0..accepted.len())
        .map(|i| {
            let n = 3 + 8 * i;
            format!(
                "($1, ${}, ${}, ${}, ${}, ${}, ${}, 'queued', $2, 'smpp', ${}, ${})",
                n,
                n + 1,
                n + 2,
                n + 3,
                n + 4,
                n + 5,
                n + 6,
                n + 7
            )
        })
        .collect();
    let sql = format!(
        "INSERT INTO messages (account_id, sender, recipient, country_code, text, parts, price, status, created_at, source, smpp_credential_id, receipt_requested) \
         VALUES {} RETURNING id",
        rows.join(", ")
    );
    let mut insert = sqlx::query_scalar(&sql).bind(account_id).bind(db::now());
    for (n, country, price) in accepted {
        let submission = submissions[*n];
        insert = insert
            .bind(&submission.sender)
            .bind(&submission.recipient)
            .bind(country)
            .bind(&submission.text)
            .bind(submission.parts)
            .bind(*price)
            .bind(submission.credential_id)
            .bind(submission.receipt);
    }
    let mut ids: Vec<i64> = insert.fetch_all(&mut **tx).await?;
    ids.sort_unstable();
    Ok(ids)
}
