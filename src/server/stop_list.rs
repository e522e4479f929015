//! The account's stop-list: numbers that are never sent to. A campaign
//! reports them in its review and records them as blocked messages.

use sqlx::SqlitePool;

use super::{phone, search::like_pattern};
use crate::{
    api::{stop_list::StopListEntry, AppError, Page, PER_PAGE},
    domain::Phone,
};

pub async fn page(
    pool: &SqlitePool,
    account_id: i64,
    search: &str,
    page: i64,
) -> Result<Page<StopListEntry>, sqlx::Error> {
    // Searched by digits, as people type numbers with spaces.
    let digits: String = search.chars().filter(char::is_ascii_digit).collect();
    let pattern = like_pattern(&digits);
    let total = sqlx::query_scalar(
        "SELECT COUNT(*) FROM stop_list WHERE account_id = ?1 AND phone LIKE ?2 ESCAPE '\\'",
    )
    .bind(account_id)
    .bind(&pattern)
    .fetch_one(pool)
    .await?;
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT phone, added_at FROM stop_list WHERE account_id = ?1 AND phone LIKE ?2 ESCAPE '\\' \
         ORDER BY added_at DESC, phone LIMIT ?3 OFFSET ?4",
    )
    .bind(account_id)
    .bind(&pattern)
    .bind(PER_PAGE)
    .bind((page - 1) * PER_PAGE)
    .fetch_all(pool)
    .await?;
    Ok(Page {
        items: rows
            .into_iter()
            .map(|(number, added_at)| StopListEntry {
                display: phone::grouped(&number),
                phone: number,
                added_at,
            })
            .collect(),
        total,
        page,
        per_page: PER_PAGE,
    })
}

/// Adds a number; one already on the list is a field error, not a 500.
pub async fn add(pool: &SqlitePool, account_id: i64, raw: &str) -> Result<Phone, AppError> {
    let mut errors = crate::domain::FormErrors::default();
    errors.keep("phone", raw);
    let Some(number) = errors.check("phone", Phone::parse_lenient(raw)) else {
        return Err(AppError::Invalid(errors));
    };
    let added = sqlx::query(
        "INSERT INTO stop_list (account_id, phone) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
    )
    .bind(account_id)
    .bind(number.as_str())
    .execute(pool)
    .await?;
    if added.rows_affected() == 0 {
        errors.add("phone", "This number is on the stop-list already.");
        return Err(AppError::Invalid(errors));
    }
    Ok(number)
}

pub async fn remove(pool: &SqlitePool, account_id: i64, number: &str) -> Result<(), AppError> {
    let removed = sqlx::query("DELETE FROM stop_list WHERE account_id = ?1 AND phone = ?2")
        .bind(account_id)
        .bind(number)
        .execute(pool)
        .await?;
    match removed.rows_affected() {
        0 => Err(AppError::NotFound),
        _ => Ok(()),
    }
}
