//! The account's messages as the HTTP API answers them and its webhooks
//! carry them: one shape for both, so a webhook's `data` is what
//! `GET /v1/messages/{id}` would answer.

use serde::Serialize;

use crate::domain::{Encoding, Money, Segments};

pub fn encoding_name(encoding: Encoding) -> &'static str {
    match encoding {
        Encoding::Gsm7 => "gsm7",
        Encoding::Ucs2 => "ucs2",
    }
}

/// A message as the API shows it.
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Message {
    pub id: i64,
    pub batch_id: Option<i64>,
    #[sqlx(rename = "sender")]
    pub from: String,
    #[sqlx(rename = "recipient")]
    pub to: String,
    pub text: String,
    pub parts: i64,
    /// `gsm7` or `ucs2`.
    #[sqlx(skip)]
    pub encoding: &'static str,
    /// Euros, four decimals.
    #[serde(serialize_with = "exact_money")]
    #[schema(value_type = String, example = "0.0450")]
    pub price: i64,
    /// `queued`, `sent`, `delivered` or `failed`.
    pub status: String,
    /// Why it failed, when it did.
    pub error_code: Option<String>,
    pub client_ref: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
    pub done_at: Option<String>,
    /// `portal`, `api` or `smpp`.
    pub source: String,
}

fn exact_money<S: serde::Serializer>(units: &i64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&Money(*units).exact())
}

impl Message {
    /// Fills in what the row does not hold.
    pub fn finish(mut self) -> Self {
        self.encoding = encoding_name(Segments::of(&self.text).encoding);
        self
    }
}

pub const MESSAGE_COLUMNS: &str = "id, campaign_id AS batch_id, sender, recipient, text, parts, price, status, \
     CASE WHEN status = 'failed' THEN 'undeliverable' END AS error_code, client_ref, created_at, sent_at, done_at, source";

/// A message received from a phone.
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Inbound {
    pub id: i64,
    #[sqlx(rename = "sender")]
    pub from: String,
    #[sqlx(rename = "recipient")]
    pub to: String,
    pub text: String,
    pub received_at: String,
}
