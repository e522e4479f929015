use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::audit::list_audit,
    components::{
        guard::Guarded,
        table::{query_string, short_time, time_heading, Pager, SearchBox},
    },
    domain::{Access, Role, Viewer},
};

#[component]
pub fn AuditLogPage() -> impl IntoView {
    view! {
        <Title text="Audit log" />
        <Guarded access=Access::AuditLog>
            <AuditLog />
        </Guarded>
    }
}

#[component]
fn AuditLog() -> impl IntoView {
    let viewer = expect_context::<Viewer>();
    let is_manager = viewer.role == Role::Manager;
    let query = use_query_map();
    let search = move || query.read().get("search").unwrap_or_default();
    let page = move || query.read().get("page").and_then(|p| p.parse().ok());
    let entries = Resource::new(
        move || (search(), page()),
        |(search, page)| list_audit(search, page),
    );
    view! {
        <header class="page-header">
            <div>
                <h1>"Audit log"</h1>
                <p class="lead">{if is_manager {
                    "Every account's logins, changes and refused attempts. Entries can be neither changed nor deleted."
                } else {
                    "Who did what in your account, when and from where. Entries can be neither changed nor deleted."
                }}</p>
            </div>
        </header>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                entries.await.map(|entries| {
                    let query = query_string(&[("search", &search())]);
                    let export = format!("/export/audit-log.csv?{query}");
                    let (number, pages, total) = (entries.page, entries.pages(), entries.total);
                    view! {
                        <section class="card table-card">
                            <div class="card-toolbar">
                                <SearchBox label="Filter entries" value=search() placeholder="Action, login, detail or IP" />
                                <a class="btn" href=export download>"Export"</a>
                            </div>
                            {if entries.items.is_empty() {
                                view! { <p class="empty">"No entries match."</p> }.into_any()
                            } else {
                                view! {
                                    <table class="data-table">
                                        <thead><tr>
                                            <th scope="col">{time_heading("When")}</th>
                                            {is_manager.then(|| view! { <th scope="col">"Account"</th> })}
                                            <th scope="col">"Who"</th>
                                            <th scope="col">"Action"</th>
                                            <th scope="col">"On whom"</th>
                                            <th scope="col">"Detail"</th>
                                            <th scope="col">"From"</th>
                                        </tr></thead>
                                        <tbody>
                                            {entries.items.into_iter().map(|e| {
                                                let agent = e.user_agent.clone().unwrap_or_default();
                                                view! {
                                                    <tr>
                                                        <td class="nowrap">{short_time(&e.at)}</td>
                                                        {is_manager.then(|| view! { <td>{e.account.clone().unwrap_or_default()}</td> })}
                                                        <td class="mono">{e.actor_login.unwrap_or_else(|| "—".into())}</td>
                                                        <td><span class="badge">{e.action.replace('_', " ")}</span></td>
                                                        <td class="mono">{e.subject}</td>
                                                        <td class="truncate" title=e.detail.clone()>{e.detail.clone()}</td>
                                                        <td title=agent>{e.ip.unwrap_or_default()}</td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                    <Pager page=number pages total query noun="entries" />
                                }.into_any()
                            }}
                        </section>
                    }
                })
            })}
        </Transition>
    }
}
