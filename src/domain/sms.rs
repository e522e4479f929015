//! How many SMS parts a text takes: GSM-7 when every character fits the GSM
//! 03.38 alphabet (extension characters count twice), UCS-2 otherwise.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Encoding {
    Gsm7,
    Ucs2,
}

impl Encoding {
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Gsm7 => "GSM-7",
            Encoding::Ucs2 => "Unicode (UCS-2)",
        }
    }
}

/// The size of a text as the network sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segments {
    pub encoding: Encoding,
    /// Septets (GSM-7) or UTF-16 code units (UCS-2).
    pub units: usize,
    pub parts: usize,
    /// Units a single part holds in this encoding, given the length.
    pub per_part: usize,
}

/// The most parts a campaign text may take (about 1,500 GSM-7 characters).
pub const MAX_PARTS: usize = 10;

const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENSION: &str = "^{}\\[~]|€\u{c}";

fn gsm_septets(c: char) -> Option<usize> {
    if GSM_BASIC.contains(c) {
        Some(1)
    } else if GSM_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

impl Segments {
    pub fn of(text: &str) -> Self {
        let gsm: Option<usize> = text.chars().map(gsm_septets).sum();
        let (encoding, units, single, multi) = match gsm {
            Some(septets) => (Encoding::Gsm7, septets, 160, 153),
            None => (Encoding::Ucs2, text.encode_utf16().count(), 70, 67),
        };
        let (parts, per_part) = match units {
            0 => (0, single),
            n if n <= single => (1, single),
            n => (n.div_ceil(multi), multi),
        };
        Self {
            encoding,
            units,
            parts,
            per_part,
        }
    }

    /// Units left before the next part begins.
    pub fn remaining(&self) -> usize {
        (self.parts.max(1) * self.per_part).saturating_sub(self.units)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gsm7_fits_160_then_153_per_part() {
        assert_eq!(Segments::of("").parts, 0);
        assert_eq!(Segments::of(&"a".repeat(160)).parts, 1);
        assert_eq!(Segments::of(&"a".repeat(161)).parts, 2);
        assert_eq!(Segments::of(&"a".repeat(306)).parts, 2);
        assert_eq!(Segments::of(&"a".repeat(307)).parts, 3);
        assert_eq!(Segments::of("Hello £5 @ café").encoding, Encoding::Gsm7);
    }

    #[test]
    fn extension_characters_take_two_septets() {
        let text = "€".repeat(80);
        let segments = Segments::of(&text);
        assert_eq!(
            (segments.encoding, segments.units, segments.parts),
            (Encoding::Gsm7, 160, 1)
        );
        assert_eq!(Segments::of(&"€".repeat(81)).parts, 2);
    }

    #[test]
    fn anything_outside_gsm_switches_to_ucs2_70_then_67() {
        let segments = Segments::of("Zażółć gęślą jaźń");
        assert_eq!(segments.encoding, Encoding::Ucs2);
        assert_eq!(Segments::of(&"ż".repeat(70)).parts, 1);
        assert_eq!(Segments::of(&"ż".repeat(71)).parts, 2);
        assert_eq!(Segments::of(&"ż".repeat(134)).parts, 2);
        assert_eq!(Segments::of(&"ż".repeat(135)).parts, 3);
        // An emoji is two UTF-16 code units.
        assert_eq!(Segments::of(&"😀".repeat(35)).units, 70);
        assert_eq!(Segments::of(&"😀".repeat(36)).parts, 2);
    }

    #[test]
    fn remaining_counts_down_within_the_part() {
        assert_eq!(Segments::of("abc").remaining(), 157);
        assert_eq!(Segments::of(&"a".repeat(161)).remaining(), 145);
    }
}
