//! The audit log: who did what to whom, when and from where. Entries are
//! only ever inserted; the database refuses UPDATE and DELETE on the table.

use crate::server::db::Pool;
use crate::server::db::Write as _;
use leptos::prelude::use_context;

use crate::domain::Viewer;

/// Where a request came from: the peer address and the browser.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub ip: Option<std::net::IpAddr>,
    pub user_agent: Option<String>,
}

impl Origin {
    pub fn of(parts: &http::request::Parts) -> Self {
        let ip = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip());
        let user_agent = parts
            .headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.chars().take(300).collect());
        Self { ip, user_agent }
    }

    /// The origin of the request a server function is serving.
    pub fn current() -> Self {
        use_context::<http::request::Parts>()
            .map(|parts| Self::of(&parts))
            .unwrap_or_default()
    }
}

/// One entry, before it is written.
pub struct Entry<'a> {
    pub account_id: Option<i64>,
    pub actor: Option<&'a Viewer>,
    pub subject: String,
    pub action: &'static str,
    pub detail: String,
}

impl<'a> Entry<'a> {
    /// An action of `actor` in their own account.
    pub fn by(actor: &'a Viewer, action: &'static str) -> Self {
        Self {
            account_id: actor.account_id,
            actor: Some(actor),
            subject: String::new(),
            action,
            detail: String::new(),
        }
    }

    /// An action of one of the account's API keys: no person did it.
    pub fn by_api_key(account_id: i64, key_id: i64, action: &'static str) -> Self {
        Self {
            account_id: Some(account_id),
            actor: None,
            subject: String::new(),
            action,
            detail: format!("by API key #{key_id}"),
        }
    }

    pub fn on(mut self, subject: impl Into<String>) -> Self {
        self.subject = subject.into();
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }

    pub fn in_account(mut self, account_id: Option<i64>) -> Self {
        self.account_id = account_id;
        self
    }
}

/// Writes an entry. A failure is logged, never shown to the user: the
/// action it records has already happened.
pub async fn record(pool: &Pool, origin: &Origin, entry: Entry<'_>) {
    let insert = sqlx::query(
        "INSERT INTO audit_log (account_id, actor_id, actor_login, actor_role, subject, action, detail, ip, user_agent) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    );
    let result = bind_entry(insert, &entry, origin).write(pool).await;
    if let Err(error) = result {
        tracing::error!(%error, action = entry.action, "audit entry not written");
    }
}

type Insert<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds an entry's nine columns, in the table's order.
fn bind_entry<'q>(insert: Insert<'q>, entry: &'q Entry<'_>, origin: &'q Origin) -> Insert<'q> {
    insert
        .bind(entry.account_id)
        .bind(entry.actor.map(|a| a.user_id))
        .bind(entry.actor.map(|a| a.login.as_str()))
        .bind(entry.actor.map(|a| a.role.as_str()))
        .bind(entry.subject.as_str())
        .bind(entry.action)
        .bind(entry.detail.as_str())
        .bind(origin.ip.map(|ip| ip.to_string()))
        .bind(origin.user_agent.as_deref())
}

/// Records an entry for the request a server function is serving.
pub async fn note(pool: &Pool, entry: Entry<'_>) {
    record(pool, &Origin::current(), entry).await;
}

/// Writes many entries in `tx`, so they stand or fall with the change they
/// record (a bulk action on a thousand sub-accounts: a thousand entries).
pub async fn record_all(
    tx: &mut super::db::Tx,
    origin: &Origin,
    entries: &[Entry<'_>],
) -> Result<(), sqlx::Error> {
    const COLUMNS: usize = 9;
    for chunk in entries.chunks(100) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|row| {
                let first = row * COLUMNS + 1;
                let params: Vec<String> =
                    (first..first + COLUMNS).map(|n| format!("${n}")).collect();
                format!("({})", params.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO audit_log (account_id, actor_id, actor_login, actor_role, subject, action, detail, ip, user_agent) VALUES {}",
            rows.join(", ")
        );
        let mut insert = sqlx::query(&sql);
        for entry in chunk {
            insert = bind_entry(insert, entry, origin);
        }
        insert.execute(&mut **tx).await?;
    }
    Ok(())
}
