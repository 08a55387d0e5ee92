//! Handshake message headers and how a message is framed for the wire or a transcript.
//!
//! TLS uses a four-byte header (type, uint24 length). DTLS adds message_seq,
//! fragment_offset and fragment_length (RFC 6347 section 4.2.2, RFC 9147 section 5.2), so a
//! message can be split across datagrams; a fragment is a view, never a copy.

use crate::enums::{ContentType, HandshakeType, ProtocolVersion};
use crate::error::{DecodeError, DecodeErrorKind, EncodeError};
use crate::reader::{Detailed, Reader};
use crate::record::{
    DTLS_RECORD_HEADER_LEN, DtlsRecordHeader, TLS_RECORD_HEADER_LEN, check_dtls_sequence,
    check_tls_fragment_len,
};
use crate::writer::{Writer, len16, len24};

/// Length of the TLS handshake header.
pub const TLS_HANDSHAKE_HEADER_LEN: usize = 4;
/// Length of the DTLS handshake header.
pub const DTLS_HANDSHAKE_HEADER_LEN: usize = 12;

/// A whole TLS handshake message: header fields and a view of the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Handshake<'a> {
    /// msg_type.
    pub msg_type: HandshakeType,
    /// The body, exactly `length` bytes.
    pub body: &'a [u8],
}

impl<'a> Handshake<'a> {
    /// Reads the header at the front of `input` without requiring the body: the type and
    /// announced body length, for a reader that reassembles a message spanning records.
    pub fn peek_header(input: &[u8]) -> Result<(HandshakeType, u32), DecodeError> {
        let mut r = Reader::<Detailed>::new(input);
        let t = HandshakeType(r.u8("Handshake.msg_type")?);
        let len = r.u24("Handshake.length")?;
        Ok((t, len))
    }

    /// Parses one whole message from the front of `input`; returns it and what follows.
    pub fn parse(input: &'a [u8]) -> Result<(Self, &'a [u8]), DecodeError> {
        let mut r = Reader::<Detailed>::new(input);
        let msg_type = HandshakeType(r.u8("Handshake.msg_type")?);
        let len = r.u24("Handshake.length")?;
        let body = r.bytes("Handshake.body", len as usize)?;
        Ok((Self { msg_type, body }, r.rest()))
    }
}

/// One DTLS handshake fragment: the header fields and a view of the fragment bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DtlsHandshake<'a> {
    /// msg_type.
    pub msg_type: HandshakeType,
    /// Length of the whole message body.
    pub length: u32,
    /// message_seq.
    pub message_seq: u16,
    /// Where this fragment starts within the body.
    pub fragment_offset: u32,
    /// This fragment's length.
    pub fragment_length: u32,
    /// The fragment bytes.
    pub fragment: &'a [u8],
}

impl<'a> DtlsHandshake<'a> {
    /// Parses one fragment from the front of a record's fragment; returns it and what
    /// follows. A fragment that reaches past the message's announced length is a
    /// `BadLength` error at `fragment_length`.
    pub fn parse(input: &'a [u8]) -> Result<(Self, &'a [u8]), DecodeError> {
        let mut r = Reader::<Detailed>::new(input);
        let msg_type = HandshakeType(r.u8("Handshake.msg_type")?);
        let length = r.u24("Handshake.length")?;
        let message_seq = r.u16("Handshake.message_seq")?;
        let fragment_offset = r.u24("Handshake.fragment_offset")?;
        let at = r.offset();
        let fragment_length = r.u24("Handshake.fragment_length")?;
        if u64::from(fragment_offset) + u64::from(fragment_length) > u64::from(length) {
            return Err(DecodeError::new(
                at,
                "Handshake.fragment_length",
                DecodeErrorKind::BadLength,
            ));
        }
        let fragment = r.bytes("Handshake.fragment", fragment_length as usize)?;
        Ok((
            Self {
                msg_type,
                length,
                message_seq,
                fragment_offset,
                fragment_length,
                fragment,
            },
            r.rest(),
        ))
    }

    /// True when this fragment is the whole message.
    pub fn is_complete(&self) -> bool {
        self.fragment_offset == 0 && self.fragment_length == self.length
    }
}

/// How a handshake message is framed when written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// Only the TLS handshake message (four-byte header and body): what a TLS 1.3 or
    /// DTLS 1.3 transcript hashes (RFC 9147 section 5.2 drops the DTLS fields from it).
    TlsMessage,
    /// A TLS record holding the one handshake message.
    TlsRecord {
        /// legacy_record_version.
        version: ProtocolVersion,
    },
    /// Only the DTLS handshake message (twelve-byte header, unfragmented): what a
    /// DTLS 1.2 transcript hashes.
    DtlsMessage {
        /// message_seq.
        message_seq: u16,
    },
    /// A DTLS record holding the one unfragmented handshake message.
    DtlsRecord {
        /// legacy_record_version.
        version: ProtocolVersion,
        /// Record epoch.
        epoch: u16,
        /// Record sequence number (48 bits).
        sequence_number: u64,
        /// message_seq.
        message_seq: u16,
    },
}

