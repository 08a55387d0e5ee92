//! TLS and DTLS record layers (RFC 8446 section 5.1, RFC 6347 section 4.1, RFC 9147 section 4).
//!
//! Only the plaintext record forms appear in a first flight; a DTLS 1.3 ciphertext record
//! (unified header) is not a ClientHello and is reported as an unknown content type by the
//! caller, not parsed here.

use crate::enums::{ContentType, ProtocolVersion};
use crate::error::{DecodeError, DecodeErrorKind, EncodeError};
use crate::reader::{Detailed, Reader};
use crate::writer::{Writer, len16};

/// Length of a TLSPlaintext header.
pub const TLS_RECORD_HEADER_LEN: usize = 5;
/// Length of a DTLSPlaintext header.
pub const DTLS_RECORD_HEADER_LEN: usize = 13;
/// The largest TLSPlaintext fragment, 2^14 bytes (RFC 8446 section 5.1; RFC 5246 section
/// 6.2.1 says the same): the limit for the records a first flight holds in the clear
/// (handshake, alert, change_cipher_spec). A header announcing more is refused with
/// record_overflow before any byte of the record is buffered.
pub const MAX_PLAINTEXT_FRAGMENT_LEN: usize = 1 << 14;
/// The largest TLSCiphertext fragment of TLS 1.3, 2^14 + 256 bytes (RFC 8446 section 5.2):
/// the limit for every other content type (a client that sends 0-RTT follows its
/// ClientHello with protected application_data records up to this size). No record of
/// any type is accepted above it. (TLS 1.2 allowed 2^14 + 2048 for ciphertext, RFC 5246
/// section 6.2.3, but a TLS 1.2 connection has no protected records before the server's
/// first flight.)
pub const MAX_CIPHERTEXT_FRAGMENT_LEN: usize = (1 << 14) + 256;
/// The largest fragment of any record [`TlsRecordHeader::parse`] accepts:
/// [`MAX_CIPHERTEXT_FRAGMENT_LEN`]. Plaintext content types are held to
/// [`MAX_PLAINTEXT_FRAGMENT_LEN`]; see [`TlsRecordHeader::max_fragment_len`].
pub const MAX_RECORD_FRAGMENT_LEN: usize = MAX_CIPHERTEXT_FRAGMENT_LEN;
/// The largest DTLS record sequence number (48 bits).
pub const MAX_DTLS_SEQUENCE: u64 = (1 << 48) - 1;

/// A TLSPlaintext header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TlsRecordHeader {
    /// The record's content type.
    pub content_type: ContentType,
    /// legacy_record_version (0x0301 or 0x0303 in practice).
    pub version: ProtocolVersion,
    /// Fragment length.
    pub length: u16,
}

/// One TLS record: its header and a view of its fragment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TlsRecord<'a> {
    /// The header.
    pub header: TlsRecordHeader,
    /// The fragment, borrowed from the input.
    pub fragment: &'a [u8],
}

/// What a stream reader should do next with the bytes it has buffered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordNeed {
    /// A whole record of this many bytes (header included) is at the front of the buffer.
    Complete(usize),
    /// At least this many more bytes are needed before the next record is complete.
    More(usize),
}

impl TlsRecordHeader {
    /// Parses the five header bytes.
    pub fn parse(input: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::<Detailed>::new(input);
        Self::read(&mut r)
    }

    fn read(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let content_type = ContentType(r.u8("TLSPlaintext.type")?);
        let version = ProtocolVersion(r.u16("TLSPlaintext.legacy_record_version")?);
        let at = r.offset();
        let length = r.u16("TLSPlaintext.length")?;
        let limit = Self::max_fragment_len(content_type);
        if usize::from(length) > limit {
            return Err(DecodeError::new(
                at,
                "TLSPlaintext.length",
                DecodeErrorKind::RecordOverflow { limit },
            ));
        }
        Ok(Self {
            content_type,
            version,
            length,
        })
    }

