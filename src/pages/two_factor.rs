//! Two-factor authentication: the login's second step, and each user's
//! setting (enrol with a QR code, confirm, recovery codes, disable).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::{
        auth::VerifyLogin,
        two_factor::{
            get_two_factor_status, BeginTwoFactor, ConfirmTwoFactor, DisableTwoFactor,
            TwoFactorStatus,
        },
    },
    components::{
        form::{form_errors, Field, FormError, SubmitButton},
        guard::Guarded,
    },
    domain::Access,
    pages::login::LoginCard,
};

/// After the password: the code from the app, or a recovery code.
#[component]
pub fn VerifyLoginPage() -> impl IntoView {
    let action = ServerAction::<VerifyLogin>::new();
    let errors = form_errors(action);
    view! {
        <Title text="Two-factor authentication" />
        <LoginCard title="Two-factor authentication">
                <p class="lead">"Enter the six-digit code your authenticator app shows for SMS Portal. Lost your phone? Enter one of your recovery codes instead."</p>
                <ActionForm action>
                    <FormError action />
                    <Field label="Authentication code" name="code" errors required=true autocomplete="one-time-code" />
                    <SubmitButton label="Verify" class="btn primary wide" />
                </ActionForm>
                <p class="help"><a href="/login">"Log in as someone else"</a></p>
        </LoginCard>
    }
}

#[component]
pub fn TwoFactorPage() -> impl IntoView {
    view! {
        <Title text="Two-factor authentication" />
        <Guarded access=Access::TwoFactorSetup>
            <TwoFactorSettings />
        </Guarded>
    }
}

#[component]
fn TwoFactorSettings() -> impl IntoView {
    let status = Resource::new(|| (), |_| get_two_factor_status());
    let query = use_query_map();
    let disabled = move || query.read().get("disabled").is_some();
    view! {
        <header class="page-header">
            <div>
                <h1>"Two-factor authentication"</h1>
                <p class="lead">"A code from an app on your phone, asked for after your password: a stolen password alone no longer opens your account."</p>
            </div>
        </header>
        {move || disabled().then(|| view! { <p role="status" class="status ok">"Two-factor authentication is off."</p> })}
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                status.await.map(|status| view! { <Settings status /> })
            })}
        </Transition>
    }
}

#[component]
fn Settings(status: TwoFactorStatus) -> impl IntoView {
    let required = status.required.then(|| view! {
        <p class="status info">"Your account requires two-factor authentication: set it up to continue."</p>
    });
    let body = match (status.enabled, status.enrolment) {
        (true, _) => view! {
            {status.new_recovery_codes.map(|codes| view! { <RecoveryCodes codes /> })}
            <section class="card form-card">
                <h2>"On"</h2>
                <p>{format!("Your login asks for a code after the password. {} recovery codes are left.", status.recovery_codes_left)}</p>
                <DisableForm />
            </section>
        }.into_any(),
        (false, Some(enrolment)) => view! { <EnrolForm enrolment /> }.into_any(),
        (false, None) => {
            let begin = ServerAction::<BeginTwoFactor>::new();
            view! {
                <section class="card form-card">
                    <h2>"Off"</h2>
                    <p>"You need an authenticator app, such as Google Authenticator, Microsoft Authenticator, 1Password or Aegis."</p>
                    <ActionForm action=begin>
                        <FormError action=begin />
                        <SubmitButton label="Enable two-factor authentication" />
                    </ActionForm>
                </section>
            }.into_any()
        }
    };
    view! { {required} {body} }
}

#[component]
fn EnrolForm(enrolment: crate::api::two_factor::Enrolment) -> impl IntoView {
    let confirm = ServerAction::<ConfirmTwoFactor>::new();
    let errors = form_errors(confirm);
    view! {
        <section class="card form-card enrol">
            <h2>"Scan the code with your app"</h2>
            // Drawn by the server from the secret below.
            <div class="qr" role="img" aria-label="QR code for your authenticator app" inner_html=enrolment.qr_svg></div>
            <p>"Cannot scan? Type this key into the app instead:"</p>
            <p><code class="secret" aria-label="Secret key">{enrolment.secret}</code></p>
            <ActionForm action=confirm>
                <FormError action=confirm />
                <Field label="Authentication code" name="code" errors required=true autocomplete="one-time-code"
                    help="The six digits the app shows now, to prove it is set up." />
                <Field label="Password" name="password" kind="password" errors required=true autocomplete="current-password"
                    help="Your login's password: only you turn this on." />
                <SubmitButton label="Confirm" />
            </ActionForm>
        </section>
    }
}

/// The ten recovery codes, shown once after they are made.
#[component]
fn RecoveryCodes(codes: Vec<String>) -> impl IntoView {
    view! {
        <section class="card notice" aria-labelledby="recovery-title">
            <h2 id="recovery-title">"Two-factor authentication is on"</h2>
            <p>"Keep these recovery codes somewhere safe, apart from your phone. Each one logs you in once if you lose the phone. They are shown only now."</p>
            <ul class="recovery-codes mono" aria-label="Recovery codes">
                {codes.into_iter().map(|code| view! { <li>{code}</li> }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn DisableForm() -> impl IntoView {
    let disable = ServerAction::<DisableTwoFactor>::new();
    let errors = form_errors(disable);
    view! {
        <details class="disable-two-factor">
            <summary>"Turn it off"</summary>
            <ActionForm action=disable>
                <FormError action=disable />
                <Field label="Password" name="password" kind="password" errors required=true autocomplete="current-password" />
                <Field label="Authentication code" name="code" errors required=true autocomplete="one-time-code" />
                <SubmitButton label="Disable two-factor authentication" class="btn danger" />
            </ActionForm>
        </details>
    }
}
