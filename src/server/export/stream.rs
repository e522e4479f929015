//! Streaming an export without holding the database: rows are read in
//! keyset chunks and the connection goes back to the pool before a chunk is
//! sent, so a client that stops reading holds memory for one chunk, never a
//! connection. A client that makes no progress for `stall` is dropped.

use axum::{
    body::{Body, Bytes},
    http::header,
    response::{IntoResponse, Response},
};
use sqlx::{any::AnyRow, FromRow};

use crate::server::db::Pool;
use std::{
    marker::PhantomData,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::Duration,
};

use super::{cells::csv_line, limits::ExportPermit};

/// Rows per database round trip.
const CHUNK_ROWS: i64 = 1_000;

/// A row's place in the export order: a time stamp and an id.
pub trait Keyed {
    fn key(&self) -> (String, i64);
}

/// An export's rows as SQL. `select` is `SELECT … FROM … WHERE …`, binding
/// $1 to the account and $2–$5 to `binds`; `after` continues after the key
/// bound to $6 (time) and $7 (id); `order` is the matching ORDER BY.
pub struct ExportQuery<T> {
    pub select: String,
    pub after: &'static str,
    pub order: &'static str,
    pub account_id: Option<i64>,
    pub binds: Vec<Option<String>>,
    /// Rows are made, never held: `fn() -> T` keeps the query `Sync`.
    pub row: PhantomData<fn() -> T>,
}

impl<T> ExportQuery<T>
where
    T: for<'r> FromRow<'r, AnyRow> + Keyed + Send + Unpin,
{
    /// The rows after `after` (from the start when `None`), one chunk.
    async fn chunk(
        &self,
        pool: &Pool,
        after: Option<&(String, i64)>,
    ) -> Result<Vec<T>, sqlx::Error> {
        let continuation = match after {
            Some(_) => format!(" AND {}", self.after),
            None => String::new(),
        };
        let sql = format!(
            "{}{continuation} ORDER BY {} LIMIT $8",
            self.select, self.order
        );
        let mut query = sqlx::query_as::<_, T>(&sql).bind(self.account_id);
        for n in 0..4 {
            query = query.bind(self.binds.get(n).cloned().flatten());
        }
        let (time, id) = after.cloned().unwrap_or_default();
        query
            .bind(time)
            .bind(id)
            .bind(CHUNK_ROWS)
            .fetch_all(pool)
            .await
    }
}

/// How a download ends when the server gives up on it midway: the client
/// sees a broken transfer, never a file that looks complete but is not.
fn interrupted() -> std::io::Error {
    std::io::Error::other("export interrupted")
}

/// Answers with the CSV of `query`: `header`, then `line(row)` per row.
pub fn csv_response<T>(
    pool: Pool,
    permit: ExportPermit,
    filename: &'static str,
    header: &'static [&'static str],
    query: ExportQuery<T>,
    line: impl Fn(T) -> Vec<u8> + Send + 'static,
) -> Response
where
    T: for<'r> FromRow<'r, AnyRow> + Keyed + Send + Unpin + 'static,
{
    let stall = permit.stall();
    let (sender, receiver) = tokio::sync::mpsc::channel::<Bytes>(2);
    let complete = Arc::new(AtomicBool::new(false));
    let finished = complete.clone();
    tokio::spawn(async move {
        let _permit = permit;
        // Waits for the client to take the chunk; false when it went away
        // or made no progress for too long.
        let deliver = |chunk: Vec<u8>| {
            let sender = sender.clone();
            async move {
                match tokio::time::timeout(stall, sender.send(Bytes::from(chunk))).await {
                    Ok(sent) => sent.is_ok(),
                    Err(_) => {
                        tracing::warn!(filename, "export dropped: the client stopped reading");
                        false
                    }
                }
            }
        };
        if !deliver(csv_line(header)).await {
            return;
        }
        let mut after = None;
        loop {
            let rows = match query.chunk(&pool, after.as_ref()).await {
                Ok(rows) => rows,
                Err(error) => {
                    tracing::error!(%error, filename, "export failed midway");
                    return;
                }
            };
            let last_chunk = (rows.len() as i64) < CHUNK_ROWS;
            after = rows.last().map(Keyed::key);
            let mut chunk = Vec::with_capacity(rows.len() * 128);
            for row in rows {
                chunk.extend(line(row));
            }
            if !chunk.is_empty() && !deliver(chunk).await {
                return;
            }
            if last_chunk {
                finished.store(true, Ordering::Release);
                return;
            }
        }
    });
    let body = futures::stream::unfold(Some(receiver), move |receiver| {
        let complete = complete.clone();
        async move {
            let mut receiver = receiver?;
            match receiver.recv().await {
                Some(chunk) => Some((Ok(chunk), Some(receiver))),
                None if complete.load(Ordering::Acquire) => None,
                None => Some((Err(interrupted()), None)),
            }
        }
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
        Body::from_stream(body),
    )
        .into_response()
}

/// How long a client may take to accept the next chunk.
pub const DEFAULT_STALL: Duration = Duration::from_secs(60);
