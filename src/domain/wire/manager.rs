//! Manager: the rows and pages its server functions return.

use serde::{Deserialize, Serialize};

/// One customer account as the provider's manager sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AccountSummary {
    pub id: i64,
    pub name: String,
    pub owner_login: String,
    pub owner_email: String,
    pub sub_accounts: i64,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "super::IntFlag"))]
    pub can_add_subaccount: bool,
    /// The owner must use two-factor authentication.
    #[cfg_attr(feature = "ssr", sqlx(try_from = "super::IntFlag"))]
    pub require_two_factor_owner: bool,
    pub created_at: String,
}
