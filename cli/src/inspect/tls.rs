//! TLS: a sequence of records from a byte stream, with handshake messages reassembled
//! across records (RFC 8446 section 5.1 lets a message span several records).

use hellogate_codec::{
    Alert, ChangeCipherSpec, ContentType, Flavor, Framing, Handshake, RecordFraming, TlsRecord,
    TlsRecordHeader,
};

use super::codes::{code, size};
use super::messages;
use super::tree::Node;
use super::{InspectError, OffsetMap, Walked};

/// What a record holds, kept to re-encode it after all messages are known.
enum Content<'a> {
    /// Handshake bytes: this record's share of the re-encoded handshake stream.
    Handshake(usize),
    Alert(Alert),
    ChangeCipherSpec,
    Other(&'a [u8]),
}

/// The handshake bytes of all handshake records, and where each run came from.
#[derive(Default)]
struct Stream {
    bytes: Vec<u8>,
    /// `(stream offset, input offset, length, record index)` per handshake record.
    segments: Vec<(usize, usize, usize, usize)>,
    /// Stream bytes already taken by whole messages.
    consumed: usize,
}

impl Stream {
    /// The map of the stream from `from` onwards into input offsets.
    fn map_from(&self, from: usize) -> OffsetMap {
        let whole = OffsetMap {
            segments: self
                .segments
                .iter()
                .map(|&(s, a, l, _)| (s, a, l))
                .collect(),
        };
        whole.skip(from)
    }

    /// The record in which stream offset `at` lies.
    fn record_of(&self, at: usize) -> usize {
        self.segments
            .iter()
            .find(|&&(s, _, l, _)| at >= s && at < s + l)
            .map_or(0, |&(_, _, _, r)| r)
    }
}

/// Walks the records of `input`: record nodes, message nodes, and the re-encoded input.
pub(super) fn walk(input: &[u8]) -> Result<Walked, InspectError> {
    let mut records = Vec::new();
    let mut contents = Vec::new();
    let mut messages = Vec::new();
    let mut stream = Stream::default();
    let mut reencoded_stream = Vec::new();
    let mut pos = 0;
    while let Some(rest) = input.get(pos..).filter(|r| !r.is_empty()) {
        let whole = OffsetMap::contiguous(pos, rest.len());
        let (rec, _) = TlsRecord::parse(rest).map_err(|e| whole.error(e))?;
        let fragment_at = pos + 5;
        let fragment_map = OffsetMap::contiguous(fragment_at, rec.fragment.len());
        let ct = rec.header.content_type;
        if ct != ContentType::HANDSHAKE && stream.consumed < stream.bytes.len() {
            return Err(InspectError {
                offset: pos,
                field: "TLSPlaintext.type",
                reason: "record arrives while a handshake message is unfinished; RFC 8446 section 5.1 forbids interleaving".into(),
                alert: Some(hellogate_codec::AlertDescription::UNEXPECTED_MESSAGE),
            });
        }
        let mut fields = vec![
            size("offset", pos),
            code("content_type", ct),
            code("legacy_record_version", rec.header.version),
            size("length", rec.fragment.len()),
        ];
        let content = match ct {
            ContentType::HANDSHAKE => {
                stream.segments.push((
                    stream.bytes.len(),
                    fragment_at,
                    rec.fragment.len(),
                    records.len(),
                ));
                stream.bytes.extend_from_slice(rec.fragment);
                take_messages(&mut stream, &mut messages, &mut reencoded_stream)?;
                Content::Handshake(rec.fragment.len())
            }
            ContentType::ALERT => {
                let a = Alert::parse(rec.fragment).map_err(|e| fragment_map.error(e))?;
                fields.push(Node::fields(
                    "alert",
                    vec![code("level", a.level), code("description", a.description)],
                ));
                Content::Alert(a)
            }
            ContentType::CHANGE_CIPHER_SPEC => {
                ChangeCipherSpec::parse(rec.fragment).map_err(|e| fragment_map.error(e))?;
                fields.push(Node::fields(
                    "change_cipher_spec",
                    vec![super::codes::uint("type", 1u8)],
                ));
                Content::ChangeCipherSpec
            }
            _ => Content::Other(rec.fragment),
        };
        records.push(Node::fields("record", fields));
        contents.push((rec.header, content));
        pos = fragment_at + rec.fragment.len();
    }
    if stream.consumed < stream.bytes.len() {
        // The input ends inside a handshake message: let the codec say which field.
        let rest = stream.bytes.get(stream.consumed..).unwrap_or(&[]);
        let map = stream.map_from(stream.consumed);
        if let Err(e) = Handshake::parse(rest) {
            return Err(map.error(e));
        }
    }
    let reencoded = reencode(&contents, &reencoded_stream)?;
    Ok(Walked {
        records,
        messages,
        reencoded,
    })
}

