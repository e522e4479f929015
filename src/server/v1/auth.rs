//! Who a `/v1` request speaks for: its API key, from `Authorization:
//! Bearer <key>` or HTTP Basic with the key as the user name. Cookies are
//! never read: a portal session does not authorize an API call.

use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts, HeaderValue},
    response::{IntoResponse, Response},
};
use base64::Engine;

use super::{problem::Problem, rate::RateLimited};
use crate::server::{api_keys, AppState};

/// An authenticated, rate-checked caller of the API.
pub struct ApiCaller {
    pub key_id: i64,
    pub account_id: i64,
    /// The `RateLimit-*` headers the answer carries.
    pub limit: RateHeaders,
}

#[derive(Clone, Copy)]
pub struct RateHeaders {
    pub limit: u32,
    pub remaining: u32,
    pub reset_seconds: u64,
}

impl RateHeaders {
    pub fn apply(&self, response: &mut Response) {
        let headers = response.headers_mut();
        headers.insert("ratelimit-limit", HeaderValue::from(self.limit));
        headers.insert("ratelimit-remaining", HeaderValue::from(self.remaining));
        headers.insert("ratelimit-reset", HeaderValue::from(self.reset_seconds));
    }
}

/// The key a request carries, if it carries one in a form we read.
fn presented_key(parts: &Parts) -> Option<String> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, credentials) = value.trim().split_once(' ')?;
    let credentials = credentials.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return Some(credentials.to_owned());
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(credentials)
            .ok()?;
        let decoded = String::from_utf8(decoded).ok()?;
        // The key is the user name; the password is empty (or ignored).
        let (user, _) = decoded.split_once(':').unwrap_or((&decoded, ""));
        return Some(user.to_owned());
    }
    None
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let key = presented_key(parts).ok_or_else(|| Problem::unauthorized().into_response())?;
        let holder = api_keys::authenticate(&state.pool, &key)
            .await
            .map_err(|error| Problem::from(error).into_response())?
            .ok_or_else(|| Problem::unauthorized().into_response())?;
        let limit = state
            .api_rate_limit
            .check(holder.key_id)
            .map_err(|RateLimited { retry_after, headers }| {
                let mut response = Problem {
                    retry_after: Some(retry_after),
                    ..Problem::new(
                        "rate_limited",
                        format!("This key sends more than {} requests a second. Retry after {retry_after} s; nothing was processed.", headers.limit),
                    )
                }
                .into_response();
                headers.apply(&mut response);
                response
            })?;
        Ok(Self {
            key_id: holder.key_id,
            account_id: holder.account_id,
            limit,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(authorization: &str) -> Parts {
        let (parts, ()) = Request::builder()
            .header(header::AUTHORIZATION, authorization)
            .body(())
            .unwrap()
            .into_parts();
        parts
    }

    #[test]
    fn bearer_and_basic_carry_the_key() {
        assert_eq!(
            presented_key(&parts("Bearer smsp_a_b")).as_deref(),
            Some("smsp_a_b")
        );
        assert_eq!(
            presented_key(&parts("bearer  smsp_a_b ")).as_deref(),
            Some("smsp_a_b")
        );
        let basic = base64::engine::general_purpose::STANDARD.encode("smsp_a_b:");
        assert_eq!(
            presented_key(&parts(&format!("Basic {basic}"))).as_deref(),
            Some("smsp_a_b")
        );
        assert_eq!(presented_key(&parts("Token smsp_a_b")), None);
        assert_eq!(presented_key(&parts("Basic %%%")), None);
    }
}
