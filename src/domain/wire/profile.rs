//! Profile: the rows and pages its server functions return.

use serde::{Deserialize, Serialize};

/// Time zones offered on the profile (reports are shown in UTC for now).
pub const TIMEZONES: &[&str] = &[
    "UTC",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Madrid",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Rome",
    "Europe/Warsaw",
    "Europe/Athens",
    "Europe/Kyiv",
    "Europe/Istanbul",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Bangkok",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "America/Sao_Paulo",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Mexico_City",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub company: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub timezone: String,
    pub updated_by: Option<String>,
    /// Only for the owner: sub-accounts never see or change the API key.
    /// Whether the viewer manages the account's API keys (owners).
    pub manages_api_keys: bool,
}
