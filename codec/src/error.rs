//! Typed decode and encode errors.
//!
//! A decode error names the field that failed, where (byte offset from the start of the
//! buffer handed to the top-level parser), why, and which alert RFC 8446 section 6.2 says
//! a peer should receive for it, so the machine can answer a malformed ClientHello with the
//! alert the RFC names and a researcher can see exactly where the bytes went wrong.

use core::fmt;

use crate::enums::{AlertDescription, ExtensionType};

/// Why a decode failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The input ended before the field did; `needed` more bytes would complete the field.
    Truncated {
        /// Bytes missing, counted from the end of the input.
        needed: usize,
    },
    /// Bytes are left over after a structure that must fill its container exactly.
    TrailingBytes,
    /// A length is outside the range the RFC's presentation language allows
    /// (for example an empty cipher_suites, a session id longer than 32 bytes, or an odd
    /// length for a list of 16-bit values).
    BadLength,
    /// A value is outside the range its RFC allows although the message is well formed:
    /// a record_size_limit below 64 (RFC 8449 section 4). The peer gets illegal_parameter.
    BadValue,
    /// A ChangeCipherSpec record whose single byte is not 0x01. RFC 8446 section 5: such a
    /// record aborts the handshake with unexpected_message.
    BadChangeCipherSpec,
    /// A record header announces a fragment longer than the record layer allows:
    /// 2^14 bytes for a TLSPlaintext record (handshake, alert, change_cipher_spec;
    /// RFC 8446 section 5.1), 2^14 + 256 for any other record, the TLSCiphertext limit of
    /// RFC 8446 section 5.2 (a first flight can hold protected 0-RTT records). The peer gets
    /// record_overflow.
    RecordOverflow {
        /// The limit that applied, in bytes.
        limit: usize,
    },
    /// The same extension type appears twice in one message (RFC 8446 section 4.2).
    DuplicateExtension(ExtensionType),
    /// An extension follows pre_shared_key, which must be last (RFC 8446 section 4.2.11).
    PreSharedKeyNotLast,
    /// pre_shared_key lists a different number of identities and binders.
    PskBinderCountMismatch,
    /// More than [`MAX_HIGH_EXTENSION_TYPES`](crate::extensions::MAX_HIGH_EXTENSION_TYPES)
    /// (64) distinct extension types at or above 256 in one extensions block. Types below
    /// 256 are unlimited (a bitmap tracks them); the higher ones (GREASE, ECH,
    /// renegotiation_info, private use) go in a fixed array that is compared in one pass, so
    /// duplicate detection stays constant-time per extension. Real clients send a handful.
    /// No RFC sets this limit, so the alert is decode_error (we cannot decode the message),
    /// not illegal_parameter.
    TooManyExtensions,
}

/// A decode failure: which field, at which offset, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// Byte offset of the failing field from the start of the top-level input.
    pub offset: usize,
    /// The field, named as in the RFC's presentation language (e.g. `"cipher_suites"`).
    pub field: &'static str,
    /// What was wrong with it.
    pub kind: DecodeErrorKind,
}

impl DecodeError {
    pub(crate) const fn new(offset: usize, field: &'static str, kind: DecodeErrorKind) -> Self {
        Self {
            offset,
            field,
            kind,
        }
    }

    /// The alert the RFCs name for this failure (RFC 8446 section 6.2): `illegal_parameter`
    /// for a syntactically valid message that breaks a rule about its contents (duplicate
    /// extensions, pre_shared_key not last, binder count, a record_size_limit below 64),
    /// `unexpected_message` for a ChangeCipherSpec that is not 0x01 (section 5),
    /// `record_overflow` for a record over the length limit (sections 5.1 and 5.2), and
    /// `decode_error` for everything that cannot be parsed.
    pub const fn alert(&self) -> AlertDescription {
        match self.kind {
            DecodeErrorKind::DuplicateExtension(_)
            | DecodeErrorKind::PreSharedKeyNotLast
            | DecodeErrorKind::PskBinderCountMismatch
            | DecodeErrorKind::BadValue => AlertDescription::ILLEGAL_PARAMETER,
            DecodeErrorKind::BadChangeCipherSpec => AlertDescription::UNEXPECTED_MESSAGE,
            DecodeErrorKind::RecordOverflow { .. } => AlertDescription::RECORD_OVERFLOW,
            DecodeErrorKind::Truncated { .. }
            | DecodeErrorKind::TrailingBytes
            | DecodeErrorKind::BadLength
            | DecodeErrorKind::TooManyExtensions => AlertDescription::DECODE_ERROR,
        }
    }

    /// The same error moved by `base` bytes, for errors from a parser that was handed a
    /// sub-slice (a record's fragment, a handshake message's body).
    pub const fn shifted(self, base: usize) -> Self {
        Self {
            offset: self.offset + base,
            ..self
        }
    }
}

impl fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated { needed } => write!(f, "truncated: {needed} more byte(s) needed"),
            Self::TrailingBytes => f.write_str("trailing bytes"),
            Self::BadLength => f.write_str("length out of range"),
            Self::BadValue => f.write_str("illegal value"),
            Self::BadChangeCipherSpec => f.write_str("change_cipher_spec byte is not 1"),
            Self::RecordOverflow { limit } => write!(f, "record longer than {limit} bytes"),
            Self::DuplicateExtension(t) => write!(f, "duplicate extension {t}"),
            Self::PreSharedKeyNotLast => f.write_str("extension after pre_shared_key"),
            Self::PskBinderCountMismatch => f.write_str("identity and binder counts differ"),
            Self::TooManyExtensions => f.write_str("too many extensions"),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "offset {}: {}: {} ({})",
            self.offset,
            self.field,
            self.kind,
            self.alert()
        )
    }
}

impl core::error::Error for DecodeError {}

/// A writer could not encode a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// The caller's buffer is too small; the whole message needs `needed` bytes.
    BufferTooSmall {
        /// Bytes the whole message needs.
        needed: usize,
    },
    /// A field cannot be written in a form its parser accepts: it is longer than its
    /// length prefix can express or than the RFC allows (a legacy_session_id over 32
    /// bytes, a HelloVerifyRequest cookie over 255, a TLS record over 2^14), or its
    /// length is below the RFC's minimum (an empty HelloRetryRequest cookie, RFC 8446
    /// `cookie<1..2^16-1>`), or it does not validate in the message it is written into.
    /// Writers check this before they look at the buffer, so it is reported whatever the
    /// buffer's size.
    TooLong {
        /// The field, named as in the RFC.
        field: &'static str,
    },
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BufferTooSmall { needed } => {
                write!(f, "buffer too small: {needed} bytes needed")
            }
            Self::TooLong { field } => write!(f, "{field}: length or value cannot be encoded"),
        }
    }
}

impl core::error::Error for EncodeError {}
