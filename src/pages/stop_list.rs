//! Blocked SMS → Stop list: the numbers never sent to, to view, add and remove.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::stop_list::{list_stop_list, AddToStopList, RemoveFromStopList, StopListEntry},
    components::{
        form::{form_errors, Check, Field, FormError, SubmitButton},
        guard::Guarded,
        table::{query_string, short_time, time_heading, Pager, SearchBox},
    },
    domain::{Access, Permission, Phone},
};

#[component]
pub fn StopListPage() -> impl IntoView {
    view! {
        <Title text="Stop list" />
        <Guarded access=Access::Permission(Permission::SeeBlockedSms)>
            <StopList />
        </Guarded>
    }
}

#[component]
fn StopList() -> impl IntoView {
    let add = ServerAction::<AddToStopList>::new();
    let remove = ServerAction::<RemoveFromStopList>::new();
    let add_errors = form_errors(add);
    let query = use_query_map();
    let search = move || query.read().get("search").unwrap_or_default();
    let page = move || query.read().get("page").and_then(|p| p.parse::<i64>().ok());
    let entries = Resource::new(
        move || (search(), page()),
        |(search, page)| list_stop_list(search, page),
    );
    let notice = move || {
        let q = query.read();
        if let Some(number) = q
            .get("added")
            .and_then(|n| Phone::parse(&format!("+{n}")).ok())
        {
            Some(format!(
                "{} is on the stop-list: campaigns skip it from now on.",
                number.as_str()
            ))
        } else {
            q.get("removed")
                .map(|_| "Removed: campaigns send to that number again.".to_owned())
        }
    };
    view! {
        <header class="page-header">
            <div>
                <p class="breadcrumb"><a href="/blocked">"Blocked SMS"</a>" /"</p>
                <h1>"Stop list"</h1>
                <p class="lead">"Numbers your campaigns never send to — people who replied STOP or asked not to be contacted. A campaign's review names them, and they appear under Blocked SMS."</p>
            </div>
        </header>
        {move || notice().map(|text| view! { <p role="status" class="status ok">{text}</p> })}
        <section class="card form-card">
            <h2>"Add a number"</h2>
            <ActionForm action=add attr:class="inline-fields">
                <FormError action=add />
                <Field label="Phone number" name="phone" kind="tel" errors=add_errors required=true
                    help="International format, e.g. +44 7430 900123." check=Check::PhoneInList />
                <SubmitButton label="Add to stop list" />
            </ActionForm>
        </section>
        <FormError action=remove />
        <section class="card table-card has-menus" aria-labelledby="stopped-title">
            <div class="card-toolbar">
                <h2 id="stopped-title">"Stopped numbers"</h2>
                <SearchBox label="Search numbers" value=search() placeholder="Digits of the number" />
            </div>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    entries.await.map(|entries| {
                        if entries.items.is_empty() {
                            return view! { <p class="empty">"No numbers on the stop-list match."</p> }.into_any();
                        }
                        let (number, pages, total) = (entries.page, entries.pages(), entries.total);
                        let pager_query = query_string(&[("search", &search())]);
                        view! {
                            <table class="data-table stacks">
                                <thead><tr>
                                    <th scope="col">"Number"</th>
                                    <th scope="col">{time_heading("Added")}</th>
                                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                </tr></thead>
                                <tbody>
                                    <For each=move || entries.items.clone() key=|e| e.phone.clone() let:entry>
                                        <StoppedRow entry remove />
                                    </For>
                                </tbody>
                            </table>
                            <Pager page=number pages total query=pager_query noun="numbers" />
                        }.into_any()
                    })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn StoppedRow(entry: StopListEntry, remove: ServerAction<RemoveFromStopList>) -> impl IntoView {
    view! {
        <tr>
            <td class="mono nowrap" data-label="Number">{entry.display.clone()}</td>
            <td data-label="Added">{short_time(&entry.added_at)}</td>
            <td class="actions">
                <details class="row-actions">
                    <summary role="button" class="btn icon" aria-label=format!("Actions for {}", entry.display)>"+"</summary>
                    <div class="menu confirm">
                        <p>"Send to this number again?"</p>
                        <ActionForm action=remove>
                            <input type="hidden" name="phone" value=entry.phone />
                            <button type="submit" class="danger">"Remove from stop list"</button>
                        </ActionForm>
                    </div>
                </details>
            </td>
        </tr>
    }
}