impl Framing {
    /// Bytes this framing adds in front of a body.
    pub const fn overhead(self) -> usize {
        match self {
            Self::TlsMessage => TLS_HANDSHAKE_HEADER_LEN,
            Self::TlsRecord { .. } => TLS_RECORD_HEADER_LEN + TLS_HANDSHAKE_HEADER_LEN,
            Self::DtlsMessage { .. } => DTLS_HANDSHAKE_HEADER_LEN,
            Self::DtlsRecord { .. } => DTLS_RECORD_HEADER_LEN + DTLS_HANDSHAKE_HEADER_LEN,
        }
    }
}

/// A handshake message body this crate can write.
pub(crate) trait Body {
    fn msg_type(&self) -> HandshakeType;
    fn body_len(&self) -> usize;
    fn put_body(&self, w: &mut Writer<'_>) -> Result<(), EncodeError>;
}

/// Writes `body` with `framing` into `out`; returns the bytes written. Lengths the wire
/// or the parsers cannot take (a TLS record over 2^14 bytes, a DTLS record over 2^16 - 1,
/// a sequence number over 48 bits) are `TooLong` before the buffer is looked at.
pub(crate) fn write_framed(
    body: &impl Body,
    framing: Framing,
    out: &mut [u8],
) -> Result<usize, EncodeError> {
    let body_len = body.body_len();
    let total = framing.overhead() + body_len;
    let hs_len = len24("Handshake.length", body_len)?;
    let record_len = match framing {
        Framing::TlsMessage | Framing::DtlsMessage { .. } => 0,
        Framing::TlsRecord { .. } => {
            let len = TLS_HANDSHAKE_HEADER_LEN + body_len;
            check_tls_fragment_len(ContentType::HANDSHAKE, len)?;
            len16("TLSPlaintext.length", len)?
        }
        Framing::DtlsRecord {
            sequence_number, ..
        } => {
            check_dtls_sequence(sequence_number)?;
            len16("DTLSPlaintext.length", DTLS_HANDSHAKE_HEADER_LEN + body_len)?
        }
    };
    let mut w = Writer::new(out, total)?;
    match framing {
        Framing::TlsMessage | Framing::DtlsMessage { .. } => {}
        Framing::TlsRecord { version } => {
            w.u8(ContentType::HANDSHAKE.0)?;
            w.u16(version.0)?;
            w.u16(record_len)?;
        }
        Framing::DtlsRecord {
            version,
            epoch,
            sequence_number,
            ..
        } => {
            DtlsRecordHeader {
                content_type: ContentType::HANDSHAKE,
                version,
                epoch,
                sequence_number,
                length: record_len,
            }
            .put(&mut w)?;
        }
    }
    w.u8(body.msg_type().0)?;
    w.u24(hs_len)?;
    if let Framing::DtlsMessage { message_seq } | Framing::DtlsRecord { message_seq, .. } = framing
    {
        w.u16(message_seq)?;
        w.u24(0)?;
        w.u24(hs_len)?;
    }
    body.put_body(&mut w)?;
    w.done(total)
}

/// Writes the synthetic `message_hash` handshake message that replaces ClientHello1 in a
/// TLS 1.3 transcript after a HelloRetryRequest (RFC 8446 section 4.4.1): type 254, a
/// uint24 length equal to the hash length, then Hash(ClientHello1).
pub fn write_message_hash(ch1_hash: &[u8], out: &mut [u8]) -> Result<usize, EncodeError> {
    struct MessageHash<'h>(&'h [u8]);
    impl Body for MessageHash<'_> {
        fn msg_type(&self) -> HandshakeType {
            HandshakeType::MESSAGE_HASH
        }
        fn body_len(&self) -> usize {
            self.0.len()
        }
        fn put_body(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
            w.bytes(self.0)
        }
    }
    write_framed(&MessageHash(ch1_hash), Framing::TlsMessage, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragment_past_message_end_is_refused() {
        // length 4, offset 2, fragment_length 3: 2 + 3 > 4
        let b = [1, 0, 0, 4, 0, 0, 0, 0, 2, 0, 0, 3, 9, 9, 9];
        let e = DtlsHandshake::parse(&b).unwrap_err();
        assert_eq!(e.field, "Handshake.fragment_length");
        assert_eq!(e.offset, 9);
    }

    #[test]
    fn message_hash_layout() {
        let mut out = [0u8; 36];
        assert_eq!(write_message_hash(&[7; 32], &mut out), Ok(36));
        assert_eq!(&out[..4], &[254, 0, 0, 32]);
        assert_eq!(
            write_message_hash(&[7; 32], &mut [0; 10]),
            Err(EncodeError::BufferTooSmall { needed: 36 })
        );
    }
}
