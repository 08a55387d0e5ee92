//! DTLS 1.3 end to end with a real RFC 9147 client: `dimpl` 0.9, driven in process.
//!
//! dimpl's ClientHello1 goes to our listener, our HelloRetryRequest goes back to dimpl, and
//! dimpl's ClientHello2 (carrying our cookie) goes to a *fresh* listener built from the same
//! secret, which must accept it and hand on a transcript prefix that hashes, with
//! ClientHello2, to what RFC 8446 section 4.4.1 / RFC 9147 section 5.2 say.
//!
//! dimpl pads its ClientHellos to its MTU and tolerates some HelloRetryRequests a client
//! must reject (MANIFEST.md), so its acceptance of our HRR is necessary, not sufficient:
//! every field of the HRR is also checked here from the bytes.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use hellogate_codec::{
    AlertDescription, CipherSuite, ClientHello, DtlsHandshake, DtlsRecords, Flavor, HandshakeType,
    NamedGroup, ProtocolVersion, ServerHello,
};
use hellogate_cookie::CookieError;
use hellogate_machine::{
    AcceptedHello, Config, Continuation, Decision, HrrKeyShare, MAX_OUTPUT_LEN, Reason, ReplyKind,
};
use sha2::{Digest, Sha256};

/// Polls `dtls` until it reports its next timer; returns the datagrams it sent.
fn drain(dtls: &mut dimpl::Dtls) -> Vec<Vec<u8>> {
    let mut buf = vec![0u8; 2048];
    let mut sent = Vec::new();
    loop {
        match dtls.poll_output(&mut buf) {
            dimpl::Output::Packet(p) => sent.push(p.to_vec()),
            dimpl::Output::BufferTooSmall { needed } => buf.resize(needed, 0),
            dimpl::Output::Timeout(_) => return sent,
            _ => {}
        }
    }
}

/// A dimpl client (1.3 only, or `new_auto` offering 1.3 and 1.2) with its ClientHello1 built.
fn client(auto: bool, now: Instant) -> dimpl::Dtls {
    let cert = dimpl::certificate::generate_self_signed_certificate().unwrap();
    let config = Arc::new(dimpl::Config::default());
    let mut dtls = if auto {
        dimpl::Dtls::new_auto(config, cert, now)
    } else {
        dimpl::Dtls::new_13(config, cert, now)
    };
    dtls.set_active(true);
    dtls.handle_timeout(now).unwrap();
    dtls
}

fn one(what: &str, mut datagrams: Vec<Vec<u8>>) -> Vec<u8> {
    assert_eq!(datagrams.len(), 1, "{what}: one datagram expected");
    datagrams.remove(0)
}

/// The single handshake message of a datagram: (msg_type, message_seq, body).
fn message(datagram: &[u8]) -> (HandshakeType, u16, Vec<u8>) {
    let rec = DtlsRecords::new(datagram).next().unwrap().unwrap();
    let (hs, _) = DtlsHandshake::parse(rec.fragment).unwrap();
    assert!(hs.is_complete(), "unfragmented message expected");
    (hs.msg_type, hs.message_seq, hs.fragment.to_vec())
}

/// A handshake message as TLS 1.3 and DTLS 1.3 hash it: type, uint24 length, body
/// (RFC 9147 section 5.2 leaves message_seq and the fragment fields out).
fn tls_form(msg_type: u8, body: &[u8]) -> Vec<u8> {
    let len = (body.len() as u32).to_be_bytes();
    let mut v = vec![msg_type, len[1], len[2], len[3]];
    v.extend_from_slice(body);
    v
}

