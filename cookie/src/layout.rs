//! The cookies' byte layouts (version 1). Every multi-byte integer is big-endian.
//!
//! Both kinds start with the same 7-byte header:
//!
//! | offset | len | field | why |
//! |---|---|---|---|
//! | 0 | 1 | format: `0x1K`, layout version 1 in the high nibble, kind `K` in the low one: 1 = DTLS 1.2 HelloVerifyRequest, 4 = DTLS 1.2 HelloVerifyRequest for a first fragment (binds only the fields before cipher_suites), 2 = TLS 1.3 HelloRetryRequest, 3 = DTLS 1.3 HelloRetryRequest | lets a future layout be told apart ([`UnknownVersion`](crate::CookieError::UnknownVersion)), names the protocol so a verified cookie for the other one is reported as [`WrongProtocol`](crate::CookieError::WrongProtocol), and tells opening which fields the MAC binds |
//! | 1 | 1 | key id: the epoch's low byte, or the operator key id | picks the verifying key without trial MACs |
//! | 2 | 4 | issue time, milliseconds since the UNIX epoch modulo 2^32 | freshness; see the crate README for the wrap rule |
//! | 6 | 1 | peer hint: XOR of the binding byte and the bound address bytes | turns a MAC failure into [`WrongPeer`](crate::CookieError::WrongPeer) when it names another address |
//!
//! DTLS 1.2 (HelloVerifyRequest), [`DTLS12_COOKIE_LEN`] = 32 bytes, the most wolfSSL clients keep:
//!
//! | offset | len | field |
//! |---|---|---|
//! | 0 | 7 | header |
//! | 7 | 25 | tag: HMAC-SHA256 truncated to 200 bits |
//!
//! TLS 1.3 / DTLS 1.3 (HelloRetryRequest cookie extension), [`hrr_cookie_len`]`(h)` = 28 + h
//! bytes: 60 with SHA-256, 76 with SHA-384:
//!
//! | offset | len | field |
//! |---|---|---|
//! | 0 | 7 | header |
//! | 7 | 1 | flags: bit 0 = the HelloRetryRequest carried a key_share, bit 1 = the hash is SHA-384 (48 bytes, else SHA-256, 32 bytes); the other bits are zero |
//! | 8 | 2 | selected cipher suite |
//! | 10 | 2 | selected group |
//! | 12 | h | Hash(ClientHello1), 32 or 48 bytes |
//! | 12 + h | 16 | tag: HMAC-SHA256 truncated to 128 bits |
//!
//! Hash(ClientHello1) travels so a stateless server can rebuild the transcript (RFC 8446 4.4.1);
//! it is a one-way digest, so the cookie does not let anyone rebuild ClientHello1 itself.
//!
//! MAC input, for every kind, in this order:
//!
//! 1. the cookie up to the tag;
//! 2. the binding byte: bit 0 set for IP-only binding, bit 1 set for an IPv6 address;
//! 3. the bound address: 4 bytes for IPv4 (and IPv4-mapped IPv6), 16 for IPv6, then the port
//!    (2 bytes; zero with IP-only binding);
//! 4. the issue time's era: bits 32..48 of its milliseconds (2 bytes), which the 32-bit stamp
//!    drops, so a cookie from a wrap (~49.7 days) ago fails its MAC;
//! 5. the ClientHello fields ClientHello2 must repeat, in their wire form: client_version (2),
//!    random (32), session_id with its 1-byte length, and, except for kind 4,
//!    cipher_suites with its 2-byte length and compression_methods with its 1-byte length;
//! 6. for a HelloRetryRequest cookie whose flags say the HRR carried no key_share: the number of
//!    the client's key shares (2 bytes), then each share's group (2 bytes), in the client's order.
//!
//! With an IPv4 peer, OpenSSL's DTLS 1.2 ClientHello1 gives a 111-byte MAC input: two SHA-256
//! blocks after the precomputed key schedule, plus one for the outer hash.

use crate::CookieError;

/// The layout version in a cookie's first byte (high nibble).
const LAYOUT_V1: u8 = 0x10;
/// Format byte of a DTLS 1.2 HelloVerifyRequest cookie.
pub(crate) const FORMAT_DTLS12: u8 = LAYOUT_V1 | 0x1;
/// Format byte of a DTLS 1.2 HelloVerifyRequest cookie that binds only the fields before
/// cipher_suites.
pub(crate) const FORMAT_DTLS12_PREFIX: u8 = LAYOUT_V1 | 0x4;
/// Format byte of a TLS 1.3 HelloRetryRequest cookie.
pub(crate) const FORMAT_TLS13: u8 = LAYOUT_V1 | 0x2;
/// Format byte of a DTLS 1.3 HelloRetryRequest cookie.
pub(crate) const FORMAT_DTLS13: u8 = LAYOUT_V1 | 0x3;

/// Length of the common header.
pub(crate) const HEADER_LEN: usize = 7;

/// Total length of a DTLS 1.2 cookie.
pub const DTLS12_COOKIE_LEN: usize = 32;
/// Tag length of a DTLS 1.2 cookie: whatever the 32 bytes leave after the header.
pub(crate) const DTLS12_TAG_LEN: usize = DTLS12_COOKIE_LEN - HEADER_LEN;

