//! Failed-login throttling per login name (ASVS 2.2.1). After 5 attempts
//! within an hour each further attempt waits twice as long (1 s, 2 s, … at
//! most 15 min); 100 failures block the name until the hour is over. A
//! success clears the count, so a real user is never locked out for long.
//! Unknown names are counted too, so the answer reveals nothing.

use crate::server::db::Pool;
use crate::server::db::Write as _;

use super::db::{begin_write, Backend};

pub const FREE_FAILURES: i64 = 5;
pub const HOURLY_LIMIT: i64 = 100;
pub const MAX_DELAY: i64 = 15 * 60;
const WINDOW: i64 = 60 * 60;

/// The key under which a typed login is counted.
pub fn key(login: &str) -> String {
    login
        .trim()
        .to_ascii_lowercase()
        .chars()
        .take(128)
        .collect()
}

/// The wait after `failures` failures within the window that began at `window_start`.
pub fn delay(failures: i64, now: i64, window_start: i64) -> i64 {
    if failures >= HOURLY_LIMIT {
        (window_start + WINDOW - now).max(0)
    } else if failures >= FREE_FAILURES {
        (1_i64 << (failures - FREE_FAILURES).min(20)).min(MAX_DELAY)
    } else {
        0
    }
}

/// "42 seconds", "1 minute", "15 minutes": a wait, rounded up, for people.
pub fn in_words(seconds: i64) -> String {
    let (n, unit) = if seconds < 60 {
        (seconds.max(1), "second")
    } else {
        ((seconds + 59) / 60, "minute")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// The first whole second at which an attempt may come again. Times are
/// whole seconds, so `now + delay` could be reached a moment after `now`
/// (at 12.9 s a 1 s wait would end at 13 s): one more second makes the wait
/// at least `delay`.
fn blocked_until(now: i64, delay: i64) -> i64 {
    if delay > 0 {
        now + delay + 1
    } else {
        0
    }
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Counts an attempt of `key` before its password is checked, as one step:
/// `Err(seconds)` when the login must still wait, and nothing is counted.
/// Checking first and counting after the (slow) password check would let
/// parallel attempts all pass the check before any of them was counted; a
/// reserved attempt that succeeds is cleared again by [`clear`].
pub async fn reserve(pool: &Pool, key: &str) -> Result<Result<(), i64>, sqlx::Error> {
    let now = now();
    let mut tx = begin_write(pool).await?;
    // The row exists before it is read and locked, so parallel attempts on
    // PostgreSQL (and several processes) count one after the other. A row
    // with no failures counts as none.
    sqlx::query(
        "INSERT INTO login_failures (login_key, failures, window_start, blocked_until) \
         VALUES ($1, 0, $2, 0) ON CONFLICT DO NOTHING",
    )
    .bind(key)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let current: Option<(i64, i64, i64)> = sqlx::query_as(&format!(
        "SELECT failures, window_start, blocked_until FROM login_failures WHERE login_key = $1{}",
        Backend::of(pool).for_update()
    ))
    .bind(key)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((_, _, until)) = current.filter(|(_, _, until)| *until > now) {
        return Ok(Err(until - now));
    }
    let (failures, window_start) = match current {
        Some((failures, start, _)) if now - start < WINDOW => (failures + 1, start),
        _ => (1, now),
    };
    sqlx::query(
        "INSERT INTO login_failures (login_key, failures, window_start, blocked_until) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (login_key) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start, \
         blocked_until = excluded.blocked_until",
    )
    .bind(key)
    .bind(failures)
    .bind(window_start)
    .bind(blocked_until(now, delay(failures, now, window_start)))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

pub async fn clear(pool: &Pool, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_failures WHERE login_key = $1")
        .bind(key)
        .write(pool)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_exponentially_then_cap() {
        assert_eq!(delay(4, 0, 0), 0);
        assert_eq!(delay(5, 0, 0), 1);
        assert_eq!(delay(6, 0, 0), 2);
        assert_eq!(delay(10, 0, 0), 32);
        assert_eq!(delay(40, 0, 0), MAX_DELAY);
        assert_eq!(delay(100, 600, 0), 3000, "blocked until the hour is over");
    }

    #[test]
    fn a_wait_lasts_its_whole_seconds_whenever_it_starts() {
        // Blocked while `until > now`: a 1 s wait that begins late in second
        // 12 must still refuse an attempt in second 13.
        assert!(blocked_until(12, 1) > 13);
        assert_eq!(blocked_until(12, 1), 14);
        assert_eq!(blocked_until(12, 0), 0, "no wait, no block");
    }
}
