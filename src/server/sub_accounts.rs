//! Sub-accounts of one customer account. Every query names the caller's
//! account, so an id from another account is simply not found.

use super::{
    db::{begin_write, Backend, Pool},
    password::Passwords,
    search::{page_of, Arg},
    users::{login_conflict, CreateError},
};
use crate::{
    domain::wire::{
        sub_accounts::{SubAccount, SubAccountSort, SUB_ACCOUNTS_PER_PAGE},
        Page,
    },
    domain::{ContactDetails, NewUser, Permission, PermissionSet, SpendingCap},
};

const COLUMNS: &str = "id, login, name, phone, email, company, disabled, last_login_at, created_at, monthly_cap, \
    (SELECT COALESCE(string_agg(permission, ','), '') FROM user_permissions p WHERE p.user_id = users.id) AS granted";
const FROM: &str = "users WHERE role = 'sub' AND account_id = $1";

/// One page of an account's sub-accounts, with what each spent since
/// `month_start`; a page past the end is the last.
pub async fn page(
    pool: &Pool,
    account_id: i64,
    sort: SubAccountSort,
    descending: bool,
    page: i64,
    month_start: &str,
) -> Result<Page<SubAccount>, sqlx::Error> {
    let dir = if descending { "DESC" } else { "ASC" };
    let order = format!("{} {dir}, id {dir}", sort.order_by());
    let args = [Arg::Id(Some(account_id))];
    let mut page: Page<SubAccount> = page_of(
        pool,
        (COLUMNS, FROM, &order),
        &args,
        page,
        SUB_ACCOUNTS_PER_PAGE,
    )
    .await?;
    let ids: Vec<i64> = page.items.iter().map(|row| row.id).collect();
    for (user_id, spent) in super::spending::spent_since(pool, &ids, month_start).await? {
        if let Some(row) = page.items.iter_mut().find(|row| row.id == user_id) {
            row.spent_this_month = spent;
        }
    }
    Ok(page)
}

pub async fn find(
    pool: &Pool,
    account_id: i64,
    id: i64,
) -> Result<Option<SubAccount>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM {FROM} AND id = $2"))
        .bind(account_id)
        .bind(id)
        .fetch_optional(pool)
        .await
}

pub async fn create(
    pool: &Pool,
    passwords: &Passwords,
    account_id: i64,
    user: &NewUser,
    cap: Option<SpendingCap>,
) -> Result<i64, CreateError> {
    super::users::ensure_login_free(pool, user.login.as_str()).await?;
    let hash = passwords.hash(&user.password).await;
    let contact = &user.contact;
    sqlx::query_scalar(
        "INSERT INTO users (account_id, role, login, password_hash, name, phone, email, company, password_temporary, monthly_cap) \
         VALUES ($1, 'sub', $2, $3, $4, $5, $6, $7, 1, $8) RETURNING id",
    )
    .bind(account_id)
    .bind(user.login.as_str())
    .bind(hash)
    .bind(contact.name.as_str())
    .bind(contact.phone.as_str())
    .bind(contact.email.as_str())
    .bind(contact.company.as_ref().map(|c| c.as_str()))
    .bind(cap.map(|cap| cap.money().0))
    .fetch_one(pool)
    .await
    .map_err(|e| login_conflict(e, user.login.as_str()))
}

const WHERE_SUB: &str = "WHERE account_id = $1 AND id = $2 AND role = 'sub'";

fn changed_one(result: sqlx::any::AnyQueryResult) -> bool {
    result.rows_affected() == 1
}

pub async fn update(
    pool: &Pool,
    account_id: i64,
    id: i64,
    contact: &ContactDetails,
    cap: Option<SpendingCap>,
) -> Result<bool, sqlx::Error> {
    sqlx::query(&format!(
        "UPDATE users SET name = $3, phone = $4, email = $5, company = $6, monthly_cap = $7 {WHERE_SUB}"
    ))
    .bind(account_id)
    .bind(id)
    .bind(contact.name.as_str())
    .bind(contact.phone.as_str())
    .bind(contact.email.as_str())
    .bind(contact.company.as_ref().map(|c| c.as_str()))
    .bind(cap.map(|cap| cap.money().0))
    .execute(pool)
    .await
    .map(changed_one)
}

