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
    /// A value that has one legal setting has another (for example a
    /// ChangeCipherSpec byte that is not 1).
    BadValue,
    /// The same extension type appears twice in one message (RFC 8446 section 4.2).
    DuplicateExtension(ExtensionType),
    /// An extension follows pre_shared_key, which must be last (RFC 8446 section 4.2.11).
    PreSharedKeyNotLast,
    /// pre_shared_key lists a different number of identities and binders.
    PskBinderCountMismatch,
    /// More extensions with types at or above 256 than the parser tracks for duplicates.
    /// Real clients send a handful; the cap keeps duplicate detection linear.
    TooManyExtensions,
    /// The message is not of the type this parser reads.
    UnexpectedType,
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

    /// The alert RFC 8446 section 6.2 names for this failure: `illegal_parameter` for a
    /// syntactically valid message that breaks a rule about its contents (duplicate
    /// extensions, pre_shared_key not last, binder count), `decode_error` for everything
    /// that cannot be parsed.
    pub const fn alert(&self) -> AlertDescription {
        match self.kind {
            DecodeErrorKind::DuplicateExtension(_)
            | DecodeErrorKind::PreSharedKeyNotLast
            | DecodeErrorKind::PskBinderCountMismatch
            | DecodeErrorKind::BadValue => AlertDescription::ILLEGAL_PARAMETER,
            _ => AlertDescription::DECODE_ERROR,
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
            Self::DuplicateExtension(t) => write!(f, "duplicate extension {t}"),
            Self::PreSharedKeyNotLast => f.write_str("extension after pre_shared_key"),
            Self::PskBinderCountMismatch => f.write_str("identity and binder counts differ"),
            Self::TooManyExtensions => f.write_str("too many extensions"),
            Self::UnexpectedType => f.write_str("unexpected message type"),
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
    /// A field is longer than its length prefix can express (or than the RFC allows,
    /// such as a legacy_session_id over 32 bytes).
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
            Self::TooLong { field } => write!(f, "{field} is too long to encode"),
        }
    }
}

impl core::error::Error for EncodeError {}
