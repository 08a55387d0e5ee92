//! The stream gate's record rules around ChangeCipherSpec (RFC 8446 section 5: a server
//! ignores one CCS between ClientHello1 and ClientHello2; section 5.1: handshake messages
//! are not interleaved with other records), and its buffer cap, each decided the same
//! whatever way the bytes are split: whole, byte by byte, and at every single cut.

mod common;

use common::*;
use hellogate_codec::{AlertDescription, ExtensionType, NamedGroup};
use hellogate_machine::{Config, Continuation, HrrKeyShare, Listener, Reason, ReplyKind};

const ALERT_UNEXPECTED_MESSAGE: [u8; 7] = [21, 3, 3, 0, 2, 2, 10];
const ALERT_HANDSHAKE_FAILURE: [u8; 7] = [21, 3, 3, 0, 2, 2, 40];

fn config() -> Config {
    Config {
        groups: vec![NamedGroup::X25519],
        hrr_key_share: HrrKeyShare::CookieOnly,
        ..Config::default()
    }
}

/// OpenSSL's middlebox-mode CH1 record, and its real CH2 record carrying our cookie.
fn openssl_flights(l: &Listener) -> (Vec<u8>, Vec<u8>) {
    let ch1 = capture("tls13_openssl_ch1").to_vec();
    let hrr = stream_outcome(l, &ch1);
    let mut ch2 = ChEdit::of(&tls_ch(capture("tls13_openssl_ch2")));
    ch2.set(
        ExtensionType::COOKIE,
        cookie_data(&reply_cookie(hrr.reply())),
    );
    (ch1, ch2.tls_record())
}

