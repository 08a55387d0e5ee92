//! What the machine decides, as values.

use core::fmt;
use core::net::SocketAddr;
use core::time::Duration;

use hellogate_codec::{
    AlertDescription, CipherSuite, ClientHello, DecodeError, DtlsClientHelloPrefix, NamedGroup,
    ProtocolVersion,
};
use hellogate_cookie::CookieError;

/// One decision per input.
// The Accept variant carries the parsed ClientHello by value; boxing it would put a heap
// allocation on the per-datagram path, which the crate promises never to do.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision<'a> {
    /// Send `out[..len]` to the peer: a HelloVerifyRequest, or a HelloRetryRequest (plus a
    /// ChangeCipherSpec record in TLS when the client's legacy_session_id is non-empty).
    Reply {
        /// What the reply is.
        kind: ReplyKind,
        /// Bytes written at the front of the caller's buffer.
        len: usize,
        /// Bytes of the input this decision consumed (streams: feed the rest again).
        consumed: usize,
    },
    /// The ClientHello is accepted: hand it to the TLS stack.
    Accept(Accepted<'a>),
    /// Send the alert record in `out[..len]`; a stream then closes.
    Alert {
        /// The alert description.
        alert: AlertDescription,
        /// Bytes written at the front of the caller's buffer.
        len: usize,
        /// Why.
        reason: Reason,
    },
    /// Send nothing.
    Drop(Reason),
    /// Streams only: the input so far holds no complete ClientHello; feed more bytes.
    NeedMore,
}

impl Decision<'_> {
    /// The decision's short name: `reply`, `accept`, `alert`, `drop` or `need_more`.
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Reply { .. } => "reply",
            Self::Accept(_) => "accept",
            Self::Alert { .. } => "alert",
            Self::Drop(_) => "drop",
            Self::NeedMore => "need_more",
        }
    }

    /// The bytes to send, if any, out of the buffer the caller passed.
    pub fn reply_bytes<'o>(&self, out: &'o [u8]) -> Option<&'o [u8]> {
        match *self {
            Self::Reply { len, .. } | Self::Alert { len, .. } => out.get(..len),
            _ => None,
        }
    }
}

/// Which message a reply carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReplyKind {
    /// DTLS 1.0/1.2 HelloVerifyRequest.
    HelloVerifyRequest,
    /// TLS 1.3 or DTLS 1.3 HelloRetryRequest.
    HelloRetryRequest,
    /// TLS 1.3 HelloRetryRequest followed by a ChangeCipherSpec record.
    HelloRetryRequestAndCcs,
}

/// An accepted ClientHello and everything the TLS stack needs to continue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Accepted<'a> {
    /// The peer.
    pub peer: SocketAddr,
    /// The protocol version the handshake goes on with.
    pub version: ProtocolVersion,
    /// True when the client proved its address with a cookie this key ring sealed.
    pub validated: bool,
    /// The ClientHello (or, for DTLS 1.2, its first fragment).
    pub client_hello: AcceptedHello<'a>,
    /// The ClientHello handshake message as received (DTLS: 12-byte header; TLS: 4-byte
    /// header), borrowed from the input.
    pub message: &'a [u8],
    /// Bytes of the input this decision consumed (streams: what follows belongs to the TLS
    /// stack).
    pub consumed: usize,
    /// How to continue.
    pub continuation: Continuation,
}

/// The accepted ClientHello: whole, or a DTLS 1.2 first fragment whose cookie verified
/// (the TLS stack reassembles the rest, as after OpenSSL's DTLSv1_listen).
#[allow(clippy::large_enum_variant)] // by value on purpose: no heap per datagram
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AcceptedHello<'a> {
    /// The whole message, parsed.
    Whole(ClientHello<'a>),
    /// The fields of a first fragment.
    FirstFragment(DtlsClientHelloPrefix<'a>),
}

impl<'a> AcceptedHello<'a> {
    /// The parsed ClientHello, when the message was whole.
    pub fn whole(&self) -> Option<&ClientHello<'a>> {
        match self {
            Self::Whole(ch) => Some(ch),
            Self::FirstFragment(_) => None,
        }
    }

    /// The client's random, present in both forms.
    pub fn random(&self) -> &'a [u8; 32] {
        match self {
            Self::Whole(ch) => ch.random,
            Self::FirstFragment(p) => p.random,
        }
    }
}

