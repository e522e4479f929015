//! SMPP credentials: a `system_id` and an 8-character password (SMPP
//! 3.4's limit, generated, shown once, kept as an argon2id hash), made by
//! the account's owner, optionally limited to client networks.

use ipnet::IpNet;
use rand::{distributions::Alphanumeric, Rng};
use std::{fmt, net::IpAddr};

use crate::{
    domain::wire::smpp::{SmppBindRow, SmppCredentialRow},
    server::{
        db::{self, Pool},
        password::Passwords,
    },
};

/// Live credentials per account.
pub const MAX_CREDENTIALS: i64 = 10;
/// Networks one credential may list.
const MAX_NETWORKS: usize = 20;
const SYSTEM_ID_LENGTH: usize = 10;
/// SMPP 3.4 carries at most 8 password characters.
const PASSWORD_LENGTH: usize = 8;
/// A bind whose process has not refreshed it for this long is gone.
pub const BIND_SEEN_WITHIN: std::time::Duration = std::time::Duration::from_secs(30);

/// The client networks a credential may bind from; none listed allows any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedNetworks(Vec<IpNet>);

impl AllowedNetworks {
    /// Networks in CIDR form (`192.0.2.0/24`) or single addresses, apart
    /// by spaces, commas or lines.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut networks = Vec::new();
        for item in raw
            .split([' ', ',', '\n', '\r', '\t'])
            .filter(|s| !s.is_empty())
        {
            let network = item
                .parse::<IpNet>()
                .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    format!("“{}” is not a network such as 192.0.2.0/24 or an address such as 192.0.2.7.", item.chars().take(50).collect::<String>())
                })?;
            let network = network.trunc();
            if !networks.contains(&network) {
                networks.push(network);
            }
        }
        if networks.len() > MAX_NETWORKS {
            return Err(format!("List at most {MAX_NETWORKS} networks."));
        }
        Ok(Self(networks))
    }

    /// Whether a client at `ip` may bind.
    pub fn allows(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.is_empty() || self.0.iter().any(|network| network.contains(&ip))
    }
}

impl fmt::Display for AllowedNetworks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list: Vec<String> = self.0.iter().map(IpNet::to_string).collect();
        f.write_str(&list.join(" "))
    }
}

/// A credential just made: its password, this once.
pub struct NewCredential {
    pub id: i64,
    pub system_id: String,
    pub password: String,
}

pub enum CreateError {
    TooMany,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for CreateError {
    fn from(error: sqlx::Error) -> Self {
        Self::Database(error)
    }
}

fn random_text(length: usize, alphabet: impl Fn(char) -> bool) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .map(char::from)
        .filter(|&c| alphabet(c))
        .take(length)
        .collect()
}

/// Makes a credential for the account. Counted under the account's row
/// lock, so concurrent creations cannot pass the limit.
pub async fn create(
    pool: &Pool,
    passwords: &Passwords,
    account_id: i64,
    created_by: Option<i64>,
    networks: &AllowedNetworks,
) -> Result<NewCredential, CreateError> {
    // Lower case and digits: a system id is often typed into a client's
    // settings by hand. The password uses all letters and digits (47 bits).
    let system_id = random_text(SYSTEM_ID_LENGTH, |c| !c.is_ascii_uppercase());
    let password = random_text(PASSWORD_LENGTH, |_| true);
    let hash = passwords.hash_generated(&password).await;
    let mut tx = db::begin_write(pool).await?;
    sqlx::query(&format!(
        "SELECT id FROM accounts WHERE id = $1 {}",
        db::Backend::of(pool).for_update()
    ))
    .bind(account_id)
    .fetch_optional(&mut *tx)
    .await?;
    let live: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM smpp_credentials WHERE account_id = $1 AND revoked_at IS NULL",
    )
    .bind(account_id)
    .fetch_one(&mut *tx)
    .await?;
    if live >= MAX_CREDENTIALS {
        return Err(CreateError::TooMany);
    }
    let id = sqlx::query_scalar(
        "INSERT INTO smpp_credentials (account_id, system_id, password_hash, allowed_networks, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(account_id)
    .bind(&system_id)
    .bind(hash)
    .bind(networks.to_string())
    .bind(created_by)
    .bind(db::now())
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(NewCredential {
        id,
        system_id,
        password,
    })
}

/// The account's live credentials, newest first.
pub async fn list(pool: &Pool, account_id: i64) -> Result<Vec<SmppCredentialRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, system_id, allowed_networks, created_at FROM smpp_credentials \
         WHERE account_id = $1 AND revoked_at IS NULL ORDER BY id DESC",
    )
    .bind(account_id)
    .fetch_all(pool)
    .await
}

/// Revokes the account's credential `id`: its system id, or `None` when
/// there is no such live credential. Its binds end within seconds.
pub async fn revoke(pool: &Pool, account_id: i64, id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE smpp_credentials SET revoked_at = $3 WHERE id = $1 AND account_id = $2 AND revoked_at IS NULL \
         RETURNING system_id",
    )
    .bind(id)
    .bind(account_id)
    .bind(db::now())
    .fetch_optional(pool)
    .await
}

