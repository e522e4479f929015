//! sms-portal: the customer portal of an SMS provider, one Leptos app
//! rendered on the server. Only its islands (the parts that react in the
//! browser) ship as wasm and hydrate; everything else is plain HTML.

pub mod api;
pub mod app;
pub mod components;
pub mod domain;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // Leptos' loader hydrates the islands right after this returns, all in
    // one chain of microtasks; a timer fires after it. End-to-end tests and
    // the client benchmark wait for this mark.
    leptos::prelude::set_timeout(
        || {
            if let Some(body) = leptos::prelude::document().body() {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}
