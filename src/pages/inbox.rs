use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::inbox::{list_blocked, list_incoming},
    components::{
        guard::Guarded,
        table::{query_string, short_time, time_heading, Pager, SearchBox, StatusBadge},
    },
    domain::{Access, Permission},
};

fn search_and_page() -> (impl Fn() -> String + Copy, impl Fn() -> Option<i64> + Copy) {
    let query = use_query_map();
    (
        move || query.read().get("search").unwrap_or_default(),
        move || query.read().get("page").and_then(|p| p.parse().ok()),
    )
}

#[component]
pub fn IncomingPage() -> impl IntoView {
    view! {
        <Title text="Incoming SMS" />
        <Guarded access=Access::Permission(Permission::SeeIncomingSms)>
            <Incoming />
        </Guarded>
    }
}

#[component]
fn Incoming() -> impl IntoView {
    let (search, page) = search_and_page();
    let data = Resource::new(
        move || (search(), page()),
        |(search, page)| list_incoming(search, page),
    );
    view! {
        <header class="page-header">
            <div>
                <h1>"Incoming SMS"</h1>
                <p class="lead">"Replies and messages sent to your numbers and sender names."</p>
            </div>
        </header>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                data.await.map(|data| {
                    let rows = data.rows;
                    let query = query_string(&[("search", &search())]);
                    let export = format!("/export/incoming.csv?{query}");
                    view! {
                        <section class="card table-card">
                            <div class="card-toolbar">
                                <SearchBox label="Search messages" value=search() placeholder="Number or text" />
                                {data.can_export.then(|| view! { <a class="btn" href=export download>"Export"</a> })}
                            </div>
                            {if rows.items.is_empty() {
                                view! { <p class="empty">"No incoming messages match."</p> }.into_any()
                            } else {
                                let (number, pages, total) = (rows.page, rows.pages(), rows.total);
                                view! {
                                    <table class="data-table stacks">
                                        <thead><tr>
                                            <th scope="col">{time_heading("Received")}</th>
                                            <th scope="col">"From"</th>
                                            <th scope="col">"To"</th>
                                            <th scope="col">"Message"</th>
                                        </tr></thead>
                                        <tbody>
                                            {rows.items.into_iter().map(|m| view! {
                                                <tr>
                                                    <td data-label="Received">{short_time(&m.received_at)}</td>
                                                    <td class="mono" data-label="From">{m.sender}</td>
                                                    <td class="mono" data-label="To">{m.recipient}</td>
                                                    <td data-label="Message">{m.text}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                    <Pager page=number pages total query noun="messages" />
                                }.into_any()
                            }}
                        </section>
                    }
                })
            })}
        </Transition>
    }
}

#[component]
pub fn BlockedPage() -> impl IntoView {
    view! {
        <Title text="Blocked SMS" />
        <Guarded access=Access::Permission(Permission::SeeBlockedSms)>
            <Blocked />
        </Guarded>
    }
}

#[component]
fn Blocked() -> impl IntoView {
    let (search, page) = search_and_page();
    let data = Resource::new(
        move || (search(), page()),
        |(search, page)| list_blocked(search, page),
    );
    view! {
        <header class="page-header">
            <div>
                <h1>"Blocked SMS"</h1>
                <p class="lead">"Messages that were not sent: numbers on your stop-list, invalid numbers, destinations without a route."</p>
            </div>
            <a class="btn" href="/blocked/stop-list">"Stop list"</a>
        </header>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                data.await.map(|data| {
                    let rows = data.rows;
                    let query = query_string(&[("search", &search())]);
                    let export = format!("/export/blocked.csv?{query}");
                    view! {
                        <section class="card table-card">
                            <div class="card-toolbar">
                                <SearchBox label="Search messages" value=search() placeholder="Number, text or reason" />
                                {data.can_export.then(|| view! { <a class="btn" href=export download>"Export"</a> })}
                            </div>
                            {if rows.items.is_empty() {
                                view! { <p class="empty">"No blocked messages match."</p> }.into_any()
                            } else {
                                let (number, pages, total) = (rows.page, rows.pages(), rows.total);
                                view! {
                                    <table class="data-table stacks">
                                        <thead><tr>
                                            <th scope="col">{time_heading("Time")}</th>
                                            <th scope="col">"Sender"</th>
                                            <th scope="col">"Recipient"</th>
                                            <th scope="col">"Message"</th>
                                            <th scope="col">"Reason"</th>
                                        </tr></thead>
                                        <tbody>
                                            {rows.items.into_iter().map(|m| {
                                                let title = m.text.clone();
                                                view! {
                                                    <tr>
                                                        <td data-label="Time">{short_time(&m.created_at)}</td>
                                                        <td class="mono" data-label="Sender">{m.sender}</td>
                                                        <td class="mono" data-label="Recipient">{m.recipient}</td>
                                                        <td class="truncate" data-label="Message" title=title>{m.text}</td>
                                                        <td data-label="Reason"><StatusBadge status=m.reason /></td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                    <Pager page=number pages total query noun="messages" />
                                }.into_any()
                            }}
                        </section>
                    }
                })
            })}
        </Transition>
    }
}
