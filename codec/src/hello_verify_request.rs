//! HelloVerifyRequest (RFC 6347 section 4.2.1): the DTLS 1.0/1.2 cookie exchange.

use crate::enums::{HandshakeType, ProtocolVersion};
use crate::error::{DecodeError, EncodeError};
use crate::handshake::{Body, Framing, write_framed};
use crate::reader::{Detailed, Reader};
use crate::writer::Writer;

/// The largest cookie a HelloVerifyRequest can carry (`opaque cookie<0..2^8-1>`).
pub const MAX_HVR_COOKIE_LEN: usize = 255;

/// A HelloVerifyRequest body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HelloVerifyRequest<'a> {
    /// server_version; RFC 6347 says servers send DTLS 1.0 (0xfeff) here whatever they
    /// negotiate, because the client has not yet told which version it will use.
    pub server_version: ProtocolVersion,
    /// The cookie the client must return.
    pub cookie: &'a [u8],
}

impl<'a> HelloVerifyRequest<'a> {
    /// Parses a HelloVerifyRequest body.
    pub fn parse(body: &'a [u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::<Detailed>::new(body);
        let server_version = ProtocolVersion(r.u16("server_version")?);
        let cookie = r.vec8("cookie", 0, MAX_HVR_COOKIE_LEN)?.bytes;
        r.finish("HelloVerifyRequest")?;
        Ok(Self {
            server_version,
            cookie,
        })
    }

    /// Encoded length with `framing`.
    pub fn encoded_len(&self, framing: Framing) -> usize {
        framing.overhead() + Body::body_len(self)
    }

    /// Writes the message with `framing`. A cookie over 255 bytes
    /// ([`MAX_HVR_COOKIE_LEN`]) is refused with `TooLong`, whatever the buffer's size.
    pub fn write(&self, framing: Framing, out: &mut [u8]) -> Result<usize, EncodeError> {
        if self.cookie.len() > MAX_HVR_COOKIE_LEN {
            return Err(EncodeError::TooLong { field: "cookie" });
        }
        write_framed(self, framing, out)
    }
}

impl Body for HelloVerifyRequest<'_> {
    fn msg_type(&self) -> HandshakeType {
        HandshakeType::HELLO_VERIFY_REQUEST
    }

    fn body_len(&self) -> usize {
        3 + self.cookie.len()
    }

    fn put_body(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        w.u16(self.server_version.0)?;
        w.vec8("cookie", self.cookie)
    }
}