/// The account's open binds, in every process.
pub async fn open_binds(pool: &Pool, account_id: i64) -> Result<Vec<SmppBindRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.system_id, b.mode, b.address, b.bound_at, b.submitted, b.delivered \
         FROM smpp_binds b JOIN smpp_credentials c ON c.id = b.credential_id \
         WHERE c.account_id = $1 AND b.seen_at >= $2 ORDER BY b.id",
    )
    .bind(account_id)
    .bind(db::before_now(BIND_SEEN_WITHIN))
    .fetch_all(pool)
    .await
}

/// A credential that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub id: i64,
    pub account_id: i64,
    pub system_id: String,
}

/// Why a bind is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindRefusal {
    /// No live credential has that system id.
    UnknownSystemId,
    WrongPassword,
    /// The client's address is outside the credential's networks.
    AddressNotAllowed,
    /// The credential has as many binds open as it may.
    TooManyBinds,
    /// This address failed too many binds of late.
    TooManyAttempts,
}

impl BindRefusal {
    /// What the audit log says.
    pub fn reason(self) -> &'static str {
        match self {
            Self::UnknownSystemId => "unknown system id",
            Self::WrongPassword => "wrong password",
            Self::AddressNotAllowed => "address not allowed",
            Self::TooManyBinds => "too many binds",
            Self::TooManyAttempts => "too many attempts from this address",
        }
    }

    /// What the client is answered: SMPP 3.4's codes for a wrong system id
    /// or password, "bind failed" for the rest.
    pub fn status(self) -> rusmpp::CommandStatus {
        use rusmpp::CommandStatus;
        match self {
            Self::UnknownSystemId => CommandStatus::EsmeRinvsysid,
            Self::WrongPassword => CommandStatus::EsmeRinvpaswd,
            Self::AddressNotAllowed | Self::TooManyBinds | Self::TooManyAttempts => {
                CommandStatus::EsmeRbindfail
            }
        }
    }
}

/// Checks a bind's system id, password and address. Whatever is wrong,
/// the same argon2 work is done, so timing tells nothing.
pub async fn authenticate(
    pool: &Pool,
    passwords: &Passwords,
    system_id: &str,
    password: &str,
    ip: IpAddr,
) -> Result<Result<Credential, (BindRefusal, Option<Credential>)>, sqlx::Error> {
    let found: Option<(i64, i64, String, String)> = sqlx::query_as(
        "SELECT id, account_id, password_hash, allowed_networks FROM smpp_credentials \
         WHERE system_id = $1 AND revoked_at IS NULL",
    )
    .bind(system_id)
    .fetch_optional(pool)
    .await?;
    let stored = found.as_ref().map(|(_, _, hash, _)| hash.as_str());
    let password_matches = passwords.verify(password, stored).await;
    let Some((id, account_id, _, networks)) = found else {
        return Ok(Err((BindRefusal::UnknownSystemId, None)));
    };
    let credential = Credential {
        id,
        account_id,
        system_id: system_id.to_owned(),
    };
    if !password_matches {
        return Ok(Err((BindRefusal::WrongPassword, Some(credential))));
    }
    // Stored by `create`, so it parses; were it not, nothing is allowed.
    let allowed = AllowedNetworks::parse(&networks).is_ok_and(|n| n.allows(ip));
    if !allowed {
        return Ok(Err((BindRefusal::AddressNotAllowed, Some(credential))));
    }
    Ok(Ok(credential))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_parse_and_allow() {
        let networks = AllowedNetworks::parse("192.0.2.0/24, 198.51.100.7\n2001:db8::/32").unwrap();
        assert_eq!(
            networks.to_string(),
            "192.0.2.0/24 198.51.100.7/32 2001:db8::/32"
        );
        for allowed in [
            "192.0.2.1",
            "192.0.2.255",
            "198.51.100.7",
            "2001:db8::1",
            "::ffff:192.0.2.9",
        ] {
            assert!(networks.allows(allowed.parse().unwrap()), "{allowed}");
        }
        for refused in ["192.0.3.1", "198.51.100.8", "2001:db9::1", "127.0.0.1"] {
            assert!(!networks.allows(refused.parse().unwrap()), "{refused}");
        }
        assert!(AllowedNetworks::parse("")
            .unwrap()
            .allows("203.0.113.1".parse().unwrap()));
        assert_eq!(
            AllowedNetworks::parse("10.1.2.3/8").unwrap().to_string(),
            "10.0.0.0/8",
            "host bits are dropped"
        );
        for bad in [
            "192.0.2.0/33",
            "example.com",
            "1.2.3",
            "10.0.0.0/8 nonsense",
        ] {
            assert!(AllowedNetworks::parse(bad).is_err(), "{bad}");
        }
        let many: Vec<String> = (0..21).map(|n| format!("10.0.{n}.0/24")).collect();
        assert!(AllowedNetworks::parse(&many.join(" ")).is_err());
    }
}
