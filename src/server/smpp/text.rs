//! Message text on the wire: the alphabets `data_coding` names, and the
//! user data header (UDH) of a concatenated message's parts.

/// The GSM 03.38 default alphabet, one septet per character; 0x1B is the
/// escape to the extension table.
const GSM_DEFAULT: [char; 128] = [
    '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å', //
    'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', '\u{1b}', 'Æ', 'æ', 'ß', 'É', //
    ' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/', //
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?', //
    '¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', //
    'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§', //
    '¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', //
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à', //
];

const ESCAPE: u8 = 0x1B;

/// The extension table: the septet after an escape, and its character.
const GSM_EXTENSION: [(u8, char); 10] = [
    (0x0A, '\u{c}'),
    (0x14, '^'),
    (0x28, '{'),
    (0x29, '}'),
    (0x2F, '\\'),
    (0x3C, '['),
    (0x3D, '~'),
    (0x3E, ']'),
    (0x40, '|'),
    (0x65, '€'),
];

/// The alphabets a submitted message may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    /// `data_coding` 0 (and the GSM message-class codings 0xF0–0xF3): the
    /// GSM 7-bit default alphabet, one septet per octet (unpacked).
    Gsm7,
    /// 1: IA5, that is ASCII.
    Ascii,
    /// 3: ISO 8859-1.
    Latin1,
    /// 8: UCS-2, big-endian; surrogate pairs are accepted as UTF-16.
    Ucs2,
}

impl Coding {
    /// The coding of a `data_coding` octet, or `None` for binary data and
    /// alphabets the platform does not carry.
    pub fn of(data_coding: u8) -> Option<Self> {
        match data_coding {
            0 | 0xF0..=0xF3 => Some(Self::Gsm7),
            1 => Some(Self::Ascii),
            3 => Some(Self::Latin1),
            8 => Some(Self::Ucs2),
            _ => None,
        }
    }

    pub fn data_coding(self) -> u8 {
        match self {
            Self::Gsm7 => 0,
            Self::Ascii => 1,
            Self::Latin1 => 3,
            Self::Ucs2 => 8,
        }
    }

    /// The text of `bytes`, or `None` when they are not valid in this coding.
    pub fn decode(self, bytes: &[u8]) -> Option<String> {
        match self {
            Self::Gsm7 => decode_gsm(bytes),
            Self::Ascii => bytes
                .iter()
                .all(u8::is_ascii)
                .then(|| bytes.iter().map(|&b| char::from(b)).collect()),
            Self::Latin1 => Some(bytes.iter().map(|&b| char::from(b)).collect()),
            Self::Ucs2 => {
                if !bytes.len().is_multiple_of(2) {
                    return None;
                }
                let units = bytes
                    .chunks_exact(2)
                    .map(|p| u16::from_be_bytes([p[0], p[1]]));
                char::decode_utf16(units)
                    .collect::<Result<String, _>>()
                    .ok()
            }
        }
    }
}

fn decode_gsm(bytes: &[u8]) -> Option<String> {
    let mut text = String::with_capacity(bytes.len());
    let mut septets = bytes.iter().copied();
    while let Some(septet) = septets.next() {
        if septet >= 0x80 {
            return None;
        }
        if septet == ESCAPE {
            let escaped = septets.next()?;
            let (_, c) = GSM_EXTENSION.iter().find(|(code, _)| *code == escaped)?;
            text.push(*c);
        } else {
            text.push(GSM_DEFAULT[usize::from(septet)]);
        }
    }
    Some(text)
}

/// `text` in the GSM default alphabet, unpacked, or `None` when a
/// character is not in it.
pub fn encode_gsm(text: &str) -> Option<Vec<u8>> {
    let mut bytes = Vec::with_capacity(text.len());
    for c in text.chars() {
        if let Some(septet) = GSM_DEFAULT.iter().position(|&g| g == c && c != '\u{1b}') {
            bytes.push(septet as u8);
        } else {
            let (code, _) = GSM_EXTENSION.iter().find(|(_, e)| *e == c)?;
            bytes.extend([ESCAPE, *code]);
        }
    }
    Some(bytes)
}

/// `text` as UCS-2 (UTF-16 big-endian).
pub fn encode_ucs2(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

/// The part of a concatenated message a user data header names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    pub reference: u16,
    pub total: u8,
    pub number: u8,
}

