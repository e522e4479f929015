//! Building blocks shared by the pages.

pub mod form;
pub mod guard;
pub mod layout;
pub mod leave_guard;
pub mod menu;
pub mod refreshing;
pub mod table;
