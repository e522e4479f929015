//! Tests of the server against a real database (a SQLite file, or a scratch
//! PostgreSQL database when SMS_PORTAL_TEST_POSTGRES is set) and, where it matters,
//! over real HTTP on a random port.

mod api;
mod auth_http;
mod copy;
#[path = "../../../tests/common/database.rs"]
mod database;
#[path = "../../../tests/common/form.rs"]
mod form;
mod hardening;
mod hostile;
mod matrix;
mod new_customer;
mod repositories;
mod sections;
mod smpp;
#[path = "../../../tests/common/smpp_client.rs"]
mod smpp_client;
mod support;
mod team_access;
mod trust;
mod two_factor;
mod webhooks;
