//! The extensions block: one pass that splits it, refuses duplicates and anything after
//! pre_shared_key, and validates the contents of every extension this crate knows.

use crate::enums::{ExtensionType, NamedGroup, ProtocolVersion, SignatureScheme};
use crate::error::{DecodeError, DecodeErrorKind, EncodeError};
use crate::lists::{KeyShares, PreSharedKey, ProtocolNames, ServerNames, U16List};
use crate::reader::{Detailed, Mode, Reader};
use crate::writer::Writer;

/// One extension: its type, its data and where the extension starts in the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Extension<'a> {
    /// extension_type.
    pub extension_type: ExtensionType,
    /// extension_data, borrowed.
    pub data: &'a [u8],
    /// Offset of the extension's type field from the start of the top-level input.
    pub offset: usize,
}

/// A validated extensions block, as on the wire (without its length prefix).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Extensions<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Extensions<'a> {
    /// The block's bytes, without the uint16 length prefix.
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The extensions in wire order.
    pub fn iter(&self) -> ExtensionIter<'a> {
        ExtensionIter {
            bytes: self.bytes,
            offset: self.offset,
        }
    }

    /// The extension of type `t`, if present (types are unique once validated).
    pub fn get(&self, t: ExtensionType) -> Option<Extension<'a>> {
        self.iter().find(|e| e.extension_type == t)
    }

    /// Number of extensions.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// True when the block is present but empty.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

/// Iterator over an extensions block.
#[derive(Clone, Debug)]
pub struct ExtensionIter<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Iterator for ExtensionIter<'a> {
    type Item = Extension<'a>;

    fn next(&mut self) -> Option<Extension<'a>> {
        let h = self.bytes.get(..4)?;
        let t = u16::from_be_bytes([h[0], h[1]]);
        let len = usize::from(u16::from_be_bytes([h[2], h[3]]));
        let data = self.bytes.get(4..4 + len)?;
        let ext = Extension {
            extension_type: ExtensionType(t),
            data,
            offset: self.offset,
        };
        self.bytes = self.bytes.get(4 + len..).unwrap_or(&[]);
        self.offset += 4 + len;
        Some(ext)
    }
}

/// How many distinct extension types at or above 256 one extensions block may hold
/// (see [`DecodeErrorKind::TooManyExtensions`]).
pub const MAX_HIGH_EXTENSION_TYPES: usize = 64;

/// Remembers which extension types were seen, in constant space, so duplicates are found
/// in one pass. Types below 256 (all of the IANA registry's common ones) live in a bitmap;
/// higher types (GREASE, renegotiation_info, ECH, private use) in a fixed array of
/// [`MAX_HIGH_EXTENSION_TYPES`] slots. Unused slots hold 0, which no high type equals, so
/// a lookup compares the whole array without branches (a few SIMD compares): constant
/// work per extension, whatever the input.
struct SeenTypes {
    low: [u64; 4],
    high: [u16; MAX_HIGH_EXTENSION_TYPES],
    high_len: usize,
}

impl SeenTypes {
    const fn new() -> Self {
        Self {
            low: [0; 4],
            high: [0; MAX_HIGH_EXTENSION_TYPES],
            high_len: 0,
        }
    }

    /// Records `t`; `Ok(false)` if it was already seen; `Err` when the high array is full.
    #[inline(always)]
    fn insert(&mut self, t: u16) -> Result<bool, ()> {
        if t < 256 {
            let (word, bit) = (usize::from(t / 64), t % 64);
            let w = self.low.get_mut(word).ok_or(())?;
            let fresh = *w & (1 << bit) == 0;
            *w |= 1 << bit;
            return Ok(fresh);
        }
        // Real ClientHellos carry a handful of high types (GREASE, renegotiation_info, ECH):
        // scanning the ones seen so far beats comparing against the whole table.
        let seen = self.high.get(..self.high_len).unwrap_or(&self.high);
        if seen.contains(&t) {
            return Ok(false);
        }
        let slot = self.high.get_mut(self.high_len).ok_or(())?;
        *slot = t;
        self.high_len += 1;
        Ok(true)
    }
}

/// Which message an extensions block belongs to; decides how known types are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Context {
    ServerHello,
    HelloRetryRequest,
}

