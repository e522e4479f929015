//! Tests of the server against a real SQLite file and, where it matters,
//! over real HTTP on a random port.

mod auth_http;
mod hostile;
mod matrix;
mod repositories;
mod sections;
mod support;
mod trust;
