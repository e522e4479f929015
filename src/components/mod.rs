//! Building blocks shared by the pages.

pub mod form;
pub mod guard;
pub mod layout;
pub mod menu;
pub mod table;