/// Takes every whole message at the front of the unconsumed stream.
fn take_messages(
    stream: &mut Stream,
    messages: &mut Vec<Node>,
    reencoded: &mut Vec<u8>,
) -> Result<(), InspectError> {
    loop {
        let start = stream.consumed;
        let rest = stream.bytes.get(start..).unwrap_or(&[]);
        let Ok((hs, _)) = Handshake::parse(rest) else {
            // Not whole yet: more records may complete it.
            return Ok(());
        };
        let map = stream.map_from(start);
        let body_map = map.skip(4);
        let body = messages::body(
            hs.msg_type,
            hs.body,
            Flavor::Tls,
            Framing::TlsMessage,
            &body_map,
        )?;
        let mut fields = vec![
            size("record", stream.record_of(start)),
            size("offset", map.abs(0)),
            code("msg_type", hs.msg_type),
            size("length", hs.body.len()),
        ];
        fields.extend(body.node);
        messages.push(Node::fields("handshake", fields));
        reencoded.extend_from_slice(&body.reencoded);
        stream.consumed = start + 4 + hs.body.len();
    }
}

/// Writes every record back: headers from the parse, handshake records refilled from the
/// re-encoded handshake stream with the original record lengths.
fn reencode(
    contents: &[(TlsRecordHeader, Content<'_>)],
    handshake: &[u8],
) -> Result<Vec<u8>, InspectError> {
    let mut out = Vec::new();
    let mut hs = handshake;
    for (i, (header, content)) in contents.iter().enumerate() {
        let framing = RecordFraming::Tls {
            version: header.version,
        };
        let mut buf;
        let written = match content {
            Content::Handshake(len) => {
                let last = contents
                    .get(i + 1..)
                    .unwrap_or(&[])
                    .iter()
                    .all(|(_, c)| !matches!(c, Content::Handshake(_)));
                // The last handshake record takes whatever is left, so a re-encoding that
                // grew shows up as a mismatch instead of being cut off.
                let take = if last { hs.len() } else { (*len).min(hs.len()) };
                let (fragment, rest) = hs.split_at(take);
                hs = rest;
                let rec = TlsRecord {
                    header: *header,
                    fragment,
                };
                buf = vec![0; rec.encoded_len()];
                rec.write(&mut buf)
            }
            Content::Alert(a) => {
                buf = vec![0; Alert::encoded_len(framing)];
                a.write(framing, &mut buf)
            }
            Content::ChangeCipherSpec => {
                buf = vec![0; ChangeCipherSpec::encoded_len(framing)];
                ChangeCipherSpec.write(framing, &mut buf)
            }
            Content::Other(fragment) => {
                let rec = TlsRecord {
                    header: *header,
                    fragment,
                };
                buf = vec![0; rec.encoded_len()];
                rec.write(&mut buf)
            }
        };
        let n = written.map_err(|e| InspectError {
            offset: out.len(),
            field: "re-encoding",
            reason: e.to_string(),
            alert: None,
        })?;
        buf.truncate(n);
        out.extend_from_slice(&buf);
    }
    Ok(out)
}
