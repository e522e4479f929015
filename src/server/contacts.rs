//! Contact lists and contacts of one account.

use super::db::{begin_write, Backend, Pool};
use crate::server::db::Write as _;
use crate::{
    domain::wire::{
        contacts::{Contact, ContactListPage, ContactListSummary, ImportReport},
        AppError, Page, PER_PAGE,
    },
    domain::{PersonName, Phone},
};

/// The most rows one import may hold.
pub const MAX_IMPORT_ROWS: usize = 50_000;

fn list_name(raw: &str) -> Result<String, AppError> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    match name.chars().count() {
        0 => Err(AppError::invalid("name", "Name the list.")),
        81.. => Err(AppError::invalid(
            "name",
            "A list name has at most 80 characters.",
        )),
        _ if name.chars().any(char::is_control) => Err(AppError::invalid(
            "name",
            "A list name cannot contain control characters.",
        )),
        _ => Ok(name),
    }
}

fn contact_name(raw: &str) -> Result<String, crate::domain::FieldError> {
    if raw.trim().is_empty() {
        return Ok(String::new());
    }
    PersonName::parse(raw).map(PersonName::into_inner)
}

fn name_taken(error: sqlx::Error) -> AppError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            AppError::invalid("name", "A list with this name exists already.")
        }
        _ => error.into(),
    }
}

const SUMMARY: &str = "SELECT l.id, l.name, (SELECT COUNT(*) FROM contacts c WHERE c.list_id = l.id) AS contacts, \
    l.created_at, u.login AS created_by FROM contact_lists l LEFT JOIN users u ON u.id = l.created_by \
    WHERE l.account_id = $1";

pub async fn lists(pool: &Pool, account_id: i64) -> Result<Vec<ContactListSummary>, sqlx::Error> {
    sqlx::query_as(&format!("{SUMMARY} ORDER BY lower(l.name), l.id"))
        .bind(account_id)
        .fetch_all(pool)
        .await
}

pub async fn create_list(
    pool: &Pool,
    account_id: i64,
    user_id: i64,
    name: &str,
) -> Result<i64, AppError> {
    let name = list_name(name)?;
    sqlx::query_scalar(
        "INSERT INTO contact_lists (account_id, name, created_by) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(account_id)
    .bind(name)
    .bind(user_id)
    .fetch_one(pool)
    .await
    .map_err(name_taken)
}

fn found(rows: u64) -> Result<(), AppError> {
    if rows == 1 {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

pub async fn rename_list(
    pool: &Pool,
    account_id: i64,
    id: i64,
    name: &str,
) -> Result<(), AppError> {
    let name = list_name(name)?;
    let result =
        sqlx::query("UPDATE contact_lists SET name = $3 WHERE id = $1 AND account_id = $2")
            .bind(id)
            .bind(account_id)
            .bind(name)
            .write(pool)
            .await
            .map_err(name_taken)?;
    found(result.rows_affected())
}

pub async fn delete_list(pool: &Pool, account_id: i64, id: i64) -> Result<(), AppError> {
    let result = sqlx::query("DELETE FROM contact_lists WHERE id = $1 AND account_id = $2")
        .bind(id)
        .bind(account_id)
        .write(pool)
        .await?;
    found(result.rows_affected())
}

pub async fn list_page(
    pool: &Pool,
    account_id: i64,
    id: i64,
    page: i64,
    search: &str,
) -> Result<ContactListPage, AppError> {
    let list: ContactListSummary = sqlx::query_as(&format!("{SUMMARY} AND l.id = $2"))
        .bind(account_id)
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or(AppError::NotFound)?;
    let pattern = super::search::like_pattern(search);
    let like = Backend::of(pool).like();
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM contacts WHERE list_id = $1 AND (phone {like} $2 ESCAPE '\\' OR name {like} $2 ESCAPE '\\')"
    ))
    .bind(id)
    .bind(&pattern)
    .fetch_one(pool)
    .await?;
    let items: Vec<Contact> = sqlx::query_as(&format!(
        "SELECT id, phone, name FROM contacts WHERE list_id = $1 AND (phone {like} $2 ESCAPE '\\' OR name {like} $2 ESCAPE '\\') ORDER BY name, id LIMIT $3 OFFSET $4"
    ))
    .bind(id)
    .bind(&pattern)
    .bind(PER_PAGE)
    .bind((page - 1) * PER_PAGE)
    .fetch_all(pool)
    .await?;
    Ok(ContactListPage {
        countries: import_countries(pool, account_id).await?,
        list,
        contacts: Page {
            items: items
                .into_iter()
                .map(|contact| Contact {
                    phone_display: super::phone::grouped(&contact.phone),
                    ..contact
                })
                .collect(),
            total,
            page,
            per_page: PER_PAGE,
        },
    })
}

/// The routed countries, the one of the account owner's phone first: the
/// likeliest home of national numbers in an import.
async fn import_countries(
    pool: &Pool,
    account_id: i64,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    let mut countries: Vec<(String, String)> = sqlx::query_as(
        "SELECT country_code, MIN(country) FROM prices GROUP BY country_code ORDER BY MIN(country)",
    )
    .fetch_all(pool)
    .await?;
    let owner_phone: Option<String> =
        sqlx::query_scalar("SELECT phone FROM users WHERE account_id = $1 AND role = 'owner'")
            .bind(account_id)
            .fetch_optional(pool)
            .await?;
    if let Some(home) = owner_phone.as_deref().and_then(super::phone::country_of) {
        if let Some(at) = countries.iter().position(|(code, _)| *code == home) {
            let first = countries.remove(at);
            countries.insert(0, first);
        }
    }
    Ok(countries)
}

pub async fn owned_list(pool: &Pool, account_id: i64, list_id: i64) -> Result<(), AppError> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM contact_lists WHERE id = $1 AND account_id = $2")
            .bind(list_id)
            .bind(account_id)
            .fetch_optional(pool)
            .await?;
    found.map(|_| ()).ok_or(AppError::NotFound)
}

