//! An SMPP client made of `rusmpp`'s codec (which we did not write), for
//! the tests and the benchmark.

#![allow(dead_code)]

use futures::{SinkExt, StreamExt};
use rusmpp::{
    pdus::{BindReceiver, BindTransceiver, BindTransmitter, DeliverSmResp, SubmitSm},
    tokio_codec::CommandCodec,
    types::{COctetString, EmptyOrFullCOctetString, OctetString},
    values::{
        DataCoding, EsmClass, InterfaceVersion, Npi, PriorityFlag, RegisteredDelivery,
        ReplaceIfPresentFlag, ServiceType, Ton,
    },
    Command, CommandId, CommandStatus, Pdu,
};
use std::{net::SocketAddr, time::Duration};
use tokio::{io::AsyncWriteExt, net::TcpStream};
use tokio_util::codec::Framed;

pub fn c_octets<const MIN: usize, const MAX: usize>(text: &str) -> COctetString<MIN, MAX> {
    COctetString::from_string(text.to_owned()).unwrap()
}

/// A `submit_sm` from `from` to `to` (a number without its `+`).
pub fn submit_sm(
    from: &str,
    to: &str,
    data_coding: u8,
    esm_class: u8,
    short_message: &[u8],
    receipt: u8,
) -> SubmitSm {
    SubmitSm::new(
        ServiceType::default(),
        Ton::Alphanumeric,
        Npi::Unknown,
        c_octets(from),
        Ton::International,
        Npi::Isdn,
        c_octets(to),
        EsmClass::from(esm_class),
        0,
        PriorityFlag::default(),
        EmptyOrFullCOctetString::empty(),
        EmptyOrFullCOctetString::empty(),
        RegisteredDelivery::from(receipt),
        ReplaceIfPresentFlag::default(),
        DataCoding::from(data_coding),
        0,
        OctetString::from_slice(short_message).unwrap(),
        Vec::new(),
    )
}

pub struct SmppClient {
    framed: Framed<TcpStream, CommandCodec>,
    pub sequence: u32,
}

impl SmppClient {
    pub async fn connect(address: SocketAddr) -> Self {
        let stream = TcpStream::connect(address).await.unwrap();
        stream.set_nodelay(true).unwrap();
        Self {
            framed: Framed::new(stream, CommandCodec::new()),
            sequence: 0,
        }
    }

    /// Connects and binds; panics unless the bind succeeds.
    pub async fn bound(
        address: SocketAddr,
        mode: CommandId,
        system_id: &str,
        password: &str,
    ) -> Self {
        let mut client = Self::connect(address).await;
        let status = client.bind(mode, system_id, password).await;
        assert_eq!(status, CommandStatus::EsmeRok, "bind");
        client
    }

    /// Sends a request; its sequence number.
    pub async fn send(&mut self, pdu: impl Into<Pdu>) -> u32 {
        self.sequence += 1;
        let command = Command::new(CommandStatus::EsmeRok, self.sequence, pdu);
        self.framed.send(command).await.unwrap();
        self.sequence
    }

    /// Queues a request without flushing (see [`SmppClient::flush`]).
    pub async fn feed(&mut self, pdu: impl Into<Pdu>) -> u32 {
        self.sequence += 1;
        let command = Command::new(CommandStatus::EsmeRok, self.sequence, pdu);
        self.framed.feed(command).await.unwrap();
        self.sequence
    }

    pub async fn flush(&mut self) {
        SinkExt::<Command>::flush(&mut self.framed).await.unwrap();
    }

    /// Answers the server's `deliver_sm` `sequence` with OK.
    pub async fn acknowledge(&mut self, sequence: u32) {
        let command = Command::new(CommandStatus::EsmeRok, sequence, DeliverSmResp::default());
        self.framed.send(command).await.unwrap();
    }

    pub async fn raw(&mut self, bytes: &[u8]) {
        self.framed.get_mut().write_all(bytes).await.unwrap();
    }

    /// The next PDU within `wait`; `None` after it or when the server
    /// closed the connection.
    pub async fn next_within(&mut self, wait: Duration) -> Option<Command> {
        tokio::time::timeout(wait, self.framed.next())
            .await
            .ok()
            .flatten()
            .map(|decoded| decoded.expect("a PDU the codec reads"))
    }

    /// The next PDU, or `None` when the server closed the connection.
    pub async fn next(&mut self) -> Option<Command> {
        tokio::time::timeout(Duration::from_secs(20), self.framed.next())
            .await
            .expect("an answer within 20 s")
            .map(|decoded| decoded.expect("a PDU the codec reads"))
    }

    pub async fn expect(&mut self) -> Command {
        self.next().await.expect("the connection stays open")
    }

    pub async fn bind(
        &mut self,
        mode: CommandId,
        system_id: &str,
        password: &str,
    ) -> CommandStatus {
        let (system_id, password) = (c_octets(system_id), c_octets(password));
        let (kind, version) = (c_octets("test"), InterfaceVersion::Smpp3_4);
        let (ton, npi, range) = (Ton::Unknown, Npi::Unknown, COctetString::empty());
        let pdu: Pdu = match mode {
            CommandId::BindTransmitter => {
                BindTransmitter::new(system_id, password, kind, version, ton, npi, range).into()
            }
            CommandId::BindReceiver => {
                BindReceiver::new(system_id, password, kind, version, ton, npi, range).into()
            }
            _ => BindTransceiver::new(system_id, password, kind, version, ton, npi, range).into(),
        };
        self.send(pdu).await;
        self.expect().await.status
    }

    /// Submits and waits for the answer: its status and message id.
    pub async fn submit(&mut self, pdu: SubmitSm) -> (CommandStatus, String) {
        let sequence = self.send(pdu).await;
        let answer = self.expect().await;
        assert_eq!(answer.sequence_number, sequence);
        match answer.pdu() {
            Some(Pdu::SubmitSmResp(resp)) => (answer.status, resp.message_id().to_string()),
            other => panic!("not a submit_sm_resp: {other:?}"),
        }
    }
}
