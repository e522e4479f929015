//! Upkeep of the per-day totals (`message_daily`) that Analytics sums.
//!
//! On PostgreSQL every statement writing messages appends its own delta
//! rows, so no two transactions wait on a shared totals row; this folds
//! them into one row per account, day, country and status so the table
//! stays as small as the totals themselves. SQLite's triggers keep the
//! totals folded as they go (it has one writer at a time anyway).

use std::time::Duration;

use super::{
    db::{self, Backend, Pool, Tx},
    rounds::Rounds,
};

/// Folds the deltas written so far, and returns how many it folded. One
/// process folds at a time; another one's call returns 0 meanwhile.
pub async fn fold(pool: &Pool) -> Result<usize, sqlx::Error> {
    if Backend::of(pool) != Backend::Postgres {
        return Ok(0);
    }
    let mut tx = db::begin_write(pool).await?;
    let ours: bool =
        sqlx::query_scalar("SELECT pg_try_advisory_xact_lock(hashtext('message_daily_fold'))")
            .fetch_one(&mut *tx)
            .await?;
    if !ours {
        return Ok(0);
    }
    let folded = fold_in(&mut tx).await?;
    tx.commit().await?;
    Ok(folded)
}

/// Folds the deltas `tx` can see, in it (PostgreSQL only).
pub async fn fold_in(tx: &mut Tx) -> Result<usize, sqlx::Error> {
    let folded: i64 = sqlx::query_scalar("SELECT message_daily_fold()")
        .fetch_one(&mut **tx)
        .await?;
    Ok(folded as usize)
}

/// Folds every `tick`, until shut down.
pub fn spawn_folding(pool: Pool, tick: Duration) -> Rounds {
    Rounds::spawn("daily totals", tick, move || {
        let pool = pool.clone();
        async move { fold(&pool).await }
    })
}
