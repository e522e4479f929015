use serde::{Deserialize, Serialize};

/// The seven groups the Access page shows, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Category {
    Sending,
    Analytics,
    IncomingSms,
    BlockedSms,
    Prices,
    Finance,
    Profile,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::Sending,
        Category::Analytics,
        Category::IncomingSms,
        Category::BlockedSms,
        Category::Prices,
        Category::Finance,
        Category::Profile,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Category::Sending => "Sending",
            Category::Analytics => "Analytics",
            Category::IncomingSms => "Incoming SMS",
            Category::BlockedSms => "Blocked SMS",
            Category::Prices => "Prices",
            Category::Finance => "Finance",
            Category::Profile => "Profile",
        }
    }

    pub fn permissions(self) -> impl Iterator<Item = Permission> {
        Permission::ALL
            .into_iter()
            .filter(move |p| p.category() == self)
    }
}

/// One grantable right of a sub-user. Owners implicitly hold all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Permission {
    SendBulk,
    UseDatabase,
    SenderView,
    UseAnalytics,
    UseAnalyticsDetails,
    SeeAnalyticsDetails,
    AnalyticsDetailsExport,
    SeeIncomingSms,
    IncomingSmsExport,
    SeeBlockedSms,
    BlockedSmsExport,
    SeePrices,
    TopUp,
    SeeFinance,
    ProfileEdit,
}

impl Permission {
    pub const ALL: [Permission; 15] = [
        Permission::SendBulk,
        Permission::UseDatabase,
        Permission::SenderView,
        Permission::UseAnalytics,
        Permission::UseAnalyticsDetails,
        Permission::SeeAnalyticsDetails,
        Permission::AnalyticsDetailsExport,
        Permission::SeeIncomingSms,
        Permission::IncomingSmsExport,
        Permission::SeeBlockedSms,
        Permission::BlockedSmsExport,
        Permission::SeePrices,
        Permission::TopUp,
        Permission::SeeFinance,
        Permission::ProfileEdit,
    ];

