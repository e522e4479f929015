//! One client connection: a bind, then submissions and deliveries, until
//! unbind. A session answers every PDU it can read, so a client's mistake
//! costs that PDU, never the connection or the process.

use futures::{future::BoxFuture, stream::FuturesUnordered, FutureExt, SinkExt, StreamExt};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use rusmpp::{
    decode::DecodeWithLength,
    pdus::{BindReceiverResp, BindTransceiverResp, BindTransmitterResp, SubmitSm, SubmitSmResp},
    tokio_codec::CommandCodec,
    types::COctetString,
    values::InterfaceVersion,
    Command, CommandId, CommandStatus, Pdu,
};
use std::{
    collections::{HashMap, VecDeque},
    net::SocketAddr,
    num::NonZeroU32,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};
use tokio::{
    net::{tcp::OwnedWriteHalf, TcpStream},
    sync::{mpsc, watch},
};
use tokio_util::codec::{FramedRead, FramedWrite};

use super::{
    binds,
    credentials::{self, BindRefusal, Credential},
    outbox::{self, Due},
    pdu::{self, Frame, Frames},
    receivers,
    submit::{Refusal, Submission},
    Shared,
};
use crate::server::audit;

/// The name the platform gives itself in bind responses.
const SYSTEM_ID: &str = "smsportal";
/// How often a receiver looks for what other processes queued.
const POLL: Duration = Duration::from_secs(1);
/// How often a bind refreshes its row and checks its credential.
const HEARTBEAT: Duration = Duration::from_secs(5);
/// A `deliver_sm` not answered in this long is given up on; it is offered
/// again when its claim expires.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(30);
/// Rows a receiver claims at once: a backlog goes out in few queries.
const PREFETCH: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Transmitter,
    Receiver,
    Transceiver,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Transmitter => "transmitter",
            Self::Receiver => "receiver",
            Self::Transceiver => "transceiver",
        }
    }

    fn submits(self) -> bool {
        self != Self::Receiver
    }

    fn receives(self) -> bool {
        self != Self::Transmitter
    }

    fn response(self, status: CommandStatus, sequence: u32) -> Command {
        let system_id = COctetString::from_string(SYSTEM_ID.to_owned()).unwrap_or_default();
        let version = Some(InterfaceVersion::Smpp3_4);
        match self {
            Self::Transmitter => Command::new(
                status,
                sequence,
                BindTransmitterResp::new(system_id, version),
            ),
            Self::Receiver => {
                Command::new(status, sequence, BindReceiverResp::new(system_id, version))
            }
            Self::Transceiver => Command::new(
                status,
                sequence,
                BindTransceiverResp::new(system_id, version),
            ),
        }
    }
}

struct Bound {
    credential: Credential,
    mode: Mode,
    bind_id: i64,
    submitted: i64,
    delivered: i64,
}

/// What a submission's future yields: its sequence number and outcome.
type Answer = (u32, Result<i64, Refusal>);

enum Flow {
    Continue,
    Close,
}

struct Session {
    shared: Arc<Shared>,
    peer: SocketAddr,
    writer: FramedWrite<OwnedWriteHalf, CommandCodec>,
    bound: Option<Bound>,
    limiter: DefaultDirectRateLimiter,
    /// Submissions written to the database, not yet answered.
    pending: FuturesUnordered<BoxFuture<'static, Answer>>,
    /// Receipts claimed for this bind as they fall due (receivers only).
    handed: Option<mpsc::UnboundedReceiver<Due>>,
    /// Claimed, not yet sent: the window is full.
    queue: VecDeque<Due>,
    /// `deliver_sm` sent and not yet answered: outbox row, when sent.
    deliveries: HashMap<u32, (i64, Instant)>,
    /// Rows the client acknowledged, to mark sent.
    acknowledged: Vec<i64>,
    /// The last claim got all it asked for: more may wait.
    more_waiting: bool,
    next_sequence: u32,
    last_heard: Instant,
    /// Set by a background refresh that found the credential revoked.
    revoked: Arc<AtomicBool>,
}

