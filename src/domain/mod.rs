//! Types shared by the server and the browser. Every value that crosses a
//! form is parsed here: a `Login` or a `Phone` can only hold a valid value.

mod access;
mod address;
mod error;
mod fields;
mod form;
mod money;
mod permission;
mod preset;
pub mod preview;
mod sms;
mod viewer;
pub mod wire;
mod zone;

pub use access::Access;
pub use address::{encode_component, login_then};
pub use error::AppError;
pub use fields::{CompanyName, Email, FieldError, KeyName, Login, Password, PersonName, Phone};
pub use form::{ContactDetails, ContactForm, FormErrors, NewUser};
pub use money::{group_thousands, Money, SpendingCap};
pub use permission::{Category, Permission, PermissionSet};
pub use preset::{BuiltInPreset, Preset, PresetName, PresetRef};
pub use sms::{Encoding, Segments, MAX_PARTS};
pub use viewer::{Role, Viewer};
pub use zone::Zone;
