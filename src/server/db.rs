use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::{str::FromStr, time::Duration};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/sms-portal.db";

/// Opens (creating file and folder when missing) and migrates the database.
pub async fn connect(url: &str) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    if let Some(folder) = options.get_filename().parent() {
        if !folder.as_os_str().is_empty() {
            std::fs::create_dir_all(folder)?;
        }
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await?;
    sqlx::migrate!().run(&pool).await?;
    let prices: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM prices")
        .fetch_one(&pool)
        .await?;
    if prices == 0 {
        super::demo_volume::seed_prices(&pool).await?;
    }
    Ok(pool)
}

/// Starts a write transaction that takes the write lock at once, so a
/// concurrent writer waits for the busy timeout instead of failing.
pub async fn begin_write(
    pool: &SqlitePool,
) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
}
