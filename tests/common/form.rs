//! Form bodies as browsers post them (`application/x-www-form-urlencoded`).

/// `name=value&…`, every byte but the unreserved ones percent-encoded.
pub fn encode_form<V: AsRef<str>>(form: &[(&str, V)]) -> String {
    form.iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value.as_ref())))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
