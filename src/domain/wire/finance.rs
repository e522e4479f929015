//! Finance: the rows and pages its server functions return.

use super::Page;
use crate::domain::Money;
use serde::{Deserialize, Serialize};

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

/// A line of an invoice: a campaign's charge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct InvoiceLine {
    pub created_at: String,
    pub description: String,
    pub amount: i64,
}

/// An invoice as a document to keep or print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDocument {
    pub invoice: Invoice,
    pub account: String,
    pub company: Option<String>,
    pub lines: Vec<InvoiceLine>,
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
