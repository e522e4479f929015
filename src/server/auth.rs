//! Who is logged in: the axum-login backend. The user is loaded afresh from
//! SQLite on every request, so a disable, a permission change or the account
//! option switched off applies to the very next request.

use crate::server::db::Pool;
use axum_login::{AuthUser, AuthnBackend};
use blake2::{Blake2s256, Digest};

use super::password::Passwords;
use crate::domain::{wire::IntFlag, Login, Money, Permission, PermissionSet, Role, Viewer};

pub type AuthSession = axum_login::AuthSession<Backend>;

#[derive(Clone)]
pub struct Backend {
    pool: Pool,
    passwords: Passwords,
}

impl Backend {
    pub fn new(pool: Pool, passwords: Passwords) -> Self {
        Self { pool, passwords }
    }
}

/// The logged-in user as the server sees it.
#[derive(Clone, Debug)]
pub struct SessionUser {
    pub viewer: Viewer,
    /// Changes with the password hash and the session epoch; a session whose
    /// stored hash differs is ended by axum-login.
    auth_hash: [u8; 32],
}

impl AuthUser for SessionUser {
    type Id = i64;

    fn id(&self) -> i64 {
        self.viewer.user_id
    }

    fn session_auth_hash(&self) -> &[u8] {
        &self.auth_hash
    }
}

#[derive(Clone)]
pub struct Credentials {
    pub login: String,
    pub password: String,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    login: String,
    name: String,
    role: String,
    account_id: Option<i64>,
    account_name: Option<String>,
    #[sqlx(try_from = "IntFlag")]
    can_add_subaccount: bool,
    balance: Option<i64>,
    #[sqlx(try_from = "IntFlag")]
    disabled: bool,
    password_hash: String,
    session_epoch: i64,
    timezone: Option<String>,
    #[sqlx(try_from = "IntFlag")]
    password_temporary: bool,
    #[sqlx(try_from = "IntFlag")]
    totp_enabled: bool,
    /// The account requires two-factor authentication of this user's role.
    #[sqlx(try_from = "IntFlag")]
    two_factor_required: bool,
}

/// The user with their account's name and option, selected by `$condition`.
macro_rules! select_user {
    ($condition:literal) => {
        concat!(
            "SELECT u.id, u.login, u.name, u.role, u.account_id, a.name AS account_name, ",
            "COALESCE(a.can_add_subaccount, 0) AS can_add_subaccount, COALESCE(b.balance, 0) AS balance, ",
            "u.disabled, u.password_hash, u.session_epoch, a.timezone, u.password_temporary, u.totp_enabled, ",
            "CASE u.role WHEN 'sub' THEN COALESCE(a.require_two_factor_subs, 0) ",
            "WHEN 'owner' THEN COALESCE(a.require_two_factor_owner, 0) ELSE 0 END AS two_factor_required ",
            "FROM users u LEFT JOIN accounts a ON a.id = u.account_id ",
            "LEFT JOIN account_balances b ON b.account_id = u.account_id WHERE ",
            $condition
        )
    };
}

impl UserRow {
    fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Sub)
    }

    /// Disabled users never log in; sub-users only while their account's option is on.
    fn may_log_in(&self) -> bool {
        !self.disabled && (self.role() != Role::Sub || self.can_add_subaccount)
    }

    fn auth_hash(&self) -> [u8; 32] {
        let mut hasher = Blake2s256::new();
        hasher.update(self.password_hash.as_bytes());
        hasher.update(self.session_epoch.to_le_bytes());
        hasher.finalize().into()
    }
}

async fn session_user(pool: &Pool, row: UserRow) -> Result<SessionUser, sqlx::Error> {
    let role = row.role();
    let permissions = match role {
        Role::Owner => PermissionSet::all(),
        Role::Manager => PermissionSet::empty(),
        Role::Sub => super::sub_accounts::permissions_of(pool, row.id).await?,
    };
    let balance = row
        .balance
        .filter(|_| permissions.contains(Permission::SeeFinance))
        .map(Money);
    Ok(SessionUser {
        auth_hash: row.auth_hash(),
        viewer: Viewer {
            user_id: row.id,
            login: row.login,
            name: row.name,
            role,
            account_id: row.account_id,
            account_name: row.account_name,
            can_add_subaccount: row.can_add_subaccount,
            permissions,
            balance,
            zone: super::zone::zone(row.timezone.as_deref().unwrap_or("UTC")),
            must_change_password: row.password_temporary,
            must_enrol_two_factor: row.two_factor_required && !row.totp_enabled,
        },
    })
}

impl AuthnBackend for Backend {
    type User = SessionUser;
    type Credentials = Credentials;
    type Error = sqlx::Error;

    async fn authenticate(&self, creds: Credentials) -> Result<Option<SessionUser>, sqlx::Error> {
        // A name no login can have (a NUL byte, say, which PostgreSQL
        // cannot even compare) is looked up nowhere, and verified as slowly.
        let row = match Login::parse(creds.login.trim()) {
            Ok(login) => {
                sqlx::query_as::<_, UserRow>(select_user!("lower(u.login) = lower($1)"))
                    .bind(login.as_str())
                    .fetch_optional(&self.pool)
                    .await?
            }
            Err(_) => None,
        };
        let verified = self
            .passwords
            .verify(
                &creds.password,
                row.as_ref().map(|r| r.password_hash.as_str()),
            )
            .await;
        match row {
            Some(row) if verified && row.may_log_in() => {
                Ok(Some(session_user(&self.pool, row).await?))
            }
            _ => Ok(None),
        }
    }

    async fn get_user(&self, user_id: &i64) -> Result<Option<SessionUser>, sqlx::Error> {
        let row = sqlx::query_as::<_, UserRow>(select_user!("u.id = $1"))
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) if row.may_log_in() => Ok(Some(session_user(&self.pool, row).await?)),
            _ => Ok(None),
        }
    }
}