/// Runs one whole exchange and checks every step; returns the accepted CH2 datagram and
/// the listener config, for follow-up checks.
fn exchange(policy: HrrKeyShare, auto: bool) -> (Vec<u8>, Config) {
    let what = format!("{policy:?} auto={auto}");
    let now = Instant::now();
    let mut c = client(auto, now);
    let ch1 = one("CH1", drain(&mut c));

    // The premise behind the expected group below: dimpl sends one X25519 share and also
    // supports secp256r1 (the config's second choice) without a share.
    let (t, mseq, ch1_body) = message(&ch1);
    assert_eq!((t, mseq), (HandshakeType::CLIENT_HELLO, 0), "{what}");
    let ch1_view = ClientHello::parse(&ch1_body, Flavor::Dtls).unwrap();
    let shares: Vec<NamedGroup> = ch1_view
        .known
        .key_shares
        .unwrap()
        .iter()
        .map(|e| e.group)
        .collect();
    assert_eq!(shares, [NamedGroup::X25519], "{what}");
    assert!(
        ch1_view
            .known
            .supported_groups
            .unwrap()
            .contains(NamedGroup::SECP256R1)
    );
    assert!(ch1_view.offers_version(ProtocolVersion::DTLS1_3), "{what}");
    // Server preference (default config): X25519, then secp256r1. NewGroup names the best
    // group without a share; CookieOnly keeps the share the client sent.
    let (want_group, want_key_share) = match policy {
        HrrKeyShare::NewGroup => (NamedGroup::SECP256R1, true),
        HrrKeyShare::CookieOnly => (NamedGroup::X25519, false),
    };
    let want_suite = CipherSuite::TLS_AES_128_GCM_SHA256;

    let config = Config {
        hrr_key_share: policy,
        ..Config::default()
    };
    let l = listener(config.clone());
    let mut out = [0u8; MAX_OUTPUT_LEN];
    let d = l.handle_datagram(NOW, peer(), &ch1, &mut out);
    let Decision::Reply {
        kind,
        len,
        consumed,
    } = d
    else {
        panic!("{what}: {}", describe(&d, &out))
    };
    assert_eq!(kind, ReplyKind::HelloRetryRequest, "{what}");
    assert_eq!(consumed, ch1.len(), "{what}");
    assert!(len <= ch1.len(), "{what}: HRR {len} > CH1 {}", ch1.len());
    let hrr = out[..len].to_vec();

    // The HRR, read back from the bytes (RFC 9147 section 5.3 and RFC 8446 section 4.1.4).
    let rec = DtlsRecords::new(&hrr).next().unwrap().unwrap();
    assert_eq!(
        (rec.header.epoch, rec.header.sequence_number),
        (0, 0),
        "{what}"
    );
    assert_eq!(rec.offset + 13 + rec.fragment.len(), hrr.len(), "{what}");
    let (t, mseq, hrr_body) = message(&hrr);
    assert_eq!((t, mseq), (HandshakeType::SERVER_HELLO, 0), "{what}");
    let sh = ServerHello::parse(&hrr_body).unwrap();
    assert!(sh.is_hello_retry_request(), "{what}");
    assert_eq!(sh.legacy_version, ProtocolVersion::DTLS1_2, "{what}");
    assert!(sh.legacy_session_id_echo.is_empty(), "{what}");
    assert_eq!(sh.cipher_suite, want_suite, "{what}");
    assert_eq!(sh.selected_version(), Some(ProtocolVersion::DTLS1_3));
    assert_eq!(
        sh.selected_group(),
        want_key_share.then_some(want_group),
        "{what}"
    );
    assert!(sh.cookie().is_some_and(|c| !c.is_empty()), "{what}");

    // dimpl takes our HRR and answers with CH2.
    c.handle_packet(&hrr)
        .unwrap_or_else(|e| panic!("{what}: dimpl refused our HRR: {e:?}"));
    let ch2 = one("CH2", drain(&mut c));
    let (t, mseq, ch2_body) = message(&ch2);
    assert_eq!((t, mseq), (HandshakeType::CLIENT_HELLO, 1), "{what}");

    // A fresh listener with the same secret accepts it: the cookie carried everything.
    let fresh = listener(config.clone());
    let mut out2 = [0u8; MAX_OUTPUT_LEN];
    let d = fresh.handle_datagram(NOW + Duration::from_millis(120), peer(), &ch2, &mut out2);
    let Decision::Accept(a) = d else {
        panic!("{what}: {}", describe(&d, &out2))
    };
    assert!(a.validated, "{what}");
    assert_eq!(a.version, ProtocolVersion::DTLS1_3, "{what}");
    assert_eq!(a.peer, peer());
    assert_eq!(a.consumed, ch2.len(), "{what}");
    let AcceptedHello::Whole(ch2_view) = a.client_hello else {
        panic!("{what}: whole CH2 expected")
    };
    assert_eq!(ch2_view.known.cookie, sh.cookie(), "{what}");
    assert_eq!(ch2_view.random, ch1_view.random, "{what}");
    let Continuation::Hrr13 {
        cipher_suite,
        group,
        key_share_in_hrr,
        transcript_len,
        hrr_offset,
        cookie_age,
    } = a.continuation
    else {
        panic!("{what}: {:?}", a.continuation)
    };
    assert_eq!(
        (cipher_suite, group, key_share_in_hrr),
        (want_suite, want_group, want_key_share),
        "{what}"
    );
    assert_eq!(cookie_age, Duration::from_millis(120), "{what}");
    // CH2's share is for the group the HRR settled on (one share when the HRR named it).
    let ch2_shares: Vec<NamedGroup> = ch2_view
        .known
        .key_shares
        .unwrap()
        .iter()
        .map(|e| e.group)
        .collect();
    assert_eq!(ch2_shares, [want_group], "{what}");

    // a.message is CH2 as received (12-byte DTLS header), body unchanged.
    assert_eq!(a.message.len(), 12 + ch2_body.len(), "{what}");
    assert_eq!(&a.message[12..], &ch2_body[..], "{what}");

    // The transcript prefix: message_hash(Hash(CH1)) then the HRR we sent, in TLS form.
    let ch1_tls = tls_form(1, &ch1_body);
    let hrr_tls = tls_form(2, &hrr_body);
    let ch2_tls = tls_form(1, &ch2_body);
    assert_eq!(
        &out2[hrr_offset..transcript_len],
        &hrr_tls[..],
        "{what}: HRR rebuilt"
    );
    let mut expected = Sha256::new();
    expected.update([254, 0, 0, 32]);
    expected.update(Sha256::digest(&ch1_tls));
    expected.update(&hrr_tls);
    expected.update(&ch2_tls);
    let ours = Sha256::new()
        .chain_update(&out2[..transcript_len])
        .chain_update(&ch2_tls)
        .finalize();
    assert_eq!(ours, expected.finalize(), "{what}: transcript");
    (ch2, config)
}

