//! PDUs on the socket: framing, reading a `submit_sm`, and the
//! `deliver_sm` the platform sends. The codec is `rusmpp`'s; the framing is
//! ours, so a PDU that does not decode is answered with a `generic_nack`
//! carrying its sequence number instead of ending the stream.

use bytes::{Buf, BytesMut};
use rusmpp::{
    pdus::{DeliverSm, SubmitSm},
    tlvs::{MessageDeliveryRequestTlvValue, TlvValue},
    types::{AnyOctetString, COctetString, EmptyOrFullCOctetString, OctetString},
    values::{
        DataCoding, EsmClass, MessagePayload, MessageState, Npi, PriorityFlag, RegisteredDelivery,
        ReplaceIfPresentFlag, ServiceType, Ton,
    },
    CommandStatus,
};
use tokio_util::codec::Decoder;

use super::{
    outbox::{Inbound, Receipt},
    text::{self, Coding},
};
use crate::domain::{Phone, Segments, MAX_PARTS};

/// A PDU's fixed header.
pub const HEADER: usize = 16;
/// The longest PDU taken: a `submit_sm` whose `message_payload` holds ten
/// UCS-2 parts is under 2 KB; this leaves room and bounds the memory a
/// client can make us hold.
pub const MAX_PDU: usize = 16 * 1024;

/// One PDU off the wire, without its length: the rest of the header and
/// the body, as `rusmpp` decodes it.
pub struct Frame {
    pub bytes: BytesMut,
}

impl Frame {
    pub fn command_id(&self) -> u32 {
        u32::from_be_bytes(self.bytes[0..4].try_into().unwrap_or_default())
    }

    pub fn sequence_number(&self) -> u32 {
        u32::from_be_bytes(self.bytes[8..12].try_into().unwrap_or_default())
    }
}

/// A `command_length` that cannot be right: the stream cannot be followed
/// past it.
#[derive(Debug)]
pub struct BadLength(pub u32);

impl From<std::io::Error> for BadLength {
    fn from(_: std::io::Error) -> Self {
        BadLength(0)
    }
}

/// Cuts the byte stream into PDUs by their `command_length`.
pub struct Frames;

impl Decoder for Frames {
    type Item = Frame;
    type Error = BadLength;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Frame>, BadLength> {
        if src.len() < 4 {
            return Ok(None);
        }
        let length = u32::from_be_bytes([src[0], src[1], src[2], src[3]]);
        let size = length as usize;
        if !(HEADER..=MAX_PDU).contains(&size) {
            return Err(BadLength(length));
        }
        if src.len() < size {
            src.reserve(size - src.len());
            return Ok(None);
        }
        let mut bytes = src.split_to(size);
        bytes.advance(4);
        Ok(Some(Frame { bytes }))
    }
}

/// A `submit_sm` read: who sends what to whom, and the receipt asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    pub sender: String,
    pub recipient: String,
    pub text: String,
    pub parts: i64,
    pub receipt: i64,
}

