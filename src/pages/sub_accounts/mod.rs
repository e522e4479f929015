//! Setting → Sub Accounts: the list, the forms and the Access page.

mod access;
mod bulk;
pub mod form;
mod list;
mod presets;

pub use access::AccessPage;
pub use bulk::DeleteSelectedPage;
pub use form::{CreateSubAccountPage, DeleteSubAccountPage, EditSubAccountPage, ResetPasswordPage};
pub use list::SubAccountsPage;
pub use presets::PresetsPage;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The `:id` of the current route; 0 (never a row id) when it is not a number.
pub fn route_id() -> Memo<i64> {
    let params = use_params_map();
    Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse().ok())
            .unwrap_or(0)
    })
}
