//! Rules the stream gate keeps on one connection that a fresh gate cannot know about.

mod common;

use common::*;
use hellogate_codec::NamedGroup;
use hellogate_machine::{Config, Decision, HrrKeyShare, MAX_OUTPUT_LEN, Reason};

fn config() -> Config {
    Config {
        groups: vec![NamedGroup::X25519],
        hrr_key_share: HrrKeyShare::CookieOnly,
        ..Config::default()
    }
}

/// Our cookie for `ch1` (a TLS capture name), and the client's real CH2 carrying it.
fn flight2(l: &hellogate_machine::Listener, ch1: &str, ch2: &str) -> Vec<u8> {
    let mut gate = l.stream();
    let mut out = [0u8; MAX_OUTPUT_LEN];
    let ch1 = hellogate_testvectors::get(ch1).unwrap().bytes;
    let Decision::Reply { len, .. } = gate.feed(l, NOW, peer(), ch1, &mut out) else {
        panic!()
    };
    let cookie = reply_cookie(&out[..len]);
    let ch2 = tls_ch(hellogate_testvectors::get(ch2).unwrap().bytes);
    tls_ch_record(&with_cookie(&ch2, &cookie))
}

#[test]
fn a_cookie_made_for_another_client_hello_is_refused_on_the_connection_that_got_our_hrr() {
    let l = listener(config());
    // Connection A sends the OpenSSL CH1 and gets our HRR.
    let mut a = l.stream();
    let mut out = [0u8; MAX_OUTPUT_LEN];
    let ch1 = hellogate_testvectors::get("tls13_openssl_nomiddlebox_ch1")
        .unwrap()
        .bytes;
    assert!(matches!(
        a.feed(&l, NOW, peer(), ch1, &mut out),
        Decision::Reply { .. }
    ));
    // It then presents a valid cookie our listener made for a different CH1 (same peer).
    let other = flight2(&l, "tls13_openssl_ch1", "tls13_openssl_ch2");
    let d = a.feed(&l, NOW, peer(), &other, &mut out);
    assert!(
        matches!(
            d,
            Decision::Alert {
                reason: Reason::CookieForAnotherHello,
                ..
            }
        ),
        "{d:?}"
    );
    // A fresh gate has no HRR of its own to compare with: the cookie alone decides.
    let mut fresh = l.stream();
    assert!(matches!(
        fresh.feed(&l, NOW, peer(), &other, &mut out),
        Decision::Accept(_)
    ));
}

#[test]
fn a_second_client_hello_without_cookie_after_our_hrr_is_refused() {
    let l = listener(config());
    let mut gate = l.stream();
    let mut out = [0u8; MAX_OUTPUT_LEN];
    let ch1 = hellogate_testvectors::get("tls13_openssl_nomiddlebox_ch1")
        .unwrap()
        .bytes;
    assert!(matches!(
        gate.feed(&l, NOW, peer(), ch1, &mut out),
        Decision::Reply { .. }
    ));
    let d = gate.feed(&l, NOW, peer(), ch1, &mut out);
    assert!(
        matches!(
            d,
            Decision::Alert {
                reason: Reason::SecondHrrNeeded,
                ..
            }
        ),
        "{d:?}"
    );
    assert!(gate.is_finished());
    assert_eq!(
        gate.feed(&l, NOW, peer(), ch1, &mut out),
        Decision::Drop(Reason::StreamFinished)
    );
}

#[test]
fn no_alert_is_larger_than_what_the_peer_sent() {
    let l = listener(config());
    let mut out = [0u8; MAX_OUTPUT_LEN];
    // Five bytes of a record header announcing application data: the 7-byte alert would
    // be larger than the 5 bytes received, so the gate closes without one.
    let mut gate = l.stream();
    let d = gate.feed(&l, NOW, peer(), &[23, 3, 3, 0, 1], &mut out);
    assert_eq!(d, Decision::Drop(Reason::UnexpectedRecord));
    // With the record's byte as well (6 bytes) it is still too small; after 7 it fits.
    let mut gate = l.stream();
    let d = gate.feed(&l, NOW, peer(), &[23, 3, 3, 0, 2, 0, 0], &mut out);
    assert_eq!(d, Decision::Drop(Reason::UnexpectedRecord));
    let mut gate = l.stream();
    let d = gate.feed(&l, NOW, peer(), &[0; 12], &mut out);
    assert!(
        matches!(d, Decision::Drop(_) | Decision::Alert { .. }),
        "{d:?}"
    );
    if let Decision::Alert { len, .. } = d {
        assert!(len <= 12);
    }
}
