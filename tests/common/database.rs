//! Empty databases for the tests and the benchmark: a SQLite file, or a
//! database of its own on the PostgreSQL server `SMS_PORTAL_TEST_POSTGRES`
//! names (the URL of its admin database; `scripts/test` starts one).
#![allow(dead_code)] // each includer uses its part

use std::path::Path;

/// The test PostgreSQL server's admin URL, when there is one.
pub fn test_postgres() -> Option<String> {
    std::env::var("SMS_PORTAL_TEST_POSTGRES")
        .ok()
        .filter(|url| !url.is_empty())
}

/// The URL of an empty database: on the test PostgreSQL server when there
/// is one, else `file` in `dir`.
pub async fn fresh_database(dir: &Path, file: &str) -> String {
    match test_postgres() {
        Some(admin) => scratch_postgres(&admin).await,
        None => format!("sqlite://{}/{file}", dir.display()),
    }
}

/// Makes an empty database on the PostgreSQL server of `admin_url`, named
/// so that no two runs or tests meet, and returns its URL.
pub async fn scratch_postgres(admin_url: &str) -> String {
    use sqlx::{Connection, Executor};
    use std::sync::atomic::{AtomicU32, Ordering};
    static MADE: AtomicU32 = AtomicU32::new(0);
    sqlx::any::install_default_drivers();
    let name = format!(
        "scratch_{}_{}_{}",
        std::process::id(),
        time::OffsetDateTime::now_utc().unix_timestamp_nanos() % 1_000_000_000,
        MADE.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = sqlx::AnyConnection::connect(admin_url)
        .await
        .expect("the test PostgreSQL server");
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("a scratch database on the test PostgreSQL server");
    let (server, _) = admin_url.rsplit_once('/').unwrap_or((admin_url, ""));
    format!("{server}/{name}")
}
