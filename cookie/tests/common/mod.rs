//! Shared fixtures for the integration tests.
#![allow(dead_code)]

use core::net::SocketAddr;
use core::time::Duration;
use hellogate_cookie::{
    CookieConfig, CookieJar, DTLS12_COOKIE_LEN, HRR_COOKIE_MAX_LEN, HelloFields, HrrBinding,
    HrrParams, HrrProtocol, KeyRing,
};

pub const SECRET: [u8; 32] = [0x42; 32];
pub const OTHER_SECRET: [u8; 32] = [0x24; 32];
pub const PERIOD: Duration = Duration::from_secs(3600);
/// 2023-11-14T22:13:20Z, in the middle of an epoch of PERIOD.
pub const NOW: Duration = Duration::from_secs(1_700_000_000);
pub const RANDOM: [u8; 32] = [7; 32];
pub const SESSION_ID: [u8; 32] = [9; 32];
pub const SUITES: [u8; 8] = [0xc0, 0x2b, 0xc0, 0x2f, 0x00, 0x9e, 0x00, 0xff];
pub const COMPRESSION: [u8; 1] = [0];
pub const HASH256: [u8; 32] = [0xab; 32];
pub const HASH384: [u8; 48] = [0xcd; 48];

pub fn peer() -> SocketAddr {
    "192.0.2.7:4433".parse().unwrap()
}

pub fn master_jar(secret: &[u8]) -> CookieJar {
    let mut ring = KeyRing::from_master_secret(secret, PERIOD).unwrap();
    ring.refresh(NOW);
    CookieJar::new(ring, CookieConfig::default()).unwrap()
}

pub fn jar() -> CookieJar {
    master_jar(&SECRET)
}

pub fn operator_jar() -> CookieJar {
    let ring = KeyRing::from_key(7, &[0x77; 40]).unwrap();
    CookieJar::new(ring, CookieConfig::default()).unwrap()
}

pub const KEY_SHARE_GROUPS: [u16; 2] = [0x001d, 0x0017];

pub fn fields() -> HelloFields<'static> {
    HelloFields {
        client_version: 0xfefd,
        random: &RANDOM,
        session_id: &SESSION_ID,
        cipher_suites: &SUITES,
        compression_methods: &COMPRESSION,
    }
}

/// What ClientHello1 and an unchanged ClientHello2 give a HelloRetryRequest cookie to bind.
pub fn binding() -> HrrBinding<'static> {
    HrrBinding {
        hello: fields(),
        key_share_groups: &KEY_SHARE_GROUPS,
    }
}

/// An HRR that selects a group (key_share_in_hrr), SHA-256 suite.
pub fn params256() -> HrrParams<'static> {
    HrrParams {
        cipher_suite: 0x1301,
        group: 0x001d,
        key_share_in_hrr: true,
        ch1_hash: &HASH256,
        binding: binding(),
    }
}

/// A cookie-only HRR (binds the key share groups), SHA-384 suite.
pub fn params384() -> HrrParams<'static> {
    HrrParams {
        cipher_suite: 0x1302,
        group: 0x0017,
        key_share_in_hrr: false,
        ch1_hash: &HASH384,
        binding: binding(),
    }
}

pub fn seal12(jar: &CookieJar, now: Duration, peer: SocketAddr) -> [u8; DTLS12_COOKIE_LEN] {
    let mut out = [0u8; DTLS12_COOKIE_LEN];
    let n = jar.seal_dtls12(now, peer, &fields(), &mut out).unwrap();
    assert_eq!(n, DTLS12_COOKIE_LEN);
    out
}

pub fn seal_hrr(
    jar: &CookieJar,
    now: Duration,
    peer: SocketAddr,
    protocol: HrrProtocol,
    params: &HrrParams<'_>,
) -> Vec<u8> {
    let mut out = [0u8; HRR_COOKIE_MAX_LEN];
    let n = jar.seal_hrr(now, peer, protocol, params, &mut out).unwrap();
    out[..n].to_vec()
}

/// Every cookie kind this crate seals, with a way to open it, for the exhaustive mutation tests.
pub enum Sealed {
    Dtls12(Vec<u8>),
    Dtls12Prefix(Vec<u8>),
    Hrr(HrrProtocol, Vec<u8>),
}

impl Sealed {
    pub fn bytes(&self) -> &[u8] {
        match self {
            Sealed::Dtls12(b) | Sealed::Dtls12Prefix(b) | Sealed::Hrr(_, b) => b,
        }
    }

    /// Opens `bytes` the way this kind of cookie is opened, at `now` from `peer()`.
    pub fn open(&self, jar: &CookieJar, now: Duration, bytes: &[u8]) -> bool {
        match self {
            Sealed::Dtls12(_) => jar.open_dtls12(now, peer(), &fields(), bytes).is_ok(),
            Sealed::Dtls12Prefix(_) => jar
                .open_dtls12_prefix(now, peer(), &fields().prefix(), bytes)
                .is_ok(),
            Sealed::Hrr(p, _) => jar.open_hrr(now, peer(), *p, &binding(), bytes).is_ok(),
        }
    }
}

pub fn all_kinds(jar: &CookieJar) -> Vec<Sealed> {
    let mut prefix = [0u8; DTLS12_COOKIE_LEN];
    jar.seal_dtls12_prefix(NOW, peer(), &fields().prefix(), &mut prefix)
        .unwrap();
    vec![
        Sealed::Dtls12(seal12(jar, NOW, peer()).to_vec()),
        Sealed::Dtls12Prefix(prefix.to_vec()),
        Sealed::Hrr(
            HrrProtocol::Tls13,
            seal_hrr(jar, NOW, peer(), HrrProtocol::Tls13, &params256()),
        ),
        Sealed::Hrr(
            HrrProtocol::Dtls13,
            seal_hrr(jar, NOW, peer(), HrrProtocol::Dtls13, &params384()),
        ),
    ]
}