    /// The longest fragment a record of this content type may carry:
    /// [`MAX_PLAINTEXT_FRAGMENT_LEN`] for handshake, alert and change_cipher_spec (sent in
    /// the clear in a first flight, RFC 8446 section 5.1), [`MAX_CIPHERTEXT_FRAGMENT_LEN`]
    /// for any other type (section 5.2).
    pub const fn max_fragment_len(content_type: ContentType) -> usize {
        match content_type {
            ContentType::HANDSHAKE | ContentType::ALERT | ContentType::CHANGE_CIPHER_SPEC => {
                MAX_PLAINTEXT_FRAGMENT_LEN
            }
            _ => MAX_CIPHERTEXT_FRAGMENT_LEN,
        }
    }

    /// Writes the header into the front of `out`. A length over
    /// [`max_fragment_len`](Self::max_fragment_len) is refused (`TooLong`): the parser
    /// would refuse it.
    pub fn write(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        check_tls_fragment_len(self.content_type, usize::from(self.length))?;
        let mut w = Writer::new(out, TLS_RECORD_HEADER_LEN)?;
        w.u8(self.content_type.0)?;
        w.u16(self.version.0)?;
        w.u16(self.length)?;
        w.done(TLS_RECORD_HEADER_LEN)
    }
}

impl<'a> TlsRecord<'a> {
    /// Parses one whole record from the front of `input`; returns it and the bytes after it.
    pub fn parse(input: &'a [u8]) -> Result<(Self, &'a [u8]), DecodeError> {
        let mut r = Reader::<Detailed>::new(input);
        let header = TlsRecordHeader::read(&mut r)?;
        let fragment = r.bytes("TLSPlaintext.fragment", usize::from(header.length))?;
        Ok((Self { header, fragment }, r.rest()))
    }

    /// How many bytes the record at the front of a stream buffer needs: the first question
    /// a TCP reader asks, answered from at most five bytes. A header that announces an
    /// impossible length is an error at once, so a peer cannot make us wait for 64 KiB.
    pub fn need(buffered: &[u8]) -> Result<RecordNeed, DecodeError> {
        if buffered.len() < TLS_RECORD_HEADER_LEN {
            // Check what we can of the header early: the length is the only field that can
            // be wrong in a way that matters for buffering, and it is not here yet.
            return Ok(RecordNeed::More(TLS_RECORD_HEADER_LEN - buffered.len()));
        }
        let h = TlsRecordHeader::parse(buffered)?;
        let total = TLS_RECORD_HEADER_LEN + usize::from(h.length);
        if buffered.len() >= total {
            Ok(RecordNeed::Complete(total))
        } else {
            Ok(RecordNeed::More(total - buffered.len()))
        }
    }

    /// Encoded length.
    pub fn encoded_len(&self) -> usize {
        TLS_RECORD_HEADER_LEN + self.fragment.len()
    }

    /// Writes the record (header with the fragment's real length, then the fragment). A
    /// fragment over [`TlsRecordHeader::max_fragment_len`] is refused (`TooLong`).
    pub fn write(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        check_tls_fragment_len(self.header.content_type, self.fragment.len())?;
        let len = self.encoded_len();
        let mut w = Writer::new(out, len)?;
        w.u8(self.header.content_type.0)?;
        w.u16(self.header.version.0)?;
        w.vec16("TLSPlaintext.fragment", self.fragment)?;
        w.done(len)
    }
}

/// `TooLong` for a TLS record fragment the parser would refuse with `RecordOverflow`.
pub(crate) const fn check_tls_fragment_len(
    content_type: ContentType,
    len: usize,
) -> Result<(), EncodeError> {
    if len > TlsRecordHeader::max_fragment_len(content_type) {
        Err(EncodeError::TooLong {
            field: "TLSPlaintext.length",
        })
    } else {
        Ok(())
    }
}

/// A DTLSPlaintext header (RFC 6347 section 4.1; RFC 9147 section 4 keeps it for
/// plaintext records).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DtlsRecordHeader {
    /// The record's content type.
    pub content_type: ContentType,
    /// legacy_record_version (0xfeff or 0xfefd).
    pub version: ProtocolVersion,
    /// Epoch; a first flight is always epoch 0.
    pub epoch: u16,
    /// The 48-bit record sequence number.
    pub sequence_number: u64,
    /// Fragment length.
    pub length: u16,
}

