use leptos::prelude::*;

use super::AppError;

pub use crate::domain::wire::home::*;

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
