//! Warns before leaving a page with unsaved changes: on following a link
//! (a question of our own) and on closing or reloading the tab (the
//! browser's). Used inside islands; without wasm there is nothing to keep.

use leptos::prelude::*;

const QUESTION: &str = "You have unsaved changes. Leave this page without saving them?";

/// While `dirty` is true, leaving the page asks first.
pub fn warn_before_leaving(dirty: Signal<bool>) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::{ev, wasm_bindgen::JsCast, web_sys};
        // Set once the person chose to go (a confirmed link) or to save (a
        // submitted form): the browser's prompt must not ask a second time.
        let going = StoredValue::new(false);
        let asks = move || dirty.get_untracked() && !going.get_value();
        let unload = window_event_listener(ev::beforeunload, move |event| {
            if asks() {
                event.prevent_default();
            }
        });
        let submit = window_event_listener(ev::submit, move |_| going.set_value(true));
        let click = window_event_listener(ev::click, move |event| {
            let on_link = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
                .and_then(|element| element.closest("a[href]").ok().flatten())
                .is_some();
            if !on_link || !asks() {
                return;
            }
            if window().confirm_with_message(QUESTION).unwrap_or(true) {
                going.set_value(true);
            } else {
                event.prevent_default();
            }
        });
        on_cleanup(move || {
            unload.remove();
            submit.remove();
            click.remove();
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (dirty, QUESTION);
}