/// One DTLS record: its header and a view of its fragment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DtlsRecord<'a> {
    /// The header.
    pub header: DtlsRecordHeader,
    /// The fragment, borrowed from the datagram.
    pub fragment: &'a [u8],
    /// Offset of the record's first byte within the datagram.
    pub offset: usize,
}

impl DtlsRecordHeader {
    fn read(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let content_type = ContentType(r.u8("DTLSPlaintext.type")?);
        let version = ProtocolVersion(r.u16("DTLSPlaintext.legacy_record_version")?);
        let epoch = r.u16("DTLSPlaintext.epoch")?;
        let sequence_number = r.u48("DTLSPlaintext.sequence_number")?;
        let length = r.u16("DTLSPlaintext.length")?;
        Ok(Self {
            content_type,
            version,
            epoch,
            sequence_number,
            length,
        })
    }

    /// Parses the thirteen header bytes.
    pub fn parse(input: &[u8]) -> Result<Self, DecodeError> {
        Self::read(&mut Reader::<Detailed>::new(input))
    }

    /// Writes the header into the front of `out`. A sequence number above 2^48 - 1
    /// cannot be encoded.
    pub fn write(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        check_dtls_sequence(self.sequence_number)?;
        let mut w = Writer::new(out, DTLS_RECORD_HEADER_LEN)?;
        self.put(&mut w)?;
        w.done(DTLS_RECORD_HEADER_LEN)
    }

    /// Writes the header; callers check the sequence number with [`check_dtls_sequence`]
    /// before they check the buffer, and this checks it again.
    pub(crate) fn put(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        check_dtls_sequence(self.sequence_number)?;
        w.u8(self.content_type.0)?;
        w.u16(self.version.0)?;
        w.u16(self.epoch)?;
        w.u48(self.sequence_number)?;
        w.u16(self.length)
    }
}

/// `TooLong` for a sequence number above 48 bits.
pub(crate) const fn check_dtls_sequence(sequence_number: u64) -> Result<(), EncodeError> {
    if sequence_number > MAX_DTLS_SEQUENCE {
        Err(EncodeError::TooLong {
            field: "DTLSPlaintext.sequence_number",
        })
    } else {
        Ok(())
    }
}

impl<'a> DtlsRecord<'a> {
    /// Parses the first record of `datagram`.
    pub fn parse(datagram: &'a [u8]) -> Result<(Self, &'a [u8]), DecodeError> {
        let mut r = Reader::<Detailed>::new(datagram);
        let rec = Self::read(&mut r)?;
        Ok((rec, r.rest()))
    }

    fn read(r: &mut Reader<'a>) -> Result<Self, DecodeError> {
        let offset = r.offset();
        let header = DtlsRecordHeader::read(r)?;
        let fragment = r.bytes("DTLSPlaintext.fragment", usize::from(header.length))?;
        Ok(Self {
            header,
            fragment,
            offset,
        })
    }

    /// Encoded length.
    pub fn encoded_len(&self) -> usize {
        DTLS_RECORD_HEADER_LEN + self.fragment.len()
    }

    /// Writes the record; the header's length is taken from the fragment.
    pub fn write(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        let len = self.encoded_len();
        let header = DtlsRecordHeader {
            length: len16("DTLSPlaintext.fragment", self.fragment.len())?,
            ..self.header
        };
        check_dtls_sequence(header.sequence_number)?;
        let mut w = Writer::new(out, len)?;
        header.put(&mut w)?;
        w.bytes(self.fragment)?;
        w.done(len)
    }
}

/// The records of one datagram, in order. Iteration stops after the first error (a
/// truncated record makes the rest of the datagram meaningless).
#[derive(Clone, Debug)]
pub struct DtlsRecords<'a> {
    reader: Reader<'a>,
    failed: bool,
}

impl<'a> DtlsRecords<'a> {
    /// Iterates the records of `datagram`.
    pub fn new(datagram: &'a [u8]) -> Self {
        Self {
            reader: Reader::<Detailed>::new(datagram),
            failed: false,
        }
    }
}