/// Serves one connection until it ends or the server shuts down.
pub async fn run(
    stream: TcpStream,
    peer: SocketAddr,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let (read, write) = stream.into_split();
    let mut frames = FramedRead::new(read, Frames);
    let per_second = NonZeroU32::new(shared.config.submits_per_second).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(shared.config.window as u32).unwrap_or(NonZeroU32::MIN);
    let mut session = Session {
        limiter: RateLimiter::direct(Quota::per_second(per_second).allow_burst(burst)),
        shared,
        peer,
        writer: FramedWrite::new(write, CommandCodec::new()),
        bound: None,
        pending: FuturesUnordered::new(),
        handed: None,
        queue: VecDeque::new(),
        deliveries: HashMap::new(),
        acknowledged: Vec::new(),
        more_waiting: false,
        next_sequence: 1,
        last_heard: Instant::now(),
        revoked: Arc::default(),
    };
    let mut bell = outbox::bell();
    let mut poll = tokio::time::interval(POLL);
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    heartbeat.tick().await;
    loop {
        let flow = tokio::select! {
            frame = frames.next() => match frame {
                None => Flow::Close,
                Some(Ok(frame)) => {
                    session.last_heard = Instant::now();
                    session.handle(frame).await
                }
                // The length cannot be trusted, so neither can what follows.
                Some(Err(_)) => {
                    session.send(generic_nack(CommandStatus::EsmeRinvcmdlen, 0)).await;
                    Flow::Close
                }
            },
            Some((sequence, result)) = session.pending.next(), if !session.pending.is_empty() => {
                session.answer_submit(sequence, result).await
            }
            Some(due) = next_handed(&mut session.handed), if session.handed.is_some() => {
                session.queue.push_back(due);
                session.send_queued().await
            }
            _ = bell.changed() => session.deliver().await,
            _ = poll.tick() => {
                session.expire_deliveries();
                session.deliver().await
            }
            _ = heartbeat.tick() => session.heartbeat().await,
            _ = shutdown.changed() => {
                let sequence = session.sequence();
                session.send(Command::new(CommandStatus::EsmeRok, sequence, Pdu::Unbind)).await;
                Flow::Close
            }
        };
        if let Flow::Close = flow {
            break;
        }
    }
    session.close().await;
}

/// The next receipt handed to a receiver bind.
async fn next_handed(handed: &mut Option<mpsc::UnboundedReceiver<Due>>) -> Option<Due> {
    match handed {
        Some(handed) => handed.recv().await,
        None => std::future::pending().await,
    }
}

fn generic_nack(status: CommandStatus, sequence: u32) -> Command {
    Command::new(status, sequence, Pdu::GenericNack)
}

fn submit_sm_resp(status: CommandStatus, sequence: u32, message_id: Option<i64>) -> Command {
    let id = message_id.map(|id| id.to_string()).unwrap_or_default();
    let id = COctetString::from_string(id).unwrap_or_default();
    Command::new(status, sequence, SubmitSmResp::new(id, Vec::new()))
}

/// The status a refused submission is answered with.
fn refusal_status(refusal: Refusal) -> CommandStatus {
    match refusal {
        Refusal::UnknownSender => CommandStatus::EsmeRinvsrcadr,
        Refusal::Unroutable | Refusal::StopListed => CommandStatus::EsmeRinvdstadr,
        Refusal::InsufficientBalance => CommandStatus::EsmeRsubmitfail,
        Refusal::Revoked => CommandStatus::EsmeRinvbndsts,
        Refusal::System => CommandStatus::EsmeRsyserr,
    }
}

impl Session {
    fn sequence(&mut self) -> u32 {
        let sequence = self.next_sequence;
        self.next_sequence = if sequence >= 0x7FFF_FFFF {
            1
        } else {
            sequence + 1
        };
        sequence
    }

    async fn send(&mut self, command: Command) -> bool {
        self.writer.send(command).await.is_ok()
    }