/// Splits user data that starts with a header (UDHI set) into the
/// concatenation it names, if any, and the message bytes; `None` when the
/// header does not fit.
pub fn split_header(user_data: &[u8]) -> Option<(Option<Part>, &[u8])> {
    let (&length, rest) = user_data.split_first()?;
    let length = usize::from(length);
    if rest.len() < length {
        return None;
    }
    let (mut header, body) = rest.split_at(length);
    let mut part = None;
    while let [id, len, tail @ ..] = header {
        let len = usize::from(*len);
        if tail.len() < len {
            return None;
        }
        let (value, next) = tail.split_at(len);
        let named = match (*id, value) {
            (0x00, &[reference, total, number]) => Some(Part {
                reference: u16::from(reference),
                total,
                number,
            }),
            (0x08, &[high, low, total, number]) => Some(Part {
                reference: u16::from_be_bytes([high, low]),
                total,
                number,
            }),
            _ => None,
        };
        part = named.or(part);
        header = next;
    }
    if !header.is_empty() {
        return None;
    }
    match part {
        Some(p) if p.total == 0 || p.number == 0 || p.number > p.total => None,
        _ => Some((part, body)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gsm_round_trips_the_default_and_extension_tables() {
        let text = "Hello @£$ ÄÖÑÜ § ¿ {curly} [square] ~ | \\ ^ €5";
        let bytes = encode_gsm(text).unwrap();
        assert_eq!(bytes[..5], *b"Hello");
        assert_eq!(Coding::Gsm7.decode(&bytes).as_deref(), Some(text));
        assert_eq!(encode_gsm("€").unwrap(), vec![0x1B, 0x65]);
        assert_eq!(encode_gsm("@").unwrap(), vec![0x00]);
        assert_eq!(encode_gsm("Привет"), None);
    }

    #[test]
    fn malformed_text_is_refused_not_guessed() {
        assert_eq!(Coding::Gsm7.decode(&[0x80]), None, "not a septet");
        assert_eq!(Coding::Gsm7.decode(&[0x1B]), None, "escape at the end");
        assert_eq!(
            Coding::Gsm7.decode(&[0x1B, 0x41]),
            None,
            "no such extension"
        );
        assert_eq!(Coding::Ucs2.decode(&[0x00]), None, "odd length");
        assert_eq!(Coding::Ucs2.decode(&[0xD8, 0x00]), None, "lone surrogate");
        assert_eq!(Coding::Ascii.decode(&[0xE9]), None);
        assert_eq!(Coding::of(4), None, "binary");
    }

    #[test]
    fn ucs2_carries_any_text_including_astral_characters() {
        let text = "Привет, 世界 🎉";
        assert_eq!(
            Coding::Ucs2.decode(&encode_ucs2(text)).as_deref(),
            Some(text)
        );
        assert_eq!(
            Coding::Latin1.decode(&[0x63, 0x61, 0x66, 0xE9]).as_deref(),
            Some("café")
        );
    }

    #[test]
    fn headers_name_their_part() {
        let eight_bit = [5, 0x00, 3, 0x2A, 3, 2, b'h', b'i'];
        let (part, body) = split_header(&eight_bit).unwrap();
        assert_eq!(
            part,
            Some(Part {
                reference: 0x2A,
                total: 3,
                number: 2
            })
        );
        assert_eq!(body, b"hi");
        let sixteen_bit = [6, 0x08, 4, 0x01, 0x02, 2, 1, b'x'];
        let (part, body) = split_header(&sixteen_bit).unwrap();
        assert_eq!(
            part,
            Some(Part {
                reference: 0x0102,
                total: 2,
                number: 1
            })
        );
        assert_eq!(body, b"x");
        let other_element = [3, 0x24, 1, 0x01, b'y'];
        assert_eq!(split_header(&other_element), Some((None, &b"y"[..])));
        for broken in [
            &[][..],
            &[9, 0, 3],
            &[5, 0x00, 3, 1, 0, 1],
            &[5, 0x00, 3, 1, 2, 3],
            &[2, 0x00, 3],
        ] {
            assert_eq!(split_header(broken), None, "{broken:?}");
        }
    }
}
