//! Pieces of the list pages: search box, pager, empty state, status badges.

use leptos::prelude::*;

use crate::domain::encode_component;
use crate::domain::{group_thousands, Zone};

/// A GET search form: works the same with and without wasm.
#[component]
pub fn SearchBox(
    label: &'static str,
    #[prop(into)] value: String,
    #[prop(optional)] placeholder: &'static str,
) -> impl IntoView {
    view! {
        <form method="get" class="search-box" role="search">
            <label for="search">{label}</label>
            <input id="search" type="search" name="search" value=value placeholder=placeholder />
            <button type="submit" class="btn">"Search"</button>
        </form>
    }
}

/// Previous/next links that keep the other query parameters.
#[component]
pub fn Pager(
    page: i64,
    pages: i64,
    total: i64,
    #[prop(into)] query: String,
    noun: &'static str,
) -> impl IntoView {
    let href = move |n: i64| {
        if query.is_empty() {
            format!("?page={n}")
        } else {
            format!("?{query}&page={n}")
        }
    };
    view! {
        <nav class="pager" aria-label="Pages">
            <span>{format!("Page {} of {} · {} {noun}", group_thousands(page), group_thousands(pages), group_thousands(total))}</span>
            {(page > 1).then(|| view! { <a class="btn small" href=href(page - 1)>"Previous"</a> })}
            {(page < pages).then(|| view! { <a class="btn small" href=href(page + 1)>"Next"</a> })}
        </nav>
    }
}

/// `key=value` pairs as a query string, leaving out empty values.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode_component(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A coloured badge for a delivery or approval state.
#[component]
pub fn StatusBadge(#[prop(into)] status: String) -> impl IntoView {
    let tone = match status.as_str() {
        "delivered" | "approved" | "completed" | "paid" | "top_up" | "refund" => "ok",
        "failed" | "rejected" | "charge" => "bad",
        _ => "wait",
    };
    let label = status.replace('_', " ");
    view! { <span class=format!("badge {tone}")>{label}</span> }
}

/// The viewer's time zone, shared by every time on the page (provided
/// beside the viewer, so a table does not clone the viewer per cell).
#[derive(Clone)]
pub struct PageZone(pub std::sync::Arc<Zone>);

/// A UTC time stamp (`2026-11-27T10:20:30Z`) as `2026-11-27 11:20` in the
/// viewer's time zone.
pub fn short_time(timestamp: &str) -> String {
    match use_context::<PageZone>() {
        Some(PageZone(zone)) => zone.short_time(timestamp),
        None => Zone::utc().short_time(timestamp),
    }
}

/// A time column's heading, naming the zone its times are in: "Time (Europe/Berlin)".
pub fn time_heading(what: &str) -> String {
    let zone = use_context::<PageZone>().map_or_else(|| "UTC".to_owned(), |z| z.0.name.clone());
    format!("{what} ({zone})")
}
