//! The account's API keys: `smsp_<id>_<secret>`, of which only a hash is
//! kept. The secret holds 44 random base62 characters (262 bits), so a fast
//! hash is as safe as a slow one and costs nothing per request.

use crate::server::db::Write as _;
use blake2::{Blake2s256, Digest};
use rand::{distributions::Alphanumeric, Rng};

use super::db::{self, Pool};
use crate::domain::wire::api_keys::ApiKeyRow;

/// At most this many live keys per account.
pub const MAX_KEYS: i64 = 20;
const PREFIX: &str = "smsp_";
const ID_LENGTH: usize = 12;
const SECRET_LENGTH: usize = 44;
/// `last_used_at` is written at most this often per key: a busy key would
/// otherwise write a row on every request.
const LAST_USED_EVERY_SECONDS: i64 = 60;

fn random_base62(length: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(length)
        .map(char::from)
        .collect()
}

fn hash(key: &str) -> String {
    Blake2s256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The key id of a well-formed key, or `None`.
fn public_id(key: &str) -> Option<&str> {
    let rest = key.strip_prefix(PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    let well_formed = id.len() == ID_LENGTH
        && secret.len() == SECRET_LENGTH
        && id
            .bytes()
            .chain(secret.bytes())
            .all(|b| b.is_ascii_alphanumeric());
    well_formed.then_some(id)
}

/// A key as the owner sees it once: the whole secret.
pub struct NewKey {
    pub id: i64,
    pub key: String,
}

pub enum CreateError {
    TooMany,
    /// A live key has that name (each row's Revoke button is named by it).
    Taken,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for CreateError {
    fn from(error: sqlx::Error) -> Self {
        Self::Database(error)
    }
}

/// Makes a key named `name` for the account. Counted under the account's
/// row lock, so concurrent creations cannot pass the limit.
pub async fn create(
    pool: &Pool,
    account_id: i64,
    created_by: i64,
    name: &str,
) -> Result<NewKey, CreateError> {
    let mut tx = db::begin_write(pool).await?;
    sqlx::query(&format!(
        "SELECT id FROM accounts WHERE id = $1 {}",
        db::Backend::of(pool).for_update()
    ))
    .bind(account_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (live, taken): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE lower(name) = lower($2)) FROM api_keys \
         WHERE account_id = $1 AND revoked_at IS NULL",
    )
    .bind(account_id)
    .bind(name)
    .fetch_one(&mut *tx)
    .await?;
    if taken > 0 {
        return Err(CreateError::Taken);
    }
    if live >= MAX_KEYS {
        return Err(CreateError::TooMany);
    }
    let public_id = random_base62(ID_LENGTH);
    let key = format!("{PREFIX}{public_id}_{}", random_base62(SECRET_LENGTH));
    let id = sqlx::query_scalar(
        "INSERT INTO api_keys (account_id, public_id, name, key_hash, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(account_id)
    .bind(&public_id)
    .bind(name)
    .bind(hash(&key))
    .bind(created_by)
    .bind(db::now())
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(NewKey { id, key })
}

/// The account's live keys, newest first.
pub async fn list(pool: &Pool, account_id: i64) -> Result<Vec<ApiKeyRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT id, name, '{PREFIX}' || public_id AS prefix, created_at, last_used_at FROM api_keys \
         WHERE account_id = $1 AND revoked_at IS NULL ORDER BY id DESC"
    ))
    .bind(account_id)
    .fetch_all(pool)
    .await
}

/// Revokes the account's key `id`; its name, or `None` when there is no
/// such live key.
pub async fn revoke(pool: &Pool, account_id: i64, id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE api_keys SET revoked_at = $3 WHERE id = $1 AND account_id = $2 AND revoked_at IS NULL \
         RETURNING name",
    )
    .bind(id)
    .bind(account_id)
    .bind(db::now())
    .fetch_optional(pool)
    .await
}

/// Who a request's key speaks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyHolder {
    pub key_id: i64,
    pub account_id: i64,
}

/// The holder of `key` when it is a live key, else `None` (whatever was
/// wrong with it). Compares hashes, so timing says nothing of the secret.
pub async fn authenticate(pool: &Pool, key: &str) -> Result<Option<KeyHolder>, sqlx::Error> {
    let Some(public_id) = public_id(key) else {
        return Ok(None);
    };
    let found: Option<(i64, i64, String, Option<String>)> = sqlx::query_as(
        "SELECT id, account_id, key_hash, last_used_at FROM api_keys \
         WHERE public_id = $1 AND revoked_at IS NULL",
    )
    .bind(public_id)
    .fetch_optional(pool)
    .await?;
    let Some((key_id, account_id, stored, last_used)) = found else {
        return Ok(None);
    };
    if stored != hash(key) {
        return Ok(None);
    }
    let stale = db::before_now(std::time::Duration::from_secs(
        LAST_USED_EVERY_SECONDS as u64,
    ));
    if last_used.is_none_or(|at| at < stale) {
        sqlx::query("UPDATE api_keys SET last_used_at = $2 WHERE id = $1")
            .bind(key_id)
            .bind(db::now())
            .write(pool)
            .await?;
    }
    Ok(Some(KeyHolder { key_id, account_id }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_well_formed_keys_have_an_id() {
        let key = format!("smsp_{}_{}", "a".repeat(12), "B".repeat(44));
        assert_eq!(public_id(&key), Some("aaaaaaaaaaaa"));
        for bad in [
            "",
            "smsp_",
            "sk_live_abc",
            &key[..key.len() - 1],
            &format!("{key}x"),
            &key.replace('B', "-"),
            &key.replacen("smsp_", "smsq_", 1),
        ] {
            assert_eq!(public_id(bad), None, "{bad}");
        }
    }
}