    /// The stable key stored in the database and sent by forms.
    pub fn key(self) -> &'static str {
        self.spec().0
    }

    pub fn category(self) -> Category {
        self.spec().1
    }

    /// The exact label of the Access page's checkbox.
    pub fn label(self) -> &'static str {
        self.spec().2
    }

    pub fn description(self) -> &'static str {
        self.spec().3
    }

    /// The permission this one builds on, if any.
    pub fn requires(self) -> Option<Permission> {
        match self {
            Permission::UseAnalyticsDetails => Some(Permission::UseAnalytics),
            Permission::SeeAnalyticsDetails | Permission::AnalyticsDetailsExport => {
                Some(Permission::UseAnalyticsDetails)
            }
            Permission::IncomingSmsExport => Some(Permission::SeeIncomingSms),
            Permission::BlockedSmsExport => Some(Permission::SeeBlockedSms),
            _ => None,
        }
    }

    pub fn from_key(key: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.key() == key)
    }

    fn spec(self) -> (&'static str, Category, &'static str, &'static str) {
        use Category::*;
        match self {
            Permission::SendBulk => (
                "send_bulk",
                Sending,
                "Can Send Bulk",
                "Send bulk SMS campaigns.",
            ),
            Permission::UseDatabase => (
                "use_database",
                Sending,
                "Can Use Database",
                "Create and manage contact lists.",
            ),
            Permission::SenderView => (
                "sender_view",
                Sending,
                "Can Sender View",
                "View the available sender names.",
            ),
            Permission::UseAnalytics => (
                "use_analytics",
                Analytics,
                "Can Use Analytics",
                "Open the analytics summary.",
            ),
            Permission::UseAnalyticsDetails => (
                "use_analytics_details",
                Analytics,
                "Can Use Analytics Details",
                "Open the detailed message report.",
            ),
            Permission::SeeAnalyticsDetails => (
                "see_analytics_details",
                Analytics,
                "Can See Analytics Details",
                "See full recipient numbers and message text in the report.",
            ),
            Permission::AnalyticsDetailsExport => (
                "analytics_details_export",
                Analytics,
                "Can Use Analytics Details Export",
                "Export the detailed report as CSV.",
            ),
            Permission::SeeIncomingSms => (
                "see_incoming_sms",
                IncomingSms,
                "Can See Incoming Sms",
                "View incoming messages.",
            ),
            Permission::IncomingSmsExport => (
                "incoming_sms_export",
                IncomingSms,
                "Can See Incoming Sms Export",
                "Export incoming messages as CSV.",
            ),
            Permission::SeeBlockedSms => (
                "see_blocked_sms",
                BlockedSms,
                "Can See Blocked Sms",
                "View blocked messages.",
            ),
            Permission::BlockedSmsExport => (
                "blocked_sms_export",
                BlockedSms,
                "Can See Blocked Sms Export",
                "Export blocked messages as CSV.",
            ),
            Permission::SeePrices => ("see_prices", Prices, "Can See Prices", "View SMS pricing."),
            Permission::TopUp => (
                "top_up",
                Finance,
                "Can Top Up",
                "Top up the account balance.",
            ),
            Permission::SeeFinance => (
                "see_finance",
                Finance,
                "Can See Finance",
                "View the balance, invoices and financial history.",
            ),
            Permission::ProfileEdit => (
                "profile_edit",
                Profile,
                "Can Profile Edit",
                "Edit the account profile settings.",
            ),
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// A set of permissions, as one small bit field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PermissionSet(u16);

impl PermissionSet {
    pub fn empty() -> Self {
        Self(0)
    }

    pub fn all() -> Self {
        Permission::ALL.into_iter().collect()
    }

    pub fn contains(self, permission: Permission) -> bool {
        self.0 & permission.bit() != 0
    }

    pub fn insert(&mut self, permission: Permission) {
        self.0 |= permission.bit();
    }

    pub fn remove(&mut self, permission: Permission) {
        self.0 &= !permission.bit();
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Permission> {
        Permission::ALL
            .into_iter()
            .filter(move |p| self.contains(*p))
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Parses form keys; unknown keys are refused, never ignored.
    pub fn from_keys<S: AsRef<str>>(keys: &[S]) -> Result<Self, String> {
        let mut set = Self::empty();
        for key in keys {
            let key = key.as_ref();
            let permission =
                Permission::from_key(key).ok_or_else(|| format!("Unknown permission “{key}”."))?;
            set.insert(permission);
        }
        Ok(set)
    }

    /// Parses the ticked boxes of a form: unknown keys, or a permission
    /// ticked without what it requires, are refused with the reason. The
    /// server never widens what was asked.
    pub fn from_ticked<S: AsRef<str>>(keys: &[S]) -> Result<Self, String> {
        let set = Self::from_keys(keys)?;
        match set.missing_requirement() {
            Some((permission, required)) => Err(format!(
                "“{}” requires “{}”. Tick both, or neither.",
                permission.label(),
                required.label()
            )),
            None => Ok(set),
        }
    }

    /// The first granted permission whose requirement is missing.
    pub fn missing_requirement(self) -> Option<(Permission, Permission)> {
        self.iter()
            .find_map(|p| p.requires().filter(|r| !self.contains(*r)).map(|r| (p, r)))
    }

    /// Ticking `permission` also ticks everything it requires.
    pub fn with_granted(mut self, permission: Permission) -> Self {
        let mut next = Some(permission);
        while let Some(p) = next {
            self.insert(p);
            next = p.requires();
        }
        self
    }

    /// Unticking `permission` also unticks everything that depends on it.
    pub fn with_revoked(mut self, permission: Permission) -> Self {
        self.remove(permission);
        while let Some((dependent, _)) = self.missing_requirement() {
            self.remove(dependent);
        }
        self
    }
}

impl FromIterator<Permission> for PermissionSet {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        let mut set = Self::empty();
        for permission in iter {
            set.insert(permission);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn catalogue_has_fifteen_permissions_in_seven_categories() {
        assert_eq!(Permission::ALL.len(), 15);
        let counts: Vec<usize> = Category::ALL
            .iter()
            .map(|c| c.permissions().count())
            .collect();
        assert_eq!(counts, [3, 4, 2, 2, 1, 2, 1]);
        let mut keys: Vec<_> = Permission::ALL.iter().map(|p| p.key()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), 15, "keys are unique");
    }

    #[test]
    fn every_key_roundtrips() {
        for p in Permission::ALL {
            assert_eq!(Permission::from_key(p.key()), Some(p));
        }
        assert_eq!(Permission::from_key("admin"), None);
    }

    #[test]
    fn requirements_stay_inside_their_category() {
        for p in Permission::ALL {
            if let Some(r) = p.requires() {
                assert_eq!(r.category(), p.category());
            }
        }
    }

    #[test]
    fn granting_ticks_requirements_and_revoking_unticks_dependents() {
        let set = PermissionSet::empty().with_granted(Permission::SeeAnalyticsDetails);
        assert!(set.contains(Permission::UseAnalyticsDetails));
        assert!(set.contains(Permission::UseAnalytics));
        let set = set.with_granted(Permission::AnalyticsDetailsExport);
        let set = set.with_revoked(Permission::UseAnalytics);
        assert!(
            set.is_empty(),
            "all analytics details depend on the summary: {set:?}"
        );
    }

    #[test]
    fn from_keys_refuses_unknown_keys() {
        assert!(PermissionSet::from_keys(&["send_bulk", "root"]).is_err());
        assert_eq!(
            PermissionSet::from_keys::<&str>(&[]).unwrap(),
            PermissionSet::empty()
        );
    }

    #[test]
    fn an_export_without_its_view_is_inconsistent() {
        let set = PermissionSet::from_keys(&["incoming_sms_export"]).unwrap();
        assert_eq!(
            set.missing_requirement(),
            Some((Permission::IncomingSmsExport, Permission::SeeIncomingSms))
        );
    }

    proptest! {
        #[test]
        fn grant_and_revoke_always_yield_consistent_sets(bits in 0u16..(1 << 15), index in 0usize..15, grant: bool) {
            let start = Permission::ALL.into_iter().enumerate()
                .filter(|(i, _)| bits & (1 << i) != 0).map(|(_, p)| p).collect::<PermissionSet>();
            // Make the start consistent as the UI would, then apply one click.
            let start = start.iter().fold(PermissionSet::empty(), |s, p| s.with_granted(p));
            let p = Permission::ALL[index];
            let next = if grant { start.with_granted(p) } else { start.with_revoked(p) };
            prop_assert_eq!(next.missing_requirement(), None);
            prop_assert_eq!(next.contains(p), grant);
        }
    }
}
