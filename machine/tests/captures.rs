//! What the machine decides for every real capture, and the stateless round trip: our
//! reply, then the client's real ClientHello2 carrying our cookie instead of the one the
//! capture's server made, accepted by a fresh listener or gate built from the same secret.

mod common;

use common::*;
use hellogate_codec::{ClientHello, Framing, NamedGroup};
use hellogate_machine::{Config, Continuation, Decision, HrrKeyShare, MAX_OUTPUT_LEN};
use hellogate_testvectors::{Capture, Kind};
use sha2::{Digest, Sha256, Sha384};

fn decide(c: &Capture) -> String {
    let l = listener(Config::default());
    if c.is_datagram() {
        let mut out = [0u8; MAX_OUTPUT_LEN];
        let d = l.handle_datagram(NOW, peer(), c.bytes, &mut out);
        describe(&d, &out)
    } else {
        let mut gate = l.stream();
        feed_all(&l, &mut gate, c.bytes)
            .into_iter()
            .map(|(s, _)| s)
            .collect()
    }
}

#[test]
fn every_client_capture_gets_a_snapshotted_decision() {
    let mut n = 0;
    for c in hellogate_testvectors::all()
        .iter()
        .filter(|c| c.kind.is_from_client())
    {
        let s = decide(c);
        insta::assert_snapshot!(c.name, s);
        n += 1;
        // The rules the snapshots must show, asserted independently of them:
        match (c.protocol.is_datagram(), c.kind) {
            // No client capture's first flight is accepted: none carries our cookie.
            (_, Kind::Ch1) => assert!(s.starts_with("reply"), "{}: {s}", c.name),
            // DTLS 1.2: OpenSSL's cookie is an invalid cookie, answered with a new HVR.
            (true, Kind::Ch2) if c.name.starts_with("dtls12") => {
                assert!(s.starts_with("reply HelloVerifyRequest"), "{}: {s}", c.name)
            }
            // TLS 1.3 / DTLS 1.3: a foreign cookie is refused with illegal_parameter.
            (_, Kind::Ch2 | Kind::Ch2Flight) => {
                assert!(
                    s.contains("alert illegal_parameter reason=bad_cookie"),
                    "{}: {s}",
                    c.name
                )
            }
            _ => {}
        }
    }
    assert!(n >= 20, "{n}");
}

/// The config under which the capture's server would have produced the HRR the client
/// answered: same group choice, so the client's real CH2 fits our cookie.
fn config_like(hrr_group: Option<NamedGroup>, ch1: &ClientHello<'_>) -> Config {
    let mut config = Config::default();
    match hrr_group {
        Some(g) => {
            config.groups = vec![g];
            config.hrr_key_share = HrrKeyShare::NewGroup;
        }
        None => {
            let first = ch1.known.key_shares.unwrap().iter().next().unwrap().group;
            config.groups = vec![first];
            config.hrr_key_share = HrrKeyShare::CookieOnly;
        }
    }
    config
}

fn hrr_group(c: &Capture) -> Option<NamedGroup> {
    let reply = c.bytes;
    let body = if reply[1] == 0xfe {
        let rec = hellogate_codec::DtlsRecords::new(reply)
            .next()
            .unwrap()
            .unwrap();
        hellogate_codec::DtlsHandshake::parse(rec.fragment)
            .unwrap()
            .0
            .fragment
    } else {
        let (rec, _) = hellogate_codec::TlsRecord::parse(reply).unwrap();
        hellogate_codec::Handshake::parse(rec.fragment)
            .unwrap()
            .0
            .body
    };
    hellogate_codec::ServerHello::parse(body)
        .unwrap()
        .selected_group()
}

