//! Analytics: the summary reads the per-day totals kept by triggers; the
//! detailed report pages through messages by an index of (account, time).

use crate::server::db::{Backend, Pool};
use sqlx::{any::AnyArguments, query::QueryAs, Any};
use time::{macros::format_description, Date, Duration, OffsetDateTime};

use crate::{
    domain::wire::{
        analytics::{CountryTotal, DayTotal, MessageRow, Summary},
        AppError, Page, PER_PAGE,
    },
    domain::{Permission, Viewer},
};

/// An inclusive range of UTC days, at most a year long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateRange {
    pub from: String,
    pub to: String,
}

impl DateRange {
    /// Empty bounds default to the last 30 days; at most a year at a time.
    pub fn parse(from: &str, to: &str) -> Result<Self, AppError> {
        Self::parse_within(from, to, Some(Duration::days(29)))
    }

    /// Any span: an empty start means since the beginning of records.
    pub fn parse_any(from: &str, to: &str) -> Result<Self, AppError> {
        Self::parse_within(from, to, None)
    }

    /// `default_span`: how far back an empty start goes, and whether the
    /// range is limited to a year (analytics) or not (statements).
    fn parse_within(
        from: &str,
        to: &str,
        default_span: Option<Duration>,
    ) -> Result<Self, AppError> {
        let format = format_description!("[year]-[month]-[day]");
        let today = OffsetDateTime::now_utc().date();
        let parse = |raw: &str, field: &str, default: Date| -> Result<Date, AppError> {
            if raw.trim().is_empty() {
                return Ok(default);
            }
            Date::parse(raw.trim(), format)
                .map_err(|_| AppError::invalid(field, "Enter a date as YYYY-MM-DD."))
        };
        let to = parse(to, "to", today)?;
        let earliest = Date::from_calendar_date(2000, time::Month::January, 1).unwrap_or(to);
        let from = parse(
            from,
            "from",
            default_span.map_or(earliest, |span| to - span),
        )?;
        if from > to {
            return Err(AppError::invalid(
                "from",
                "The start date is after the end date.",
            ));
        }
        if default_span.is_some() && to - from > Duration::days(366) {
            return Err(AppError::invalid(
                "from",
                "Choose at most a year at a time.",
            ));
        }
        let show = |d: Date| d.format(format).unwrap_or_default();
        Ok(Self {
            from: show(from),
            to: show(to),
        })
    }

    /// Bounds for `created_at` text columns: [from 00:00, to + 1 day).
    pub fn timestamps(&self) -> (String, String) {
        (
            format!("{}T00:00:00Z", self.from),
            format!("{}T99", self.to),
        )
    }
}

pub async fn summary(
    pool: &Pool,
    account_id: i64,
    range: &DateRange,
) -> Result<Summary, sqlx::Error> {
    let rows: Vec<(String, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT day, status, CAST(SUM(messages) AS BIGINT), CAST(SUM(parts) AS BIGINT), CAST(SUM(cost) AS BIGINT) FROM message_daily \
         WHERE account_id = $1 AND day BETWEEN $2 AND $3 GROUP BY day, status ORDER BY day",
    )
    .bind(account_id)
    .bind(&range.from)
    .bind(&range.to)
    .fetch_all(pool)
    .await?;
    let mut days: Vec<DayTotal> = Vec::new();
    let mut statuses: Vec<(String, i64)> = ["delivered", "failed", "sent", "queued"]
        .iter()
        .map(|s| (s.to_string(), 0))
        .collect();
    let (mut messages, mut parts, mut cost) = (0, 0, 0);
    for (day, status, count, row_parts, row_cost) in rows {
        if days.last().is_none_or(|d| d.day != day) {
            days.push(DayTotal {
                day: day.clone(),
                ..Default::default()
            });
        }
        let total = days.last_mut().expect("pushed above");
        match status.as_str() {
            "delivered" => total.delivered += count,
            "failed" => total.failed += count,
            _ => total.pending += count,
        }
        total.cost += row_cost;
        if let Some(entry) = statuses.iter_mut().find(|(s, _)| *s == status) {
            entry.1 += count;
        }
        messages += count;
        parts += row_parts;
        cost += row_cost;
    }
    let countries: Vec<CountryTotal> = sqlx::query_as(
        "SELECT d.country_code, (SELECT p.country FROM prices p WHERE p.country_code = d.country_code LIMIT 1) AS country, \
         CAST(SUM(d.messages) AS BIGINT) AS messages, CAST(SUM(d.parts) AS BIGINT) AS parts, CAST(SUM(d.cost) AS BIGINT) AS cost FROM message_daily d \
         WHERE d.account_id = $1 AND d.day BETWEEN $2 AND $3 GROUP BY d.country_code ORDER BY messages DESC",
    )
    .bind(account_id)
    .bind(&range.from)
    .bind(&range.to)
    .fetch_all(pool)
    .await?;
    Ok(Summary {
        from: range.from.clone(),
        to: range.to.clone(),
        days,
        statuses,
        countries,
        messages,
        parts,
        cost,
    })
}

