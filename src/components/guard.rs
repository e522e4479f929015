use leptos::{either::EitherOf3, prelude::*};
use leptos_router::{components::Redirect, hooks::use_location};

use crate::{
    app::use_viewer,
    domain::{login_then, Access, Viewer},
};

/// Renders `children` only for a viewer that `access` allows: anonymous
/// visitors go to the login page (and come back after), others see
/// "Access denied" with HTTP 403. The server functions refuse on their own;
/// this only spares the user a page that cannot work.
#[component]
pub fn Guarded(access: Access, children: ChildrenFn) -> impl IntoView {
    let viewer = use_viewer();
    let location = use_location();
    let children = StoredValue::new(children);
    // One decision, made once: the server walks a Suspense's children three
    // times before rendering them, and a closure would build the page (and
    // run its queries) on every walk. Pages are rendered on the server only.
    let decision = Suspend::new(async move {
        match viewer.0.await {
            Ok(Some(viewer)) if access.allows(&viewer) => {
                #[cfg(test)]
                PAGES_BUILT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                EitherOf3::A(
                    view! { <ViewerScope viewer>{children.with_value(|c| c())}</ViewerScope> },
                )
            }
            Ok(Some(_)) => EitherOf3::B(view! { <AccessDenied access /> }),
            // `security::login_first` sends visitors who are not logged in
            // to the login page before any page renders; this is a session
            // that ended while its request was on the way.
            _ => {
                let here = format!(
                    "{}{}",
                    location.pathname.get_untracked(),
                    location.search.get_untracked()
                );
                EitherOf3::C(view! { <Redirect path=login_then(&here) /> })
            }
        }
    });
    view! { <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>{decision}</Transition> }
}

/// How many guarded pages were built: the test that each request builds its
/// page once counts them.
#[cfg(test)]
pub static PAGES_BUILT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Makes the (already checked) viewer available to the page below.
#[component]
fn ViewerScope(viewer: Viewer, children: Children) -> impl IntoView {
    provide_context(super::table::PageZone(std::sync::Arc::new(
        viewer.zone.clone(),
    )));
    provide_context(viewer);
    children()
}

/// Says what the page needs, so the user knows what to ask for.
fn requirement(access: Access) -> String {
    match access {
        Access::Permission(permission) => format!(
            "This page needs the permission “{}”, which your login does not have. If you need it, ask the owner of your account to grant it.",
            permission.label()
        ),
        Access::Manager => "This page is for the provider's staff only.".to_owned(),
        Access::SubAccounts => {
            "Sub-accounts are managed by the account owner, while the provider has switched the feature on for the account.".to_owned()
        }
        Access::Owner | Access::AuditLog => "This page is for the account owner only.".to_owned(),
        Access::Authenticated | Access::PasswordChange | Access::TwoFactorSetup => {
            "Your login cannot open this page.".to_owned()
        }
    }
}

#[component]
pub fn AccessDenied(access: Access) -> impl IntoView {
    set_status(403);
    view! {
        <leptos_meta::Title text="Access denied" />
        <section class="card notice" aria-labelledby="denied-title">
            <h1 id="denied-title">"Access denied"</h1>
            <p>{requirement(access)}</p>
            <p><a href="/">"Back to the home page"</a></p>
        </section>
    }
}

/// Sets the HTTP status of a server-rendered page (no-op in the browser).
pub fn set_status(_status: u16) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = http::StatusCode::from_u16(_status) {
            response.set_status(status);
        }
    }
}
