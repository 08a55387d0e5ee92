//! ServerHello and HelloRetryRequest (RFC 8446 sections 4.1.3 and 4.1.4).
//!
//! A HelloRetryRequest is a ServerHello whose random is SHA-256("HelloRetryRequest"); the
//! same parser reads both and tells them apart by that value.

use crate::enums::{CipherSuite, ExtensionType, HandshakeType, NamedGroup, ProtocolVersion};
use crate::error::{DecodeError, EncodeError};
use crate::extensions::{Context, Extensions, parse_server_ext, put_extension, read_extensions};
use crate::handshake::{Body, Framing, write_framed};
use crate::reader::{Detailed, Reader};
use crate::writer::Writer;

/// The ServerHello.random that marks a HelloRetryRequest: SHA-256("HelloRetryRequest").
pub const HELLO_RETRY_REQUEST_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// The longest legacy_session_id (echo) the RFCs allow (`opaque legacy_session_id<0..32>`).
pub(crate) const MAX_SESSION_ID_LEN: usize = 32;

/// A parsed ServerHello or HelloRetryRequest body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerHello<'a> {
    /// legacy_version (0x0303 in TLS 1.3, 0xfefd in DTLS 1.3).
    pub legacy_version: ProtocolVersion,
    /// random.
    pub random: &'a [u8; 32],
    /// legacy_session_id_echo.
    pub legacy_session_id_echo: &'a [u8],
    /// cipher_suite.
    pub cipher_suite: CipherSuite,
    /// legacy_compression_method.
    pub legacy_compression_method: u8,
    /// Extensions; `None` when absent (pre-TLS 1.3 servers).
    pub extensions: Option<Extensions<'a>>,
}

impl<'a> ServerHello<'a> {
    /// Parses a ServerHello body. Every extension is validated in the form the message's
    /// random calls for (ServerHello or HelloRetryRequest).
    pub fn parse(body: &'a [u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::<Detailed>::new(body);
        let legacy_version = ProtocolVersion(r.u16("legacy_version")?);
        let random = r.array::<32>("random")?;
        let legacy_session_id_echo = r
            .vec8("legacy_session_id_echo", 0, MAX_SESSION_ID_LEN)?
            .bytes;
        let cipher_suite = CipherSuite(r.u16("cipher_suite")?);
        let legacy_compression_method = r.u8("legacy_compression_method")?;
        let ctx = if *random == HELLO_RETRY_REQUEST_RANDOM {
            Context::HelloRetryRequest
        } else {
            Context::ServerHello
        };
        let extensions = if r.is_empty() {
            None
        } else {
            let block = r.vec16("extensions", 0, usize::from(u16::MAX))?;
            Some(read_extensions(&r, block, false, |e| {
                parse_server_ext(ctx, e.extension_type, e.data, e.offset + 4).map(|_| ())
            })?)
        };
        r.finish("ServerHello")?;
        Ok(Self {
            legacy_version,
            random,
            legacy_session_id_echo,
            cipher_suite,
            legacy_compression_method,
            extensions,
        })
    }

    /// True for a HelloRetryRequest.
    pub fn is_hello_retry_request(&self) -> bool {
        *self.random == HELLO_RETRY_REQUEST_RANDOM
    }

    /// supported_versions' selected_version, if present.
    pub fn selected_version(&self) -> Option<ProtocolVersion> {
        let e = self.extensions?.get(ExtensionType::SUPPORTED_VERSIONS)?;
        let b = e.data.get(..2)?;
        Some(ProtocolVersion(u16::from_be_bytes([b[0], b[1]])))
    }

    /// A HelloRetryRequest's key_share selected_group, if present.
    pub fn selected_group(&self) -> Option<NamedGroup> {
        if !self.is_hello_retry_request() {
            return None;
        }
        let e = self.extensions?.get(ExtensionType::KEY_SHARE)?;
        let b = e.data.get(..2)?;
        Some(NamedGroup(u16::from_be_bytes([b[0], b[1]])))
    }

    /// The cookie extension's cookie, if present.
    pub fn cookie(&self) -> Option<&'a [u8]> {
        let e = self.extensions?.get(ExtensionType::COOKIE)?;
        e.data.get(2..)
    }

    /// Encoded length of the body.
    pub fn body_len(&self) -> usize {
        Body::body_len(self)
    }

    /// Writes the message with `framing`; byte for byte the input it was parsed from.
    ///
    /// The fields are public, so a caller can build a message its parser would refuse; the
    /// writer refuses it instead (`TooLong` naming the field, before the buffer is looked
    /// at): a legacy_session_id_echo over 32 bytes, or an extension that does not validate
    /// for this message's random (a ServerHello's extensions with the HelloRetryRequest
    /// random put in, whose key_share has another form, or a ClientHello's extensions).
    /// Checking the extensions costs one pass over them; this writer is for re-encoding
    /// and tests, not the per-datagram path ([`HelloRetryRequest`] is).
    pub fn write(&self, framing: Framing, out: &mut [u8]) -> Result<usize, EncodeError> {
        if self.legacy_session_id_echo.len() > MAX_SESSION_ID_LEN {
            return Err(EncodeError::TooLong {
                field: "legacy_session_id_echo",
            });
        }
        if let Some(exts) = self.extensions {
            let ctx = if self.is_hello_retry_request() {
                Context::HelloRetryRequest
            } else {
                Context::ServerHello
            };
            for e in exts.iter() {
                parse_server_ext(ctx, e.extension_type, e.data, 0)
                    .map_err(|err| EncodeError::TooLong { field: err.field })?;
            }
        }
        write_framed(self, framing, out)
    }
}

