//! Contacts: the rows and pages its server functions return.

use super::Page;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ContactListSummary {
    pub id: i64,
    pub name: String,
    pub contacts: i64,
    pub created_at: String,
    pub created_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Contact {
    pub id: i64,
    /// E.164, as stored and edited.
    pub phone: String,
    pub name: String,
    /// The number grouped as its country writes it (`+44 7430 900201`).
    #[cfg_attr(feature = "ssr", sqlx(default))]
    pub phone_display: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactListPage {
    pub list: ContactListSummary,
    pub contacts: Page<Contact>,
    /// The countries an import may take national numbers from: ISO code
    /// and name, the account's own country first.
    pub countries: Vec<(String, String)>,
}

/// Where the contacts file form posts (a plain axum route: file uploads
/// are multipart, which the server functions here do not take).
pub const IMPORT_FILE: &str = "/contacts/import-file";

/// Why a file was not imported, as the upload reports it in `?import_error=`.
pub mod import_error {
    pub const NOT_TEXT: &str = "not-text";
    pub const NO_FILE: &str = "no-file";
    pub const REFUSED: &str = "refused";
}

/// The outcome of a CSV import, line by line for the refused rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub id: i64,
    pub list_id: i64,
    pub added: i64,
    pub duplicates: i64,
    pub rejected: i64,
    pub errors: Vec<(i64, String)>,
}