    async fn handle(&mut self, mut frame: Frame) -> Flow {
        let sequence = frame.sequence_number();
        let command_id = CommandId::from(frame.command_id());
        let length = frame.bytes.len();
        let command = match Command::decode(&mut frame.bytes, length) {
            Ok((command, _)) => command,
            Err(_) => {
                let status = match command_id {
                    CommandId::Other(_) => CommandStatus::EsmeRinvcmdid,
                    _ => CommandStatus::EsmeRinvcmdlen,
                };
                self.send(generic_nack(status, sequence)).await;
                return Flow::Continue;
            }
        };
        let Some(pdu) = command.pdu() else {
            let status = match command.id() {
                CommandId::Other(_) => CommandStatus::EsmeRinvcmdid,
                _ => CommandStatus::EsmeRinvcmdlen,
            };
            self.send(generic_nack(status, sequence)).await;
            return Flow::Continue;
        };
        match pdu {
            Pdu::BindTransmitter(b) => {
                self.bind(
                    Mode::Transmitter,
                    sequence,
                    b.system_id.to_string(),
                    b.password.to_string(),
                )
                .await
            }
            Pdu::BindReceiver(b) => {
                self.bind(
                    Mode::Receiver,
                    sequence,
                    b.system_id.to_string(),
                    b.password.to_string(),
                )
                .await
            }
            Pdu::BindTransceiver(b) => {
                self.bind(
                    Mode::Transceiver,
                    sequence,
                    b.system_id.to_string(),
                    b.password.to_string(),
                )
                .await
            }
            Pdu::SubmitSm(submit) => self.submit(sequence, submit).await,
            Pdu::EnquireLink => {
                self.send(Command::new(
                    CommandStatus::EsmeRok,
                    sequence,
                    Pdu::EnquireLinkResp,
                ))
                .await;
                Flow::Continue
            }
            Pdu::Unbind => {
                self.send(Command::new(
                    CommandStatus::EsmeRok,
                    sequence,
                    Pdu::UnbindResp,
                ))
                .await;
                Flow::Close
            }
            Pdu::DeliverSmResp(_) => {
                self.delivered(sequence, command.status).await;
                Flow::Continue
            }
            // Answers to what we sent, and nacks of it: nothing to do.
            Pdu::EnquireLinkResp | Pdu::UnbindResp | Pdu::GenericNack => {
                if command.id() == CommandId::GenericNack {
                    self.delivered(sequence, command.status).await;
                }
                if command.id() == CommandId::UnbindResp {
                    return Flow::Close;
                }
                Flow::Continue
            }
            _ => {
                let status = if self.bound.is_none() {
                    CommandStatus::EsmeRinvbndsts
                } else {
                    CommandStatus::EsmeRinvcmdid
                };
                self.send(generic_nack(status, sequence)).await;
                Flow::Continue
            }
        }
    }

    async fn bind(
        &mut self,
        mode: Mode,
        sequence: u32,
        system_id: String,
        password: String,
    ) -> Flow {
        if self.bound.is_some() {
            self.send(mode.response(CommandStatus::EsmeRalybnd, sequence))
                .await;
            return Flow::Continue;
        }
        let started = Instant::now();
        let shared = self.shared.clone();
        let ip = self.peer.ip();
        let outcome = if shared.bind_attempts.check(ip).is_err() {
            Ok(Err((BindRefusal::TooManyAttempts, None)))
        } else {
            credentials::authenticate(&shared.pool, &shared.passwords, &system_id, &password, ip)
                .await
        };
        let outcome = match outcome {
            Ok(Ok(credential)) => {
                // A transaction: driven at the normal priority (see `Shared`).
                let (pool, peer, limit) = (
                    shared.pool.clone(),
                    self.peer,
                    shared.config.binds_per_credential,
                );
                let opened = shared
                    .transactions
                    .spawn({
                        let credential = credential.clone();
                        async move { binds::open(&pool, &credential, mode, peer, limit).await }
                    })
                    .await
                    .unwrap_or_else(|_| Err(sqlx::Error::PoolClosed));
                match opened {
                    Ok(Some(bind_id)) => Ok(Ok((credential, bind_id))),
                    Ok(None) => Ok(Err((BindRefusal::TooManyBinds, Some(credential)))),
                    Err(error) => Err(error),
                }
            }
            Ok(Err(refused)) => Ok(Err(refused)),
            Err(error) => Err(error),
        };
        let origin = audit::Origin {
            ip: Some(ip),
            user_agent: Some("SMPP client".to_owned()),
        };
        match outcome {
            Ok(Ok((credential, bind_id))) => {
                let entry = audit::Entry {
                    account_id: Some(credential.account_id),
                    actor: None,
                    subject: credential.system_id.clone(),
                    action: "smpp_bound",
                    detail: format!("{} from {}", mode.as_str(), self.peer),
                };
                audit::record(&shared.pool, &origin, entry).await;
                self.send(mode.response(CommandStatus::EsmeRok, sequence))
                    .await;
                self.handed = mode
                    .receives()
                    .then(|| receivers::register(credential.id, bind_id));
                self.bound = Some(Bound {
                    credential,
                    mode,
                    bind_id,
                    submitted: 0,
                    delivered: 0,
                });
                // Whatever waited for this credential goes out at once.
                self.deliver().await;
                Flow::Continue
            }
            Ok(Err((refusal, credential))) => {
                let entry = audit::Entry {
                    account_id: credential.as_ref().map(|c| c.account_id),
                    actor: None,
                    subject: system_id.chars().take(16).collect(),
                    action: "smpp_bind_failed",
                    detail: format!("{} from {}: {}", mode.as_str(), self.peer, refusal.reason()),
                };
                audit::record(&shared.pool, &origin, entry).await;
                // Every refusal takes as long, whichever check failed.
                tokio::time::sleep_until((started + shared.config.failed_bind_delay).into()).await;
                self.send(mode.response(refusal.status(), sequence)).await;
                Flow::Close
            }
            Err(error) => {
                tracing::error!(%error, "SMPP bind not checked");
                self.send(mode.response(CommandStatus::EsmeRsyserr, sequence))
                    .await;
                Flow::Close
            }
        }
    }

