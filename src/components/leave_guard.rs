//! Warns before leaving a page with unsaved changes: on closing or
//! reloading the tab (the browser's own prompt) and on following a link.

use leptos::prelude::*;

const QUESTION: &str = "You have unsaved changes. Leave this page without saving them?";

/// While `dirty` is true, leaving the page asks first (in the browser only;
/// without wasm there is nothing to keep, as the form is posted whole).
pub fn warn_before_leaving(dirty: Signal<bool>) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::{
            ev,
            wasm_bindgen::{closure::Closure, JsCast},
            web_sys,
        };
        let unload = window_event_listener(ev::beforeunload, move |event| {
            if dirty.get_untracked() {
                event.prevent_default();
            }
        });
        // Capturing, so the question comes before the router follows the link.
        let on_click =
            Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |event: web_sys::MouseEvent| {
                if !dirty.get_untracked() {
                    return;
                }
                let link = event
                    .target()
                    .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
                    .and_then(|element| element.closest("a[href]").ok().flatten());
                if link.is_some() && !window().confirm_with_message(QUESTION).unwrap_or(true) {
                    event.prevent_default();
                    event.stop_immediate_propagation();
                }
            });
        let _ = document().add_event_listener_with_callback_and_bool(
            "click",
            on_click.as_ref().unchecked_ref(),
            true,
        );
        // The closure is not `Send`: the reactive arena keeps it for cleanup.
        let on_click = StoredValue::new_local(on_click);
        on_cleanup(move || {
            unload.remove();
            on_click.try_with_value(|on_click| {
                let _ = document().remove_event_listener_with_callback_and_bool(
                    "click",
                    on_click.as_ref().unchecked_ref(),
                    true,
                );
            });
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (dirty, QUESTION);
}
