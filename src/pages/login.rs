use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{api::auth::Login, components::form::SubmitButton};

/// One login page for managers, owners and sub-users.
#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let failed = move || matches!(action.value().get(), Some(Err(_)));
    let message = move || match action.value().get() {
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    };
    view! {
        <Title text="Log in" />
        <LoginCard title="Log in">
                <ActionForm action>
                    <input type="hidden" name="next" value=next />
                    {move || message().map(|text| view! { <p class="form-error" role="alert">{text}</p> })}
                    <div class="field">
                        <label for="login">"Login"</label>
                        <input id="login" name="login" type="text" autocomplete="username" required
                            autocapitalize="none" spellcheck="false" aria-invalid=move || failed().then_some("true") />
                    </div>
                    <div class="field">
                        <label for="password">"Password"</label>
                        <input id="password" name="password" type="password" autocomplete="current-password" required
                            aria-invalid=move || failed().then_some("true") />
                    </div>
                    <SubmitButton label="Log in" class="btn primary wide" />
                </ActionForm>
        </LoginCard>
    }
}

/// The card the login's steps are shown in, alone on the page.
#[component]
pub fn LoginCard(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <main class="login-page">
            <section class="card login-card" aria-labelledby="login-title">
                <div class="brand large">
                    <span class="brand-mark" aria-hidden="true">"✉"</span>
                    <span>"SMS Portal"</span>
                </div>
                <h1 id="login-title">{title}</h1>
                {children()}
            </section>
        </main>
    }
}