impl<'a> Iterator for DtlsRecords<'a> {
    type Item = Result<DtlsRecord<'a>, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.reader.is_empty() {
            return None;
        }
        let r = DtlsRecord::read(&mut self.reader);
        self.failed = r.is_err();
        Some(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dtls_record_write_overwrites_nothing_before_header() {
        // The writer puts the header first, then the fragment: check the header survives.
        let rec = DtlsRecord {
            header: DtlsRecordHeader {
                content_type: ContentType::HANDSHAKE,
                version: ProtocolVersion::DTLS1_0,
                epoch: 0,
                sequence_number: 0x0102_0304_0506,
                length: 0,
            },
            fragment: &[9, 8, 7],
            offset: 0,
        };
        let mut out = [0u8; 16];
        assert_eq!(rec.write(&mut out), Ok(16));
        assert_eq!(out, [22, 0xfe, 0xff, 0, 0, 1, 2, 3, 4, 5, 6, 0, 3, 9, 8, 7]);
        let (back, rest) = DtlsRecord::parse(&out).unwrap();
        assert!(rest.is_empty());
        assert_eq!(back.header.sequence_number, 0x0102_0304_0506);
        assert_eq!(back.header.length, 3);
        assert_eq!(back.fragment, &[9, 8, 7]);
    }

    #[test]
    fn stream_need_counts_missing_bytes() {
        assert_eq!(TlsRecord::need(&[22, 3]), Ok(RecordNeed::More(3)));
        assert_eq!(
            TlsRecord::need(&[22, 3, 1, 0, 4, 1]),
            Ok(RecordNeed::More(3))
        );
        assert_eq!(
            TlsRecord::need(&[22, 3, 1, 0, 1, 1, 99]),
            Ok(RecordNeed::Complete(6))
        );
        let e = TlsRecord::need(&[22, 3, 1, 0xff, 0xff]).unwrap_err();
        assert_eq!(e.offset, 3);
        assert_eq!(
            e.kind,
            DecodeErrorKind::RecordOverflow {
                limit: MAX_PLAINTEXT_FRAGMENT_LEN
            }
        );
        assert_eq!(e.alert(), crate::AlertDescription::RECORD_OVERFLOW);
    }

    #[test]
    fn record_limits_follow_the_content_type() {
        let header = |t: u8, len: usize| {
            let [hi, lo] = u16::try_from(len).unwrap().to_be_bytes();
            TlsRecordHeader::parse(&[t, 3, 3, hi, lo])
        };
        for t in [20, 21, 22] {
            assert!(header(t, 1 << 14).is_ok());
            let e = header(t, (1 << 14) + 1).unwrap_err();
            assert_eq!(e.kind, DecodeErrorKind::RecordOverflow { limit: 1 << 14 });
            assert_eq!((e.offset, e.field), (3, "TLSPlaintext.length"));
        }
        for t in [23, 99] {
            assert!(header(t, (1 << 14) + 256).is_ok());
            let e = header(t, (1 << 14) + 257).unwrap_err();
            assert_eq!(
                e.kind,
                DecodeErrorKind::RecordOverflow {
                    limit: (1 << 14) + 256
                }
            );
        }
        // The writers refuse what the parser refuses, whatever the buffer.
        let big = [0u8; (1 << 14) + 1];
        let rec = TlsRecord {
            header: TlsRecordHeader {
                content_type: ContentType::HANDSHAKE,
                version: ProtocolVersion::TLS1_2,
                length: 0,
            },
            fragment: &big,
        };
        for len in [0, big.len() + 5] {
            assert_eq!(
                rec.write(&mut [0; (1 << 14) + 6][..len]),
                Err(EncodeError::TooLong {
                    field: "TLSPlaintext.length"
                })
            );
        }
        let h = TlsRecordHeader {
            length: (1 << 14) + 1,
            ..rec.header
        };
        assert!(matches!(
            h.write(&mut [0; 5]),
            Err(EncodeError::TooLong { .. })
        ));
    }

    #[test]
    fn too_large_sequence_number_is_refused() {
        let h = DtlsRecordHeader {
            content_type: ContentType::HANDSHAKE,
            version: ProtocolVersion::DTLS1_2,
            epoch: 0,
            sequence_number: 1 << 48,
            length: 0,
        };
        for len in [0, 13] {
            assert!(matches!(
                h.write(&mut [0; 13][..len]),
                Err(EncodeError::TooLong { .. })
            ));
        }
    }
}