    async fn submit(&mut self, sequence: u32, submit: &SubmitSm) -> Flow {
        let Some(bound) = self.bound.as_ref().filter(|b| b.mode.submits()) else {
            self.send(submit_sm_resp(
                CommandStatus::EsmeRinvbndsts,
                sequence,
                None,
            ))
            .await;
            return Flow::Continue;
        };
        if self.pending.len() >= self.shared.config.window || self.limiter.check().is_err() {
            self.send(submit_sm_resp(
                CommandStatus::EsmeRthrottled,
                sequence,
                None,
            ))
            .await;
            return Flow::Continue;
        }
        let submitted = match pdu::read_submit(submit) {
            Ok(submitted) => submitted,
            Err(status) => {
                self.send(submit_sm_resp(status, sequence, None)).await;
                return Flow::Continue;
            }
        };
        let submission = Submission {
            credential_id: bound.credential.id,
            account_id: bound.credential.account_id,
            sender: submitted.sender,
            recipient: submitted.recipient,
            text: submitted.text,
            parts: submitted.parts,
            receipt: submitted.receipt,
        };
        let submitter = self.shared.submitter.clone();
        self.pending
            .push(async move { (sequence, submitter.submit(submission).await) }.boxed());
        Flow::Continue
    }

    async fn answer_submit(&mut self, sequence: u32, result: Result<i64, Refusal>) -> Flow {
        let command = match result {
            Ok(id) => {
                if let Some(bound) = self.bound.as_mut() {
                    bound.submitted += 1;
                }
                submit_sm_resp(CommandStatus::EsmeRok, sequence, Some(id))
            }
            Err(refusal) => submit_sm_resp(refusal_status(refusal), sequence, None),
        };
        self.send(command).await;
        Flow::Continue
    }

    /// Sends what is owed to this bind's credential, as far as the window
    /// allows, claiming more when few are left.
    async fn deliver(&mut self) -> Flow {
        let Some(bound) = self.bound.as_ref().filter(|b| b.mode.receives()) else {
            return Flow::Continue;
        };
        let (credential_id, bind_id) = (bound.credential.id, bound.bind_id);
        let pool = &self.shared.pool;
        let short = self.queue.len() < self.shared.config.window;
        if short && outbox::waiting(pool, credential_id).await.unwrap_or(true) {
            self.flush_acknowledged();
            let wanted = PREFETCH - self.queue.len();
            match outbox::claim(&self.shared.pool, credential_id, bind_id, wanted).await {
                Ok(due) => {
                    self.more_waiting = due.len() == wanted;
                    self.queue.extend(due);
                }
                Err(error) => tracing::error!(%error, "SMPP deliveries not claimed"),
            }
        }
        self.send_queued().await
    }

