//! Balance, transactions and invoices.

use sqlx::SqlitePool;

use super::db::begin_write;
use crate::{
    api::{finance::FinanceOverview, Page, PER_PAGE},
    domain::Money,
};

pub async fn overview(
    pool: &SqlitePool,
    account_id: i64,
    page: i64,
) -> Result<FinanceOverview, sqlx::Error> {
    let balance = super::sending::balance(pool, account_id).await?;
    let total: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM balance_transactions WHERE account_id = ?1")
            .bind(account_id)
            .fetch_one(pool)
            .await?;
    let items = sqlx::query_as(
        "SELECT t.id, t.created_at, t.kind, t.amount, t.balance_after, t.description, u.login AS by_login \
         FROM balance_transactions t LEFT JOIN users u ON u.id = t.user_id \
         WHERE t.account_id = ?1 ORDER BY t.id DESC LIMIT ?2 OFFSET ?3",
    )
    .bind(account_id)
    .bind(PER_PAGE)
    .bind((page - 1) * PER_PAGE)
    .fetch_all(pool)
    .await?;
    let invoices = sqlx::query_as(
        "SELECT number, period, amount, status, issued_at FROM invoices WHERE account_id = ?1 ORDER BY issued_at DESC",
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

/// Credits the balance and records who did it, atomically; returns the transaction id.
pub async fn top_up(
    pool: &SqlitePool,
    account_id: i64,
    user_id: i64,
    amount: Money,
) -> Result<i64, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let balance: i64 = sqlx::query_scalar(
        "UPDATE accounts SET balance = balance + ?2 WHERE id = ?1 RETURNING balance",
    )
    .bind(account_id)
    .bind(amount.0)
    .fetch_one(&mut *tx)
    .await?;
    let id = sqlx::query_scalar(
        "INSERT INTO balance_transactions (account_id, kind, amount, balance_after, description, user_id) \
         VALUES (?1, 'top_up', ?2, ?3, 'Card payment', ?4) RETURNING id",
    )
    .bind(account_id)
    .bind(amount.0)
    .bind(balance)
    .bind(user_id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}
