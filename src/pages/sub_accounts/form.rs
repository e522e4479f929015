use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::route_id;
use crate::{
    api::sub_accounts::{
        get_access_templates, get_sub_account, CreateSubAccount, DeleteSubAccount,
        ResetSubAccountPassword, SubAccount, UpdateSubAccount,
    },
    components::{
        form::{form_errors, Check, Field, FormError, SubmitButton},
        guard::Guarded,
    },
    domain::{Access, FormErrors, Money},
};

const PASSWORD_HELP: &str = "12 to 128 characters. Share it with the person privately: they choose their own at their first login.";

/// Sets a strong random password instead of the typed one; the list shows
/// it once. A submit button, so it works without JavaScript; the other
/// fields are still checked, by the server.
#[component]
fn GeneratePassword() -> impl IntoView {
    view! {
        <div class="field generate-password">
            <button type="submit" name="generate" value="1" formnovalidate class="btn" aria-describedby="generate-help">
                "Generate password"
            </button>
            <p class="help" id="generate-help">"Or let us choose a strong one: it is set at once and shown to you only once, to copy."</p>
        </div>
    }
}

/// The fields of a person's login, in the order of the product's form.
#[component]
pub fn ContactFields(
    #[prop(into)] errors: Signal<Option<FormErrors>>,
    #[prop(optional)] with_login: bool,
    /// Offers "Generate password" beside the password (sub-accounts only).
    #[prop(optional)]
    generate: bool,
    #[prop(optional)] initial: Option<SubAccount>,
) -> impl IntoView {
    let initial = initial.unwrap_or_default();
    view! {
        {with_login.then(|| view! {
            <Field label="Login" name="login" errors required=true autocomplete="off"
                help="3 to 64 letters, digits, dots, underscores or dashes. Used to log in."
                check=Check::Login />
            <Field label="Password" name="password" kind="password" errors required=true autocomplete="new-password"
                help=PASSWORD_HELP check=Check::Password />
            {generate.then(|| view! { <GeneratePassword /> })}
        })}
        <Field label="Name" name="name" errors required=true initial=initial.name autocomplete="off"
            help="First and last name." check=Check::PersonName />
        <Field label="Phone" name="phone" kind="tel" errors required=true initial=initial.phone autocomplete="off"
            help="International format, e.g. +44 7430 900123." check=Check::Phone />
        <Field label="Email" name="email" kind="email" errors required=true initial=initial.email autocomplete="off"
            check=Check::Email />
        <Field label="Company name (optional)" name="company" errors initial=initial.company.unwrap_or_default()
            autocomplete="off" check=Check::OptionalCompanyName />
    }
}

/// The optional monthly spending cap of a sub-account's sending.
#[component]
fn CapField(
    #[prop(into)] errors: Signal<Option<FormErrors>>,
    initial: Option<i64>,
) -> impl IntoView {
    let initial = initial.map(|cap| Money(cap).plain()).unwrap_or_default();
    view! {
        <Field label="Monthly spending cap (€)" name="monthly_cap" errors initial autocomplete="off"
            help="What they may send for in a calendar month, e.g. 200. Leave empty for no cap: then only the balance limits them."
            check=Check::OptionalSpendingCap />
    }
}

