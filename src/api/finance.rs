use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{AppError, Page};
use crate::domain::Money;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Transaction {
    pub id: i64,
    pub created_at: String,
    pub kind: String,
    pub amount: i64,
    pub balance_after: i64,
    pub description: String,
    pub by_login: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Invoice {
    pub number: String,
    pub period: String,
    pub amount: i64,
    pub status: String,
    pub issued_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinanceOverview {
    pub balance: Money,
    pub transactions: Page<Transaction>,
    pub invoices: Vec<Invoice>,
}

/// The confirmation of one top-up, as its payer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Receipt {
    pub id: i64,
    pub amount: i64,
    pub created_at: String,
}

pub const MIN_TOP_UP: Money = Money(10 * Money::PER_EURO);
pub const MAX_TOP_UP: Money = Money(10_000 * Money::PER_EURO);

#[server(endpoint = "finance/history")]
pub async fn finance_history(
    #[server(default)] page: Option<i64>,
) -> Result<FinanceOverview, AppError> {
    use crate::{
        domain::{Access, Permission},
        server::{finance, guard},
    };
    let caller = guard::caller(Access::Permission(Permission::SeeFinance)).await?;
    Ok(finance::overview(caller.pool(), caller.account_id, super::page_number(page)).await?)
}

/// A simulated card payment: the balance and its history change together.
#[server(endpoint = "finance/top-up")]
pub async fn top_up(amount: String) -> Result<i64, AppError> {
    use crate::{
        domain::{Access, Permission},
        server::{finance, guard},
    };
    let caller = guard::caller(Access::Permission(Permission::TopUp)).await?;
    let amount = Money::parse_euros(&amount).map_err(|e| AppError::invalid("amount", e))?;
    if amount < MIN_TOP_UP || amount > MAX_TOP_UP {
        return Err(AppError::invalid(
            "amount",
            format!("Top up between {MIN_TOP_UP} and {MAX_TOP_UP}."),
        ));
    }
    let id = finance::top_up(caller.pool(), caller.account_id, caller.user_id(), amount).await?;
    let entry = crate::server::audit::Entry::by(&caller.viewer, "top_up").detail(amount.display());
    crate::server::audit::note(caller.pool(), entry).await;
    leptos_axum::redirect(&format!("/finance/top-up?receipt={id}"));
    Ok(id)
}

#[server(endpoint = "finance/top-up/receipt")]
pub async fn top_up_receipt(id: i64) -> Result<Receipt, AppError> {
    use crate::{
        domain::{Access, Permission},
        server::guard,
    };
    let caller = guard::caller(Access::Permission(Permission::TopUp)).await?;
    sqlx::query_as("SELECT id, amount, created_at FROM balance_transactions WHERE id = ?1 AND account_id = ?2 AND kind = 'top_up'")
        .bind(id)
        .bind(caller.account_id)
        .fetch_optional(caller.pool())
        .await?
        .ok_or(AppError::NotFound)
}