/// What the TLS stack needs to pick up where the gate left off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Continuation {
    /// DTLS 1.2 after a HelloVerifyRequest exchange (RFC 6347 section 4.2.1).
    Dtls12 {
        /// Record sequence number for the server's next record (the ClientHello's, as
        /// OpenSSL's DTLSv1_listen does).
        record_sequence_number: u64,
        /// message_seq for the ServerHello (the ClientHello's).
        message_seq: u16,
        /// Age of the cookie.
        cookie_age: Duration,
    },
    /// TLS 1.3 or DTLS 1.3 after a stateless HelloRetryRequest (RFC 8446 section 4.4.1).
    Hrr13 {
        /// The cipher suite the HelloRetryRequest named.
        cipher_suite: CipherSuite,
        /// The group ClientHello2's key share is for.
        group: NamedGroup,
        /// Whether the HelloRetryRequest carried a key_share.
        key_share_in_hrr: bool,
        /// `out[..transcript_len]` holds the transcript prefix: message_hash(ClientHello1)
        /// followed by the HelloRetryRequest, both as TLS handshake messages (four-byte
        /// headers, as TLS 1.3 and DTLS 1.3 hash them). Append ClientHello2 to continue.
        transcript_len: usize,
        /// Where the HelloRetryRequest starts within that prefix.
        hrr_offset: usize,
        /// Age of the cookie.
        cookie_age: Duration,
    },
    /// Accepted without address validation (admission said not to validate, or a TLS
    /// client that does not offer 1.3 passed through by configuration).
    Unvalidated,
}

