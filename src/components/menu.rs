use leptos::prelude::*;

use crate::domain::{Access, Permission, Viewer};

/// One link of the sidebar.
pub struct MenuItem {
    pub label: &'static str,
    pub href: &'static str,
    pub access: Access,
}

/// A sidebar group; hidden when none of its items is visible. An empty
/// label shows the items without a heading.
pub struct MenuGroup {
    pub label: &'static str,
    pub items: &'static [MenuItem],
}

const fn item(label: &'static str, href: &'static str, permission: Permission) -> MenuItem {
    MenuItem {
        label,
        href,
        access: Access::Permission(permission),
    }
}

/// The sections, in menu order (PRODUCT.md's table).
pub const MENU: &[MenuGroup] = &[
    MenuGroup {
        label: "Sending",
        items: &[
            item("Bulk SMS", "/sending/bulk", Permission::SendBulk),
            item("Database", "/sending/database", Permission::UseDatabase),
            item("Sender names", "/sending/senders", Permission::SenderView),
        ],
    },
    MenuGroup {
        label: "Analytics",
        items: &[
            item("Summary", "/analytics", Permission::UseAnalytics),
            item(
                "Details",
                "/analytics/details",
                Permission::UseAnalyticsDetails,
            ),
        ],
    },
    // Items of their own, without a group heading.
    MenuGroup {
        label: "",
        items: &[
            item("Incoming SMS", "/incoming", Permission::SeeIncomingSms),
            item("Blocked SMS", "/blocked", Permission::SeeBlockedSms),
            item("Prices", "/prices", Permission::SeePrices),
        ],
    },
    MenuGroup {
        label: "Finance",
        items: &[
            item("History", "/finance", Permission::SeeFinance),
            item("Top up", "/finance/top-up", Permission::TopUp),
        ],
    },
    MenuGroup {
        label: "",
        items: &[item("Profile", "/profile", Permission::ProfileEdit)],
    },
    MenuGroup {
        label: "Setting",
        items: &[
            MenuItem {
                label: "Sub Accounts",
                href: "/settings/sub-accounts",
                access: Access::SubAccounts,
            },
            MenuItem {
                label: "API keys",
                href: "/settings/api-keys",
                access: Access::Owner,
            },
            MenuItem {
                label: "SMPP",
                href: "/settings/smpp",
                access: Access::Owner,
            },
            MenuItem {
                label: "Audit log",
                href: "/settings/audit-log",
                access: Access::AuditLog,
            },
        ],
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

/// The menu's groups under their headings, each item drawn by `item`: the
/// sidebar draws links, the Access page's preview plain names.
#[component]
pub fn MenuGroups<F, V>(
    groups: Vec<(&'static str, Vec<&'static MenuItem>)>,
    item: F,
) -> impl IntoView
where
    F: Fn(&'static MenuItem) -> V + 'static,
    V: IntoView + 'static,
{
    groups
        .into_iter()
        .map(|(label, items)| {
            view! {
                <div class="nav-group">
                    {(!label.is_empty()).then(|| view! { <p class="nav-group-label">{label}</p> })}
                    <ul class="nav-list">
                        {items.into_iter().map(|i| view! { <li>{item(i)}</li> }).collect_view()}
                    </ul>
                </div>
            }
        })
        .collect_view()
}

/// Whether another item's route lies below this one (`/analytics` and
/// `/analytics/details`): such an item is highlighted only on its own route.
pub fn is_prefix_of_another(href: &str) -> bool {
    MENU.iter().flat_map(|group| group.items).any(|item| {
        item.href.len() > href.len()
            && item.href.starts_with(href)
            && item.href[href.len()..].starts_with('/')
    })
}