/// Reads a `submit_sm`, or the status that refuses it.
pub fn read_submit(submit: &SubmitSm) -> Result<Submitted, CommandStatus> {
    if !submit.schedule_delivery_time.is_empty() {
        // The platform sends at once; it would not honour the time.
        return Err(CommandStatus::EsmeRinvsched);
    }
    let sender = submit.source_addr.to_string();
    if sender.trim().is_empty() {
        return Err(CommandStatus::EsmeRinvsrcadr);
    }
    let destination = submit.destination_addr.to_string();
    let with_plus = match destination.strip_prefix('+') {
        Some(_) => destination.clone(),
        None => format!("+{destination}"),
    };
    let recipient = Phone::parse_lenient(&with_plus)
        .map_err(|_| CommandStatus::EsmeRinvdstadr)?
        .into_inner();
    let coding = Coding::of(u8::from(submit.data_coding)).ok_or(CommandStatus::EsmeRinvdcs)?;
    let payload = submit.tlvs().iter().find_map(|tlv| match tlv.value() {
        Some(TlvValue::MessagePayload(payload)) => Some(payload.value.as_ref().to_vec()),
        _ => None,
    });
    let short_message: &[u8] = submit.short_message().as_ref();
    let user_data = match (payload, short_message.is_empty()) {
        (Some(payload), true) => payload,
        (None, _) => short_message.to_vec(),
        // SMPP 3.4: one or the other, never both.
        (Some(_), false) => return Err(CommandStatus::EsmeRinvmsglen),
    };
    let has_header = u8::from(submit.esm_class) & 0x40 != 0;
    let body = if has_header {
        let (_, body) = text::split_header(&user_data).ok_or(CommandStatus::EsmeRinvmsglen)?;
        body.to_vec()
    } else {
        user_data
    };
    let text = coding.decode(&body).ok_or(CommandStatus::EsmeRinvmsglen)?;
    if text.is_empty() {
        return Err(CommandStatus::EsmeRinvmsglen);
    }
    let parts = Segments::of(&text).parts;
    if parts > MAX_PARTS {
        return Err(CommandStatus::EsmeRinvmsglen);
    }
    Ok(Submitted {
        sender,
        recipient,
        text,
        parts: parts as i64,
        receipt: i64::from(u8::from(submit.registered_delivery) & 0x03),
    })
}

/// SMPP's `YYMMDDhhmm` of a stored time (`2026-12-02T14:05:09Z`).
fn smpp_date(stored: &str) -> String {
    let digits: String = stored.chars().filter(char::is_ascii_digit).collect();
    digits.get(2..12).unwrap_or("0000000000").to_owned()
}

/// Characters whose byte is the same in ASCII and the GSM default
/// alphabet: clients read a receipt either way.
fn same_in_gsm_and_ascii(c: char) -> bool {
    c.is_ascii_alphanumeric() || " !\"#%&'()*+,-./:;<=>?".contains(c)
}

/// The receipt's text, in the form SMSCs use (SMPP 3.4, appendix B); its
/// `text:` is the message's start, other characters shown as `?`.
pub fn receipt_text(receipt: &Receipt) -> String {
    let delivered = receipt.status == "delivered";
    let snippet: String = receipt
        .text
        .chars()
        .take(20)
        .map(|c| if same_in_gsm_and_ascii(c) { c } else { '?' })
        .collect();
    format!(
        "id:{} sub:001 dlvrd:{} submit date:{} done date:{} stat:{} err:{} text:{}",
        receipt.message_id,
        if delivered { "001" } else { "000" },
        smpp_date(&receipt.created_at),
        smpp_date(receipt.done_at.as_deref().unwrap_or(&receipt.created_at)),
        if delivered { "DELIVRD" } else { "UNDELIV" },
        if delivered { "000" } else { "001" },
        snippet
    )
}

/// An address as SMPP carries it: a number without its `+` (international,
/// ISDN), or a sender name (alphanumeric).
fn address(value: &str) -> (Ton, Npi, COctetString<1, 21>) {
    let (ton, npi, text) = match value.strip_prefix('+') {
        Some(digits) if digits.bytes().all(|b| b.is_ascii_digit()) => {
            (Ton::International, Npi::Isdn, digits.to_owned())
        }
        _ if value.bytes().all(|b| b.is_ascii_digit()) => {
            (Ton::International, Npi::Isdn, value.to_owned())
        }
        _ => (Ton::Alphanumeric, Npi::Unknown, value.to_owned()),
    };
    let ascii: String = text.chars().filter(char::is_ascii).take(20).collect();
    (
        ton,
        npi,
        COctetString::from_string(ascii).unwrap_or_default(),
    )
}

