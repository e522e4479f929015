//! The contacts import from a file: a plain multipart form post, so it
//! works the same with and without wasm, answered with a redirect to the
//! list and its import report.

use axum::{
    extract::{Multipart, State},
    response::{IntoResponse, Redirect, Response},
    routing::post,
    Router,
};

use super::{auth::AuthSession, contacts, guard, AppState};
use crate::{
    domain::wire::{
        contacts::{import_error::*, IMPORT_FILE},
        AppError,
    },
    domain::{Access, Permission},
};

pub fn routes() -> Router<AppState> {
    Router::new().route(IMPORT_FILE, post(import_file))
}

#[derive(Default)]
struct ImportForm {
    list_id: Option<i64>,
    country: String,
    file: Option<Vec<u8>>,
}

async fn read_form(mut multipart: Multipart) -> Result<ImportForm, AppError> {
    let mut form = ImportForm::default();
    let malformed = |_| AppError::Request("The upload could not be read.".into());
    while let Some(field) = multipart.next_field().await.map_err(malformed)? {
        match field.name().unwrap_or_default() {
            "list_id" => form.list_id = field.text().await.map_err(malformed)?.trim().parse().ok(),
            "country" => form.country = field.text().await.map_err(malformed)?,
            "file" => form.file = Some(field.bytes().await.map_err(malformed)?.to_vec()),
            _ => {}
        }
    }
    Ok(form)
}

async fn import_file(
    auth: AuthSession,
    State(state): State<AppState>,
    parts: http::request::Parts,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let access = Access::Permission(Permission::UseDatabase);
    let viewer = guard::route_viewer(&auth, &state, &parts, access).await?;
    let account_id = guard::account_of(&viewer)?;
    let form = read_form(multipart).await?;
    let list_id = form.list_id.ok_or(AppError::NotFound)?;
    contacts::owned_list(&state.pool, account_id, list_id).await?;
    let back = |error: &str| {
        Redirect::to(&format!("/sending/database/{list_id}?import_error={error}")).into_response()
    };
    let Some(bytes) = form.file.filter(|bytes| !bytes.is_empty()) else {
        return Ok(back(NO_FILE));
    };
    // Spreadsheets save UTF-8, sometimes with a byte order mark.
    let Ok(text) = String::from_utf8(bytes) else {
        return Ok(back(NOT_TEXT));
    };
    let text = text.trim_start_matches('\u{feff}');
    match contacts::import(
        &state.pool,
        account_id,
        viewer.user_id,
        list_id,
        text,
        &form.country,
    )
    .await
    {
        Ok(report) => Ok(Redirect::to(&format!(
            "/sending/database/{list_id}?import={}",
            report.id
        ))
        .into_response()),
        Err(AppError::Invalid(_)) => Ok(back(REFUSED)),
        Err(error) => Err(error),
    }
}
