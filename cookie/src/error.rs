//! Typed errors: why a cookie was refused, why sealing failed, why a key or config was refused.

use core::fmt;

/// Why a cookie did not verify.
///
/// The machine maps every variant to the protocol's rule (a new HelloVerifyRequest in DTLS 1.2,
/// `illegal_parameter` in TLS/DTLS 1.3); the variants exist so traces and counters can say *why*.
/// The checks run in this order, and the first failure is reported:
/// [`Malformed`](Self::Malformed) / [`UnknownVersion`](Self::UnknownVersion) /
/// [`FieldsMissing`](Self::FieldsMissing) / [`PrefixOnly`](Self::PrefixOnly) (structure),
/// [`UnknownKey`](Self::UnknownKey) (which key to use), the MAC ([`BadMac`](Self::BadMac) or
/// [`WrongPeer`](Self::WrongPeer)), then, only for a cookie whose MAC verified,
/// [`WrongProtocol`](Self::WrongProtocol), [`Expired`](Self::Expired) and
/// [`FromFuture`](Self::FromFuture).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CookieError {
    /// The cookie's length or a reserved bit does not fit the layout its first byte names.
    Malformed,
    /// The first byte names a layout this build does not know (a newer or foreign format).
    UnknownVersion,
    /// The key id names no key this ring verifies with: an epoch older than the previous one,
    /// one too far in the future, or an operator key that was retired or never installed.
    UnknownKey,
    /// The MAC does not verify and the cookie's peer hint matches this peer: a forged or
    /// corrupted cookie, or one bound to different ClientHello fields.
    BadMac,
    /// The MAC does not verify for this peer and the cookie's clear peer hint names another
    /// address: typically a NAT that rebound the client's port between ClientHello 1 and 2
    /// (consider [`AddressBinding::IpOnly`](crate::AddressBinding::IpOnly)), or a cookie replayed
    /// from elsewhere. Like [`BadMac`](Self::BadMac) it is a MAC failure, and the hint is not
    /// authenticated when the MAC fails: treat it as a diagnosis, not a proof.
    WrongPeer,
    /// The MAC verified, but the cookie was issued for another protocol (TLS 1.3 vs DTLS 1.3),
    /// or its layout is the other kind (a HelloVerifyRequest cookie where a HelloRetryRequest
    /// cookie was expected, or the reverse; that case is read from the clear first byte, since
    /// the other kind's MAC inputs are not at hand).
    WrongProtocol,
    /// The cookie binds ClientHello fields the caller could not give: a HelloVerifyRequest
    /// cookie that binds cipher_suites and compression_methods, returned in a first fragment
    /// that ends before them. It cannot be checked; treat it like an invalid cookie.
    FieldsMissing,
    /// A first-fragment HelloVerifyRequest cookie (binding only the fields before
    /// cipher_suites) returned with a whole ClientHello, which must have all its repeated
    /// fields checked: treat it like an invalid cookie (a new HelloVerifyRequest).
    PrefixOnly,
    /// The MAC verified, but the cookie is older than the configured lifetime.
    Expired,
    /// The MAC verified, but the cookie's issue time is later than now plus the configured
    /// clock-skew tolerance (a fleet node's clock runs ahead, or this node's clock jumped back).
    FromFuture,
}

impl fmt::Display for CookieError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Malformed => "malformed cookie",
            Self::UnknownVersion => "unknown cookie layout version",
            Self::UnknownKey => "cookie key unknown, retired or from a too old epoch",
            Self::BadMac => "cookie MAC does not verify",
            Self::WrongPeer => "cookie MAC does not verify: cookie names another peer",
            Self::WrongProtocol => "cookie issued for another protocol",
            Self::FieldsMissing => "cookie binds ClientHello fields that were not given",
            Self::PrefixOnly => "first-fragment cookie returned with a whole ClientHello",
            Self::Expired => "cookie expired",
            Self::FromFuture => "cookie issue time is in the future",
        })
    }
}

