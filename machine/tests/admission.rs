//! `Admission::UnderLoad`: accept ClientHello1 unvalidated while the server is not under
//! load, challenge it while it is; and the early-data rule that challenges (D)TLS 1.3
//! ClientHellos offering 0-RTT anyway (`Config::challenge_early_data`), or, with that off,
//! hands their first PSK identity to the server's anti-replay gate.

mod common;

use common::*;
use hellogate_codec::{ClientHello, ExtensionType, Flavor, ProtocolVersion};
use hellogate_machine::{
    Accepted, Admission, Config, Continuation, Decision, EarlyData, Listener, MAX_OUTPUT_LEN,
    PskOffer, ReplyKind,
};

fn under_load_config() -> Config {
    Config {
        admission: Admission::UnderLoad,
        ..Config::default()
    }
}

/// One first flight of each protocol, as captured: (what, is a stream, bytes, version an
/// unvalidated accept must report, the reply kind when challenged).
fn flights() -> Vec<(
    &'static str,
    bool,
    &'static [u8],
    ProtocolVersion,
    ReplyKind,
)> {
    vec![
        (
            "dtls12_openssl_ch1",
            false,
            capture("dtls12_openssl_ch1"),
            ProtocolVersion::DTLS1_2,
            ReplyKind::HelloVerifyRequest,
        ),
        (
            "dtls12_gnutls_ch1",
            false,
            capture("dtls12_gnutls_ch1"),
            ProtocolVersion::DTLS1_2,
            ReplyKind::HelloVerifyRequest,
        ),
        (
            "dtls13_dimpl_ch1",
            false,
            capture("dtls13_dimpl_ch1"),
            ProtocolVersion::DTLS1_3,
            ReplyKind::HelloRetryRequest,
        ),
        (
            "tls13_openssl_ch1",
            true,
            capture("tls13_openssl_ch1"),
            ProtocolVersion::TLS1_3,
            ReplyKind::HelloRetryRequestAndCcs,
        ),
        (
            "tls13_openssl_nomiddlebox_ch1",
            true,
            capture("tls13_openssl_nomiddlebox_ch1"),
            ProtocolVersion::TLS1_3,
            ReplyKind::HelloRetryRequest,
        ),
    ]
}

