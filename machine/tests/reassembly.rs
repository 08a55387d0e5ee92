//! Fragmented DTLS 1.3 ClientHellos: reassembled within the global budget, decided exactly
//! as the unfragmented message would be, and never past the budget.

mod common;

use common::*;
use hellogate_machine::{Config, Decision, MAX_OUTPUT_LEN, NoTrace, Reason, Reassembly};

/// Splits the one handshake message of a DTLS datagram into fragments at `cuts` (body
/// offsets), one datagram each, with consecutive record sequence numbers.
fn fragment(datagram: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let body = &datagram[25..];
    let mut bounds = vec![0];
    bounds.extend_from_slice(cuts);
    bounds.push(body.len());
    let len = (body.len() as u32).to_be_bytes();
    bounds
        .windows(2)
        .enumerate()
        .map(|(i, w)| {
            let frag = &body[w[0]..w[1]];
            let mut v = datagram[..3].to_vec();
            v.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, i as u8]);
            v.extend_from_slice(&((frag.len() + 12) as u16).to_be_bytes());
            v.push(1);
            v.extend_from_slice(&len[1..]);
            v.extend_from_slice(&datagram[17..19]); // message_seq
            v.extend_from_slice(&(w[0] as u32).to_be_bytes()[1..]);
            v.extend_from_slice(&(frag.len() as u32).to_be_bytes()[1..]);
            v.extend_from_slice(frag);
            v
        })
        .collect()
}

fn hrr_for(datagram: &[u8]) -> Vec<u8> {
    let l = listener(Config::default());
    let mut out = [0u8; MAX_OUTPUT_LEN];
    let Decision::Reply { len, .. } = l.handle_datagram(NOW, peer(), datagram, &mut out) else {
        panic!()
    };
    out[..len].to_vec()
}

#[test]
fn fragmented_ch1_gets_the_same_hrr_as_the_whole_one_in_any_order() {
    let ch1 = hellogate_testvectors::get("dtls13_dimpl_ch1")
        .unwrap()
        .bytes;
    let expected = hrr_for(ch1);
    let l = listener(Config::default());
    for order in [[0usize, 1, 2], [2, 0, 1], [1, 2, 0]] {
        let frags = fragment(ch1, &[100, 700]);
        let mut arena = Reassembly::new(4096, 8);
        let mut replies = Vec::new();
        for (k, &i) in order.iter().enumerate() {
            let mut out = [0u8; MAX_OUTPUT_LEN];
            let d = l.handle_datagram_reassembling(
                &mut arena,
                NOW,
                peer(),
                &frags[i],
                &mut out,
                &mut NoTrace,
            );
            if k < 2 {
                assert_eq!(d, Decision::Drop(Reason::FragmentBuffered), "{order:?}");
            } else {
                let Decision::Reply { len, .. } = d else {
                    panic!("{order:?}: {d:?}")
                };
                replies.push(out[..len].to_vec());
            }
        }
        // Same cookie (it binds Hash(CH1) over the whole message) and same bytes.
        assert_eq!(replies, std::slice::from_ref(&expected), "{order:?}");
    }
}

#[test]
fn fragmented_ch2_is_accepted_with_the_whole_message() {
    let ch1 = hellogate_testvectors::get("dtls13_dimpl_ch1")
        .unwrap()
        .bytes;
    let (ch1_view, ..) = dtls_ch(ch1);
    let config = Config {
        groups: vec![
            ch1_view
                .known
                .key_shares
                .unwrap()
                .iter()
                .next()
                .unwrap()
                .group,
        ],
        hrr_key_share: hellogate_machine::HrrKeyShare::CookieOnly,
        ..Config::default()
    };
    let l = listener(config);
    let mut out = [0u8; MAX_OUTPUT_LEN];
    let Decision::Reply { len, .. } = l.handle_datagram(NOW, peer(), ch1, &mut out) else {
        panic!()
    };
    let cookie = reply_cookie(&out[..len]);
    let (ch2, v, seq, mseq) = dtls_ch(
        hellogate_testvectors::get("dtls13_dimpl_ch2")
            .unwrap()
            .bytes,
    );
    let whole = dtls_ch_datagram(&with_cookie(&ch2, &cookie), v, seq, mseq);
    let frags = fragment(&whole, &[500]);
    let mut arena = Reassembly::new(4096, 8);
    let d =
        l.handle_datagram_reassembling(&mut arena, NOW, peer(), &frags[0], &mut out, &mut NoTrace);
    assert_eq!(d, Decision::Drop(Reason::FragmentBuffered));
    let d =
        l.handle_datagram_reassembling(&mut arena, NOW, peer(), &frags[1], &mut out, &mut NoTrace);
    let Decision::Accept(a) = d else {
        panic!("{d:?}")
    };
    assert!(a.validated);
    // The reassembled message is the unfragmented one, header included.
    assert_eq!(a.message, &whole[13..]);
}

#[test]
fn reassembly_is_bounded_by_its_budget() {
    let ch1 = hellogate_testvectors::get("dtls13_dimpl_ch1")
        .unwrap()
        .bytes;
    let frags = fragment(ch1, &[600]);
    let l = listener(Config::default());
    let mut out = [0u8; MAX_OUTPUT_LEN];
    // A budget smaller than the message: refused at once, nothing kept.
    let mut small = Reassembly::new(1000, 4);
    let d =
        l.handle_datagram_reassembling(&mut small, NOW, peer(), &frags[0], &mut out, &mut NoTrace);
    assert_eq!(d, Decision::Drop(Reason::ReassemblyBudget));
    assert_eq!(small.in_progress(), 0);
    // Room for two messages: many spoofed peers' first halves evict each other, oldest
    // first, and the arena never holds more than its budget.
    let mut arena = Reassembly::new(2 * 1200, 16);
    for port in 0..100u16 {
        let p = std::net::SocketAddr::from(([10, 0, 0, 1], 1000 + port));
        let d =
            l.handle_datagram_reassembling(&mut arena, NOW, p, &frags[0], &mut out, &mut NoTrace);
        assert_eq!(d, Decision::Drop(Reason::FragmentBuffered));
        assert!(arena.in_progress() <= 2);
    }
    // The last peer's message is still there and completes; an early one was evicted.
    let last = std::net::SocketAddr::from(([10, 0, 0, 1], 1099));
    let first = std::net::SocketAddr::from(([10, 0, 0, 1], 1000));
    let d =
        l.handle_datagram_reassembling(&mut arena, NOW, first, &frags[1], &mut out, &mut NoTrace);
    assert_eq!(d, Decision::Drop(Reason::FragmentBuffered));
    let d =
        l.handle_datagram_reassembling(&mut arena, NOW, last, &frags[1], &mut out, &mut NoTrace);
    assert!(matches!(d, Decision::Reply { .. }), "{d:?}");
}

#[test]
fn without_an_arena_a_later_fragment_is_dropped() {
    let ch1 = hellogate_testvectors::get("dtls13_dimpl_ch1")
        .unwrap()
        .bytes;
    let frags = fragment(ch1, &[600]);
    let l = listener(Config::default());
    let mut out = [0u8; MAX_OUTPUT_LEN];
    assert_eq!(
        l.handle_datagram(NOW, peer(), &frags[1], &mut out),
        Decision::Drop(Reason::NotFirstFragment)
    );
}
