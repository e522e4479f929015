use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::home::{owner_overview, HomeOverview},
    components::{guard::Guarded, table::short_time},
    domain::{group_thousands, Access, Category, Role, Viewer},
};

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="Home" />
        <Guarded access=Access::Authenticated>
            <Welcome />
        </Guarded>
    }
}

#[component]
fn Welcome() -> impl IntoView {
    let viewer = expect_context::<Viewer>();
    let whereabouts = match (&viewer.account_name, viewer.role) {
        (Some(account), role) => format!(
            "You are signed in to {account} as {}.",
            role.label().to_lowercase()
        ),
        (None, _) => "You are signed in as the provider's manager.".to_owned(),
    };
    view! {
        <header class="page-header">
            <div>
                <h1>{format!("Welcome, {}", viewer.name)}</h1>
                <p class="lead">{whereabouts}</p>
            </div>
        </header>
        {match viewer.role {
            Role::Manager => view! { <ManagerHome /> }.into_any(),
            Role::Owner => view! { <OwnerHome viewer=viewer.clone() /> }.into_any(),
            Role::Sub => view! { <SubUserHome viewer=viewer.clone() /> }.into_any(),
        }}
    }
}

#[component]
fn ManagerHome() -> impl IntoView {
    view! {
        <section class="card">
            <h2>"Customer accounts"</h2>
            <p>"Create customer accounts and decide which of them may add sub-accounts for their team."</p>
            <p><a class="btn primary" href="/manager/accounts">"Open Accounts"</a></p>
        </section>
    }
}

#[component]
fn OwnerHome(viewer: Viewer) -> impl IntoView {
    let overview = Resource::new(|| (), |_| owner_overview());
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                overview.await.map(|overview| view! { <Overview overview /> })
            })}
        </Transition>
        <section class="card">
            <h2>"Your team"</h2>
            {if viewer.can_add_subaccount {
                view! {
                    <p>"Give each person on your team their own login, with only the permissions they need."</p>
                    <p><a class="btn primary" href="/settings/sub-accounts">"Manage sub-accounts"</a></p>
                }.into_any()
            } else {
                view! {
                    <p>"Sub-accounts let people on your team log in with only the permissions they need. "
                    "They are not enabled for your account yet: ask your manager to turn on the "
                    <strong>"Can Add Subaccount"</strong>" option."</p>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn Overview(overview: HomeOverview) -> impl IntoView {
    let team = match overview.team_size {
        0 => "No sub-accounts yet".to_owned(),
        size => format!(
            "{} of {} enabled",
            group_thousands(overview.team_active),
            group_thousands(size)
        ),
    };
    view! {
        <div class="kpis">
            <a class="kpi card" href="/finance"><p class="kpi-label">"Balance"</p><p class="kpi-value">{overview.balance.display()}</p></a>
            <a class="kpi card" href="/settings/sub-accounts"><p class="kpi-label">"Team"</p><p class="kpi-value">{team}</p></a>
        </div>
        <section class="card" aria-labelledby="recent-title">
            <h2 id="recent-title">"Latest campaigns"</h2>
            {if overview.recent_campaigns.is_empty() {
                view! { <p class="empty">"No campaigns yet. " <a href="/sending/bulk">"Compose the first one"</a>"."</p> }.into_any()
            } else {
                view! {
                    <ul class="recent-list">
                        {overview.recent_campaigns.into_iter().map(|c| view! {
                            <li>
                                <a href=format!("/sending/bulk#campaign-{}", c.id)>{format!("Campaign #{}", c.id)}</a>
                                <span class="muted">{format!(" · {} · {} recipients · {} delivered", short_time(&c.created_at), group_thousands(c.recipients), group_thousands(c.delivered))}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                    <p><a href="/sending/bulk">"All campaigns"</a></p>
                }.into_any()
            }}
        </section>
    }
}

/// Lists exactly what the owner granted, grouped as on the Access page.
#[component]
fn SubUserHome(viewer: Viewer) -> impl IntoView {
    let granted = viewer.permissions;
    let groups: Vec<_> = Category::ALL
        .into_iter()
        .map(|c| {
            (
                c,
                c.permissions()
                    .filter(|p| granted.contains(*p))
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, permissions)| !permissions.is_empty())
        .collect();
    view! {
        <section class="card" aria-labelledby="granted-title">
            <h2 id="granted-title">"Your access"</h2>
            {if groups.is_empty() {
                view! {
                    <p class="empty">"No sections have been granted to your login yet. Ask the owner of your account for the access you need."</p>
                }.into_any()
            } else {
                view! {
                    <p>"The owner of your account has granted you these sections:"</p>
                    <ul class="granted-list">
                        {groups.into_iter().map(|(category, permissions)| view! {
                            <li>
                                <strong>{category.label()}</strong>
                                <ul>
                                    {permissions.into_iter().map(|p| view! {
                                        <li><span class="granted">{p.label()}</span><span class="muted">" — "{p.description()}</span></li>
                                    }).collect_view()}
                                </ul>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
