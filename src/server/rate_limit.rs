//! Login attempts per client address: a burst of `per_minute` attempts, then
//! one more every `60 / per_minute` seconds (ASVS 2.2.1, beside the
//! per-login counter of `throttle`). It slows one machine spraying many
//! logins, which the per-login counter cannot see, and never locks a real
//! user out: the allowance refills within a minute.
//!
//! The limiter is `governor`, the engine of tower_governor, called from the
//! login server function itself: a tower layer cannot wrap one Leptos server
//! function route alone, and an answer from inside the function reaches the
//! form as a normal error, with and without JavaScript.

use governor::{clock::Clock, DefaultKeyedRateLimiter, Quota};
use std::{net::IpAddr, num::NonZeroU32, sync::Arc, time::Duration};

/// Beyond this many remembered addresses, addresses whose allowance is full
/// again are forgotten, so spoofed sources cannot grow memory without bound.
const REMEMBERED: usize = 100_000;

#[derive(Clone)]
pub struct LoginRateLimit(Option<Arc<DefaultKeyedRateLimiter<IpAddr>>>);

impl LoginRateLimit {
    /// `per_minute` attempts per address and minute; 0 switches the limit off.
    pub fn per_minute(per_minute: u32) -> Self {
        Self(NonZeroU32::new(per_minute).map(|n| {
            Arc::new(DefaultKeyedRateLimiter::keyed(
                Quota::per_minute(n).allow_burst(n),
            ))
        }))
    }

    /// Counts one attempt from `ip`; `Err` holds how long it must wait.
    pub fn check(&self, ip: IpAddr) -> Result<(), Duration> {
        let Some(limiter) = &self.0 else {
            return Ok(());
        };
        if limiter.len() > REMEMBERED {
            limiter.retain_recent();
        }
        limiter.check_key(&network_of(ip)).map_err(|not_until| {
            not_until.wait_time_from(governor::clock::DefaultClock::default().now())
        })
    }
}

/// The unit one client controls: an IPv4 address, or an IPv6 /64 (one
/// customer line gets a whole /64 and picks addresses from it at will).
fn network_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_has_its_own_allowance() {
        let limit = LoginRateLimit::per_minute(3);
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        for _ in 0..3 {
            assert!(limit.check(a).is_ok());
        }
        let wait = limit.check(a).unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(20),
            "{wait:?}"
        );
        assert!(limit.check(b).is_ok(), "another address is not affected");
    }

    #[test]
    fn an_ipv6_client_is_limited_by_its_64() {
        let limit = LoginRateLimit::per_minute(3);
        let same_line = (1..=4).map(|n| format!("2001:db8:1:2::{n:x}").parse::<IpAddr>().unwrap());
        let answers: Vec<bool> = same_line.map(|ip| limit.check(ip).is_ok()).collect();
        assert_eq!(
            answers,
            [true, true, true, false],
            "four addresses of one /64"
        );
        assert!(
            limit.check("2001:db8:1:3::1".parse().unwrap()).is_ok(),
            "another /64"
        );
        assert_eq!(
            network_of("::ffff:10.0.0.1".parse().unwrap()),
            "10.0.0.1".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn zero_switches_the_limit_off() {
        let limit = LoginRateLimit::per_minute(0);
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        assert!((0..1000).all(|_| limit.check(ip).is_ok()));
    }
}
