//! Setting → SMPP: what its server functions return.

use serde::{Deserialize, Serialize};

/// A live credential as the list shows it: never the password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct SmppCredentialRow {
    pub id: i64,
    pub system_id: String,
    /// Client networks in CIDR form, one space apart; empty for any.
    pub allowed_networks: String,
    pub created_at: String,
}

/// A bind open now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct SmppBindRow {
    pub system_id: String,
    /// transmitter, receiver or transceiver.
    pub mode: String,
    /// The client's address and port.
    pub address: String,
    pub bound_at: String,
    /// Messages submitted on the bind.
    pub submitted: i64,
    /// Receipts and inbound messages delivered on it.
    pub delivered: i64,
}

/// The page: credentials, open binds, and the credential just made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmppSettings {
    pub credentials: Vec<SmppCredentialRow>,
    pub binds: Vec<SmppBindRow>,
    pub created: Option<CreatedSmppCredential>,
    /// Where clients connect (host:port), when this server listens for SMPP.
    pub address: Option<String>,
}

/// A credential as its creator sees it once: with the password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedSmppCredential {
    pub system_id: String,
    pub password: String,
}
