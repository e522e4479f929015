//! Webhooks as the API keys page shows them: each endpoint of the account
//! with its recent deliveries.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEndpoint {
    pub id: i64,
    pub url: String,
    pub events: Vec<String>,
    pub created_at: String,
    /// Newest first.
    pub deliveries: Vec<WebhookDelivery>,
}

/// One event to one endpoint, and how its attempts went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct WebhookDelivery {
    pub id: i64,
    pub endpoint_id: i64,
    pub event_type: String,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    pub attempts: i64,
    /// The HTTP status of the last attempt, when it had an answer.
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub last_attempt_at: Option<String>,
    pub next_attempt_at: String,
    pub created_at: String,
}

impl WebhookDelivery {
    /// The last attempt in a few words: "204", "503: answered …", "not yet".
    pub fn last_answer(&self) -> String {
        match (self.last_status, &self.last_error) {
            (Some(status), None) => status.to_string(),
            (_, Some(error)) => error.clone(),
            (None, None) => "Not tried yet".to_owned(),
        }
    }
}
