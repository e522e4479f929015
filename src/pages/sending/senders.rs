use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::sending::list_senders,
    components::{
        guard::Guarded,
        table::{short_time, StatusBadge},
    },
    domain::{Access, Permission},
};

#[component]
pub fn SenderNamesPage() -> impl IntoView {
    view! {
        <Title text="Sender names" />
        <Guarded access=Access::Permission(Permission::SenderView)>
            <SenderNames />
        </Guarded>
    }
}

#[component]
fn SenderNames() -> impl IntoView {
    let senders = Resource::new(|| (), |_| list_senders());
    view! {
        <header class="page-header">
            <div>
                <h1>"Sender names"</h1>
                <p class="lead">"The names your messages can come from. Carriers approve each name before it can be used."</p>
            </div>
        </header>
        <section class="card table-card">
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    senders.await.map(|senders| view! {
                        <table class="data-table">
                            <thead><tr>
                                <th scope="col">"Sender name"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Note"</th>
                                <th scope="col">"Requested"</th>
                            </tr></thead>
                            <tbody>
                                {senders.into_iter().map(|s| view! {
                                    <tr>
                                        <td class="mono">{s.name}</td>
                                        <td><StatusBadge status=s.status /></td>
                                        <td>{s.note}</td>
                                        <td>{short_time(&s.created_at)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    })
                })}
            </Transition>
        </section>
    }
}
