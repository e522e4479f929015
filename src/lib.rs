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
    // The loader (`server/load_client.js`) hydrates each island next.
    leptos::mount::hydrate_islands();
}
