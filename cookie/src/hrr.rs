//! TLS 1.3 and DTLS 1.3 HelloRetryRequest cookies (RFC 8446 section 4.2.2, RFC 9147).

use crate::fields::HelloFields;
use crate::jar::{MacInput, split_tag};
use crate::layout::{
    self, FLAG_KEY_SHARE, FLAG_SHA384, FORMAT_DTLS13, FORMAT_TLS13, HRR_FLAGS_AT, HRR_GROUP_AT,
    HRR_HASH_AT, HRR_SUITE_AT, Kind, SHA256_LEN, SHA384_LEN, hrr_cookie_len,
};
use crate::time;
use crate::{CookieError, CookieJar, SealError};
use core::net::SocketAddr;
use core::time::Duration;

/// Which protocol a HelloRetryRequest cookie is for. Bound by the cookie, so a TLS 1.3 cookie
/// cannot be spent in a DTLS 1.3 handshake or the reverse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HrrProtocol {
    /// TLS 1.3 over a stream.
    Tls13,
    /// DTLS 1.3 over datagrams.
    Dtls13,
}

impl HrrProtocol {
    fn format(self) -> u8 {
        match self {
            Self::Tls13 => FORMAT_TLS13,
            Self::Dtls13 => FORMAT_DTLS13,
        }
    }
}

/// What ClientHello2 must repeat of ClientHello1 (RFC 8446 section 4.1.2), bound by a
/// HelloRetryRequest cookie's MAC but not carried: sealed from ClientHello1, and given again
/// from ClientHello2 to open the cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HrrBinding<'a> {
    /// legacy_version, random, legacy_session_id, cipher_suites, legacy_compression_methods.
    pub hello: HelloFields<'a>,
    /// The groups of the client's key shares, in the client's order. Bound only when the
    /// HelloRetryRequest carries no key_share (a cookie-only HRR), after which the client must
    /// send its key shares unchanged; ignored after an HRR that selects a group, after which
    /// ClientHello2 holds one share for that group.
    pub key_share_groups: &'a [u16],
}

impl HrrBinding<'_> {
    fn check(&self) -> Result<(), SealError> {
        self.hello.check()?;
        if self.key_share_groups.len() > usize::from(u16::MAX) {
            return Err(SealError::FieldTooLong);
        }
        Ok(())
    }

    /// The hello fields, then, for a cookie-only HRR, the number of key share groups (u16)
    /// and each group.
    fn feed(&self, key_share_in_hrr: bool, m: &mut MacInput<'_>) {
        self.hello.feed(m);
        if !key_share_in_hrr {
            m.u16(u16::try_from(self.key_share_groups.len()).unwrap_or(u16::MAX));
            for g in self.key_share_groups {
                m.u16(*g);
            }
        }
    }
}

/// What a HelloRetryRequest cookie carries, what the server needs to rebuild the transcript
/// (`message_hash` of ClientHello1, then the HelloRetryRequest) when ClientHello2 comes back,
/// and what it binds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HrrParams<'a> {
    /// The cipher suite the HelloRetryRequest names.
    pub cipher_suite: u16,
    /// The group the HelloRetryRequest's key_share selects, or the one the server would pick.
    pub group: u16,
    /// Whether the HelloRetryRequest carried a key_share extension.
    pub key_share_in_hrr: bool,
    /// Hash(ClientHello1) with the suite's hash: 32 bytes (SHA-256) or 48 (SHA-384).
    pub ch1_hash: &'a [u8],
    /// ClientHello1's fields that ClientHello2 must repeat.
    pub binding: HrrBinding<'a>,
}

/// A HelloRetryRequest cookie that verified; owns its fields, no allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HrrCookie {
    /// The protocol it was issued for (the one it was opened for).
    pub protocol: HrrProtocol,
    /// The cipher suite the HelloRetryRequest named.
    pub cipher_suite: u16,
    /// The group the HelloRetryRequest selected.
    pub group: u16,
    /// Whether the HelloRetryRequest carried a key_share.
    pub key_share_in_hrr: bool,
    hash: [u8; SHA384_LEN],
    hash_len: usize,
    /// When it was issued (time since the UNIX epoch, millisecond resolution).
    pub issued_at: Duration,
    /// How old it was when opened (zero if issued slightly in the future, within tolerance).
    pub age: Duration,
    /// The key id it carried.
    pub key_id: u8,
}

impl HrrCookie {
    /// Hash(ClientHello1), 32 or 48 bytes, for the transcript's `message_hash` message.
    pub fn ch1_hash(&self) -> &[u8] {
        self.hash.get(..self.hash_len).unwrap_or(&self.hash)
    }
}