fn deliver_sm(
    from: &str,
    to: &str,
    esm_class: u8,
    coding: Coding,
    user_data: Vec<u8>,
    mut tlvs: Vec<MessageDeliveryRequestTlvValue>,
) -> DeliverSm {
    let (source_ton, source_npi, source) = address(from);
    let (dest_ton, dest_npi, dest) = address(to);
    let short_message = if user_data.len() <= 254 {
        OctetString::from_slice(&user_data).unwrap_or_default()
    } else {
        tlvs.push(MessageDeliveryRequestTlvValue::MessagePayload(
            MessagePayload::new(AnyOctetString::from_slice(&user_data)),
        ));
        OctetString::empty()
    };
    DeliverSm::new(
        ServiceType::default(),
        source_ton,
        source_npi,
        source,
        dest_ton,
        dest_npi,
        dest,
        EsmClass::from(esm_class),
        0,
        PriorityFlag::default(),
        EmptyOrFullCOctetString::empty(),
        EmptyOrFullCOctetString::empty(),
        RegisteredDelivery::default(),
        ReplaceIfPresentFlag::default(),
        DataCoding::from(coding.data_coding()),
        0,
        short_message,
        tlvs,
    )
}

/// A delivery receipt: from the phone the message went to, back to its
/// sender, flagged as a receipt, naming the message in its TLVs too.
pub fn receipt_pdu(receipt: &Receipt) -> DeliverSm {
    let state = if receipt.status == "delivered" {
        MessageState::Delivered
    } else {
        MessageState::Undeliverable
    };
    let id = COctetString::from_string(receipt.message_id.to_string()).unwrap_or_default();
    deliver_sm(
        &receipt.recipient,
        &receipt.sender,
        0x04,
        Coding::Gsm7,
        receipt_text(receipt).into_bytes(),
        vec![
            MessageDeliveryRequestTlvValue::ReceiptedMessageId(id),
            MessageDeliveryRequestTlvValue::MessageState(state),
        ],
    )
}

/// An inbound message: in the GSM alphabet when it fits, UCS-2 otherwise;
/// in `message_payload` when longer than a short message holds.
pub fn inbound_pdu(inbound: &Inbound) -> DeliverSm {
    let (coding, user_data) = match text::encode_gsm(&inbound.text) {
        Some(gsm) => (Coding::Gsm7, gsm),
        None => (Coding::Ucs2, text::encode_ucs2(&inbound.text)),
    };
    deliver_sm(
        &inbound.sender,
        &inbound.recipient,
        0x00,
        coding,
        user_data,
        Vec::new(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts_read_as_smscs_write_them() {
        let receipt = Receipt {
            message_id: 42,
            sender: "INFO".into(),
            recipient: "+447430900123".into(),
            text: "Your code is 1234 — valid for 10 minutes".into(),
            status: "failed".into(),
            created_at: "2026-12-02T14:05:09Z".into(),
            done_at: Some("2026-12-02T14:06:11Z".into()),
        };
        assert_eq!(
            receipt_text(&receipt),
            "id:42 sub:001 dlvrd:000 submit date:2612021405 done date:2612021406 stat:UNDELIV err:001 text:Your code is 1234 ? "
        );
        let delivered = Receipt {
            status: "delivered".into(),
            ..receipt
        };
        assert!(receipt_text(&delivered).contains("dlvrd:001"));
        assert!(receipt_text(&delivered).contains("stat:DELIVRD err:000"));
    }

    #[test]
    fn frames_are_cut_by_their_length_and_bad_lengths_refused() {
        let mut buffer =
            BytesMut::from(&[0, 0, 0, 16, 0, 0, 0, 0x15, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0][..]);
        let frame = Frames.decode(&mut buffer).unwrap().unwrap();
        assert_eq!(frame.command_id(), 0x15);
        assert_eq!(frame.sequence_number(), 7);
        assert_eq!(buffer.len(), 2, "the next PDU's start stays");
        assert!(Frames.decode(&mut buffer).unwrap().is_none());
        for length in [0u32, 15, MAX_PDU as u32 + 1, u32::MAX] {
            let mut buffer = BytesMut::from(&length.to_be_bytes()[..]);
            assert!(Frames.decode(&mut buffer).is_err(), "{length}");
        }
    }
}