/// The same CH2 from another port of the same host: RFC 9147 section 5.1 says an invalid
/// cookie ends the handshake with illegal_parameter; ours is bound to IP and port.
fn other_port_is_refused(ch2: &[u8], config: Config) {
    let l = listener(config);
    let other: SocketAddr = "127.0.0.1:40001".parse().unwrap();
    let mut out = [0u8; MAX_OUTPUT_LEN];
    let d = l.handle_datagram(NOW, other, ch2, &mut out);
    let Decision::Alert { alert, len, reason } = d else {
        panic!("{}", describe(&d, &out))
    };
    assert_eq!(alert, AlertDescription::ILLEGAL_PARAMETER);
    assert_eq!(reason, Reason::Cookie(CookieError::WrongPeer));
    // A fatal alert record in epoch 0: content type 21, level fatal (2), description 47.
    assert_eq!(out[0], 21);
    assert_eq!(&out[len - 2..len], &[2, 47]);
}

#[test]
fn dimpl_13_with_a_new_group_hrr() {
    let (ch2, config) = exchange(HrrKeyShare::NewGroup, false);
    other_port_is_refused(&ch2, config);
}

#[test]
fn dimpl_13_with_a_cookie_only_hrr() {
    let (ch2, config) = exchange(HrrKeyShare::CookieOnly, false);
    other_port_is_refused(&ch2, config);
}

#[test]
fn dimpl_auto_with_a_new_group_hrr() {
    let (ch2, config) = exchange(HrrKeyShare::NewGroup, true);
    other_port_is_refused(&ch2, config);
}

#[test]
fn dimpl_auto_with_a_cookie_only_hrr() {
    let (ch2, config) = exchange(HrrKeyShare::CookieOnly, true);
    other_port_is_refused(&ch2, config);
}
