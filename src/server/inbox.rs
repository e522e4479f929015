//! Incoming and blocked messages: searchable, paged, exportable.

use sqlx::SqlitePool;

use crate::api::{
    inbox::{BlockedRow, IncomingRow},
    Page, PER_PAGE,
};

/// A LIKE pattern for a search box (its wildcards taken literally); empty matches all.
pub fn like_pattern(search: &str) -> String {
    let cleaned: String = search
        .trim()
        .chars()
        .take(100)
        .filter(|c| !matches!(c, '%' | '_'))
        .collect();
    format!("%{cleaned}%")
}

pub const INCOMING_COLUMNS: &str = "id, received_at, sender, recipient, text";
pub const INCOMING_WHERE: &str = "account_id = ?1 AND (sender LIKE ?2 OR text LIKE ?2)";
pub const BLOCKED_COLUMNS: &str = "id, created_at, sender, recipient, text, reason";
pub const BLOCKED_WHERE: &str =
    "account_id = ?1 AND (recipient LIKE ?2 OR text LIKE ?2 OR reason LIKE ?2)";

pub async fn incoming(
    pool: &SqlitePool,
    account_id: i64,
    search: &str,
    page: i64,
) -> Result<Page<IncomingRow>, sqlx::Error> {
    let pattern = like_pattern(search);
    let total = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM incoming_messages WHERE {INCOMING_WHERE}"
    ))
    .bind(account_id)
    .bind(&pattern)
    .fetch_one(pool)
    .await?;
    let items = sqlx::query_as(&format!(
        "SELECT {INCOMING_COLUMNS} FROM incoming_messages WHERE {INCOMING_WHERE} ORDER BY received_at DESC, id DESC LIMIT ?3 OFFSET ?4"
    ))
    .bind(account_id)
    .bind(&pattern)
    .bind(PER_PAGE)
    .bind((page - 1) * PER_PAGE)
    .fetch_all(pool)
    .await?;
    Ok(Page {
        items,
        total,
        page,
        per_page: PER_PAGE,
    })
}

pub async fn blocked(
    pool: &SqlitePool,
    account_id: i64,
    search: &str,
    page: i64,
) -> Result<Page<BlockedRow>, sqlx::Error> {
    let pattern = like_pattern(search);
    let total = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM blocked_messages WHERE {BLOCKED_WHERE}"
    ))
    .bind(account_id)
    .bind(&pattern)
    .fetch_one(pool)
    .await?;
    let items = sqlx::query_as(&format!(
        "SELECT {BLOCKED_COLUMNS} FROM blocked_messages WHERE {BLOCKED_WHERE} ORDER BY created_at DESC, id DESC LIMIT ?3 OFFSET ?4"
    ))
    .bind(account_id)
    .bind(&pattern)
    .bind(PER_PAGE)
    .bind((page - 1) * PER_PAGE)
    .fetch_all(pool)
    .await?;
    Ok(Page {
        items,
        total,
        page,
        per_page: PER_PAGE,
    })
}
