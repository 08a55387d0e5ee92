//! Zero-copy views of the lists inside messages and extensions.
//!
//! Each view wraps bytes a parser has already validated, so iterating one cannot fail;
//! a view over bytes it was not built for simply ends early instead of panicking.

use core::fmt;
use core::marker::PhantomData;

use crate::enums::NamedGroup;

/// A list of 16-bit registry values (cipher suites, groups, versions, signature schemes).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct U16List<'a, T> {
    bytes: &'a [u8],
    _t: PhantomData<T>,
}

impl<'a, T: From<u16>> U16List<'a, T> {
    /// A view over wire bytes; an odd trailing byte is ignored by iteration.
    pub const fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            _t: PhantomData,
        }
    }

    /// The list as it is on the wire, without its length prefix.
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Number of entries.
    pub const fn len(&self) -> usize {
        self.bytes.len() / 2
    }

    /// True when the list has no entries.
    pub const fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entries in wire order.
    pub fn iter(&self) -> impl Iterator<Item = T> + 'a {
        self.bytes
            .chunks_exact(2)
            .map(|c| T::from(u16::from_be_bytes([c[0], c[1]])))
    }

    /// True when `v` is in the list.
    pub fn contains(&self, v: T) -> bool
    where
        T: PartialEq,
    {
        self.iter().any(|x| x == v)
    }
}

impl<T: From<u16> + fmt::Debug> fmt::Debug for U16List<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// One KeyShareEntry (RFC 8446 section 4.2.8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyShareEntry<'a> {
    /// The group.
    pub group: NamedGroup,
    /// The public value.
    pub key_exchange: &'a [u8],
}

/// The client_shares of a ClientHello key_share extension.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct KeyShares<'a> {
    pub(crate) bytes: &'a [u8],
}

impl<'a> KeyShares<'a> {
    /// The shares, in the client's order.
    pub fn iter(&self) -> impl Iterator<Item = KeyShareEntry<'a>> + 'a {
        Chunks16 {
            bytes: self.bytes,
            head: 2,
        }
        .map(|(head, body)| KeyShareEntry {
            group: NamedGroup(u16::from_be_bytes([head[0], head[1]])),
            key_exchange: body,
        })
    }

    /// The share for `group`, if the client sent one.
    pub fn find(&self, group: NamedGroup) -> Option<KeyShareEntry<'a>> {
        self.iter().find(|e| e.group == group)
    }

    /// The client_shares vector body as it is on the wire.
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

impl fmt::Debug for KeyShares<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.iter().map(|e| (e.group, e.key_exchange.len())))
            .finish()
    }
}

/// One ServerName entry (RFC 6066 section 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerName<'a> {
    /// NameType (0 = host_name).
    pub name_type: u8,
    /// The name's bytes.
    pub name: &'a [u8],
}

/// A server_name extension's ServerNameList.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerNames<'a> {
    pub(crate) bytes: &'a [u8],
}

impl<'a> ServerNames<'a> {
    /// The entries.
    pub fn iter(&self) -> impl Iterator<Item = ServerName<'a>> + 'a {
        Chunks16 {
            bytes: self.bytes,
            head: 1,
        }
        .map(|(head, name)| ServerName {
            name_type: head[0],
            name,
        })
    }

    /// The first host_name entry.
    pub fn host_name(&self) -> Option<&'a [u8]> {
        self.iter().find(|n| n.name_type == 0).map(|n| n.name)
    }
}

/// An ALPN ProtocolNameList (RFC 7301).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProtocolNames<'a> {
    pub(crate) bytes: &'a [u8],
}

impl<'a> ProtocolNames<'a> {
    /// The protocol names.
    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        Chunks8 { bytes: self.bytes }
    }
}

/// One PskIdentity (RFC 8446 section 4.2.11).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PskIdentity<'a> {
    /// The ticket or external identity.
    pub identity: &'a [u8],
    /// obfuscated_ticket_age.
    pub obfuscated_ticket_age: u32,
}

/// A ClientHello pre_shared_key extension (OfferedPsks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PreSharedKey<'a> {
    pub(crate) identities: &'a [u8],
    pub(crate) binders: &'a [u8],
    /// Offset of the binders vector (its length prefix) from the start of the input handed
    /// to the parser. The PSK binder is computed over the ClientHello up to this point
    /// (RFC 8446 section 4.2.11.2), so a server that checks binders hashes exactly that.
    pub binders_offset: usize,
}

impl<'a> PreSharedKey<'a> {
    /// The offered identities.
    pub fn identities(&self) -> impl Iterator<Item = PskIdentity<'a>> + 'a {
        Chunks16 {
            bytes: self.identities,
            head: 0,
        }
        .zip(AgeTail {
            bytes: self.identities,
        })
        .map(|((_, identity), obfuscated_ticket_age)| PskIdentity {
            identity,
            obfuscated_ticket_age,
        })
    }

    /// The binders, one per identity.
    pub fn binders(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        Chunks8 {
            bytes: self.binders,
        }
    }
}

/// Iterates `head` fixed bytes followed by a uint16-length vector, repeatedly. For
/// identities (head 0), the four-byte age after each vector is skipped by `AgeTail`.
struct Chunks16<'a> {
    bytes: &'a [u8],
    head: usize,
}

impl<'a> Iterator for Chunks16<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let head = self.bytes.get(..self.head)?;
        let l = self.bytes.get(self.head..self.head + 2)?;
        let len = usize::from(u16::from_be_bytes([l[0], l[1]]));
        let start = self.head + 2;
        let body = self.bytes.get(start..start + len)?;
        // PskIdentity (head 0) carries a uint32 age after its vector.
        let skip = if self.head == 0 { 4 } else { 0 };
        self.bytes = self.bytes.get(start + len + skip..).unwrap_or(&[]);
        Some((head, body))
    }
}

/// The obfuscated_ticket_age after each PskIdentity.
struct AgeTail<'a> {
    bytes: &'a [u8],
}

impl Iterator for AgeTail<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let l = self.bytes.get(..2)?;
        let len = usize::from(u16::from_be_bytes([l[0], l[1]]));
        let age = self.bytes.get(2 + len..6 + len)?;
        self.bytes = self.bytes.get(6 + len..).unwrap_or(&[]);
        Some(u32::from_be_bytes([age[0], age[1], age[2], age[3]]))
    }
}

/// Iterates uint8-length vectors.
struct Chunks8<'a> {
    bytes: &'a [u8],
}

impl<'a> Iterator for Chunks8<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let len = usize::from(*self.bytes.first()?);
        let body = self.bytes.get(1..1 + len)?;
        self.bytes = self.bytes.get(1 + len..).unwrap_or(&[]);
        Some(body)
    }
}