/// Offset of the HelloRetryRequest flags byte.
pub(crate) const HRR_FLAGS_AT: usize = 7;
/// Offset of the HelloRetryRequest cipher suite.
pub(crate) const HRR_SUITE_AT: usize = 8;
/// Offset of the HelloRetryRequest group.
pub(crate) const HRR_GROUP_AT: usize = 10;
/// Offset of Hash(ClientHello1).
pub(crate) const HRR_HASH_AT: usize = 12;
/// Tag length of a HelloRetryRequest cookie: the 128-bit minimum, to keep the HRR small.
pub(crate) const HRR_TAG_LEN: usize = 16;
/// Flag: the HelloRetryRequest carried a key_share.
pub(crate) const FLAG_KEY_SHARE: u8 = 0x01;
/// Flag: Hash(ClientHello1) is SHA-384.
pub(crate) const FLAG_SHA384: u8 = 0x02;
/// SHA-256 output length.
pub(crate) const SHA256_LEN: usize = 32;
/// SHA-384 output length.
pub(crate) const SHA384_LEN: usize = 48;

/// Length of a HelloRetryRequest cookie carrying a `hash_len`-byte Hash(ClientHello1)
/// (32 for SHA-256 suites, 48 for SHA-384): `28 + hash_len`. For sizing buffers.
pub const fn hrr_cookie_len(hash_len: usize) -> usize {
    HRR_HASH_AT + hash_len + HRR_TAG_LEN
}

/// The longest HelloRetryRequest cookie (SHA-384): 76 bytes.
pub const HRR_COOKIE_MAX_LEN: usize = hrr_cookie_len(SHA384_LEN);

// The budgets, checked when the crate compiles: wolfSSL keeps at most 32 cookie bytes; the
// HelloRetryRequest cookie must fit 60 bytes with SHA-256 and 76 with SHA-384; tags are at least
// 128 bits.
const _: () = assert!(DTLS12_COOKIE_LEN <= 32);
const _: () = assert!(hrr_cookie_len(SHA256_LEN) <= 60 && HRR_COOKIE_MAX_LEN <= 76);
const _: () = assert!(DTLS12_TAG_LEN >= 16 && HRR_TAG_LEN >= 16);

/// What a cookie's first byte says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A HelloVerifyRequest cookie; `prefix_only` for one that binds only the fields before
    /// cipher_suites.
    Dtls12 {
        /// Kind 4.
        prefix_only: bool,
    },
    /// A HelloRetryRequest cookie (either protocol).
    Hrr,
}

/// Reads the first byte: [`CookieError::Malformed`] for an empty cookie,
/// [`CookieError::UnknownVersion`] for a layout this build does not know.
pub(crate) fn kind(cookie: &[u8]) -> Result<Kind, CookieError> {
    match cookie.first() {
        None => Err(CookieError::Malformed),
        Some(&FORMAT_DTLS12) => Ok(Kind::Dtls12 { prefix_only: false }),
        Some(&FORMAT_DTLS12_PREFIX) => Ok(Kind::Dtls12 { prefix_only: true }),
        Some(&FORMAT_TLS13) | Some(&FORMAT_DTLS13) => Ok(Kind::Hrr),
        Some(_) => Err(CookieError::UnknownVersion),
    }
}

/// The header fields, read from a cookie at least [`HEADER_LEN`] long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) format: u8,
    pub(crate) key_id: u8,
    pub(crate) stamp: u32,
    pub(crate) hint: u8,
}

impl Header {
    /// Reads the header; `None` if the cookie is shorter than it.
    pub(crate) fn read(cookie: &[u8]) -> Option<Self> {
        let h: &[u8; HEADER_LEN] = cookie.get(..HEADER_LEN)?.try_into().ok()?;
        let [format, key_id, t0, t1, t2, t3, hint] = *h;
        Some(Self {
            format,
            key_id,
            stamp: u32::from_be_bytes([t0, t1, t2, t3]),
            hint,
        })
    }

    /// The header's wire bytes.
    pub(crate) fn bytes(&self) -> [u8; HEADER_LEN] {
        let [t0, t1, t2, t3] = self.stamp.to_be_bytes();
        [self.format, self.key_id, t0, t1, t2, t3, self.hint]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrr_length_formula() {
        // 7 header + 1 flags + 2 suite + 2 group + hash + 16 tag.
        assert_eq!(hrr_cookie_len(32), 60);
        assert_eq!(hrr_cookie_len(48), 76);
    }

    #[test]
    fn header_round_trips() {
        let h = Header {
            format: FORMAT_TLS13,
            key_id: 0xa5,
            stamp: 0x0102_0304,
            hint: 0x77,
        };
        assert_eq!(h.bytes(), [0x12, 0xa5, 1, 2, 3, 4, 0x77]);
        assert_eq!(Header::read(&h.bytes()), Some(h));
        assert_eq!(Header::read(&h.bytes()[..6]), None);
    }

    #[test]
    fn kinds() {
        assert_eq!(kind(&[]), Err(CookieError::Malformed));
        assert_eq!(kind(&[0x11]), Ok(Kind::Dtls12 { prefix_only: false }));
        assert_eq!(kind(&[0x14]), Ok(Kind::Dtls12 { prefix_only: true }));
        assert_eq!(kind(&[0x12, 0]), Ok(Kind::Hrr));
        assert_eq!(kind(&[0x13]), Ok(Kind::Hrr));
        assert_eq!(kind(&[0x15]), Err(CookieError::UnknownVersion));
        assert_eq!(kind(&[0x21]), Err(CookieError::UnknownVersion));
        assert_eq!(kind(&[0x00]), Err(CookieError::UnknownVersion));
    }
}
