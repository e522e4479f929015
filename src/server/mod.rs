//! Server-only code: state, database, authentication, guards, repositories.

pub mod app;
pub mod auth;
pub mod cli;
pub mod db;
pub mod demo;
pub mod guard;
pub mod password;
pub mod security;
pub mod state;
pub mod sub_accounts;
pub mod users;

#[cfg(test)]
mod tests;

pub use state::AppState;
