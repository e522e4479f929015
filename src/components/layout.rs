use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

use super::menu::{is_prefix_of_another, visible_menu, MenuGroups};
use crate::{api::auth::Logout, app::use_viewer, domain::Viewer};

/// The frame of every logged-in page: sidebar menu, top bar, content.
#[component]
pub fn Layout() -> impl IntoView {
    let viewer = use_viewer();
    view! {
        <a class="skip-link" href="#content">"Skip to content"</a>
        <div class="app-shell">
            <Transition fallback=|| view! { <aside class="sidebar"></aside> }>
                {move || Suspend::new(async move {
                    viewer.0.await.ok().flatten().map(|viewer| view! {
                        <Sidebar viewer=viewer.clone() />
                        <TopBar viewer />
                    })
                })}
            </Transition>
            <main id="content" class="content">
                <Outlet />
            </main>
        </div>
    }
}

/// The sidebar. On a phone the menu folds into a disclosure ("Menu", a
/// plain `<details>`, folded again on every page); on wider screens the
/// style keeps it open whatever its state.
#[component]
fn Sidebar(viewer: Viewer) -> impl IntoView {
    let groups = visible_menu(&viewer);
    view! {
        <aside class="sidebar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"✉"</span>
                <span>"SMS Portal"</span>
            </a>
            <details class="menu-fold">
                <summary class="btn ghost menu-toggle">"Menu"</summary>
                <nav aria-label="Main">
                <ul class="nav-list">
                    <li><A href="/" exact=true>"Home"</A></li>
                </ul>
                <MenuGroups groups item=|item| view! {
                    <A href=item.href exact=is_prefix_of_another(item.href)>{item.label}</A>
                } />
                </nav>
            </details>
        </aside>
    }
}

#[component]
fn TopBar(viewer: Viewer) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    view! {
        <header class="topbar">
            <div class="topbar-account">
                <span class="account-name">
                    {viewer.account_name.clone().unwrap_or_else(|| "Provider console".to_owned())}
                </span>
            </div>
            <div class="topbar-user">
                <span class="user-name">{viewer.name.clone()}</span>
                <span class="badge role">{viewer.role.label()}</span>
                {viewer.balance.map(|balance| view! {
                    <a class="balance" href="/finance" title="Account balance">
                        <span class="visually-hidden">"Balance "</span>{balance.display()}
                    </a>
                })}
                <A href="/account/password" attr:class="link-quiet">"Change password"</A>
                <A href="/account/two-factor" attr:class="link-quiet">"Two-factor"</A>
                <ActionForm action=logout attr:class="inline-form">
                    <button type="submit" class="btn ghost">"Log out"</button>
                </ActionForm>
            </div>
        </header>
    }
}
