//! Home: the rows and pages its server functions return.

use super::sending::CampaignRow;
use crate::domain::Money;
use serde::{Deserialize, Serialize};

/// What an owner sees first: money, recent campaigns, the team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeOverview {
    pub balance: Money,
    pub recent_campaigns: Vec<CampaignRow>,
    pub team_size: i64,
    pub team_active: i64,
}

/// How many campaigns the home page lists.
pub const RECENT_CAMPAIGNS: usize = 3;
