//! ClientHello, TLS and DTLS forms (RFC 8446 section 4.1.2, RFC 6347 section 4.2.1,
//! RFC 9147 section 5.3).
//!
//! One pass reads the fixed fields, splits the extensions, validates every known
//! extension's contents, and keeps typed views of the ones a stateless gate decides on,
//! so the gate never walks the bytes twice.

use crate::enums::{
    CipherSuite, ExtensionType, HandshakeType, NamedGroup, ProtocolVersion, SignatureScheme,
};
use crate::error::{DecodeError, DecodeErrorKind, EncodeError};
use crate::extensions::{ClientExtension, Extensions, parse_client_ext, read_extensions};
use crate::handshake::{Body, Framing, write_framed};
use crate::lists::{KeyShares, PreSharedKey, ProtocolNames, ServerNames, U16List};
use crate::reader::{Detailed, Fast, Mode, Reader, fast_then_detailed};
use crate::writer::Writer;

/// Which wire form a ClientHello has: DTLS adds the legacy cookie after the session id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flavor {
    /// TLS.
    Tls,
    /// DTLS 1.0, 1.2 and 1.3.
    Dtls,
}

/// Typed views of every extension the codec reads, found while parsing, so no caller has
/// to walk or re-parse the extensions block. Extensions of other types are only in
/// [`ClientHello::extensions`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KnownExtensions<'a> {
    /// supported_versions.
    pub supported_versions: Option<U16List<'a, ProtocolVersion>>,
    /// key_share client_shares.
    pub key_shares: Option<KeyShares<'a>>,
    /// The cookie extension's cookie.
    pub cookie: Option<&'a [u8]>,
    /// supported_groups.
    pub supported_groups: Option<U16List<'a, NamedGroup>>,
    /// signature_algorithms.
    pub signature_algorithms: Option<U16List<'a, SignatureScheme>>,
    /// early_data is present.
    pub early_data: bool,
    /// pre_shared_key.
    pub pre_shared_key: Option<PreSharedKey<'a>>,
    /// psk_key_exchange_modes, raw mode bytes.
    pub psk_key_exchange_modes: Option<&'a [u8]>,
    /// renegotiation_info's renegotiated_connection.
    pub renegotiation_info: Option<&'a [u8]>,
    /// server_name.
    pub server_name: Option<ServerNames<'a>>,
    /// ALPN protocol names.
    pub alpn: Option<ProtocolNames<'a>>,
    /// padding: the length of its extension_data (contents unchecked, see
    /// [`ClientExtension::Padding`]).
    pub padding: Option<usize>,
    /// record_size_limit (RFC 8449), at least 64.
    pub record_size_limit: Option<u16>,
    /// session_ticket (RFC 5077): the ticket, empty when the client asks for a new one.
    pub session_ticket: Option<&'a [u8]>,
    /// extended_master_secret (RFC 7627) is present.
    pub extended_master_secret: bool,
    /// encrypt_then_mac (RFC 7366) is present.
    pub encrypt_then_mac: bool,
    /// ec_point_formats (RFC 8422), raw format bytes.
    pub ec_point_formats: Option<&'a [u8]>,
    /// signature_algorithms_cert (RFC 8446 section 4.2.3).
    pub signature_algorithms_cert: Option<U16List<'a, SignatureScheme>>,
}

/// A parsed ClientHello body, borrowing the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientHello<'a> {
    /// TLS or DTLS form.
    pub flavor: Flavor,
    /// legacy_version (client_version).
    pub legacy_version: ProtocolVersion,
    /// random.
    pub random: &'a [u8; 32],
    /// legacy_session_id, 0 to 32 bytes.
    pub legacy_session_id: &'a [u8],
    /// DTLS only: the legacy cookie field (RFC 6347's HelloVerifyRequest cookie).
    pub legacy_cookie: Option<&'a [u8]>,
    /// cipher_suites.
    pub cipher_suites: U16List<'a, CipherSuite>,
    /// legacy_compression_methods.
    pub legacy_compression_methods: &'a [u8],
    /// The extensions block; `None` when the message ends after the compression methods
    /// (legal for clients older than TLS 1.3).
    pub extensions: Option<Extensions<'a>>,
    /// Typed views of the extensions the gate decides on.
    pub known: KnownExtensions<'a>,
}

