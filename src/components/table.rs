//! Pieces of the list pages: search box, pager, empty state, status badges.

use leptos::prelude::*;

use super::guard::encode_component;

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
            <span>{format!("Page {page} of {pages} · {total} {noun}")}</span>
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

/// `2026-11-27T10:20:30Z` as `2026-11-27 10:20`.
pub fn short_time(timestamp: &str) -> String {
    timestamp.replace('T', " ").chars().take(16).collect()
}
