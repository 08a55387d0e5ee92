//! Zero heap allocations per datagram in steady state, for ClientHello1 and ClientHello2,
//! counted by a global allocator that counts.

mod common;

use common::*;
use hellogate_machine::{Config, Decision, MAX_OUTPUT_LEN};

/// Runs `f` and counts the heap allocations it made on this thread.
fn count<R>(f: impl FnOnce() -> R) -> (R, u64) {
    let mut r = None;
    let info = allocation_counter::measure(|| r = Some(f()));
    (r.expect("ran"), info.count_total)
}

#[test]
fn no_heap_allocation_per_datagram_or_per_stream_input() {
    // The counter counts: one Vec is one allocation.
    assert_eq!(count(|| std::hint::black_box(vec![0u8; 3])).1, 1);
    // --- DTLS 1.2 and DTLS 1.3: CH1 and CH2 through one listener.
    for (ch1, ch2) in [
        ("dtls12_openssl_ch1", "dtls12_openssl_ch2"),
        ("dtls13_dimpl_ch1", "dtls13_dimpl_ch2"),
    ] {
        let ch1 = hellogate_testvectors::get(ch1).unwrap().bytes;
        let (ch1_view, ..) = dtls_ch(ch1);
        // Answer the way the captured server did, so the real CH2 fits our cookie: dimpl's
        // server sent a cookie-only HRR for the group of the client's first share.
        let mut config = Config::default();
        if let Some(shares) = ch1_view.known.key_shares {
            config.groups = vec![shares.iter().next().unwrap().group];
            config.hrr_key_share = hellogate_machine::HrrKeyShare::CookieOnly;
        }
        let l = listener(config);
        let mut out = [0u8; MAX_OUTPUT_LEN];
        let (len, n) = count(|| match l.handle_datagram(NOW, peer(), ch1, &mut out) {
            Decision::Reply { len, .. } => len,
            d => panic!("{d:?}"),
        });
        assert_eq!(n, 0, "CH1 allocated");
        // Build CH2 with our cookie (test set-up may allocate), then count the decision.
        let cookie = reply_cookie(&out[..len]);
        let (view, v, seq, mseq) = dtls_ch(hellogate_testvectors::get(ch2).unwrap().bytes);
        let dgram = dtls_ch_datagram(&with_cookie(&view, &cookie), v, seq, mseq);
        for _ in 0..3 {
            let (accepted, n) = count(|| {
                matches!(
                    l.handle_datagram(NOW, peer(), &dgram, &mut out),
                    Decision::Accept(_)
                )
            });
            assert!(accepted);
            assert_eq!(n, 0, "CH2 allocated");
        }
    }

    // --- TLS 1.3 stream: a gate allocates nothing when made, nothing for a ClientHello that
    // arrives whole (it decides on the input), and its bounded buffer exactly once for one
    // that arrives split, whatever the split; CH2 at a fresh gate allocates nothing.
    let l = listener(Config {
        groups: vec![hellogate_codec::NamedGroup::X25519],
        hrr_key_share: hellogate_machine::HrrKeyShare::CookieOnly,
        ..Config::default()
    });
    let ch1 = hellogate_testvectors::get("tls13_openssl_ch1")
        .unwrap()
        .bytes;
    let (mut whole_gate, n) = count(|| l.stream());
    assert_eq!(n, 0, "making a gate allocated");
    let mut out = [0u8; MAX_OUTPUT_LEN];
    let (replied, n) = count(|| {
        matches!(
            whole_gate.feed(&l, NOW, peer(), ch1, &mut out),
            Decision::Reply { .. }
        )
    });
    assert!(replied);
    assert_eq!(n, 0, "a whole stream CH1 allocated");
    let mut gate = l.stream();
    let (len, n) = count(|| {
        let mut len = 0;
        for chunk in ch1.chunks(7) {
            if let Decision::Reply { len: l2, .. } = gate.feed(&l, NOW, peer(), chunk, &mut out) {
                len = l2;
            }
        }
        len
    });
    assert!(len > 0);
    assert_eq!(n, 1, "a split stream CH1 allocates the gate's buffer, once");
    let cookie = reply_cookie(&out[..len]);
    let ch2 = tls_ch(
        hellogate_testvectors::get("tls13_openssl_ch2")
            .unwrap()
            .bytes,
    );
    let mut flight = vec![0x14, 3, 3, 0, 1, 1];
    flight.extend_from_slice(&tls_ch_record(&with_cookie(&ch2, &cookie)));
    let mut fresh = l.stream();
    let (accepted, n) = count(|| {
        matches!(
            fresh.feed(&l, NOW, peer(), &flight, &mut out),
            Decision::Accept(_)
        )
    });
    assert!(accepted);
    assert_eq!(n, 0, "stream CH2 allocated");
}
