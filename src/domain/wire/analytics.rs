//! Analytics: the rows and pages its server functions return.

use super::Page;
use serde::{Deserialize, Serialize};

/// One day of the summary, by delivery state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayTotal {
    pub day: String,
    pub delivered: i64,
    pub failed: i64,
    pub pending: i64,
    pub cost: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CountryTotal {
    pub country_code: String,
    pub country: Option<String>,
    pub messages: i64,
    pub parts: i64,
    pub cost: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub from: String,
    pub to: String,
    pub days: Vec<DayTotal>,
    pub statuses: Vec<(String, i64)>,
    pub countries: Vec<CountryTotal>,
    pub messages: i64,
    pub parts: i64,
    pub cost: i64,
}

/// One message of the detailed report. Without "Can See Analytics Details"
/// the server masks the number and leaves the text out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct MessageRow {
    pub id: i64,
    pub created_at: String,
    pub sender: String,
    pub recipient: String,
    pub country_code: String,
    pub text: Option<String>,
    pub parts: i64,
    pub price: i64,
    pub status: String,
    pub sent_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Details {
    pub from: String,
    pub to: String,
    pub messages: Page<MessageRow>,
    pub unmasked: bool,
    pub can_export: bool,
    /// For the owner: the account's logins (id, login), to filter by who sent.
    pub senders: Option<Vec<(i64, String)>>,
}