/// Splits and validates an extensions block whose bytes are `block` (starting at
/// `block.offset`), calling `each` on every extension in order. `psk_last` holds the
/// ClientHello rule that pre_shared_key comes last (RFC 8446 section 4.2.11); a
/// ServerHello may put its pre_shared_key anywhere.
#[inline]
pub(crate) fn read_extensions<'a, M: Mode>(
    outer: &Reader<'a, M>,
    block: crate::reader::Slice<'a>,
    psk_last: bool,
    mut each: impl FnMut(Extension<'a>) -> Result<(), M::Error>,
) -> Result<Extensions<'a>, M::Error> {
    let mut r = block.reader(outer);
    let mut seen = SeenTypes::new();
    let mut psk_seen = false;
    while !r.is_empty() {
        let offset = r.offset();
        let t = ExtensionType(r.u16("Extension.extension_type")?);
        let data = r.vec16("Extension.extension_data", 0, usize::from(u16::MAX))?;
        if psk_seen {
            return Err(M::fail(
                offset,
                "Extension.extension_type",
                DecodeErrorKind::PreSharedKeyNotLast,
            ));
        }
        match seen.insert(t.0) {
            Ok(true) => {}
            Ok(false) => {
                return Err(M::fail(
                    offset,
                    "Extension.extension_type",
                    DecodeErrorKind::DuplicateExtension(t),
                ));
            }
            Err(()) => {
                return Err(M::fail(
                    offset,
                    "Extension.extension_type",
                    DecodeErrorKind::TooManyExtensions,
                ));
            }
        }
        psk_seen = psk_last && t == ExtensionType::PRE_SHARED_KEY;
        each(Extension {
            extension_type: t,
            data: data.bytes,
            offset,
        })?;
    }
    Ok(Extensions {
        bytes: block.bytes,
        offset: block.offset,
    })
}

