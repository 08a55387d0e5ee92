//! The ClientHello fields a cookie binds: the ones a client must repeat in ClientHello2.
//!
//! They are MAC input, never cookie content, so a cookie stays small whatever the client sent.
//! RFC 6347 section 4.2.1 makes a DTLS 1.2 client repeat version, random, session_id,
//! cipher_suites and compression_methods; RFC 8446 section 4.1.2 makes a TLS 1.3 client send
//! "the same ClientHello" except for key_share, early_data, cookie, pre_shared_key and padding,
//! so the same five fields bind a HelloRetryRequest cookie too (plus, after a cookie-only HRR,
//! the groups of the client's unchanged key shares).

use crate::SealError;
use crate::jar::MacInput;

/// The ClientHello fields a cookie binds, borrowed from the ClientHello.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HelloFields<'a> {
    /// `client_version` / `legacy_version` (e.g. `0xfefd` for DTLS 1.2).
    pub client_version: u16,
    /// `random`.
    pub random: &'a [u8; 32],
    /// `session_id` / `legacy_session_id` (the vector's body, without its length byte).
    pub session_id: &'a [u8],
    /// `cipher_suites` (the vector's body as on the wire, without its length).
    pub cipher_suites: &'a [u8],
    /// `compression_methods` (the vector's body, without its length byte).
    pub compression_methods: &'a [u8],
}

/// The fields before cipher_suites: what a DTLS 1.2 ClientHello's first fragment may be all a
/// server gets to see (a first fragment that ends before cipher_suites).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HelloPrefix<'a> {
    /// `client_version`.
    pub client_version: u16,
    /// `random`.
    pub random: &'a [u8; 32],
    /// `session_id` (without its length byte).
    pub session_id: &'a [u8],
}

impl<'a> HelloFields<'a> {
    /// The fields before cipher_suites.
    pub const fn prefix(&self) -> HelloPrefix<'a> {
        HelloPrefix {
            client_version: self.client_version,
            random: self.random,
            session_id: self.session_id,
        }
    }

    /// `Err` unless every vector fits the length prefix it has on the wire (which every
    /// ClientHello's fields do).
    pub(crate) fn check(&self) -> Result<(), SealError> {
        self.prefix().check()?;
        if self.cipher_suites.len() > usize::from(u16::MAX)
            || self.compression_methods.len() > usize::from(u8::MAX)
        {
            return Err(SealError::FieldTooLong);
        }
        Ok(())
    }

    /// Feeds the fields in their wire form: the prefix, then cipher_suites with its two-byte
    /// length and compression_methods with its one-byte length. Lengths are the wire's own, so
    /// no two ways of splitting the bytes give one input; [`check`](Self::check) (on sealing)
    /// or the caller's parser (on opening) keeps them in range, and a field out of range only
    /// makes the MAC differ.
    pub(crate) fn feed(&self, m: &mut MacInput<'_>) {
        self.prefix().feed(m);
        m.u16(u16::try_from(self.cipher_suites.len()).unwrap_or(u16::MAX));
        m.put(self.cipher_suites);
        m.u8(u8::try_from(self.compression_methods.len()).unwrap_or(u8::MAX));
        m.put(self.compression_methods);
    }
}

impl HelloPrefix<'_> {
    pub(crate) fn check(&self) -> Result<(), SealError> {
        if self.session_id.len() > usize::from(u8::MAX) {
            return Err(SealError::FieldTooLong);
        }
        Ok(())
    }

    /// client_version, random, then session_id with its one-byte length.
    pub(crate) fn feed(&self, m: &mut MacInput<'_>) {
        m.u16(self.client_version);
        m.put(self.random);
        m.u8(u8::try_from(self.session_id.len()).unwrap_or(u8::MAX));
        m.put(self.session_id);
    }
}
