//! DTLS 1.2 HelloVerifyRequest cookies (RFC 6347 section 4.2.1).

use crate::fields::{HelloFields, HelloPrefix};
use crate::jar::split_tag;
use crate::layout::{
    self, DTLS12_COOKIE_LEN, FORMAT_DTLS12, FORMAT_DTLS12_PREFIX, HEADER_LEN, Kind,
};
use crate::time;
use crate::{CookieError, CookieJar, SealError};
use core::net::SocketAddr;
use core::time::Duration;

/// A DTLS 1.2 cookie that verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dtls12Cookie {
    /// When it was issued (time since the UNIX epoch, millisecond resolution).
    pub issued_at: Duration,
    /// How old it was when opened (zero if issued slightly in the future, within tolerance).
    pub age: Duration,
    /// The key id it carried.
    pub key_id: u8,
    /// True when it binds only the fields before cipher_suites (it was sealed for a first
    /// fragment that ended there, with [`CookieJar::seal_dtls12_prefix`]).
    pub prefix_only: bool,
}

impl CookieJar {
    /// Seals a HelloVerifyRequest cookie for `peer` at `now`, binding `fields`, into `out`.
    /// Returns the cookie's length, always [`DTLS12_COOKIE_LEN`].
    ///
    /// # Errors
    /// [`SealError::BufferTooSmall`] when `out` is shorter than [`DTLS12_COOKIE_LEN`];
    /// [`SealError::FieldTooLong`] for a field longer than its wire length prefix allows.
    pub fn seal_dtls12(
        &self,
        now: Duration,
        peer: SocketAddr,
        fields: &HelloFields<'_>,
        out: &mut [u8],
    ) -> Result<usize, SealError> {
        fields.check()?;
        self.seal12(now, peer, FORMAT_DTLS12, out, |m| fields.feed(m))
    }

    /// Seals a HelloVerifyRequest cookie that binds only the fields before cipher_suites, for
    /// a ClientHello whose first fragment ends before them. The format byte says so, and the
    /// MAC covers the format byte, so opening knows which fields to bind without trying both.
    ///
    /// # Errors
    /// As [`seal_dtls12`](Self::seal_dtls12).
    pub fn seal_dtls12_prefix(
        &self,
        now: Duration,
        peer: SocketAddr,
        prefix: &HelloPrefix<'_>,
        out: &mut [u8],
    ) -> Result<usize, SealError> {
        prefix.check()?;
        self.seal12(now, peer, FORMAT_DTLS12_PREFIX, out, |m| prefix.feed(m))
    }

    fn seal12(
        &self,
        now: Duration,
        peer: SocketAddr,
        format: u8,
        out: &mut [u8],
        bind: impl FnOnce(&mut crate::jar::MacInput<'_>),
    ) -> Result<usize, SealError> {
        let out = out
            .get_mut(..DTLS12_COOKIE_LEN)
            .ok_or(SealError::BufferTooSmall {
                needed: DTLS12_COOKIE_LEN,
            })?;
        let (body, tag) = out.split_at_mut(HEADER_LEN);
        self.seal_with(now, peer, format, body, tag, bind)?;
        Ok(DTLS12_COOKIE_LEN)
    }

    /// Opens a HelloVerifyRequest cookie that `peer` returned at `now` in a ClientHello with
    /// `fields`. Only a cookie that binds all of `fields` opens here: a first-fragment cookie
    /// (binding only the prefix) returned with a whole ClientHello would let its cipher_suites
    /// and compression_methods change unchecked, so it is refused
    /// ([`CookieError::PrefixOnly`]) and the client gets a new, whole cookie.
    ///
    /// # Errors
    /// Any [`CookieError`] but a HelloRetryRequest cookie's protocol mismatch: a cookie of the
    /// HelloRetryRequest layout is [`CookieError::WrongProtocol`]. Fields longer than their wire
    /// length prefix allows are [`CookieError::Malformed`].
    pub fn open_dtls12(
        &self,
        now: Duration,
        peer: SocketAddr,
        fields: &HelloFields<'_>,
        cookie: &[u8],
    ) -> Result<Dtls12Cookie, CookieError> {
        fields.check().map_err(|_| CookieError::Malformed)?;
        match layout::kind(cookie)? {
            Kind::Dtls12 { prefix_only: false } => self.open12(now, peer, cookie, false, |m| {
                fields.feed(m);
            }),
            Kind::Dtls12 { prefix_only: true } => Err(CookieError::PrefixOnly),
            Kind::Hrr => Err(CookieError::WrongProtocol),
        }
    }

    /// Opens a HelloVerifyRequest cookie returned in a first fragment that holds only the fields
    /// before cipher_suites.
    ///
    /// # Errors
    /// As [`open_dtls12`](Self::open_dtls12), and [`CookieError::FieldsMissing`] for a cookie
    /// that binds cipher_suites and compression_methods, which `prefix` lacks.
    pub fn open_dtls12_prefix(
        &self,
        now: Duration,
        peer: SocketAddr,
        prefix: &HelloPrefix<'_>,
        cookie: &[u8],
    ) -> Result<Dtls12Cookie, CookieError> {
        prefix.check().map_err(|_| CookieError::Malformed)?;
        match layout::kind(cookie)? {
            Kind::Dtls12 { prefix_only: true } => {
                self.open12(now, peer, cookie, true, |m| prefix.feed(m))
            }
            Kind::Dtls12 { prefix_only: false } => Err(CookieError::FieldsMissing),
            Kind::Hrr => Err(CookieError::WrongProtocol),
        }
    }

    fn open12(
        &self,
        now: Duration,
        peer: SocketAddr,
        cookie: &[u8],
        prefix_only: bool,
        bind: impl FnOnce(&mut crate::jar::MacInput<'_>),
    ) -> Result<Dtls12Cookie, CookieError> {
        if cookie.len() != DTLS12_COOKIE_LEN {
            return Err(CookieError::Malformed);
        }
        let (body, tag) = split_tag(cookie, HEADER_LEN)?;
        let now_ms = time::millis(now);
        let header = self.open_with(now_ms, peer, body, tag, bind)?;
        let fresh = self.freshness(now_ms, &header)?;
        Ok(Dtls12Cookie {
            issued_at: fresh.issued_at,
            age: fresh.age,
            key_id: header.key_id,
            prefix_only,
        })
    }
}
