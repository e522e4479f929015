use leptos::prelude::*;

use super::AppError;

pub use crate::domain::wire::finance::*;
use crate::domain::Money;

/// The balance, its transactions (all, or those of `from`–`to`) and the invoices.
#[server(endpoint = "finance/history")]
pub async fn finance_history(
    #[server(default)] from: String,
    #[server(default)] to: String,
    #[server(default)] page: Option<i64>,
) -> Result<FinanceOverview, AppError> {
    use crate::{
        domain::{Access, Permission},
        server::{analytics::DateRange, finance, guard},
    };
    let caller = guard::caller(Access::Permission(Permission::SeeFinance)).await?;
    let range = match (from.trim(), to.trim()) {
        ("", "") => None,
        _ => Some(DateRange::parse_any(&from, &to)?),
    };
    let page = super::page_number(page);
    Ok(finance::overview(caller.pool(), caller.account_id, range.as_ref(), page).await?)
}

#[server(endpoint = "finance/invoice")]
pub async fn get_invoice(number: String) -> Result<InvoiceDocument, AppError> {
    use crate::{
        domain::{Access, Permission},
        server::{finance, guard},
    };
    let caller = guard::caller(Access::Permission(Permission::SeeFinance)).await?;
    finance::invoice(caller.pool(), caller.account_id, &number)
        .await?
        .ok_or(AppError::NotFound)
}

/// A simulated card payment, in two steps that work with and without
/// wasm: the amount is checked and kept for confirmation ("Pay €50.50?"),
/// then paid once by `pay_top_up`. Returns the confirmation's id.
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
    let intent =
        finance::intend_top_up(caller.pool(), caller.account_id, caller.user_id(), amount).await?;
    leptos_axum::redirect(&format!("/finance/top-up?confirm={intent}"));
    Ok(intent)
}

/// The amount awaiting the caller's confirmation.
#[server(endpoint = "finance/top-up/intent")]
pub async fn top_up_intent(id: i64) -> Result<Money, AppError> {
    use crate::{
        domain::{Access, Permission},
        server::{finance, guard},
    };
    let caller = guard::caller(Access::Permission(Permission::TopUp)).await?;
    finance::intended(caller.pool(), caller.account_id, caller.user_id(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Pays a confirmed top-up, once: a second click finds it used up.
#[server(endpoint = "finance/top-up/pay")]
pub async fn pay_top_up(intent: i64) -> Result<i64, AppError> {
    use crate::{
        domain::{Access, Permission},
        server::{audit, finance, guard},
    };
    let caller = guard::caller(Access::Permission(Permission::TopUp)).await?;
    let (id, amount) =
        finance::pay_intent(caller.pool(), caller.account_id, caller.user_id(), intent)
            .await?
            .ok_or_else(|| {
                AppError::Rejected(
                    "This payment was made already or has expired. Nothing more was charged."
                        .into(),
                )
            })?;
    let entry = audit::Entry::by(&caller.viewer, "top_up").detail(amount.display());
    audit::note(caller.pool(), entry).await;
    leptos_axum::redirect(&format!("/finance/top-up?receipt={id}"));
    Ok(id)
}

/// A receipt: its payer sees it, and so do those who see the finances.
#[server(endpoint = "finance/top-up/receipt")]
pub async fn top_up_receipt(id: i64) -> Result<Receipt, AppError> {
    use crate::{
        domain::{Access, Permission},
        server::{finance, guard},
    };
    let caller = guard::caller(Access::Permission(Permission::TopUp)).await?;
    let payer = (!caller.viewer.has(Permission::SeeFinance)).then(|| caller.user_id());
    finance::receipt(caller.pool(), caller.account_id, id, payer)
        .await?
        .ok_or(AppError::NotFound)
}
