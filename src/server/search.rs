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

/// A value a list's query binds, in `$n` order.
pub enum Arg<'a> {
    Id(Option<i64>),
    Text(&'a str),
}

/// One page of `SELECT columns FROM from ORDER BY order`, where `from`
/// (`… WHERE …`) binds `args` as $1, $2…; a page past the end is the last.
pub async fn page_of<T>(
    pool: &Pool,
    (columns, from, order): (&str, &str, &str),
    args: &[Arg<'_>],
    page: i64,
    per_page: i64,
) -> Result<Page<T>, sqlx::Error>
where
    T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
{
    let count_sql = format!("SELECT COUNT(*) FROM {from}");
    let mut count = sqlx::query_scalar(&count_sql);
    for arg in args {
        count = match arg {
            Arg::Id(id) => count.bind(*id),
            Arg::Text(text) => count.bind(*text),
        };
    }
    let total: i64 = count.fetch_one(pool).await?;
    let page = page.min((total + per_page - 1) / per_page).max(1);
    let (limit, offset) = (args.len() + 1, args.len() + 2);
    let rows_sql =
        format!("SELECT {columns} FROM {from} ORDER BY {order} LIMIT ${limit} OFFSET ${offset}");
    let mut rows = sqlx::query_as(&rows_sql);
    for arg in args {
        rows = match arg {
            Arg::Id(id) => rows.bind(*id),
            Arg::Text(text) => rows.bind(*text),
        };
    }
    let items = rows
        .bind(per_page)
        .bind((page - 1) * per_page)
        .fetch_all(pool)
        .await?;
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

/// A list as SQL: `FROM … WHERE …` binds $1 to the account (NULL lists every
/// account, where the condition allows it) and $2 to the search pattern.
pub struct SearchList {
    pub columns: &'static str,
    /// The `FROM … WHERE …`, given the backend's case-blind LIKE: SQLite's
    /// LIKE ignores case, PostgreSQL's ILIKE does what it does.
    pub from: fn(like: &str) -> String,
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
        let args = [Arg::Id(account_id), Arg::Text(&pattern)];
        page_of(
            pool,
            (self.columns, &from, self.order),
            &args,
            page,
            PER_PAGE,
        )
        .await
    }

    /// The `FROM … WHERE …` for `backend`.
    pub fn from(&self, backend: Backend) -> String {
        (self.from)(backend.like())
    }
}

pub const INCOMING: SearchList = SearchList {
    columns: "id, received_at, sender, recipient, text",
    from: |like| {
        format!("incoming_messages WHERE account_id = $1 AND (sender {like} $2 ESCAPE '\\' OR text {like} $2 ESCAPE '\\')")
    },
    order: "received_at DESC, id DESC",
    export_order: "received_at, id",
    export_after: "(received_at, id) > ($6, $7)",
};

pub const BLOCKED: SearchList = SearchList {
    columns: "id, created_at, sender, recipient, text, reason",
    // The reason as the page shows it ("stop list"), so what is seen is found.
    from: |like| {
        format!(
            "blocked_messages WHERE account_id = $1 AND (recipient {like} $2 ESCAPE '\\' OR text {like} $2 ESCAPE '\\' \
             OR replace(reason, '_', ' ') {like} $2 ESCAPE '\\')"
        )
    },
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
        "CASE WHEN ",
        staff_hidden!(),
        " THEN 'Provider staff' ELSE l.actor_login END AS actor_login, ",
        "l.subject, l.action, l.detail, ",
        "CASE WHEN ",
        staff_hidden!(),
        " THEN NULL ELSE l.ip END AS ip, ",
        "CASE WHEN ",
        staff_hidden!(),
        " THEN NULL ELSE l.user_agent END AS user_agent"
    ),
    from: |like| {
        format!(
            concat!(
                "audit_log l LEFT JOIN accounts a ON a.id = l.account_id LEFT JOIN users au ON au.id = l.actor_id ",
                "WHERE ($1 IS NULL OR l.account_id = $1) AND (l.action {like} $2 ESCAPE '\\' OR l.subject {like} $2 ESCAPE '\\' ",
                "OR l.detail {like} $2 ESCAPE '\\' ",
                "OR (CASE WHEN ", staff_hidden!(), " THEN 'Provider staff' ELSE l.actor_login END) {like} $2 ESCAPE '\\' ",
                "OR (NOT ", staff_hidden!(), " AND l.ip {like} $2 ESCAPE '\\'))"
            ),
            like = like
        )
    },
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
