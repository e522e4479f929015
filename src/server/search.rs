//! Searchable, paged lists: one way to count, page and export them.

use sqlx::{sqlite::SqliteRow, FromRow, SqlitePool};

use crate::api::{Page, PER_PAGE};

/// A LIKE pattern for a search box (its wildcards taken literally); empty matches all.
pub fn like_pattern(search: &str) -> String {
    let cleaned: String = search
        .trim()
        .chars()
        .take(100)
        .filter(|c| !matches!(c, '%' | '_'))
        .collect();
    format!("%{cleaned}%")
}

/// A list as SQL: `FROM … WHERE …` binds ?1 to the account (NULL lists every
/// account, where the condition allows it) and ?2 to the search pattern.
pub struct SearchList {
    pub columns: &'static str,
    pub from: &'static str,
    /// Newest first, for pages.
    pub order: &'static str,
    /// Oldest first, for exports.
    pub export_order: &'static str,
}

impl SearchList {
    pub async fn page<T>(
        &self,
        pool: &SqlitePool,
        account_id: Option<i64>,
        search: &str,
        page: i64,
    ) -> Result<Page<T>, sqlx::Error>
    where
        T: for<'r> FromRow<'r, SqliteRow> + Send + Unpin,
    {
        let pattern = like_pattern(search);
        let total = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {}", self.from))
            .bind(account_id)
            .bind(&pattern)
            .fetch_one(pool)
            .await?;
        let items = sqlx::query_as(&format!(
            "SELECT {} FROM {} ORDER BY {} LIMIT ?3 OFFSET ?4",
            self.columns, self.from, self.order
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

    /// The whole list in export order, binding as `page` does.
    pub fn export_sql(&self) -> String {
        format!(
            "SELECT {} FROM {} ORDER BY {}",
            self.columns, self.from, self.export_order
        )
    }
}

pub const INCOMING: SearchList = SearchList {
    columns: "id, received_at, sender, recipient, text",
    from: "incoming_messages WHERE account_id = ?1 AND (sender LIKE ?2 OR text LIKE ?2)",
    order: "received_at DESC, id DESC",
    export_order: "received_at, id",
};

pub const BLOCKED: SearchList = SearchList {
    columns: "id, created_at, sender, recipient, text, reason",
    from: "blocked_messages WHERE account_id = ?1 AND (recipient LIKE ?2 OR text LIKE ?2 OR reason LIKE ?2)",
    order: "created_at DESC, id DESC",
    export_order: "created_at, id",
};

/// An owner sees their account's entries; a manager (NULL) every account's.
pub const AUDIT: SearchList = SearchList {
    columns: "l.id, l.at, a.name AS account, l.actor_login, l.subject, l.action, l.detail, l.ip, l.user_agent",
    from: "audit_log l LEFT JOIN accounts a ON a.id = l.account_id WHERE (?1 IS NULL OR l.account_id = ?1) \
           AND (l.action LIKE ?2 OR l.subject LIKE ?2 OR l.actor_login LIKE ?2 OR l.detail LIKE ?2 OR l.ip LIKE ?2)",
    order: "l.id DESC",
    export_order: "l.id",
};
