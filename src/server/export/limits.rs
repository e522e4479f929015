//! How many exports run at once: a few per user and a few overall, so
//! downloads cannot crowd out the pages and the delivery loop. Beyond them
//! the answer is 429.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

#[derive(Clone)]
pub struct ExportLimits {
    overall: Arc<Semaphore>,
    running: Arc<Mutex<HashMap<i64, usize>>>,
    per_user: usize,
    stall: Duration,
}

/// One running export; its slot is freed when the export ends.
pub struct ExportPermit {
    _overall: OwnedSemaphorePermit,
    user_id: i64,
    limits: ExportLimits,
}

impl ExportLimits {
    /// `overall` exports at once, `per_user` of them by one user; a client
    /// that takes no chunk for `stall` is dropped.
    pub fn new(overall: usize, per_user: usize, stall: Duration) -> Self {
        Self {
            overall: Arc::new(Semaphore::new(overall)),
            running: Arc::default(),
            per_user,
            stall,
        }
    }

    /// A slot for `user_id`, or `None` when they or everyone use all slots.
    pub fn start(&self, user_id: i64) -> Option<ExportPermit> {
        let overall = self.overall.clone().try_acquire_owned().ok()?;
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        let mine = running.entry(user_id).or_default();
        if *mine >= self.per_user {
            return None;
        }
        *mine += 1;
        Some(ExportPermit {
            _overall: overall,
            user_id,
            limits: self.clone(),
        })
    }
}

impl ExportPermit {
    pub fn stall(&self) -> Duration {
        self.limits.stall
    }
}

impl Drop for ExportPermit {
    fn drop(&mut self) {
        let mut running = self
            .limits
            .running
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(mine) = running.get_mut(&self.user_id) {
            *mine -= 1;
            if *mine == 0 {
                running.remove(&self.user_id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_limited_per_user_and_overall_and_freed_on_drop() {
        let limits = ExportLimits::new(3, 2, Duration::from_secs(1));
        let a1 = limits.start(1).unwrap();
        let _a2 = limits.start(1).unwrap();
        assert!(limits.start(1).is_none(), "a third export of one user");
        let _b1 = limits.start(2).unwrap();
        assert!(limits.start(3).is_none(), "a fourth export overall");
        drop(a1);
        assert!(
            limits.start(1).is_some(),
            "a finished export frees its slot"
        );
    }
}
