//! Sending: the rows and pages its server functions return.

use crate::domain::{AppError, Money, Segments};
use serde::{Deserialize, Serialize};

/// A sender name of the account, as the carrier approved it (or not yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct SenderName {
    pub id: i64,
    pub name: String,
    pub status: String,
    pub note: String,
    pub created_at: String,
}

/// A contact list as a recipient source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ListChoice {
    pub id: i64,
    pub name: String,
    pub contacts: i64,
}

/// What the compose form offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComposeChoices {
    pub senders: Vec<String>,
    pub lists: Vec<ListChoice>,
    /// The sender's monthly spending cap and what they spent of it this
    /// month, when the account owner set one.
    pub cap: Option<CapUse>,
}

/// A monthly spending cap and what was spent of it this month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapUse {
    pub cap: crate::domain::Money,
    pub spent: crate::domain::Money,
}

/// A campaign as its author composed it, before anything is checked.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Draft {
    pub sender: String,
    pub list_id: String,
    pub numbers: String,
    pub text: String,
}

/// A stored review: what was composed and what sending it would do (or
/// the problems that stop it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignReview {
    pub id: i64,
    pub draft: Draft,
    pub estimate: Result<Estimate, AppError>,
}

/// What a campaign would do, before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Estimate {
    pub recipients: i64,
    pub invalid: Vec<String>,
    pub duplicates: i64,
    pub stop_listed: i64,
    /// The first of them, grouped for reading, so the review can name them.
    pub stopped_numbers: Vec<String>,
    pub no_route: i64,
    pub segments: Segments,
    pub cost: Money,
    /// Whether the balance covers the cost; `None` for viewers without
    /// "Can See Finance", who learn nothing about the balance.
    pub enough_balance: Option<bool>,
}

/// A campaign with its delivery progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CampaignRow {
    pub id: i64,
    pub created_at: String,
    pub sender: String,
    /// Withheld from viewers without "Can See Analytics Details", but for
    /// the campaigns they sent themselves.
    pub text: Option<String>,
    pub recipients: i64,
    pub blocked: i64,
    pub cost: i64,
    pub status: String,
    pub sent_by: Option<String>,
    pub queued: i64,
    pub sent: i64,
    pub delivered: i64,
    pub failed: i64,
}
