use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct PriceRow {
    pub country_code: String,
    pub country: String,
    pub dial_prefix: String,
    pub network: String,
    pub price: i64,
}

#[server(endpoint = "prices/list")]
pub async fn list_prices(#[server(default)] search: String) -> Result<Vec<PriceRow>, AppError> {
    use crate::{
        domain::{Access, Permission},
        server::{guard, search::like_pattern},
    };
    let caller = guard::caller(Access::Permission(Permission::SeePrices)).await?;
    Ok(sqlx::query_as(
        "SELECT country_code, country, dial_prefix, network, price FROM prices \
         WHERE country LIKE ?1 OR country_code LIKE ?1 OR dial_prefix LIKE ?1 ORDER BY country, network",
    )
    .bind(like_pattern(&search))
    .fetch_all(caller.pool())
    .await?)
}
