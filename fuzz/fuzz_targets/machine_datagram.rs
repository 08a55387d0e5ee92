//! The datagram listener on arbitrary datagrams and on mutated real exchanges.
//!
//! Input: an input that starts with a DTLS handshake record byte (22), such as every seed
//! from `write_seeds`, is one datagram, sent from two ports in turn. Anything else is an
//! arbitrary [`Input`]: a few datagrams with peers and time offsets, optionally after a
//! real exchange (CH1, then the client's CH2 with the cookie our listener gave CH1) whose
//! datagrams get arbitrary byte edits.
//!
//! Invariants: no panic; every reply and alert no larger than its datagram; every accept is
//! validated (admission is `Always`) and returns a cookie this run's listener emitted, in
//! a reply, for the very peer that sent it.
#![no_main]

#[path = "machine_common/mod.rs"]
mod machine_common;

use std::time::Duration;

use arbitrary::{Arbitrary, Unstructured};
use hellogate_machine::{Config, Decision, HrrKeyShare, Listener, MAX_OUTPUT_LEN};
use libfuzzer_sys::fuzz_target;
use machine_common::*;

#[derive(Arbitrary, Debug)]
struct Datagram {
    peer: u8,
    /// Milliseconds after `NOW` (up to about 65 s).
    later_ms: u16,
    bytes: Vec<u8>,
}

#[derive(Arbitrary, Debug)]
struct Mutated {
    flow: u8,
    ch1_edits: Vec<Edit>,
    ch2_edits: Vec<Edit>,
    truncate: Option<u16>,
    ch2_peer: u8,
    later_ms: u16,
    /// Send the real CH1 first (so this run emits the cookie itself), or not.
    send_ch1: bool,
}

#[derive(Arbitrary, Debug)]
struct Input {
    cookie_only: bool,
    mutated: Option<Mutated>,
    datagrams: Vec<Datagram>,
}

/// One datagram through the listener, with every invariant checked.
fn datagram(l: &Listener, emitted: &mut Emitted, later_ms: u16, peer_n: u8, bytes: &[u8]) {
    let from = peer(peer_n);
    let now = NOW + Duration::from_millis(u64::from(later_ms));
    let mut out = [0u8; MAX_OUTPUT_LEN];
    match l.handle_datagram(now, from, bytes, &mut out) {
        Decision::Reply { len, consumed, .. } => {
            assert!(len <= bytes.len(), "reply {len} > datagram {}", bytes.len());
            assert!(consumed <= bytes.len());
            emitted.0.push((from, reply_cookie(&out[..len])));
        }
        Decision::Alert { len, .. } => {
            assert!(len <= bytes.len(), "alert {len} > datagram {}", bytes.len())
        }
        Decision::Accept(a) => {
            assert!(
                a.validated,
                "unvalidated DTLS accept under Admission::Always"
            );
            assert_eq!(a.peer, from);
            assert!(a.consumed <= bytes.len());
            let cookie = accepted_cookie(a.version, &a.client_hello);
            assert!(
                emitted.contains(from, cookie),
                "validated accept with a cookie this run never emitted for {from}"
            );
        }
        Decision::Drop(_) => {}
        Decision::NeedMore => panic!("a datagram never needs more"),
    }
}

fuzz_target!(|data: &[u8]| {
    if data.first() == Some(&22) {
        let l = listener(Config::default());
        let mut e = Emitted::default();
        datagram(&l, &mut e, 0, 0, data);
        // Again from another port: a cookie emitted above must not be accepted there.
        datagram(&l, &mut e, 10, 1, data);
        return;
    }
    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let mut e = Emitted::default();
    let l = match &input.mutated {
        Some(m) => {
            let f = &DTLS_FLOWS[usize::from(m.flow) % DTLS_FLOWS.len()];
            let l = listener(f.config.clone());
            if m.send_ch1 {
                datagram(&l, &mut e, 0, 0, &apply(&f.ch1, &m.ch1_edits, None));
            }
            // CH2 carries the cookie the setup's listener (same key ring) emitted for the
            // unmutated CH1 and peer(0).
            e.0.extend(f.emitted().0);
            let ch2 = apply(&f.ch2, &m.ch2_edits, m.truncate);
            datagram(&l, &mut e, m.later_ms, m.ch2_peer, &ch2);
            l
        }
        None => {
            let mut config = Config::default();
            if input.cookie_only {
                config.hrr_key_share = HrrKeyShare::CookieOnly;
            }
            listener(config)
        }
    };
    for d in input.datagrams.iter().take(8) {
        datagram(&l, &mut e, d.later_ms, d.peer, &d.bytes);
    }
});
