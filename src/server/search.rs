//! Searchable, paged lists: one way to count, page and export them.

use sqlx::{any::AnyRow, FromRow};

use crate::server::db::{Backend, Pool};

use crate::domain::wire::{Page, PER_PAGE};

/// A LIKE pattern for a search box, for use with `ESCAPE '\'`: what the
/// user typed is found literally, `_` and `%` included. Empty matches all.
pub fn like_pattern(search: &str) -> String {
    let mut pattern = String::from("%");
    for c in search.trim().chars().take(100) {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// A list as SQL: `FROM … WHERE …` binds $1 to the account (NULL lists every
/// account, where the condition allows it) and $2 to the search pattern.
/// `LIKE` in the condition ignores case on both backends (see [`Self::from`]).
pub struct SearchList {
    pub columns: &'static str,
    pub from: &'static str,
    /// Newest first, for pages.
    pub order: &'static str,
    /// Oldest first, for exports.
    pub export_order: &'static str,
    /// The rows after an export's last key: time $6, id $7.
    pub export_after: &'static str,
}

impl SearchList {
    pub async fn page<T>(
        &self,
        pool: &Pool,
        account_id: Option<i64>,
        search: &str,
        page: i64,
    ) -> Result<Page<T>, sqlx::Error>
    where
        T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
    {
        let pattern = like_pattern(search);
        let from = self.from(Backend::of(pool));
        let total = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {from}"))
            .bind(account_id)
            .bind(&pattern)
            .fetch_one(pool)
            .await?;
        let items = sqlx::query_as(&format!(
            "SELECT {} FROM {from} ORDER BY {} LIMIT $3 OFFSET $4",
            self.columns, self.order
        ))
        .bind(account_id)
        .bind(&pattern)
        .bind(PER_PAGE)
        .bind((page - 1) * PER_PAGE)
        .fetch_all(pool)
        .await?;
        Ok(Page {
            items,
            total,
            page,
            per_page: PER_PAGE,
        })
    }

    /// The `FROM … WHERE …` for `backend`: PostgreSQL's LIKE heeds case,
    /// its ILIKE is what SQLite's LIKE does.
    pub fn from(&self, backend: Backend) -> String {
        self.from
            .replace(" LIKE ", &format!(" {} ", backend.like()))
    }
}

pub const INCOMING: SearchList = SearchList {
    columns: "id, received_at, sender, recipient, text",
    from: "incoming_messages WHERE account_id = $1 AND (sender LIKE $2 ESCAPE '\\' OR text LIKE $2 ESCAPE '\\')",
    order: "received_at DESC, id DESC",
    export_order: "received_at, id",
    export_after: "(received_at, id) > ($6, $7)",
};

pub const BLOCKED: SearchList = SearchList {
    columns: "id, created_at, sender, recipient, text, reason",
    // The reason as the page shows it ("stop list"), so what is seen is found.
    from: "blocked_messages WHERE account_id = $1 AND (recipient LIKE $2 ESCAPE '\\' OR text LIKE $2 ESCAPE '\\' \
           OR replace(reason, '_', ' ') LIKE $2 ESCAPE '\\')",
    order: "created_at DESC, id DESC",
    export_order: "created_at, id",
    export_after: "(created_at, id) > ($6, $7)",
};

/// Whether the entry's actor is the provider's staff and the viewer is not
/// ($1 holds the viewer's account; a manager has none).
macro_rules! staff_hidden {
    () => {
        "($1 IS NOT NULL AND COALESCE(l.actor_role, au.role, '') = 'manager')"
    };
}

/// An owner sees their account's entries; a manager (NULL) every account's.
/// Owners see the provider's staff as "Provider staff", without address or
/// browser, and cannot find those by searching either.
pub const AUDIT: SearchList = SearchList {
    columns: concat!(
        "l.id, l.at, a.name AS account, ",
        "CASE WHEN ", staff_hidden!(), " THEN 'Provider staff' ELSE l.actor_login END AS actor_login, ",
        "l.subject, l.action, l.detail, ",
        "CASE WHEN ", staff_hidden!(), " THEN NULL ELSE l.ip END AS ip, ",
        "CASE WHEN ", staff_hidden!(), " THEN NULL ELSE l.user_agent END AS user_agent"
    ),
    from: concat!(
        "audit_log l LEFT JOIN accounts a ON a.id = l.account_id LEFT JOIN users au ON au.id = l.actor_id ",
        "WHERE ($1 IS NULL OR l.account_id = $1) AND (l.action LIKE $2 ESCAPE '\\' OR l.subject LIKE $2 ESCAPE '\\' ",
        "OR l.detail LIKE $2 ESCAPE '\\' ",
        "OR (CASE WHEN ", staff_hidden!(), " THEN 'Provider staff' ELSE l.actor_login END) LIKE $2 ESCAPE '\\' ",
        "OR (NOT ", staff_hidden!(), " AND l.ip LIKE $2 ESCAPE '\\'))"
    ),
    order: "l.id DESC",
    export_order: "l.id",
    export_after: "l.id > $7",
};

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn wildcards_are_searched_literally() {
        assert_eq!(like_pattern(" login_failed "), "%login\\_failed%");
        assert_eq!(like_pattern("50%"), "%50\\%%");
        assert_eq!(like_pattern("a\\b"), "%a\\\\b%");
        assert_eq!(like_pattern(""), "%%");
    }
}
