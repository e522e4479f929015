//! The SMPP 3.4 server: high-volume clients bind, stream `submit_sm` into
//! the same sending pipeline as Bulk SMS and the HTTP API, and get delivery
//! receipts and inbound messages back as `deliver_sm`. Like the API, it
//! acts for the whole account, whatever its sub-accounts may do.

pub mod binds;
pub mod credentials;
pub mod outbox;
pub mod pdu;
pub mod receivers;
pub mod session;
pub mod submit;
pub mod text;

use std::{net::SocketAddr, sync::Arc, time::Duration};
use tokio::{net::TcpListener, sync::watch, task::JoinSet};

use super::{
    db::{self, Pool},
    password::Passwords,
    priority,
    rate_limit::LoginRateLimit,
};

/// Limits of every bind.
#[derive(Clone, Debug)]
pub struct SmppConfig {
    /// Requests a client may have outstanding, and `deliver_sm` we send
    /// before waiting for answers.
    pub window: usize,
    /// `submit_sm` per second one bind may make (`SMS_PORTAL_SMPP_RATE`).
    pub submits_per_second: u32,
    /// Binds open at once per credential.
    pub binds_per_credential: i64,
    /// Every refused bind is answered this long after it arrived.
    pub failed_bind_delay: Duration,
    /// Bind attempts per client address and minute; 0 for no limit.
    pub bind_attempts_per_minute: u32,
    /// A bind that sends nothing (not even `enquire_link`) this long is ended.
    pub idle_timeout: Duration,
}

impl Default for SmppConfig {
    fn default() -> Self {
        Self {
            window: 10,
            submits_per_second: 2_000,
            binds_per_credential: 8,
            failed_bind_delay: Duration::from_secs(1),
            bind_attempts_per_minute: 20,
            idle_timeout: Duration::from_secs(120),
        }
    }
}

/// What every session of a process shares.
pub struct Shared {
    pub pool: Pool,
    /// The runtime that drives SMPP's transactions: the caller's, at the
    /// normal priority. A transaction holds SQLite's write lock (or an
    /// account's balance) from its first statement to its commit; driven by a
    /// low-priority thread on a busy machine, it would make everyone else
    /// wait, so only the sessions' own work runs at the low priority.
    pub transactions: tokio::runtime::Handle,
    pub passwords: Passwords,
    pub config: SmppConfig,
    pub submitter: submit::Submitter,
    pub bind_attempts: LoginRateLimit,
}

/// Database connections of the SMPP server (beside the portal's).
const CONNECTIONS: u32 = 4;

/// A running SMPP listener.
pub struct SmppServer {
    pub address: SocketAddr,
    shutdown: watch::Sender<bool>,
    thread: std::thread::JoinHandle<()>,
}

impl SmppServer {
    /// Serves SMPP on `listener` until [`SmppServer::shutdown`]. Sessions
    /// run on two threads of their own at a low CPU priority: the work of a
    /// flood of submissions takes the CPU the portal leaves. Database
    /// connections (four, SMPP's own) are opened here and transactions run
    /// on the caller's runtime, both at the normal priority (see [`Shared`]).
    pub async fn spawn(
        listener: TcpListener,
        database_url: &str,
        passwords: Passwords,
        config: SmppConfig,
    ) -> std::io::Result<Self> {
        let address = listener.local_addr()?;
        let listener = listener.into_std()?;
        // SQLite runs each connection on a thread started from the opener's,
        // which inherits its priority: opened here, they keep the normal one.
        let pool = db::side_pool(database_url, CONNECTIONS)
            .await
            .map_err(std::io::Error::other)?;
        let transactions = tokio::runtime::Handle::current();
        let (shutdown, stop) = watch::channel(false);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("smpp")
            .on_thread_start(priority::low)
            .enable_all()
            .build()?;
        let thread = std::thread::Builder::new()
            .name("smpp-listener".to_owned())
            .spawn(move || {
                priority::low();
                runtime.block_on(async move {
                    let listener = match TcpListener::from_std(listener) {
                        Ok(listener) => listener,
                        Err(error) => return tracing::error!(%error, "SMPP listener lost"),
                    };
                    let shared = Arc::new(Shared {
                        submitter: submit::Submitter::spawn(pool.clone(), &transactions),
                        bind_attempts: LoginRateLimit::per_minute(config.bind_attempts_per_minute),
                        pool: pool.clone(),
                        transactions,
                        passwords,
                        config,
                    });
                    accept(listener, shared, stop).await;
                    pool.close().await;
                });
            })?;
        Ok(Self {
            address,
            shutdown,
            thread,
        })
    }

    /// Unbinds every session and stops listening.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let thread = self.thread;
        let _ = tokio::task::spawn_blocking(move || thread.join()).await;
    }
}

async fn accept(listener: TcpListener, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let mut sessions = JoinSet::new();
    let mut housekeeping = tokio::time::interval(Duration::from_secs(60));
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    sessions.spawn(session::run(stream, peer, shared.clone(), stop.clone()));
                }
                Err(error) => {
                    tracing::warn!(%error, "SMPP connection not accepted");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            // A session that panicked is gone; the others and the listener go on.
            Some(ended) = sessions.join_next(), if !sessions.is_empty() => {
                if let Err(error) = ended {
                    tracing::error!(%error, "SMPP session ended abnormally");
                }
            }
            _ = housekeeping.tick() => {
                if let Err(error) = outbox::clean(&shared.pool).await {
                    tracing::warn!(%error, "SMPP outbox not cleaned");
                }
                if let Err(error) = binds::clean(&shared.pool).await {
                    tracing::warn!(%error, "SMPP binds not cleaned");
                }
            }
            _ = stop.changed() => break,
        }
    }
    drop(listener);
    while sessions.join_next().await.is_some() {}
}
