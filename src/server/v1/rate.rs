//! Requests per key: a token bucket (`SMS_PORTAL_API_RATE_PER_SECOND`,
//! default 50, burst `SMS_PORTAL_API_BURST`, default 100). Kept in each
//! process: with several processes, each allows the rate (the README says so).

use governor::{
    clock::{Clock, DefaultClock},
    middleware::StateInformationMiddleware,
    state::keyed::DefaultKeyedStateStore,
    Quota, RateLimiter,
};
use std::{num::NonZeroU32, sync::Arc};

use super::auth::RateHeaders;

/// Beyond this many remembered keys, full buckets are forgotten.
const REMEMBERED: usize = 100_000;

type Limiter =
    RateLimiter<i64, DefaultKeyedStateStore<i64>, DefaultClock, StateInformationMiddleware>;

#[derive(Clone)]
pub struct ApiRateLimit {
    limiter: Arc<Limiter>,
    per_second: u32,
    burst: u32,
}

pub struct RateLimited {
    pub retry_after: u64,
    pub headers: RateHeaders,
}

impl ApiRateLimit {
    pub fn new(per_second: u32, burst: u32) -> Self {
        let per_second = per_second.max(1);
        let burst = burst.max(1);
        let quota = Quota::per_second(NonZeroU32::new(per_second).unwrap_or(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN));
        Self {
            limiter: Arc::new(RateLimiter::keyed(quota).with_middleware()),
            per_second,
            burst,
        }
    }

    /// Takes one token of `key_id`'s bucket.
    pub fn check(&self, key_id: i64) -> Result<RateHeaders, RateLimited> {
        if self.limiter.len() > REMEMBERED {
            self.limiter.retain_recent();
        }
        match self.limiter.check_key(&key_id) {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                Ok(RateHeaders {
                    limit: self.burst,
                    remaining,
                    // Until the bucket is full again.
                    reset_seconds: u64::from(self.burst - remaining)
                        .div_ceil(u64::from(self.per_second)),
                })
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                let retry_after = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                Err(RateLimited {
                    retry_after: retry_after.max(1),
                    headers: RateHeaders {
                        limit: self.burst,
                        remaining: 0,
                        reset_seconds: retry_after.max(1),
                    },
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_burst_then_refusals_with_a_wait() {
        let limit = super::ApiRateLimit::new(1, 3);
        for remaining in [2, 1, 0] {
            assert_eq!(limit.check(7).ok().unwrap().remaining, remaining);
        }
        let refused = limit.check(7).err().expect("the fourth is refused");
        assert!(refused.retry_after >= 1);
        // Another key has its own bucket.
        assert!(limit.check(8).is_ok());
    }
}
