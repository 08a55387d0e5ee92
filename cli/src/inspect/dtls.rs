//! DTLS: every record of one datagram, every handshake fragment of every record
//! (RFC 6347 section 4.2.2, RFC 9147 section 5.2).

use hellogate_codec::{
    Alert, ChangeCipherSpec, ContentType, DtlsHandshake, DtlsRecord, DtlsRecords, Flavor, Framing,
    HandshakeType, RecordFraming,
};

use super::codes::{code, size, uint};
use super::messages::{self, u24};
use super::tree::Node;
use super::{InspectError, OffsetMap, Walked};

const RECORD_HEADER_LEN: usize = 13;
const HANDSHAKE_HEADER_LEN: usize = 12;

/// Walks the records of the datagram `input`: record nodes, message nodes, and the
/// re-encoded datagram.
pub(super) fn walk(input: &[u8]) -> Result<Walked, InspectError> {
    let mut records = Vec::new();
    let mut messages = Vec::new();
    let mut out = Vec::new();
    let whole = OffsetMap::contiguous(0, input.len());
    for (index, rec) in DtlsRecords::new(input).enumerate() {
        let rec = rec.map_err(|e| whole.error(e))?;
        let h = rec.header;
        let fragment_at = rec.offset + RECORD_HEADER_LEN;
        let fragment_map = OffsetMap::contiguous(fragment_at, rec.fragment.len());
        let mut fields = vec![
            size("offset", rec.offset),
            code("content_type", h.content_type),
            code("legacy_record_version", h.version),
            uint("epoch", h.epoch),
            uint("sequence_number", h.sequence_number),
            size("length", rec.fragment.len()),
        ];
        let framing = RecordFraming::Dtls {
            version: h.version,
            epoch: h.epoch,
            sequence_number: h.sequence_number,
        };
        let reencoded = match h.content_type {
            ContentType::HANDSHAKE => {
                let content = fragments(rec.fragment, fragment_at, index, &mut messages)?;
                record_bytes(&rec, &content)?
            }
            ContentType::ALERT => {
                let a = Alert::parse(rec.fragment).map_err(|e| fragment_map.error(e))?;
                fields.push(Node::fields(
                    "alert",
                    vec![code("level", a.level), code("description", a.description)],
                ));
                let mut buf = vec![0; Alert::encoded_len(framing)];
                let n = a.write(framing, &mut buf).map_err(encode_error)?;
                buf.truncate(n);
                buf
            }
            ContentType::CHANGE_CIPHER_SPEC => {
                ChangeCipherSpec::parse(rec.fragment).map_err(|e| fragment_map.error(e))?;
                fields.push(Node::fields("change_cipher_spec", vec![uint("type", 1u8)]));
                let mut buf = vec![0; ChangeCipherSpec::encoded_len(framing)];
                let n = ChangeCipherSpec
                    .write(framing, &mut buf)
                    .map_err(encode_error)?;
                buf.truncate(n);
                buf
            }
            _ => record_bytes(&rec, rec.fragment)?,
        };
        records.push(Node::fields("record", fields));
        out.extend_from_slice(&reencoded);
    }
    Ok(Walked {
        records,
        messages,
        reencoded: out,
    })
}

fn encode_error(e: hellogate_codec::EncodeError) -> InspectError {
    InspectError {
        offset: 0,
        field: "re-encoding",
        reason: e.to_string(),
        alert: None,
    }
}

/// The record written back with `fragment` as its contents.
fn record_bytes(rec: &DtlsRecord<'_>, fragment: &[u8]) -> Result<Vec<u8>, InspectError> {
    let rec = DtlsRecord { fragment, ..*rec };
    let mut buf = vec![0; rec.encoded_len()];
    let n = rec.write(&mut buf).map_err(encode_error)?;
    buf.truncate(n);
    Ok(buf)
}

/// Every handshake fragment of one record's fragment (a record may carry several
/// messages); returns the record's contents re-encoded.
fn fragments(
    mut rest: &[u8],
    mut at: usize,
    record: usize,
    messages: &mut Vec<Node>,
) -> Result<Vec<u8>, InspectError> {
    let mut out = Vec::new();
    while !rest.is_empty() {
        let map = OffsetMap::contiguous(at, rest.len());
        let (hs, after) = DtlsHandshake::parse(rest).map_err(|e| map.error(e))?;
        let body_at = at + HANDSHAKE_HEADER_LEN;
        let body_map = OffsetMap::contiguous(body_at, hs.fragment.len());
        let mut fields = vec![
            size("record", record),
            size("offset", at),
            code("msg_type", hs.msg_type),
            uint("length", hs.length),
            uint("message_seq", hs.message_seq),
            uint("fragment_offset", hs.fragment_offset),
            uint("fragment_length", hs.fragment_length),
        ];
        if hs.is_complete() {
            let body = messages::body(
                hs.msg_type,
                hs.fragment,
                Flavor::Dtls,
                Framing::DtlsMessage {
                    message_seq: hs.message_seq,
                },
                &body_map,
            )?;
            fields.extend(body.node);
            out.extend_from_slice(&body.reencoded);
        } else {
            if hs.msg_type == HandshakeType::CLIENT_HELLO && hs.fragment_offset == 0 {
                fields.push(messages::client_hello_prefix_node(hs.fragment, &body_map)?);
            }
            // The codec writes whole messages only; a fragment's header is written here
            // from its parsed fields.
            out.push(hs.msg_type.get());
            out.extend_from_slice(&u24(hs.length as usize));
            out.extend_from_slice(&hs.message_seq.to_be_bytes());
            out.extend_from_slice(&u24(hs.fragment_offset as usize));
            out.extend_from_slice(&u24(hs.fragment.len()));
            out.extend_from_slice(hs.fragment);
        }
        messages.push(Node::fields("handshake", fields));
        at = body_at + hs.fragment.len();
        rest = after;
    }
    Ok(out)
}