fn parse_contact(phone: &str, name: &str) -> Result<(Phone, String), AppError> {
    let mut errors = crate::domain::FormErrors::default();
    errors.keep("phone", phone);
    errors.keep("name", name);
    let phone = errors.check("phone", Phone::parse_lenient(phone));
    let name = errors.check("name", contact_name(name));
    match (phone, name) {
        (Some(phone), Some(name)) => Ok((phone, name)),
        _ => Err(AppError::Invalid(errors)),
    }
}

fn duplicate_phone(error: sqlx::Error) -> AppError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            AppError::invalid("phone", "This number is in the list already.")
        }
        _ => error.into(),
    }
}

pub async fn add(
    pool: &Pool,
    account_id: i64,
    list_id: i64,
    phone: &str,
    name: &str,
) -> Result<(), AppError> {
    owned_list(pool, account_id, list_id).await?;
    let (phone, name) = parse_contact(phone, name)?;
    sqlx::query("INSERT INTO contacts (account_id, list_id, phone, name) VALUES ($1, $2, $3, $4)")
        .bind(account_id)
        .bind(list_id)
        .bind(phone.as_str())
        .bind(name)
        .write(pool)
        .await
        .map_err(duplicate_phone)?;
    Ok(())
}

pub async fn update(
    pool: &Pool,
    account_id: i64,
    id: i64,
    phone: &str,
    name: &str,
) -> Result<(), AppError> {
    let (phone, name) = parse_contact(phone, name)?;
    let result =
        sqlx::query("UPDATE contacts SET phone = $3, name = $4 WHERE id = $1 AND account_id = $2")
            .bind(id)
            .bind(account_id)
            .bind(phone.as_str())
            .bind(name)
            .write(pool)
            .await
            .map_err(duplicate_phone)?;
    found(result.rows_affected())
}

pub async fn remove(pool: &Pool, account_id: i64, id: i64) -> Result<(), AppError> {
    let result = sqlx::query("DELETE FROM contacts WHERE id = $1 AND account_id = $2")
        .bind(id)
        .bind(account_id)
        .write(pool)
        .await?;
    found(result.rows_affected())
}

/// A contact read from an import: its line, number and name.
pub type ImportRow = (usize, Phone, String);
/// A refused import line and the reason.
pub type LineError = (i64, String);

/// Reads the number of an import line: international, or national in
/// `country` (an ISO code; empty for none).
fn import_phone(field: &str, country: &str) -> Result<Phone, crate::domain::FieldError> {
    let typed = field.trim();
    Phone::parse_lenient(typed).or_else(|error| {
        let international = typed.starts_with('+') || typed.starts_with("00");
        if international || country.is_empty() {
            return Err(error);
        }
        super::phone::from_national(typed, country).map_or(Err(error), |e164| Phone::parse(&e164))
    })
}

