//! CSV exports: plain axum routes, guarded like server functions, streamed
//! row by row through a small channel so memory stays flat at any size.

use axum::{
    extract::{Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use futures::TryStreamExt;
use serde::Deserialize;
use sqlx::SqlitePool;

use super::{analytics, audit, auth::AuthSession, search, AppState};
use crate::{
    api::{
        analytics::MessageRow,
        inbox::{BlockedRow, IncomingRow},
        AppError,
    },
    domain::{Access, Money, Permission, Viewer},
};

/// The export routes, each with the permission it needs.
pub const EXPORTS: [(&str, Permission); 3] = [
    (
        "/export/analytics-details.csv",
        Permission::AnalyticsDetailsExport,
    ),
    ("/export/incoming.csv", Permission::IncomingSmsExport),
    ("/export/blocked.csv", Permission::BlockedSmsExport),
];

/// The audit log's export (owners and managers, like its page).
pub const AUDIT_EXPORT: &str = "/export/audit-log.csv";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(AUDIT_EXPORT, get(audit_log))
        .route(EXPORTS[0].0, get(analytics_details))
        .route(EXPORTS[1].0, get(incoming))
        .route(EXPORTS[2].0, get(blocked))
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, self.to_string()).into_response()
    }
}

/// Checks the caller of an export; records refusals and downloads in the audit log.
async fn require(
    auth: &AuthSession,
    state: &AppState,
    origin: &audit::Origin,
    access: Access,
    what: &'static str,
) -> Result<Viewer, AppError> {
    let viewer = auth
        .user
        .as_ref()
        .map(|user| user.viewer.clone())
        .ok_or(AppError::Unauthenticated)?;
    if !access.allows(&viewer) {
        tracing::warn!(user = viewer.user_id, ?access, "export refused");
        let entry = audit::Entry::by(&viewer, "access_refused")
            .detail(format!("{access:?} at export {what}"));
        audit::record(&state.pool, origin, entry).await;
        return Err(AppError::Forbidden);
    }
    audit::record(
        &state.pool,
        origin,
        audit::Entry::by(&viewer, "export_downloaded").detail(what),
    )
    .await;
    Ok(viewer)
}

/// Neutralises spreadsheet formulas (CSV injection): a cell starting with
/// `=`, `+`, `-`, `@`, tab or CR gets a leading apostrophe. Plain E.164
/// numbers (`+` and digits) are left alone: they cannot hold a formula.
pub fn safe_cell(value: &str) -> String {
    let is_number = value
        .strip_prefix('+')
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if !is_number => format!("'{value}"),
        _ => value.to_owned(),
    }
}

/// One CSV line, quoted as needed, formulas neutralised.
pub fn csv_line(cells: &[&str]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(cells.iter().map(|cell| safe_cell(cell)));
    writer.into_inner().unwrap_or_default()
}

/// Streams the rows of `sql` as CSV: `header`, then `line(row)` for each.
fn stream_csv<T>(
    pool: SqlitePool,
    filename: &'static str,
    header: &'static [&'static str],
    sql: String,
    binds: Vec<Option<String>>,
    account_id: Option<i64>,
    line: impl Fn(T) -> Vec<u8> + Send + 'static,
) -> Response
where
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + Send + Unpin + 'static,
{
    let (sender, receiver) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
    tokio::spawn(async move {
        let mut chunk = csv_line(header);
        let mut query = sqlx::query_as::<_, T>(&sql).bind(account_id);
        for value in &binds {
            query = query.bind(value);
        }
        let mut rows = query.fetch(&pool);
        loop {
            match rows.try_next().await {
                Ok(Some(row)) => {
                    chunk.extend(line(row));
                    if chunk.len() >= 64 * 1024
                        && sender.send(std::mem::take(&mut chunk)).await.is_err()
                    {
                        return; // the client went away
                    }
                }
                Ok(None) => break,
                Err(error) => {
                    tracing::error!(%error, "export failed midway");
                    return;
                }
            }
        }
        let _ = sender.send(chunk).await;
    });
    let body = futures::stream::unfold(receiver, |mut receiver| async move {
        receiver
            .recv()
            .await
            .map(|chunk| (Ok::<_, std::convert::Infallible>(chunk), receiver))
    });
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        axum::body::Body::from_stream(body),
    )
        .into_response()
}

#[derive(Deserialize)]
struct DetailsQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    recipient: String,
}

