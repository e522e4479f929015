//! Money as integer units of 0.0001 EUR: SMS prices have sub-cent precision,
//! and integers keep every balance exact.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Money(pub i64);

impl Money {
    pub const PER_EURO: i64 = 10_000;
    pub const PER_CENT: i64 = 100;

    pub fn euros(euros: i64) -> Self {
        Money(euros * Self::PER_EURO)
    }

    /// Parses an amount typed in euros, such as `50`, `50.5` or `1,250.00`.
    pub fn parse_euros(raw: &str) -> Result<Self, super::FieldError> {
        let cleaned: String = raw
            .trim()
            .trim_start_matches('€')
            .chars()
            .filter(|c| *c != ',' && *c != ' ')
            .collect();
        const INVALID: super::FieldError =
            super::FieldError("Enter an amount in euros, e.g. 50 or 49.99.");
        let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
        if whole.is_empty() || whole.len() > 9 || fraction.len() > 2 {
            return Err(INVALID);
        }
        if !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
        {
            return Err(INVALID);
        }
        let whole: i64 = whole.parse().map_err(|_| INVALID)?;
        let cents: i64 = format!("{fraction:0<2}").parse().map_err(|_| INVALID)?;
        Ok(Money(whole * Self::PER_EURO + cents * Self::PER_CENT))
    }

    /// `€1,234.56` (rounded to the cent, as on a statement).
    pub fn display(self) -> String {
        let cents = (self.0.abs() + Self::PER_CENT / 2) / Self::PER_CENT;
        let sign = if self.0 < 0 { "−" } else { "" };
        format!("{sign}€{}.{:02}", group_thousands(cents / 100), cents % 100)
    }

    /// `€0.0350`: the full precision, for unit prices.
    pub fn display_precise(self) -> String {
        let sign = if self.0 < 0 { "−" } else { "" };
        let units = self.0.abs();
        format!(
            "{sign}€{}.{:04}",
            group_thousands(units / Self::PER_EURO),
            units % Self::PER_EURO
        )
    }
}

fn group_thousands(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_typed_euros() {
        assert_eq!(Money::parse_euros("50").unwrap(), Money::euros(50));
        assert_eq!(Money::parse_euros("€1,250.5").unwrap(), Money(12_505_000));
        assert_eq!(Money::parse_euros(" 0.99 ").unwrap(), Money(9_900));
        for bad in ["", "abc", "1.234", "-5", "1e3", "12.3.4", "9999999999"] {
            assert!(Money::parse_euros(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn displays_statement_and_unit_prices() {
        assert_eq!(Money(12_345_678).display(), "€1,234.57");
        assert_eq!(Money(-500).display(), "−€0.05");
        assert_eq!(Money(350).display_precise(), "€0.0350");
        assert_eq!(Money::euros(0).display(), "€0.00");
    }
}
