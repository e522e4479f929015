//! One module per section of the portal.

pub mod account;
pub mod home;
pub mod login;
pub mod manager;
pub mod not_found;
pub mod sub_accounts;
