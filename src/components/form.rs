use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use serde::{Deserialize, Serialize};

use crate::{
    api::AppError,
    domain::{
        CompanyName, Email, FieldError, FormErrors, KeyName, Login, Money, Password, PersonName,
        Phone,
    },
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

/// Which of the server's own domain parsers checks a field in the browser,
/// as the user leaves it. A name rather than a function: it travels to the
/// field's island in the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Check {
    Login,
    Password,
    PersonName,
    Phone,
    /// A number typed in a list: the `00` prefix is accepted too.
    PhoneInList,
    Email,
    OptionalCompanyName,
    Euros,
    KeyName,
}

impl Check {
    fn run(self, raw: &str) -> Result<(), FieldError> {
        match self {
            Check::Login => Login::parse(raw).map(drop),
            Check::Password => Password::parse(raw).map(drop),
            Check::PersonName => PersonName::parse(raw).map(drop),
            Check::Phone => Phone::parse(raw).map(drop),
            Check::PhoneInList => Phone::parse_lenient(raw).map(drop),
            Check::Email => Email::parse(raw).map(drop),
            Check::OptionalCompanyName => CompanyName::parse_optional(raw).map(drop),
            Check::Euros => Money::parse_euros(raw).map(drop),
            Check::KeyName => KeyName::parse(raw).map(drop),
        }
    }
}

/// A labelled input with help text and its error beneath it. The server's
/// verdict on the last submission comes with the page, with what was typed
/// (never a password); the browser checks again as the user leaves the field.
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
    #[prop(optional)] check: Option<Check>,
) -> impl IntoView {
    let refused = errors.get_untracked();
    let refused = refused.as_ref();
    let value = if kind == "password" {
        None
    } else {
        refused
            .and_then(|e| e.value(name).map(str::to_owned))
            .or(initial)
    };
    view! {
        <CheckedField
            label=label.to_owned()
            name=name.to_owned()
            kind=kind.to_owned()
            value
            help=help.map(str::to_owned)
            autocomplete=autocomplete.map(str::to_owned)
            required
            check
            error=refused.and_then(|e| e.error(name).map(str::to_owned))
        />
    }
}

/// The field itself, an island: its error follows the browser's check.
#[island]
fn CheckedField(
    label: String,
    name: String,
    kind: String,
    value: Option<String>,
    help: Option<String>,
    autocomplete: Option<String>,
    required: bool,
    check: Option<Check>,
    /// The server's refusal of the value submitted last.
    error: Option<String>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let submitted = value.clone();
    let refused = error.is_some();
    let shown = RwSignal::new(error);
    let described_by = {
        let (help_id, error_id, has_help) = (help_id.clone(), error_id.clone(), help.is_some());
        move || {
            let mut ids = Vec::new();
            if has_help {
                ids.push(help_id.clone());
            }
            if shown.read().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let on_blur = move |ev: leptos::ev::FocusEvent| {
        let Some(check) = check else { return };
        let raw = event_target_value(&ev);
        // The server's word on the very value it was given stands.
        if refused && submitted.as_deref() == Some(raw.as_str()) {
            return;
        }
        shown.set(if raw.is_empty() {
            None
        } else {
            check.run(&raw).err().map(|e| e.to_string())
        });
    };
    view! {
        <div class="field" class:has-error=move || shown.read().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                value=value
                autocomplete=autocomplete
                required=required
                aria-invalid=move || shown.read().as_ref().map(|_| "true")
                aria-describedby=described_by
                on:blur=on_blur
            />
            {help.map(|text| view! { <p class="help" id=help_id>{text}</p> })}
            // Always present, so a message appearing on blur never shifts the
            // button the user is about to click.
            <p class="field-error" id=error_id>{move || shown.get()}</p>
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

/// Marks a form busy from its submission until the next page arrives: its
/// button shows the spinner, and a second click does not post the form a
/// second time. One per page, an island without props.
#[island]
pub fn SubmitFeedback() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        use leptos::{ev, wasm_bindgen::JsCast, web_sys::HtmlFormElement};
        const BUSY: &str = "data-busy";
        let _ = window_event_listener(ev::submit, |event| {
            let Some(form) = event
                .target()
                .and_then(|target| target.dyn_into::<HtmlFormElement>().ok())
            else {
                return;
            };
            // A download (GET) leaves the page as it was: never mark those.
            if !form.method().eq_ignore_ascii_case("post") {
                return;
            }
            if form.has_attribute(BUSY) {
                event.prevent_default();
                return;
            }
            let _ = form.set_attribute(BUSY, "");
            if let Some(button) = event.submitter() {
                let _ = button.set_attribute("aria-busy", "true");
            }
        });
        // A page shown again from the back-forward cache is ready anew.
        let _ = window_event_listener(ev::pageshow, |_| {
            let Ok(forms) = document().query_selector_all("form[data-busy]") else {
                return;
            };
            for form in (0..forms.length()).filter_map(|i| forms.item(i)) {
                if let Ok(form) = form.dyn_into::<leptos::web_sys::Element>() {
                    let _ = form.remove_attribute(BUSY);
                    if let Ok(Some(button)) = form.query_selector("[aria-busy]") {
                        let _ = button.remove_attribute("aria-busy");
                    }
                }
            }
        });
    }
}
