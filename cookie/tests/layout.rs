//! The documented byte layouts, rebuilt here from their description with the RustCrypto
//! primitives directly, so a change to the wire format cannot slip by unnoticed.

mod common;

use common::*;
use hellogate_cookie::HrrProtocol;
use hkdf::Hkdf;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The epoch key, as the README describes its derivation.
fn epoch_key(secret: &[u8], period_ms: u64, epoch: u64) -> [u8; 32] {
    let hk = Hkdf::<Sha256>::new(Some(b"hellogate-cookie v1 master secret"), secret);
    let mut info = Vec::new();
    info.extend_from_slice(b"hellogate-cookie v1 epoch key");
    info.extend_from_slice(&period_ms.to_be_bytes());
    info.extend_from_slice(&epoch.to_be_bytes());
    let mut okm = [0u8; 32];
    hk.expand(&info, &mut okm).unwrap();
    okm
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut m = Hmac::<Sha256>::new_from_slice(key).unwrap();
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().into()
}

/// 192.0.2.7:4433 as the MAC binds it: IPv4-mapped IPv6, then the port.
const BOUND_PEER: [u8; 18] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 7, 0x11, 0x51,
];

fn hint() -> u8 {
    BOUND_PEER.iter().fold(0, |h, b| h ^ b)
}

fn header(format: u8, epoch: u64) -> Vec<u8> {
    let now_ms: u64 = 1_700_000_000_000;
    let mut h = vec![format, epoch as u8];
    h.extend_from_slice(&((now_ms % (1 << 32)) as u32).to_be_bytes());
    h.push(hint());
    h
}

#[test]
fn dtls12_cookie_matches_its_documented_layout() {
    let epoch = 1_700_000_000 / 3600;
    let key = epoch_key(&SECRET, 3_600_000, epoch);
    let body = header(0x11, epoch);
    let len32 = |n: usize| (n as u32).to_be_bytes();
    let mac = hmac(
        &key,
        &[
            &body,
            &[0], // IP-and-port binding
            &BOUND_PEER,
            &[0xfe, 0xfd],
            &RANDOM,
            &len32(SESSION_ID.len()),
            &len32(SUITES.len()),
            &len32(COMPRESSION.len()),
            &SESSION_ID,
            &SUITES,
            &COMPRESSION,
        ],
    );
    let mut expected = body.clone();
    expected.extend_from_slice(&mac[..25]);
    assert_eq!(expected.len(), 32);
    assert_eq!(seal12(&jar(), NOW, peer()).to_vec(), expected);
}

#[test]
fn hrr_cookies_match_their_documented_layout() {
    let epoch = 1_700_000_000 / 3600;
    let key = epoch_key(&SECRET, 3_600_000, epoch);
    for (format, protocol, params, flags) in [
        (0x12, HrrProtocol::Tls13, params256(), 0x01u8),
        (0x13, HrrProtocol::Dtls13, params384(), 0x02u8),
    ] {
        let mut body = header(format, epoch);
        body.push(flags);
        body.extend_from_slice(&params.cipher_suite.to_be_bytes());
        body.extend_from_slice(&params.group.to_be_bytes());
        body.extend_from_slice(params.ch1_hash);
        let mac = hmac(&key, &[&body, &[0], &BOUND_PEER]);
        let mut expected = body.clone();
        expected.extend_from_slice(&mac[..16]);
        assert_eq!(expected.len(), 28 + params.ch1_hash.len());
        assert_eq!(seal_hrr(&jar(), NOW, peer(), protocol, &params), expected);
    }
}
