use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::{
    api::AppError,
    domain::{FieldError, FormErrors},
};

/// The field errors of the last submission of `action`, if it was refused.
pub fn form_errors<S>(action: ServerAction<S>) -> Signal<Option<FormErrors>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || match action.value().get() {
        Some(Err(AppError::Invalid(errors))) => Some(errors),
        _ => None,
    })
}

/// A refusal that is not about one field (access, a conflict, the network).
#[component]
pub fn FormError<S>(action: ServerAction<S>) -> impl IntoView
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    move || match action.value().get() {
        Some(Err(error)) => {
            let message = match &error {
                AppError::Invalid(_) => "Please correct the highlighted fields.".to_owned(),
                other => other.to_string(),
            };
            Some(view! { <p class="form-error" role="alert">{message}</p> })
        }
        _ => None,
    }
}

/// The browser-side check of a field: the domain parser the server uses.
pub type FieldCheck = fn(&str) -> Result<(), FieldError>;

/// A labelled input with help text and its error beneath it. The browser
/// checks the value as the user leaves the field (the same parser the server
/// uses); the server's verdict wins after a submission.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(into)] errors: Signal<Option<FormErrors>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional, into)] initial: Option<String>,
    #[prop(optional)] help: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] check: Option<FieldCheck>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let local_error = RwSignal::new(None::<String>);
    let is_password = kind == "password";
    let initial = initial.unwrap_or_default();
    // Never echo a password back into the page.
    let value = move || {
        if is_password {
            return None;
        }
        errors
            .get()
            .and_then(|e| e.value(name).map(str::to_owned))
            .or_else(|| Some(initial.clone()))
    };
    let error = move || {
        errors
            .get()
            .and_then(|e| e.error(name).map(str::to_owned))
            .or_else(|| local_error.get())
    };
    let described_by = {
        let (help_id, error_id) = (help_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if help.is_some() {
                ids.push(help_id.clone());
            }
            if error().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    // A refused submission empties password fields (it never echoes them
    // either): the person types the password again.
    let input = NodeRef::<leptos::html::Input>::new();
    if is_password {
        Effect::new(move |_| {
            if errors.get().is_some() {
                if let Some(input) = input.get_untracked() {
                    input.set_value("");
                }
            }
        });
    }
    let on_blur = move |ev: leptos::ev::FocusEvent| {
        if let Some(check) = check {
            let raw = event_target_value(&ev);
            local_error.set(if raw.is_empty() {
                None
            } else {
                check(&raw).err().map(|e| e.to_string())
            });
        }
    };
    view! {
        <div class="field" class:has-error=move || error().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                node_ref=input
                id=id
                name=name
                type=kind
                value=value
                autocomplete=autocomplete
                required=required
                aria-invalid=move || error().map(|_| "true")
                aria-describedby=described_by
                on:blur=on_blur
            />
            {help.map(|text| view! { <p class="help" id=help_id>{text}</p> })}
            // Always present, so a message appearing on blur never shifts the
            // button the user is about to click.
            <p class="field-error" id=error_id>{error}</p>
        </div>
    }
}

/// The submit button of a form, disabled and marked busy while the request runs.
#[component]
pub fn SubmitButton(
    label: &'static str,
    #[prop(into)] pending: Signal<bool>,
    #[prop(default = "btn primary")] class: &'static str,
) -> impl IntoView {
    view! {
        <button type="submit" class=class disabled=move || pending.get() aria-busy=move || pending.get().then_some("true")>
            <span class="spinner" aria-hidden="true"></span>
            {label}
        </button>
    }
}
