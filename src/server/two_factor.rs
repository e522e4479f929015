//! Two-factor authentication: TOTP codes (RFC 6238: HMAC-SHA1, 30-second
//! steps, six digits), the enrolment's QR code, and single-use recovery
//! codes. A code is accepted once: the step it belongs to is remembered,
//! and only a later step passes afterwards.

use crate::server::db::Write as _;
use blake2::{Blake2s256, Digest};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;

use super::db::{self, begin_write, Pool};
use crate::domain::wire::IntFlag;

/// Seconds per step, and the steps either side of now that still pass
/// (a phone's clock a little off).
const STEP_SECONDS: u64 = 30;
const SKEW_STEPS: u64 = 1;
/// Ten recovery codes, each 16 characters of base32: 80 random bits, so a
/// plain hash of them cannot be reversed by trying.
pub const RECOVERY_CODES: usize = 10;

/// The code of `secret` at time step `step` (RFC 4226's truncation).
pub fn code_at(secret: &[u8], step: u64) -> u32 {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    binary % 1_000_000
}

/// The time step of the Unix second `now`.
pub fn step_of(now: u64) -> u64 {
    now / STEP_SECONDS
}

fn now_step() -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    step_of(now)
}

/// RFC 4648 base32 without padding: how authenticator apps take secrets.
pub fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0_u32, 0_u32);
    for byte in bytes {
        buffer = (buffer << 8) | u32::from(*byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The `otpauth://` address an authenticator app reads from the QR code.
pub fn otpauth_uri(login: &str, secret: &[u8]) -> String {
    let issuer = "SMS Portal";
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period=30",
        crate::domain::encode_component(issuer),
        crate::domain::encode_component(login),
        base32(secret),
        crate::domain::encode_component(issuer),
    )
}

/// The QR code of `text` as an SVG image, drawn by the server.
pub fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

/// A code as typed: digits, spaces and dashes allowed around them.
fn typed_digits(typed: &str) -> Option<u32> {
    let digits: String = typed.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    (digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// A recovery code as typed, normalised: letters upper-case, no spaces or dashes.
fn typed_recovery(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn recovery_hash(code: &str) -> String {
    hex(&Blake2s256::digest(code.as_bytes()))
}

/// Where a user stands with two-factor authentication.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Standing {
    #[sqlx(try_from = "IntFlag")]
    pub enabled: bool,
    /// The secret of an enrolment begun and not yet confirmed (hex).
    pub secret: Option<String>,
    pub recovery_left: i64,
}

pub async fn standing(pool: &Pool, user_id: i64) -> Result<Standing, sqlx::Error> {
    sqlx::query_as(
        "SELECT totp_enabled AS enabled, totp_secret AS secret, \
         (SELECT COUNT(*) FROM recovery_codes r WHERE r.user_id = users.id AND r.used_at IS NULL) AS recovery_left \
         FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await
}

/// Starts (or restarts) an enrolment: a new secret, not yet in force.
/// Nothing changes for a user whose two-factor authentication is on.
pub async fn begin(pool: &Pool, user_id: i64) -> Result<Vec<u8>, sqlx::Error> {
    let mut secret = vec![0_u8; 20];
    rand::thread_rng().fill_bytes(&mut secret);
    sqlx::query("UPDATE users SET totp_secret = $2 WHERE id = $1 AND totp_enabled = 0")
        .bind(user_id)
        .bind(hex(&secret))
        .write(pool)
        .await?;
    Ok(secret)
}

/// The secret of `user_id`'s enrolment or of their confirmed setting.
pub async fn secret(pool: &Pool, user_id: i64) -> Result<Option<Vec<u8>>, sqlx::Error> {
    let stored: Option<Option<String>> =
        sqlx::query_scalar("SELECT totp_secret FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(pool)
            .await?;
    Ok(stored.flatten().and_then(|text| unhex(&text)))
}

/// Whether `typed` is a code of `secret` within the clock's skew at a step
/// later than the last one accepted; if so, that step is used up.
async fn take_code(
    pool: &Pool,
    user_id: i64,
    secret: &[u8],
    typed: &str,
) -> Result<bool, sqlx::Error> {
    let Some(code) = typed_digits(typed) else {
        return Ok(false);
    };
    let now = now_step();
    for step in now.saturating_sub(SKEW_STEPS)..=now + SKEW_STEPS {
        if code_at(secret, step) != code {
            continue;
        }
        // One statement: of two requests with one code, one passes.
        let used = sqlx::query(
            "UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
        )
        .bind(user_id)
        .bind(step as i64)
        .write(pool)
        .await?;
        return Ok(used.rows_affected() == 1);
    }
    Ok(false)
}

/// Confirms an enrolment with a code from the app: two-factor
/// authentication is on, the user's other sessions end, and the ten
/// recovery codes (shown once) replace any earlier ones. `None` when the
/// code is wrong or the setting is on already.
pub async fn confirm(
    pool: &Pool,
    user_id: i64,
    typed: &str,
) -> Result<Option<Vec<String>>, sqlx::Error> {
    let Some(secret) = secret(pool, user_id).await? else {
        return Ok(None);
    };
    if enabled(pool, user_id).await? || !take_code(pool, user_id, &secret, typed).await? {
        return Ok(None);
    }
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0_u8; 10];
            rand::thread_rng().fill_bytes(&mut bytes);
            base32(&bytes)
        })
        .collect();
    let mut tx = begin_write(pool).await?;
    // Other sessions end: whoever else holds one logs in with a code now.
    sqlx::query(
        "UPDATE users SET totp_enabled = 1, session_epoch = session_epoch + 1 WHERE id = $1",
    )
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    for code in &codes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id)
            .bind(recovery_hash(code))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(Some(
        codes
            .into_iter()
            .map(|code| {
                format!(
                    "{}-{}-{}-{}",
                    &code[..4],
                    &code[4..8],
                    &code[8..12],
                    &code[12..]
                )
            })
            .collect(),
    ))
}

/// Whether `typed` is a current code of the user's, or one of their unused
/// recovery codes (used up by this). Never true for a user without
/// two-factor authentication on.
pub async fn verify(pool: &Pool, user_id: i64, typed: &str) -> Result<bool, sqlx::Error> {
    let on: Option<(i64, Option<String>)> =
        sqlx::query_as("SELECT totp_enabled, totp_secret FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(pool)
            .await?;
    let Some((1, Some(secret))) = on else {
        return Ok(false);
    };
    let Some(secret) = unhex(&secret) else {
        return Ok(false);
    };
    if take_code(pool, user_id, &secret, typed).await? {
        return Ok(true);
    }
    let recovery = typed_recovery(typed);
    if recovery.len() != 16 {
        return Ok(false);
    }
    let used = sqlx::query(
        "UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
    )
    .bind(user_id)
    .bind(recovery_hash(&recovery))
    .bind(db::now())
    .write(pool)
    .await?;
    Ok(used.rows_affected() == 1)
}

/// Switches two-factor authentication off: secret and recovery codes go,
/// and the user's other sessions end.
pub async fn disable(pool: &Pool, user_id: i64) -> Result<(), sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    sqlx::query(
        "UPDATE users SET totp_enabled = 0, totp_secret = NULL, totp_last_step = NULL, \
         session_epoch = session_epoch + 1 WHERE id = $1",
    )
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Whether the user logs in with a code after the password.
pub async fn enabled(pool: &Pool, user_id: i64) -> Result<bool, sqlx::Error> {
    let on: Option<i64> = sqlx::query_scalar("SELECT totp_enabled FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(pool)
        .await?;
    Ok(on == Some(1))
}

/// The owner's setting: sub-accounts must use two-factor authentication.
pub async fn require_for_subs(
    pool: &Pool,
    account_id: i64,
    required: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE accounts SET require_two_factor_subs = $2 WHERE id = $1")
        .bind(account_id)
        .bind(i64::from(required))
        .write(pool)
        .await?;
    Ok(())
}

/// The manager's setting: the account's owner must use it.
pub async fn require_for_owner(
    pool: &Pool,
    account_id: i64,
    required: bool,
) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query("UPDATE accounts SET require_two_factor_owner = $2 WHERE id = $1")
        .bind(account_id)
        .bind(i64::from(required))
        .write(pool)
        .await?;
    Ok(changed.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_rfc_6238s_sha1_vectors() {
        // RFC 6238, appendix B: the SHA-1 secret, eight digits there; the
        // last six of theirs are ours.
        let secret = b"12345678901234567890";
        for (time, eight) in [
            (59, 94_287_082),
            (1_111_111_109, 7_081_804),
            (1_111_111_111, 14_050_471),
            (1_234_567_890, 89_005_924),
            (2_000_000_000, 69_279_037),
            (20_000_000_000, 65_353_130),
        ] {
            assert_eq!(code_at(secret, step_of(time)), eight % 1_000_000, "{time}");
        }
    }

    #[test]
    fn base32_is_rfc_4648s() {
        assert_eq!(base32(b""), "");
        assert_eq!(base32(b"f"), "MY");
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(
            base32(b"12345678901234567890"),
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        );
        assert_eq!(unhex(&hex(b"\x00\xffab")), Some(b"\x00\xffab".to_vec()));
    }

    #[test]
    fn typed_codes_are_read_leniently_and_nothing_else() {
        assert_eq!(typed_digits(" 123 456 "), Some(123_456));
        assert_eq!(typed_digits("123-456"), Some(123_456));
        for refused in ["12345", "1234567", "12a456", "", "١٢٣٤٥٦"] {
            assert_eq!(typed_digits(refused), None, "{refused}");
        }
        assert_eq!(typed_recovery("abcd-efgh 2345-6723"), "ABCDEFGH23456723");
    }

    #[test]
    fn the_qr_code_is_an_svg_image() {
        let svg = qr_svg(&otpauth_uri("anna", b"12345678901234567890"));
        assert!(
            svg.starts_with("<?xml") || svg.starts_with("<svg"),
            "{}",
            &svg[..40]
        );
        assert!(svg.contains("<svg"));
    }
}