async fn analytics_details(
    auth: AuthSession,
    State(state): State<AppState>,
    parts: http::request::Parts,
    Query(query): Query<DetailsQuery>,
) -> Result<Response, AppError> {
    let origin = audit::Origin::of(&parts);
    let access = Access::Permission(EXPORTS[0].1);
    let viewer = require(&auth, &state, &origin, access, "analytics details").await?;
    let account_id = viewer.account_id;
    let filter = analytics::DetailsFilter::parse(
        &viewer,
        &query.from,
        &query.to,
        &query.status,
        &query.recipient,
    )?;
    let (start, end) = filter.range.timestamps();
    let sql = format!(
        "SELECT {} FROM messages m LEFT JOIN users u ON u.id = m.user_id WHERE {} ORDER BY m.created_at, m.id",
        analytics::DETAILS_COLUMNS,
        filter.condition()
    );
    let binds = vec![
        Some(start),
        Some(end),
        filter.status.clone(),
        filter.recipient.clone(),
    ];
    let header: &'static [&'static str] = &[
        "time_utc",
        "sender",
        "recipient",
        "country",
        "text",
        "parts",
        "price_eur",
        "status",
        "sent_by",
    ];
    Ok(stream_csv(
        state.pool,
        "analytics-details.csv",
        header,
        sql,
        binds,
        account_id,
        move |row: MessageRow| {
            let row = filter.present(row);
            let price = Money(row.price).display_precise().replace('€', "");
            csv_line(&[
                &row.created_at,
                &row.sender,
                &row.recipient,
                &row.country_code,
                row.text.as_deref().unwrap_or(""),
                &row.parts.to_string(),
                &price,
                &row.status,
                row.sent_by.as_deref().unwrap_or(""),
            ])
        },
    ))
}

#[derive(Deserialize)]
struct SearchQuery {
    #[serde(default)]
    search: String,
}

async fn incoming(
    auth: AuthSession,
    State(state): State<AppState>,
    parts: http::request::Parts,
    Query(query): Query<SearchQuery>,
) -> Result<Response, AppError> {
    let origin = audit::Origin::of(&parts);
    let access = Access::Permission(EXPORTS[1].1);
    let account_id = require(&auth, &state, &origin, access, "incoming SMS")
        .await?
        .account_id;
    let sql = search::INCOMING.export_sql();
    let header: &'static [&'static str] = &["received_utc", "from", "to", "text"];
    Ok(stream_csv(
        state.pool,
        "incoming-sms.csv",
        header,
        sql,
        vec![Some(search::like_pattern(&query.search))],
        account_id,
        |row: IncomingRow| csv_line(&[&row.received_at, &row.sender, &row.recipient, &row.text]),
    ))
}

async fn blocked(
    auth: AuthSession,
    State(state): State<AppState>,
    parts: http::request::Parts,
    Query(query): Query<SearchQuery>,
) -> Result<Response, AppError> {
    let origin = audit::Origin::of(&parts);
    let access = Access::Permission(EXPORTS[2].1);
    let account_id = require(&auth, &state, &origin, access, "blocked SMS")
        .await?
        .account_id;
    let sql = search::BLOCKED.export_sql();
    let header: &'static [&'static str] = &["time_utc", "sender", "recipient", "text", "reason"];
    Ok(stream_csv(
        state.pool,
        "blocked-sms.csv",
        header,
        sql,
        vec![Some(search::like_pattern(&query.search))],
        account_id,
        |row: BlockedRow| {
            csv_line(&[
                &row.created_at,
                &row.sender,
                &row.recipient,
                &row.text,
                &row.reason,
            ])
        },
    ))
}

async fn audit_log(
    auth: AuthSession,
    State(state): State<AppState>,
    parts: http::request::Parts,
    Query(query): Query<SearchQuery>,
) -> Result<Response, AppError> {
    let origin = audit::Origin::of(&parts);
    // A manager has no account (NULL): they export every account's entries.
    let viewer = require(&auth, &state, &origin, Access::AuditLog, "audit log").await?;
    let sql = search::AUDIT.export_sql();
    let header: &'static [&'static str] = &[
        "time_utc",
        "account",
        "who",
        "on_whom",
        "action",
        "detail",
        "ip",
        "user_agent",
    ];
    let pattern = search::like_pattern(&query.search);
    Ok(stream_csv(
        state.pool,
        "audit-log.csv",
        header,
        sql,
        vec![Some(pattern)],
        viewer.account_id,
        |row: crate::api::audit::AuditRow| {
            csv_line(&[
                &row.at,
                row.account.as_deref().unwrap_or(""),
                row.actor_login.as_deref().unwrap_or(""),
                &row.subject,
                &row.action,
                &row.detail,
                row.ip.as_deref().unwrap_or(""),
                row.user_agent.as_deref().unwrap_or(""),
            ])
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        assert_eq!(
            safe_cell("=HYPERLINK(\"http://evil\",\"x\")"),
            "'=HYPERLINK(\"http://evil\",\"x\")"
        );
        for risky in ["+1+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(safe_cell(risky).starts_with('\''), "{risky:?}");
        }
        assert_eq!(safe_cell("+447700900123"), "+447700900123");
        assert_eq!(safe_cell("Hello"), "Hello");
    }

    #[test]
    fn csv_lines_are_quoted() {
        let line =
            String::from_utf8(csv_line(&["a,b", "say \"hi\"", "=cmd", "multi\nline"])).unwrap();
        assert_eq!(line, "\"a,b\",\"say \"\"hi\"\"\",'=cmd,\"multi\nline\"\n");
    }
}
