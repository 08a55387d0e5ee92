//! First-flight wire rules: DTLS 1.3's legacy fields (RFC 9147 section 5.3), the TLS
//! middlebox CCS (RFC 8446 appendix D.4), version selection by configuration, TLS clients
//! without 1.3 on a stream, and the 1x amplification promise for a small DTLS 1.3 ClientHello.
//! Inputs are real captures edited with the codec's ClientHello writer.

mod common;

use common::*;
use hellogate_codec::{AlertDescription, DtlsRecords, ExtensionType, ProtocolVersion};
use hellogate_machine::{Config, Continuation, HrrKeyShare, LegacyTls, Reason, ReplyKind};

/// A DTLS ClientHello edit of a capture, with the capture's framing facts.
fn dtls_edit(name: &str) -> (ChEdit, [u8; 2], u64, u16) {
    let (ch, v, seq, mseq) = dtls_ch(capture(name));
    (ChEdit::of(&ch), v, seq, mseq)
}

// ---------------------------------------------------------------------------------------
// DTLS 1.3 legacy fields
// ---------------------------------------------------------------------------------------

#[test]
fn dtls13_client_hello_with_a_legacy_cookie_is_illegal_parameter() {
    let l = listener(Config::default());
    let (mut ch, v, seq, mseq) = dtls_edit("dtls13_dimpl_ch1");
    // A real HelloVerifyRequest cookie (OpenSSL's, from the DTLS 1.2 capture).
    let (hvr_ch2, ..) = dtls_ch(capture("dtls12_openssl_ch2"));
    ch.legacy_cookie = Some(hvr_ch2.legacy_cookie.unwrap().to_vec());
    assert_eq!(ch.legacy_cookie.as_ref().unwrap().len(), 20);
    let o = datagram_outcome(&l, &ch.datagram(v, seq, mseq));
    let Outcome::Alert {
        alert,
        reason,
        bytes,
    } = &o
    else {
        panic!("{o:?}")
    };
    assert_eq!(
        (*alert, *reason),
        (
            AlertDescription::ILLEGAL_PARAMETER,
            Reason::LegacyCookieNotEmpty
        )
    );
    let rec = DtlsRecords::new(bytes).next().unwrap().unwrap();
    assert_eq!(rec.header.content_type.0, 21);
    assert_eq!((rec.header.epoch, rec.header.sequence_number), (0, seq));
    assert_eq!(rec.fragment, &[2, 47]);

    // A single byte is enough, and the check comes before the cookie extension's: a CH2
    // with our valid cookie (after a cookie-only HRR, so dimpl's X25519 share stays) and a
    // legacy cookie is refused the same way.
    let l = listener(Config {
        hrr_key_share: HrrKeyShare::CookieOnly,
        groups: vec![hellogate_codec::NamedGroup::X25519],
        ..Config::default()
    });
    let hrr = datagram_outcome(&l, capture("dtls13_dimpl_ch1"));
    let (mut ch2, ..) = dtls_edit("dtls13_dimpl_ch1");
    ch2.set(
        ExtensionType::COOKIE,
        cookie_data(&reply_cookie(hrr.reply())),
    );
    let good = datagram_outcome(&l, &ch2.datagram(v, 1, 1));
    assert!(
        matches!(
            good,
            Outcome::Accept {
                validated: true,
                ..
            }
        ),
        "{good:?}"
    );
    ch2.legacy_cookie = Some(vec![0]);
    let o = datagram_outcome(&l, &ch2.datagram(v, 1, 1));
    assert_eq!(
        o.alert_reason(),
        (
            AlertDescription::ILLEGAL_PARAMETER,
            Reason::LegacyCookieNotEmpty
        )
    );
}

