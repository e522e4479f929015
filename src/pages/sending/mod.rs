//! Sending: bulk campaigns, the contacts database and sender names.

mod bulk;
mod database;
mod senders;

pub use bulk::BulkSmsPage;
pub use database::{ContactListPage, DatabasePage};
pub use senders::SenderNamesPage;