/// The filter of the detailed report and its export.
#[derive(Debug, Clone)]
pub struct DetailsFilter {
    pub range: DateRange,
    pub status: Option<String>,
    /// Digits a recipient number starts (with its country code) or ends with;
    /// only for unmasked viewers, since searching masked numbers would
    /// reveal them digit by digit.
    pub recipient: Option<String>,
    pub unmasked: bool,
    /// Only what one login, or the HTTP API, sent (the owner's filter).
    pub sent_by: Option<SentBy>,
}

/// Who sent a message: a login of the account, its HTTP API or SMPP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentBy {
    User(i64),
    Api,
    Smpp,
}

impl SentBy {
    /// Empty for no filter, `api`, `smpp`, or a user id; anything else is refused.
    pub fn parse(raw: &str) -> Result<Option<Self>, AppError> {
        match raw.trim() {
            "" => Ok(None),
            "api" => Ok(Some(SentBy::Api)),
            "smpp" => Ok(Some(SentBy::Smpp)),
            id => id
                .parse()
                .ok()
                .filter(|id| *id > 0)
                .map(|id| Some(SentBy::User(id)))
                .ok_or_else(|| AppError::invalid("sent_by", "Choose who sent from the list.")),
        }
    }
}

impl DetailsFilter {
    pub fn parse(
        viewer: &Viewer,
        from: &str,
        to: &str,
        status: &str,
        recipient: &str,
    ) -> Result<Self, AppError> {
        Self::parse_with_sender(viewer, from, to, status, recipient, "")
    }

    /// As [`Self::parse`], with the owner's "Sent by" (`sent_by`).
    pub fn parse_with_sender(
        viewer: &Viewer,
        from: &str,
        to: &str,
        status: &str,
        recipient: &str,
        sent_by: &str,
    ) -> Result<Self, AppError> {
        let sent_by = match (SentBy::parse(sent_by)?, viewer.role) {
            (None, _) => None,
            (Some(who), crate::domain::Role::Owner) => Some(who),
            (Some(_), _) => {
                return Err(AppError::invalid(
                    "sent_by",
                    "Only the account owner filters by who sent.",
                ))
            }
        };
        let range = DateRange::parse(from, to)?;
        let status = match status.trim() {
            "" => None,
            s @ ("queued" | "sent" | "delivered" | "failed") => Some(s.to_owned()),
            _ => {
                return Err(AppError::invalid(
                    "status",
                    "Choose a status from the list.",
                ))
            }
        };
        let unmasked = viewer.has(Permission::SeeAnalyticsDetails);
        let digits: String = recipient
            .chars()
            .filter(char::is_ascii_digit)
            .take(15)
            .collect();
        let recipient = match (digits.is_empty(), unmasked) {
            (true, _) => None,
            (false, true) => Some(digits),
            (false, false) => {
                return Err(AppError::invalid(
                    "recipient",
                    "Searching by number needs “Can See Analytics Details”.",
                ))
            }
        };
        Ok(Self {
            range,
            status,
            recipient,
            unmasked,
            sent_by,
        })
    }

    /// The sender's term. A user id is a number the server parsed, so it
    /// is written into the SQL: the exports' binds keep their places.
    fn sender_condition(&self) -> String {
        match self.sent_by {
            None => String::new(),
            Some(SentBy::Api) => " AND m.source = 'api'".to_owned(),
            Some(SentBy::Smpp) => " AND m.source = 'smpp'".to_owned(),
            Some(SentBy::User(id)) => format!(" AND m.source = 'portal' AND m.user_id = {id}"),
        }
    }

