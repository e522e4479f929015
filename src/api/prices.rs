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
        server::{guard, prices},
    };
    let caller = guard::caller(Access::Permission(Permission::SeePrices)).await?;
    Ok(prices::list(caller.pool(), &search).await?)
}