/// Sets a new password and ends the sub-user's open sessions. Set by the
/// owner, it is temporary: the sub-user chooses their own at the next login.
pub async fn reset_password(
    pool: &Pool,
    account_id: i64,
    id: i64,
    hash: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query(&format!(
        "UPDATE users SET password_hash = $3, password_temporary = 1, session_epoch = session_epoch + 1 {WHERE_SUB}"
    ))
    .bind(account_id)
    .bind(id)
    .bind(hash)
    .execute(pool)
    .await
    .map(changed_one)
}

/// Ends the sub-user's open sessions (their stored auth hash no longer matches).
pub async fn end_sessions(pool: &Pool, account_id: i64, id: i64) -> Result<bool, sqlx::Error> {
    sqlx::query(&format!(
        "UPDATE users SET session_epoch = session_epoch + 1 {WHERE_SUB}"
    ))
    .bind(account_id)
    .bind(id)
    .execute(pool)
    .await
    .map(changed_one)
}

/// Disabling ends the open sessions; enabling does not bring them back.
pub async fn set_disabled(
    pool: &Pool,
    account_id: i64,
    id: i64,
    disabled: bool,
) -> Result<bool, sqlx::Error> {
    sqlx::query(&format!(
        "UPDATE users SET disabled = $3, session_epoch = session_epoch + $3 {WHERE_SUB}"
    ))
    .bind(account_id)
    .bind(id)
    .bind(i64::from(disabled))
    .execute(pool)
    .await
    .map(changed_one)
}

/// Deletes the sub-account; its grants go with it (foreign key cascade) and
/// its sessions no longer find a user.
pub async fn delete(pool: &Pool, account_id: i64, id: i64) -> Result<bool, sqlx::Error> {
    sqlx::query(&format!("DELETE FROM users {WHERE_SUB}"))
        .bind(account_id)
        .bind(id)
        .execute(pool)
        .await
        .map(changed_one)
}

pub async fn permissions_of(pool: &Pool, user_id: i64) -> Result<PermissionSet, sqlx::Error> {
    let keys: Vec<String> =
        sqlx::query_scalar("SELECT permission FROM user_permissions WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(pool)
            .await?;
    // A key no longer in the catalogue grants nothing.
    Ok(keys
        .iter()
        .filter_map(|k| Permission::from_key(k))
        .collect())
}

/// Replaces the grants of a sub-account; the caller has checked consistency.
pub async fn save_permissions(
    pool: &Pool,
    account_id: i64,
    id: i64,
    permissions: PermissionSet,
) -> Result<bool, sqlx::Error> {
    debug_assert_eq!(permissions.missing_requirement(), None);
    let mut tx = begin_write(pool).await?;
    // Locked, so concurrent saves of one sub-account replace its grants in turn.
    let lock = Backend::of(pool).for_update();
    let exists: Option<i64> =
        sqlx::query_scalar(&format!("SELECT id FROM users {WHERE_SUB}{lock}"))
            .bind(account_id)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    if exists.is_none() {
        return Ok(false);
    }
    sqlx::query("DELETE FROM user_permissions WHERE user_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for permission in permissions.iter() {
        sqlx::query("INSERT INTO user_permissions (user_id, permission) VALUES ($1, $2)")
            .bind(id)
            .bind(permission.key())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// The account's sub-accounts: how many, and how many of them enabled.
pub async fn team_size(pool: &Pool, account_id: i64) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE disabled = 0) FROM users WHERE account_id = $1 AND role = 'sub'",
    )
    .bind(account_id)
    .fetch_one(pool)
    .await
}

/// Every sub-account of the account, (id, login) by login: whom access can
/// be copied from.
pub async fn team(pool: &Pool, account_id: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT id, login FROM {FROM} ORDER BY lower(login), id"
    ))
    .bind(account_id)
    .fetch_all(pool)
    .await
}
