use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{sending::CampaignRow, AppError};
use crate::domain::Money;

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

#[server(endpoint = "home/overview")]
pub async fn owner_overview() -> Result<HomeOverview, AppError> {
    use crate::{
        domain::Access,
        server::{guard, sending, sub_accounts},
    };
    let caller = guard::caller(Access::Owner).await?;
    let pool = caller.pool();
    let mut recent = sending::campaigns(pool, caller.account_id, 1, None).await?;
    recent.items.truncate(RECENT_CAMPAIGNS);
    let (team_size, team_active) = sub_accounts::team_size(pool, caller.account_id).await?;
    Ok(HomeOverview {
        balance: sending::balance(pool, caller.account_id).await?,
        recent_campaigns: recent.items,
        team_size,
        team_active,
    })
}
