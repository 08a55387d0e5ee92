//! Helpers shared by the integration tests: the handshake messages inside a capture, and
//! extensions built from their RFC layouts.

#![allow(dead_code)]

use hellogate_codec::{
    ContentType, DtlsHandshake, DtlsRecords, Flavor, Framing, Handshake, HandshakeType, TlsRecord,
};
use hellogate_testvectors::Capture;

/// One handshake message of a capture: its type, its body, the framing it arrived in,
/// and the bytes of the record that carried it.
#[derive(Clone, Copy, Debug)]
pub struct Message {
    pub msg_type: HandshakeType,
    pub body: &'static [u8],
    pub framing: Framing,
    pub flavor: Flavor,
    pub record: &'static [u8],
}

/// Every handshake message of `c` (every capture holds one message per record).
pub fn messages(c: &'static Capture) -> Vec<Message> {
    let mut out = Vec::new();
    if c.is_datagram() {
        for rec in DtlsRecords::new(c.bytes) {
            let rec = rec.unwrap();
            let (hs, rest) = DtlsHandshake::parse(rec.fragment).unwrap();
            assert!(rest.is_empty() && hs.is_complete(), "{}", c.name);
            out.push(Message {
                msg_type: hs.msg_type,
                body: hs.fragment,
                framing: Framing::DtlsRecord {
                    version: rec.header.version,
                    epoch: rec.header.epoch,
                    sequence_number: rec.header.sequence_number,
                    message_seq: hs.message_seq,
                },
                flavor: Flavor::Dtls,
                record: &c.bytes[rec.offset..rec.offset + rec.encoded_len()],
            });
        }
    } else {
        let mut input = c.bytes;
        while !input.is_empty() {
            let (rec, rest) = TlsRecord::parse(input).unwrap();
            let record = &input[..rec.encoded_len()];
            input = rest;
            if rec.header.content_type != ContentType::HANDSHAKE {
                continue;
            }
            let (hs, after) = Handshake::parse(rec.fragment).unwrap();
            assert!(after.is_empty(), "{}", c.name);
            out.push(Message {
                msg_type: hs.msg_type,
                body: hs.body,
                framing: Framing::TlsRecord {
                    version: rec.header.version,
                },
                flavor: Flavor::Tls,
                record,
            });
        }
    }
    out
}

/// The ClientHello messages of every capture, with the capture's name.
pub fn client_hellos() -> Vec<(&'static str, Message)> {
    hellogate_testvectors::all()
        .iter()
        .flat_map(|c| messages(c).into_iter().map(move |m| (c.name, m)))
        .filter(|(_, m)| m.msg_type == HandshakeType::CLIENT_HELLO)
        .collect()
}

/// The body of the one ClientHello in capture `name`.
pub fn client_hello(name: &str) -> Message {
    let c = hellogate_testvectors::get(name).unwrap();
    messages(c)
        .into_iter()
        .find(|m| m.msg_type == HandshakeType::CLIENT_HELLO)
        .unwrap()
}

/// One extension on the wire: type, uint16 length, data.
pub fn ext(t: u16, data: &[u8]) -> Vec<u8> {
    let mut v = t.to_be_bytes().to_vec();
    v.extend_from_slice(&u16::try_from(data.len()).unwrap().to_be_bytes());
    v.extend_from_slice(data);
    v
}

/// `b` with a uint16 length prefix.
pub fn vec16(b: &[u8]) -> Vec<u8> {
    let mut v = u16::try_from(b.len()).unwrap().to_be_bytes().to_vec();
    v.extend_from_slice(b);
    v
}

/// `b` with a uint8 length prefix.
pub fn vec8(b: &[u8]) -> Vec<u8> {
    let mut v = vec![u8::try_from(b.len()).unwrap()];
    v.extend_from_slice(b);
    v
}
