use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::guard::set_status;

#[component]
pub fn NotFound() -> impl IntoView {
    set_status(404);
    view! {
        <Title text="Page not found" />
        <main class="centered">
            <section class="card notice">
                <h1>"Page not found"</h1>
                <p>"There is no page at this address."</p>
                <p><a href="/">"Back to the home page"</a></p>
            </section>
        </main>
    }
}
