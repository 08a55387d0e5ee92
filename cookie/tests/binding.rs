//! A cookie verifies only for its own peer, protocol and bound fields.

mod common;

use common::*;
use core::net::SocketAddr;
use core::time::Duration;
use hellogate_cookie::{
    AddressBinding, CookieConfig, CookieError, CookieJar, DTLS12_COOKIE_LEN, HelloFields,
    HelloPrefix, HrrProtocol, KeyRing,
};

const LATER: Duration = Duration::from_millis(1_700_000_000_250);

#[test]
fn dtls12_round_trip_reports_age_and_issue_time() {
    let jar = jar();
    let c = seal12(&jar, NOW, peer());
    let ok = jar.open_dtls12(LATER, peer(), &fields(), &c).unwrap();
    assert_eq!(ok.issued_at, NOW);
    assert_eq!(ok.age, Duration::from_millis(250));
}

#[test]
fn a_prefix_cookie_binds_version_random_and_session_id_only() {
    let jar = jar();
    let prefix = fields().prefix();
    let mut c = [0u8; DTLS12_COOKIE_LEN];
    jar.seal_dtls12_prefix(NOW, peer(), &prefix, &mut c)
        .unwrap();
    assert_eq!(c[0], 0x14);
    // A first fragment of ClientHello2 opens it; a whole ClientHello2 does not, since its
    // suites and compression would go unchecked.
    let ok = jar.open_dtls12_prefix(LATER, peer(), &prefix, &c).unwrap();
    assert!(ok.prefix_only);
    assert_eq!(
        jar.open_dtls12(LATER, peer(), &fields(), &c),
        Err(CookieError::PrefixOnly)
    );
    // It still binds what it binds.
    let random2 = [1u8; 32];
    let changed = HelloPrefix {
        random: &random2,
        ..prefix
    };
    assert_eq!(
        jar.open_dtls12_prefix(LATER, peer(), &changed, &c),
        Err(CookieError::BadMac)
    );
    // A cookie binding the whole ClientHello cannot be checked against a prefix.
    let whole = seal12(&jar, NOW, peer());
    assert!(
        !jar.open_dtls12(LATER, peer(), &fields(), &whole)
            .unwrap()
            .prefix_only
    );
    assert_eq!(
        jar.open_dtls12_prefix(LATER, peer(), &prefix, &whole),
        Err(CookieError::FieldsMissing)
    );
    // The kind byte is MAC input: relabelling a whole cookie as a prefix one fails.
    let mut relabelled = whole;
    relabelled[0] = 0x14;
    assert_eq!(
        jar.open_dtls12_prefix(LATER, peer(), &prefix, &relabelled),
        Err(CookieError::BadMac)
    );
}

#[test]
fn dtls12_cookie_binds_every_repeated_field() {
    let jar = jar();
    let c = seal12(&jar, NOW, peer());
    let random2 = [8u8; 32];
    let sid2 = [9u8; 31];
    let suites2 = [0xc0, 0x2b, 0xc0, 0x2f, 0x00, 0x9e];
    let base = fields();
    let variants = [
        HelloFields {
            client_version: 0xfeff,
            ..base
        },
        HelloFields {
            random: &random2,
            ..base
        },
        HelloFields {
            session_id: &sid2,
            ..base
        },
        HelloFields {
            cipher_suites: &suites2,
            ..base
        },
        HelloFields {
            compression_methods: &[0, 1],
            ..base
        },
        // Moving a byte from one field to the next must not give the same MAC input.
        HelloFields {
            session_id: &SESSION_ID[..31],
            cipher_suites: &[9, 0xc0, 0x2b, 0xc0, 0x2f, 0x00, 0x9e, 0x00, 0xff],
            ..base
        },
    ];
    for v in variants {
        assert_eq!(
            jar.open_dtls12(LATER, peer(), &v, &c),
            Err(CookieError::BadMac),
            "{v:?}"
        );
    }
}

#[test]
fn cookie_for_another_address_is_wrong_peer() {
    let jar = jar();
    let others: [SocketAddr; 3] = [
        "192.0.2.8:4433".parse().unwrap(), // another host, one byte apart
        "192.0.2.7:4434".parse().unwrap(), // same host, another port (NAT rebinding)
        "[2001:db8::7]:4433".parse().unwrap(),
    ];
    let c12 = seal12(&jar, NOW, peer());
    let hrr = seal_hrr(&jar, NOW, peer(), HrrProtocol::Dtls13, &params256());
    for other in others {
        let e12 = jar.open_dtls12(LATER, other, &fields(), &c12).unwrap_err();
        let e13 = jar
            .open_hrr(LATER, other, HrrProtocol::Dtls13, &binding(), &hrr)
            .unwrap_err();
        // The hint tells single-byte differences apart for sure; others at least fail the MAC.
        assert!(matches!(e12, CookieError::WrongPeer | CookieError::BadMac));
        assert!(matches!(e13, CookieError::WrongPeer | CookieError::BadMac));
    }
    assert_eq!(
        jar.open_dtls12(LATER, others[0], &fields(), &c12),
        Err(CookieError::WrongPeer)
    );
    assert_eq!(
        jar.open_hrr(LATER, others[1], HrrProtocol::Dtls13, &binding(), &hrr),
        Err(CookieError::WrongPeer)
    );
}