#[test]
fn dtls13_hrr_does_not_echo_the_legacy_session_id_and_sends_no_ccs() {
    let l = listener(Config::default());
    let (mut ch, v, seq, mseq) = dtls_edit("dtls13_dimpl_ch1");
    let plain = datagram_outcome(&l, &ch.datagram(v, seq, mseq));
    // A 32-byte legacy_session_id (OpenSSL's TLS 1.3 middlebox value, real bytes).
    let sid = tls_ch(capture("tls13_openssl_ch1"))
        .legacy_session_id
        .to_vec();
    assert_eq!(sid.len(), 32);
    ch.session_id = sid.clone();
    let o = datagram_outcome(&l, &ch.datagram(v, seq, mseq));
    let Outcome::Reply { kind, bytes } = &o else {
        panic!("{o:?}")
    };
    assert_eq!(*kind, ReplyKind::HelloRetryRequest);
    let (sh, rest) = reply_server_hello(bytes);
    assert!(sh.is_hello_retry_request());
    assert_eq!(sh.legacy_version, ProtocolVersion::DTLS1_2);
    assert_eq!(sh.legacy_session_id_echo, b"");
    assert_eq!(sh.selected_version(), Some(ProtocolVersion::DTLS1_3));
    assert!(rest.is_empty(), "nothing after the HRR record: {rest:?}");
    // Without an echo the HRR is as long as for the same ClientHello without a session id.
    assert_eq!(bytes.len(), plain.reply().len());

    // The cookie binds the session id: CH2 repeating it is accepted.
    let mut ch2 = ch.clone();
    ch2.set(ExtensionType::COOKIE, cookie_data(&reply_cookie(bytes)));
    let (p256_ch, ..) = dtls_ch(capture("dtls13_dimpl_p256_mtu600_ch1"));
    let g = sh.selected_group().unwrap();
    ch2.set(
        ExtensionType::KEY_SHARE,
        key_share_data(&[(g, &share_of(&p256_ch, g))]),
    );
    let a = datagram_outcome(&l, &ch2.datagram(v, 1, 1));
    assert!(
        matches!(
            a,
            Outcome::Accept {
                validated: true,
                ..
            }
        ),
        "{a:?}"
    );
}

#[test]
fn tls13_hrr_echoes_the_legacy_session_id_and_adds_a_ccs_exactly_when_it_is_not_empty() {
    let l = listener(Config::default());
    let cases: Vec<(&str, Option<Vec<u8>>)> = vec![
        // As captured: OpenSSL's middlebox mode (32 bytes) and -no_middlebox (empty).
        ("tls13_openssl_ch1", None),
        ("tls13_openssl_nomiddlebox_ch1", None),
        ("tls13_rustls_ch1", None),
        ("tls13_gnutls_ch1", None),
        // Edited: the session id removed, and a one-byte one added.
        ("tls13_openssl_ch1", Some(Vec::new())),
        ("tls13_openssl_nomiddlebox_ch1", Some(vec![0x77])),
    ];
    for (name, sid) in cases {
        let mut ch = ChEdit::of(&tls_ch(capture(name)));
        if let Some(s) = sid {
            ch.session_id = s;
        }
        let input = ch.tls_record();
        let o = stream_outcome(&l, &input);
        let Outcome::Reply { kind, bytes } = &o else {
            panic!("{name}: {o:?}")
        };
        let (sh, rest) = reply_server_hello(bytes);
        assert!(sh.is_hello_retry_request(), "{name}");
        assert_eq!(sh.legacy_session_id_echo, &ch.session_id[..], "{name}");
        if ch.session_id.is_empty() {
            assert_eq!(*kind, ReplyKind::HelloRetryRequest, "{name}");
            assert!(rest.is_empty(), "{name}");
        } else {
            assert_eq!(*kind, ReplyKind::HelloRetryRequestAndCcs, "{name}");
            assert_eq!(rest, CCS_RECORD, "{name}");
        }
        assert!(bytes.len() <= input.len(), "{name}: amplification");
    }
}

// ---------------------------------------------------------------------------------------
// Versions
// ---------------------------------------------------------------------------------------