/// `record` (one handshake record) re-framed as two handshake records, split after `k`
/// bytes of the handshake message, with `between` (whole records) between them.
fn split_record(record: &[u8], k: usize, between: &[u8]) -> Vec<u8> {
    let msg = &record[5..];
    assert!(0 < k && k < msg.len());
    let mut v = vec![22, 3, 3];
    v.extend_from_slice(&(k as u16).to_be_bytes());
    v.extend_from_slice(&msg[..k]);
    v.extend_from_slice(between);
    v.extend_from_slice(&[22, 3, 3]);
    v.extend_from_slice(&((msg.len() - k) as u16).to_be_bytes());
    v.extend_from_slice(&msg[k..]);
    v
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// `seen` with the offsets of final refusals erased: a gate reports no `consumed` for an
/// alert or a drop, so when one comes is only known up to the chunk that brought it.
fn erased(seen: &[(Outcome, usize)]) -> Vec<(Outcome, Option<usize>)> {
    seen.iter()
        .map(|(o, at)| match o {
            Outcome::Alert { .. } | Outcome::Drop(_) => (o.clone(), None),
            _ => (o.clone(), Some(*at)),
        })
        .collect()
}

/// The decisions for `input` fed whole, byte by byte, and cut once at every offset: all
/// equal (decision, and the stream offset of replies and accepts). Returns them as fed
/// byte by byte, where an alert's offset is the byte that brought it.
fn split_invariant(l: &Listener, input: &[u8]) -> Vec<(Outcome, usize)> {
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    let by_byte = stream_chunks(l, &bytes);
    let want = erased(&by_byte);
    assert_eq!(erased(&stream_chunks(l, &[input])), want, "whole");
    for c in 1..input.len() {
        assert_eq!(
            erased(&stream_chunks(l, &cut(input, &[c]))),
            want,
            "cut at {c} of {}",
            input.len()
        );
    }
    by_byte
}

/// Byte by byte only (for inputs whose every cut would be slow to try), checked against
/// the whole input.
fn byte_by_byte(l: &Listener, input: &[u8]) -> Vec<(Outcome, usize)> {
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    let by_byte = stream_chunks(l, &bytes);
    assert_eq!(
        erased(&stream_chunks(l, &[input])),
        erased(&by_byte),
        "whole"
    );
    by_byte
}

fn alert_at(seen: &[(Outcome, usize)], alert: AlertDescription, reason: Reason) -> usize {
    let [
        (
            Outcome::Alert {
                alert: a,
                reason: r,
                bytes,
            },
            at,
        ),
    ] = seen
    else {
        panic!("one alert expected, got {seen:?}")
    };
    assert_eq!((*a, *r), (alert, reason), "{seen:?}");
    assert!(bytes.len() <= *at, "alert larger than the bytes received");
    *at
}

#[test]
fn ccs_before_a_client_hello_without_cookie_is_unexpected_message() {
    let l = listener(config());
    for name in [
        "tls13_openssl_ch1",
        "tls13_openssl_nomiddlebox_ch1",
        "tls13_rustls_ch1",
    ] {
        let input = cat(&[&CCS_RECORD, capture(name)]);
        let seen = if input.len() < 300 {
            split_invariant(&l, &input)
        } else {
            byte_by_byte(&l, &input)
        };
        alert_at(
            &seen,
            AlertDescription::UNEXPECTED_MESSAGE,
            Reason::UnexpectedRecord,
        );
        // Decided once the ClientHello was whole: all the input had arrived.
        assert_eq!(seen[0].1, input.len(), "{name}");
        let Outcome::Alert { bytes, .. } = &seen[0].0 else {
            unreachable!()
        };
        assert_eq!(bytes, &ALERT_UNEXPECTED_MESSAGE);
    }
}

#[test]
fn ccs_then_client_hello2_with_our_cookie_on_a_fresh_gate_is_accepted() {
    let l = listener(config());
    let (_, ch2) = openssl_flights(&l);
    let flight = cat(&[&CCS_RECORD, &ch2]);
    let seen = split_invariant(&l, &flight);
    let [
        (
            Outcome::Accept {
                validated: true,
                continuation: Continuation::Hrr13 { .. },
                message,
                ..
            },
            at,
        ),
    ] = &seen[..]
    else {
        panic!("{seen:?}")
    };
    assert_eq!(*at, flight.len());
    assert_eq!(message, &ch2[5..]);
    // Without the CCS: the same accept.
    let Outcome::Accept {
        continuation,
        transcript,
        ..
    } = stream_outcome(&l, &ch2)
    else {
        panic!()
    };
    let (
        Outcome::Accept {
            continuation: c2,
            transcript: t2,
            ..
        },
        _,
    ) = &seen[0]
    else {
        unreachable!()
    };
    assert_eq!((&continuation, &transcript), (c2, t2));
}

#[test]
fn the_whole_connection_ch1_hrr_ccs_ch2_on_one_gate_is_accepted() {
    let l = listener(config());
    let (ch1, ch2) = openssl_flights(&l);
    let conn = cat(&[&ch1, &CCS_RECORD, &ch2]);
    let seen = byte_by_byte(&l, &conn);
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(
        matches!(
            seen[0],
            (
                Outcome::Reply {
                    kind: ReplyKind::HelloRetryRequestAndCcs,
                    ..
                },
                n
            ) if n == ch1.len()
        ),
        "{seen:?}"
    );
    assert!(
        matches!(seen[1], (Outcome::Accept { validated: true, .. }, n) if n == conn.len()),
        "{seen:?}"
    );
    assert_eq!(stream_chunks(&l, &[&conn]), seen);
    // A second CCS after the HRR is not ignored.
    let twice = cat(&[&ch1, &CCS_RECORD, &CCS_RECORD, &ch2]);
    let seen = byte_by_byte(&l, &twice);
    assert_eq!(seen.len(), 2, "{seen:?}");
    let at = alert_at(
        &seen[1..],
        AlertDescription::UNEXPECTED_MESSAGE,
        Reason::UnexpectedRecord,
    );
    // It shows when the second CCS's header is in.
    assert_eq!(at, ch1.len() + 6 + 5);
}

#[test]
fn client_hello_split_across_two_records_is_taken_and_gets_the_same_hrr() {
    let l = listener(config());
    let ch1 = capture("tls13_openssl_ch1");
    let whole = stream_outcome(&l, ch1);
    for k in [1, 3, 4, 5, 100, ch1.len() - 6] {
        let split = split_record(ch1, k, &[]);
        let seen = if k == 100 {
            split_invariant(&l, &split)
        } else {
            byte_by_byte(&l, &split)
        };
        assert_eq!(seen, [(whole.clone(), split.len())], "k={k}");
    }
}

#[test]
fn ccs_between_two_records_of_a_split_client_hello_is_unexpected_message() {
    let l = listener(config());
    let (ch1, ch2) = openssl_flights(&l);
    for (what, record) in [("CH1", &ch1), ("CH2 with our cookie", &ch2)] {
        for k in [1, 4, 60, record.len() - 6] {
            let input = split_record(record, k, &CCS_RECORD);
            let seen = if k == 60 {
                split_invariant(&l, &input)
            } else {
                byte_by_byte(&l, &input)
            };
            let at = alert_at(
                &seen,
                AlertDescription::UNEXPECTED_MESSAGE,
                Reason::UnexpectedRecord,
            );
            // Refused as soon as the CCS header is in: the first record, then 5 bytes.
            assert_eq!(at, 5 + k + 5, "{what} k={k}");
        }
    }
    // A CCS in front of a split CH2 is fine: it comes before any handshake byte.
    let input = cat(&[&CCS_RECORD, &split_record(&ch2, 60, &[])]);
    let seen = split_invariant(&l, &input);
    assert!(
        matches!(seen[..], [(Outcome::Accept { validated: true, .. }, n)] if n == input.len()),
        "{seen:?}"
    );
}

#[test]
fn two_ccs_records_are_unexpected_message() {
    let l = listener(config());
    let (_, ch2) = openssl_flights(&l);
    let input = cat(&[&CCS_RECORD, &CCS_RECORD, &ch2]);
    let seen = split_invariant(&l, &input);
    let at = alert_at(
        &seen,
        AlertDescription::UNEXPECTED_MESSAGE,
        Reason::UnexpectedRecord,
    );
    assert_eq!(at, 6 + 5);
    let Outcome::Alert { bytes, .. } = &seen[0].0 else {
        unreachable!()
    };
    assert_eq!(bytes, &ALERT_UNEXPECTED_MESSAGE);
}

#[test]
fn stream_cap_refuses_a_client_hello_larger_than_it() {
    let l = listener(Config {
        max_stream_buffer: 512,
        ..config()
    });
    let ch1 = capture("tls13_rustls_ch1");
    assert_eq!(ch1.len(), 1466);
    let whole = byte_by_byte(&l, ch1);
    for c in [1, 5, 6, 9, 100, 516, 517, 518, 519, 1000, 1465] {
        assert_eq!(
            erased(&stream_chunks(&l, &cut(ch1, &[c]))),
            erased(&whole),
            "cut at {c}"
        );
    }
    let at = alert_at(
        &whole,
        AlertDescription::HANDSHAKE_FAILURE,
        Reason::StreamBufferFull,
    );
    // The record header, 512 buffered handshake bytes, then the one that does not fit.
    assert_eq!(at, 5 + 512 + 1);
    let Outcome::Alert { bytes, .. } = &whole[0].0 else {
        unreachable!()
    };
    assert_eq!(bytes, &ALERT_HANDSHAKE_FAILURE);

    // The default cap takes it.
    let o = stream_outcome(&listener(config()), ch1);
    assert!(matches!(o, Outcome::Reply { .. }), "{o:?}");

    // The gate is finished after the alert.
    let mut gate = l.stream();
    let mut out = [0u8; hellogate_machine::MAX_OUTPUT_LEN];
    assert!(matches!(
        gate.feed(&l, NOW, peer(), ch1, &mut out),
        hellogate_machine::Decision::Alert { .. }
    ));
    assert!(gate.is_finished());
    assert_eq!(
        gate.feed(&l, NOW, peer(), ch1, &mut out),
        hellogate_machine::Decision::Drop(Reason::StreamFinished)
    );
}

#[test]
fn stream_cap_boundary_is_the_handshake_message_size() {
    // The cap bounds the buffered ClientHello handshake message (4-byte header and body):
    // OpenSSL's no-middlebox CH1, padded to exactly 512 message bytes, is taken; one more
    // padding byte and it is refused, whole or split.
    let l = listener(Config {
        max_stream_buffer: 512,
        ..config()
    });
    let base = ChEdit::of(&tls_ch(capture("tls13_openssl_nomiddlebox_ch1")));
    let msg_len = |e: &ChEdit| 4 + e.body().len();
    assert!(msg_len(&base) + 4 < 512);
    let padded = |total: usize| {
        let mut e = base.clone();
        e.set(ExtensionType::PADDING, vec![0; total - msg_len(&base) - 4]);
        assert_eq!(msg_len(&e), total);
        e.tls_record()
    };
    let fits = padded(512);
    let seen = split_invariant(&l, &fits);
    assert!(
        matches!(seen[..], [(Outcome::Reply { .. }, n)] if n == fits.len()),
        "{seen:?}"
    );
    let over = padded(513);
    let seen = split_invariant(&l, &over);
    let at = alert_at(
        &seen,
        AlertDescription::HANDSHAKE_FAILURE,
        Reason::StreamBufferFull,
    );
    assert_eq!(at, 5 + 513);
}
