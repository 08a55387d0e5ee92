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

/// 192.0.2.7:4433 as the MAC binds it: the binding byte (IP and port, IPv4), the four address
/// bytes, then the port.
const BINDING: [u8; 1] = [0];
const BOUND_PEER: [u8; 6] = [192, 0, 2, 7, 0x11, 0x51];

/// Bits 32..48 of the issue time in milliseconds.
const ERA: [u8; 2] = [
    ((1_700_000_000_000u64 >> 32) >> 8) as u8,
    (1_700_000_000_000u64 >> 32) as u8,
];

fn hint() -> u8 {
    BOUND_PEER.iter().fold(BINDING[0], |h, b| h ^ b)
}

fn header(format: u8, epoch: u64) -> Vec<u8> {
    let now_ms: u64 = 1_700_000_000_000;
    let mut h = vec![format, epoch as u8];
    h.extend_from_slice(&((now_ms % (1 << 32)) as u32).to_be_bytes());
    h.push(hint());
    h
}

/// client_version, random and session_id with its length byte.
fn prefix_wire() -> Vec<u8> {
    let mut v = vec![0xfe, 0xfd];
    v.extend_from_slice(&RANDOM);
    v.push(SESSION_ID.len() as u8);
    v.extend_from_slice(&SESSION_ID);
    v
}

/// The prefix, then cipher_suites and compression_methods with their wire lengths.
fn fields_wire() -> Vec<u8> {
    let mut v = prefix_wire();
    v.extend_from_slice(&(SUITES.len() as u16).to_be_bytes());
    v.extend_from_slice(&SUITES);
    v.push(COMPRESSION.len() as u8);
    v.extend_from_slice(&COMPRESSION);
    v
}

#[test]
fn dtls12_cookie_matches_its_documented_layout() {
    let epoch = 1_700_000_000 / 3600;
    let key = epoch_key(&SECRET, 3_600_000, epoch);
    for (format, bound, prefix_only) in [(0x11, fields_wire(), false), (0x14, prefix_wire(), true)]
    {
        let body = header(format, epoch);
        let mac = hmac(&key, &[&body, &BINDING, &BOUND_PEER, &ERA, &bound]);
        let mut expected = body.clone();
        expected.extend_from_slice(&mac[..25]);
        assert_eq!(expected.len(), 32);
        let mut out = [0u8; 32];
        if prefix_only {
            jar()
                .seal_dtls12_prefix(NOW, peer(), &fields().prefix(), &mut out)
                .unwrap();
        } else {
            out = seal12(&jar(), NOW, peer());
        }
        assert_eq!(out.to_vec(), expected, "format {format:#x}");
    }
}

#[test]
fn hrr_cookies_match_their_documented_layout() {
    let epoch = 1_700_000_000 / 3600;
    let key = epoch_key(&SECRET, 3_600_000, epoch);
    // params256 selects a group (flags 0x01): the key share groups are not bound.
    // params384 is cookie-only with SHA-384 (flags 0x02): they are, count first.
    let mut groups = (KEY_SHARE_GROUPS.len() as u16).to_be_bytes().to_vec();
    for g in KEY_SHARE_GROUPS {
        groups.extend_from_slice(&g.to_be_bytes());
    }
    for (format, protocol, params, flags, tail) in [
        (0x12, HrrProtocol::Tls13, params256(), 0x01u8, vec![]),
        (0x13, HrrProtocol::Dtls13, params384(), 0x02u8, groups),
    ] {
        let mut body = header(format, epoch);
        body.push(flags);
        body.extend_from_slice(&params.cipher_suite.to_be_bytes());
        body.extend_from_slice(&params.group.to_be_bytes());
        body.extend_from_slice(params.ch1_hash);
        let mac = hmac(
            &key,
            &[&body, &BINDING, &BOUND_PEER, &ERA, &fields_wire(), &tail],
        );
        let mut expected = body.clone();
        expected.extend_from_slice(&mac[..16]);
        assert_eq!(expected.len(), 28 + params.ch1_hash.len());
        assert_eq!(seal_hrr(&jar(), NOW, peer(), protocol, &params), expected);
    }
}

#[test]
fn ipv6_peers_bind_sixteen_address_bytes() {
    let epoch = 1_700_000_000 / 3600;
    let key = epoch_key(&SECRET, 3_600_000, epoch);
    let v6: core::net::SocketAddr = "[2001:db8::7]:4433".parse().unwrap();
    let mut bound = vec![0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7];
    bound.extend_from_slice(&4433u16.to_be_bytes());
    let binding = [2u8]; // IP and port, IPv6
    let hint = bound.iter().fold(binding[0], |h, b| h ^ b);
    let now_ms: u64 = 1_700_000_000_000;
    let mut body = vec![0x11, epoch as u8];
    body.extend_from_slice(&((now_ms % (1 << 32)) as u32).to_be_bytes());
    body.push(hint);
    let mac = hmac(&key, &[&body, &binding, &bound, &ERA, &fields_wire()]);
    body.extend_from_slice(&mac[..25]);
    assert_eq!(seal12(&jar(), NOW, v6).to_vec(), body);
}
