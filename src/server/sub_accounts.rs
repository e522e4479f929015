//! Sub-accounts of one customer account. Every query names the caller's
//! account, so an id from another account is simply not found.

use super::{
    db::{begin_write, Backend, Pool},
    password::Passwords,
    search::{like_pattern, page_of, Arg},
    users::{login_conflict, CreateError},
};
use crate::server::db::Write as _;
use crate::{
    domain::wire::{
        sub_accounts::{SubAccount, SubAccountFilter, SubAccountSort, SUB_ACCOUNTS_PER_PAGE},
        Page,
    },
    domain::{ContactDetails, NewUser, Permission, PermissionSet, SpendingCap},
};

const COLUMNS: &str = "id, login, name, phone, email, company, disabled, last_login_at, created_at, monthly_cap, totp_enabled AS two_factor, \
    (SELECT COALESCE(string_agg(permission, ','), '') FROM user_permissions p WHERE p.user_id = users.id) AS granted";
const FROM: &str = "users WHERE role = 'sub' AND account_id = $1";

/// The account's sub-accounts that `filter` keeps, as a `FROM … WHERE …`
/// clause and its arguments.
fn filtered<'a>(
    pool: &Pool,
    account_id: i64,
    filter: &SubAccountFilter,
    pattern: &'a str,
) -> (String, Vec<Arg<'a>>) {
    let mut from = FROM.to_owned();
    let mut args = vec![Arg::Id(Some(account_id))];
    if !filter.search.is_empty() {
        let like = Backend::of(pool).like();
        let n = args.len() + 1;
        from.push_str(&format!(
            " AND (login {like} ${n} ESCAPE '\\' OR name {like} ${n} ESCAPE '\\' OR email {like} ${n} ESCAPE '\\')"
        ));
        args.push(Arg::Text(pattern));
    }
    if let Some(disabled) = filter.disabled {
        from.push_str(&format!(" AND disabled = ${}", args.len() + 1));
        args.push(Arg::Id(Some(i64::from(disabled))));
    }
    if let Some(permission) = filter.permission {
        from.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM user_permissions p WHERE p.user_id = users.id AND p.permission = ${})",
            args.len() + 1
        ));
        args.push(Arg::Text(permission.key()));
    }
    (from, args)
}

/// Fills in what each row spent since `month_start`.
async fn with_spending(
    pool: &Pool,
    rows: &mut [SubAccount],
    month_start: &str,
) -> Result<(), sqlx::Error> {
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    for (user_id, spent) in super::spending::spent_since(pool, &ids, month_start).await? {
        if let Some(row) = rows.iter_mut().find(|row| row.id == user_id) {
            row.spent_this_month = spent;
        }
    }
    Ok(())
}

/// One page of an account's sub-accounts that `filter` keeps, with what
/// each spent since `month_start`; a page past the end is the last.
pub async fn page(
    pool: &Pool,
    account_id: i64,
    filter: &SubAccountFilter,
    (sort, descending): (SubAccountSort, bool),
    page: i64,
    month_start: &str,
) -> Result<Page<SubAccount>, sqlx::Error> {
    let dir = if descending { "DESC" } else { "ASC" };
    let order = format!("{} {dir}, id {dir}", sort.order_by());
    let pattern = like_pattern(&filter.search);
    let (from, args) = filtered(pool, account_id, filter, &pattern);
    let mut page: Page<SubAccount> = page_of(
        pool,
        (COLUMNS, &from, &order),
        &args,
        page,
        SUB_ACCOUNTS_PER_PAGE,
    )
    .await?;
    with_spending(pool, &mut page.items, month_start).await?;
    Ok(page)
}

/// Every sub-account `filter` keeps, by login, for the access review.
pub async fn review(
    pool: &Pool,
    account_id: i64,
    filter: &SubAccountFilter,
    month_start: &str,
) -> Result<Vec<SubAccount>, sqlx::Error> {
    let pattern = like_pattern(&filter.search);
    let (from, args) = filtered(pool, account_id, filter, &pattern);
    let sql = format!("SELECT {COLUMNS} FROM {from} ORDER BY lower(login), id");
    let mut query = sqlx::query_as(&sql);
    for arg in &args {
        query = match arg {
            Arg::Id(id) => query.bind(*id),
            Arg::Text(text) => query.bind(*text),
        };
    }
    let mut rows: Vec<SubAccount> = query.fetch_all(pool).await?;
    for chunk in rows.chunks_mut(500) {
        with_spending(pool, chunk, month_start).await?;
    }
    Ok(rows)
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
    .write(pool)
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
    .write(pool)
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
    .write(pool)
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
    .write(pool)
    .await
    .map(changed_one)
}

