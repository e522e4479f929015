//! Tests of the server against a real SQLite file and, where it matters,
//! over real HTTP on a random port.

mod auth_http;
mod hardening;
mod hostile;
mod matrix;
mod new_customer;
mod repositories;
mod sections;
mod support;
mod trust;
