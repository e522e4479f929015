//! The owner's own permission presets, scoped to their account.

use super::db::Pool;
use crate::domain::{BuiltInPreset, Permission, PermissionSet, Preset, PresetName, PresetRef};
use crate::server::db::Write as _;

/// The most presets one account keeps.
pub const MAX_PER_ACCOUNT: i64 = 50;

/// Why a preset could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("a preset of that name exists")]
    Taken,
    #[error("too many presets")]
    TooMany,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

fn keys(permissions: PermissionSet) -> String {
    permissions
        .iter()
        .map(Permission::key)
        .collect::<Vec<_>>()
        .join(",")
}

fn taken(error: sqlx::Error) -> SaveError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => SaveError::Taken,
        _ => SaveError::Database(error),
    }
}

pub async fn list(pool: &Pool, account_id: i64) -> Result<Vec<Preset>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name, permissions FROM permission_presets WHERE account_id = $1 ORDER BY lower(name), id",
    )
    .bind(account_id)
    .fetch_all(pool)
    .await
}

pub async fn find(pool: &Pool, account_id: i64, id: i64) -> Result<Option<Preset>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name, permissions FROM permission_presets WHERE account_id = $1 AND id = $2",
    )
    .bind(account_id)
    .bind(id)
    .fetch_optional(pool)
    .await
}

pub async fn create(
    pool: &Pool,
    account_id: i64,
    name: &PresetName,
    permissions: PermissionSet,
) -> Result<i64, SaveError> {
    // One statement: concurrent creations cannot pass the limit together
    // on SQLite; on PostgreSQL the limit is a courtesy, not a guarantee.
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO permission_presets (account_id, name, permissions) \
         SELECT $1, $2, $3 WHERE (SELECT COUNT(*) FROM permission_presets WHERE account_id = $1) < $4 \
         RETURNING id",
    )
    .bind(account_id)
    .bind(name.as_str())
    .bind(keys(permissions))
    .bind(MAX_PER_ACCOUNT)
    .fetch_optional(pool)
    .await
    .map_err(taken)?;
    id.ok_or(SaveError::TooMany)
}

/// Renames a preset; `Ok(false)` when the account has no such preset.
pub async fn rename(
    pool: &Pool,
    account_id: i64,
    id: i64,
    name: &PresetName,
) -> Result<bool, SaveError> {
    let renamed =
        sqlx::query("UPDATE permission_presets SET name = $3 WHERE account_id = $1 AND id = $2")
            .bind(account_id)
            .bind(id)
            .bind(name.as_str())
            .write(pool)
            .await
            .map_err(taken)?;
    Ok(renamed.rows_affected() == 1)
}

pub async fn delete(pool: &Pool, account_id: i64, id: i64) -> Result<bool, sqlx::Error> {
    let deleted = sqlx::query("DELETE FROM permission_presets WHERE account_id = $1 AND id = $2")
        .bind(account_id)
        .bind(id)
        .write(pool)
        .await?;
    Ok(deleted.rows_affected() == 1)
}

/// The built-in presets, then the account's own.
pub async fn all(pool: &Pool, account_id: i64) -> Result<Vec<Preset>, sqlx::Error> {
    let mut presets: Vec<Preset> = BuiltInPreset::ALL.map(Preset::built_in).into();
    presets.extend(list(pool, account_id).await?);
    Ok(presets)
}

/// The preset `reference` names, if the account has it.
pub async fn resolve(
    pool: &Pool,
    account_id: i64,
    reference: PresetRef,
) -> Result<Option<Preset>, sqlx::Error> {
    match reference {
        PresetRef::BuiltIn(preset) => Ok(Some(Preset::built_in(preset))),
        PresetRef::Own(id) => find(pool, account_id, id).await,
    }
}
