//! Balance, transactions and invoices.

use crate::server::db::Pool;

use std::time::Duration;

use super::{
    analytics::DateRange,
    db::{self, begin_write, Tx},
};
use crate::{
    domain::wire::{
        finance::{FinanceOverview, Invoice, InvoiceDocument, Receipt},
        Page, PER_PAGE,
    },
    domain::Money,
};

/// The transactions of a date range, newest first; `None` for all time.
pub async fn overview(
    pool: &Pool,
    account_id: i64,
    range: Option<&DateRange>,
    page: i64,
) -> Result<FinanceOverview, sqlx::Error> {
    let balance = super::sending::balance(pool, account_id).await?;
    let (start, end) = range.map(DateRange::timestamps).unzip();
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM balance_transactions t WHERE {IN_RANGE}"
    ))
    .bind(account_id)
    .bind(&start)
    .bind(&end)
    .fetch_one(pool)
    .await?;
    let items = sqlx::query_as(&format!(
        "SELECT {TRANSACTION_COLUMNS} FROM balance_transactions t LEFT JOIN users u ON u.id = t.user_id \
         WHERE {IN_RANGE} ORDER BY t.created_at DESC, t.id DESC LIMIT $4 OFFSET $5"
    ))
    .bind(account_id)
    .bind(&start)
    .bind(&end)
    .bind(PER_PAGE)
    .bind((page - 1) * PER_PAGE)
    .fetch_all(pool)
    .await?;
    let invoices = sqlx::query_as(
        "SELECT number, period, amount, status, issued_at FROM invoices WHERE account_id = $1 ORDER BY issued_at DESC",
    )
    .bind(account_id)
    .fetch_all(pool)
    .await?;
    Ok(FinanceOverview {
        balance,
        transactions: Page {
            items,
            total,
            page,
            per_page: PER_PAGE,
        },
        invoices,
    })
}

pub const TRANSACTION_COLUMNS: &str =
    "t.id, t.created_at, t.kind, t.amount, t.balance_after, t.description, u.login AS by_login";

/// Transactions of account $1 between $2 and $3 (NULL: unbounded).
pub const IN_RANGE: &str = "t.account_id = $1 AND ($2 IS NULL OR t.created_at >= $2) AND ($3 IS NULL OR t.created_at < $3)";

/// One invoice with what it bills: the campaigns charged in its month
/// (refunds go back to the balance, so they are not billed at all).
pub async fn invoice(
    pool: &Pool,
    account_id: i64,
    number: &str,
) -> Result<Option<InvoiceDocument>, sqlx::Error> {
    let Some(invoice): Option<Invoice> = sqlx::query_as(
        "SELECT number, period, amount, status, issued_at FROM invoices WHERE account_id = $1 AND number = $2",
    )
    .bind(account_id)
    .bind(number)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let (account, company): (String, Option<String>) = sqlx::query_as(
        "SELECT a.name, o.company FROM accounts a LEFT JOIN users o ON o.account_id = a.id AND o.role = 'owner' WHERE a.id = $1",
    )
    .bind(account_id)
    .fetch_one(pool)
    .await?;
    let lines = sqlx::query_as(
        "SELECT t.created_at, t.description, -t.amount AS amount FROM balance_transactions t \
         WHERE t.account_id = $1 AND t.kind = 'charge' AND substr(t.created_at, 1, 7) = $2 \
         ORDER BY t.created_at, t.id",
    )
    .bind(account_id)
    .bind(&invoice.period)
    .fetch_all(pool)
    .await?;
    Ok(Some(InvoiceDocument {
        invoice,
        account,
        company,
        lines,
    }))
}

/// How long a confirmation page can still be paid.
const INTENT_LIFETIME: Duration = Duration::from_secs(30 * 60);

/// Intent $1 of account $2 and payer $3, made at or after $4 ([`live_since`]).
const OWN_LIVE_INTENT: &str = "id = $1 AND account_id = $2 AND user_id = $3 AND created_at >= $4";

/// The oldest creation time of an intent that can still be paid.
fn live_since() -> String {
    db::before_now(INTENT_LIFETIME)
}

/// Keeps a checked amount for its payer to confirm; drops stale ones.
pub async fn intend_top_up(
    pool: &Pool,
    account_id: i64,
    user_id: i64,
    amount: Money,
) -> Result<i64, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    sqlx::query("DELETE FROM top_up_intents WHERE created_at < $1")
        .bind(live_since())
        .execute(&mut *tx)
        .await?;
    let id = sqlx::query_scalar(
        "INSERT INTO top_up_intents (account_id, user_id, amount) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(account_id)
    .bind(user_id)
    .bind(amount.0)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The amount of the caller's own top-up `intent`, while it can be paid.
pub async fn intended(
    pool: &Pool,
    account_id: i64,
    user_id: i64,
    intent: i64,
) -> Result<Option<Money>, sqlx::Error> {
    let amount: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT amount FROM top_up_intents WHERE {OWN_LIVE_INTENT}"
    ))
    .bind(intent)
    .bind(account_id)
    .bind(user_id)
    .bind(live_since())
    .fetch_optional(pool)
    .await?;
    Ok(amount.map(Money))
}

/// Pays the caller's own `intent`, using it up in the same transaction;
/// `None` when it was paid already, has expired or is not theirs.
pub async fn pay_intent(
    pool: &Pool,
    account_id: i64,
    user_id: i64,
    intent: i64,
) -> Result<Option<(i64, Money)>, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let amount: Option<i64> = sqlx::query_scalar(&format!(
        "DELETE FROM top_up_intents WHERE {OWN_LIVE_INTENT} RETURNING amount"
    ))
    .bind(intent)
    .bind(account_id)
    .bind(user_id)
    .bind(live_since())
    .fetch_optional(&mut *tx)
    .await?;
    let Some(amount) = amount.map(Money) else {
        return Ok(None);
    };
    let id = credit(&mut tx, account_id, user_id, amount).await?;
    tx.commit().await?;
    Ok(Some((id, amount)))
}

/// Credits the balance and records who did it, atomically; returns the transaction id.
pub async fn top_up(
    pool: &Pool,
    account_id: i64,
    user_id: i64,
    amount: Money,
) -> Result<i64, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let id = credit(&mut tx, account_id, user_id, amount).await?;
    tx.commit().await?;
    Ok(id)
}

async fn credit(
    tx: &mut Tx,
    account_id: i64,
    user_id: i64,
    amount: Money,
) -> Result<i64, sqlx::Error> {
    let balance: i64 = sqlx::query_scalar(
        "UPDATE account_balances SET balance = balance + $2 WHERE account_id = $1 RETURNING balance",
    )
    .bind(account_id)
    .bind(amount.0)
    .fetch_one(&mut **tx)
    .await?;
    let id = sqlx::query_scalar(
        "INSERT INTO balance_transactions (account_id, kind, amount, balance_after, description, user_id) \
         VALUES ($1, 'top_up', $2, $3, 'Card payment', $4) RETURNING id",
    )
    .bind(account_id)
    .bind(amount.0)
    .bind(balance)
    .bind(user_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// The top-up `id` of the account; only when `payer` made it, if given.
pub async fn receipt(
    pool: &Pool,
    account_id: i64,
    id: i64,
    payer: Option<i64>,
) -> Result<Option<Receipt>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, amount, created_at FROM balance_transactions \
         WHERE id = $1 AND account_id = $2 AND kind = 'top_up' AND ($3 IS NULL OR user_id = $3)",
    )
    .bind(id)
    .bind(account_id)
    .bind(payer)
    .fetch_optional(pool)
    .await
}
