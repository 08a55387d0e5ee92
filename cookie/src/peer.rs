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

/// Length of [`normalise`]'s output: 16 address bytes and 2 port bytes.
pub(crate) const PEER_LEN: usize = 18;

/// The bytes of `peer` that a cookie binds: the IPv6 form of the address (an IPv4 address as its
/// IPv4-mapped IPv6 form `::ffff:a.b.c.d`, so a dual-stack socket that reports the same host
/// either way sees one peer), then the port, or zero for [`AddressBinding::IpOnly`].
/// Flow label and scope id are not bound: they are not part of the peer's identity on the wire.
pub(crate) fn normalise(peer: SocketAddr, binding: AddressBinding) -> [u8; PEER_LEN] {
    let ip = match peer.ip() {
        IpAddr::V4(v4) => v4.to_ipv6_mapped().octets(),
        IpAddr::V6(v6) => v6.octets(),
    };
    let port = match binding {
        AddressBinding::IpAndPort => peer.port(),
        AddressBinding::IpOnly => 0,
    };
    let mut out = [0u8; PEER_LEN];
    let (addr, tail) = out.split_at_mut(16);
    addr.copy_from_slice(&ip);
    tail.copy_from_slice(&port.to_be_bytes());
    out
}

/// A one-byte digest of the bound address bytes: their XOR. It travels in clear inside the
/// cookie, covered by the MAC, and only serves to tell [`crate::CookieError::WrongPeer`] from
/// [`crate::CookieError::BadMac`] after a MAC failure. XOR is enough for that job and has one
/// useful guarantee: two addresses that differ in a single byte (a neighbouring port, as after a
/// NAT rebinding; a neighbouring host) always get different hints. Other differences collide with
/// probability about 1/256 and then read as `BadMac`. The hint reveals nothing the network does
/// not already see: the address is in every packet's header.
pub(crate) fn hint(normalised: &[u8; PEER_LEN]) -> u8 {
    normalised.iter().fold(0, |h, &b| h ^ b)
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
        let expected = [
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 7, 0x11, 0x51,
        ];
        assert_eq!(normalise(v4, AddressBinding::IpAndPort), expected);
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
        let base = normalise(
            SocketAddr::new(IpAddr::V4(Ipv4Addr::new(198, 51, 100, 9)), 50_000),
            AddressBinding::IpAndPort,
        );
        for i in 0..PEER_LEN {
            for delta in 1..=255u8 {
                let mut other = base;
                other[i] ^= delta;
                assert_ne!(hint(&base), hint(&other), "byte {i} delta {delta}");
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
