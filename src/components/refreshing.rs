//! A part of a page that follows work under way, such as a campaign being
//! sent: while the server renders it busy, the browser fetches the page
//! again every two seconds and swaps the part in place. Without wasm a
//! reload shows the same.

use leptos::prelude::*;

/// Follows the element of its children that has an `id` and `data-busy`
/// (the server's word that what it shows is still changing). No props: it
/// reads the page the server rendered (CLIENT.md).
#[island]
pub fn Refreshing(children: Children) -> impl IntoView {
    let part = NodeRef::<leptos::html::Div>::new();
    // Effects run in the browser only, once the island is live.
    Effect::new(move || {
        let busy = part
            .get()
            .and_then(|part| part.query_selector("[id][data-busy]").ok().flatten());
        #[cfg(feature = "hydrate")]
        if let Some(busy) = busy {
            follow(busy.id());
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = busy;
    });
    view! { <div class="refreshing" node_ref=part>{children()}</div> }
}

#[cfg(feature = "hydrate")]
const EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// Refreshes the part after a pause, and again while it stays busy.
#[cfg(feature = "hydrate")]
fn follow(id: String) {
    set_timeout(
        move || {
            leptos::task::spawn_local(async move {
                if refresh(&id).await == Some(true) {
                    follow(id);
                }
            })
        },
        EVERY,
    );
}

/// Swaps in the part as the server renders it now; says whether it is
/// still busy (`None` when the page could not be had: then it stops).
#[cfg(feature = "hydrate")]
async fn refresh(id: &str) -> Option<bool> {
    use leptos::wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{DomParser, Response, SupportedType};

    let href = window().location().href().ok()?;
    let response: Response = JsFuture::from(window().fetch_with_str(&href))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    if !response.ok() {
        return None;
    }
    let html = JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()?;
    let page = DomParser::new()
        .ok()?
        .parse_from_string(&html, SupportedType::TextHtml)
        .ok()?;
    let fresh = page.get_element_by_id(id)?;
    document()
        .get_element_by_id(id)?
        .set_inner_html(&fresh.inner_html());
    Some(fresh.has_attribute("data-busy"))
}
