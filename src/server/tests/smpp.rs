//! The SMPP server, driven by a client made of `rusmpp`'s codec (which we
//! did not write): refusals, limits, malformed PDUs, durability. The whole
//! story with an independent client library is `end2end/tests/smpp.spec.ts`.

use rusmpp::{
    pdus::SubmitSm,
    tlvs::{MessageSubmissionRequestTlvValue, TlvValue},
    types::AnyOctetString,
    values::{MessagePayload, MessageState},
    CommandId, CommandStatus, Pdu,
};
use std::time::{Duration, Instant};
use tokio::{io::AsyncWriteExt, net::TcpStream};

use super::{
    smpp_client::{c_octets, submit_sm, SmppClient},
    support::{Account, TestApp},
};
use crate::{
    domain::Money,
    server::{
        db, finance, gateway, inbound,
        smpp::{
            credentials::{self, AllowedNetworks},
            text, SmppConfig, SmppServer,
        },
    },
};

const PHONE: &str = "+447430900123";

fn config() -> SmppConfig {
    SmppConfig {
        failed_bind_delay: Duration::from_millis(300),
        bind_attempts_per_minute: 0,
        ..SmppConfig::default()
    }
}

struct Harness {
    app: TestApp,
    server: Option<SmppServer>,
    account: Account,
    system_id: String,
    password: String,
}

impl Harness {
    /// Olivia's account with `euros` on it and SMPP credentials allowing `networks`.
    async fn start(euros: i64, networks: &str, config: SmppConfig) -> Self {
        let app = TestApp::spawn().await;
        let account = app.funded_account("olivia", euros).await;
        let networks = AllowedNetworks::parse(networks).unwrap();
        let Ok(made) =
            credentials::create(&app.pool, &app.passwords, account.id, None, &networks).await
        else {
            panic!("credentials");
        };
        let server = spawn_server(&app, config).await;
        Self {
            app,
            server: Some(server),
            account,
            system_id: made.system_id,
            password: made.password,
        }
    }

    fn address(&self) -> std::net::SocketAddr {
        self.server.as_ref().unwrap().address
    }

    async fn client(&self) -> SmppClient {
        SmppClient::connect(self.address()).await
    }

    async fn bound(&self, mode: CommandId) -> SmppClient {
        SmppClient::bound(self.address(), mode, &self.system_id, &self.password).await
    }

    async fn balance(&self) -> i64 {
        crate::server::sending::balance(&self.app.pool, self.account.id)
            .await
            .unwrap()
            .0
    }

    async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(&self.app.pool)
            .await
            .unwrap()
    }

    async fn close(mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await;
        }
        self.app.close().await;
    }
}

async fn spawn_server(app: &TestApp, config: SmppConfig) -> SmppServer {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    SmppServer::spawn(listener, &app.url, app.passwords.clone(), config)
        .await
        .unwrap()
}

/// A `submit_sm` from INFO to [`PHONE`].
fn submit(data_coding: u8, esm_class: u8, short_message: &[u8], receipt: u8) -> SubmitSm {
    let to = PHONE.trim_start_matches('+');
    submit_sm("INFO", to, data_coding, esm_class, short_message, receipt)
}

