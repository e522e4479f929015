use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::profile::{get_profile, Profile, SaveProfile, TIMEZONES},
    components::{
        form::{form_errors, Check, Field, FormError, SubmitButton},
        guard::Guarded,
    },
    domain::{Access, Permission},
};

#[component]
pub fn ProfilePage() -> impl IntoView {
    view! {
        <Title text="Profile" />
        <Guarded access=Access::Permission(Permission::ProfileEdit)>
            <ProfileLoader />
        </Guarded>
    }
}

#[component]
fn ProfileLoader() -> impl IntoView {
    let profile = Resource::new(|| (), |_| get_profile());
    view! {
        <header class="page-header">
            <div>
                <h1>"Profile"</h1>
                <p class="lead">"How the account appears on invoices and where the provider reaches you."</p>
            </div>
        </header>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move { profile.await.map(|profile| view! { <ProfileForm profile /> }) })}
        </Transition>
    }
}

#[component]
fn ProfileForm(profile: Profile) -> impl IntoView {
    let save = ServerAction::<SaveProfile>::new();
    let errors = form_errors(save);
    let query = use_query_map();
    let saved = move || match save.value().get() {
        Some(result) => result.is_ok(),
        None => query.read().get("saved").is_some(),
    };
    let timezone = profile.timezone.clone();
    view! {
        <section class="card form-card">
            <ActionForm action=save>
                <FormError action=save />
                <Field label="Company name" name="company" errors initial=profile.company required=true />
                <Field label="Contact email" name="contact_email" kind="email" errors initial=profile.contact_email required=true
                    check=Check::Email />
                <Field label="Contact phone" name="contact_phone" kind="tel" errors initial=profile.contact_phone required=true
                    check=Check::Phone />
                <div class="field">
                    <label for="timezone">"Time zone"</label>
                    <select id="timezone" name="timezone">
                        {TIMEZONES.iter().map(|zone| view! { <option value=*zone selected=*zone == timezone>{*zone}</option> }).collect_view()}
                    </select>
                </div>
                {profile.updated_by.map(|login| view! { <p class="help">{format!("Last changed by {login}.")}</p> })}
                <div class="form-actions">
                    <SubmitButton label="Save" />
                    {move || saved().then(|| view! { <p role="status" class="status ok">"Saved"</p> })}
                </div>
            </ActionForm>
        </section>
        {profile.manages_api_keys.then(|| view! {
            <section class="card form-card" aria-labelledby="api-title">
                <h2 id="api-title">"HTTP API"</h2>
                <p class="help">"Your own systems send and track messages with API keys. Sub-accounts control the web interface only: they never see the keys, and no sub-account setting affects the API."</p>
                <p><a class="btn" href="/settings/api-keys">"Manage API keys"</a></p>
            </section>
        })}
    }
}
