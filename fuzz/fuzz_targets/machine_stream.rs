//! The TLS stream gate fed the same bytes whole and split at arbitrary points.
//!
//! Input: an input that starts like a TLS record (22 handshake or 20 ChangeCipherSpec),
//! such as every TLS seed from `write_seeds`, is the stream itself, compared whole against
//! one byte at a time and against a cut at its middle. Anything else is an arbitrary
//! [`Input`]: a stream (raw bytes, or a real exchange CH1 + the client's second flight with
//! our cookie, optionally edited) and a list of cut points.
//!
//! Invariants: no panic; the sequence of decisions other than NeedMore (name, reason,
//! reply or alert bytes, stream offset after what an accept or reply consumed, accepted
//! ClientHello bytes, validated flag) is the same however the bytes are split; a reply
//! is never larger than the bytes the gate has received; a validated accept returns a
//! cookie this run's gate emitted.
#![no_main]

#[path = "machine_common/mod.rs"]
mod machine_common;

use arbitrary::{Arbitrary, Unstructured};
use hellogate_machine::{Config, Decision, HrrKeyShare, Listener, MAX_OUTPUT_LEN};
use libfuzzer_sys::fuzz_target;
use machine_common::*;

#[derive(Arbitrary, Debug)]
enum Stream {
    Raw(Vec<u8>),
    Flow {
        flow: u8,
        /// Feed the second flight alone (a fresh gate after a reconnect), or CH1 first.
        second_flight_only: bool,
        edits: Vec<Edit>,
        truncate: Option<u16>,
    },
}

#[derive(Arbitrary, Debug)]
struct Input {
    cookie_only: bool,
    stream: Stream,
    cuts: Vec<u16>,
}

/// A non-NeedMore decision, comparable across splits.
#[derive(Debug, PartialEq, Eq)]
struct Seen {
    name: &'static str,
    reason: &'static str,
    bytes: Vec<u8>,
    at: Option<usize>,
    message: Vec<u8>,
    validated: bool,
}

/// Feeds `input` to a fresh gate in the chunks `cuts` make, re-feeding the rest of a chunk
/// after a reply; checks the amplification and cookie invariants on the way.
fn run(l: &Listener, emitted: &mut Emitted, input: &[u8], cuts: &[usize]) -> Vec<Seen> {
    let mut gate = l.stream();
    let mut seen = Vec::new();
    let mut bounds: Vec<usize> = cuts.iter().map(|&c| c.min(input.len())).collect();
    bounds.push(input.len());
    bounds.sort_unstable();
    bounds.dedup();
    let mut start = 0;
    for end in bounds {
        while start < end {
            let chunk = &input[start..end];
            let mut out = [0u8; MAX_OUTPUT_LEN];
            let d = gate.feed(l, NOW, peer(0), chunk, &mut out);
            let mut s = Seen {
                name: d.name(),
                reason: "",
                bytes: d.reply_bytes(&out).unwrap_or(&[]).to_vec(),
                at: None,
                message: Vec::new(),
                validated: false,
            };
            match d {
                Decision::NeedMore => {
                    start = end;
                    continue;
                }
                Decision::Reply { len, consumed, .. } => {
                    assert!(consumed > 0 && consumed <= chunk.len());
                    start += consumed;
                    assert!(len <= start, "reply {len} > {start} bytes received");
                    s.at = Some(start);
                    emitted.0.push((peer(0), reply_cookie(&out[..len])));
                    seen.push(s);
                    continue;
                }
                Decision::Accept(a) => {
                    assert!(a.consumed <= chunk.len());
                    s.at = Some(start + a.consumed);
                    s.message = a.message.to_vec();
                    s.validated = a.validated;
                    if a.validated {
                        let cookie = accepted_cookie(a.version, &a.client_hello);
                        assert!(
                            emitted.contains(peer(0), cookie),
                            "validated stream accept with a cookie this run never emitted"
                        );
                    }
                }
                Decision::Alert { reason, len, .. } => {
                    assert!(len <= end, "alert {len} > {end} bytes received");
                    s.reason = reason.code();
                }
                Decision::Drop(reason) => s.reason = reason.code(),
            }
            seen.push(s);
            return seen;
        }
    }
    seen
}

fn check(l: &Listener, emitted: &mut Emitted, input: &[u8], cuts: &[usize]) {
    let whole = run(l, emitted, input, &[]);
    let split = run(l, emitted, input, cuts);
    assert_eq!(whole, split, "cuts {cuts:?}");
}

fuzz_target!(|data: &[u8]| {
    if matches!(data.first(), Some(&22) | Some(&20)) {
        let l = listener(Config::default());
        let mut e = Emitted::default();
        let bytewise: Vec<usize> = (1..data.len()).collect();
        check(&l, &mut e, data, &bytewise);
        check(&l, &mut e, data, &[data.len() / 2]);
        return;
    }
    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let mut e = Emitted::default();
    let (l, bytes) = match input.stream {
        Stream::Raw(bytes) => {
            let mut config = Config::default();
            if input.cookie_only {
                config.hrr_key_share = HrrKeyShare::CookieOnly;
            }
            (listener(config), bytes)
        }
        Stream::Flow {
            flow,
            second_flight_only,
            edits,
            truncate,
        } => {
            let f = &TLS_FLOWS[usize::from(flow) % TLS_FLOWS.len()];
            // The setup's gate (same key ring) emitted the flight's cookie for peer(0).
            e = f.emitted();
            let mut bytes = Vec::new();
            if !second_flight_only {
                bytes.extend_from_slice(&f.ch1);
            }
            bytes.extend_from_slice(&f.ch2);
            (listener(f.config.clone()), apply(&bytes, &edits, truncate))
        }
    };
    let cuts: Vec<usize> = input
        .cuts
        .iter()
        .take(64)
        .map(|&c| usize::from(c) % (bytes.len() + 1))
        .collect();
    check(&l, &mut e, &bytes, &cuts);
});
