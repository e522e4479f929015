//! The account's stop-list: numbers that are never sent to. A campaign
//! reports them in its review and records them as blocked messages.

use crate::server::db::Pool;
use crate::server::db::Write as _;

use super::{phone, search::SearchList};
use crate::{
    domain::wire::{stop_list::StopListEntry, AppError, Page},
    domain::Phone,
};

/// A stopped number as stored.
#[derive(sqlx::FromRow)]
struct Stopped {
    phone: String,
    added_at: String,
}

const STOPPED: SearchList = SearchList {
    columns: "phone, added_at",
    from: |like| format!("stop_list WHERE account_id = $1 AND phone {like} $2 ESCAPE '\\'"),
    order: "added_at DESC, phone",
    export_order: "added_at, phone",
    export_after: "(added_at, phone) > ($6, $7)",
};

/// A page of the stop-list, searched by the digits typed (people type
/// numbers with spaces).
pub async fn page(
    pool: &Pool,
    account_id: i64,
    search: &str,
    page: i64,
) -> Result<Page<StopListEntry>, sqlx::Error> {
    let digits: String = search.chars().filter(char::is_ascii_digit).collect();
    let stopped: Page<Stopped> = STOPPED.page(pool, Some(account_id), &digits, page).await?;
    Ok(Page {
        items: stopped
            .items
            .into_iter()
            .map(|row| StopListEntry {
                display: phone::grouped(&row.phone),
                phone: row.phone,
                added_at: row.added_at,
            })
            .collect(),
        total: stopped.total,
        page: stopped.page,
        per_page: stopped.per_page,
    })
}

/// Adds a number; one already on the list is a field error, not a 500.
pub async fn add(pool: &Pool, account_id: i64, raw: &str) -> Result<Phone, AppError> {
    let mut errors = crate::domain::FormErrors::default();
    errors.keep("phone", raw);
    let Some(number) = errors.check("phone", Phone::parse_lenient(raw)) else {
        return Err(AppError::Invalid(errors));
    };
    let added = sqlx::query(
        "INSERT INTO stop_list (account_id, phone) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(account_id)
    .bind(number.as_str())
    .write(pool)
    .await?;
    if added.rows_affected() == 0 {
        errors.add("phone", "This number is on the stop-list already.");
        return Err(AppError::Invalid(errors));
    }
    Ok(number)
}

pub async fn remove(pool: &Pool, account_id: i64, number: &str) -> Result<(), AppError> {
    let removed = sqlx::query("DELETE FROM stop_list WHERE account_id = $1 AND phone = $2")
        .bind(account_id)
        .bind(number)
        .write(pool)
        .await?;
    match removed.rows_affected() {
        0 => Err(AppError::NotFound),
        _ => Ok(()),
    }
}
