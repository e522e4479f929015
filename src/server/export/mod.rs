//! CSV exports: plain axum routes, guarded like server functions, streamed
//! in keyset chunks so memory stays flat and no connection waits on a client.

mod cells;
mod limits;
mod stream;

use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use serde::Deserialize;
use std::marker::PhantomData;

use super::{analytics, audit, auth::AuthSession, db::Backend, finance, guard, search, AppState};
use crate::{
    domain::wire::{
        analytics::MessageRow,
        audit::AuditRow,
        finance::Transaction,
        inbox::{BlockedRow, IncomingRow},
        AppError,
    },
    domain::{Access, Money, Permission, Viewer},
};
pub use cells::{csv_line, safe_cell};
pub use limits::{ExportLimits, ExportPermit};
pub use stream::DEFAULT_STALL;
use stream::{csv_response, ExportQuery, Keyed};

/// The export routes, each with the permission it needs.
pub const EXPORTS: [(&str, Permission); 4] = [
    (
        "/export/analytics-details.csv",
        Permission::AnalyticsDetailsExport,
    ),
    ("/export/incoming.csv", Permission::IncomingSmsExport),
    ("/export/blocked.csv", Permission::BlockedSmsExport),
    ("/export/transactions.csv", Permission::SeeFinance),
];

/// The audit log's export (owners and managers, like its page).
pub const AUDIT_EXPORT: &str = "/export/audit-log.csv";

/// The access review: the sub-accounts with what they may do (the owner).
pub const ACCESS_REVIEW_EXPORT: &str = "/export/access-review.csv";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(AUDIT_EXPORT, get(audit_log))
        .route(ACCESS_REVIEW_EXPORT, get(access_review))
        .route(EXPORTS[0].0, get(analytics_details))
        .route(EXPORTS[1].0, get(incoming))
        .route(EXPORTS[2].0, get(blocked))
        .route(EXPORTS[3].0, get(transactions))
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, self.to_string()).into_response()
    }
}

/// Each exported row is keyed by its time stamp and id, as it is ordered.
macro_rules! keyed_by {
    ($($row:ty: $time:ident),* $(,)?) => {
        $(impl Keyed for $row {
            fn key(&self) -> (String, i64) {
                (self.$time.clone(), self.id)
            }
        })*
    };
}

keyed_by!(
    MessageRow: created_at,
    IncomingRow: received_at,
    BlockedRow: created_at,
    Transaction: created_at,
    AuditRow: at,
);

/// Checks the caller of an export and takes one of its slots; records
/// refusals and downloads in the audit log.
async fn require(
    auth: &AuthSession,
    state: &AppState,
    parts: &http::request::Parts,
    access: Access,
    what: &'static str,
) -> Result<(Viewer, ExportPermit), AppError> {
    let viewer = guard::route_viewer(auth, state, parts, access).await?;
    let permit = state.export_limits.start(viewer.user_id).ok_or_else(|| {
        AppError::TooManyRequests(
            "Too many exports are running. Wait for one to finish, then try again.".into(),
        )
    })?;
    let entry = audit::Entry::by(&viewer, "export_downloaded").detail(what);
    audit::record(&state.pool, &audit::Origin::of(parts), entry).await;
    Ok((viewer, permit))
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
    #[serde(default)]
    sent_by: String,
}

