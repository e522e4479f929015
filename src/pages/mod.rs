//! One module per section of the portal.

pub mod account;
pub mod analytics;
pub mod api_keys;
pub mod audit;
pub mod finance;
pub mod home;
pub mod inbox;
pub mod login;
pub mod manager;
pub mod not_found;
pub mod prices;
pub mod profile;
pub mod sending;
pub mod smpp;
pub mod stop_list;
pub mod sub_accounts;
pub mod two_factor;
