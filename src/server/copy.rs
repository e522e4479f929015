//! `sms-portal copy-to`: a whole SQLite database into an empty PostgreSQL
//! one, for the provider who outgrows one machine, then verified.

use futures::TryStreamExt;
use sqlx::{any::AnyRow, Row};

use super::{
    daily_totals,
    db::{self, Backend, Pool},
};

/// Tables in an order their foreign keys accept (`accounts` refers to
/// `users` too: that column is filled in afterwards). Sessions are not
/// copied (their format differs between the stores): everyone logs in again.
/// `message_daily` is not copied either: the target's trigger rebuilds it
/// from the messages, and the verification compares it.
const TABLES: &[&str] = &[
    "accounts",
    "account_balances",
    "users",
    "user_permissions",
    "sender_names",
    "contact_lists",
    "contacts",
    "contact_imports",
    "prices",
    "stop_list",
    "campaigns",
    "messages",
    "incoming_messages",
    "blocked_messages",
    "balance_transactions",
    "invoices",
    "audit_log",
    "login_failures",
    "campaign_reviews",
    "top_up_intents",
    "api_keys",
    "idempotent_requests",
    "webhook_endpoints",
    "webhook_deliveries",
    "smpp_credentials",
    "smpp_outbox",
];

/// Rows per INSERT statement.
const BATCH: usize = 500;