/// What a new sub-account's access starts from: a preset, or another
/// sub-account's access, applied when the form is saved.
#[component]
fn StartingAccess(#[prop(into)] errors: Signal<Option<FormErrors>>) -> impl IntoView {
    let templates = Resource::new(|| (), |_| get_access_templates());
    let kept = move |field: &str| {
        errors
            .get_untracked()
            .and_then(|e| e.value(field).map(str::to_owned))
            .unwrap_or_default()
    };
    let (kept_preset, kept_copy) = (kept("preset"), kept("copy_from"));
    view! {
        <Suspense>
            {move || {
                let (kept_preset, kept_copy) = (kept_preset.clone(), kept_copy.clone());
                Suspend::new(async move {
                    templates.await.ok().map(|templates| view! {
                        <fieldset class="starting-access">
                            <legend>"Starting access"</legend>
                            <p class="help">"Without either, the sub-account starts with no permissions. You can change them under “Manage access” at any time."</p>
                            <div class="inline-fields">
                                <div class="field">
                                    <label for="preset">"Preset"</label>
                                    <select id="preset" name="preset">
                                        <option value="">"None"</option>
                                        {templates.presets.into_iter().map(|preset| {
                                            let key = preset.reference().key();
                                            let selected = key == kept_preset;
                                            view! { <option value=key selected=selected>{preset.name}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="copy_from">"Copy from"</label>
                                    <select id="copy_from" name="copy_from">
                                        <option value="">"Nobody"</option>
                                        {templates.team.into_iter().map(|(id, login)| {
                                            let selected = id.to_string() == kept_copy;
                                            view! { <option value=id selected=selected>{login}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                            </div>
                        </fieldset>
                    })
                })
            }}
        </Suspense>
    }
}

#[component]
pub fn CreateSubAccountPage() -> impl IntoView {
    view! {
        <Title text="Create Sub Account" />
        <Guarded access=Access::SubAccounts>
            <CreateForm />
        </Guarded>
    }
}

#[component]
fn CreateForm() -> impl IntoView {
    let action = ServerAction::<CreateSubAccount>::new();
    let errors = form_errors(action);
    view! {
        <header class="page-header">
            <div>
                <h1>"Create Sub Account"</h1>
                <p class="lead">"A new sub-account starts with no permissions; grant them under “Manage access”."</p>
            </div>
        </header>
        <section class="card form-card">
            <ActionForm action>
                <FormError action />
                <ContactFields errors with_login=true generate=true />
                <CapField errors initial=None />
                <StartingAccess errors />
                <FormActions />
            </ActionForm>
        </section>
    }
}

#[component]
fn FormActions() -> impl IntoView {
    view! {
        <div class="form-actions">
            <SubmitButton label="Save" />
            <A href="/settings/sub-accounts" attr:class="btn ghost">"Cancel"</A>
        </div>
    }
}

/// Loads the sub-account of the route and renders `body` with it.
#[component]
fn WithSubAccount(body: fn(SubAccount) -> AnyView) -> impl IntoView {
    let id = route_id();
    let sub_account = Resource::new(move || id.get(), get_sub_account);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match sub_account.await {
                    Ok(sub_account) => body(sub_account),
                    Err(error) => view! { <SubAccountMissing error=error.to_string() /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn SubAccountMissing(error: String) -> impl IntoView {
    crate::components::guard::set_status(404);
    view! {
        <section class="card notice">
            <h1>"Sub-account not found"</h1>
            <p>{error}". It may have been deleted."</p>
            <p><a href="/settings/sub-accounts">"Back to Sub Accounts"</a></p>
        </section>
    }
}

#[component]
pub fn EditSubAccountPage() -> impl IntoView {
    view! {
        <Title text="Edit Sub Account" />
        <Guarded access=Access::SubAccounts>
            <WithSubAccount body=|sub_account| view! { <EditForm sub_account /> }.into_any() />
        </Guarded>
    }
}

#[component]
fn EditForm(sub_account: SubAccount) -> impl IntoView {
    let action = ServerAction::<UpdateSubAccount>::new();
    let errors = form_errors(action);
    view! {
        <header class="page-header">
            <div>
                <h1>"Edit Sub Account"</h1>
                <p class="lead">"Login " <strong class="mono">{sub_account.login.clone()}</strong> " (a login cannot be changed)."</p>
            </div>
        </header>
        <section class="card form-card">
            <ActionForm action>
                <FormError action />
                <input type="hidden" name="id" value=sub_account.id />
                <ContactFields errors initial=sub_account.clone() />
                <CapField errors initial=sub_account.monthly_cap />
                <FormActions />
            </ActionForm>
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    view! {
        <Title text="Reset password" />
        <Guarded access=Access::SubAccounts>
            <WithSubAccount body=|sub_account| view! { <ResetForm sub_account /> }.into_any() />
        </Guarded>
    }
}

#[component]
fn ResetForm(sub_account: SubAccount) -> impl IntoView {
    let action = ServerAction::<ResetSubAccountPassword>::new();
    let errors = form_errors(action);
    view! {
        <header class="page-header">
            <div>
                <h1>"Reset password"</h1>
                <p class="lead">"Set a new password for " <strong class="mono">{sub_account.login}</strong>
                    ". They are signed out everywhere and log in again with the new one."</p>
            </div>
        </header>
        <section class="card form-card">
            <ActionForm action>
                <FormError action />
                <input type="hidden" name="id" value=sub_account.id />
                <Field label="New password" name="password" kind="password" errors required=true autocomplete="new-password"
                    help=PASSWORD_HELP check=Check::Password />
                <GeneratePassword />
                <FormActions />
            </ActionForm>
        </section>
    }
}

#[component]
pub fn DeleteSubAccountPage() -> impl IntoView {
    view! {
        <Title text="Delete Sub Account" />
        <Guarded access=Access::SubAccounts>
            <WithSubAccount body=|sub_account| view! { <DeleteConfirmation sub_account /> }.into_any() />
        </Guarded>
    }
}

#[component]
fn DeleteConfirmation(sub_account: SubAccount) -> impl IntoView {
    let action = ServerAction::<DeleteSubAccount>::new();
    view! {
        <header class="page-header"><h1>"Delete Sub Account"</h1></header>
        <section class="card form-card danger-zone" role="alertdialog" aria-labelledby="confirm-title" aria-describedby="confirm-text">
            <h2 id="confirm-title">{format!("Delete {}?", sub_account.login)}</h2>
            <p id="confirm-text">{format!(
                "{} will no longer be able to log in, and their permissions are removed. This cannot be undone.",
                sub_account.name
            )}</p>
            <ActionForm action>
                <FormError action />
                <input type="hidden" name="id" value=sub_account.id />
                <div class="form-actions">
                    <SubmitButton label="Delete" class="btn danger" />
                    <A href="/settings/sub-accounts" attr:class="btn ghost">"Cancel"</A>
                </div>
            </ActionForm>
        </section>
    }
}
