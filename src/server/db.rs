//! The database: SQLite, embedded and the default, or PostgreSQL for
//! several processes on several machines. One binary; the URL chooses at
//! start. Queries are written once, in the SQL both understand (`$1`
//! parameters, `RETURNING`, `ON CONFLICT`); times are computed in Rust and
//! bound, so no query needs a dialect's date functions.

use sqlx::{
    any::{AnyArguments, AnyPoolOptions, AnyQueryResult},
    Executor,
};
use std::{
    collections::HashMap,
    future::Future,
    sync::{Arc, LazyLock, PoisonError},
    time::Duration,
};
use time::{macros::format_description, OffsetDateTime};
use tokio::sync::OwnedMutexGuard;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/sms-portal.db";

/// A pool of either backend.
pub type Pool = sqlx::AnyPool;
/// How long a writer waits for SQLite's write lock held by another
/// process before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a writer waits for its process's turn to write (see
/// [`write_turn`]) before it is told the server is busy: as long as a
/// pooled connection is waited for. The queue moves on every commit, so a
/// burst only makes it long: 750 writes sent at once on a loaded two-core
/// machine waited over 5 s at its end.
const WRITE_QUEUE_LIMIT: Duration = Duration::from_secs(30);

/// A transaction on either backend; a write transaction on SQLite also
/// holds this process's turn to write (see [`begin_write`]). Its statements
/// run on `&mut *tx`, as on a connection.
pub struct Tx {
    // Dropped first: the transaction ends before the turn passes on.
    transaction: sqlx::Transaction<'static, sqlx::Any>,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl Tx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.transaction.commit().await
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.transaction.rollback().await
    }
}

impl std::ops::Deref for Tx {
    type Target = sqlx::AnyConnection;

    fn deref(&self) -> &Self::Target {
        &self.transaction
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.transaction
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a database URL names.
    pub fn of_url(url: &str) -> Result<Self, sqlx::Error> {
        let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
        match scheme {
            "sqlite" => Ok(Self::Sqlite),
            "postgres" | "postgresql" => Ok(Self::Postgres),
            _ => Err(sqlx::Error::Configuration(
                format!("DATABASE_URL must start with sqlite:// or postgres://, not {scheme:?}")
                    .into(),
            )),
        }
    }

    /// The backend a pool talks to.
    pub fn of(pool: &Pool) -> Self {
        match pool.connect_options().database_url.scheme() {
            "sqlite" => Self::Sqlite,
            _ => Self::Postgres,
        }
    }

    /// The clause that locks the rows a SELECT reads until the transaction
    /// ends (SQLite's write transaction holds the whole database already).
    pub fn for_update(self) -> &'static str {
        match self {
            Self::Sqlite => "",
            Self::Postgres => " FOR UPDATE",
        }
    }

    /// The clause by which concurrent claims skip rows another holds.
    pub fn skip_locked(self) -> &'static str {
        match self {
            Self::Sqlite => "",
            Self::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }

    /// The case-insensitive LIKE (SQLite's LIKE ignores ASCII case).
    pub fn like(self) -> &'static str {
        match self {
            Self::Sqlite => "LIKE",
            Self::Postgres => "ILIKE",
        }
    }

    /// SQL turning Unix seconds into the stored time text.
    pub fn time_text(self, seconds: &str) -> String {
        match self {
            Self::Sqlite => format!("strftime('%Y-%m-%dT%H:%M:%SZ', {seconds}, 'unixepoch')"),
            Self::Postgres => format!(
                "to_char(to_timestamp({seconds}) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
            ),
        }
    }

    /// SQL writing a non-negative integer with leading zeros.
    pub fn zero_padded(self, number: &str, width: usize) -> String {
        match self {
            Self::Sqlite => format!("printf('%0{width}d', {number})"),
            Self::Postgres => format!("lpad(({number})::text, {width}, '0')"),
        }
    }

    /// SQL for a random non-negative integer below 2^32, every value as
    /// likely (PostgreSQL's random() has 52 bits: scaled to 2^53 it would
    /// only ever give even numbers).
    pub fn random_integer(self) -> &'static str {
        match self {
            Self::Sqlite => "(abs(random()) % 4294967296)",
            Self::Postgres => "floor(random() * 4294967296)::bigint",
        }
    }
}

