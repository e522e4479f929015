//! Server functions: thin doors that check the session and the permission,
//! call one repository function, and map the error. Shared types live here
//! too, since the browser needs them.

pub mod auth;
pub mod error;
pub mod manager;
pub mod sub_accounts;

pub use error::AppError;
