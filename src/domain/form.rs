use serde::{Deserialize, Serialize};
use std::fmt;

use super::{CompanyName, Email, FieldError, Login, Password, PersonName, Phone};

/// Field errors of a refused form, plus what the user typed (never a
/// password), so a page rendered without JavaScript can show both again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormErrors {
    pub fields: Vec<(String, String)>,
    pub values: Vec<(String, String)>,
}

impl FormErrors {
    /// One refused field: what was typed there, and why.
    pub fn one(field: &str, typed: &str, message: impl fmt::Display) -> Self {
        let mut errors = Self::default();
        errors.keep(field, typed);
        errors.add(field, message);
        errors
    }

    pub fn add(&mut self, field: &str, message: impl fmt::Display) {
        self.fields.push((field.to_owned(), message.to_string()));
    }

    pub fn keep(&mut self, field: &str, value: &str) {
        self.values.push((field.to_owned(), value.to_owned()));
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    pub fn error(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn value(&self, field: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, v)| v.as_str())
    }

    /// Adds another form part's errors and kept values to these.
    pub fn extend(&mut self, other: FormErrors) {
        self.fields.extend(other.fields);
        self.values.extend(other.values);
    }

    /// Parses one field, recording its error; `None` when it was refused.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, FieldError>) -> Option<T> {
        parsed.map_err(|error| self.add(field, error)).ok()
    }
}

/// The person behind a login: what the create and edit forms share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactDetails {
    pub name: PersonName,
    pub phone: Phone,
    pub email: Email,
    pub company: Option<CompanyName>,
}

/// The raw text of the contact fields, exactly as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactForm {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub company: String,
}

impl ContactForm {
    /// Keeps what was typed, for the form shown again.
    pub fn keep(&self, errors: &mut FormErrors) {
        for (field, value) in [
            ("name", &self.name),
            ("phone", &self.phone),
            ("email", &self.email),
            ("company", &self.company),
        ] {
            errors.keep(field, value);
        }
    }

    pub fn parse(&self, errors: &mut FormErrors) -> Option<ContactDetails> {
        self.keep(errors);
        let name = errors.check("name", PersonName::parse(&self.name));
        let phone = errors.check("phone", Phone::parse(&self.phone));
        let email = errors.check("email", Email::parse(&self.email));
        let company = errors.check("company", CompanyName::parse_optional(&self.company));
        Some(ContactDetails {
            name: name?,
            phone: phone?,
            email: email?,
            company: company?,
        })
    }
}

/// A new login with its password and contact details, all valid.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub login: Login,
    pub password: Password,
    pub contact: ContactDetails,
}

impl NewUser {
    /// Parses every field and reports every refusal at once.
    pub fn parse(login: &str, password: &str, contact: &ContactForm) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::default();
        errors.keep("login", login);
        let login = errors.check("login", Login::parse(login));
        let password = errors.check("password", Password::parse(password));
        let contact = contact.parse(&mut errors);
        match (login, password, contact) {
            (Some(login), Some(password), Some(contact)) if errors.is_empty() => Ok(Self {
                login,
                password,
                contact,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact() -> ContactForm {
        ContactForm {
            name: "Anna Kowalska".into(),
            phone: "+48 600 100 200".into(),
            email: "Anna@Example.com".into(),
            company: String::new(),
        }
    }

    #[test]
    fn a_valid_form_parses() {
        let user = NewUser::parse("anna", "twelve chars!", &contact()).unwrap();
        assert_eq!(user.contact.phone.as_str(), "+48600100200");
        assert_eq!(user.contact.email.as_str(), "anna@example.com");
        assert_eq!(user.contact.company, None);
    }

    #[test]
    fn every_bad_field_is_reported_and_typed_values_are_kept_except_the_password() {
        let bad = ContactForm {
            name: " ".into(),
            phone: "12".into(),
            email: "x".into(),
            company: "c".repeat(101),
        };
        let errors = NewUser::parse("a", "short", &bad).unwrap_err();
        for field in ["login", "password", "name", "phone", "email", "company"] {
            assert!(errors.error(field).is_some(), "{field} has an error");
        }
        assert_eq!(errors.value("login"), Some("a"));
        assert_eq!(errors.value("phone"), Some("12"));
        assert_eq!(errors.value("password"), None);
    }
}