/// Deletes the sub-account; its grants go with it (foreign key cascade) and
/// its sessions no longer find a user.
pub async fn delete(pool: &Pool, account_id: i64, id: i64) -> Result<bool, sqlx::Error> {
    sqlx::query(&format!("DELETE FROM users {WHERE_SUB}"))
        .bind(account_id)
        .bind(id)
        .write(pool)
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

/// A change made to many sub-accounts at once.
#[derive(Debug, Clone, Copy)]
pub enum BulkChange<'a> {
    Disable,
    Enable,
    Delete,
    /// Exactly these permissions, from the preset of that name.
    Permissions(PermissionSet, &'a str),
}

impl BulkChange<'_> {
    fn audited(&self) -> (&'static str, String) {
        match self {
            BulkChange::Disable => ("sub_account_disabled", "bulk".to_owned()),
            BulkChange::Enable => ("sub_account_enabled", "bulk".to_owned()),
            BulkChange::Delete => ("sub_account_deleted", "bulk".to_owned()),
            BulkChange::Permissions(set, preset) => (
                "permissions_changed",
                format!(
                    "bulk, preset {preset}: {}",
                    set.iter()
                        .map(Permission::key)
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
            ),
        }
    }
}

/// `$first, $first+1, …`: placeholders for `count` values.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Applies `change` to the sub-accounts `ids`, all or none: when one of
/// them is not the account's, nothing changes and `None` is answered.
/// Each one changed gets its audit entry, in the same transaction.
pub async fn bulk(
    pool: &Pool,
    account_id: i64,
    ids: &[i64],
    change: BulkChange<'_>,
    (actor, origin): (&crate::domain::Viewer, &super::audit::Origin),
) -> Result<Option<Vec<String>>, sqlx::Error> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let mut tx = begin_write(pool).await?;
    let lock = Backend::of(pool).for_update();
    let among = format!(
        "account_id = $1 AND role = 'sub' AND id IN ({})",
        placeholders(2, ids.len())
    );
    let select_sql = format!("SELECT id, login FROM users WHERE {among} ORDER BY id{lock}");
    let mut select = sqlx::query_as(&select_sql).bind(account_id);
    for id in &ids {
        select = select.bind(*id);
    }
    let found: Vec<(i64, String)> = select.fetch_all(&mut *tx).await?;
    if found.len() != ids.len() {
        return Ok(None);
    }
    let statement = match change {
        BulkChange::Disable => format!(
            "UPDATE users SET disabled = 1, session_epoch = session_epoch + 1 WHERE {among}"
        ),
        BulkChange::Enable => format!("UPDATE users SET disabled = 0 WHERE {among}"),
        BulkChange::Delete => format!("DELETE FROM users WHERE {among}"),
        BulkChange::Permissions(..) => format!(
            "DELETE FROM user_permissions WHERE user_id IN (SELECT id FROM users WHERE {among})"
        ),
    };
    let mut write = sqlx::query(&statement).bind(account_id);
    for id in &ids {
        write = write.bind(*id);
    }
    write.execute(&mut *tx).await?;
    if let BulkChange::Permissions(set, _) = change {
        let grants: Vec<(i64, &str)> = ids
            .iter()
            .flat_map(|id| set.iter().map(move |p| (*id, p.key())))
            .collect();
        for chunk in grants.chunks(400) {
            let rows: Vec<String> = (0..chunk.len())
                .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
                .collect();
            let sql = format!(
                "INSERT INTO user_permissions (user_id, permission) VALUES {}",
                rows.join(", ")
            );
            let mut insert = sqlx::query(&sql);
            for (id, key) in chunk {
                insert = insert.bind(*id).bind(*key);
            }
            insert.execute(&mut *tx).await?;
        }
    }
    let (action, detail) = change.audited();
    let entries: Vec<_> = found
        .iter()
        .map(|(_, login)| {
            super::audit::Entry::by(actor, action)
                .on(login.as_str())
                .detail(detail.as_str())
        })
        .collect();
    super::audit::record_all(&mut tx, origin, &entries).await?;
    tx.commit().await?;
    Ok(Some(found.into_iter().map(|(_, login)| login).collect()))
}

/// The logins of the sub-accounts `ids`, or `None` when one is not the
/// account's.
pub async fn logins_of(
    pool: &Pool,
    account_id: i64,
    ids: &[i64],
) -> Result<Option<Vec<(i64, String)>>, sqlx::Error> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let sql = format!(
        "SELECT id, login FROM users WHERE account_id = $1 AND role = 'sub' AND id IN ({}) ORDER BY lower(login), id",
        placeholders(2, ids.len().max(1))
    );
    let mut select = sqlx::query_as(&sql).bind(account_id);
    for id in &ids {
        select = select.bind(*id);
    }
    if ids.is_empty() {
        select = select.bind(0_i64);
    }
    let found: Vec<(i64, String)> = select.fetch_all(pool).await?;
    Ok((found.len() == ids.len()).then_some(found))
}