impl core::error::Error for CookieError {}

/// Why a cookie could not be sealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SealError {
    /// The output buffer is shorter than the cookie; `needed` is the cookie's length.
    BufferTooSmall {
        /// Bytes the cookie needs.
        needed: usize,
    },
    /// `ch1_hash` is neither 32 (SHA-256) nor 48 (SHA-384) bytes long.
    BadHashLength {
        /// The length that was given.
        len: usize,
    },
    /// A ClientHello field is longer than its length prefix on the wire allows (255 bytes of
    /// session_id or compression_methods, 65,535 of cipher_suites), which no ClientHello can
    /// carry.
    FieldTooLong,
}

impl fmt::Display for SealError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BufferTooSmall { needed } => {
                write!(f, "cookie buffer too small: {needed} bytes needed")
            }
            Self::BadHashLength { len } => {
                write!(f, "ClientHello1 hash must be 32 or 48 bytes, got {len}")
            }
            Self::FieldTooLong => f.write_str("ClientHello field too long"),
        }
    }
}

impl core::error::Error for SealError {}

/// Why a key ring refused a secret or an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyError {
    /// The secret is shorter than [`MIN_SECRET_LEN`](crate::MIN_SECRET_LEN) bytes.
    SecretTooShort {
        /// The length that was given.
        len: usize,
    },
    /// The rotation period is outside
    /// [`MIN_ROTATION_PERIOD`](crate::MIN_ROTATION_PERIOD)..=[`MAX_ROTATION_PERIOD`](crate::MAX_ROTATION_PERIOD).
    BadRotationPeriod,
    /// The operation needs operator-managed keys, but this ring derives its keys from a master
    /// secret (its epochs retire themselves).
    NotOperatorManaged,
    /// A key with this id is already installed.
    DuplicateKeyId(u8),
    /// No installed key has this id.
    NoSuchKey(u8),
    /// The ring already holds [`MAX_OPERATOR_KEYS`](crate::MAX_OPERATOR_KEYS) keys; retire one
    /// first.
    RingFull,
    /// The key seals new cookies; make another key the sealing key before retiring it.
    RetiringSealingKey(u8),
    /// [`KeyRing::from_keys`](crate::KeyRing::from_keys) was given no keys.
    NoKeys,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SecretTooShort { len } => write!(
                f,
                "cookie secret has {len} bytes, at least {} needed",
                crate::MIN_SECRET_LEN
            ),
            Self::BadRotationPeriod => f.write_str("rotation period out of range"),
            Self::NotOperatorManaged => {
                f.write_str("key ring derives its keys from a master secret")
            }
            Self::DuplicateKeyId(id) => write!(f, "key id {id} already installed"),
            Self::NoSuchKey(id) => write!(f, "no key with id {id}"),
            Self::RingFull => f.write_str("key ring full"),
            Self::RetiringSealingKey(id) => write!(f, "key {id} is the sealing key"),
            Self::NoKeys => f.write_str("no keys given"),
        }
    }
}

impl core::error::Error for KeyError {}

/// Why a [`CookieConfig`](crate::CookieConfig) or [`CookieJar`](crate::CookieJar) was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConfigError {
    /// The lifetime is zero or longer than [`MAX_LIFETIME`](crate::MAX_LIFETIME).
    BadLifetime,
    /// The future tolerance is longer than [`MAX_FUTURE_TOLERANCE`](crate::MAX_FUTURE_TOLERANCE).
    BadFutureTolerance,
    /// The key ring rotates faster than the lifetime or the future tolerance, so cookies that are
    /// still fresh would already be signed by a key the ring no longer accepts.
    RotationShorterThanLifetime,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::BadLifetime => "cookie lifetime out of range",
            Self::BadFutureTolerance => "cookie future tolerance out of range",
            Self::RotationShorterThanLifetime => {
                "key rotation period shorter than the cookie lifetime or future tolerance"
            }
        })
    }
}

impl core::error::Error for ConfigError {}
