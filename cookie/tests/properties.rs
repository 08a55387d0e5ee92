//! Property tests: any peer, any fields, any time round-trip; any change to a bound input fails.

mod common;

use common::*;
use core::net::{IpAddr, Ipv6Addr, SocketAddr};
use core::time::Duration;
use hellogate_cookie::{CookieError, HelloFields, HrrBinding, HrrParams, HrrProtocol};
use proptest::prelude::*;

fn any_peer() -> impl Strategy<Value = SocketAddr> {
    prop_oneof![
        (any::<[u8; 4]>(), any::<u16>()).prop_map(|(ip, port)| SocketAddr::from((ip, port))),
        (any::<[u8; 16]>(), any::<u16>())
            .prop_map(|(ip, port)| SocketAddr::new(IpAddr::V6(Ipv6Addr::from(ip)), port)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn dtls12_round_trips_and_binds_fields(
        peer in any_peer(),
        // Anywhere in 2001..2100, in milliseconds.
        now_ms in 978_307_200_000u64..4_102_444_800_000,
        age_ms in 0u64..=30_000,
        version in any::<u16>(),
        random in any::<[u8; 32]>(),
        sid in proptest::collection::vec(any::<u8>(), 0..=32),
        suites in proptest::collection::vec(any::<u8>(), 0..64),
        comp in proptest::collection::vec(any::<u8>(), 0..4),
        which in 0usize..5,
        flip in any::<u8>(),
    ) {
        // A one-hour ring keeps the cookie's epoch valid for ages up to 30 s.
        let jar = jar();
        let now = Duration::from_millis(now_ms);
        let f = HelloFields {
            client_version: version,
            random: &random,
            session_id: &sid,
            cipher_suites: &suites,
            compression_methods: &comp,
        };
        let mut c = [0u8; 32];
        jar.seal_dtls12(now, peer, &f, &mut c).unwrap();
        let ok = jar.open_dtls12(now + Duration::from_millis(age_ms), peer, &f, &c).unwrap();
        prop_assert_eq!(ok.age, Duration::from_millis(age_ms));
        prop_assert_eq!(ok.issued_at, now);

        // Change one field (never to itself) and the cookie must fail its MAC.
        let flip = flip | 1;
        let mut random2 = random;
        random2[0] ^= flip;
        let mut sid2 = sid.clone();
        sid2.push(flip);
        let mut suites2 = suites.clone();
        suites2.push(flip);
        let mut comp2 = comp.clone();
        comp2.push(flip);
        let changed = match which {
            0 => HelloFields { client_version: version ^ u16::from(flip), ..f },
            1 => HelloFields { random: &random2, ..f },
            2 => HelloFields { session_id: &sid2, ..f },
            3 => HelloFields { cipher_suites: &suites2, ..f },
            _ => HelloFields { compression_methods: &comp2, ..f },
        };
        prop_assert_eq!(
            jar.open_dtls12(now, peer, &changed, &c),
            Err(CookieError::BadMac)
        );
    }

    #[test]
    fn hrr_round_trips(
        peer in any_peer(),
        now_ms in 978_307_200_000u64..4_102_444_800_000,
        suite in any::<u16>(),
        group in any::<u16>(),
        share in any::<bool>(),
        dtls in any::<bool>(),
        hash in proptest::collection::vec(any::<u8>(), 48),
        long in any::<bool>(),
        random in any::<[u8; 32]>(),
        sid in proptest::collection::vec(any::<u8>(), 0..=32),
        suites in proptest::collection::vec(any::<u8>(), 0..64),
        groups in proptest::collection::vec(any::<u16>(), 0..6),
        which in 0usize..6,
        flip in any::<u8>(),
    ) {
        let jar = jar();
        let now = Duration::from_millis(now_ms);
        let protocol = if dtls { HrrProtocol::Dtls13 } else { HrrProtocol::Tls13 };
        let hash = if long { &hash[..] } else { &hash[..32] };
        let hello = HelloFields {
            client_version: 0x0303,
            random: &random,
            session_id: &sid,
            cipher_suites: &suites,
            compression_methods: &[0],
        };
        let binding = HrrBinding { hello, key_share_groups: &groups };
        let p = HrrParams {
            cipher_suite: suite,
            group,
            key_share_in_hrr: share,
            ch1_hash: hash,
            binding,
        };
        let c = seal_hrr(&jar, now, peer, protocol, &p);
        let ok = jar.open_hrr(now, peer, protocol, &binding, &c).unwrap();
        prop_assert_eq!(ok.cipher_suite, suite);
        prop_assert_eq!(ok.group, group);
        prop_assert_eq!(ok.key_share_in_hrr, share);
        prop_assert_eq!(ok.ch1_hash(), hash);

        // ClientHello2 changing a field it must repeat fails the MAC; its key share groups
        // count only after a cookie-only HRR (after one that selects a group they change).
        let flip = flip | 1;
        let mut random2 = random;
        random2[31] ^= flip;
        let mut sid2 = sid.clone();
        sid2.push(flip);
        let mut suites2 = suites.clone();
        suites2.push(flip);
        let mut groups2 = groups.clone();
        groups2.push(u16::from(flip));
        let changed = match which {
            0 => HrrBinding { hello: HelloFields { client_version: 0x0304, ..hello }, ..binding },
            1 => HrrBinding { hello: HelloFields { random: &random2, ..hello }, ..binding },
            2 => HrrBinding { hello: HelloFields { session_id: &sid2, ..hello }, ..binding },
            3 => HrrBinding { hello: HelloFields { cipher_suites: &suites2, ..hello }, ..binding },
            4 => HrrBinding { hello: HelloFields { compression_methods: &[1], ..hello }, ..binding },
            _ => HrrBinding { key_share_groups: &groups2, ..binding },
        };
        let r = jar.open_hrr(now, peer, protocol, &changed, &c);
        if which == 5 && share {
            prop_assert!(r.is_ok(), "groups are not bound after an HRR that selects a group");
        } else {
            prop_assert_eq!(r, Err(CookieError::BadMac));
        }
    }

    #[test]
    fn arbitrary_bytes_never_verify(bytes in proptest::collection::vec(any::<u8>(), 0..100)) {
        let jar = jar();
        prop_assert!(jar.open_dtls12(NOW, peer(), &fields(), &bytes).is_err());
        prop_assert!(jar.open_hrr(NOW, peer(), HrrProtocol::Tls13, &binding(), &bytes).is_err());
        prop_assert!(jar.open_hrr(NOW, peer(), HrrProtocol::Dtls13, &binding(), &bytes).is_err());
    }
}
