use super::{Permission, Role, Viewer};

/// What a page or a server function requires of the viewer. The browser uses
/// it to draw the menu; the server uses the very same rule to refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Any logged-in user.
    Authenticated,
    /// Any logged-in user, even one whose password is temporary: changing
    /// it is the one thing such a user may do.
    PasswordChange,
    /// Any logged-in user whose password is their own, even one who must
    /// set up two-factor authentication before anything else.
    TwoFactorSetup,
    /// The provider's staff.
    Manager,
    /// An account owner whose account has "Can Add Subaccount" on.
    SubAccounts,
    /// The account owner only (the API key).
    Owner,
    /// The audit log: owners (their account) and managers (every account).
    AuditLog,
    /// An owner, or a sub-user granted this permission.
    Permission(Permission),
}

impl Access {
    pub fn allows(self, viewer: &Viewer) -> bool {
        if viewer.must_change_password {
            return self == Access::PasswordChange;
        }
        if viewer.must_enrol_two_factor {
            return matches!(self, Access::PasswordChange | Access::TwoFactorSetup);
        }
        match self {
            Access::Authenticated | Access::PasswordChange | Access::TwoFactorSetup => true,
            Access::Manager => viewer.role == Role::Manager,
            Access::SubAccounts => viewer.may_manage_sub_accounts(),
            Access::Owner => viewer.role == Role::Owner,
            Access::AuditLog => matches!(viewer.role, Role::Owner | Role::Manager),
            Access::Permission(permission) => viewer.has(permission),
        }
    }
}
