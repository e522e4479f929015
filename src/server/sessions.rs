//! Where sessions are kept: a table of the application's own database, so
//! every process serving that database knows every session.

use sqlx::{postgres::PgPoolOptions, sqlite::SqlitePoolOptions};
use tower_sessions::ExpiredDeletion;
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use super::db::{Backend, Pool};

/// The session store of the backend in use.
#[derive(Clone, Debug)]
pub enum Sessions {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl Sessions {
    /// Opens the store on the database `pool` serves, creating its table.
    /// The store has a small pool of its own: the crate speaks to one
    /// backend's pool, not to sqlx's `Any`.
    pub async fn open(pool: &Pool) -> Result<Self, sqlx::Error> {
        let url = pool.connect_options().database_url.to_string();
        let sessions = match Backend::of(pool) {
            Backend::Sqlite => {
                let pool = SqlitePoolOptions::new()
                    .max_connections(4)
                    .connect(&url)
                    .await?;
                Self::Sqlite(SqliteStore::new(pool))
            }
            Backend::Postgres => {
                let pool = PgPoolOptions::new()
                    .max_connections(8)
                    .connect(&url)
                    .await?;
                Self::Postgres(PostgresStore::new(pool))
            }
        };
        match &sessions {
            Self::Sqlite(store) => store.migrate().await?,
            Self::Postgres(store) => store.migrate().await?,
        }
        Ok(sessions)
    }

    /// Deletes expired sessions every `period`, in the background.
    pub fn spawn_cleanup(self, period: std::time::Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let result = match self {
                Self::Sqlite(store) => store.continuously_delete_expired(period).await,
                Self::Postgres(store) => store.continuously_delete_expired(period).await,
            };
            if let Err(error) = result {
                tracing::error!(%error, "expired sessions are no longer deleted");
            }
        })
    }
}

/// Takes a show-once value (a new key or password kept for the next view of
/// its page) out of `session`. The session changes only when it holds one:
/// a removal marks a session modified even when nothing was there, and a
/// modified session is written back, which made every view of those pages a
/// database write.
pub async fn take_once<T: serde::de::DeserializeOwned>(
    session: &tower_sessions::Session,
    key: &str,
) -> Option<T> {
    session.get_value(key).await.ok().flatten()?;
    session.remove(key).await.ok().flatten()
}
