//! The receivers bound in this process, by credential: a receipt that
//! falls due for one of them is claimed for it in the transaction that
//! makes it due and handed to its session at once, with no query between
//! the carrier's report and the `deliver_sm`.

use std::{
    collections::HashMap,
    sync::{LazyLock, Mutex},
};
use tokio::sync::mpsc;

use super::outbox::Due;

type Inbox = mpsc::UnboundedSender<Due>;

#[derive(Default)]
struct Registry {
    /// Per credential: its binds here, and which is next in turn.
    binds: HashMap<i64, (Vec<(i64, Inbox)>, usize)>,
}

static RECEIVERS: LazyLock<Mutex<Registry>> = LazyLock::new(Default::default);

fn registry() -> std::sync::MutexGuard<'static, Registry> {
    RECEIVERS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Registers bind `bind_id` of `credential_id` as a receiver; what is
/// handed to it arrives on the returned channel.
pub fn register(credential_id: i64, bind_id: i64) -> mpsc::UnboundedReceiver<Due> {
    let (inbox, handed) = mpsc::unbounded_channel();
    let mut registry = registry();
    registry
        .binds
        .entry(credential_id)
        .or_default()
        .0
        .push((bind_id, inbox));
    handed
}

pub fn unregister(credential_id: i64, bind_id: i64) {
    let mut registry = registry();
    if let Some((binds, _)) = registry.binds.get_mut(&credential_id) {
        binds.retain(|(id, _)| *id != bind_id);
        if binds.is_empty() {
            registry.binds.remove(&credential_id);
        }
    }
}

/// The next bind of `credential_id` in this process, in turn, if any.
pub fn next(credential_id: i64) -> Option<(i64, Inbox)> {
    let mut registry = registry();
    let (binds, turn) = registry.binds.get_mut(&credential_id)?;
    *turn = (*turn + 1) % binds.len();
    binds.get(*turn).cloned()
}
