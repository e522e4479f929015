//! The carrier's inbound direction: a message from a phone to one of the
//! platform's sender names or numbers. It belongs to the account that owns
//! the name; a name several accounts share (the provider's own) goes to
//! the account that last wrote to that phone from it, as a reply would.
//! A lone `STOP` (any case) puts the phone on that account's stop-list.
//! Endpoints subscribed to `inbound.received` get it, from the same
//! transaction.

use super::{
    db::{self, Pool},
    resources::Inbound,
    smpp, webhooks,
};
use crate::domain::Phone;

#[derive(Debug, PartialEq, Eq)]
pub struct Received {
    pub id: i64,
    pub account_id: i64,
    /// Whether it stopped the sender.
    pub stopped: bool,
}

#[derive(Debug)]
pub enum InboundError {
    /// `from` is not a phone number.
    Sender,
    /// No account owns or used the recipient name or number.
    NoAccount,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for InboundError {
    fn from(error: sqlx::Error) -> Self {
        Self::Database(error)
    }
}

impl std::fmt::Display for InboundError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sender => write!(f, "--from is not a phone number in international format"),
            Self::NoAccount => write!(f, "no account owns or sent from that name or number"),
            Self::Database(error) => write!(f, "database: {error}"),
        }
    }
}

/// Whether a text asks to stop: `STOP` alone, in any case and spacing.
pub fn is_stop(text: &str) -> bool {
    text.trim().eq_ignore_ascii_case("stop")
}

/// Records a message the carrier delivers from `from` to `to`.
pub async fn receive(
    pool: &Pool,
    from: &str,
    to: &str,
    text: &str,
) -> Result<Received, InboundError> {
    let from = Phone::parse_lenient(from).map_err(|_| InboundError::Sender)?;
    let to = to.trim();
    // The owners of the name, the one that last wrote to this phone first;
    // for a name or number no account owns, the account that last wrote to
    // the phone from it.
    // (COALESCE: the backends sort NULL at opposite ends.)
    let account_id: Option<i64> = sqlx::query_scalar(
        "SELECT a.id FROM accounts a \
         LEFT JOIN sender_names s ON s.account_id = a.id AND s.name = $1 AND s.status = 'approved' \
         WHERE s.id IS NOT NULL \
            OR EXISTS (SELECT 1 FROM messages m WHERE m.account_id = a.id AND m.recipient = $2 AND m.sender = $1) \
         ORDER BY (s.id IS NOT NULL) DESC, \
                  COALESCE((SELECT MAX(m.id) FROM messages m WHERE m.account_id = a.id AND m.recipient = $2 AND m.sender = $1), 0) DESC, \
                  a.id \
         LIMIT 1",
    )
    .bind(to)
    .bind(from.as_str())
    .fetch_optional(pool)
    .await?;
    let account_id = account_id.ok_or(InboundError::NoAccount)?;
    let received_at = db::now();
    let mut tx = db::begin_write(pool).await?;
    let id = sqlx::query_scalar(
        "INSERT INTO incoming_messages (account_id, sender, recipient, text, received_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(account_id)
    .bind(from.as_str())
    .bind(to)
    .bind(text)
    .bind(&received_at)
    .fetch_one(&mut *tx)
    .await?;
    let inbound = Inbound {
        id,
        from: from.as_str().to_owned(),
        to: to.to_owned(),
        text: text.to_owned(),
        received_at,
    };
    webhooks::outbox::inbound_received(&mut tx, account_id, &inbound).await?;
    let for_smpp = smpp::outbox::inbound_due(&mut tx, account_id, id).await?;
    let stopped = is_stop(text);
    if stopped {
        sqlx::query(
            "INSERT INTO stop_list (account_id, phone, added_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(account_id)
        .bind(from.as_str())
        .bind(db::now())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    if for_smpp > 0 {
        smpp::outbox::ring();
    }
    Ok(Received {
        id,
        account_id,
        stopped,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_a_lone_stop_stops() {
        for stop in ["STOP", "stop", " Stop \n"] {
            assert!(super::is_stop(stop), "{stop:?}");
        }
        for other in ["STOP please", "don't stop", "STOPP", ""] {
            assert!(!super::is_stop(other), "{other:?}");
        }
    }
}
