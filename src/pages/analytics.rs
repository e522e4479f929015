use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::analytics::{analytics_details, analytics_summary, DayTotal, Details, Summary},
    components::{
        guard::Guarded,
        table::{query_string, short_time, time_heading, Pager, StatusBadge},
    },
    domain::{group_thousands, Access, Money, Permission},
};

#[component]
pub fn AnalyticsSummaryPage() -> impl IntoView {
    view! {
        <Title text="Analytics" />
        <Guarded access=Access::Permission(Permission::UseAnalytics)>
            <SummaryView />
        </Guarded>
    }
}

/// The date range form, shared by both analytics pages.
/// A GET form of a date range (with and without wasm alike).
#[component]
pub fn RangeForm(
    from: String,
    to: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <form method="get" class="filters">
            <div class="field">
                <label for="from">"From"</label>
                <input id="from" type="date" name="from" value=from />
            </div>
            <div class="field">
                <label for="to">"To"</label>
                <input id="to" type="date" name="to" value=to />
            </div>
            {children.map(|c| c())}
            <button type="submit" class="btn">"Apply"</button>
        </form>
    }
}

fn param(name: &'static str) -> impl Fn() -> String + Copy {
    let query = use_query_map();
    move || query.read().get(name).unwrap_or_default()
}

#[component]
fn SummaryView() -> impl IntoView {
    let (from, to) = (param("from"), param("to"));
    let summary = Resource::new(
        move || (from(), to()),
        |(from, to)| analytics_summary(from, to),
    );
    view! {
        <header class="page-header">
            <div>
                <h1>"Analytics"</h1>
                <p class="lead">"Messages, delivery and cost over time. Days are UTC."</p>
            </div>
        </header>
        <Transition fallback=|| view! { <p class="loading">"Loading analytics…"</p> }>
            {move || Suspend::new(async move {
                match summary.await {
                    Ok(summary) => view! { <SummaryBody summary /> }.into_any(),
                    Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn SummaryBody(summary: Summary) -> impl IntoView {
    let delivered = summary
        .statuses
        .iter()
        .find(|(s, _)| s == "delivered")
        .map_or(0, |(_, n)| *n);
    let rate = if summary.messages > 0 {
        format!("{:.1}%", delivered as f64 * 100.0 / summary.messages as f64)
    } else {
        "—".into()
    };
    view! {
        <section class="card">
            <RangeForm from=summary.from.clone() to=summary.to.clone() />
        </section>
        <div class="kpis">
            <div class="kpi card"><p class="kpi-label">"Messages"</p><p class="kpi-value">{group_thousands(summary.messages)}</p></div>
            <div class="kpi card"><p class="kpi-label">"Delivery rate"</p><p class="kpi-value">{rate}</p></div>
            <div class="kpi card"><p class="kpi-label">"SMS parts"</p><p class="kpi-value">{group_thousands(summary.parts)}</p></div>
            <div class="kpi card"><p class="kpi-label">"Cost"</p><p class="kpi-value">{Money(summary.cost).display()}</p></div>
        </div>
        <section class="card" aria-labelledby="chart-title">
            <h2 id="chart-title">"Messages per day"</h2>
            <DayChart days=summary.days.clone() />
        </section>
        <div class="two-columns">
            <section class="card table-card" aria-labelledby="status-title">
                <h2 id="status-title" class="card-title">"By status"</h2>
                <table class="data-table">
                    <thead><tr><th scope="col">"Status"</th><th scope="col" class="num">"Messages"</th></tr></thead>
                    <tbody>
                        {summary.statuses.into_iter().map(|(status, count)| view! {
                            <tr><td><StatusBadge status /></td><td class="num">{group_thousands(count)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
            <section class="card table-card" aria-labelledby="country-title">
                <h2 id="country-title" class="card-title">"By country"</h2>
                <table class="data-table">
                    <thead><tr><th scope="col">"Country"</th><th scope="col" class="num">"Messages"</th><th scope="col" class="num">"Cost"</th></tr></thead>
                    <tbody>
                        {summary.countries.into_iter().map(|c| view! {
                            <tr>
                                <td>{c.country.unwrap_or_else(|| c.country_code.clone())}</td>
                                <td class="num">{group_thousands(c.messages)}</td>
                                <td class="num">{Money(c.cost).display()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        </div>
    }
}

/// A stacked bar chart drawn as SVG by the server: no chart library.
#[component]
fn DayChart(days: Vec<DayTotal>) -> impl IntoView {
    if days.is_empty() {
        return view! { <p class="empty">"No messages in this period."</p> }.into_any();
    }
    let (width, height, pad) = (900.0_f64, 220.0_f64, 28.0_f64);
    let max = days
        .iter()
        .map(|d| d.delivered + d.failed + d.pending)
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let slot = (width - pad) / days.len() as f64;
    let bar = (slot * 0.75).max(1.0);
    let scale = |n: i64| n as f64 / max * (height - pad);
    let description = format!(
        "Bar chart of messages per day from {} to {}, at most {} a day.",
        days[0].day,
        days[days.len() - 1].day,
        max
    );
    let bars = days.iter().enumerate().map(|(i, d)| {
        let x = pad + i as f64 * slot;
        let (ok, bad, wait) = (scale(d.delivered), scale(d.failed), scale(d.pending));
        let title = format!("{}: {} delivered, {} failed, {} pending", d.day, d.delivered, d.failed, d.pending);
        view! {
            <g>
                <title>{title}</title>
                <rect class="bar-ok" x=x y=height - pad - ok width=bar height=ok />
                <rect class="bar-bad" x=x y=height - pad - ok - bad width=bar height=bad />
                <rect class="bar-wait" x=x y=height - pad - ok - bad - wait width=bar height=wait />
            </g>
        }
    }).collect_view();
    let first = days[0].day.clone();
    let last = days[days.len() - 1].day.clone();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {width} {height}") role="img" aria-label=description preserveAspectRatio="none">
                <line class="axis" x1=pad y1=height - pad x2=width y2=height - pad />
                <text class="axis-label" x=pad y=12>{format!("{max}")}</text>
                {bars}
                <text class="axis-label" x=pad y=height - 8.0>{first}</text>
                <text class="axis-label end" x=width y=height - 8.0>{last}</text>
            </svg>
            <figcaption class="legend">
                <span class="swatch ok"></span>"Delivered "
                <span class="swatch bad"></span>"Failed "
                <span class="swatch wait"></span>"Pending"
            </figcaption>
        </figure>
    }.into_any()
}

#[component]
pub fn AnalyticsDetailsPage() -> impl IntoView {
    view! {
        <Title text="Analytics details" />
        <Guarded access=Access::Permission(Permission::UseAnalyticsDetails)>
            <DetailsView />
        </Guarded>
    }
}

#[component]
fn DetailsView() -> impl IntoView {
    let (from, to, status, recipient, sent_by) = (
        param("from"),
        param("to"),
        param("status"),
        param("recipient"),
        param("sent_by"),
    );
    let query = use_query_map();
    let page = move || query.read().get("page").and_then(|p| p.parse().ok());
    let details = Resource::new(
        move || (from(), to(), status(), recipient(), page(), sent_by()),
        |(from, to, status, recipient, page, sent_by)| {
            analytics_details(from, to, status, recipient, page, sent_by)
        },
    );
    view! {
        <header class="page-header">
            <div>
                <h1>"Analytics details"</h1>
                <p class="lead">"Every message of the period, newest first."</p>
            </div>
        </header>
        <Transition fallback=|| view! { <p class="loading">"Loading messages…"</p> }>
            {move || Suspend::new(async move {
                match details.await {
                    Ok(details) => view! { <DetailsBody details status=status() recipient=recipient() sent_by=sent_by() /> }.into_any(),
                    Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn DetailsBody(
    details: Details,
    status: String,
    recipient: String,
    sent_by: String,
) -> impl IntoView {
    let filter = query_string(&[
        ("from", &details.from),
        ("to", &details.to),
        ("status", &status),
        ("recipient", &recipient),
        ("sent_by", &sent_by),
    ]);
    let export = format!("/export/analytics-details.csv?{filter}");
    let messages = details.messages;
    let (number, pages, total) = (messages.page, messages.pages(), messages.total);
    let statuses = ["", "delivered", "failed", "sent", "queued"];
    view! {
        <section class="card">
            <RangeForm from=details.from.clone() to=details.to.clone()>
                <div class="field">
                    <label for="status">"Status"</label>
                    <select id="status" name="status">
                        {statuses.into_iter().map(|s| view! {
                            <option value=s selected=s == status>{if s.is_empty() { "Any".to_owned() } else { s.to_owned() }}</option>
                        }).collect_view()}
                    </select>
                </div>
                {details.senders.map(|senders| view! {
                    <div class="field">
                        <label for="sent_by">"Sent by"</label>
                        <select id="sent_by" name="sent_by">
                            <option value="">"Anyone"</option>
                            <option value="api" selected=sent_by == "api">"The HTTP API"</option>
                            <option value="smpp" selected=sent_by == "smpp">"SMPP"</option>
                            {senders.into_iter().map(|(id, login)| {
                                let selected = id.to_string() == sent_by;
                                view! { <option value=id selected=selected>{login}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                })}
                {details.unmasked.then(|| view! {
                    <div class="field">
                        <label for="recipient">"Recipient"</label>
                        <input id="recipient" name="recipient" type="search" value=recipient.clone() placeholder="Start or end of the number" />
                    </div>
                })}
            </RangeForm>
        </section>
        <section class="card table-card">
            <div class="card-toolbar">
                <p class="muted">{format!("{} {}", group_thousands(total), if total == 1 { "message" } else { "messages" })}
                    {(!details.unmasked).then_some(" · numbers masked, texts hidden (your login does not include “Can See Analytics Details”)")}</p>
                {details.can_export.then(|| view! { <a class="btn" href=export download>"Export"</a> })}
            </div>
            {if messages.items.is_empty() {
                view! { <p class="empty">"No messages match these filters."</p> }.into_any()
            } else {
                view! {
                    <table class="data-table stacks compact">
                        <thead><tr>
                            <th scope="col">{time_heading("Time")}</th>
                            <th scope="col">"Sender"</th>
                            <th scope="col">"Recipient"</th>
                            <th scope="col">"Country"</th>
                            {details.unmasked.then(|| view! { <th scope="col">"Text"</th> })}
                            <th scope="col" class="num">"Parts"</th>
                            <th scope="col" class="num">"Price"</th>
                            <th scope="col">"Status"</th>
                        </tr></thead>
                        <tbody>
                            {messages.items.into_iter().map(|m| view! {
                                <tr>
                                    <td data-label="Time">{short_time(&m.created_at)}</td>
                                    <td class="mono" data-label="Sender">{m.sender}</td>
                                    <td class="mono nowrap" data-label="Recipient">{m.recipient}</td>
                                    <td data-label="Country">{m.country_code}</td>
                                    {m.text.map(|text| {
                                        let title = text.clone();
                                        view! { <td class="truncate" data-label="Text" title=title>{text}</td> }
                                    })}
                                    <td class="num" data-label="Parts">{m.parts}</td>
                                    <td class="num nowrap" data-label="Price">{Money(m.price).display_precise()}</td>
                                    <td data-label="Status"><StatusBadge status=m.status /></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <Pager page=number pages total query=filter noun="messages" />
                }.into_any()
            }}
        </section>
    }
}
