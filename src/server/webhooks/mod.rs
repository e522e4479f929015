//! Webhooks, as Standard Webhooks specifies them: the account's endpoints,
//! an outbox of deliveries written in the transaction that makes each
//! event (so none is lost), and a sender in every process that signs and
//! posts due deliveries, retrying for about a day.

pub mod address;
pub mod endpoints;
pub mod outbox;
pub mod sender;
pub mod signature;

/// What an endpoint can subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    MessageDelivered,
    MessageFailed,
    InboundReceived,
}

impl EventType {
    pub const ALL: [Self; 3] = [
        Self::MessageDelivered,
        Self::MessageFailed,
        Self::InboundReceived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::MessageDelivered => "message.delivered",
            Self::MessageFailed => "message.failed",
            Self::InboundReceived => "inbound.received",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|event| event.as_str() == name)
    }

    /// The event of a message that reached `status`, if it is final.
    pub fn of_message_status(status: &str) -> Option<Self> {
        match status {
            "delivered" => Some(Self::MessageDelivered),
            "failed" => Some(Self::MessageFailed),
            _ => None,
        }
    }
}

/// Where webhooks may point. Production: public `https://` addresses only;
/// `SMS_PORTAL_WEBHOOK_ALLOW_PRIVATE=1` lifts both rules for development
/// and tests (a receiver on the same machine).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UrlPolicy {
    pub allow_private: bool,
}