    /// Sends claimed rows while the window has room.
    async fn send_queued(&mut self) -> Flow {
        let mut sent = false;
        while self.deliveries.len() < self.shared.config.window {
            let Some(item) = self.queue.pop_front() else {
                break;
            };
            let sequence = self.sequence();
            let pdu = match &item {
                Due::Receipt(_, receipt) => pdu::receipt_pdu(receipt),
                Due::Inbound(_, inbound) => pdu::inbound_pdu(inbound),
            };
            self.deliveries
                .insert(sequence, (item.outbox_id(), Instant::now()));
            let command = Command::new(CommandStatus::EsmeRok, sequence, pdu);
            if self.writer.feed(command).await.is_err() {
                return Flow::Close;
            }
            sent = true;
        }
        if sent && SinkExt::<Command>::flush(&mut self.writer).await.is_err() {
            return Flow::Close;
        }
        Flow::Continue
    }

    /// The client answered `deliver_sm` `sequence`.
    async fn delivered(&mut self, sequence: u32, status: CommandStatus) {
        let Some((outbox_id, _)) = self.deliveries.remove(&sequence) else {
            return;
        };
        if status == CommandStatus::EsmeRok {
            self.acknowledged.push(outbox_id);
            if let Some(bound) = self.bound.as_mut() {
                bound.delivered += 1;
            }
        } else if let Err(error) = outbox::retry_later(&self.shared.pool, outbox_id).await {
            tracing::error!(%error, "SMPP delivery not put back");
        }
        if self.queue.is_empty() && self.more_waiting {
            self.deliver().await;
        } else {
            self.send_queued().await;
        }
        if self.deliveries.is_empty() {
            self.flush_acknowledged();
        }
    }

    /// Marks what the client acknowledged as sent, in the background.
    fn flush_acknowledged(&mut self) {
        if self.acknowledged.is_empty() {
            return;
        }
        let ids = std::mem::take(&mut self.acknowledged);
        let pool = self.shared.pool.clone();
        tokio::spawn(async move {
            if let Err(error) = outbox::sent(&pool, &ids).await {
                tracing::error!(%error, "SMPP deliveries not marked sent");
            }
        });
    }

    fn expire_deliveries(&mut self) {
        let now = Instant::now();
        self.deliveries
            .retain(|_, (_, sent)| now.duration_since(*sent) < DELIVERY_TIMEOUT);
    }

    /// Refreshes the bind's row in the background (a session never waits
    /// for the database between PDUs); ends the bind when the last refresh
    /// found its credential revoked, or the client has gone quiet.
    async fn heartbeat(&mut self) -> Flow {
        self.flush_acknowledged();
        let quiet = self.last_heard.elapsed() > self.shared.config.idle_timeout;
        if quiet || self.revoked.load(Ordering::Relaxed) {
            let sequence = self.sequence();
            self.send(Command::new(CommandStatus::EsmeRok, sequence, Pdu::Unbind))
                .await;
            return Flow::Close;
        }
        if let Some(bound) = &self.bound {
            let (pool, revoked) = (self.shared.pool.clone(), self.revoked.clone());
            let counts = (
                bound.bind_id,
                bound.credential.id,
                bound.submitted,
                bound.delivered,
            );
            tokio::spawn(async move {
                let (bind_id, credential_id, submitted, delivered) = counts;
                match binds::refresh(&pool, bind_id, credential_id, submitted, delivered).await {
                    Ok(live) => revoked.store(!live, Ordering::Relaxed),
                    Err(error) => tracing::warn!(%error, "SMPP bind not refreshed"),
                }
            });
        }
        Flow::Continue
    }

    async fn close(mut self) {
        // Submissions already handed over are written; their answers go
        // out if the client still listens.
        while let Some((sequence, result)) = self.pending.next().await {
            self.answer_submit(sequence, result).await;
        }
        let acknowledged = std::mem::take(&mut self.acknowledged);
        if let Err(error) = outbox::sent(&self.shared.pool, &acknowledged).await {
            tracing::error!(%error, "SMPP deliveries not marked sent");
        }
        if let Some(bound) = self.bound.take() {
            receivers::unregister(bound.credential.id, bound.bind_id);
            let pool = &self.shared.pool;
            if let Err(error) = outbox::release(pool, bound.bind_id).await {
                tracing::error!(%error, "SMPP claims not released");
            }
            if let Err(error) = binds::close(pool, bound.bind_id).await {
                tracing::error!(%error, "SMPP bind row not removed");
            }
            outbox::ring();
        }
        let _ = SinkExt::<Command>::close(&mut self.writer).await;
    }
}