async fn analytics_details(
    auth: AuthSession,
    State(state): State<AppState>,
    parts: http::request::Parts,
    Query(query): Query<DetailsQuery>,
) -> Result<Response, AppError> {
    let access = Access::Permission(EXPORTS[0].1);
    let (viewer, permit) = require(&auth, &state, &parts, access, "analytics details").await?;
    let filter = analytics::DetailsFilter::parse_with_sender(
        &viewer,
        &query.from,
        &query.to,
        &query.status,
        &query.recipient,
        &query.sent_by,
    )?;
    let query = ExportQuery {
        select: format!(
            "SELECT {} FROM messages m LEFT JOIN users u ON u.id = m.user_id WHERE {}",
            analytics::DETAILS_COLUMNS,
            filter.condition(Backend::of(&state.pool))
        ),
        after: "(m.created_at, m.id) > ($6, $7)",
        order: "m.created_at, m.id",
        account_id: viewer.account_id,
        binds: filter.binds().to_vec(),
        row: PhantomData,
    };
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
    Ok(csv_response(
        state.pool,
        permit,
        "analytics-details.csv",
        header,
        query,
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

/// The export of a search list: its rows in export order, as `page` binds them.
fn search_export<T>(
    list: &search::SearchList,
    backend: Backend,
    account_id: Option<i64>,
    search: &str,
) -> ExportQuery<T> {
    ExportQuery {
        select: format!("SELECT {} FROM {}", list.columns, list.from(backend)),
        after: list.export_after,
        order: list.export_order,
        account_id,
        binds: vec![Some(search::like_pattern(search))],
        row: PhantomData,
    }
}

async fn incoming(
    auth: AuthSession,
    State(state): State<AppState>,
    parts: http::request::Parts,
    Query(query): Query<SearchQuery>,
) -> Result<Response, AppError> {
    let access = Access::Permission(EXPORTS[1].1);
    let (viewer, permit) = require(&auth, &state, &parts, access, "incoming SMS").await?;
    let header: &'static [&'static str] = &["received_utc", "from", "to", "text"];
    Ok(csv_response(
        state.pool.clone(),
        permit,
        "incoming-sms.csv",
        header,
        search_export(
            &search::INCOMING,
            Backend::of(&state.pool),
            viewer.account_id,
            &query.search,
        ),
        |row: IncomingRow| csv_line(&[&row.received_at, &row.sender, &row.recipient, &row.text]),
    ))
}

async fn blocked(
    auth: AuthSession,
    State(state): State<AppState>,
    parts: http::request::Parts,
    Query(query): Query<SearchQuery>,
) -> Result<Response, AppError> {
    let access = Access::Permission(EXPORTS[2].1);
    let (viewer, permit) = require(&auth, &state, &parts, access, "blocked SMS").await?;
    let header: &'static [&'static str] = &["time_utc", "sender", "recipient", "text", "reason"];
    Ok(csv_response(
        state.pool.clone(),
        permit,
        "blocked-sms.csv",
        header,
        search_export(
            &search::BLOCKED,
            Backend::of(&state.pool),
            viewer.account_id,
            &query.search,
        ),
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

#[derive(Deserialize)]
struct RangeQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// The statement: transactions oldest first, each with the balance after it.
async fn transactions(
    auth: AuthSession,
    State(state): State<AppState>,
    parts: http::request::Parts,
    Query(query): Query<RangeQuery>,
) -> Result<Response, AppError> {
    let access = Access::Permission(EXPORTS[3].1);
    let (viewer, permit) = require(&auth, &state, &parts, access, "transactions").await?;
    let (start, end) = match (query.from.trim(), query.to.trim()) {
        ("", "") => (None, None),
        _ => {
            let (start, end) =
                analytics::DateRange::parse_any(&query.from, &query.to)?.timestamps();
            (Some(start), Some(end))
        }
    };
    let header: &'static [&'static str] = &[
        "time_utc",
        "type",
        "description",
        "amount_eur",
        "balance_eur",
        "by",
    ];
    Ok(csv_response(
        state.pool,
        permit,
        "transactions.csv",
        header,
        ExportQuery {
            select: format!(
                "SELECT {} FROM balance_transactions t LEFT JOIN users u ON u.id = t.user_id WHERE {}",
                finance::TRANSACTION_COLUMNS,
                finance::IN_RANGE
            ),
            after: "(t.created_at, t.id) > ($6, $7)",
            order: "t.created_at, t.id",
            account_id: viewer.account_id,
            binds: vec![start, end],
            row: PhantomData,
        },
        move |row: Transaction| {
            csv_line(&[
                &row.created_at,
                &row.kind,
                &row.description,
                &Money(row.amount).plain(),
                &Money(row.balance_after).plain(),
                row.by_login.as_deref().unwrap_or(""),
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
    // A manager has no account (NULL): they export every account's entries.
    let (viewer, permit) = require(&auth, &state, &parts, Access::AuditLog, "audit log").await?;
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
    Ok(csv_response(
        state.pool.clone(),
        permit,
        "audit-log.csv",
        header,
        search_export(
            &search::AUDIT,
            Backend::of(&state.pool),
            viewer.account_id,
            &query.search,
        ),
        |row: AuditRow| {
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

#[derive(Deserialize)]
struct ReviewQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    permission: String,
}

/// The sub-accounts the list's filters keep, with their permissions, cap,
/// spending and last login: what a periodic access review reads. An
/// account's team is small enough to write whole.
async fn access_review(
    auth: AuthSession,
    State(state): State<AppState>,
    parts: http::request::Parts,
    Query(query): Query<ReviewQuery>,
) -> Result<Response, AppError> {
    use crate::domain::wire::sub_accounts::SubAccountFilter;
    let (viewer, _permit) =
        require(&auth, &state, &parts, Access::SubAccounts, "access review").await?;
    let account_id = guard::account_of(&viewer)?;
    let filter = SubAccountFilter::parse(&query.q, &query.status, &query.permission);
    let month_start = super::spending::month_start(&viewer.zone.name, jiff::Timestamp::now());
    let rows = super::sub_accounts::review(&state.pool, account_id, &filter, &month_start).await?;
    let mut body = csv_line(&[
        "login",
        "name",
        "email",
        "phone",
        "company",
        "status",
        "permissions",
        "two_factor",
        "monthly_cap_eur",
        "spent_this_month_eur",
        "last_login_utc",
        "created_utc",
    ]);
    for row in rows {
        let permissions: Vec<&str> = row.permissions().iter().map(Permission::label).collect();
        body.extend(csv_line(&[
            &row.login,
            &row.name,
            &row.email,
            &row.phone,
            row.company.as_deref().unwrap_or(""),
            if row.disabled { "disabled" } else { "active" },
            &permissions.join(", "),
            if row.two_factor { "on" } else { "off" },
            &row.monthly_cap
                .map(|cap| Money(cap).plain())
                .unwrap_or_default(),
            &Money(row.spent_this_month).plain(),
            row.last_login_at.as_deref().unwrap_or(""),
            &row.created_at,
        ]));
    }
    Ok((
        [
            (http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"access-review.csv\"",
            ),
            (http::header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response())
}