/// Runs the carrier until no message is in flight.
async fn deliver_all(pool: &db::Pool) {
    let carrier = gateway::SimulatedGateway::default();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        gateway::step(pool, &carrier).await.unwrap();
        let in_flight: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE status IN ('queued', 'sent')")
                .fetch_one(pool)
                .await
                .unwrap();
        if in_flight == 0 {
            return;
        }
        assert!(Instant::now() < deadline, "messages still in flight");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn a_submission_is_priced_charged_and_its_receipt_delivered() {
    let smpp = Harness::start(10, "", config()).await;
    let mut client = smpp.bound(CommandId::BindTransceiver).await;
    let before = smpp.balance().await;
    let gsm = text::encode_gsm("Your code is 1234 {ok}").unwrap();
    let (status, id) = client.submit(submit(0, 0, &gsm, 1)).await;
    assert_eq!(status, CommandStatus::EsmeRok);
    let id: i64 = id.parse().unwrap();
    let (text, source, price, account): (String, String, i64, i64) =
        sqlx::query_as("SELECT text, source, price, account_id FROM messages WHERE id = $1")
            .bind(id)
            .fetch_one(&smpp.app.pool)
            .await
            .unwrap();
    assert_eq!(
        (text.as_str(), source.as_str(), account),
        ("Your code is 1234 {ok}", "smpp", smpp.account.id)
    );
    assert_eq!(
        smpp.balance().await,
        before - price,
        "charged the message's price"
    );
    assert!(price > 0);

    deliver_all(&smpp.app.pool).await;
    let receipt = client.expect().await;
    let Some(Pdu::DeliverSm(deliver)) = receipt.pdu() else {
        panic!("not a deliver_sm: {receipt:?}");
    };
    assert_eq!(
        u8::from(deliver.esm_class),
        0x04,
        "flagged as a delivery receipt"
    );
    let body = String::from_utf8(deliver.short_message().as_ref().to_vec()).unwrap();
    assert!(
        body.starts_with(&format!("id:{id} sub:001 dlvrd:001 submit date:")),
        "{body}"
    );
    assert!(
        body.ends_with("stat:DELIVRD err:000 text:Your code is 1234 ?o"),
        "{body}"
    );
    assert_eq!(
        deliver.source_addr.to_string(),
        PHONE.trim_start_matches('+')
    );
    assert_eq!(deliver.destination_addr.to_string(), "INFO");
    let tlvs: Vec<TlvValue> = deliver
        .tlvs()
        .iter()
        .filter_map(|t| t.value().cloned())
        .collect();
    assert!(tlvs.contains(&TlvValue::ReceiptedMessageId(c_octets(&id.to_string()))));
    assert!(tlvs.contains(&TlvValue::MessageState(MessageState::Delivered)));
    client.acknowledge(receipt.sequence_number).await;
    // The answer marks it sent; nothing is delivered twice.
    let deadline = Instant::now() + Duration::from_secs(5);
    while smpp
        .count("SELECT COUNT(*) FROM smpp_outbox WHERE sent_at_ms IS NULL")
        .await
        > 0
    {
        assert!(
            Instant::now() < deadline,
            "the receipt stays unacknowledged"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(client);
    smpp.close().await;
}

#[tokio::test]
async fn long_texts_come_as_payloads_or_parts_and_are_priced_per_part() {
    let smpp = Harness::start(10, "", config()).await;
    let mut client = smpp.bound(CommandId::BindTransmitter).await;
    let long = "Привет! ".repeat(12);
    let mut payload = submit(8, 0, &[], 0);
    payload.push_tlv(MessageSubmissionRequestTlvValue::MessagePayload(
        MessagePayload::new(AnyOctetString::from_vec(text::encode_ucs2(&long))),
    ));
    let (status, id) = client.submit(payload).await;
    assert_eq!(status, CommandStatus::EsmeRok);
    let (text, parts): (String, i64) =
        sqlx::query_as("SELECT text, parts FROM messages WHERE id = $1")
            .bind(id.parse::<i64>().unwrap())
            .fetch_one(&smpp.app.pool)
            .await
            .unwrap();
    assert_eq!((text.as_str(), parts), (long.as_str(), 2));
    // A part of a concatenated message, with its header.
    let mut part = vec![5, 0x00, 3, 0x42, 2, 1];
    part.extend(text::encode_gsm("First half, ").unwrap());
    let (status, _) = client.submit(submit(0, 0x40, &part, 0)).await;
    assert_eq!(status, CommandStatus::EsmeRok);
    // Both at once is not SMPP 3.4; neither is a header that does not fit.
    let mut both = submit(0, 0, b"hi", 0);
    both.push_tlv(MessageSubmissionRequestTlvValue::MessagePayload(
        MessagePayload::new(AnyOctetString::from_vec(b"there".to_vec())),
    ));
    assert_eq!(client.submit(both).await.0, CommandStatus::EsmeRinvmsglen);
    assert_eq!(
        client.submit(submit(0, 0x40, &[9, 0, 3], 0)).await.0,
        CommandStatus::EsmeRinvmsglen
    );
    assert_eq!(
        client.submit(submit(4, 0, b"\x01\x02", 0)).await.0,
        CommandStatus::EsmeRinvdcs
    );
    assert_eq!(smpp.count("SELECT COUNT(*) FROM messages").await, 2);
    drop(client);
    smpp.close().await;
}

#[tokio::test]
async fn wrong_credentials_and_addresses_are_refused_alike() {
    let smpp = Harness::start(10, "10.0.0.0/8", config()).await;
    let attempt = |system_id: String, password: String| {
        let address = smpp.address();
        async move {
            let mut client = SmppClient::connect(address).await;
            let started = Instant::now();
            let status = client
                .bind(CommandId::BindTransceiver, &system_id, &password)
                .await;
            let closed = client.next().await.is_none();
            (status, started.elapsed(), closed)
        }
    };
    let (unknown, unknown_took, closed) = attempt("nobody".into(), "whatever".into()).await;
    assert_eq!(unknown, CommandStatus::EsmeRinvsysid);
    assert!(closed, "a refused bind ends the connection");
    let (wrong, wrong_took, _) = attempt(smpp.system_id.clone(), "wrong123".into()).await;
    assert_eq!(wrong, CommandStatus::EsmeRinvpaswd);
    // Right password, from 127.0.0.1, outside 10.0.0.0/8.
    let (outside, outside_took, _) = attempt(smpp.system_id.clone(), smpp.password.clone()).await;
    assert_eq!(outside, CommandStatus::EsmeRbindfail);
    for took in [unknown_took, wrong_took, outside_took] {
        assert!(
            took >= Duration::from_millis(300),
            "answered after the same delay: {took:?}"
        );
    }
    let failures = smpp
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'smpp_bind_failed'")
        .await;
    assert_eq!(failures, 3, "every failed bind is in the audit log");
    smpp.close().await;
}

#[tokio::test]
async fn only_a_bound_transmitter_may_submit_and_binds_are_audited_and_limited() {
    let smpp = Harness::start(
        10,
        "127.0.0.1",
        SmppConfig {
            binds_per_credential: 2,
            ..config()
        },
    )
    .await;
    let mut unbound = smpp.client().await;
    let gsm = text::encode_gsm("Hello").unwrap();
    assert_eq!(
        unbound.submit(submit(0, 0, &gsm, 0)).await.0,
        CommandStatus::EsmeRinvbndsts
    );
    let mut receiver = smpp.bound(CommandId::BindReceiver).await;
    assert_eq!(
        receiver.submit(submit(0, 0, &gsm, 0)).await.0,
        CommandStatus::EsmeRinvbndsts
    );
    let status = receiver
        .bind(CommandId::BindTransmitter, &smpp.system_id, &smpp.password)
        .await;
    assert_eq!(status, CommandStatus::EsmeRalybnd);
    let _transmitter = smpp.bound(CommandId::BindTransmitter).await;
    let mut third = smpp.client().await;
    let status = third
        .bind(CommandId::BindTransceiver, &smpp.system_id, &smpp.password)
        .await;
    assert_eq!(
        status,
        CommandStatus::EsmeRbindfail,
        "two binds per credential here"
    );
    assert_eq!(
        smpp.count("SELECT COUNT(*) FROM audit_log WHERE action = 'smpp_bound'")
            .await,
        2
    );
    let open = credentials::open_binds(&smpp.app.pool, smpp.account.id)
        .await
        .unwrap();
    let modes: Vec<&str> = open.iter().map(|b| b.mode.as_str()).collect();
    assert_eq!(modes, ["receiver", "transmitter"]);
    // Unbinding frees the place at once.
    receiver.send(Pdu::Unbind).await;
    assert_eq!(receiver.expect().await.id(), CommandId::UnbindResp);
    assert!(receiver.next().await.is_none());
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut fourth = smpp.client().await;
    let status = fourth
        .bind(CommandId::BindTransceiver, &smpp.system_id, &smpp.password)
        .await;
    assert_eq!(status, CommandStatus::EsmeRok);
    smpp.close().await;
}

#[tokio::test]
async fn a_full_window_and_a_fast_client_are_throttled() {
    let smpp = Harness::start(10, "", config()).await;
    let mut client = smpp.bound(CommandId::BindTransmitter).await;
    let gsm = text::encode_gsm("Hello").unwrap();
    // Hold the account's balance (PostgreSQL) or the write lock (SQLite):
    // submissions wait, so the window fills.
    let mut held = db::begin_write(&smpp.app.pool).await.unwrap();
    sqlx::query(&format!(
        "SELECT account_id FROM account_balances WHERE account_id = $1{}",
        db::Backend::of(&smpp.app.pool).for_update()
    ))
    .bind(smpp.account.id)
    .fetch_one(&mut *held)
    .await
    .unwrap();
    for _ in 0..12 {
        client.send(submit(0, 0, &gsm, 0)).await;
    }
    // The bind was request 1; submissions 2 to 11 fill the window.
    for sequence in [12, 13] {
        let answer = client.expect().await;
        assert_eq!(
            (answer.sequence_number, answer.status),
            (sequence, CommandStatus::EsmeRthrottled)
        );
    }
    drop(held);
    for _ in 0..10 {
        assert_eq!(client.expect().await.status, CommandStatus::EsmeRok);
    }
    drop(client);
    smpp.close().await;

    let slow = SmppConfig {
        submits_per_second: 1,
        window: 3,
        ..config()
    };
    let smpp = Harness::start(10, "", slow).await;
    let mut client = smpp.bound(CommandId::BindTransmitter).await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(client.submit(submit(0, 0, &gsm, 0)).await.0);
    }
    assert_eq!(statuses[..3], [CommandStatus::EsmeRok; 3]);
    assert_eq!(
        statuses[3],
        CommandStatus::EsmeRthrottled,
        "a burst of the window, then 1 a second"
    );
    drop(client);
    smpp.close().await;
}

#[tokio::test]
async fn malformed_pdus_are_nacked_and_harm_no_other_session() {
    let smpp = Harness::start(10, "", config()).await;
    let mut healthy = smpp.bound(CommandId::BindTransceiver).await;
    let gsm = text::encode_gsm("Still here").unwrap();

    let mut client = smpp.bound(CommandId::BindTransmitter).await;
    // An unknown command.
    client
        .raw(&[0, 0, 0, 16, 0, 0, 0, 0xFF, 0, 0, 0, 0, 0, 0, 0, 77])
        .await;
    let nack = client.expect().await;
    assert_eq!(
        (nack.id(), nack.status, nack.sequence_number),
        (CommandId::GenericNack, CommandStatus::EsmeRinvcmdid, 77)
    );
    // A submit_sm whose fields do not fit its length.
    client
        .raw(&[0, 0, 0, 20, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 78, 1, 2, 3, 4])
        .await;
    let nack = client.expect().await;
    assert_eq!(
        (nack.id(), nack.status, nack.sequence_number),
        (CommandId::GenericNack, CommandStatus::EsmeRinvcmdlen, 78)
    );
    // The connection still works.
    client.send(Pdu::EnquireLink).await;
    assert_eq!(client.expect().await.id(), CommandId::EnquireLinkResp);
    // A length no PDU has: the stream cannot be followed, so it ends.
    client.raw(&[0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3]).await;
    assert_eq!(client.expect().await.id(), CommandId::GenericNack);
    assert!(client.next().await.is_none());

    // Noise, and a PDU cut short by a client that goes away.
    let mut noise = TcpStream::connect(smpp.address()).await.unwrap();
    let junk: Vec<u8> = (0..2000u32)
        .map(|n| (n.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let _ = noise.write_all(&junk).await;
    drop(noise);
    let mut cut = TcpStream::connect(smpp.address()).await.unwrap();
    cut.write_all(&[0, 0, 0, 100, 0, 0, 0, 4, 0, 0, 0, 0])
        .await
        .unwrap();
    drop(cut);

    let (status, _) = healthy.submit(submit(0, 0, &gsm, 0)).await;
    assert_eq!(
        status,
        CommandStatus::EsmeRok,
        "other sessions are unaffected"
    );
    let mut fresh = smpp.bound(CommandId::BindTransmitter).await;
    assert_eq!(
        fresh.submit(submit(0, 0, &gsm, 0)).await.0,
        CommandStatus::EsmeRok
    );
    drop((healthy, fresh));
    smpp.close().await;
}

#[tokio::test]
async fn what_the_account_cannot_pay_or_may_not_send_is_refused_and_costs_nothing() {
    let smpp = Harness::start(0, "", config()).await;
    let mut client = smpp.bound(CommandId::BindTransmitter).await;
    let gsm = text::encode_gsm("Hello").unwrap();
    assert_eq!(
        client.submit(submit(0, 0, &gsm, 1)).await.0,
        CommandStatus::EsmeRsubmitfail
    );
    assert_eq!(smpp.balance().await, 0);
    assert_eq!(smpp.count("SELECT COUNT(*) FROM messages").await, 0);
    assert_eq!(
        smpp.count("SELECT COUNT(*) FROM balance_transactions WHERE kind = 'charge'")
            .await,
        0
    );

    let owner = smpp.app.user_id("olivia").await;
    finance::top_up(&smpp.app.pool, smpp.account.id, owner, Money::euros(5))
        .await
        .unwrap();
    sqlx::query("INSERT INTO stop_list (account_id, phone, added_at) VALUES ($1, $2, '2026-12-01T00:00:00Z')")
        .bind(smpp.account.id)
        .bind(PHONE)
        .execute(&smpp.app.pool)
        .await
        .unwrap();
    assert_eq!(
        client.submit(submit(0, 0, &gsm, 1)).await.0,
        CommandStatus::EsmeRinvdstadr
    );
    assert_eq!(
        smpp.count("SELECT COUNT(*) FROM blocked_messages WHERE reason = 'stop_list'")
            .await,
        1,
        "shown in Blocked SMS"
    );
    let mut unknown_sender = submit(0, 0, &gsm, 1);
    unknown_sender.source_addr = c_octets("NOTMINE");
    assert_eq!(
        client.submit(unknown_sender).await.0,
        CommandStatus::EsmeRinvsrcadr
    );
    let mut nowhere = submit(0, 0, &gsm, 1);
    nowhere.destination_addr = c_octets("12");
    assert_eq!(
        client.submit(nowhere).await.0,
        CommandStatus::EsmeRinvdstadr
    );
    assert_eq!(smpp.count("SELECT COUNT(*) FROM messages").await, 0);

    // Revoked: the very next submission is refused.
    let id: i64 = smpp.count("SELECT id FROM smpp_credentials").await;
    credentials::revoke(&smpp.app.pool, smpp.account.id, id)
        .await
        .unwrap();
    sqlx::query("DELETE FROM stop_list")
        .execute(&smpp.app.pool)
        .await
        .unwrap();
    assert_eq!(
        client.submit(submit(0, 0, &gsm, 1)).await.0,
        CommandStatus::EsmeRinvbndsts
    );
    assert_eq!(smpp.count("SELECT COUNT(*) FROM messages").await, 0);
    drop(client);
    smpp.close().await;
}

#[tokio::test]
async fn receipts_and_replies_wait_for_a_receiver_across_a_restart() {
    let mut smpp = Harness::start(10, "", config()).await;
    let mut transmitter = smpp.bound(CommandId::BindTransmitter).await;
    let gsm = text::encode_gsm("Waiting for you").unwrap();
    let (status, id) = transmitter.submit(submit(0, 0, &gsm, 1)).await;
    assert_eq!(status, CommandStatus::EsmeRok);
    deliver_all(&smpp.app.pool).await;
    inbound::receive(&smpp.app.pool, PHONE, "INFO", "Thanks, got it €")
        .await
        .unwrap();
    assert_eq!(
        smpp.count("SELECT COUNT(*) FROM smpp_outbox WHERE sent_at_ms IS NULL")
            .await,
        2
    );
    // The transmitter is not sent anything.
    transmitter.send(Pdu::EnquireLink).await;
    assert_eq!(transmitter.expect().await.id(), CommandId::EnquireLinkResp);
    drop(transmitter);

    // A restart of the SMPP server: nothing is lost.
    smpp.server.take().unwrap().shutdown().await;
    smpp.server = Some(spawn_server(&smpp.app, config()).await);
    let mut receiver = smpp.bound(CommandId::BindReceiver).await;
    let mut got = Vec::new();
    for _ in 0..2 {
        let command = receiver.expect().await;
        let Some(Pdu::DeliverSm(deliver)) = command.pdu() else {
            panic!("not a deliver_sm: {command:?}");
        };
        let body: &[u8] = deliver.short_message().as_ref();
        let text = text::Coding::of(u8::from(deliver.data_coding))
            .unwrap()
            .decode(body)
            .unwrap();
        got.push((u8::from(deliver.esm_class), text));
        receiver.acknowledge(command.sequence_number).await;
    }
    assert_eq!(got[0].0, 0x04);
    assert!(got[0].1.starts_with(&format!("id:{id} ")), "{:?}", got[0]);
    assert_eq!(got[1], (0x00, "Thanks, got it €".to_owned()));
    drop(receiver);
    smpp.close().await;
}
