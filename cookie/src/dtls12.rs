//! DTLS 1.2 HelloVerifyRequest cookies (RFC 6347 section 4.2.1).

use crate::jar::{MacTail, split_tag};
use crate::layout::{self, DTLS12_COOKIE_LEN, FORMAT_DTLS12, HEADER_LEN, Kind};
use crate::time;
use crate::{CookieError, CookieJar, SealError};
use core::net::SocketAddr;
use core::time::Duration;

/// The ClientHello fields RFC 6347 makes a client repeat in its second ClientHello, which a
/// DTLS 1.2 cookie binds. They are MAC input, not cookie content: the cookie stays 32 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dtls12Fields<'a> {
    /// `client_version` (e.g. `0xfefd` for DTLS 1.2).
    pub client_version: u16,
    /// `random`.
    pub random: &'a [u8; 32],
    /// `session_id` (the vector's body, without its length byte).
    pub session_id: &'a [u8],
    /// `cipher_suites` (the vector's body as on the wire, without its length).
    pub cipher_suites: &'a [u8],
    /// `compression_methods` (the vector's body, without its length byte).
    pub compression_methods: &'a [u8],
}

/// A DTLS 1.2 cookie that verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dtls12Cookie {
    /// When it was issued (time since the UNIX epoch, millisecond resolution).
    pub issued_at: Duration,
    /// How old it was when opened (zero if issued slightly in the future, within tolerance).
    pub age: Duration,
    /// The key id it carried.
    pub key_id: u8,
}

/// Length of the fixed part of the fields' MAC input: version, random, three lengths.
const FIXED_LEN: usize = 2 + 32 + 4 + 4 + 4;

impl<'a> Dtls12Fields<'a> {
    /// The fields as MAC input: `client_version`, `random`, the lengths of `session_id`,
    /// `cipher_suites` and `compression_methods` as 4 bytes each (so no two ways to split the
    /// bytes give the same input), then those three fields. `None` only for a field of 4 GiB
    /// or more.
    fn mac_parts(&self) -> Option<([u8; FIXED_LEN], [&'a [u8]; 3])> {
        let sid = u32::try_from(self.session_id.len()).ok()?.to_be_bytes();
        let cs = u32::try_from(self.cipher_suites.len()).ok()?.to_be_bytes();
        let comp = u32::try_from(self.compression_methods.len())
            .ok()?
            .to_be_bytes();
        let mut fixed = [0u8; FIXED_LEN];
        let (version, rest) = fixed.split_at_mut(2);
        version.copy_from_slice(&self.client_version.to_be_bytes());
        let (random, rest) = rest.split_at_mut(32);
        random.copy_from_slice(self.random);
        let (l1, rest) = rest.split_at_mut(4);
        l1.copy_from_slice(&sid);
        let (l2, l3) = rest.split_at_mut(4);
        l2.copy_from_slice(&cs);
        l3.copy_from_slice(&comp);
        Some((
            fixed,
            [
                self.session_id,
                self.cipher_suites,
                self.compression_methods,
            ],
        ))
    }
}

impl CookieJar {
    /// Seals a HelloVerifyRequest cookie for `peer` at `now`, binding `fields`, into `out`.
    /// Returns the cookie's length, always [`DTLS12_COOKIE_LEN`].
    ///
    /// # Errors
    /// [`SealError::BufferTooSmall`] when `out` is shorter than [`DTLS12_COOKIE_LEN`];
    /// [`SealError::FieldTooLong`] for a field of 4 GiB or more.
    pub fn seal_dtls12(
        &self,
        now: Duration,
        peer: SocketAddr,
        fields: &Dtls12Fields<'_>,
        out: &mut [u8],
    ) -> Result<usize, SealError> {
        let out = out
            .get_mut(..DTLS12_COOKIE_LEN)
            .ok_or(SealError::BufferTooSmall {
                needed: DTLS12_COOKIE_LEN,
            })?;
        let (body, tag) = out.split_at_mut(HEADER_LEN);
        let (fixed, variable) = fields.mac_parts().ok_or(SealError::FieldTooLong)?;
        let tail = MacTail {
            fixed: &fixed,
            variable: &variable,
        };
        self.seal_with(now, peer, FORMAT_DTLS12, body, tag, &tail)?;
        Ok(DTLS12_COOKIE_LEN)
    }

    /// Opens a HelloVerifyRequest cookie that `peer` returned at `now` in a ClientHello with
    /// `fields`.
    ///
    /// # Errors
    /// Any [`CookieError`] but a HelloRetryRequest cookie's protocol mismatch: a cookie of the
    /// HelloRetryRequest layout is [`CookieError::WrongProtocol`].
    pub fn open_dtls12(
        &self,
        now: Duration,
        peer: SocketAddr,
        fields: &Dtls12Fields<'_>,
        cookie: &[u8],
    ) -> Result<Dtls12Cookie, CookieError> {
        match layout::kind(cookie)? {
            Kind::Dtls12 => {}
            Kind::Hrr => return Err(CookieError::WrongProtocol),
        }
        if cookie.len() != DTLS12_COOKIE_LEN {
            return Err(CookieError::Malformed);
        }
        let (body, tag) = split_tag(cookie, HEADER_LEN)?;
        let now_ms = time::millis(now);
        let (fixed, variable) = fields.mac_parts().ok_or(CookieError::Malformed)?;
        let tail = MacTail {
            fixed: &fixed,
            variable: &variable,
        };
        let header = self.open_with(now_ms, peer, body, tag, &tail)?;
        let fresh = self.freshness(now_ms, &header)?;
        Ok(Dtls12Cookie {
            issued_at: fresh.issued_at,
            age: fresh.age,
            key_id: header.key_id,
        })
    }
}