/// Opens the database of `url` (see [`open`]) and fills in the provider's
/// price list when it has none.
pub async fn connect(url: &str) -> Result<Pool, sqlx::Error> {
    let pool = open(url).await?;
    let prices: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM prices")
        .fetch_one(&pool)
        .await?;
    if prices == 0 {
        super::demo_volume::seed_prices(&pool).await?;
    }
    Ok(pool)
}

/// Opens the database of `url` (creating a SQLite file and its folder when
/// missing) and applies its backend's migrations.
pub async fn open(url: &str) -> Result<Pool, sqlx::Error> {
    sqlx::any::install_default_drivers();
    let pool = match Backend::of_url(url)? {
        Backend::Sqlite => {
            let pool = sqlite_options().connect(&sqlite_url(url)?).await?;
            sqlx::migrate!("migrations/sqlite").run(&pool).await?;
            spawn_checkpoints(pool.clone());
            pool
        }
        Backend::Postgres => {
            let pool = postgres_options()
                .max_connections(postgres_connections())
                .connect(url)
                .await?;
            sqlx::migrate!("migrations/postgres").run(&pool).await?;
            pool
        }
    };
    Ok(pool)
}

/// A pool of its own, of `connections` connections opened now and kept,
/// for a part of the server that runs apart (SMPP), on a database [`open`]
/// has migrated. SQLite runs each connection on a thread it starts from
/// the caller's: opened here, they have the caller's CPU priority for good.
pub async fn side_pool(url: &str, connections: u32) -> Result<Pool, sqlx::Error> {
    sqlx::any::install_default_drivers();
    let options = match Backend::of_url(url)? {
        Backend::Sqlite => sqlite_options(),
        Backend::Postgres => postgres_options(),
    }
    .max_connections(connections)
    .min_connections(connections)
    .idle_timeout(None)
    .max_lifetime(None);
    match Backend::of_url(url)? {
        Backend::Sqlite => options.connect(&sqlite_url(url)?).await,
        Backend::Postgres => options.connect(url).await,
    }
}

/// A SQLite URL that creates the file, with its folder made beforehand.
fn sqlite_url(url: &str) -> Result<String, sqlx::Error> {
    let path = url
        .trim_start_matches("sqlite:")
        .trim_start_matches("//")
        .split('?')
        .next()
        .unwrap_or_default();
    if let Some(folder) = std::path::Path::new(path).parent() {
        if !folder.as_os_str().is_empty() {
            std::fs::create_dir_all(folder)?;
        }
    }
    Ok(if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    })
}

/// What pools of both backends share. A connection is not pinged each
/// time it is taken from the pool: on PostgreSQL that was one more round
/// trip for every statement run on the pool. The price: a connection the
/// database server has dropped fails its next statement, where the ping
/// would have replaced it first.
fn pool_options() -> AnyPoolOptions {
    AnyPoolOptions::new()
        .test_before_acquire(false)
        .acquire_timeout(WRITE_QUEUE_LIMIT)
}

/// PostgreSQL's connections plan for data in memory or on SSD: a random
/// page read costs 1.1 sequential ones, not 4 (the default, for spinning
/// disks), unless the server is set lower still. A connection keeps the
/// plans of its foreign-key checks: those of `messages`, planned while
/// `campaigns` held 90 rows, kept reading it whole as it grew (137 µs a
/// check at 3,700 rows, against 3.4 µs by its index) until autovacuum next
/// analysed it. With the lower cost the index wins from a few rows on.
fn postgres_options() -> AnyPoolOptions {
    pool_options().after_connect(|connection, _| {
        Box::pin(async move {
            connection
                .execute(
                    "SELECT set_config('random_page_cost', \
                     LEAST(current_setting('random_page_cost')::float8, 1.1)::text, false)",
                )
                .await?;
            Ok(())
        })
    })
}

/// How often SQLite's write-ahead log is copied back into the database.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Copies the write-ahead log back into the database file in the
/// background, for as long as the pool is open. SQLite would do it inside
/// whichever commit finds the log past 1,000 pages, with the file's fsync,
/// while that writer and every writer queued behind it wait; a passive
/// checkpoint waits for no one and holds up no writer.
fn spawn_checkpoints(pool: Pool) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(CHECKPOINT_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if pool.is_closed() {
                break;
            }
            let checkpoint = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&pool)
                .await;
            match checkpoint {
                Err(error) if !pool.is_closed() => {
                    tracing::warn!(%error, "the write-ahead log was not checkpointed");
                }
                _ => {}
            }
        }
    });
}