/// The decision on `input` (a datagram, or a stream's first bytes on a fresh gate), handed
/// to `f` while it borrows the input.
fn with_decision<R>(
    l: &Listener,
    stream: bool,
    input: &[u8],
    f: impl FnOnce(&Decision<'_>, &[u8]) -> R,
) -> R {
    let mut out = [0u8; MAX_OUTPUT_LEN];
    if stream {
        let mut gate = l.stream();
        let d = gate.feed(l, NOW, peer(), input, &mut out);
        f(&d, &out)
    } else {
        let d = l.handle_datagram(NOW, peer(), input, &mut out);
        f(&d, &out)
    }
}

fn unvalidated(what: &str, d: &Decision<'_>, version: ProtocolVersion) {
    let Decision::Accept(a) = d else {
        panic!("{what}: unvalidated accept expected, got {d:?}")
    };
    assert!(!a.validated, "{what}");
    assert_eq!(a.continuation, Continuation::Unvalidated, "{what}");
    assert_eq!(a.version, version, "{what}");
}

#[test]
fn not_under_load_client_hello1_is_accepted_unvalidated() {
    let l = listener(under_load_config());
    for (what, stream, input, version, _) in flights() {
        with_decision(&l, stream, input, |d, _| {
            unvalidated(what, d, version);
            let Decision::Accept(a) = d else {
                unreachable!()
            };
            // The message handed on is the ClientHello as received.
            let header = if stream { 5 } else { 13 };
            assert_eq!(a.message, &input[header..], "{what}");
            assert_eq!(a.consumed, input.len(), "{what}");
            assert_eq!(a.early_data(), EarlyData::NotOffered, "{what}");
        });
    }
}

#[test]
fn under_load_client_hello1_is_challenged() {
    let mut l = listener(under_load_config());
    l.set_under_load(true);
    for (what, stream, input, _, kind) in flights() {
        with_decision(&l, stream, input, |d, _| {
            assert!(
                matches!(d, Decision::Reply { kind: k, .. } if *k == kind),
                "{what}: {d:?}"
            );
        });
    }
    // Load gone: back to unvalidated accepts.
    l.set_under_load(false);
    for (what, stream, input, version, _) in flights() {
        with_decision(&l, stream, input, |d, _| unvalidated(what, d, version));
    }
}

#[test]
fn admission_always_challenges_whatever_the_load_signal() {
    let mut l = listener(Config::default());
    assert_eq!(l.config().admission, Admission::Always);
    l.set_under_load(false);
    for (what, stream, input, _, kind) in flights() {
        with_decision(&l, stream, input, |d, _| {
            assert!(
                matches!(d, Decision::Reply { kind: k, .. } if *k == kind),
                "{what}: {d:?}"
            );
        });
    }
}

/// CH1 captures of the 1.3 protocols with early_data and (optionally) a pre_shared_key
/// added, last as RFC 8446 section 4.2.11 requires.
fn early_data_flights(with_psk: bool) -> Vec<(&'static str, bool, Vec<u8>, ProtocolVersion)> {
    let psk = psk_data(
        b"an opaque session ticket from an earlier connection",
        0x8765_4321,
        &(0u8..32).collect::<Vec<_>>(),
    );
    let edit = |mut e: ChEdit| {
        e.set(ExtensionType::EARLY_DATA, Vec::new());
        if with_psk {
            e.push(ExtensionType::PRE_SHARED_KEY, psk.clone());
        }
        e
    };
    let (dimpl, v, seq, mseq) = dtls_ch(capture("dtls13_dimpl_ch1"));
    vec![
        (
            "dtls13_dimpl_ch1",
            false,
            edit(ChEdit::of(&dimpl)).datagram(v, seq, mseq),
            ProtocolVersion::DTLS1_3,
        ),
        (
            "tls13_openssl_ch1",
            true,
            edit(ChEdit::of(&tls_ch(capture("tls13_openssl_ch1")))).tls_record(),
            ProtocolVersion::TLS1_3,
        ),
        (
            "tls13_rustls_ch1",
            true,
            edit(ChEdit::of(&tls_ch(capture("tls13_rustls_ch1")))).tls_record(),
            ProtocolVersion::TLS1_3,
        ),
    ]
}

#[test]
fn early_data_client_hello1_is_challenged_even_when_not_under_load() {
    let l = listener(under_load_config());
    assert!(l.config().challenge_early_data);
    for with_psk in [true, false] {
        for (what, stream, input, _) in early_data_flights(with_psk) {
            with_decision(&l, stream, &input, |d, out| {
                let Decision::Reply { len, .. } = *d else {
                    panic!("{what}: HRR expected, got {d:?}")
                };
                let (sh, _) = reply_server_hello(&out[..len]);
                assert!(sh.is_hello_retry_request(), "{what}");
                assert!(len <= input.len(), "{what}");
            });
        }
    }
}

/// The first identity and binder of the pre_shared_key in `message`, read by the codec.
fn codec_psk(stream: bool, message: &[u8]) -> (Vec<u8>, u32, Vec<u8>) {
    let body = if stream {
        &message[4..]
    } else {
        &message[12..]
    };
    let flavor = if stream { Flavor::Tls } else { Flavor::Dtls };
    let ch = ClientHello::parse(body, flavor).unwrap();
    let psk = ch.known.pre_shared_key.unwrap();
    let id = psk.identities().next().unwrap();
    let binder = psk.binders().next().unwrap();
    (
        id.identity.to_vec(),
        id.obfuscated_ticket_age,
        binder.to_vec(),
    )
}

fn accepted_early_data(what: &str, a: &Accepted<'_>, stream: bool, with_psk: bool) {
    match a.early_data() {
        EarlyData::Offered(PskOffer {
            identity,
            obfuscated_ticket_age,
            binder,
        }) => {
            assert!(with_psk, "{what}");
            let (id, age, b) = codec_psk(stream, a.message);
            assert_eq!(identity, &id[..], "{what}");
            assert_eq!(obfuscated_ticket_age, age, "{what}");
            assert_eq!(binder, &b[..], "{what}");
            // And what we put there.
            assert_eq!(
                identity,
                b"an opaque session ticket from an earlier connection"
            );
            assert_eq!(obfuscated_ticket_age, 0x8765_4321);
            assert_eq!(binder, &(0u8..32).collect::<Vec<_>>()[..]);
            // The anti-replay gate's key is the binder.
            let offer = PskOffer {
                identity,
                obfuscated_ticket_age,
                binder,
            }
            .gate_offer(std::time::Duration::from_secs(5), 99);
            assert_eq!(offer.key, binder);
            assert_eq!(offer.obfuscated_ticket_age, 0x8765_4321);
            assert_eq!(offer.ticket_age_add, 99);
        }
        EarlyData::WithoutPsk => assert!(!with_psk, "{what}"),
        EarlyData::NotOffered => panic!("{what}: early_data not seen"),
    }
}

#[test]
fn early_data_client_hello1_accepted_unvalidated_when_not_challenged_carries_its_psk() {
    let l = listener(Config {
        challenge_early_data: false,
        ..under_load_config()
    });
    for with_psk in [true, false] {
        for (what, stream, input, version) in early_data_flights(with_psk) {
            with_decision(&l, stream, &input, |d, _| {
                unvalidated(what, d, version);
                let Decision::Accept(a) = d else {
                    unreachable!()
                };
                accepted_early_data(what, a, stream, with_psk);
            });
        }
    }
    // Under load they are challenged like every ClientHello1.
    let mut l = l;
    l.set_under_load(true);
    for (what, stream, input, _) in early_data_flights(true) {
        with_decision(&l, stream, &input, |d, _| {
            assert!(matches!(d, Decision::Reply { .. }), "{what}: {d:?}");
        });
    }
}

#[test]
fn a_psk_without_early_data_is_not_a_0rtt_offer() {
    let l = listener(under_load_config());
    let mut e = ChEdit::of(&tls_ch(capture("tls13_openssl_ch1")));
    e.push(
        ExtensionType::PRE_SHARED_KEY,
        psk_data(b"ticket", 1, &[9; 32]),
    );
    let input = e.tls_record();
    with_decision(&l, true, &input, |d, _| {
        unvalidated("psk only", d, ProtocolVersion::TLS1_3);
        let Decision::Accept(a) = d else {
            unreachable!()
        };
        assert!(
            a.client_hello
                .whole()
                .unwrap()
                .known
                .pre_shared_key
                .is_some()
        );
        assert_eq!(a.early_data(), EarlyData::NotOffered);
    });
}
