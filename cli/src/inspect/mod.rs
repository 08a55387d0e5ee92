//! `hellogate inspect`: parse a capture and show everything the codec sees in it.
//!
//! [`inspect`] walks every record of a TLS stream or a DTLS datagram, reassembles TLS
//! handshake messages that span records, parses each message with the codec, and returns
//! the result as a [`Node`] tree (rendered as text or JSON) together with the input
//! re-encoded from the parse by the codec's writers, so a round trip can be checked.

mod codes;
pub mod command;
mod dtls;
mod extensions;
mod messages;
mod tls;
pub mod tree;

use core::fmt;

use hellogate_codec::{AlertDescription, DecodeError};

pub use tree::{Node, Shape, Value};

/// Which record layer the input uses, told apart by the second byte: DTLS versions all
/// start with 0xfe, TLS versions with 0x03.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// TLS records from a byte stream.
    Tls,
    /// DTLS records of one datagram.
    Dtls,
}

impl Protocol {
    /// The name used in the output.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Tls => "TLS",
            Self::Dtls => "DTLS",
        }
    }
}

/// Why an input could not be inspected: where, which field, why, and the alert a peer
/// would receive for it when the codec names one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InspectError {
    /// Byte offset within the input (not within a record or message).
    pub offset: usize,
    /// The field, named as in the RFCs.
    pub field: &'static str,
    /// What was wrong.
    pub reason: String,
    /// The alert the codec maps the failure to, if any.
    pub alert: Option<AlertDescription>,
}

impl fmt::Display for InspectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "offset {}: {}: {}", self.offset, self.field, self.reason)?;
        if let Some(a) = self.alert {
            write!(f, " ({a})")?;
        }
        Ok(())
    }
}

impl std::error::Error for InspectError {}

/// Maps offsets within a (possibly reassembled) message back to offsets within the input.
///
/// A TLS handshake message may span records, so its bytes are not contiguous in the input:
/// each segment says where a run of message bytes came from.
#[derive(Clone, Debug, Default)]
pub(crate) struct OffsetMap {
    /// `(offset in the message, offset in the input, length)`, in order.
    segments: Vec<(usize, usize, usize)>,
}

impl OffsetMap {
    /// A message whose bytes are contiguous in the input from `base`.
    pub(crate) fn contiguous(base: usize, len: usize) -> Self {
        Self {
            segments: vec![(0, base, len)],
        }
    }

    /// The same map for offsets counted from `skip` bytes into the message.
    pub(crate) fn skip(&self, skip: usize) -> Self {
        Self {
            segments: self
                .segments
                .iter()
                .filter(|&&(at, _, len)| at + len > skip)
                .map(|&(at, abs, len)| {
                    let cut = skip.saturating_sub(at);
                    (at + cut - skip, abs + cut, len - cut)
                })
                .collect(),
        }
    }

    /// The input offset of message offset `at`; offsets at or past the end map to the
    /// end of the last segment plus the excess.
    pub(crate) fn abs(&self, at: usize) -> usize {
        for &(start, abs, len) in &self.segments {
            if at >= start && at < start + len {
                return abs + (at - start);
            }
        }
        match self.segments.last() {
            Some(&(start, abs, len)) if at >= start + len => abs + len + (at - start - len),
            Some(&(_, abs, _)) => abs,
            None => at,
        }
    }

    /// A codec error with its offset moved into the input.
    pub(crate) fn error(&self, e: DecodeError) -> InspectError {
        InspectError {
            offset: self.abs(e.offset),
            field: e.field,
            reason: e.kind.to_string(),
            alert: Some(e.alert()),
        }
    }
}

/// What a record-layer walk produces.
pub(crate) struct Walked {
    /// One node per record.
    records: Vec<Node>,
    /// One node per handshake message (or DTLS fragment).
    messages: Vec<Node>,
    /// The input written back from the parse.
    reencoded: Vec<u8>,
}

/// The result of inspecting one input.
#[derive(Clone, Debug)]
pub struct Inspection {
    /// Which record layer the input uses.
    pub protocol: Protocol,
    /// Everything parsed, as a tree (the root's children are the top-level fields).
    pub tree: Node,
    /// The input written back from the parse by the codec's writers.
    pub reencoded: Vec<u8>,
}

/// Whether re-encoding reproduced the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoundTrip {
    /// Byte for byte the same.
    Ok,
    /// The first offset where the re-encoding differs (or where the shorter one ends).
    Mismatch {
        /// Offset of the first differing byte.
        offset: usize,
    },
}

impl Inspection {
    /// Compares the re-encoding with `input`.
    pub fn roundtrip(&self, input: &[u8]) -> RoundTrip {
        first_difference(input, &self.reencoded)
            .map_or(RoundTrip::Ok, |offset| RoundTrip::Mismatch { offset })
    }
}

/// The first offset where `a` and `b` differ, `None` when they are equal.
pub fn first_difference(a: &[u8], b: &[u8]) -> Option<usize> {
    match a.iter().zip(b).position(|(x, y)| x != y) {
        Some(i) => Some(i),
        None if a.len() == b.len() => None,
        None => Some(a.len().min(b.len())),
    }
}