impl<'a> ClientHello<'a> {
    /// Parses a ClientHello body (the handshake message body, without its header).
    /// Offsets in errors count from the start of `body`.
    pub fn parse(body: &'a [u8], flavor: Flavor) -> Result<Self, DecodeError> {
        fast_then_detailed(
            || Self::parse_in::<Fast>(body, flavor),
            || Self::parse_in::<Detailed>(body, flavor),
        )
    }

    #[inline]
    fn parse_in<M: Mode>(body: &'a [u8], flavor: Flavor) -> Result<Self, M::Error> {
        let mut known = KnownExtensions::default();
        let b = read_body::<M>(body, flavor, |ext| {
            let data = parse_client_ext::<M>(ext.extension_type, ext.data, ext.offset + 4)?;
            note(&mut known, data);
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
            known,
        })
    }

    /// The versions the client offers: supported_versions if present, else what
    /// legacy_version offers ([`ProtocolVersion::legacy_offer`]: never (D)TLS 1.3).
    #[inline]
    pub fn offers_version(&self, v: ProtocolVersion) -> bool {
        crate::first_flight::offers(self.known.supported_versions, self.legacy_version, v)
    }

    /// True when the client signals RFC 5746 secure renegotiation, by the
    /// renegotiation_info extension or the TLS_EMPTY_RENEGOTIATION_INFO_SCSV suite.
    pub fn signals_secure_renegotiation(&self) -> bool {
        self.known.renegotiation_info.is_some()
            || self
                .cipher_suites
                .contains(CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV)
    }

    /// The extension of type `t`, if present.
    pub fn extension(&self, t: ExtensionType) -> Option<crate::extensions::Extension<'a>> {
        self.extensions.and_then(|e| e.get(t))
    }

    /// A writer holding this message's fields, to re-encode it or to build a variant
    /// (another cookie, other extensions).
    pub fn to_writer(&self) -> ClientHelloWriter<'a> {
        ClientHelloWriter {
            flavor: self.flavor,
            legacy_version: self.legacy_version,
            random: self.random,
            legacy_session_id: self.legacy_session_id,
            legacy_cookie: self.legacy_cookie,
            cipher_suites: self.cipher_suites.as_bytes(),
            legacy_compression_methods: self.legacy_compression_methods,
            extensions: self.extensions.map(|e| e.as_bytes()),
        }
    }

    /// Encoded length of the body alone.
    pub fn body_len(&self) -> usize {
        self.to_writer().body_len()
    }

    /// Writes the message with `framing`; byte for byte the input it was parsed from.
    pub fn write(&self, framing: Framing, out: &mut [u8]) -> Result<usize, EncodeError> {
        self.to_writer().write(framing, out)
    }
}

#[inline(always)]
fn note<'a>(k: &mut KnownExtensions<'a>, ext: ClientExtension<'a>) {
    match ext {
        ClientExtension::SupportedVersions(v) => k.supported_versions = Some(v),
        ClientExtension::KeyShare(s) => k.key_shares = Some(s),
        ClientExtension::Cookie(c) => k.cookie = Some(c),
        ClientExtension::SupportedGroups(g) => k.supported_groups = Some(g),
        ClientExtension::SignatureAlgorithms(s) => k.signature_algorithms = Some(s),
        ClientExtension::EarlyData => k.early_data = true,
        ClientExtension::PreSharedKey(p) => k.pre_shared_key = Some(p),
        ClientExtension::PskKeyExchangeModes(m) => k.psk_key_exchange_modes = Some(m),
        ClientExtension::RenegotiationInfo(r) => k.renegotiation_info = Some(r),
        ClientExtension::ServerName(s) => k.server_name = Some(s),
        ClientExtension::Alpn(a) => k.alpn = Some(a),
        ClientExtension::Padding(n) => k.padding = Some(n),
        ClientExtension::RecordSizeLimit(l) => k.record_size_limit = Some(l),
        ClientExtension::SessionTicket(t) => k.session_ticket = Some(t),
        ClientExtension::ExtendedMasterSecret => k.extended_master_secret = true,
        ClientExtension::EncryptThenMac => k.encrypt_then_mac = true,
        ClientExtension::EcPointFormats(f) => k.ec_point_formats = Some(f),
        ClientExtension::SignatureAlgorithmsCert(s) => k.signature_algorithms_cert = Some(s),
        ClientExtension::Other(_) => {}
    }
}

