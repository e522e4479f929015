use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{AppError, Page};

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
}

#[server(endpoint = "analytics/summary")]
pub async fn analytics_summary(
    #[server(default)] from: String,
    #[server(default)] to: String,
) -> Result<Summary, AppError> {
    use crate::{
        domain::{Access, Permission},
        server::{analytics, guard},
    };
    let caller = guard::caller(Access::Permission(Permission::UseAnalytics)).await?;
    let range = analytics::DateRange::parse(&from, &to)?;
    Ok(analytics::summary(caller.pool(), caller.account_id, &range).await?)
}

#[server(endpoint = "analytics/details")]
pub async fn analytics_details(
    #[server(default)] from: String,
    #[server(default)] to: String,
    #[server(default)] status: String,
    #[server(default)] recipient: String,
    #[server(default)] page: Option<i64>,
) -> Result<Details, AppError> {
    use crate::{
        domain::{Access, Permission},
        server::{analytics, guard},
    };
    let caller = guard::caller(Access::Permission(Permission::UseAnalyticsDetails)).await?;
    let filter = analytics::DetailsFilter::parse(&caller.viewer, &from, &to, &status, &recipient)?;
    let messages = analytics::details(
        caller.pool(),
        caller.account_id,
        &filter,
        super::page_number(page),
    )
    .await?;
    Ok(Details {
        from: filter.range.from.clone(),
        to: filter.range.to.clone(),
        messages,
        unmasked: filter.unmasked,
        can_export: caller.viewer.has(Permission::AnalyticsDetailsExport),
    })
}