/// Tells TLS from DTLS by the record header's version byte.
pub fn detect(input: &[u8]) -> Result<Protocol, InspectError> {
    match input {
        [] => Err(InspectError {
            offset: 0,
            field: "ContentType",
            reason: "empty input".into(),
            alert: None,
        }),
        [_] | [_, 0x03, ..] => Ok(Protocol::Tls),
        [_, 0xfe, ..] => Ok(Protocol::Dtls),
        [_, _, ..] => Err(InspectError {
            offset: 1,
            field: "legacy_record_version",
            reason: "neither TLS (0x03..) nor DTLS (0xfe..): not a plaintext record".into(),
            alert: None,
        }),
    }
}

/// Parses `input` (one TLS stream piece or one DTLS datagram): every record, every
/// handshake message with its typed body, and the input re-encoded from the parse.
pub fn inspect(input: &[u8]) -> Result<Inspection, InspectError> {
    let protocol = detect(input)?;
    let Walked {
        records,
        messages,
        reencoded,
    } = match protocol {
        Protocol::Tls => tls::walk(input)?,
        Protocol::Dtls => dtls::walk(input)?,
    };
    let tree = Node::fields(
        "",
        vec![
            Node::leaf("protocol", Value::Text(protocol.name().into())),
            codes::size("length", input.len()),
            Node::list("records", records),
            Node::list("handshake_messages", messages),
        ],
    );
    Ok(Inspection {
        protocol,
        tree,
        reencoded,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_map_follows_segments_and_skips() {
        // Message bytes 0..3 at input 5..8, 3..10 at input 13..20.
        let m = OffsetMap {
            segments: vec![(0, 5, 3), (3, 13, 7)],
        };
        assert_eq!(m.abs(0), 5);
        assert_eq!(m.abs(2), 7);
        assert_eq!(m.abs(3), 13);
        assert_eq!(m.abs(9), 19);
        assert_eq!(m.abs(10), 20);
        assert_eq!(m.abs(12), 22);
        let body = m.skip(4);
        assert_eq!(body.abs(0), 14);
        assert_eq!(body.abs(5), 19);
        let body = m.skip(1);
        assert_eq!(body.abs(0), 6);
        assert_eq!(body.abs(2), 13);
    }

    #[test]
    fn first_difference_reports_length_changes() {
        assert_eq!(first_difference(b"abc", b"abc"), None);
        assert_eq!(first_difference(b"abc", b"abd"), Some(2));
        assert_eq!(first_difference(b"abc", b"ab"), Some(2));
        assert_eq!(first_difference(b"", b"a"), Some(0));
    }

    #[test]
    fn roundtrip_compares_with_the_given_bytes() {
        // A lone ChangeCipherSpec record re-encodes to itself; against other bytes the
        // first difference is reported.
        let ccs = [20, 3, 3, 0, 1, 1];
        let i = inspect(&ccs).unwrap();
        assert_eq!(i.reencoded, ccs);
        assert_eq!(i.roundtrip(&ccs), RoundTrip::Ok);
        assert_eq!(
            i.roundtrip(&[20, 3, 1, 0, 1, 1]),
            RoundTrip::Mismatch { offset: 2 }
        );
        assert_eq!(
            i.roundtrip(&[20, 3, 3, 0, 1, 1, 0]),
            RoundTrip::Mismatch { offset: 6 }
        );
    }

    #[test]
    fn a_bad_change_cipher_spec_is_an_error_at_its_byte() {
        let e = inspect(&[20, 3, 3, 0, 1, 2]).unwrap_err();
        assert_eq!(e.offset, 5);
        assert_eq!(e.field, "ChangeCipherSpec.type");
        assert_eq!(
            e.to_string(),
            "offset 5: ChangeCipherSpec.type: change_cipher_spec byte is not 1 (unexpected_message)"
        );
    }

    #[test]
    fn a_record_after_an_unfinished_message_is_refused() {
        // A handshake record holding only the first 2 bytes of a message header, then a CCS.
        let input = [22, 3, 1, 0, 2, 1, 0, 20, 3, 3, 0, 1, 1];
        let e = inspect(&input).unwrap_err();
        assert_eq!((e.offset, e.field), (7, "TLSPlaintext.type"));
        // Without the CCS the input just ends inside the message header: the error points
        // at the start of the cut field, the uint24 length at input offset 6.
        let e = inspect(&input[..7]).unwrap_err();
        assert_eq!((e.offset, e.field), (6, "Handshake.length"));
    }

    #[test]
    fn detection_reads_the_version_byte() {
        assert_eq!(detect(&[22, 3, 1]), Ok(Protocol::Tls));
        assert_eq!(detect(&[22, 0xfe, 0xfd]), Ok(Protocol::Dtls));
        assert_eq!(detect(&[22]), Ok(Protocol::Tls));
        assert_eq!(detect(&[22, 0x7f]).unwrap_err().offset, 1);
        assert_eq!(detect(&[]).unwrap_err().offset, 0);
    }
}
