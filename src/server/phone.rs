//! Phone numbers read with libphonenumber's metadata (the `phonenumber`
//! crate): which country a number belongs to, how it is grouped, what a
//! national number means in a given country. Server only: the metadata is
//! large and stays out of the wasm.

use phonenumber::{country, Mode, PhoneNumber};

fn parse(e164: &str) -> Option<PhoneNumber> {
    phonenumber::parse(None, e164).ok()
}

/// `+447430900201` as `+44 7430 900201`, the way the number's country
/// groups it; a number the metadata does not know stays as it is.
pub fn grouped(e164: &str) -> String {
    parse(e164)
        .map(|number| number.format().mode(Mode::International).to_string())
        .unwrap_or_else(|| e164.to_owned())
}

/// A number with its middle hidden: the whole country code, the first
/// digit after it and the last three (`+353 8*** ***123`).
pub fn masked(e164: &str) -> String {
    let digits: String = e164.chars().filter(char::is_ascii_digit).collect();
    let code = parse(e164)
        .map(|number| number.code().value().to_string())
        .filter(|code| digits.starts_with(code.as_str()))
        // Unknown to the metadata: the shortest plausible code, one digit.
        .unwrap_or_else(|| digits.chars().take(1).collect());
    let national = &digits[code.len()..];
    // Too short to hide six digits and still show four: show none.
    if national.len() < 7 {
        return format!("+{code} *** ***");
    }
    format!(
        "+{code} {}*** ***{}",
        &national[..1],
        &national[national.len() - 3..]
    )
}

/// The ISO code of the country a number belongs to (`GB`): the region its
/// digits are assigned to, else the main country of its calling code.
pub fn country_of(e164: &str) -> Option<String> {
    let number = parse(e164)?;
    if let Some(id) = number.country().id() {
        return Some(format!("{id:?}"));
    }
    let code = number.code().value();
    let regions = phonenumber::metadata::DATABASE.region(&code)?;
    regions.first().map(|region| (*region).to_owned())
}

/// The country (ISO code) of a number libphonenumber's metadata holds
/// valid: a length and a range assigned in its country. `None` for the
/// others (`+44 7700 900123`, a drama range, is one).
pub fn valid_country(e164: &str) -> Option<String> {
    let number = parse(e164).filter(phonenumber::is_valid)?;
    number.country().id().map(|id| format!("{id:?}"))
}

/// A number typed in national form (`07430 900203`) read as a number of
/// `country` (ISO code, e.g. `GB`), in E.164 (whose length the caller
/// checks); `None` when it cannot be read so.
pub fn from_national(raw: &str, country: &str) -> Option<String> {
    let country: country::Id = country.parse().ok()?;
    let number = phonenumber::parse(Some(country), raw).ok()?;
    Some(number.format().mode(Mode::E164).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_is_valid_only_in_an_assigned_range_of_its_country() {
        for (number, country) in [
            ("+447400123456", "GB"),
            ("+4915112345678", "DE"),
            ("+12025550143", "US"),
            ("+14165550143", "CA"),
            ("+447911123456", "GG"),
            ("+447797123456", "JE"),
            ("+447624123456", "IM"),
            ("+33612345678", "FR"),
        ] {
            assert_eq!(valid_country(number).as_deref(), Some(country), "{number}");
        }
        for number in [
            "+447700900123", // Ofcom's drama range
            "+44740012345",  // a digit short
            "+4474001234567",
            "+4915",
            "+999123456789", // no such country code
            "not a number",
        ] {
            assert_eq!(valid_country(number), None, "{number}");
        }
    }

    #[test]
    fn numbers_are_grouped_as_their_country_writes_them() {
        assert_eq!(grouped("+447430900201"), "+44 7430 900201");
        assert_eq!(grouped("+14155550100"), "+1 415-555-0100");
        assert_eq!(grouped("not a number"), "not a number");
    }

    #[test]
    fn masking_keeps_the_whole_country_code() {
        assert_eq!(masked("+447430900123"), "+44 7*** ***123");
        assert_eq!(masked("+353871234123"), "+353 8*** ***123");
        assert_eq!(masked("+14155550100"), "+1 4*** ***100");
        assert_eq!(masked("+12"), "+1 *** ***");
        assert_eq!(
            masked("+29022345"),
            "+290 *** ***",
            "a short number keeps its digits hidden"
        );
    }

    #[test]
    fn a_number_knows_its_country() {
        assert_eq!(country_of("+447430900123").as_deref(), Some("GB"));
        assert_eq!(country_of("+353871234567").as_deref(), Some("IE"));
        assert_eq!(country_of("nonsense"), None);
    }

    #[test]
    fn national_numbers_take_the_default_country() {
        assert_eq!(
            from_national("07430 900203", "GB").as_deref(),
            Some("+447430900203")
        );
        assert_eq!(
            from_national("087 123 4567", "IE").as_deref(),
            Some("+353871234567")
        );
        assert_eq!(from_national("07430 900203", "XX"), None);
        assert_eq!(from_national("not a number", "GB"), None);
    }
}