    /// The WHERE clause over `m`, binding $1 account, $2/$3 time, $4 status, $5 recipient.
    pub fn condition(&self, backend: Backend) -> String {
        let Some(_) = &self.recipient else {
            let mut sql =
                String::from("m.account_id = $1 AND m.created_at >= $2 AND m.created_at < $3");
            if self.status.is_some() {
                sql.push_str(" AND m.status = $4");
            }
            sql.push_str(&self.sender_condition());
            return sql;
        };
        // The number starts (after `+`) or ends with the digits: two ranges
        // of two indexes. The other terms are written so that no index can
        // serve them, or the planner may walk the time index instead and
        // read every message of the range (PostgreSQL's generic plan for a
        // prepared statement does, not knowing how few numbers match).
        let reversed = reversed_digits("$5");
        let (account, at, status) = match backend {
            Backend::Sqlite => ("+m.account_id", "+m.created_at", "+m.status"),
            Backend::Postgres => ("m.account_id + 0", "m.created_at || ''", "m.status || ''"),
        };
        let mut sql = format!(
            "{account} = $1 AND {at} >= $2 AND {at} < $3 AND m.id IN (\
             SELECT id FROM messages WHERE account_id = $1 AND recipient >= '+' || $5 AND recipient < '+' || $5 || ':' \
             UNION SELECT id FROM messages WHERE account_id = $1 \
             AND recipient_reversed >= {reversed} AND recipient_reversed < {reversed} || ':')"
        );
        if self.status.is_some() {
            sql.push_str(&format!(" AND {status} = $4"));
        }
        sql.push_str(&self.sender_condition());
        sql
    }

    /// What [`Self::condition`] binds as $2–$5, after the account ($1).
    pub fn binds(&self) -> [Option<String>; 4] {
        let (start, end) = self.range.timestamps();
        [
            Some(start),
            Some(end),
            self.status.clone(),
            self.recipient.clone(),
        ]
    }

    /// `query` with the account and [`Self::binds`] bound as $1–$5.
    fn bind<'q, O>(
        &self,
        account_id: i64,
        query: QueryAs<'q, Any, O, AnyArguments<'q>>,
    ) -> QueryAs<'q, Any, O, AnyArguments<'q>> {
        self.binds()
            .into_iter()
            .fold(query.bind(account_id), |query, value| query.bind(value))
    }

    /// Hides what the viewer may not see: masking happens here, on the server.
    pub fn present(&self, mut row: MessageRow) -> MessageRow {
        if !self.unmasked {
            row.recipient = super::phone::masked(&row.recipient);
            row.text = None;
        }
        row
    }
}

/// SQL reversing the up to 15 digits `expr` holds (SQLite has no reverse();
/// `substr` past the end is empty). `:` sorts right after `9`, so a range
/// from `x` to `x || ':'` holds exactly the strings starting with digits `x`.
fn reversed_digits(expr: &str) -> String {
    let terms: Vec<String> = (1..=15)
        .rev()
        .map(|n| format!("substr({expr}, {n}, 1)"))
        .collect();
    format!("({})", terms.join(" || "))
}

/// A message sent through the HTTP API is sent by "API", one sent over
/// SMPP by "SMPP", not by a login.
pub const DETAILS_COLUMNS: &str = "m.id, m.created_at, m.sender, m.recipient, m.country_code, m.text, m.parts, m.price, m.status, \
     CASE WHEN m.source = 'api' THEN 'API' WHEN m.source = 'smpp' THEN 'SMPP' ELSE u.login END AS sent_by";

