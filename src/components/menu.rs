use crate::domain::{Access, Viewer};

/// One link of the sidebar.
pub struct MenuItem {
    pub label: &'static str,
    pub href: &'static str,
    pub access: Access,
}

/// A sidebar group; hidden when none of its items is visible.
pub struct MenuGroup {
    pub label: &'static str,
    pub items: &'static [MenuItem],
}

/// The sections that exist, in menu order. An item appears here only when
/// its page is real.
pub const MENU: &[MenuGroup] = &[
    MenuGroup {
        label: "Setting",
        items: &[MenuItem {
            label: "Sub Accounts",
            href: "/settings/sub-accounts",
            access: Access::SubAccounts,
        }],
    },
    MenuGroup {
        label: "Manager",
        items: &[MenuItem {
            label: "Accounts",
            href: "/manager/accounts",
            access: Access::Manager,
        }],
    },
];

/// The groups and items this viewer may see.
pub fn visible_menu(viewer: &Viewer) -> Vec<(&'static str, Vec<&'static MenuItem>)> {
    MENU.iter()
        .map(|group| {
            let items = group
                .items
                .iter()
                .filter(|i| i.access.allows(viewer))
                .collect::<Vec<_>>();
            (group.label, items)
        })
        .filter(|(_, items)| !items.is_empty())
        .collect()
}
