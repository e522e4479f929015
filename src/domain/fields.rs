use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a field value was refused, in words a person understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError(pub &'static str);

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for FieldError {}

macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

/// A login: 3–64 letters, digits, `.`, `_` or `-`. Logins are unique
/// platform-wide regardless of letter case; `normalized` gives the key for that.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Login(String);
string_newtype!(Login);

impl Login {
    pub const MIN: usize = 3;
    pub const MAX: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(FieldError("Enter a login."));
        }
        let len = value.chars().count();
        if len < Self::MIN {
            return Err(FieldError("A login has at least 3 characters."));
        }
        if len > Self::MAX {
            return Err(FieldError("A login has at most 64 characters."));
        }
        if !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err(FieldError(
                "Use only letters, digits, dots, underscores and dashes.",
            ));
        }
        Ok(Self(value.to_owned()))
    }

    /// The case-insensitive key under which uniqueness is enforced.
    pub fn normalized(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

/// A new password: 12–128 characters, no composition rules (ASVS 2.1.1/2.1.2).
/// Deliberately not `Display` or `Serialize`, so it cannot end up in a log or a response.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl Password {
    pub const MIN: usize = 12;
    pub const MAX: usize = 128;

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let len = raw.chars().count();
        if len == 0 {
            return Err(FieldError("Enter a password."));
        }
        if len < Self::MIN {
            return Err(FieldError("A password has at least 12 characters."));
        }
        if len > Self::MAX {
            return Err(FieldError("A password has at most 128 characters."));
        }
        if is_common_password(raw) {
            return Err(FieldError(
                "This password is among the most common ones. Choose another.",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Whether `raw` is on the shipped list of the ~100,000 most common
/// passwords (ASVS 2.1.7), in any letter case. Server only: the list is a
/// megabyte, far too big for the browser, which checks the length alone and
/// shows the server's answer next to the field.
#[cfg(feature = "ssr")]
fn is_common_password(raw: &str) -> bool {
    use passwords::analyzer::is_common_password as listed;
    listed(raw) || listed(raw.to_lowercase())
}

#[cfg(not(feature = "ssr"))]
fn is_common_password(_: &str) -> bool {
    false
}

/// A person's first and last name, 1–100 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);
string_newtype!(PersonName);

impl PersonName {
    pub const MAX: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let value = collapse_spaces(raw);
        if value.is_empty() {
            return Err(FieldError("Enter a name."));
        }
        if value.chars().count() > Self::MAX {
            return Err(FieldError("A name has at most 100 characters."));
        }
        if value.chars().any(char::is_control) {
            return Err(FieldError("A name cannot contain control characters."));
        }
        Ok(Self(value))
    }
}

/// What an owner calls an API key ("Shop backend"): 1–60 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyName(String);
string_newtype!(KeyName);

impl KeyName {
    pub const MAX: usize = 60;

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let value = collapse_spaces(raw);
        if value.is_empty() {
            return Err(FieldError(
                "Name the key after what uses it, e.g. Shop backend.",
            ));
        }
        if value.chars().count() > Self::MAX {
            return Err(FieldError("A key name has at most 60 characters."));
        }
        if value.chars().any(char::is_control) {
            return Err(FieldError("A key name cannot contain control characters."));
        }
        Ok(Self(value))
    }
}

/// An optional company name of at most 100 characters; empty means none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyName(String);
string_newtype!(CompanyName);

impl CompanyName {
    pub const MAX: usize = 100;

    pub fn parse_optional(raw: &str) -> Result<Option<Self>, FieldError> {
        let value = collapse_spaces(raw);
        if value.is_empty() {
            return Ok(None);
        }
        if value.chars().count() > Self::MAX {
            return Err(FieldError("A company name has at most 100 characters."));
        }
        if value.chars().any(char::is_control) {
            return Err(FieldError(
                "A company name cannot contain control characters.",
            ));
        }
        Ok(Some(Self(value)))
    }
}

/// A phone number in E.164: `+` then 8–15 digits. Spaces, dashes, dots and
/// brackets are dropped first, so `+44 (20) 7946-0958` is accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone(String);
string_newtype!(Phone);

impl Phone {
    /// Reads a number typed in a list: also accepts the `00` international prefix.
    pub fn parse_lenient(raw: &str) -> Result<Self, FieldError> {
        let trimmed = raw.trim();
        match trimmed.strip_prefix("00") {
            Some(rest) => Self::parse(&format!("+{rest}")),
            None => Self::parse(trimmed),
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let compact: String = raw
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.' | '\u{a0}'))
            .collect();
        if compact.is_empty() {
            return Err(FieldError("Enter a phone number."));
        }
        let Some(digits) = compact.strip_prefix('+') else {
            return Err(FieldError(
                "Start with + and the country code, e.g. +44 7430 900123.",
            ));
        };
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(FieldError("A phone number holds digits only after the +."));
        }
        if !(8..=15).contains(&digits.len()) {
            return Err(FieldError("A phone number has 8 to 15 digits after the +."));
        }
        if digits.starts_with('0') {
            return Err(FieldError("A country code never starts with 0."));
        }
        Ok(Self(compact))
    }
}

/// An email address, stored lower-cased. The check is deliberately modest
/// (one `@`, a dotted domain, no spaces): only a sent mail proves an address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);
string_newtype!(Email);

impl Email {
    pub const MAX: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let value = raw.trim().to_lowercase();
        const INVALID: FieldError = FieldError("Enter an email address like name@example.com.");
        if value.is_empty() {
            return Err(FieldError("Enter an email address."));
        }
        if value.len() > Self::MAX {
            return Err(FieldError("An email address has at most 254 characters."));
        }
        let Some((local, domain)) = value.split_once('@') else {
            return Err(INVALID);
        };
        let domain_ok = domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        if !(local_ok && domain_ok) {
            return Err(INVALID);
        }
        Ok(Self(value))
    }
}

fn collapse_spaces(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn login_accepts_the_allowed_alphabet_and_trims() {
        assert_eq!(
            Login::parse("  Anna.K_9-x ").unwrap().as_str(),
            "Anna.K_9-x"
        );
        assert_eq!(Login::parse("AnNa").unwrap().normalized(), "anna");
    }

    #[test]
    fn login_refuses_short_long_and_foreign_characters() {
        assert_eq!(Login::parse("").unwrap_err().0, "Enter a login.");
        assert!(Login::parse("ab").unwrap_err().0.contains("at least 3"));
        assert!(Login::parse(&"a".repeat(65))
            .unwrap_err()
            .0
            .contains("at most 64"));
        for bad in ["an na", "anna@x", "ännä", "a'; drop", "<b>x</b>", "tab\tx"] {
            assert!(Login::parse(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn password_length_bounds_count_characters_not_bytes() {
        assert!(Password::parse(&"x".repeat(11)).is_err());
        assert!(Password::parse(&"xy".repeat(6)).is_ok());
        assert!(Password::parse(&"é".repeat(12)).is_ok());
        assert!(Password::parse(&"x".repeat(128)).is_ok());
        assert!(Password::parse(&"x".repeat(129)).is_err());
        assert_eq!(Password::parse("").unwrap_err().0, "Enter a password.");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn common_passwords_are_refused_in_any_case() {
        for common in [
            "password1234",
            "PassWord1234",
            "123456789012",
            "iloveyou1234",
        ] {
            assert!(
                Password::parse(common)
                    .unwrap_err()
                    .0
                    .contains("most common"),
                "{common}"
            );
        }
        assert!(Password::parse("correct horse battery staple").is_ok());
    }

    #[test]
    fn password_never_prints_its_value() {
        let password = Password::parse("correct horse battery").unwrap();
        assert!(!format!("{password:?}").contains("horse"));
    }

    #[test]
    fn phone_is_normalised_to_e164() {
        assert_eq!(
            Phone::parse("+44 (20) 7946-0958").unwrap().as_str(),
            "+442079460958"
        );
        assert_eq!(
            Phone::parse("+1.415.555.0100").unwrap().as_str(),
            "+14155550100"
        );
        assert!(Phone::parse("07946 0958")
            .unwrap_err()
            .0
            .contains("Start with +"));
        assert!(Phone::parse("+12345").unwrap_err().0.contains("8 to 15"));
        assert!(Phone::parse("+1234567890123456").is_err());
        assert!(Phone::parse("+44 7946 abc")
            .unwrap_err()
            .0
            .contains("digits only"));
        assert!(Phone::parse("+0123456789").is_err());
    }

    #[test]
    fn the_international_prefix_00_reads_as_plus() {
        assert_eq!(
            Phone::parse_lenient("0044 7430 900123").unwrap().as_str(),
            "+447430900123"
        );
    }

    #[test]
    fn email_is_lowercased_and_checked() {
        assert_eq!(
            Email::parse(" Anna@Example.COM ").unwrap().as_str(),
            "anna@example.com"
        );
        for bad in [
            "",
            "anna",
            "anna@",
            "@example.com",
            "anna@example",
            "an na@example.com",
            "anna@@example.com",
            "anna@exa_mple.com",
            ".anna@example.com",
            "anna@-x.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            PersonName::parse("  Anna   Kowalska ").unwrap().as_str(),
            "Anna Kowalska"
        );
        assert!(PersonName::parse("   ").is_err());
        assert!(PersonName::parse(&"a".repeat(101)).is_err());
        assert_eq!(CompanyName::parse_optional("  ").unwrap(), None);
        assert!(CompanyName::parse_optional(&"c".repeat(101)).is_err());
    }

    proptest! {
        #[test]
        fn any_valid_login_roundtrips(raw in "[A-Za-z0-9._-]{3,64}") {
            let login = Login::parse(&raw).unwrap();
            prop_assert_eq!(login.as_str(), raw.as_str());
            prop_assert_eq!(Login::parse(&raw.to_uppercase()).unwrap().normalized(), login.normalized());
        }

        #[test]
        fn parsers_never_panic_and_explain_refusals(raw in "\\PC{0,300}") {
            for result in [
                Login::parse(&raw).map(|_| ()),
                Password::parse(&raw).map(|_| ()),
                PersonName::parse(&raw).map(|_| ()),
                Phone::parse(&raw).map(|_| ()),
                Email::parse(&raw).map(|_| ()),
                CompanyName::parse_optional(&raw).map(|_| ()),
            ] {
                if let Err(error) = result {
                    prop_assert!(error.0.ends_with('.'));
                }
            }
        }

        #[test]
        fn accepted_phones_are_e164(raw in "[+]?[0-9 ()-]{0,24}") {
            if let Ok(phone) = Phone::parse(&raw) {
                let digits = &phone.as_str()[1..];
                prop_assert!(phone.as_str().starts_with('+'));
                prop_assert!((8..=15).contains(&digits.len()));
                prop_assert!(digits.bytes().all(|b| b.is_ascii_digit()));
            }
        }

        #[test]
        fn accepted_emails_are_lowercase_without_spaces(local in "[a-zA-Z0-9._%+-]{1,20}", domain in "[a-zA-Z0-9-]{1,20}\\.[a-z]{2,6}") {
            if let Ok(email) = Email::parse(&format!("{local}@{domain}")) {
                prop_assert_eq!(email.as_str(), email.as_str().to_lowercase());
                prop_assert!(!email.as_str().contains(' '));
            }
        }
    }
}