/// A ClientHello body's fixed fields and its validated extensions block: what the full
/// parse and the first-flight outline ([`crate::ClientHelloOutline`]) share.
pub(crate) struct BodyParts<'a> {
    pub(crate) prefix: Prefix<'a>,
    pub(crate) cipher_suites: &'a [u8],
    pub(crate) legacy_compression_methods: &'a [u8],
    pub(crate) extensions: Option<Extensions<'a>>,
}

/// Reads a ClientHello body: the fixed fields, then the extensions block, which is split and
/// checked (framing, duplicates, pre_shared_key last) while `each` reads what it wants of
/// every extension. Nothing may follow the block.
#[inline]
pub(crate) fn read_body<'a, M: Mode>(
    body: &'a [u8],
    flavor: Flavor,
    each: impl FnMut(crate::extensions::Extension<'a>) -> Result<(), M::Error>,
) -> Result<BodyParts<'a>, M::Error> {
    let mut r = Reader::<M>::new(body);
    let prefix = read_prefix(&mut r, flavor)?;
    let cipher_suites = read_cipher_suites(&mut r)?;
    let legacy_compression_methods = r.vec8("legacy_compression_methods", 1, 255)?.bytes;
    let extensions = if r.is_empty() {
        None
    } else {
        let block = r.vec16("extensions", 0, usize::from(u16::MAX))?;
        Some(read_extensions(&r, block, true, each)?)
    };
    r.finish("ClientHello")?;
    Ok(BodyParts {
        prefix,
        cipher_suites,
        legacy_compression_methods,
        extensions,
    })
}

/// The fields before cipher_suites, which every ClientHello fragment that a DTLS 1.2
/// gate can decide on must hold.
pub(crate) struct Prefix<'a> {
    pub(crate) legacy_version: ProtocolVersion,
    pub(crate) random: &'a [u8; 32],
    pub(crate) legacy_session_id: &'a [u8],
    pub(crate) legacy_cookie: Option<&'a [u8]>,
}

#[inline]
pub(crate) fn read_prefix<'a, M: Mode>(
    r: &mut Reader<'a, M>,
    flavor: Flavor,
) -> Result<Prefix<'a>, M::Error> {
    let legacy_version = ProtocolVersion(r.u16("legacy_version")?);
    let random = r.array::<32>("random")?;
    let legacy_session_id = r.vec8("legacy_session_id", 0, 32)?.bytes;
    let legacy_cookie = match flavor {
        Flavor::Tls => None,
        Flavor::Dtls => Some(r.vec8("legacy_cookie", 0, 255)?.bytes),
    };
    Ok(Prefix {
        legacy_version,
        random,
        legacy_session_id,
        legacy_cookie,
    })
}

#[inline]
fn read_cipher_suites<'a, M: Mode>(r: &mut Reader<'a, M>) -> Result<&'a [u8], M::Error> {
    let at = r.offset();
    let suites = r
        .vec16("cipher_suites", 2, usize::from(u16::MAX) - 1)?
        .bytes;
    if suites.len() % 2 != 0 {
        return Err(M::fail(at, "cipher_suites", DecodeErrorKind::BadLength));
    }
    Ok(suites)
}

/// The leading fields of a DTLS ClientHello read from a first fragment, for a gate that
/// decides before (or without) reassembly (RFC 6347 section 4.2.1: the cookie exchange
/// only needs what comes before the extensions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DtlsClientHelloPrefix<'a> {
    /// client_version.
    pub legacy_version: ProtocolVersion,
    /// random.
    pub random: &'a [u8; 32],
    /// session_id.
    pub legacy_session_id: &'a [u8],
    /// cookie.
    pub legacy_cookie: &'a [u8],
    /// cipher_suites and compression_methods, when the fragment holds both whole.
    pub suites_and_compression: Option<(U16List<'a, CipherSuite>, &'a [u8])>,
}

