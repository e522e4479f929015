use leptos::prelude::*;

use super::{AppError, Page};

pub use crate::domain::wire::sending::*;

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
    let mut choices = sending::compose_options(caller.pool(), caller.account_id).await?;
    choices.cap = crate::server::spending::cap_use_now(caller.pool(), caller.user_id()).await?;
    Ok(choices)
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
    let draft = Draft {
        sender,
        list_id,
        numbers,
        text,
    };
    sending::estimate(&caller, &draft).await
}

/// Keeps a composed campaign for review and shows it: a POST, so 50,000
/// pasted numbers fit and stay out of URLs, history and logs.
#[server(endpoint = "sending/review")]
pub async fn review_campaign(
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
    let draft = Draft {
        sender,
        list_id,
        numbers,
        text,
    };
    let id =
        sending::save_review(caller.pool(), caller.account_id, caller.user_id(), &draft).await?;
    leptos_axum::redirect(&format!("/sending/bulk?review={id}#review"));
    Ok(id)
}

/// One of the caller's own reviews, with its estimate worked out afresh.
#[server(endpoint = "sending/review/get")]
pub async fn get_review(id: i64) -> Result<CampaignReview, AppError> {
    use crate::{
        domain::{Access, Permission},
        server::{guard, sending},
    };
    let caller = guard::caller(Access::Permission(Permission::SendBulk)).await?;
    let draft = sending::review(caller.pool(), caller.account_id, caller.user_id(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let estimate = sending::estimate(&caller, &draft).await;
    Ok(CampaignReview {
        id,
        draft,
        estimate,
    })
}

/// Sends a reviewed campaign: charged at once (failed parts are refunded),
/// refused whole when the balance does not cover it. `recipients` and
/// `cost` are what the review showed: when the contact list, the stop-list
/// or the prices have changed since, the campaign is refused for a new review.
#[server(endpoint = "sending/send")]
pub async fn send_campaign(
    review: i64,
    #[server(default)] recipients: Option<i64>,
    #[server(default)] cost: Option<i64>,
) -> Result<i64, AppError> {
    use crate::{
        domain::{Access, Permission},
        server::{guard, sending},
    };
    let caller = guard::caller(Access::Permission(Permission::SendBulk)).await?;
    let draft = sending::review(caller.pool(), caller.account_id, caller.user_id(), review)
        .await?
        .ok_or_else(|| {
            AppError::Rejected(
                "This review was sent or has expired. Review the campaign again.".into(),
            )
        })?;
    let plan = sending::plan_draft(caller.pool(), caller.account_id, &draft).await?;
    let now = (plan.recipients.len() as i64, plan.cost.0);
    if recipients.zip(cost).is_some_and(|shown| shown != now) {
        return Err(AppError::Rejected(
            "The campaign changed since its review (its contact list, the stop-list or the prices). Review it again before sending.".into(),
        ));
    }
    let id = sending::send_reviewed(
        caller.pool(),
        caller.account_id,
        caller.user_id(),
        review,
        &plan,
    )
    .await?;
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
    leptos_axum::redirect(&format!("/sending/bulk?sent={id}#campaign-{id}"));
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
    let texts_of = (!caller.viewer.has(Permission::SeeAnalyticsDetails)).then(|| caller.user_id());
    let page = super::page_number(page);
    Ok(sending::campaigns(caller.pool(), caller.account_id, page, texts_of).await?)
}
