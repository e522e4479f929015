//! Prices: the rows and pages its server functions return.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct PriceRow {
    pub country_code: String,
    pub country: String,
    pub dial_prefix: String,
    pub network: String,
    pub price: i64,
}