/// Parses CSV rows of `phone[,name]`, one contact per line (quoted fields
/// may hold commas); a first row without a valid number is taken as a
/// header. Numbers without a country code are read as numbers of
/// `country`. Returns the valid rows and the refused lines, numbered as in
/// the file.
pub fn parse_import(csv_text: &str, country: &str) -> (Vec<ImportRow>, Vec<LineError>) {
    let (mut rows, mut errors) = (Vec::new(), Vec::new());
    for (index, text) in csv_text.lines().enumerate() {
        let line = index + 1;
        if text.trim().is_empty() {
            continue;
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let Some(Ok(record)) = reader.records().next() else {
            errors.push((line as i64, "This line is not valid CSV.".to_owned()));
            continue;
        };
        let phone_field = record.get(0).unwrap_or_default();
        let name_field = record.get(1).unwrap_or_default();
        match import_phone(phone_field, country) {
            Ok(phone) => match contact_name(name_field) {
                Ok(name) => rows.push((line, phone, name)),
                Err(error) => errors.push((line as i64, error.to_string())),
            },
            Err(_) if line == 1 && !phone_field.starts_with('+') => {} // a header row
            Err(error) => errors.push((
                line as i64,
                format!(
                    "“{}”: {error}",
                    phone_field.chars().take(40).collect::<String>()
                ),
            )),
        }
    }
    (rows, errors)
}

pub async fn import(
    pool: &Pool,
    account_id: i64,
    user_id: i64,
    list_id: i64,
    csv_text: &str,
    country: &str,
) -> Result<ImportReport, AppError> {
    owned_list(pool, account_id, list_id).await?;
    let country = country.trim();
    let iso_code = |code: &str| code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase());
    if !country.is_empty() && !iso_code(country) {
        return Err(AppError::invalid(
            "country",
            "Choose a country from the list.",
        ));
    }
    let (rows, errors) = parse_import(csv_text, country);
    if rows.len() + errors.len() > MAX_IMPORT_ROWS {
        return Err(AppError::invalid(
            "csv",
            format!("An import has at most {MAX_IMPORT_ROWS} rows."),
        ));
    }
    if rows.is_empty() && errors.is_empty() {
        return Err(AppError::invalid(
            "csv",
            "Paste at least one row: phone number, then name.",
        ));
    }
    // In number order (stable: the first of two equal numbers still wins),
    // so concurrent imports into one list lock new rows in one order.
    let mut rows = rows;
    rows.sort_by(|a, b| a.1.as_str().cmp(b.1.as_str()));
    let mut tx = begin_write(pool).await?;
    let (mut added, mut duplicates) = (0, 0);
    for (_, phone, name) in &rows {
        let inserted = sqlx::query("INSERT INTO contacts (account_id, list_id, phone, name) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
            .bind(account_id)
            .bind(list_id)
            .bind(phone.as_str())
            .bind(name)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if inserted == 1 {
            added += 1
        } else {
            duplicates += 1
        }
    }
    let report_json = serde_json::to_string(&errors).unwrap_or_else(|_| "[]".into());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO contact_imports (account_id, list_id, user_id, added, duplicates, rejected, report) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(account_id)
    .bind(list_id)
    .bind(user_id)
    .bind(added)
    .bind(duplicates)
    .bind(errors.len() as i64)
    .bind(report_json)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(ImportReport {
        id,
        list_id,
        added,
        duplicates,
        rejected: errors.len() as i64,
        errors,
    })
}

pub async fn import_report(
    pool: &Pool,
    account_id: i64,
    id: i64,
) -> Result<ImportReport, AppError> {
    let row: Option<(i64, i64, i64, i64, i64, String)> = sqlx::query_as(
        "SELECT id, list_id, added, duplicates, rejected, report FROM contact_imports WHERE id = $1 AND account_id = $2",
    )
    .bind(id)
    .bind(account_id)
    .fetch_optional(pool)
    .await?;
    let (id, list_id, added, duplicates, rejected, report) = row.ok_or(AppError::NotFound)?;
    let errors = serde_json::from_str(&report).unwrap_or_default();
    Ok(ImportReport {
        id,
        list_id,
        added,
        duplicates,
        rejected,
        errors,
    })
}
