//! Managers, accounts and their owners; login bookkeeping; own passwords.

use crate::server::db::Pool;
use crate::server::db::Write as _;

use super::{db::begin_write, password::Passwords};
use crate::{
    domain::wire::manager::AccountSummary,
    domain::{FormErrors, NewUser, Password},
};

/// Why creating a login failed.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("{0:?}")]
    Invalid(FormErrors),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

pub const LOGIN_TAKEN: &str = "This login is already taken.";

/// Maps a unique-constraint violation on the login to a field error.
pub fn login_conflict(error: sqlx::Error, login: &str) -> CreateError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            let mut errors = FormErrors::default();
            errors.keep("login", login);
            errors.add("login", LOGIN_TAKEN);
            CreateError::Invalid(errors)
        }
        _ => CreateError::Database(error),
    }
}

/// Refuses a login that exists already, before any password is hashed: a
/// doomed request must not cost a hash. (The UNIQUE constraint still
/// decides races, through `login_conflict`.)
pub async fn ensure_login_free(pool: &Pool, login: &str) -> Result<(), CreateError> {
    let taken: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE lower(login) = lower($1)")
            .bind(login)
            .fetch_one(pool)
            .await?;
    if taken > 0 {
        let mut errors = FormErrors::default();
        errors.keep("login", login);
        errors.add("login", LOGIN_TAKEN);
        return Err(CreateError::Invalid(errors));
    }
    Ok(())
}

pub async fn create_manager(
    pool: &Pool,
    passwords: &Passwords,
    login: &crate::domain::Login,
    name: &str,
    password: &Password,
) -> Result<i64, CreateError> {
    ensure_login_free(pool, login.as_str()).await?;
    let hash = passwords.hash(password).await;
    sqlx::query_scalar(
        "INSERT INTO users (role, login, password_hash, name) VALUES ('manager', $1, $2, $3) RETURNING id",
    )
    .bind(login.as_str())
    .bind(hash)
    .bind(name)
    .fetch_one(pool)
    .await
    .map_err(|e| login_conflict(e, login.as_str()))
}

/// Creates a customer account with its owner; returns the account id.
pub async fn create_account(
    pool: &Pool,
    passwords: &Passwords,
    owner: &NewUser,
    can_add_subaccount: bool,
) -> Result<i64, CreateError> {
    ensure_login_free(pool, owner.login.as_str()).await?;
    let hash = passwords.hash(&owner.password).await;
    let contact = &owner.contact;
    let account_name = contact
        .company
        .as_ref()
        .map_or(contact.name.as_str(), |c| c.as_str());
    let mut tx = begin_write(pool).await?;
    let account_id: i64 = sqlx::query_scalar(
        "INSERT INTO accounts (name, can_add_subaccount, contact_email, contact_phone) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(account_name)
    .bind(i64::from(can_add_subaccount))
    .bind(contact.email.as_str())
    .bind(contact.phone.as_str())
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO account_balances (account_id) VALUES ($1)")
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    // Every account may send under the provider's shared sender name at once;
    // its own names need the carrier's approval.
    sqlx::query("INSERT INTO sender_names (account_id, name, status, note) VALUES ($1, 'INFO', 'approved', 'Shared sender name')")
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO users (account_id, role, login, password_hash, name, phone, email, company) \
         VALUES ($1, 'owner', $2, $3, $4, $5, $6, $7)",
    )
    .bind(account_id)
    .bind(owner.login.as_str())
    .bind(hash)
    .bind(contact.name.as_str())
    .bind(contact.phone.as_str())
    .bind(contact.email.as_str())
    .bind(contact.company.as_ref().map(|c| c.as_str()))
    .execute(&mut *tx)
    .await
    .map_err(|e| login_conflict(e, owner.login.as_str()))?;
    tx.commit().await?;
    Ok(account_id)
}

/// Switches "Can Add Subaccount". Switching it off ends the open sessions of
/// the account's sub-users; their grants stay for when it is switched on again.
pub async fn set_can_add_subaccount(
    pool: &Pool,
    account_id: i64,
    enabled: bool,
) -> Result<bool, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let found = sqlx::query("UPDATE accounts SET can_add_subaccount = $2 WHERE id = $1")
        .bind(account_id)
        .bind(i64::from(enabled))
        .execute(&mut *tx)
        .await?
        .rows_affected()
        == 1;
    if found && !enabled {
        sqlx::query("UPDATE users SET session_epoch = session_epoch + 1 WHERE account_id = $1 AND role = 'sub'")
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(found)
}

/// The account id of the owner with this login.
pub async fn account_of_owner(pool: &Pool, login: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT account_id FROM users WHERE lower(login) = lower($1) AND role = 'owner'",
    )
    .bind(login)
    .fetch_optional(pool)
    .await
}

pub async fn list_accounts(pool: &Pool) -> Result<Vec<AccountSummary>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id, a.name, o.login AS owner_login, o.email AS owner_email, \
         (SELECT COUNT(*) FROM users s WHERE s.account_id = a.id AND s.role = 'sub') AS sub_accounts, \
         a.can_add_subaccount, a.require_two_factor_owner, a.created_at \
         FROM accounts a JOIN users o ON o.account_id = a.id AND o.role = 'owner' \
         ORDER BY lower(a.name), a.id",
    )
    .fetch_all(pool)
    .await
}

/// The account of the user with this login, if any (for auditing failures).
pub async fn account_of_login(pool: &Pool, login: &str) -> Result<Option<i64>, sqlx::Error> {
    let account: Option<Option<i64>> =
        sqlx::query_scalar("SELECT account_id FROM users WHERE lower(login) = lower($1)")
            .bind(login)
            .fetch_optional(pool)
            .await?;
    Ok(account.flatten())
}

pub async fn record_login(pool: &Pool, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET last_login_at = $2 WHERE id = $1")
        .bind(user_id)
        .bind(super::db::now())
        .write(pool)
        .await?;
    Ok(())
}

pub async fn password_hash(pool: &Pool, user_id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(pool)
        .await
}

/// Sets the password the user chose and ends every open session of theirs;
/// a temporary password is temporary no more.
pub async fn set_password_hash(pool: &Pool, user_id: i64, hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET password_hash = $2, password_temporary = 0, session_epoch = session_epoch + 1 WHERE id = $1",
    )
    .bind(user_id)
    .bind(hash)
    .write(pool)
    .await?;
    Ok(())
}

/// Marks the user's password as chosen by themselves, so it is not
/// changed at the next login (demo data and tests, whose people chose
/// theirs long ago).
pub async fn mark_password_own(pool: &Pool, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_temporary = 0 WHERE id = $1")
        .bind(user_id)
        .write(pool)
        .await?;
    Ok(())
}

/// The account's logins, (id, login): the owner first, then by login.
pub async fn logins_of_account(
    pool: &Pool,
    account_id: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, login FROM users WHERE account_id = $1 ORDER BY role, lower(login), id",
    )
    .bind(account_id)
    .fetch_all(pool)
    .await
}

pub async fn is_empty(pool: &Pool) -> Result<bool, sqlx::Error> {
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(pool)
        .await?;
    Ok(users == 0)
}
