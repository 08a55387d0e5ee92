//! DTLS 1.2 HelloVerifyRequest cookies (RFC 6347 section 4.2.1).

use crate::jar::split_tag;
use crate::layout::{self, DTLS12_COOKIE_LEN, FORMAT_DTLS12, HEADER_LEN, Kind};
use crate::mac::{self, HmacSha256};
use crate::peer;
use crate::{CookieError, CookieJar, SealError};
use core::net::SocketAddr;
use core::time::Duration;
use hmac::Mac;

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

impl Dtls12Fields<'_> {
    /// Feeds the fields to the MAC, each variable-length one behind a 4-byte length.
    /// Fails only for a field of 4 GiB or more.
    fn absorb(&self, mac: &mut HmacSha256) -> Option<()> {
        let sid = u32::try_from(self.session_id.len()).ok()?;
        let cs = u32::try_from(self.cipher_suites.len()).ok()?;
        let comp = u32::try_from(self.compression_methods.len()).ok()?;
        mac.update(&self.client_version.to_be_bytes());
        mac.update(self.random);
        mac.update(&sid.to_be_bytes());
        mac.update(self.session_id);
        mac.update(&cs.to_be_bytes());
        mac.update(self.cipher_suites);
        mac.update(&comp.to_be_bytes());
        mac.update(self.compression_methods);
        Some(())
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
        let (header, key, bound) = self.begin_seal(now, peer, FORMAT_DTLS12);
        let (body, tag) = out.split_at_mut(HEADER_LEN);
        body.copy_from_slice(&header.bytes());
        let mut m = self.mac_start(&key, body, &bound);
        fields.absorb(&mut m).ok_or(SealError::FieldTooLong)?;
        mac::finish_into(m, tag);
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
        let (now_ms, header, key) = self.begin_open(now, cookie)?;
        let bound = peer::normalise(peer, self.config.binding());
        let mut m = self.mac_start(&key, body, &bound);
        fields.absorb(&mut m).ok_or(CookieError::Malformed)?;
        Self::check_mac(m, tag, &header, &bound)?;
        let fresh = self.freshness(now_ms, &header)?;
        Ok(Dtls12Cookie {
            issued_at: fresh.issued_at,
            age: fresh.age,
            key_id: header.key_id,
        })
    }
}