#[test]
fn dtls13_only_client_hello_is_dropped_when_dtls13_is_off() {
    let l = listener(Config {
        dtls13: false,
        ..Config::default()
    });
    // dimpl's 1.3-only client lists fefc alone (its legacy_version says DTLS 1.2).
    let (ch, ..) = dtls_ch(capture("dtls13_dimpl_ch1"));
    assert_eq!(ch.legacy_version, ProtocolVersion::DTLS1_2);
    assert_eq!(
        ch.known
            .supported_versions
            .unwrap()
            .iter()
            .collect::<Vec<_>>(),
        [ProtocolVersion::DTLS1_3]
    );
    assert_eq!(
        datagram_outcome(&l, capture("dtls13_dimpl_ch1")),
        Outcome::Drop(Reason::UnsupportedVersion)
    );
    // dimpl's auto client also lists DTLS 1.2: it gets a HelloVerifyRequest.
    let o = datagram_outcome(&l, capture("dtls13_dimpl_auto_ch1"));
    assert!(
        matches!(
            o,
            Outcome::Reply {
                kind: ReplyKind::HelloVerifyRequest,
                ..
            }
        ),
        "{o:?}"
    );
    // With DTLS 1.3 on, both take the 1.3 path.
    let on = listener(Config::default());
    for name in ["dtls13_dimpl_ch1", "dtls13_dimpl_auto_ch1"] {
        let o = datagram_outcome(&on, capture(name));
        assert!(
            matches!(
                o,
                Outcome::Reply {
                    kind: ReplyKind::HelloRetryRequest,
                    ..
                }
            ),
            "{name}: {o:?}"
        );
    }
}

#[test]
fn dtls12_only_client_hello_is_dropped_when_dtls12_is_off() {
    let l = listener(Config {
        dtls12: false,
        ..Config::default()
    });
    for name in [
        "dtls12_openssl_ch1",
        "dtls12_gnutls_ch1",
        "dtls12_openssl_ch2",
    ] {
        assert_eq!(
            datagram_outcome(&l, capture(name)),
            Outcome::Drop(Reason::UnsupportedVersion),
            "{name}"
        );
    }
    // A DTLS 1.2 CH2 returning a cookie this listener sealed is dropped too, once DTLS 1.2
    // is off (sealed by a node that still had it on).
    let on = listener(Config::default());
    let hvr = datagram_outcome(&on, capture("dtls12_openssl_ch1"));
    let (ch2, v, seq, mseq) = dtls_ch(capture("dtls12_openssl_ch2"));
    let dgram = dtls_ch_datagram(&with_cookie(&ch2, &reply_cookie(hvr.reply())), v, seq, mseq);
    assert!(matches!(
        datagram_outcome(&on, &dgram),
        Outcome::Accept {
            validated: true,
            ..
        }
    ));
    assert_eq!(
        datagram_outcome(&l, &dgram),
        Outcome::Drop(Reason::UnsupportedVersion)
    );
    // dimpl's auto client offers DTLS 1.3 too: still served.
    let o = datagram_outcome(&l, capture("dtls13_dimpl_auto_ch1"));
    assert!(
        matches!(
            o,
            Outcome::Reply {
                kind: ReplyKind::HelloRetryRequest,
                ..
            }
        ),
        "{o:?}"
    );
}

// ---------------------------------------------------------------------------------------
// TLS without 1.3 on a stream
// ---------------------------------------------------------------------------------------

/// OpenSSL's no-middlebox CH1 made a TLS 1.2 ClientHello two ways: supported_versions
/// removed (legacy_version 0x0303 then decides), or listing only 0x0303.
fn tls12_hellos() -> Vec<(&'static str, Vec<u8>)> {
    let base = ChEdit::of(&tls_ch(capture("tls13_openssl_nomiddlebox_ch1")));
    assert_eq!(base.legacy_version, ProtocolVersion::TLS1_2);
    let mut removed = base.clone();
    removed.remove(ExtensionType::SUPPORTED_VERSIONS);
    let mut only12 = base.clone();
    only12.set(
        ExtensionType::SUPPORTED_VERSIONS,
        supported_versions_data(&[ProtocolVersion::TLS1_2]),
    );
    vec![
        ("supported_versions removed", removed.tls_record()),
        ("supported_versions [0303]", only12.tls_record()),
    ]
}

