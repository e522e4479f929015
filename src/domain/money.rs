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

    /// Parses an amount typed in euros: `50`, `50.5`, `50,50` (a decimal
    /// comma), `1,250.00` or `1.250,00`. A lone separator before three
    /// digits (`1,250`, `1.250`) could be either kind and is refused, as is
    /// anything else that reads two ways (`1,000,5`).
    pub fn parse_euros(raw: &str) -> Result<Self, super::FieldError> {
        const INVALID: super::FieldError =
            super::FieldError("Enter an amount in euros, e.g. 50 or 49.99.");
        const AMBIGUOUS: super::FieldError = super::FieldError(
            "Is that a decimal or a thousands separator? Write 1250 or 12.50 (or 12,50).",
        );
        let cleaned: String = raw
            .trim()
            .trim_start_matches('€')
            .trim_end_matches("EUR")
            .trim_end_matches('€')
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
            .collect();
        let is_separator = |c: char| c == '.' || c == ',';
        // The last separator is the decimal one when one or two digits follow it.
        let (whole, fraction, decimal) = match cleaned.rfind(is_separator) {
            Some(at) if (1..=2).contains(&(cleaned.len() - at - 1)) => (
                &cleaned[..at],
                &cleaned[at + 1..],
                cleaned[at..].chars().next(),
            ),
            _ => (cleaned.as_str(), "", None),
        };
        // What separators remain group thousands: one kind, not the decimal
        // one, three digits a group.
        let mut groups = whole.split(is_separator);
        let thousands: Vec<char> = whole.chars().filter(|c| is_separator(*c)).collect();
        if let Some(&kind) = thousands.first() {
            if thousands.iter().any(|c| *c != kind) || Some(kind) == decimal {
                return Err(AMBIGUOUS);
            }
            if decimal.is_none() && thousands.len() == 1 {
                return Err(AMBIGUOUS);
            }
            let first = groups.next().unwrap_or_default();
            if first.is_empty() || first.len() > 3 || groups.any(|group| group.len() != 3) {
                return Err(INVALID);
            }
        }
        let digits: String = whole.chars().filter(|c| !is_separator(*c)).collect();
        if digits.is_empty() || digits.len() > 9 {
            return Err(INVALID);
        }
        if !digits
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
        {
            return Err(INVALID);
        }
        let whole: i64 = digits.parse().map_err(|_| INVALID)?;
        let cents: i64 = format!("{fraction:0<2}").parse().map_err(|_| INVALID)?;
        Ok(Money(whole * Self::PER_EURO + cents * Self::PER_CENT))
    }

    /// `€1,234.56` (rounded to the cent, as on a statement).
    pub fn display(self) -> String {
        let cents = (self.0.abs() + Self::PER_CENT / 2) / Self::PER_CENT;
        let sign = if self.0 < 0 { "−" } else { "" };
        format!("{sign}€{}.{:02}", group_thousands(cents / 100), cents % 100)
    }

    /// `1250.50`, `-3.07`: rounded to the cent, without symbol or grouping,
    /// as a form field, a URL or a CSV file carries an amount.
    pub fn plain(self) -> String {
        let cents = (self.0.abs() + Self::PER_CENT / 2) / Self::PER_CENT;
        let sign = if self.0 < 0 { "-" } else { "" };
        format!("{sign}{}.{:02}", cents / 100, cents % 100)
    }

    /// `12495.6100`, `-0.0450`: every digit, as the HTTP API writes amounts.
    pub fn exact(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let units = self.0.abs();
        format!(
            "{sign}{}.{:04}",
            units / Self::PER_EURO,
            units % Self::PER_EURO
        )
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

/// A sub-account's monthly spending cap: at least a cent, at most a million
/// euros. An empty field means no cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpendingCap(Money);

impl SpendingCap {
    pub const MAX: Money = Money(1_000_000 * Money::PER_EURO);

    pub fn parse_optional(raw: &str) -> Result<Option<Self>, super::FieldError> {
        if raw.trim().is_empty() {
            return Ok(None);
        }
        let amount = Money::parse_euros(raw)?;
        if amount.0 <= 0 || amount > Self::MAX {
            return Err(super::FieldError(
                "A cap is from €0.01 to €1,000,000 a month; leave the field empty for none.",
            ));
        }
        Ok(Some(Self(amount)))
    }

    pub fn money(self) -> Money {
        self.0
    }
}

/// `66944` as `66,944`: counts and amounts with thousands separators.
pub fn group_thousands(n: i64) -> String {
    if n < 0 {
        return format!("-{}", group_thousands(n.unsigned_abs() as i64));
    }
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
    fn a_spending_cap_is_empty_or_a_positive_amount_up_to_a_million() {
        assert_eq!(SpendingCap::parse_optional("  "), Ok(None));
        assert_eq!(
            SpendingCap::parse_optional("200")
                .unwrap()
                .map(SpendingCap::money),
            Some(Money::euros(200))
        );
        assert_eq!(
            SpendingCap::parse_optional("1,000,000.00")
                .unwrap()
                .map(SpendingCap::money),
            Some(SpendingCap::MAX)
        );
        for refused in ["0", "0.00", "1000000.01", "-5", "lots", "1,000"] {
            assert!(SpendingCap::parse_optional(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn parses_typed_euros() {
        assert_eq!(Money::parse_euros("50").unwrap(), Money::euros(50));
        assert_eq!(Money::parse_euros("€1,250.5").unwrap(), Money(12_505_000));
        assert_eq!(Money::parse_euros(" 0.99 ").unwrap(), Money(9_900));
        for bad in [
            "",
            "abc",
            "1.234",
            "-5",
            "1e3",
            "12.3.4",
            "9999999999",
            "€",
            "50.",
        ] {
            assert!(Money::parse_euros(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reads_a_decimal_comma_and_refuses_what_reads_two_ways() {
        let cents = |raw: &str| Money::parse_euros(raw).map(|m| m.0 / Money::PER_CENT);
        assert_eq!(cents("50,50"), Ok(5_050), "not €5,050");
        assert_eq!(cents("50,5"), Ok(5_050));
        assert_eq!(cents("1.250,00"), Ok(125_000));
        assert_eq!(cents("1,250.00"), Ok(125_000));
        assert_eq!(cents("1 250,00 €"), Ok(125_000));
        assert_eq!(cents("1,000,000"), Ok(100_000_000));
        for ambiguous in ["1,000,5", "1,250", "1.250", "1.000,000.5", "12,345.678"] {
            assert!(Money::parse_euros(ambiguous).is_err(), "{ambiguous}");
        }
        assert!(
            Money::parse_euros("1,2345,00").is_err(),
            "groups of three only"
        );
    }

    #[test]
    fn displays_statement_and_unit_prices() {
        assert_eq!(Money(12_345_678).display(), "€1,234.57");
        assert_eq!(Money(-500).display(), "−€0.05");
        assert_eq!(Money(350).display_precise(), "€0.0350");
        assert_eq!(Money::euros(0).display(), "€0.00");
        assert_eq!(group_thousands(66_944), "66,944");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(-1_000_000), "-1,000,000");
        assert_eq!(Money(12_505_000).plain(), "1250.50");
        assert_eq!(Money(-30_650).plain(), "-3.07");
        assert_eq!(
            Money::parse_euros(&Money(505_000).plain()),
            Ok(Money(505_000))
        );
    }
}
