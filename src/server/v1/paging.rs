//! Lists a page at a time, newest first, behind an opaque cursor: the last
//! row's time and id, so new rows never shift a page being read.

use axum::{extract::Query, http::Uri};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde::{de::DeserializeOwned, Serialize};

use super::problem::Problem;
use crate::server::db;

pub const DEFAULT_LIMIT: i64 = 100;
pub const MAX_LIMIT: i64 = 1000;

/// A page of a list, newest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub data: Vec<T>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// `rows` holds up to `limit + 1`: one more than fits says there is a next page.
    pub fn of(mut rows: Vec<T>, limit: i64, key: impl Fn(&T) -> Cursor) -> Self {
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next_cursor = more
            .then(|| rows.last().map(|row| key(row).encode()))
            .flatten();
        Self {
            data: rows,
            next_cursor,
        }
    }
}

/// Where a page ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub time: String,
    pub id: i64,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}|{}", self.time, self.id))
    }

    pub fn decode(raw: &str) -> Result<Self, Problem> {
        let invalid = || {
            Problem::new(
                "invalid_cursor",
                "Pass a cursor exactly as `next_cursor` gave it.",
            )
        };
        let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| invalid())?;
        let text = String::from_utf8(bytes).map_err(|_| invalid())?;
        let (time, id) = text.split_once('|').ok_or_else(invalid)?;
        let id = id.parse().map_err(|_| invalid())?;
        let time = parse_time(time).ok_or_else(invalid)?;
        Ok(Self { time, id })
    }
}

/// The query string as a `T`; unknown or ill-typed parameters are a 400.
pub fn query<T: DeserializeOwned>(uri: &Uri) -> Result<T, Problem> {
    if uri.query().is_some_and(|query| query.contains("%00")) {
        return Err(Problem::new(
            "malformed_request",
            "Parameters cannot contain NUL characters (%00).",
        ));
    }
    Query::<T>::try_from_uri(uri)
        .map(|Query(query)| query)
        .map_err(|rejection| Problem::new("malformed_request", rejection.body_text()))
}

pub fn limit(requested: Option<i64>) -> Result<i64, Problem> {
    match requested.unwrap_or(DEFAULT_LIMIT) {
        n @ 1..=MAX_LIMIT => Ok(n),
        _ => Err(Problem::field(
            "limit",
            "invalid_value",
            format!("limit is 1 to {MAX_LIMIT}."),
        )),
    }
}

/// An RFC 3339 time as the database keeps times (UTC, to the second).
fn parse_time(raw: &str) -> Option<String> {
    let at =
        time::OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339).ok()?;
    // Out of range in UTC (year 9999 west of Greenwich): not a time we keep.
    Some(db::timestamp(at.checked_to_offset(time::UtcOffset::UTC)?))
}

/// The filter `name`, an RFC 3339 time.
pub fn time(name: &str, raw: &str) -> Result<String, Problem> {
    parse_time(raw).ok_or_else(|| {
        Problem::field(
            name,
            "invalid_value",
            format!("{name} is an RFC 3339 time, e.g. 2026-11-28T09:15:02Z."),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_survives_its_round_trip_and_forgeries_are_refused() {
        let cursor = Cursor {
            time: "2026-11-28T09:15:02Z".into(),
            id: 42,
        };
        assert_eq!(Cursor::decode(&cursor.encode()).unwrap(), cursor);
        for forged in [
            "",
            "%%%",
            "bm90IGEgY3Vyc29y",
            &URL_SAFE_NO_PAD.encode("x|1"),
        ] {
            assert!(Cursor::decode(forged).is_err(), "{forged}");
        }
    }

    #[test]
    fn times_are_read_in_any_offset_and_kept_in_utc() {
        assert_eq!(
            parse_time("2026-11-28T10:15:02+01:00").as_deref(),
            Some("2026-11-28T09:15:02Z")
        );
        assert_eq!(parse_time("yesterday"), None);
    }
}