/// Why a datagram was dropped or an alert sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// The bytes do not parse; the error names field and offset.
    Malformed(DecodeError),
    /// The first record is not a handshake record.
    NotHandshake,
    /// The first record's epoch is not 0.
    BadEpoch,
    /// The record or handshake version is not one this listener speaks.
    UnsupportedVersion,
    /// The handshake message is not a ClientHello.
    NotClientHello,
    /// message_seq above 2: not a first flight.
    MessageSeqTooHigh,
    /// A DTLS fragment that does not start the message.
    NotFirstFragment,
    /// A first fragment without everything the decision needs.
    IncompleteFragment,
    /// A fragment kept in the reassembly arena; the message is not whole yet.
    FragmentBuffered,
    /// The message is larger than the reassembly budget or arrived in too many pieces.
    ReassemblyBudget,
    /// The reply would be larger than the input that caused it.
    Amplification {
        /// The reply's size.
        reply: usize,
        /// The input's size.
        input: usize,
    },
    /// The caller's buffer is too small for the reply.
    BufferTooSmall {
        /// Bytes needed.
        needed: usize,
    },
    /// The cookie did not verify.
    Cookie(CookieError),
    /// DTLS 1.3 ClientHello with a non-empty legacy_cookie (RFC 9147 section 5.3).
    LegacyCookieNotEmpty,
    /// No TLS 1.3 cipher suite in common.
    NoCommonSuite,
    /// No group in common.
    NoCommonGroup,
    /// ClientHello2 does not offer the cookie's cipher suite.
    SuiteMismatch,
    /// A cookie-only HelloRetryRequest would have to bind more key shares than a cookie
    /// binds (32); never chosen by the plan, refused if it were.
    TooManyKeyShares,
    /// ClientHello2's key shares do not fit the HelloRetryRequest (RFC 8446 section 4.1.4).
    KeyShareMismatch,
    /// ClientHello2 offers early_data after a HelloRetryRequest.
    EarlyDataAfterHrr,
    /// ClientHello2 does not offer the version ClientHello1 negotiated.
    VersionMismatch,
    /// A second ClientHello without a valid cookie after our HelloRetryRequest.
    SecondHrrNeeded,
    /// On a connection that got our HelloRetryRequest, ClientHello2 returns a valid cookie
    /// made for another ClientHello1.
    CookieForAnotherHello,
    /// A TLS client that does not offer 1.3, refused by configuration.
    Tls13NotOffered,
    /// A stream record that is not allowed before the ClientHello.
    UnexpectedRecord,
    /// The stream sent more than the configured cap before a complete ClientHello.
    StreamBufferFull,
    /// The stream already ended with an alert or an accept.
    StreamFinished,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(e) => write!(f, "malformed: {e}"),
            Self::NotHandshake => f.write_str("not a handshake record"),
            Self::BadEpoch => f.write_str("epoch is not 0"),
            Self::UnsupportedVersion => f.write_str("unsupported version"),
            Self::NotClientHello => f.write_str("not a ClientHello"),
            Self::MessageSeqTooHigh => f.write_str("message_seq above 2"),
            Self::NotFirstFragment => f.write_str("fragment does not start the message"),
            Self::IncompleteFragment => f.write_str("first fragment too short to decide"),
            Self::FragmentBuffered => f.write_str("fragment kept for reassembly"),
            Self::ReassemblyBudget => f.write_str("message exceeds the reassembly budget"),
            Self::Amplification { reply, input } => {
                write!(f, "reply of {reply} bytes larger than input of {input}")
            }
            Self::BufferTooSmall { needed } => write!(f, "reply buffer too small: {needed} needed"),
            Self::Cookie(e) => write!(f, "cookie: {e}"),
            Self::LegacyCookieNotEmpty => f.write_str("DTLS 1.3 legacy_cookie not empty"),
            Self::NoCommonSuite => f.write_str("no TLS 1.3 cipher suite in common"),
            Self::NoCommonGroup => f.write_str("no group in common"),
            Self::SuiteMismatch => f.write_str("ClientHello2 lacks the cookie's cipher suite"),
            Self::TooManyKeyShares => f.write_str("too many key shares for a cookie-only HRR"),
            Self::KeyShareMismatch => {
                f.write_str("ClientHello2 key shares do not fit the HelloRetryRequest")
            }
            Self::EarlyDataAfterHrr => f.write_str("early_data after HelloRetryRequest"),
            Self::VersionMismatch => {
                f.write_str("ClientHello2 does not offer the negotiated version")
            }
            Self::SecondHrrNeeded => f.write_str("second ClientHello without a valid cookie"),
            Self::CookieForAnotherHello => {
                f.write_str("cookie made for another ClientHello1 than this connection's")
            }
            Self::Tls13NotOffered => f.write_str("client does not offer TLS 1.3"),
            Self::UnexpectedRecord => f.write_str("unexpected record before ClientHello"),
            Self::StreamBufferFull => f.write_str("stream buffer cap reached"),
            Self::StreamFinished => f.write_str("stream already finished"),
        }
    }
}

impl Reason {
    /// A short stable identifier, for logs and JSON (`snake_case`).
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "malformed",
            Self::NotHandshake => "not_handshake",
            Self::BadEpoch => "bad_epoch",
            Self::UnsupportedVersion => "unsupported_version",
            Self::NotClientHello => "not_client_hello",
            Self::MessageSeqTooHigh => "message_seq_too_high",
            Self::NotFirstFragment => "not_first_fragment",
            Self::IncompleteFragment => "incomplete_fragment",
            Self::FragmentBuffered => "fragment_buffered",
            Self::ReassemblyBudget => "reassembly_budget",
            Self::Amplification { .. } => "amplification",
            Self::BufferTooSmall { .. } => "buffer_too_small",
            Self::Cookie(_) => "bad_cookie",
            Self::LegacyCookieNotEmpty => "legacy_cookie_not_empty",
            Self::NoCommonSuite => "no_common_suite",
            Self::NoCommonGroup => "no_common_group",
            Self::SuiteMismatch => "suite_mismatch",
            Self::TooManyKeyShares => "too_many_key_shares",
            Self::KeyShareMismatch => "key_share_mismatch",
            Self::EarlyDataAfterHrr => "early_data_after_hrr",
            Self::VersionMismatch => "version_mismatch",
            Self::SecondHrrNeeded => "second_hrr_needed",
            Self::CookieForAnotherHello => "cookie_for_another_hello",
            Self::Tls13NotOffered => "tls13_not_offered",
            Self::UnexpectedRecord => "unexpected_record",
            Self::StreamBufferFull => "stream_buffer_full",
            Self::StreamFinished => "stream_finished",
        }
    }
}
