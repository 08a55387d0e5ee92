//! How a peer address becomes MAC input, and the one-byte clear hint that names it.

use core::net::{IpAddr, SocketAddr};

/// Which part of the peer's address a cookie binds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AddressBinding {
    /// IP address and port: a cookie only returns from the exact socket it was sent to. This is
    /// what RFC 6347 and RFC 9147 have in mind, and the default.
    #[default]
    IpAndPort,
    /// IP address only: for clients behind NATs that rebind the source port between ClientHello
    /// 1 and 2. Any port on the same host can return the cookie.
    IpOnly,
}

/// Longest bound address: 16 address bytes and 2 port bytes.
pub(crate) const PEER_MAX_LEN: usize = 18;

/// The part of a peer's address a cookie binds, in its MAC-input form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BoundPeer {
    /// The address bytes, then the port (or zero for [`AddressBinding::IpOnly`]); only the
    /// first `len` bytes are used.
    bytes: [u8; PEER_MAX_LEN],
    len: usize,
    /// The binding byte that precedes the address in the MAC input: bit 0 set for
    /// [`AddressBinding::IpOnly`], bit 1 set for an IPv6 address.
    tag: u8,
}

impl BoundPeer {
    /// The binding byte, then the address and port bytes, as MAC input.
    pub(crate) fn tag(&self) -> u8 {
        self.tag
    }

    /// The address and port bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&self.bytes)
    }
}

/// The bytes of `peer` that a cookie binds: an IPv4 address as its 4 bytes (an IPv4-mapped
/// IPv6 address `::ffff:a.b.c.d` counts as that IPv4 address, so a dual-stack socket that
/// reports the same host either way sees one peer), an IPv6 address as its 16 bytes, then the
/// port, or zero for [`AddressBinding::IpOnly`]. IPv4 peers, the common case, keep the MAC input
/// 12 bytes shorter, which often saves a SHA-256 block. Flow label and scope id are not bound:
/// they are not part of the peer's identity on the wire (a link-local peer seen on two
/// interfaces with one address counts as one peer).
pub(crate) fn normalise(peer: SocketAddr, binding: AddressBinding) -> BoundPeer {
    let port = match binding {
        AddressBinding::IpAndPort => peer.port(),
        AddressBinding::IpOnly => 0,
    };
    let mode = match binding {
        AddressBinding::IpAndPort => 0,
        AddressBinding::IpOnly => 1,
    };
    let mut bytes = [0u8; PEER_MAX_LEN];
    let mut put = |addr: &[u8], family: u8| {
        let (head, tail) = bytes.split_at_mut(addr.len());
        head.copy_from_slice(addr);
        if let Some(p) = tail.get_mut(..2) {
            p.copy_from_slice(&port.to_be_bytes());
        }
        (addr.len() + 2, mode | family)
    };
    let (len, tag) = match peer.ip() {
        IpAddr::V4(v4) => put(&v4.octets(), 0),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => put(&v4.octets(), 0),
            None => put(&v6.octets(), 2),
        },
    };
    BoundPeer { bytes, len, tag }
}

/// A one-byte digest of the bound address bytes: their XOR. It travels in clear inside the
/// cookie, covered by the MAC, and only serves to tell [`crate::CookieError::WrongPeer`] from
/// [`crate::CookieError::BadMac`] after a MAC failure. XOR is enough for that job and has one
/// useful guarantee: two addresses of one family that differ in a single byte (a neighbouring
/// port, as after a NAT rebinding; a neighbouring host) always get different hints. Other
/// differences collide with probability about 1/256 and then read as `BadMac`. The hint reveals
/// nothing the network does not already see: the address is in every packet's header.
pub(crate) fn hint(bound: &BoundPeer) -> u8 {
    bound.bytes().iter().fold(bound.tag, |h, &b| h ^ b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::net::{Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};

    #[test]
    fn ipv4_and_mapped_ipv6_are_one_peer() {
        let v4 = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::new(192, 0, 2, 7), 4433));
        let mapped = SocketAddr::V6(SocketAddrV6::new(
            Ipv4Addr::new(192, 0, 2, 7).to_ipv6_mapped(),
            4433,
            0,
            0,
        ));
        for b in [AddressBinding::IpAndPort, AddressBinding::IpOnly] {
            assert_eq!(normalise(v4, b), normalise(mapped, b));
        }
        let n = normalise(v4, AddressBinding::IpAndPort);
        assert_eq!(n.tag(), 0);
        assert_eq!(n.bytes(), [192, 0, 2, 7, 0x11, 0x51]);
        let n = normalise(v4, AddressBinding::IpOnly);
        assert_eq!((n.tag(), n.bytes()), (1, &[192, 0, 2, 7, 0, 0][..]));
    }

    #[test]
    fn ipv6_binds_sixteen_bytes_and_says_so() {
        let p = SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 0x1234);
        let n = normalise(p, AddressBinding::IpAndPort);
        assert_eq!(n.tag(), 2);
        let mut want = [0u8; 18];
        want[15] = 1;
        want[16..].copy_from_slice(&[0x12, 0x34]);
        assert_eq!(n.bytes(), want);
        assert_eq!(normalise(p, AddressBinding::IpOnly).tag(), 3);
    }

    #[test]
    fn ipv4_compatible_ipv6_is_not_the_ipv4_host() {
        // ::192.0.2.7 (deprecated IPv4-compatible form) is a different IPv6 address.
        let v4 = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 7)), 1);
        let compat = SocketAddr::new(
            IpAddr::V6(Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0xc000, 0x0207)),
            1,
        );
        assert_ne!(
            normalise(v4, AddressBinding::IpAndPort),
            normalise(compat, AddressBinding::IpAndPort)
        );
    }

    #[test]
    fn ip_only_ignores_the_port_and_ip_and_port_does_not() {
        let a = SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 1000);
        let b = SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 1001);
        assert_eq!(
            normalise(a, AddressBinding::IpOnly),
            normalise(b, AddressBinding::IpOnly)
        );
        assert_ne!(
            normalise(a, AddressBinding::IpAndPort),
            normalise(b, AddressBinding::IpAndPort)
        );
    }

    #[test]
    fn hint_changes_with_any_single_byte() {
        for peer in [
            SocketAddr::new(IpAddr::V4(Ipv4Addr::new(198, 51, 100, 9)), 50_000),
            SocketAddr::new(
                IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 9)),
                50_000,
            ),
        ] {
            let base = normalise(peer, AddressBinding::IpAndPort);
            for i in 0..base.len {
                for delta in 1..=255u8 {
                    let mut other = base;
                    other.bytes[i] ^= delta;
                    assert_ne!(hint(&base), hint(&other), "{peer} byte {i} delta {delta}");
                }
            }
        }
    }

    #[test]
    fn hint_tells_low_port_byte_neighbours_apart() {
        for port in (0u16..=u16::MAX).filter(|p| p & 0xff != 0xff) {
            let a = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), port);
            let b = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), port + 1);
            assert_ne!(
                hint(&normalise(a, AddressBinding::IpAndPort)),
                hint(&normalise(b, AddressBinding::IpAndPort))
            );
        }
    }
}
