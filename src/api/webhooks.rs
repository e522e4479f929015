//! Setting → API keys, "Webhooks": the owner sees where the account's
//! events go and how their deliveries went, and can send one again.
//! Endpoints themselves are made and removed through the API.

use leptos::prelude::*;

use super::AppError;
pub use crate::domain::wire::webhooks::*;

/// Deliveries shown per endpoint.
#[cfg(feature = "ssr")]
const RECENT: i64 = 10;

#[server(endpoint = "webhooks/list")]
pub async fn list_webhooks() -> Result<Vec<WebhookEndpoint>, AppError> {
    use crate::{
        domain::Access,
        server::{guard, webhooks::endpoints},
    };
    let caller = guard::caller(Access::Owner).await?;
    let pool = caller.pool();
    let mut deliveries = endpoints::recent_deliveries(pool, caller.account_id, RECENT).await?;
    Ok(endpoints::list(pool, caller.account_id)
        .await?
        .into_iter()
        .map(|endpoint| WebhookEndpoint {
            id: endpoint.id,
            url: endpoint.url,
            events: endpoint.events.0,
            created_at: endpoint.created_at,
            deliveries: deliveries
                .extract_if(.., |delivery| delivery.endpoint_id == endpoint.id)
                .collect(),
        })
        .collect())
}

/// Sends a delivery again now; without JavaScript the page reloads and says so.
#[server(endpoint = "webhooks/redeliver")]
pub async fn redeliver_webhook(id: i64) -> Result<(), AppError> {
    use crate::{
        domain::Access,
        server::{audit, guard, webhooks::endpoints},
    };
    let caller = guard::caller(Access::Owner).await?;
    if !endpoints::redeliver(caller.pool(), caller.account_id, id).await? {
        return Err(AppError::NotFound);
    }
    let entry =
        audit::Entry::by(&caller.viewer, "webhook_redelivered").on(format!("delivery #{id}"));
    audit::note(caller.pool(), entry).await;
    leptos_axum::redirect("/settings/api-keys?redelivered=1");
    Ok(())
}