#[test]
fn tls_without_13_passes_through_unvalidated_as_tls12() {
    let l = listener(Config::default());
    assert_eq!(l.config().legacy_tls, LegacyTls::PassThrough);
    for (what, input) in tls12_hellos() {
        let mut gate = l.stream();
        let mut out = [0u8; hellogate_machine::MAX_OUTPUT_LEN];
        let d = gate.feed(&l, NOW, peer(), &input, &mut out);
        let hellogate_machine::Decision::Accept(a) = d else {
            panic!("{what}: {d:?}")
        };
        assert!(!a.validated, "{what}");
        assert_eq!(a.version, ProtocolVersion::TLS1_2, "{what}");
        assert_eq!(a.continuation, Continuation::Unvalidated, "{what}");
        assert_eq!(a.message, &input[5..], "{what}");
        assert_eq!(a.consumed, input.len(), "{what}");
        assert!(gate.is_finished(), "{what}");
    }
}

#[test]
fn tls_without_13_is_refused_with_protocol_version_when_configured() {
    let l = listener(Config {
        legacy_tls: LegacyTls::Refuse,
        ..Config::default()
    });
    for (what, input) in tls12_hellos() {
        let o = stream_outcome(&l, &input);
        assert_eq!(
            o,
            Outcome::Alert {
                alert: AlertDescription::PROTOCOL_VERSION,
                reason: Reason::Tls13NotOffered,
                bytes: vec![21, 3, 3, 0, 2, 2, 70],
            },
            "{what}"
        );
    }
    // A client offering 1.3 and 1.2 (rustls, GnuTLS) is served as TLS 1.3.
    for name in ["tls13_rustls_ch1", "tls13_gnutls_ch1"] {
        let o = stream_outcome(&l, capture(name));
        assert!(matches!(o, Outcome::Reply { .. }), "{name}: {o:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Amplification
// ---------------------------------------------------------------------------------------

#[test]
fn small_dtls13_client_hello_whose_hrr_would_be_larger_is_dropped() {
    let l = listener(Config::default());
    let (mut ch, v, seq, mseq) = dtls_edit("dtls13_dimpl_ch1");
    // The HRR's size does not depend on CH1's size in DTLS 1.3 (no session id echo; the
    // cookie's size depends on the suite's hash only): measure it on the padded capture.
    let hrr_len = datagram_outcome(&l, capture("dtls13_dimpl_ch1"))
        .reply()
        .len();
    // Shrink dimpl's CH1: padding, then use_srtp, then signature_algorithms, until the
    // datagram is smaller than the HRR. What is left still offers DTLS 1.3 with a share.
    for t in [
        ExtensionType::PADDING,
        ExtensionType(14),
        ExtensionType::SIGNATURE_ALGORITHMS,
    ] {
        if ch.datagram(v, seq, mseq).len() < hrr_len {
            break;
        }
        assert!(ch.has(t), "{t:?}");
        ch.remove(t);
    }
    let small = ch.datagram(v, seq, mseq);
    assert!(small.len() < hrr_len, "{} >= {hrr_len}", small.len());
    let (view, ..) = dtls_ch(&small);
    assert!(view.offers_version(ProtocolVersion::DTLS1_3));
    assert!(view.known.key_shares.is_some() && view.known.supported_groups.is_some());

    // The same ClientHello padded to exactly the HRR's size is answered: "no larger than".
    let pad_to = |total: usize| {
        let mut p = ch.clone();
        let n = total - small.len() - 4;
        p.set(ExtensionType::PADDING, vec![0; n]);
        let d = p.datagram(v, seq, mseq);
        assert_eq!(d.len(), total);
        d
    };
    assert!(
        small.len() + 4 < hrr_len,
        "room for an empty padding extension"
    );
    let exact = pad_to(hrr_len);
    let o = datagram_outcome(&l, &exact);
    assert_eq!(o.reply().len(), hrr_len, "{o:?}");
    // One byte less, and the reply would be one byte larger than its input.
    let short = pad_to(hrr_len - 1);
    assert_eq!(
        datagram_outcome(&l, &short),
        Outcome::Drop(Reason::Amplification {
            reply: hrr_len,
            input: hrr_len - 1,
        })
    );
    let o = datagram_outcome(&l, &small);
    assert_eq!(
        o,
        Outcome::Drop(Reason::Amplification {
            reply: hrr_len,
            input: small.len(),
        })
    );
    // Same with the reassembling entry point: never a reply.
    let mut arena = l.reassembly();
    let mut out = [0u8; hellogate_machine::MAX_OUTPUT_LEN];
    let d = l.handle_datagram_reassembling(
        &mut arena,
        NOW,
        peer(),
        &small,
        &mut out,
        &mut hellogate_machine::NoTrace,
    );
    assert_eq!(
        Outcome::of(&d, &out),
        Outcome::Drop(Reason::Amplification {
            reply: hrr_len,
            input: small.len(),
        })
    );
}

// ---------------------------------------------------------------------------------------
// legacy_version alone never offers 1.3 (RFC 8446 section 4.2.1: "If this extension is not
// present, servers which are compliant with this specification and which also support
// TLS 1.2 MUST negotiate TLS 1.2 or prior as specified in [RFC5246], even if
// ClientHello.legacy_version is 0x0304 or later"; RFC 9147 section 5.3 keeps the rule, and
// its legacy_version is DTLS 1.2's).
// ---------------------------------------------------------------------------------------

#[test]
fn tls_legacy_version_0304_without_supported_versions_is_a_tls12_client() {
    let mut ch = ChEdit::of(&tls_ch(capture("tls13_openssl_nomiddlebox_ch1")));
    ch.remove(ExtensionType::SUPPORTED_VERSIONS);
    ch.legacy_version = ProtocolVersion::TLS1_3;
    let input = ch.tls_record();
    // PassThrough: a TLS 1.2 handshake, unvalidated, never an HRR.
    let o = stream_outcome(&listener(Config::default()), &input);
    assert!(
        matches!(
            o,
            Outcome::Accept {
                validated: false,
                version: ProtocolVersion::TLS1_2,
                continuation: Continuation::Unvalidated,
                ..
            }
        ),
        "legacy_version 0x0304 without supported_versions must be negotiated as TLS 1.2: {o:?}"
    );
    // Refuse: protocol_version, as for any client that does not offer 1.3.
    let o = stream_outcome(
        &listener(Config {
            legacy_tls: LegacyTls::Refuse,
            ..Config::default()
        }),
        &input,
    );
    assert_eq!(
        o,
        Outcome::Alert {
            alert: AlertDescription::PROTOCOL_VERSION,
            reason: Reason::Tls13NotOffered,
            bytes: vec![21, 3, 3, 0, 2, 2, 70],
        }
    );
}

#[test]
fn dtls_legacy_version_fefc_without_supported_versions_is_a_dtls12_client() {
    // OpenSSL's DTLS 1.2 CH1 (no supported_versions) claiming client_version DTLS 1.3.
    let (mut ch, v, seq, mseq) = dtls_edit("dtls12_openssl_ch1");
    assert!(!ch.has(ExtensionType::SUPPORTED_VERSIONS));
    ch.legacy_version = ProtocolVersion::DTLS1_3;
    let o = datagram_outcome(&listener(Config::default()), &ch.datagram(v, seq, mseq));
    assert!(
        matches!(
            o,
            Outcome::Reply {
                kind: ReplyKind::HelloVerifyRequest,
                ..
            }
        ),
        "client_version 0xfefc without supported_versions must get the DTLS 1.2 path: {o:?}"
    );
}

#[test]
fn dtls10_client_is_accepted_as_dtls10() {
    // A client whose client_version is DTLS 1.0 (0xfeff) cannot go on with DTLS 1.2; the
    // accept's version is "the protocol version the handshake goes on with".
    let (mut ch1, v, seq, mseq) = dtls_edit("dtls12_openssl_ch1");
    ch1.legacy_version = ProtocolVersion::DTLS1_0;
    let l = listener(Config::default());
    let hvr = datagram_outcome(&l, &ch1.datagram(v, seq, mseq));
    let (ch2, v2, seq2, mseq2) = dtls_ch(capture("dtls12_openssl_ch2"));
    let mut ch2 = ChEdit::of(&ch2);
    ch2.legacy_version = ProtocolVersion::DTLS1_0;
    ch2.legacy_cookie = Some(reply_cookie(hvr.reply()));
    let o = datagram_outcome(&l, &ch2.datagram(v2, seq2, mseq2));
    let Outcome::Accept {
        validated, version, ..
    } = o
    else {
        panic!("{o:?}")
    };
    assert!(validated);
    assert_eq!(version, ProtocolVersion::DTLS1_0);
}