impl CookieJar {
    /// Seals a HelloRetryRequest cookie for `peer` at `now` into `out`; returns its length,
    /// [`hrr_cookie_len`]`(params.ch1_hash.len())`.
    ///
    /// # Errors
    /// [`SealError::BadHashLength`] unless `ch1_hash` is 32 or 48 bytes;
    /// [`SealError::BufferTooSmall`] when `out` is shorter than the cookie;
    /// [`SealError::FieldTooLong`] for a bound field longer than its wire length prefix allows.
    pub fn seal_hrr(
        &self,
        now: Duration,
        peer: SocketAddr,
        protocol: HrrProtocol,
        params: &HrrParams<'_>,
        out: &mut [u8],
    ) -> Result<usize, SealError> {
        params.binding.check()?;
        let hash_len = params.ch1_hash.len();
        let hash_flag = match hash_len {
            SHA256_LEN => 0,
            SHA384_LEN => FLAG_SHA384,
            len => return Err(SealError::BadHashLength { len }),
        };
        let needed = hrr_cookie_len(hash_len);
        let out = out
            .get_mut(..needed)
            .ok_or(SealError::BufferTooSmall { needed })?;
        let (body, tag) = out.split_at_mut(HRR_HASH_AT + hash_len);
        let (fixed, hash) = body.split_at_mut(HRR_HASH_AT);
        let [s0, s1] = params.cipher_suite.to_be_bytes();
        let [g0, g1] = params.group.to_be_bytes();
        let share_flag = if params.key_share_in_hrr {
            FLAG_KEY_SHARE
        } else {
            0
        };
        // The header (bytes 0..7) is written by `seal_with`.
        let params_at = fixed
            .get_mut(HRR_FLAGS_AT..)
            .ok_or(SealError::BufferTooSmall { needed })?;
        params_at.copy_from_slice(&[share_flag | hash_flag, s0, s1, g0, g1]);
        hash.copy_from_slice(params.ch1_hash);
        let binding = &params.binding;
        let in_hrr = params.key_share_in_hrr;
        self.seal_with(now, peer, protocol.format(), body, tag, |m| {
            binding.feed(in_hrr, m);
        })?;
        Ok(needed)
    }

    /// Opens a HelloRetryRequest cookie that `peer` returned at `now` in a `protocol`
    /// ClientHello2 whose fields are `binding`.
    ///
    /// # Errors
    /// Any [`CookieError`]. [`CookieError::WrongProtocol`] is reported after the MAC verified
    /// for a cookie issued for the other protocol, and from the first byte for a HelloVerifyRequest
    /// cookie. A ClientHello2 that changed a bound field fails the MAC
    /// ([`CookieError::BadMac`]).
    pub fn open_hrr(
        &self,
        now: Duration,
        peer: SocketAddr,
        protocol: HrrProtocol,
        binding: &HrrBinding<'_>,
        cookie: &[u8],
    ) -> Result<HrrCookie, CookieError> {
        binding.check().map_err(|_| CookieError::Malformed)?;
        match layout::kind(cookie)? {
            Kind::Hrr => {}
            Kind::Dtls12 { .. } => return Err(CookieError::WrongProtocol),
        }
        let flags = *cookie.get(HRR_FLAGS_AT).ok_or(CookieError::Malformed)?;
        if flags & !(FLAG_KEY_SHARE | FLAG_SHA384) != 0 {
            return Err(CookieError::Malformed);
        }
        let hash_len = if flags & FLAG_SHA384 != 0 {
            SHA384_LEN
        } else {
            SHA256_LEN
        };
        if cookie.len() != hrr_cookie_len(hash_len) {
            return Err(CookieError::Malformed);
        }
        let (body, tag) = split_tag(cookie, HRR_HASH_AT + hash_len)?;
        let now_ms = time::millis(now);
        let in_hrr = flags & FLAG_KEY_SHARE != 0;
        let header = self.open_with(now_ms, peer, body, tag, |m| binding.feed(in_hrr, m))?;
        // From here on the cookie's contents are authentic.
        if header.format != protocol.format() {
            return Err(CookieError::WrongProtocol);
        }
        let fresh = self.freshness(now_ms, &header)?;
        let field = |at: usize| -> Result<u16, CookieError> {
            match cookie.get(at..at + 2) {
                Some(&[a, b]) => Ok(u16::from_be_bytes([a, b])),
                _ => Err(CookieError::Malformed),
            }
        };
        let mut hash = [0u8; SHA384_LEN];
        let src = body.get(HRR_HASH_AT..).ok_or(CookieError::Malformed)?;
        hash.get_mut(..hash_len)
            .ok_or(CookieError::Malformed)?
            .copy_from_slice(src);
        Ok(HrrCookie {
            protocol,
            cipher_suite: field(HRR_SUITE_AT)?,
            group: field(HRR_GROUP_AT)?,
            key_share_in_hrr: in_hrr,
            hash,
            hash_len,
            issued_at: fresh.issued_at,
            age: fresh.age,
            key_id: header.key_id,
        })
    }
}