/// SQLite serves one writer at a time: a few connections, write-ahead
/// logging checkpointed in the background, and a busy timeout instead of
/// an immediate failure.
fn sqlite_options() -> AnyPoolOptions {
    pool_options()
        .max_connections(8)
        .after_connect(|connection, _| {
            Box::pin(async move {
                for pragma in [
                    "PRAGMA journal_mode = WAL",
                    "PRAGMA synchronous = NORMAL",
                    "PRAGMA foreign_keys = ON",
                    // See `spawn_checkpoints`.
                    "PRAGMA wal_autocheckpoint = 0",
                ] {
                    connection.execute(pragma).await?;
                }
                connection
                    .execute(&*format!(
                        "PRAGMA busy_timeout = {}",
                        BUSY_TIMEOUT.as_millis()
                    ))
                    .await?;
                Ok(())
            })
        })
}

/// Connections per process on PostgreSQL (`SMS_PORTAL_DB_CONNECTIONS`,
/// default 16): the server's `max_connections` must cover every process.
fn postgres_connections() -> u32 {
    std::env::var("SMS_PORTAL_DB_CONNECTIONS")
        .ok()
        .and_then(|value| value.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(16)
}

/// Starts a write transaction. On SQLite it waits for the process's turn
/// to write and then takes the write lock at once; on PostgreSQL writers
/// meet at the rows they lock.
pub async fn begin_write(pool: &Pool) -> Result<Tx, sqlx::Error> {
    match Backend::of(pool) {
        Backend::Sqlite => {
            let turn = write_turn(pool).await?;
            let transaction = pool.begin_with("BEGIN IMMEDIATE").await?;
            Ok(Tx {
                transaction,
                _turn: Some(turn),
            })
        }
        Backend::Postgres => begin(pool).await,
    }
}

/// Starts a transaction that only reads, or writes rows no one else is
/// writing (SQLite takes its write lock at the first write).
pub async fn begin(pool: &Pool) -> Result<Tx, sqlx::Error> {
    Ok(Tx {
        transaction: pool.begin().await?,
        _turn: None,
    })
}

/// A statement that writes, run on its own (not in a transaction): on
/// SQLite in the process's turn to write, like [`begin_write`]'s.
pub trait Write {
    fn write(self, pool: &Pool)
        -> impl Future<Output = Result<AnyQueryResult, sqlx::Error>> + Send;
}

impl<'q> Write for sqlx::query::Query<'q, sqlx::Any, AnyArguments<'q>> {
    async fn write(self, pool: &Pool) -> Result<AnyQueryResult, sqlx::Error> {
        let _turn = match Backend::of(pool) {
            Backend::Sqlite => Some(write_turn(pool).await?),
            Backend::Postgres => None,
        };
        self.execute(pool).await
    }
}

/// The process's turn to write to the SQLite database `pool` serves.
///
/// SQLite has one writer at a time, and its busy handler retries a locked
/// database after ever longer sleeps (1, 2, 5, 10, … 100 ms): a writer
/// that lost a few races slept on long after the lock was free, holding a
/// pooled connection meanwhile. The process's writers queue here instead,
/// first come first served, without a connection, and each is woken the
/// moment the one before it ends. Other processes on the same file still
/// meet at the busy handler.
async fn write_turn(pool: &Pool) -> Result<OwnedMutexGuard<()>, sqlx::Error> {
    type Turns = std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>;
    static TURNS: LazyLock<Turns> = LazyLock::new(Turns::default);
    let turn = TURNS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(pool.connect_options().database_url.to_string())
        .or_default()
        .clone();
    tokio::time::timeout(WRITE_QUEUE_LIMIT, turn.lock_owned())
        .await
        .map_err(|_| sqlx::Error::PoolTimedOut)
}

/// A time as stored: UTC, ISO 8601, to the second.
pub fn timestamp(at: OffsetDateTime) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}

/// The stored text of now.
pub fn now() -> String {
    timestamp(OffsetDateTime::now_utc())
}

/// The stored text of `ago` before now.
pub fn before_now(ago: Duration) -> String {
    timestamp(OffsetDateTime::now_utc() - ago)
}

/// Ids as an SQL list: integers, so nothing can be injected (neither
/// backend's Any driver binds arrays).
pub fn id_list(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