impl Body for ServerHello<'_> {
    fn msg_type(&self) -> HandshakeType {
        HandshakeType::SERVER_HELLO
    }

    fn body_len(&self) -> usize {
        2 + 32
            + 1
            + self.legacy_session_id_echo.len()
            + 2
            + 1
            + self.extensions.map_or(0, |e| 2 + e.as_bytes().len())
    }

    fn put_body(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        w.u16(self.legacy_version.0)?;
        w.bytes(self.random)?;
        w.vec8("legacy_session_id_echo", self.legacy_session_id_echo)?;
        w.u16(self.cipher_suite.0)?;
        w.u8(self.legacy_compression_method)?;
        if let Some(e) = self.extensions {
            w.vec16("extensions", e.as_bytes())?;
        }
        Ok(())
    }
}

/// The HelloRetryRequest a stateless server sends: what it must say and nothing else.
///
/// Extensions are written in the order supported_versions, key_share, cookie (the order
/// OpenSSL uses, which every client in the project's captures accepts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HelloRetryRequest<'a> {
    /// legacy_version: 0x0303 for TLS 1.3, 0xfefd for DTLS 1.3.
    pub legacy_version: ProtocolVersion,
    /// The client's legacy_session_id in TLS 1.3; empty in DTLS 1.3 (RFC 9147 section 5.3).
    pub legacy_session_id_echo: &'a [u8],
    /// The cipher suite the server will use.
    pub cipher_suite: CipherSuite,
    /// supported_versions: 0x0304 or 0xfefc.
    pub selected_version: ProtocolVersion,
    /// key_share selected_group, when the server needs a share for another group.
    pub selected_group: Option<NamedGroup>,
    /// The cookie, when the server is stateless.
    pub cookie: Option<&'a [u8]>,
}

impl HelloRetryRequest<'_> {
    /// Length of the extensions block's contents.
    fn extensions_len(&self) -> usize {
        6 + self.selected_group.map_or(0, |_| 6) + self.cookie.map_or(0, |c| 6 + c.len())
    }

    /// Encoded length with `framing`.
    pub fn encoded_len(&self, framing: Framing) -> usize {
        framing.overhead() + Body::body_len(self)
    }

    /// Writes the HelloRetryRequest with `framing` into `out`.
    ///
    /// What [`ServerHello::parse`] would refuse is refused here with `TooLong` naming the
    /// field, whatever the buffer's size: a legacy_session_id_echo over 32 bytes, an empty
    /// cookie (RFC 8446 section 4.2.2: `opaque cookie<1..2^16-1>`; leave `cookie` `None`
    /// to send none), a cookie too long for the extensions block's uint16 length, and
    /// (with TLS record framing) a message over the 2^14-byte record limit.
    pub fn write(&self, framing: Framing, out: &mut [u8]) -> Result<usize, EncodeError> {
        if self.legacy_session_id_echo.len() > MAX_SESSION_ID_LEN {
            return Err(EncodeError::TooLong {
                field: "legacy_session_id_echo",
            });
        }
        if self.cookie.is_some_and(<[u8]>::is_empty) {
            return Err(EncodeError::TooLong {
                field: "Cookie.cookie",
            });
        }
        // Bounds every inner length too: the cookie's own vector and its extension_data
        // are shorter than the block.
        crate::writer::len16("extensions", self.extensions_len())?;
        write_framed(self, framing, out)
    }
}

impl Body for HelloRetryRequest<'_> {
    fn msg_type(&self) -> HandshakeType {
        HandshakeType::SERVER_HELLO
    }

    fn body_len(&self) -> usize {
        2 + 32 + 1 + self.legacy_session_id_echo.len() + 2 + 1 + 2 + self.extensions_len()
    }

    fn put_body(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        w.u16(self.legacy_version.0)?;
        w.bytes(&HELLO_RETRY_REQUEST_RANDOM)?;
        w.vec8("legacy_session_id_echo", self.legacy_session_id_echo)?;
        w.u16(self.cipher_suite.0)?;
        w.u8(0)?;
        w.u16(crate::writer::len16("extensions", self.extensions_len())?)?;
        put_extension(
            w,
            ExtensionType::SUPPORTED_VERSIONS,
            &self.selected_version.0.to_be_bytes(),
        )?;
        if let Some(g) = self.selected_group {
            put_extension(w, ExtensionType::KEY_SHARE, &g.0.to_be_bytes())?;
        }
        if let Some(c) = self.cookie {
            w.u16(ExtensionType::COOKIE.0)?;
            w.u16(crate::writer::len16("Cookie", c.len() + 2)?)?;
            w.vec16("Cookie.cookie", c)?;
        }
        Ok(())
    }
}
