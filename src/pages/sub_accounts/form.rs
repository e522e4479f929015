use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::route_id;
use crate::{
    api::sub_accounts::{
        get_sub_account, CreateSubAccount, DeleteSubAccount, ResetSubAccountPassword, SubAccount,
        UpdateSubAccount,
    },
    components::{
        form::{form_errors, Check, Field, FormError, SubmitButton},
        guard::Guarded,
    },
    domain::{Access, FormErrors},
};

const PASSWORD_HELP: &str = "12 to 128 characters. Share it with the person privately.";

/// The fields of a person's login, in the order of the product's form.
#[component]
pub fn ContactFields(
    #[prop(into)] errors: Signal<Option<FormErrors>>,
    #[prop(optional)] with_login: bool,
    #[prop(optional)] initial: Option<SubAccount>,
) -> impl IntoView {
    let initial = initial.unwrap_or(SubAccount {
        id: 0,
        login: String::new(),
        name: String::new(),
        phone: String::new(),
        email: String::new(),
        company: None,
        disabled: false,
        last_login_at: None,
        created_at: String::new(),
        granted: String::new(),
    });
    view! {
        {with_login.then(|| view! {
            <Field label="Login" name="login" errors required=true autocomplete="off"
                help="3 to 64 letters, digits, dots, underscores or dashes. Used to log in."
                check=Check::Login />
            <Field label="Password" name="password" kind="password" errors required=true autocomplete="new-password"
                help=PASSWORD_HELP check=Check::Password />
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
                <ContactFields errors with_login=true />
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
                <ContactFields errors initial=sub_account />
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