#[test]
fn ipv4_and_its_mapped_ipv6_form_are_the_same_peer() {
    let jar = jar();
    let v4: SocketAddr = "192.0.2.7:4433".parse().unwrap();
    let mapped: SocketAddr = "[::ffff:192.0.2.7]:4433".parse().unwrap();
    let c = seal12(&jar, NOW, v4);
    assert!(jar.open_dtls12(LATER, mapped, &fields(), &c).is_ok());
    let h = seal_hrr(&jar, NOW, mapped, HrrProtocol::Tls13, &params256());
    assert!(
        jar.open_hrr(LATER, v4, HrrProtocol::Tls13, &binding(), &h)
            .is_ok()
    );
}

#[test]
fn ip_only_binding_accepts_another_port_but_not_another_host() {
    let config = CookieConfig::new(
        Duration::from_secs(30),
        Duration::from_secs(2),
        AddressBinding::IpOnly,
    )
    .unwrap();
    let jar = CookieJar::new(
        KeyRing::from_master_secret(&SECRET, PERIOD).unwrap(),
        config,
    )
    .unwrap();
    let c = seal12(&jar, NOW, peer());
    let rebound: SocketAddr = "192.0.2.7:60000".parse().unwrap();
    assert!(jar.open_dtls12(LATER, rebound, &fields(), &c).is_ok());
    let other_host: SocketAddr = "192.0.2.9:4433".parse().unwrap();
    assert_eq!(
        jar.open_dtls12(LATER, other_host, &fields(), &c),
        Err(CookieError::WrongPeer)
    );
    // The binding mode is MAC input: an IP-and-port jar with the same keys refuses the cookie
    // (its hint covers the port, so the refusal may read as WrongPeer).
    assert!(matches!(
        common::jar().open_dtls12(LATER, peer(), &fields(), &c),
        Err(CookieError::BadMac | CookieError::WrongPeer)
    ));
}

#[test]
fn hrr_round_trip_returns_every_bound_field() {
    let jar = jar();
    for (protocol, params) in [
        (HrrProtocol::Tls13, params256()),
        (HrrProtocol::Dtls13, params384()),
    ] {
        let c = seal_hrr(&jar, NOW, peer(), protocol, &params);
        assert_eq!(c.len(), 28 + params.ch1_hash.len());
        let ok = jar
            .open_hrr(LATER, peer(), protocol, &binding(), &c)
            .unwrap();
        assert_eq!(ok.protocol, protocol);
        assert_eq!(ok.cipher_suite, params.cipher_suite);
        assert_eq!(ok.group, params.group);
        assert_eq!(ok.key_share_in_hrr, params.key_share_in_hrr);
        assert_eq!(ok.ch1_hash(), params.ch1_hash);
        assert_eq!(ok.issued_at, NOW);
        assert_eq!(ok.age, Duration::from_millis(250));
    }
}

#[test]
fn hrr_cookie_for_the_other_protocol_is_wrong_protocol() {
    let jar = jar();
    let tls = seal_hrr(&jar, NOW, peer(), HrrProtocol::Tls13, &params256());
    let dtls = seal_hrr(&jar, NOW, peer(), HrrProtocol::Dtls13, &params256());
    assert_eq!(
        jar.open_hrr(LATER, peer(), HrrProtocol::Dtls13, &binding(), &tls),
        Err(CookieError::WrongProtocol)
    );
    assert_eq!(
        jar.open_hrr(LATER, peer(), HrrProtocol::Tls13, &binding(), &dtls),
        Err(CookieError::WrongProtocol)
    );
    // WrongProtocol is only said of authentic cookies: a forged one is a MAC failure.
    let mut forged = dtls.clone();
    forged[20] ^= 1;
    assert_eq!(
        jar.open_hrr(LATER, peer(), HrrProtocol::Tls13, &binding(), &forged),
        Err(CookieError::BadMac)
    );
}

#[test]
fn cookies_of_the_other_kind_are_wrong_protocol() {
    let jar = jar();
    let c12 = seal12(&jar, NOW, peer());
    let hrr = seal_hrr(&jar, NOW, peer(), HrrProtocol::Dtls13, &params256());
    assert_eq!(
        jar.open_hrr(LATER, peer(), HrrProtocol::Dtls13, &binding(), &c12),
        Err(CookieError::WrongProtocol)
    );
    assert_eq!(
        jar.open_dtls12(LATER, peer(), &fields(), &hrr),
        Err(CookieError::WrongProtocol)
    );
}

#[test]
fn the_same_cookie_is_sealed_whether_keys_are_cached_or_derived() {
    // One ring refreshed, one never refreshed: same keys, same bytes.
    let cached = jar();
    let uncached = CookieJar::new(
        KeyRing::from_master_secret(&SECRET, PERIOD).unwrap(),
        CookieConfig::default(),
    )
    .unwrap();
    assert_eq!(seal12(&cached, NOW, peer()), seal12(&uncached, NOW, peer()));
    let c = seal_hrr(&uncached, NOW, peer(), HrrProtocol::Tls13, &params384());
    assert!(
        cached
            .open_hrr(LATER, peer(), HrrProtocol::Tls13, &binding(), &c)
            .is_ok()
    );
}