impl<'a> DtlsClientHelloPrefix<'a> {
    /// Reads the prefix from the start of a ClientHello body or first fragment. The
    /// fragment must hold at least everything up to the end of the cookie; what follows
    /// is optional, but if present in part it is reported as absent, never guessed.
    pub fn parse(fragment: &'a [u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::<Detailed>::new(fragment);
        let p = read_prefix(&mut r, Flavor::Dtls)?;
        let mut rest = r;
        let suites_and_compression = match (
            read_cipher_suites(&mut rest),
            rest.vec8("legacy_compression_methods", 1, 255),
        ) {
            (Ok(s), Ok(c)) => Some((U16List::new(s), c.bytes)),
            _ => None,
        };
        Ok(Self {
            legacy_version: p.legacy_version,
            random: p.random,
            legacy_session_id: p.legacy_session_id,
            legacy_cookie: p.legacy_cookie.unwrap_or(&[]),
            suites_and_compression,
        })
    }
}

/// The fields of a ClientHello, to write one: from a parse ([`ClientHello::to_writer`])
/// or built by hand (tests, fuzzing, a researcher's variant).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientHelloWriter<'a> {
    /// TLS or DTLS form.
    pub flavor: Flavor,
    /// legacy_version.
    pub legacy_version: ProtocolVersion,
    /// random.
    pub random: &'a [u8; 32],
    /// legacy_session_id (at most 32 bytes).
    pub legacy_session_id: &'a [u8],
    /// DTLS legacy cookie (written as empty when `None` in DTLS, ignored in TLS).
    pub legacy_cookie: Option<&'a [u8]>,
    /// cipher_suites wire bytes.
    pub cipher_suites: &'a [u8],
    /// legacy_compression_methods.
    pub legacy_compression_methods: &'a [u8],
    /// Extensions block bytes (without the length prefix); `None` writes no block.
    pub extensions: Option<&'a [u8]>,
}

impl ClientHelloWriter<'_> {
    /// Writes the message with `framing` into `out`.
    ///
    /// Fixed fields the parser would refuse are refused here with `TooLong` naming the
    /// field, whatever the buffer's size: a legacy_session_id over 32 bytes, a DTLS
    /// legacy_cookie over 255, cipher_suites empty or of odd length, legacy_compression_methods
    /// empty. The extensions block is written as given (only its length is checked), so
    /// tests and researchers can build a ClientHello that breaks an extension rule
    /// (duplicates, pre_shared_key not last) and see what a parser makes of it.
    pub fn write(&self, framing: Framing, out: &mut [u8]) -> Result<usize, EncodeError> {
        let too_long = |field| Err(EncodeError::TooLong { field });
        if self.legacy_session_id.len() > 32 {
            return too_long("legacy_session_id");
        }
        if self.flavor == Flavor::Dtls && self.legacy_cookie.is_some_and(|c| c.len() > 255) {
            return too_long("legacy_cookie");
        }
        let suites = self.cipher_suites.len();
        if suites == 0 || suites % 2 != 0 || suites > usize::from(u16::MAX) - 1 {
            return too_long("cipher_suites");
        }
        if !(1..=255).contains(&self.legacy_compression_methods.len()) {
            return too_long("legacy_compression_methods");
        }
        if self
            .extensions
            .is_some_and(|e| e.len() > usize::from(u16::MAX))
        {
            return too_long("extensions");
        }
        write_framed(self, framing, out)
    }

    /// Encoded length of the body.
    pub fn body_len(&self) -> usize {
        Body::body_len(self)
    }
}

impl Body for ClientHelloWriter<'_> {
    fn msg_type(&self) -> HandshakeType {
        HandshakeType::CLIENT_HELLO
    }

    fn body_len(&self) -> usize {
        let cookie = match self.flavor {
            Flavor::Tls => 0,
            Flavor::Dtls => 1 + self.legacy_cookie.map_or(0, <[u8]>::len),
        };
        2 + 32
            + 1
            + self.legacy_session_id.len()
            + cookie
            + 2
            + self.cipher_suites.len()
            + 1
            + self.legacy_compression_methods.len()
            + self.extensions.map_or(0, |e| 2 + e.len())
    }

    fn put_body(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        w.u16(self.legacy_version.0)?;
        w.bytes(self.random)?;
        w.vec8("legacy_session_id", self.legacy_session_id)?;
        if self.flavor == Flavor::Dtls {
            w.vec8("legacy_cookie", self.legacy_cookie.unwrap_or(&[]))?;
        }
        w.vec16("cipher_suites", self.cipher_suites)?;
        w.vec8(
            "legacy_compression_methods",
            self.legacy_compression_methods,
        )?;
        if let Some(ext) = self.extensions {
            w.vec16("extensions", ext)?;
        }
        Ok(())
    }
}
