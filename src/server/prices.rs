//! The provider's price list, as customers see it.

use super::{
    db::{Backend, Pool},
    search::like_pattern,
};
use crate::domain::wire::prices::PriceRow;

/// Every price whose country, country code or dial prefix matches `search`.
pub async fn list(pool: &Pool, search: &str) -> Result<Vec<PriceRow>, sqlx::Error> {
    let like = Backend::of(pool).like();
    sqlx::query_as(&format!(
        "SELECT country_code, country, dial_prefix, network, price FROM prices \
         WHERE country {like} $1 ESCAPE '\\' OR country_code {like} $1 ESCAPE '\\' OR dial_prefix {like} $1 ESCAPE '\\' \
         ORDER BY country, network"
    ))
    .bind(like_pattern(search))
    .fetch_all(pool)
    .await
}
