//! Incoming and Blocked SMS: one searchable, exportable message list each,
//! drawn by one component that the two pages describe.

use std::future::Future;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{de::DeserializeOwned, Serialize};

use crate::{
    api::{
        inbox::{list_blocked, list_incoming, BlockedRow, Inbox, IncomingRow},
        AppError,
    },
    components::{
        guard::Guarded,
        table::{query_string, short_time, time_heading, Pager, SearchBox, StatusBadge},
    },
    domain::{Access, Permission},
};

#[component]
pub fn IncomingPage() -> impl IntoView {
    view! {
        <Title text="Incoming SMS" />
        <Guarded access=Access::Permission(Permission::SeeIncomingSms)>
            <MessageBox
                heading="Incoming SMS"
                lead="Replies and messages sent to your numbers and sender names."
                export="/export/incoming.csv"
                placeholder="Number or text"
                empty="No incoming messages match."
                columns=&["Received", "From", "To", "Message"]
                fetch=list_incoming
                row=incoming_row
            />
        </Guarded>
    }
}

fn incoming_row(m: IncomingRow) -> AnyView {
    view! {
        <tr>
            <td data-label="Received">{short_time(&m.received_at)}</td>
            <td class="mono" data-label="From">{m.sender}</td>
            <td class="mono" data-label="To">{m.recipient}</td>
            <td data-label="Message">{m.text}</td>
        </tr>
    }
    .into_any()
}

#[component]
pub fn BlockedPage() -> impl IntoView {
    view! {
        <Title text="Blocked SMS" />
        <Guarded access=Access::Permission(Permission::SeeBlockedSms)>
            <MessageBox
                heading="Blocked SMS"
                lead="Messages that were not sent: numbers on your stop-list, invalid numbers, destinations without a route."
                export="/export/blocked.csv"
                placeholder="Number, text or reason"
                empty="No blocked messages match."
                columns=&["Time", "Sender", "Recipient", "Message", "Reason"]
                fetch=list_blocked
                row=blocked_row
                link=("/blocked/stop-list", "Stop list")
            />
        </Guarded>
    }
}

fn blocked_row(m: BlockedRow) -> AnyView {
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
    .into_any()
}

/// A page of messages with a search box, an export link for those who may
/// export, and a pager. `columns` head the cells `row` draws; the first is
/// a time, shown in the viewer's zone.
#[component]
fn MessageBox<T, Fetch, Fut>(
    heading: &'static str,
    lead: &'static str,
    export: &'static str,
    placeholder: &'static str,
    empty: &'static str,
    columns: &'static [&'static str],
    fetch: Fetch,
    row: fn(T) -> AnyView,
    /// A button beside the heading: where it goes and what it says.
    #[prop(optional)]
    link: Option<(&'static str, &'static str)>,
) -> impl IntoView
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    Fetch: Fn(String, Option<i64>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Inbox<T>, AppError>> + Send + 'static,
{
    let query = use_query_map();
    let search = move || query.read().get("search").unwrap_or_default();
    let page = move || query.read().get("page").and_then(|p| p.parse().ok());
    let data = Resource::new(move || (search(), page()), move |(s, p)| fetch(s, p));
    view! {
        <header class="page-header">
            <div>
                <h1>{heading}</h1>
                <p class="lead">{lead}</p>
            </div>
            {link.map(|(href, label)| view! { <a class="btn" href=href>{label}</a> })}
        </header>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                data.await.map(|data| {
                    let rows = data.rows;
                    let query = query_string(&[("search", &search())]);
                    let export = format!("{export}?{query}");
                    view! {
                        <section class="card table-card">
                            <div class="card-toolbar">
                                <SearchBox label="Search messages" value=search() placeholder />
                                {data.can_export.then(|| view! { <a class="btn" href=export download>"Export"</a> })}
                            </div>
                            {if rows.items.is_empty() {
                                view! { <p class="empty">{empty}</p> }.into_any()
                            } else {
                                let (number, pages, total) = (rows.page, rows.pages(), rows.total);
                                view! {
                                    <table class="data-table stacks">
                                        <thead><tr>
                                            <th scope="col">{time_heading(columns[0])}</th>
                                            {columns[1..].iter().map(|c| view! { <th scope="col">{*c}</th> }).collect_view()}
                                        </tr></thead>
                                        <tbody>{rows.items.into_iter().map(row).collect_view()}</tbody>
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
