//! Monthly spending caps of sub-accounts: what a user spent this month,
//! net of refunds, counted from the month's start in the account's zone.

use sqlx::Any;

use super::db::{Pool, Tx};
use crate::domain::Money;

/// The instant the current calendar month began in the zone `zone_name`
/// (UTC when unknown), as the UTC text the tables hold.
pub fn month_start(zone_name: &str, now: jiff::Timestamp) -> String {
    let zone = jiff::tz::TimeZone::get(zone_name).unwrap_or(jiff::tz::TimeZone::UTC);
    let local = now.to_zoned(zone);
    local
        .first_of_month()
        .and_then(|first| first.start_of_day())
        .map_or(now, |start| start.timestamp())
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// What each of `user_ids` spent since `since`: their campaigns' costs less
/// the refunds of undelivered parts. Users who spent nothing are absent.
pub async fn spent_since<'e, E>(
    executor: E,
    user_ids: &[i64],
    since: &str,
) -> Result<Vec<(i64, i64)>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = (0..user_ids.len()).map(|i| format!("${}", i + 2)).collect();
    let ids = ids.join(", ");
    let sql = format!(
        "SELECT user_id, CAST(SUM(amount) AS BIGINT) FROM ( \
           SELECT c.user_id, c.cost AS amount FROM campaigns c \
            WHERE c.user_id IN ({ids}) AND c.created_at >= $1 \
           UNION ALL \
           SELECT c.user_id, -t.amount AS amount FROM balance_transactions t \
             JOIN campaigns c ON c.id = t.campaign_id \
            WHERE t.kind = 'refund' AND c.user_id IN ({ids}) AND c.created_at >= $1 \
         ) spent GROUP BY user_id"
    );
    let mut query = sqlx::query_as(&sql).bind(since);
    for id in user_ids {
        query = query.bind(*id);
    }
    query.fetch_all(executor).await
}

pub use crate::domain::wire::sending::CapUse;

/// The cap of `user_id` and its use this month, read in `tx` (which holds
/// the lock on the account's balance while sending, so no other send of it
/// can slip in between this reading and the charge).
pub async fn cap_use(tx: &mut Tx, user_id: i64) -> Result<Option<CapUse>, sqlx::Error> {
    let row: Option<(Option<i64>, String)> = sqlx::query_as(
        "SELECT u.monthly_cap, a.timezone FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((Some(cap), zone)) = row else {
        return Ok(None);
    };
    let since = month_start(&zone, jiff::Timestamp::now());
    let spent = spent_since(&mut **tx, &[user_id], &since).await?;
    Ok(Some(CapUse {
        cap: Money(cap),
        spent: Money(spent.first().map_or(0, |(_, spent)| *spent)),
    }))
}

/// The same, outside a send, for the pages.
pub async fn cap_use_now(pool: &Pool, user_id: i64) -> Result<Option<CapUse>, sqlx::Error> {
    let mut tx = super::db::begin(pool).await?;
    let used = cap_use(&mut tx, user_id).await?;
    tx.commit().await?;
    Ok(used)
}

#[cfg(test)]
mod tests {
    use super::month_start;

    #[test]
    fn a_month_starts_at_local_midnight_of_its_first_day() {
        let at = |text: &str| text.parse::<jiff::Timestamp>().unwrap();
        assert_eq!(
            month_start("UTC", at("2026-12-02T18:00:00Z")),
            "2026-12-01T00:00:00Z"
        );
        // Berlin is an hour ahead in winter: its December began on 30 November, 23:00 UTC…
        assert_eq!(
            month_start("Europe/Berlin", at("2026-12-02T18:00:00Z")),
            "2026-11-30T23:00:00Z"
        );
        // …and at 23:30 UTC on 30 November it is already December there.
        assert_eq!(
            month_start("Europe/Berlin", at("2026-11-30T23:30:00Z")),
            "2026-11-30T23:00:00Z"
        );
        assert_eq!(
            month_start("America/New_York", at("2026-07-01T02:00:00Z")),
            "2026-06-01T04:00:00Z"
        );
        assert_eq!(
            month_start("Nowhere/Unknown", at("2026-07-15T02:00:00Z")),
            "2026-07-01T00:00:00Z"
        );
    }
}
