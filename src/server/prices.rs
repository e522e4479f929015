//! The provider's price list, as customers see it.

use sqlx::SqlitePool;

use super::search::like_pattern;
use crate::domain::wire::prices::PriceRow;

/// Every price whose country, country code or dial prefix matches `search`.
pub async fn list(pool: &SqlitePool, search: &str) -> Result<Vec<PriceRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT country_code, country, dial_prefix, network, price FROM prices \
         WHERE country LIKE ?1 ESCAPE '\\' OR country_code LIKE ?1 ESCAPE '\\' OR dial_prefix LIKE ?1 ESCAPE '\\' ORDER BY country, network",
    )
    .bind(like_pattern(search))
    .fetch_all(pool)
    .await
}