/// A ClientHello extension with its contents read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientExtension<'a> {
    /// server_name (RFC 6066).
    ServerName(ServerNames<'a>),
    /// supported_groups (RFC 8446 section 4.2.7).
    SupportedGroups(U16List<'a, NamedGroup>),
    /// ec_point_formats (RFC 8422).
    EcPointFormats(&'a [u8]),
    /// signature_algorithms (RFC 8446 section 4.2.3).
    SignatureAlgorithms(U16List<'a, SignatureScheme>),
    /// signature_algorithms_cert (RFC 8446 section 4.2.3).
    SignatureAlgorithmsCert(U16List<'a, SignatureScheme>),
    /// application_layer_protocol_negotiation (RFC 7301).
    Alpn(ProtocolNames<'a>),
    /// padding (RFC 7685): its length. The contents are not checked: RFC 7685 section 3
    /// puts the duty to fill it with zeros on the client and gives the server nothing to
    /// do with a non-zero byte, and checking would cost a pass over up to 64 KiB of bytes
    /// on the per-datagram path for no decision the gate makes.
    Padding(usize),
    /// encrypt_then_mac (RFC 7366).
    EncryptThenMac,
    /// extended_master_secret (RFC 7627).
    ExtendedMasterSecret,
    /// record_size_limit (RFC 8449): a value of at least 64 (a smaller one is `BadValue`,
    /// illegal_parameter). Values above 2^14 + 1 are kept: RFC 8449 section 4 tells a
    /// server not to enforce the protocol maximum on them.
    RecordSizeLimit(u16),
    /// session_ticket (RFC 5077): the ticket, possibly empty.
    SessionTicket(&'a [u8]),
    /// pre_shared_key (RFC 8446 section 4.2.11).
    PreSharedKey(PreSharedKey<'a>),
    /// early_data (RFC 8446 section 4.2.10).
    EarlyData,
    /// supported_versions (RFC 8446 section 4.2.1).
    SupportedVersions(U16List<'a, ProtocolVersion>),
    /// cookie (RFC 8446 section 4.2.2).
    Cookie(&'a [u8]),
    /// psk_key_exchange_modes (RFC 8446 section 4.2.9): the raw mode bytes.
    PskKeyExchangeModes(&'a [u8]),
    /// key_share (RFC 8446 section 4.2.8).
    KeyShare(KeyShares<'a>),
    /// renegotiation_info (RFC 5746): renegotiated_connection.
    RenegotiationInfo(&'a [u8]),
    /// Any other extension, kept as bytes.
    Other(&'a [u8]),
}

impl<'a> Extension<'a> {
    /// Reads this extension's data as it appears in a ClientHello.
    pub fn parse_client(&self) -> Result<ClientExtension<'a>, DecodeError> {
        parse_client_ext::<Detailed>(self.extension_type, self.data, self.offset + 4)
    }
}

const MAX16: usize = u16::MAX as usize;

/// The smallest record_size_limit a peer may send (RFC 8449 section 4).
pub const MIN_RECORD_SIZE_LIMIT: u16 = 64;

#[inline(always)]
pub(crate) fn parse_client_ext<'a, M: Mode>(
    t: ExtensionType,
    data: &'a [u8],
    base: usize,
) -> Result<ClientExtension<'a>, M::Error> {
    Reader::<M>::with_base(data, base).run(|r| {
        let outer = *r;
        let ext = match t {
            ExtensionType::SERVER_NAME => {
                let list = r.vec16("ServerNameList", 1, MAX16)?;
                let mut l = list.reader(&outer);
                while !l.is_empty() {
                    l.u8("ServerName.name_type")?;
                    l.vec16("HostName", 1, MAX16)?;
                }
                ClientExtension::ServerName(ServerNames { bytes: list.bytes })
            }
            ExtensionType::SUPPORTED_GROUPS => {
                ClientExtension::SupportedGroups(U16List::new(u16_list(r, "NamedGroupList", 2)?))
            }
            ExtensionType::EC_POINT_FORMATS => {
                ClientExtension::EcPointFormats(r.vec8("ECPointFormatList", 1, 255)?.bytes)
            }
            ExtensionType::SIGNATURE_ALGORITHMS => ClientExtension::SignatureAlgorithms(
                U16List::new(u16_list(r, "supported_signature_algorithms", 2)?),
            ),
            ExtensionType::SIGNATURE_ALGORITHMS_CERT => ClientExtension::SignatureAlgorithmsCert(
                U16List::new(u16_list(r, "supported_signature_algorithms", 2)?),
            ),
            ExtensionType::APPLICATION_LAYER_PROTOCOL_NEGOTIATION => {
                let list = r.vec16("ProtocolNameList", 2, MAX16)?;
                let mut l = list.reader(&outer);
                while !l.is_empty() {
                    l.vec8("ProtocolName", 1, 255)?;
                }
                ClientExtension::Alpn(ProtocolNames { bytes: list.bytes })
            }
            ExtensionType::PADDING => {
                // Contents unchecked on purpose; see `ClientExtension::Padding`.
                let n = r.remaining();
                r.bytes("padding", n)?;
                ClientExtension::Padding(n)
            }
            ExtensionType::ENCRYPT_THEN_MAC => ClientExtension::EncryptThenMac,
            ExtensionType::EXTENDED_MASTER_SECRET => ClientExtension::ExtendedMasterSecret,
            ExtensionType::EARLY_DATA => ClientExtension::EarlyData,
            ExtensionType::RECORD_SIZE_LIMIT => {
                let at = r.offset();
                let limit = r.u16("RecordSizeLimit")?;
                // RFC 8449 section 4: a value below 64 is an illegal_parameter.
                if limit < MIN_RECORD_SIZE_LIMIT {
                    return Err(M::fail(at, "RecordSizeLimit", DecodeErrorKind::BadValue));
                }
                ClientExtension::RecordSizeLimit(limit)
            }
            ExtensionType::SESSION_TICKET => {
                let n = r.remaining();
                ClientExtension::SessionTicket(r.bytes("SessionTicket", n)?)
            }
            ExtensionType::PRE_SHARED_KEY => {
                let ids = r.vec16("OfferedPsks.identities", 7, MAX16)?;
                let mut l = ids.reader(&outer);
                let mut n_ids = 0usize;
                while !l.is_empty() {
                    l.vec16("PskIdentity.identity", 1, MAX16)?;
                    l.u32("PskIdentity.obfuscated_ticket_age")?;
                    n_ids += 1;
                }
                let binders_offset = r.offset();
                let binders = r.vec16("OfferedPsks.binders", 33, MAX16)?;
                let mut l = binders.reader(&outer);
                let mut n_binders = 0usize;
                while !l.is_empty() {
                    l.vec8("PskBinderEntry", 32, 255)?;
                    n_binders += 1;
                }
                if n_ids != n_binders {
                    return Err(M::fail(
                        binders_offset,
                        "OfferedPsks.binders",
                        DecodeErrorKind::PskBinderCountMismatch,
                    ));
                }
                ClientExtension::PreSharedKey(PreSharedKey {
                    identities: ids.bytes,
                    binders: binders.bytes,
                    // The reader counts from the extension data; the caller wants the
                    // offset from the start of its input.
                    binders_offset: base + binders_offset,
                })
            }
            ExtensionType::SUPPORTED_VERSIONS => {
                let v = r.vec8("supported_versions.versions", 2, 254)?;
                if v.bytes.len() % 2 != 0 {
                    return Err(M::fail(
                        v.offset - 1,
                        "supported_versions.versions",
                        DecodeErrorKind::BadLength,
                    ));
                }
                ClientExtension::SupportedVersions(U16List::new(v.bytes))
            }
            ExtensionType::COOKIE => {
                ClientExtension::Cookie(r.vec16("Cookie.cookie", 1, MAX16)?.bytes)
            }
            ExtensionType::PSK_KEY_EXCHANGE_MODES => ClientExtension::PskKeyExchangeModes(
                r.vec8("PskKeyExchangeModes.ke_modes", 1, 255)?.bytes,
            ),
            ExtensionType::KEY_SHARE => {
                let shares = r.vec16("KeyShareClientHello.client_shares", 0, MAX16)?;
                let mut l = shares.reader(&outer);
                while !l.is_empty() {
                    l.u16("KeyShareEntry.group")?;
                    l.vec16("KeyShareEntry.key_exchange", 1, MAX16)?;
                }
                ClientExtension::KeyShare(KeyShares {
                    bytes: shares.bytes,
                })
            }
            ExtensionType::RENEGOTIATION_INFO => ClientExtension::RenegotiationInfo(
                r.vec8("RenegotiationInfo.renegotiated_connection", 0, 255)?
                    .bytes,
            ),
            _ => {
                let n = r.remaining();
                ClientExtension::Other(r.bytes("extension_data", n)?)
            }
        };
        r.finish("extension_data")?;
        Ok(ext)
    })
}

/// A vector of 16-bit values with a uint16 length prefix, at least `min` bytes, even length.
#[inline]
fn u16_list<'a, M: Mode>(
    r: &mut Reader<'a, M>,
    field: &'static str,
    min: usize,
) -> Result<&'a [u8], M::Error> {
    let v = r.vec16(field, min, MAX16 - 1)?;
    if v.bytes.len() % 2 != 0 {
        return Err(M::fail(v.offset - 2, field, DecodeErrorKind::BadLength));
    }
    Ok(v.bytes)
}

/// A ServerHello or HelloRetryRequest extension with its contents read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServerExtension<'a> {
    /// supported_versions: selected_version.
    SupportedVersions(ProtocolVersion),
    /// key_share in a HelloRetryRequest: selected_group.
    KeyShareSelectedGroup(NamedGroup),
    /// key_share in a ServerHello: server_share.
    KeyShare(crate::lists::KeyShareEntry<'a>),
    /// cookie.
    Cookie(&'a [u8]),
    /// pre_shared_key: selected_identity.
    PreSharedKey(u16),
    /// renegotiation_info (TLS 1.2 ServerHello).
    RenegotiationInfo(&'a [u8]),
    /// Any other extension, kept as bytes.
    Other(&'a [u8]),
}

impl<'a> Extension<'a> {
    /// Reads this extension's data as it appears in a ServerHello (`hrr == false`) or a
    /// HelloRetryRequest (`hrr == true`); the two differ only in key_share.
    pub fn parse_server(&self, hrr: bool) -> Result<ServerExtension<'a>, DecodeError> {
        let ctx = if hrr {
            Context::HelloRetryRequest
        } else {
            Context::ServerHello
        };
        parse_server_ext(ctx, self.extension_type, self.data, self.offset + 4)
    }
}

pub(crate) fn parse_server_ext<'a>(
    ctx: Context,
    t: ExtensionType,
    data: &'a [u8],
    base: usize,
) -> Result<ServerExtension<'a>, DecodeError> {
    Reader::<Detailed>::with_base(data, base).run(|r| {
        let ext = match t {
            ExtensionType::SUPPORTED_VERSIONS => ServerExtension::SupportedVersions(
                ProtocolVersion(r.u16("supported_versions.selected_version")?),
            ),
            ExtensionType::KEY_SHARE if ctx == Context::HelloRetryRequest => {
                ServerExtension::KeyShareSelectedGroup(NamedGroup(
                    r.u16("KeyShareHelloRetryRequest.selected_group")?,
                ))
            }
            ExtensionType::KEY_SHARE => {
                let group = NamedGroup(r.u16("KeyShareEntry.group")?);
                let key_exchange = r.vec16("KeyShareEntry.key_exchange", 1, MAX16)?.bytes;
                ServerExtension::KeyShare(crate::lists::KeyShareEntry {
                    group,
                    key_exchange,
                })
            }
            ExtensionType::COOKIE => {
                ServerExtension::Cookie(r.vec16("Cookie.cookie", 1, MAX16)?.bytes)
            }
            ExtensionType::PRE_SHARED_KEY => {
                ServerExtension::PreSharedKey(r.u16("PreSharedKeyExtension.selected_identity")?)
            }
            ExtensionType::RENEGOTIATION_INFO => ServerExtension::RenegotiationInfo(
                r.vec8("RenegotiationInfo.renegotiated_connection", 0, 255)?
                    .bytes,
            ),
            _ => {
                let n = r.remaining();
                ServerExtension::Other(r.bytes("extension_data", n)?)
            }
        };
        r.finish("extension_data")?;
        Ok(ext)
    })
}

/// Writes one extension (type, uint16 length, data).
pub(crate) fn put_extension(
    w: &mut Writer<'_>,
    t: ExtensionType,
    data: &[u8],
) -> Result<(), EncodeError> {
    w.u16(t.0)?;
    w.vec16("Extension.extension_data", data)
}
