//! Background work done in rounds: the delivery dispatcher and the webhook
//! sender. A round is never cut short; at shutdown the loop finishes the
//! round in progress and starts no other.

use std::{future::Future, time::Duration};

use tokio::sync::watch;

/// A loop running one round per tick until [`Rounds::shutdown`].
pub struct Rounds {
    name: &'static str,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Rounds {
    /// Runs `round` every `tick` (a late tick waits, never bunches up); a
    /// failed round is logged under `name` and the next one comes anyway.
    pub fn spawn<Round, Done, Error>(name: &'static str, tick: Duration, mut round: Round) -> Self
    where
        Round: FnMut() -> Done + Send + 'static,
        Done: Future<Output = Result<usize, Error>> + Send,
        Error: std::fmt::Display,
    {
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            let mut interval = tokio::time::interval(tick);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = interval.tick() => {}
                    _ = stopped.changed() => return,
                }
                if let Err(error) = round().await {
                    tracing::error!(%error, "{name}: round failed");
                }
            }
        });
        Self { name, stop, task }
    }

    /// Finishes the round in progress, if any, and ends the loop.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        if let Err(error) = self.task.await {
            tracing::error!(%error, "{} ended abnormally", self.name);
        }
    }
}
