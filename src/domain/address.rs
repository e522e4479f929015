//! Addresses within the portal.

/// The login page, which sends the person back to `here` afterwards.
pub fn login_then(here: &str) -> String {
    format!("/login?next={}", encode_component(here))
}

/// Percent-encodes a query parameter value.
pub fn encode_component(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