/// What was copied: rows per table, all verified equal.
pub struct Copied {
    pub tables: Vec<(&'static str, i64)>,
    pub accounts_checked: i64,
}

/// Copies `source` (SQLite) into the empty PostgreSQL database of
/// `target_url`, migrating it first, and verifies the copy.
pub async fn copy_to(source: &Pool, target_url: &str) -> Result<Copied, String> {
    if Backend::of(source) != Backend::Sqlite
        || Backend::of_url(target_url).ok() != Some(Backend::Postgres)
    {
        return Err("copy-to copies a SQLite database (DATABASE_URL) into a PostgreSQL one".into());
    }
    let target = db::open(target_url)
        .await
        .map_err(|e| format!("cannot open the target database: {e}"))?;
    for table in TABLES.iter().chain(["message_daily"].iter()) {
        if count(&target, table).await? > 0 {
            return Err(format!(
                "the target is not empty ({table} has rows): copy-to only fills an empty database"
            ));
        }
    }
    let mut tx = db::begin_write(&target).await.map_err(|e| e.to_string())?;
    for table in TABLES {
        copy_table(source, &mut tx, table).await?;
    }
    sqlx::query(
        "UPDATE accounts SET profile_updated_by = NULL WHERE profile_updated_by NOT IN (SELECT id FROM users)",
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| e.to_string())?;
    // The messages' inserts left per-day deltas: one row per key, as SQLite has.
    daily_totals::fold_in(&mut tx)
        .await
        .map_err(|e| e.to_string())?;
    // Verified before the commit: a copy that does not add up leaves the
    // target empty, so it can be tried again.
    let copied = verify(source, &mut tx).await?;
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(copied)
}

/// The target's columns of `table` (generated ones aside) and whether each
/// holds integers.
async fn columns(target: &mut db::Tx, table: &str) -> Result<Vec<(String, bool)>, String> {
    sqlx::query_as::<_, (String, String)>(
        "SELECT column_name::text, data_type::text FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER' \
         ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(&mut **target)
    .await
    .map(|columns| {
        columns
            .into_iter()
            .map(|(name, kind)| (name, kind == "bigint"))
            .collect()
    })
    .map_err(|e| e.to_string())
}

async fn copy_table(source: &Pool, target: &mut db::Tx, table: &'static str) -> Result<(), String> {
    let columns = columns(target, table).await?;
    let names: Vec<&str> = columns.iter().map(|(name, _)| name.as_str()).collect();
    // `accounts.profile_updated_by` waits until its users exist.
    let selected: Vec<String> = names
        .iter()
        .map(|name| match (table, *name) {
            ("accounts", "profile_updated_by") => "NULL AS profile_updated_by".to_owned(),
            _ => (*name).to_owned(),
        })
        .collect();
    let select = format!("SELECT {} FROM {table}", selected.join(", "));
    let mut rows = sqlx::query(&select).fetch(source);
    let mut batch: Vec<AnyRow> = Vec::with_capacity(BATCH);
    loop {
        let row = rows.try_next().await.map_err(|e| format!("{table}: {e}"))?;
        let done = row.is_none();
        batch.extend(row);
        if batch.len() == BATCH || (done && !batch.is_empty()) {
            insert(target, table, &names, &columns, &batch).await?;
            batch.clear();
        }
        if done {
            break;
        }
    }
    drop(rows);
    if names.contains(&"id") {
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {table}"
        ))
        .execute(&mut **target)
        .await
        .map_err(|e| format!("{table}: {e}"))?;
    }
    if table == "users" {
        let updated: Vec<(i64, Option<i64>)> = sqlx::query_as(
            "SELECT id, profile_updated_by FROM accounts WHERE profile_updated_by IS NOT NULL",
        )
        .fetch_all(source)
        .await
        .map_err(|e| e.to_string())?;
        for (account, user) in updated {
            sqlx::query("UPDATE accounts SET profile_updated_by = $2 WHERE id = $1")
                .bind(account)
                .bind(user)
                .execute(&mut **target)
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// One multi-row INSERT of `rows`, each value bound as its column's type.
async fn insert(
    target: &mut db::Tx,
    table: &str,
    names: &[&str],
    columns: &[(String, bool)],
    rows: &[AnyRow],
) -> Result<(), String> {
    let width = names.len();
    let tuples: Vec<String> = (0..rows.len())
        .map(|r| {
            let params: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
            format!("({})", params.join(", "))
        })
        .collect();
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES {}",
        names.join(", "),
        tuples.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for row in rows {
        for (index, (name, integer)) in columns.iter().enumerate() {
            let cell = |e: sqlx::Error| format!("{table}.{name}: {e}");
            query = if *integer {
                query.bind(row.try_get::<Option<i64>, _>(index).map_err(cell)?)
            } else {
                // PostgreSQL's text holds no NUL; rows stored before the
                // portal refused NUL (a login typed with %00) may.
                let text: Option<String> = row.try_get(index).map_err(cell)?;
                query.bind(text.map(|text| text.replace('\0', "\u{FFFD}")))
            };
        }
    }
    query
        .execute(&mut **target)
        .await
        .map_err(|e| format!("{table}: {e}"))?;
    Ok(())
}

/// Rows of `table`; of the per-day totals only those not all zero (SQLite
/// keeps a day's emptied status rows, the target rebuilds only what is).
async fn count<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    table: &str,
) -> Result<i64, String> {
    let condition = match table {
        "message_daily" => " WHERE messages <> 0 OR parts <> 0 OR cost <> 0",
        _ => "",
    };
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}{condition}"))
        .fetch_one(db)
        .await
        .map_err(|e| format!("{table}: {e}"))
}

/// Rows per table and the per-day totals are equal on both sides, and
/// every balance is the same and the sum of its ledger.
async fn verify(source: &Pool, target: &mut db::Tx) -> Result<Copied, String> {
    let mut tables = Vec::new();
    for table in TABLES.iter().chain(["message_daily"].iter()) {
        let (from, to) = (
            count(source, table).await?,
            count(&mut **target, table).await?,
        );
        if from != to {
            return Err(format!("{table}: {from} rows in the source, {to} copied"));
        }
        tables.push((*table, to));
    }
    let (from, to) = (
        daily_totals(source).await?,
        daily_totals(&mut **target).await?,
    );
    if from != to {
        return Err(format!(
            "per-day totals differ: {from:?} in the source, {to:?} copied"
        ));
    }
    let (from, to) = (balances(source).await?, balances(&mut **target).await?);
    if from != to {
        return Err("balances differ between the source and the copy".into());
    }
    if let Some((id, balance, ledger)) = to.iter().find(|(_, balance, ledger)| balance != ledger) {
        return Err(format!(
            "account {id}: balance {balance} but ledger {ledger}"
        ));
    }
    Ok(Copied {
        tables,
        accounts_checked: to.len() as i64,
    })
}

/// Messages and cost over all per-day totals.
async fn daily_totals<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
) -> Result<(i64, i64), String> {
    sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(messages), 0) AS BIGINT), CAST(COALESCE(SUM(cost), 0) AS BIGINT) FROM message_daily",
    )
    .fetch_one(db)
    .await
    .map_err(|e| e.to_string())
}

/// Every account's balance beside the sum of its ledger.
async fn balances<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
) -> Result<Vec<(i64, i64, i64)>, String> {
    sqlx::query_as(
        "SELECT b.account_id, b.balance, CAST(COALESCE((SELECT SUM(t.amount) FROM balance_transactions t \
         WHERE t.account_id = b.account_id), 0) AS BIGINT) FROM account_balances b ORDER BY b.account_id",
    )
    .fetch_all(db)
    .await
    .map_err(|e| e.to_string())
}
