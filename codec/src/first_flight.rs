//! A ClientHello read only as far as a stateless gate's challenge needs.
//!
//! A gate answers most ClientHello1s with a HelloVerifyRequest or HelloRetryRequest and
//! forgets them; the TLS stack only ever sees the ClientHello2 that returns the cookie, and
//! that one is parsed in full ([`ClientHello::parse`]) before it is handed on. For the
//! challenge itself, reading every extension's contents is wasted work: half the cost of an
//! HVR in a profile. The outline reads the fixed fields and splits the extensions block with
//! every framing rule the full parse applies (lengths, duplicates, nothing after
//! pre_shared_key), but reads the contents of only the extensions a challenge decides on:
//! supported_versions, supported_groups, key_share, cookie and early_data.
//!
//! What that leaves unchecked on ClientHello1 is checked on ClientHello2, which must repeat
//! ClientHello1 but for the changes RFC 8446 section 4.1.2 allows: a client whose
//! ClientHello1 has, say, a malformed ALPN list gets its challenge and then the alert its
//! ClientHello2 deserves. It costs such a client one round trip, and a gate nothing.

use crate::client_hello::{ClientHello, Flavor, read_body, read_prefix};
use crate::enums::{CipherSuite, ExtensionType, NamedGroup, ProtocolVersion};
use crate::error::DecodeError;
use crate::extensions::{ClientExtension, Extensions, parse_client_ext};
use crate::lists::{KeyShares, U16List};
use crate::reader::{Detailed, Fast, Mode, Reader, fast_then_detailed};

/// The fields of a ClientHello a stateless challenge decides on, with typed views of the
/// extensions it reads; see the [module docs](self).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientHelloOutline<'a> {
    /// TLS or DTLS form.
    pub flavor: Flavor,
    /// legacy_version (client_version).
    pub legacy_version: ProtocolVersion,
    /// random.
    pub random: &'a [u8; 32],
    /// legacy_session_id, 0 to 32 bytes.
    pub legacy_session_id: &'a [u8],
    /// DTLS only: the legacy cookie field.
    pub legacy_cookie: Option<&'a [u8]>,
    /// cipher_suites.
    pub cipher_suites: U16List<'a, CipherSuite>,
    /// legacy_compression_methods.
    pub legacy_compression_methods: &'a [u8],
    /// The extensions block, split and framing-checked; contents of extensions other than
    /// the five below are unread.
    pub extensions: Option<Extensions<'a>>,
    /// supported_versions.
    pub supported_versions: Option<U16List<'a, ProtocolVersion>>,
    /// supported_groups.
    pub supported_groups: Option<U16List<'a, NamedGroup>>,
    /// key_share client_shares.
    pub key_shares: Option<KeyShares<'a>>,
    /// The cookie extension's cookie.
    pub cookie: Option<&'a [u8]>,
    /// early_data is present.
    pub early_data: bool,
}

impl<'a> ClientHelloOutline<'a> {
    /// Reads the outline of a ClientHello body (the handshake message body, without its
    /// header). Offsets in errors count from the start of `body`.
    pub fn parse(body: &'a [u8], flavor: Flavor) -> Result<Self, DecodeError> {
        fast_then_detailed(
            || Self::parse_in::<Fast>(body, flavor),
            || Self::parse_in::<Detailed>(body, flavor),
        )
    }

    #[inline]
    fn parse_in<M: Mode>(body: &'a [u8], flavor: Flavor) -> Result<Self, M::Error> {
        let mut supported_versions = None;
        let mut supported_groups = None;
        let mut key_shares = None;
        let mut cookie = None;
        let mut early_data = false;
        let b = read_body::<M>(body, flavor, |ext| {
            if !matches!(
                ext.extension_type,
                ExtensionType::SUPPORTED_VERSIONS
                    | ExtensionType::SUPPORTED_GROUPS
                    | ExtensionType::KEY_SHARE
                    | ExtensionType::COOKIE
                    | ExtensionType::EARLY_DATA
            ) {
                return Ok(());
            }
            match parse_client_ext::<M>(ext.extension_type, ext.data, ext.offset + 4)? {
                ClientExtension::SupportedVersions(v) => supported_versions = Some(v),
                ClientExtension::SupportedGroups(g) => supported_groups = Some(g),
                ClientExtension::KeyShare(s) => key_shares = Some(s),
                ClientExtension::Cookie(c) => cookie = Some(c),
                ClientExtension::EarlyData => early_data = true,
                _ => {}
            }
            Ok(())
        })?;
        Ok(Self {
            flavor,
            legacy_version: b.prefix.legacy_version,
            random: b.prefix.random,
            legacy_session_id: b.prefix.legacy_session_id,
            legacy_cookie: b.prefix.legacy_cookie,
            cipher_suites: U16List::new(b.cipher_suites),
            legacy_compression_methods: b.legacy_compression_methods,
            extensions: b.extensions,
            supported_versions,
            supported_groups,
            key_shares,
            cookie,
            early_data,
        })
    }

    /// The versions the client offers: supported_versions if present, else what
    /// legacy_version offers ([`ProtocolVersion::legacy_offer`]: never (D)TLS 1.3).
    #[inline]
    pub fn offers_version(&self, v: ProtocolVersion) -> bool {
        offers(self.supported_versions, self.legacy_version, v)
    }

    /// True when the ClientHello returns a cookie: a non-empty DTLS legacy cookie, or the
    /// cookie extension.
    #[inline]
    pub fn returns_cookie(&self) -> bool {
        self.cookie.is_some() || self.legacy_cookie.is_some_and(|c| !c.is_empty())
    }
}

/// Whether a ClientHello with these supported_versions and legacy_version offers `v`.
#[inline]
pub(crate) fn offers(
    supported_versions: Option<U16List<'_, ProtocolVersion>>,
    legacy_version: ProtocolVersion,
    v: ProtocolVersion,
) -> bool {
    match supported_versions {
        Some(list) => list.contains(v),
        None => legacy_version.legacy_offer() == v,
    }
}

/// True when a DTLS ClientHello body carries a non-empty legacy cookie (a DTLS 1.2
/// ClientHello2): read from the fields before the cipher suites, so a gate can send such a
/// ClientHello straight to the full parse it needs. False for anything that does not even
/// hold those fields; the parse then reports why.
pub fn dtls_returns_legacy_cookie(body: &[u8]) -> bool {
    let mut r = Reader::<Fast>::new(body);
    read_prefix(&mut r, Flavor::Dtls).is_ok_and(|p| p.legacy_cookie.is_some_and(|c| !c.is_empty()))
}

impl<'a> ClientHello<'a> {
    /// The outline view of a fully parsed ClientHello: the same fields
    /// [`ClientHelloOutline::parse`] gives for the same bytes.
    pub fn outline(&self) -> ClientHelloOutline<'a> {
        ClientHelloOutline {
            flavor: self.flavor,
            legacy_version: self.legacy_version,
            random: self.random,
            legacy_session_id: self.legacy_session_id,
            legacy_cookie: self.legacy_cookie,
            cipher_suites: self.cipher_suites,
            legacy_compression_methods: self.legacy_compression_methods,
            extensions: self.extensions,
            supported_versions: self.known.supported_versions,
            supported_groups: self.known.supported_groups,
            key_shares: self.known.key_shares,
            cookie: self.known.cookie,
            early_data: self.known.early_data,
        }
    }
}
