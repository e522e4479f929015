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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_way_back_keeps_its_path_and_escapes_its_query() {
        assert_eq!(login_then("/prices"), "/login?next=/prices");
        assert_eq!(
            login_then("/analytics/details?status=failed&q=+44 7"),
            "/login?next=/analytics/details%3Fstatus%3Dfailed%26q%3D%2B44%207"
        );
    }
}