#[test]
fn tls13_round_trip_through_a_fresh_gate() {
    let mut done = 0;
    for scenario in hellogate_testvectors::scenarios().filter(|s| s.starts_with("tls13_")) {
        let get = |k: Kind| hellogate_testvectors::scenario(scenario).find(|c| c.kind == k);
        let (Some(ch1), Some(hrr), Some(ch2)) = (get(Kind::Ch1), get(Kind::Hrr), get(Kind::Ch2))
        else {
            continue;
        };
        let ch1_view = tls_ch(ch1.bytes);
        let l = listener(config_like(hrr_group(hrr), &ch1_view));

        // Flight 1 through one gate.
        let mut gate = l.stream();
        let replies = feed_all(&l, &mut gate, ch1.bytes);
        assert_eq!(replies.len(), 1, "{scenario}");
        let reply = &replies[0].1;
        assert!(reply.len() <= ch1.bytes.len(), "{scenario}: amplification");
        let cookie = reply_cookie(reply);

        // Flight 2 through a fresh gate: the client's CCS (if it sent one) then CH2 with our cookie.
        let ch2_view = tls_ch(ch2.bytes);
        let new_ch2 = tls_ch_record(&with_cookie(&ch2_view, &cookie));
        let mut flight = Vec::new();
        if get(Kind::Ch2Flight).is_some() {
            flight.extend_from_slice(&[0x14, 3, 3, 0, 1, 1]);
        }
        flight.extend_from_slice(&new_ch2);
        let mut fresh = l.stream();
        let mut out = [0u8; MAX_OUTPUT_LEN];
        let d = fresh.feed(
            &l,
            NOW + std::time::Duration::from_millis(150),
            peer(),
            &flight,
            &mut out,
        );
        let Decision::Accept(a) = d else {
            panic!("{scenario}: {}", describe(&d, &out))
        };
        assert!(a.validated, "{scenario}");
        assert_eq!(a.consumed, flight.len());
        let Continuation::Hrr13 {
            transcript_len,
            hrr_offset,
            cipher_suite,
            ..
        } = a.continuation
        else {
            panic!("{scenario}")
        };

        // The transcript prefix, hashed with CH2, equals a hash computed independently
        // from the bytes: message_hash(Hash(CH1 as sent)) || HRR as sent || CH2 as sent.
        let (rec, _) = hellogate_codec::TlsRecord::parse(ch1.bytes).unwrap();
        let ch1_msg = rec.fragment;
        let (hrr_rec, _) = hellogate_codec::TlsRecord::parse(reply).unwrap();
        let ch2_msg = &new_ch2[5..];
        assert_eq!(a.message, ch2_msg);
        assert_eq!(
            &out[hrr_offset..transcript_len],
            hrr_rec.fragment,
            "{scenario}: HRR rebuilt"
        );
        let expected = match cipher_suite.tls13_hash().unwrap() {
            hellogate_codec::HashAlgorithm::Sha256 => {
                let h1 = Sha256::digest(ch1_msg);
                let mut t = Sha256::new();
                t.update([254, 0, 0, 32]);
                t.update(h1);
                t.update(hrr_rec.fragment);
                t.update(ch2_msg);
                t.finalize().to_vec()
            }
            hellogate_codec::HashAlgorithm::Sha384 => {
                let h1 = Sha384::digest(ch1_msg);
                let mut t = Sha384::new();
                t.update([254, 0, 0, 48]);
                t.update(h1);
                t.update(hrr_rec.fragment);
                t.update(ch2_msg);
                t.finalize().to_vec()
            }
        };
        let ours = match cipher_suite.tls13_hash().unwrap() {
            hellogate_codec::HashAlgorithm::Sha256 => Sha256::new()
                .chain_update(&out[..transcript_len])
                .chain_update(a.message)
                .finalize()
                .to_vec(),
            hellogate_codec::HashAlgorithm::Sha384 => Sha384::new()
                .chain_update(&out[..transcript_len])
                .chain_update(a.message)
                .finalize()
                .to_vec(),
        };
        assert_eq!(ours, expected, "{scenario}");
        done += 1;
    }
    assert!(done >= 5, "round-tripped {done} TLS scenarios");
}

#[test]
fn dtls_round_trip_through_a_fresh_listener() {
    let mut done = 0;
    for scenario in hellogate_testvectors::scenarios().filter(|s| s.starts_with("dtls")) {
        let get = |k: Kind| hellogate_testvectors::scenario(scenario).find(|c| c.kind == k);
        let (Some(ch1), Some(ch2)) = (get(Kind::Ch1), get(Kind::Ch2)) else {
            continue;
        };
        let (ch1_view, ..) = dtls_ch(ch1.bytes);
        let config = match get(Kind::Hrr) {
            Some(hrr) => config_like(hrr_group(hrr), &ch1_view),
            None => Config::default(),
        };
        let l = listener(config);
        let mut out = [0u8; MAX_OUTPUT_LEN];
        let d = l.handle_datagram(NOW, peer(), ch1.bytes, &mut out);
        let Decision::Reply { len, .. } = d else {
            panic!("{scenario}: {}", describe(&d, &out))
        };
        assert!(len <= ch1.bytes.len(), "{scenario}: amplification");
        let cookie = reply_cookie(&out[..len]);

        let (ch2_view, v, seq, mseq) = dtls_ch(ch2.bytes);
        let dgram = dtls_ch_datagram(&with_cookie(&ch2_view, &cookie), v, seq, mseq);
        let fresh = listener(l.config().clone());
        let mut out2 = [0u8; MAX_OUTPUT_LEN];
        let d = fresh.handle_datagram(
            NOW + std::time::Duration::from_millis(80),
            peer(),
            &dgram,
            &mut out2,
        );
        let Decision::Accept(a) = d else {
            panic!("{scenario}: {}", describe(&d, &out2))
        };
        assert!(a.validated, "{scenario}");
        if let Continuation::Dtls12 {
            record_sequence_number,
            message_seq,
            ..
        } = a.continuation
        {
            assert_eq!((record_sequence_number, message_seq), (seq, mseq));
        }
        // The same CH2 from another port is not accepted (cookie bound to IP and port).
        let other: std::net::SocketAddr = "127.0.0.1:40001".parse().unwrap();
        let d = fresh.handle_datagram(NOW, other, &dgram, &mut out2);
        assert!(!matches!(d, Decision::Accept(_)), "{scenario}");
        done += 1;
    }
    assert!(done >= 3, "round-tripped {done} DTLS scenarios");
}

#[test]
fn framing_for_transcript_is_the_tls_form() {
    // A sanity check of the helper used above: a DTLS CH re-encoded as a TLS message is
    // four header bytes plus the body.
    let c = hellogate_testvectors::get("dtls12_openssl_ch1").unwrap();
    let (ch, ..) = dtls_ch(c.bytes);
    let mut out = vec![0u8; 4 + ch.body_len()];
    assert_eq!(ch.write(Framing::TlsMessage, &mut out).unwrap(), out.len());
}
