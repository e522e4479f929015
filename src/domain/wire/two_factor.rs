//! Account → Two-factor authentication: what its page shows.

use serde::{Deserialize, Serialize};

/// The user's two-factor authentication, as their settings page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorStatus {
    pub enabled: bool,
    /// An enrolment begun and waiting for its first code.
    pub enrolment: Option<Enrolment>,
    pub recovery_codes_left: i64,
    /// The account requires it of this user.
    pub required: bool,
    /// Recovery codes made just now, shown this once.
    pub new_recovery_codes: Option<Vec<String>>,
}

/// What an authenticator app needs: the QR code, or the secret typed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    /// The secret in base32, grouped by four for reading.
    pub secret: String,
    /// The QR code of the `otpauth://` address, an SVG image.
    pub qr_svg: String,
}
