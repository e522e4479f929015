use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::auth::ChangePassword,
    components::{
        form::{form_errors, Check, Field, FormError, SubmitButton},
        guard::Guarded,
    },
    domain::{Access, Viewer},
};

/// Every user, sub-users included, may change their own password.
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    view! {
        <Title text="Change password" />
        <Guarded access=Access::PasswordChange>
            <ChangePasswordForm />
        </Guarded>
    }
}

#[component]
fn ChangePasswordForm() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let errors = form_errors(action);
    let query = use_query_map();
    let saved = move || query.read().get("changed").is_some();
    let first = use_context::<Viewer>().is_some_and(|viewer| viewer.must_change_password);
    view! {
        {if first {
            view! {
                <header class="page-header">
                    <div>
                        <h1>"Change your password"</h1>
                        <p class="lead">"The password you logged in with was set for you, so it is temporary. Choose your own to open the portal: until then, nothing else is available."</p>
                    </div>
                </header>
            }.into_any()
        } else {
            view! { <header class="page-header"><h1>"Change password"</h1></header> }.into_any()
        }}
        <section class="card form-card">
            <ActionForm action>
                <FormError action />
                <Field label="Current password" name="current_password" kind="password" autocomplete="current-password" required=true errors />
                <Field label="New password" name="new_password" kind="password" autocomplete="new-password" required=true errors
                    help="12 to 128 characters. A passphrase of several words is easy to remember and hard to guess."
                    check=Check::Password />
                <Field label="Confirm new password" name="confirm_password" kind="password" autocomplete="new-password" required=true errors />
                <div class="form-actions">
                    <SubmitButton label="Save" />
                    {move || saved().then(|| view! { <p role="status" class="status ok">"Password changed. Your other sessions have been signed out."</p> })}
                </div>
            </ActionForm>
        </section>
    }
}
