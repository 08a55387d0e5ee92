//! Arbitrary bytes never verify as a cookie under a fixed key ring, and never panic, whatever the
//! time, peer or protocol they are opened for.
#![no_main]

use core::net::{IpAddr, Ipv6Addr, SocketAddr};
use core::time::Duration;
use hellogate_cookie::{CookieConfig, CookieJar, HelloFields, HrrBinding, HrrProtocol, KeyRing};
use libfuzzer_sys::fuzz_target;

fn jar(refreshed_at: Option<Duration>) -> CookieJar {
    let mut ring = KeyRing::from_master_secret(&[0x42; 32], Duration::from_secs(3600))
        .expect("valid secret and period");
    if let Some(now) = refreshed_at {
        ring.refresh(now);
    }
    CookieJar::new(ring, CookieConfig::default()).expect("valid config")
}

fuzz_target!(|data: &[u8]| {
    // The first 10 bytes choose the time and the peer; the rest is the cookie.
    let (now_ms, port, ip_byte, cookie) = match data {
        [a, b, c, d, e, f, p0, p1, ip, rest @ ..] => (
            u64::from_be_bytes([0, 0, *a, *b, *c, *d, *e, *f]),
            u16::from_be_bytes([*p0, *p1]),
            *ip,
            rest,
        ),
        _ => (1_700_000_000_000, 4433, 7, data),
    };
    let now = Duration::from_millis(now_ms);
    let peer = SocketAddr::new(
        IpAddr::V6(Ipv6Addr::new(
            0x2001,
            0xdb8,
            0,
            0,
            0,
            0,
            0,
            u16::from(ip_byte),
        )),
        port,
    );
    let random = [7u8; 32];
    let fields = HelloFields {
        client_version: 0xfefd,
        random: &random,
        session_id: &[],
        cipher_suites: &[0xc0, 0x2b],
        compression_methods: &[0],
    };
    let jar = jar(if ip_byte & 1 == 0 { Some(now) } else { None });
    // Half the time, give the bytes the key id the ring accepts now, so the fuzzer spends its
    // effort on the MAC and what follows rather than on guessing the epoch byte.
    let mut patched = cookie.to_vec();
    if ip_byte & 2 == 0 {
        if let Some(id) = patched.get_mut(1) {
            *id = jar.ring().sealing_key_id(now);
        }
    }
    let binding = HrrBinding {
        hello: fields,
        key_share_groups: &[0x001d],
    };
    assert!(jar.open_dtls12(now, peer, &fields, &patched).is_err());
    assert!(
        jar.open_dtls12_prefix(now, peer, &fields.prefix(), &patched)
            .is_err()
    );
    assert!(
        jar.open_hrr(now, peer, HrrProtocol::Tls13, &binding, &patched)
            .is_err()
    );
    assert!(
        jar.open_hrr(now, peer, HrrProtocol::Dtls13, &binding, &patched)
            .is_err()
    );
});
