//! Sub accounts: the rows and pages its server functions return.

use crate::domain::PermissionSet;
use serde::{Deserialize, Serialize};

/// A sub-account as its owner sees it (never its password hash).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct SubAccount {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub company: Option<String>,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "super::IntFlag"))]
    pub disabled: bool,
    pub last_login_at: Option<String>,
    pub created_at: String,
    /// The granted permissions' keys, comma-separated.
    pub granted: String,
    /// The monthly spending cap, in units of 0.0001 EUR; `None`: no cap.
    pub monthly_cap: Option<i64>,
    /// They log in with a code after the password.
    #[cfg_attr(feature = "ssr", sqlx(try_from = "super::IntFlag"))]
    pub two_factor: bool,
    /// What they spent this calendar month (in the account's zone), net of
    /// refunds; filled in for the list's rows.
    #[cfg_attr(feature = "ssr", sqlx(default))]
    pub spent_this_month: i64,
}

impl SubAccount {
    pub fn permissions(&self) -> PermissionSet {
        let keys: Vec<&str> = self.granted.split(',').filter(|k| !k.is_empty()).collect();
        PermissionSet::from_keys(&keys).unwrap_or_else(|_| PermissionSet::empty())
    }
}

/// What the Sub Accounts list says after an action, from its query string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListNotice {
    Created,
    Edited,
    PasswordReset,
    Disabled,
    Enabled,
    SignedOut,
    Deleted,
    TwoFactorReset,
}

impl ListNotice {
    pub const ALL: [ListNotice; 8] = [
        ListNotice::Created,
        ListNotice::Edited,
        ListNotice::PasswordReset,
        ListNotice::Disabled,
        ListNotice::Enabled,
        ListNotice::SignedOut,
        ListNotice::Deleted,
        ListNotice::TwoFactorReset,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ListNotice::Created => "created",
            ListNotice::Edited => "edited",
            ListNotice::PasswordReset => "password",
            ListNotice::Disabled => "disabled",
            ListNotice::Enabled => "enabled",
            ListNotice::SignedOut => "signed-out",
            ListNotice::Deleted => "deleted",
            ListNotice::TwoFactorReset => "two-factor",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|n| n.key() == key)
    }

    /// The sentence after the login.
    pub fn message(self) -> &'static str {
        match self {
            ListNotice::Created => "created — no access yet.",
            ListNotice::Edited => "saved.",
            ListNotice::PasswordReset => "has a new password. Their open sessions have ended.",
            ListNotice::Disabled => "disabled. Their open sessions have ended.",
            ListNotice::Enabled => "enabled. They can log in again, with the access they had.",
            ListNotice::SignedOut => "signed out everywhere. They must log in again.",
            ListNotice::Deleted => "deleted.",
            ListNotice::TwoFactorReset => {
                "has two-factor authentication off and is signed out; they set it up again at their next login if it is required."
            }
        }
    }
}

/// The sortable columns of the Sub Accounts list, by their `?sort=` key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubAccountSort {
    Login,
    Name,
    Phone,
    Email,
    Company,
    Status,
    LastLogin,
}

/// The Sub Accounts list's filters, as its query string carries them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubAccountFilter {
    /// Found in the login, name or email, literally.
    pub search: String,
    /// `Some(true)`: disabled only; `Some(false)`: active only.
    pub disabled: Option<bool>,
    /// Only those granted this permission.
    pub permission: Option<crate::domain::Permission>,
}

impl SubAccountFilter {
    /// From the query's `q`, `status` (`active`, `disabled`) and
    /// `permission` (a key); anything else filters nothing.
    pub fn parse(search: &str, status: &str, permission: &str) -> Self {
        Self {
            search: search.trim().chars().take(100).collect(),
            disabled: match status {
                "active" => Some(false),
                "disabled" => Some(true),
                _ => None,
            },
            permission: crate::domain::Permission::from_key(permission),
        }
    }

    pub fn status_key(&self) -> &'static str {
        match self.disabled {
            Some(false) => "active",
            Some(true) => "disabled",
            None => "",
        }
    }

    pub fn permission_key(&self) -> &'static str {
        self.permission.map_or("", |p| p.key())
    }

    pub fn is_empty(&self) -> bool {
        self.search.is_empty() && self.disabled.is_none() && self.permission.is_none()
    }

    /// `q=…&status=…&permission=…`, for links that keep the filters.
    pub fn query(&self) -> String {
        format!(
            "q={}&status={}&permission={}",
            crate::domain::encode_component(&self.search),
            self.status_key(),
            self.permission_key()
        )
    }
}

/// What a bulk action on selected sub-accounts does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkAction {
    Disable,
    Enable,
    Delete,
    /// Sets each one's permissions to exactly the preset's.
    Preset,
}

impl BulkAction {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "disable" => Some(Self::Disable),
            "enable" => Some(Self::Enable),
            "delete" => Some(Self::Delete),
            "preset" => Some(Self::Preset),
            _ => None,
        }
    }
}

/// Rows per page of the Sub Accounts list.
pub const SUB_ACCOUNTS_PER_PAGE: i64 = 20;

/// The Access page: whose grants, and which.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessOfSubAccount {
    pub sub_account: SubAccount,
    /// As saved.
    pub permissions: PermissionSet,
    /// A preset applied or another sub-account's access copied, not yet saved.
    pub proposed: Option<Proposal>,
}

/// Ticks the Access page proposes instead of the saved ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// "Preset “Sender”" or "anna's access": where the ticks come from.
    pub source: String,
    pub permissions: PermissionSet,
}

/// What a sub-account's access can start from: the presets, and the
/// other members of the team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessTemplates {
    /// The built-in presets first, then the owner's own.
    pub presets: Vec<crate::domain::Preset>,
    /// Every sub-account, by login: (id, login).
    pub team: Vec<(i64, String)>,
}

/// A password the server generated for a sub-account, shown to the owner
/// once, on the page the form lands back on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratedPassword {
    pub login: String,
    pub password: String,
}
