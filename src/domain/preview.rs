//! What a sub-user with a set of permissions would see and may do, in the
//! words of the Access page's preview. The menu itself is the real menu's,
//! drawn for the `Viewer` this builds.

use super::{Money, Permission, PermissionSet, Role, Viewer, Zone};

/// A sub-user holding `permissions` (with a password of their own), as
/// the guards and the menu judge them.
pub fn sub_user_with(permissions: PermissionSet) -> Viewer {
    Viewer {
        user_id: 0,
        login: String::new(),
        name: String::new(),
        role: Role::Sub,
        account_id: Some(0),
        account_name: None,
        can_add_subaccount: true,
        permissions,
        balance: None,
        zone: Zone::utc(),
        must_change_password: false,
        must_enrol_two_factor: false,
    }
}

/// Plain sentences of what they can and cannot do beyond the menu.
pub fn sentences(permissions: PermissionSet, cap: Option<Money>) -> Vec<String> {
    use Permission::*;
    let has = |p| permissions.contains(p);
    let mut said = Vec::new();
    if permissions.is_empty() {
        said.push("Sees only the home page: no permission is ticked.".to_owned());
        return said;
    }
    match (has(SendBulk), cap) {
        (false, _) => said.push("Cannot send SMS.".to_owned()),
        (true, Some(cap)) => said.push(format!("Can spend up to {cap} a month.")),
        (true, None) => {
            said.push("Can send SMS up to the account’s balance: no monthly cap.".to_owned())
        }
    }
    if has(UseAnalyticsDetails) {
        said.push(match has(SeeAnalyticsDetails) {
            true => "Sees full phone numbers and message texts in the report.".to_owned(),
            false => "Sees phone numbers masked in the report.".to_owned(),
        });
        if !has(AnalyticsDetailsExport) {
            said.push("Cannot export the detailed report.".to_owned());
        }
    }
    for (see, export, what) in [
        (SeeIncomingSms, IncomingSmsExport, "incoming SMS"),
        (SeeBlockedSms, BlockedSmsExport, "blocked SMS"),
    ] {
        if has(see) && !has(export) {
            said.push(format!("Cannot export {what}."));
        }
    }
    if has(SeeFinance) {
        said.push("Sees the balance, invoices and payments.".to_owned());
    }
    if has(TopUp) {
        said.push("Can top up the balance.".to_owned());
    }
    if has(ProfileEdit) {
        said.push("Can change the account’s profile.".to_owned());
    }
    said
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sentences_say_what_is_withheld() {
        let analyst = crate::domain::BuiltInPreset::Analyst.permissions();
        let said = sentences(analyst, None);
        assert!(said.contains(&"Sees phone numbers masked in the report.".to_owned()));
        assert!(said.contains(&"Cannot send SMS.".to_owned()));
        let sender = PermissionSet::empty().with_granted(Permission::SendBulk);
        assert_eq!(
            sentences(sender, Some(Money::euros(200))),
            ["Can spend up to €200.00 a month."]
        );
        let reader = PermissionSet::empty().with_granted(Permission::SeeIncomingSms);
        assert!(sentences(reader, None).contains(&"Cannot export incoming SMS.".to_owned()));
        assert_eq!(sentences(PermissionSet::empty(), None).len(), 1);
    }
}
