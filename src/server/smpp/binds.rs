//! Open binds, in the database so every process's show on the owner's
//! page and count towards a credential's limit.

use crate::server::db::Write as _;
use std::net::SocketAddr;

use super::{
    credentials::{Credential, BIND_SEEN_WITHIN},
    session::Mode,
};
use crate::server::db::{self, Backend, Pool};

/// Records a bind of `credential` unless it has `limit` open already
/// (counted under the credential's row lock): the bind's id, or `None`.
pub async fn open(
    pool: &Pool,
    credential: &Credential,
    mode: Mode,
    peer: SocketAddr,
    limit: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let mut tx = db::begin_write(pool).await?;
    sqlx::query(&format!(
        "SELECT id FROM smpp_credentials WHERE id = $1{}",
        Backend::of(pool).for_update()
    ))
    .bind(credential.id)
    .fetch_optional(&mut *tx)
    .await?;
    let open: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM smpp_binds WHERE credential_id = $1 AND seen_at >= $2",
    )
    .bind(credential.id)
    .bind(db::before_now(BIND_SEEN_WITHIN))
    .fetch_one(&mut *tx)
    .await?;
    if open >= limit {
        return Ok(None);
    }
    let now = db::now();
    let id = sqlx::query_scalar(
        "INSERT INTO smpp_binds (credential_id, mode, address, bound_at, seen_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
    )
    .bind(credential.id)
    .bind(mode.as_str())
    .bind(peer.to_string())
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// Keeps the bind's row alive with its counts; whether its credential is
/// still live.
pub async fn refresh(
    pool: &Pool,
    bind_id: i64,
    credential_id: i64,
    submitted: i64,
    delivered: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query("UPDATE smpp_binds SET seen_at = $2, submitted = $3, delivered = $4 WHERE id = $1")
        .bind(bind_id)
        .bind(db::now())
        .bind(submitted)
        .bind(delivered)
        .write(pool)
        .await?;
    let live: Option<i64> =
        sqlx::query_scalar("SELECT id FROM smpp_credentials WHERE id = $1 AND revoked_at IS NULL")
            .bind(credential_id)
            .fetch_optional(pool)
            .await?;
    Ok(live.is_some())
}

pub async fn close(pool: &Pool, bind_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM smpp_binds WHERE id = $1")
        .bind(bind_id)
        .write(pool)
        .await?;
    Ok(())
}

/// Drops the rows of binds whose process died.
pub async fn clean(pool: &Pool) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM smpp_binds WHERE seen_at < $1")
        .bind(db::before_now(BIND_SEEN_WITHIN * 10))
        .write(pool)
        .await?;
    Ok(())
}