pub async fn details(
    pool: &Pool,
    account_id: i64,
    filter: &DetailsFilter,
    page: i64,
) -> Result<Page<MessageRow>, sqlx::Error> {
    let condition = filter.condition(Backend::of(pool));
    let total = details_count(pool, account_id, filter).await?;
    let offset = (page - 1) * PER_PAGE;
    // Skipping rows costs one index step each, so a page in the older half
    // is counted from the oldest end: the last page is as quick as the first.
    let (order, skip, take) = if offset > total / 2 {
        let on_page = (total - offset).clamp(0, PER_PAGE);
        ("ASC", (total - offset - PER_PAGE).max(0), on_page)
    } else {
        ("DESC", offset, PER_PAGE)
    };
    // Page through the index first, then fetch only the rows of the page.
    let sql = format!(
        "SELECT {DETAILS_COLUMNS} FROM messages m LEFT JOIN users u ON u.id = m.user_id \
         WHERE m.id IN (SELECT m.id FROM messages m WHERE {condition} \
                        ORDER BY m.created_at {order}, m.id {order} LIMIT $6 OFFSET $7) \
         ORDER BY m.created_at DESC, m.id DESC"
    );
    let rows: Vec<MessageRow> = filter
        .bind(account_id, sqlx::query_as(&sql))
        .bind(take)
        .bind(skip)
        .fetch_all(pool)
        .await?;
    let items = rows.into_iter().map(|row| filter.present(row)).collect();
    Ok(Page {
        items,
        total,
        page,
        per_page: PER_PAGE,
    })
}

/// How many messages match: from the per-day totals when the filter is whole
/// days and a status (they hold exactly those counts), by counting otherwise.
async fn details_count(
    pool: &Pool,
    account_id: i64,
    filter: &DetailsFilter,
) -> Result<i64, sqlx::Error> {
    // The daily totals know no recipients and no senders.
    if filter.recipient.is_none() && filter.sent_by.is_none() {
        return sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(messages), 0) AS BIGINT) FROM message_daily \
             WHERE account_id = $1 AND day BETWEEN $2 AND $3 AND ($4 IS NULL OR status = $4)",
        )
        .bind(account_id)
        .bind(&filter.range.from)
        .bind(&filter.range.to)
        .bind(&filter.status)
        .fetch_one(pool)
        .await;
    }
    let sql = format!(
        "SELECT COUNT(*) FROM messages m WHERE {}",
        filter.condition(Backend::of(pool))
    );
    let (count,): (i64,) = filter
        .bind(account_id, sqlx::query_as(&sql))
        .fetch_one(pool)
        .await?;
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{PermissionSet, Role};

    fn viewer(permissions: PermissionSet) -> Viewer {
        Viewer {
            user_id: 1,
            login: "sam".into(),
            name: "Sam".into(),
            role: Role::Sub,
            account_id: Some(1),
            account_name: None,
            can_add_subaccount: true,
            permissions,
            balance: None,
            zone: Default::default(),
            must_change_password: false,
            must_enrol_two_factor: false,
        }
    }

    fn row() -> MessageRow {
        MessageRow {
            id: 1,
            created_at: "2026-11-01T10:00:00Z".into(),
            sender: "ACME".into(),
            recipient: "+447430900123".into(),
            country_code: "GB".into(),
            text: Some("Your code is 1234".into()),
            parts: 1,
            price: 350,
            status: "delivered".into(),
            sent_by: None,
        }
    }

    #[test]
    fn without_see_details_numbers_are_masked_and_text_withheld() {
        let details_only = PermissionSet::empty().with_granted(Permission::UseAnalyticsDetails);
        let filter = DetailsFilter::parse(&viewer(details_only), "", "", "", "").unwrap();
        let shown = filter.present(row());
        assert_eq!(shown.recipient, "+44 7*** ***123");
        assert_eq!(shown.text, None);
        let full = PermissionSet::empty().with_granted(Permission::SeeAnalyticsDetails);
        let filter = DetailsFilter::parse(&viewer(full), "", "", "", "").unwrap();
        assert_eq!(filter.present(row()), row());
    }

    #[test]
    fn masked_viewers_cannot_search_by_number() {
        let details_only = PermissionSet::empty().with_granted(Permission::UseAnalyticsDetails);
        assert!(DetailsFilter::parse(&viewer(details_only), "", "", "", "7700").is_err());
    }

    #[test]
    fn date_ranges_are_checked() {
        assert!(DateRange::parse("2026-01-01", "2026-01-31").is_ok());
        assert!(DateRange::parse("2026-02-01", "2026-01-31").is_err());
        assert!(DateRange::parse("2024-01-01", "2026-01-31").is_err());
        assert!(DateRange::parse("yesterday", "").is_err());
        let default = DateRange::parse("", "").unwrap();
        assert!(default.from < default.to);
    }
}
