use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{AppError, Page};
use crate::domain::{Money, Segments};

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
}

/// What a campaign would do, before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Estimate {
    pub recipients: i64,
    pub invalid: Vec<String>,
    pub duplicates: i64,
    pub stop_listed: i64,
    pub no_route: i64,
    pub segments: Segments,
    pub cost: Money,
    pub enough_balance: bool,
}

/// A campaign with its delivery progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CampaignRow {
    pub id: i64,
    pub created_at: String,
    pub sender: String,
    pub text: String,
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

#[server(endpoint = "sending/senders")]
pub async fn list_senders() -> Result<Vec<SenderName>, AppError> {
    use crate::{
        domain::{Access, Permission},
        server::{guard, sending},
    };
    let caller = guard::caller(Access::Permission(Permission::SenderView)).await?;
    Ok(sending::senders(caller.pool(), caller.account_id).await?)
}

#[server(endpoint = "sending/compose")]
pub async fn compose_options() -> Result<ComposeChoices, AppError> {
    use crate::{
        domain::{Access, Permission},
        server::{guard, sending},
    };
    let caller = guard::caller(Access::Permission(Permission::SendBulk)).await?;
    Ok(sending::compose_options(caller.pool(), caller.account_id).await?)
}

#[server(endpoint = "sending/estimate")]
pub async fn estimate_campaign(
    #[server(default)] sender: String,
    #[server(default)] list_id: String,
    #[server(default)] numbers: String,
    #[server(default)] text: String,
) -> Result<Estimate, AppError> {
    use crate::{
        domain::{Access, Permission},
        server::{guard, sending},
    };
    let caller = guard::caller(Access::Permission(Permission::SendBulk)).await?;
    let list_id = sending::list_choice(&list_id)?;
    let plan = sending::plan(
        caller.pool(),
        caller.account_id,
        &sender,
        list_id,
        &numbers,
        &text,
    )
    .await?;
    let balance = sending::balance(caller.pool(), caller.account_id).await?;
    Ok(plan.estimate(balance))
}

/// Sends a campaign: charged at once (failed parts are refunded), refused
/// whole when the balance does not cover it.
#[server(endpoint = "sending/send")]
pub async fn send_campaign(
    #[server(default)] sender: String,
    #[server(default)] list_id: String,
    #[server(default)] numbers: String,
    #[server(default)] text: String,
) -> Result<i64, AppError> {
    use crate::{
        domain::{Access, Permission},
        server::{guard, sending},
    };
    let caller = guard::caller(Access::Permission(Permission::SendBulk)).await?;
    let list_id = sending::list_choice(&list_id)?;
    let plan = sending::plan(
        caller.pool(),
        caller.account_id,
        &sender,
        list_id,
        &numbers,
        &text,
    )
    .await?;
    let id = sending::send(caller.pool(), caller.account_id, caller.user_id(), &plan).await?;
    let detail = format!(
        "campaign #{id}: {} recipients, {}",
        plan.recipients.len(),
        plan.cost
    );
    crate::server::audit::note(
        caller.pool(),
        crate::server::audit::Entry::by(&caller.viewer, "campaign_sent").detail(detail),
    )
    .await;
    leptos_axum::redirect(&format!("/sending/bulk?sent={id}"));
    Ok(id)
}

#[server(endpoint = "sending/campaigns")]
pub async fn list_campaigns(
    #[server(default)] page: Option<i64>,
) -> Result<Page<CampaignRow>, AppError> {
    use crate::{
        domain::{Access, Permission},
        server::{guard, sending},
    };
    let caller = guard::caller(Access::Permission(Permission::SendBulk)).await?;
    Ok(sending::campaigns(caller.pool(), caller.account_id, super::page_number(page)).await?)
}
