use super::{Money, Permission, PermissionSet, Zone};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Manager,
    Owner,
    Sub,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Manager => "manager",
            Role::Owner => "owner",
            Role::Sub => "sub",
        }
    }

    pub fn parse(raw: &str) -> Option<Role> {
        match raw {
            "manager" => Some(Role::Manager),
            "owner" => Some(Role::Owner),
            "sub" => Some(Role::Sub),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Manager => "Manager",
            Role::Owner => "Account owner",
            Role::Sub => "Sub-account",
        }
    }
}

/// Who is looking at the page: what the browser needs to draw the menu.
/// The server never trusts a `Viewer` sent by the browser; it loads its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub user_id: i64,
    pub login: String,
    pub name: String,
    pub role: Role,
    pub account_id: Option<i64>,
    pub account_name: Option<String>,
    /// The account's "Can Add Subaccount" option (false for managers).
    pub can_add_subaccount: bool,
    /// Effective permissions: all for owners, the grants for sub-users, none for managers.
    pub permissions: PermissionSet,
    /// The account balance, present only for viewers who may see finances.
    pub balance: Option<Money>,
    /// The account's time zone (UTC for managers), in which times are shown.
    pub zone: Zone,
    /// The password was set by the account owner: until the user chooses
    /// their own, nothing but changing it is allowed.
    pub must_change_password: bool,
    /// Two-factor authentication is required of them and not yet set up:
    /// until it is, nothing but setting it up (and their password) is allowed.
    pub must_enrol_two_factor: bool,
}

impl Viewer {
    pub fn has(&self, permission: Permission) -> bool {
        self.role != Role::Manager && self.permissions.contains(permission)
    }

    pub fn may_manage_sub_accounts(&self) -> bool {
        self.role == Role::Owner && self.can_add_subaccount
    }
}
