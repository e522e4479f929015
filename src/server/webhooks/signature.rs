//! Signing secrets and signatures: `whsec_` + base64 of the key, and
//! `v1,` + base64 of HMAC-SHA256(key, "{id}.{timestamp}.{body}").

use base64::{engine::general_purpose::STANDARD, Engine};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

const PREFIX: &str = "whsec_";

/// A new secret: 24 random bytes (Standard Webhooks asks for 24 to 64).
pub fn new_secret() -> String {
    let mut key = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut key);
    format!("{PREFIX}{}", STANDARD.encode(key))
}

/// The key inside a secret, `None` if it is not one of ours.
pub fn key_of(secret: &str) -> Option<Vec<u8>> {
    STANDARD.decode(secret.strip_prefix(PREFIX)?).ok()
}

/// The `webhook-signature` header's value for one attempt.
pub fn sign(key: &[u8], id: &str, timestamp: i64, body: &str) -> String {
    // HMAC takes a key of any length: this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body.as_bytes());
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_holds_its_key() {
        let secret = new_secret();
        assert!(secret.starts_with("whsec_"));
        assert_eq!(key_of(&secret).map(|key| key.len()), Some(24));
        assert_eq!(key_of("sk_nope"), None);
    }

    #[test]
    fn matches_the_specification_s_published_example() {
        let key = key_of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let signature = sign(
            &key,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn signs_as_the_standard_s_reference_implementation_verifies() {
        let secret = new_secret();
        let body = r#"{"type":"message.delivered","data":{}}"#;
        let timestamp = time::OffsetDateTime::now_utc().unix_timestamp();
        let signature = sign(&key_of(&secret).unwrap(), "msg_1", timestamp, body);
        let mut headers = http::HeaderMap::new();
        headers.insert("webhook-id", "msg_1".parse().unwrap());
        headers.insert("webhook-timestamp", timestamp.to_string().parse().unwrap());
        headers.insert("webhook-signature", signature.parse().unwrap());
        let verifier = standardwebhooks::Webhook::new(&secret).unwrap();
        verifier.verify(body.as_bytes(), &headers).unwrap();
        // A byte changed anywhere is refused.
        assert!(verifier.verify(b"{}", &headers).is_err());
        headers.insert("webhook-id", "msg_2".parse().unwrap());
        assert!(verifier.verify(body.as_bytes(), &headers).is_err());
    }
}
