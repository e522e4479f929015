use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::{
    api::AppError,
    domain::{
        CompanyName, Email, FieldError, FormErrors, KeyName, Login, Money, Password, PersonName,
        Phone, SpendingCap,
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
/// as the user leaves it. The page names it in the input's `data-check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
    OptionalSpendingCap,
}

impl Check {
    const ALL: [Check; 10] = [
        Check::Login,
        Check::Password,
        Check::PersonName,
        Check::Phone,
        Check::PhoneInList,
        Check::Email,
        Check::OptionalCompanyName,
        Check::Euros,
        Check::KeyName,
        Check::OptionalSpendingCap,
    ];

    fn key(self) -> &'static str {
        match self {
            Check::Login => "login",
            Check::Password => "password",
            Check::PersonName => "person-name",
            Check::Phone => "phone",
            Check::PhoneInList => "phone-in-list",
            Check::Email => "email",
            Check::OptionalCompanyName => "company-name",
            Check::Euros => "euros",
            Check::KeyName => "key-name",
            Check::OptionalSpendingCap => "spending-cap",
        }
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn from_key(key: &str) -> Option<Check> {
        Check::ALL.into_iter().find(|check| check.key() == key)
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
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
            Check::OptionalSpendingCap => SpendingCap::parse_optional(raw).map(drop),
        }
    }
}

/// A labelled input with help text and its error beneath it. The server's
/// verdict on the last submission comes with the page, with what was typed
/// (never a password); with a `check`, the browser checks the value again
/// as the user leaves the field.
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
    let error = refused.and_then(|e| e.error(name).map(str::to_owned));
    let id = format!("field-{name}");
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    // The error's paragraph is always named: empty, it adds nothing, and the
    // browser's check fills it without touching the input's description.
    let described_by = match help {
        Some(_) => format!("{help_id} {error_id}"),
        None => error_id.clone(),
    };
    let field = view! {
        <div class="field" class:has-error=error.is_some()>
        <label for=id.clone()>{label}</label>
        <input
            id=id
            name=name
            type=kind
            value=value
            autocomplete=autocomplete
            required=required
            data-check=check.map(Check::key)
            data-refused=error.is_some().then_some("")
            aria-invalid=error.is_some().then_some("true")
            aria-describedby=described_by
        />
        {help.map(|text| view! { <p class="help" id=help_id>{text}</p> })}
        // Always present, so a message appearing on leaving the field never
        // shifts the button the user is about to click.
        <p class="field-error" id=error_id>{error.clone()}</p>
        </div>
    };
    match check {
        Some(_) => view! { <CheckedField>{field}</CheckedField> }.into_any(),
        None => field.into_any(),
    }
}

/// A field the browser checks as the user leaves it, an island. It has no
/// props: it reads the check and the server's verdict from the input the
/// server rendered, and writes its own verdict there (props would bring
/// serde_json into the wasm, CLIENT.md).
#[island]
fn CheckedField(children: Children) -> impl IntoView {
    view! { <div class="checked-field" on:focusout=check_on_leaving>{children()}</div> }
}

fn check_on_leaving(_event: leptos::ev::FocusEvent) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::{wasm_bindgen::JsCast, web_sys::HtmlInputElement};
        let Some(input) = _event
            .target()
            .and_then(|target| target.dyn_into::<HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(check) = input
            .get_attribute("data-check")
            .and_then(|key| Check::from_key(&key))
        else {
            return;
        };
        let raw = input.value();
        // The server's word on the very value it was given stands.
        if input.has_attribute("data-refused") && raw == input.default_value() {
            return;
        }
        let error = if raw.is_empty() {
            None
        } else {
            check.run(&raw).err().map(|e| e.to_string())
        };
        show_field_error(&input, error.as_deref());
    }
}

/// Shows `error` beneath `input` (or clears it), as the server renders it.
#[cfg(feature = "hydrate")]
fn show_field_error(input: &leptos::web_sys::HtmlInputElement, error: Option<&str>) {
    if let Some(message) = document().get_element_by_id(&format!("{}-error", input.id())) {
        message.set_text_content(error);
    }
    if let Ok(Some(field)) = input.closest(".field") {
        let _ = field
            .class_list()
            .toggle_with_force("has-error", error.is_some());
    }
    let _ = match error {
        Some(_) => input.set_attribute("aria-invalid", "true"),
        None => input.remove_attribute("aria-invalid"),
    };
}

/// The submit button of a form, with the spinner it shows while its form is
/// being posted (marked by [`SubmitFeedback`]).
#[component]
pub fn SubmitButton(
    #[prop(into)] label: String,
    #[prop(default = "btn primary")] class: &'static str,
) -> impl IntoView {
    view! {
        <button type="submit" class=class>
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

#[cfg(test)]
mod tests {
    use super::Check;

    #[test]
    fn every_check_is_found_by_the_name_the_page_gives_it() {
        for check in Check::ALL {
            assert_eq!(Check::from_key(check.key()), Some(check));
        }
        assert_eq!(Check::from_key("nonsense"), None);
    }

    #[test]
    fn a_check_is_the_servers_own_parser() {
        assert!(Check::Login.run("ab").is_err());
        assert!(Check::Login.run("anna.k").is_ok());
        assert!(Check::Phone.run("0044 20 7946 0958").is_err());
        assert!(Check::PhoneInList.run("0044 20 7946 0958").is_ok());
        assert!(Check::Euros.run("12,50").is_ok());
        assert!(Check::OptionalCompanyName.run("").is_ok());
    }
}
