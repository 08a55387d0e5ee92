//! Property tests of the machine's promises, over random bytes, mutated real flows and
//! arbitrary stream splits:
//!
//! - no panic, whatever the input;
//! - no reply or alert larger than the datagram (or the stream bytes) that caused it;
//! - no validated accept unless the ClientHello returns a cookie that *this run's* listener
//!   emitted, for *this* peer (tracked from the replies it sent);
//! - with `Admission::Always`, every DTLS accept is validated;
//! - a stream gate decides the same whichever way the bytes are split.
//!
//! The fuzz targets `machine_datagram` and `machine_stream` check the same invariants.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::*;
use hellogate_codec::ProtocolVersion;
use hellogate_machine::{
    AcceptedHello, Config, Decision, HrrKeyShare, Listener, MAX_OUTPUT_LEN, ReplyKind,
};
use hellogate_testvectors::{Capture, Kind};
use proptest::prelude::*;

/// Cookies the listener emitted in one run, with the peer each was for.
#[derive(Default)]
struct Emitted(Vec<(SocketAddr, Vec<u8>)>);

impl Emitted {
    fn contains(&self, peer: SocketAddr, cookie: &[u8]) -> bool {
        self.0.iter().any(|(p, c)| *p == peer && c == cookie)
    }
}

/// The cookie an accepted ClientHello returned: the cookie extension for (D)TLS 1.3, the
/// legacy_cookie for DTLS 1.0/1.2 (whole message or first fragment).
fn accepted_cookie<'a>(version: ProtocolVersion, hello: &AcceptedHello<'a>) -> &'a [u8] {
    match hello {
        AcceptedHello::Whole(ch) if version == ProtocolVersion::DTLS1_3 => {
            ch.known.cookie.unwrap_or(&[])
        }
        AcceptedHello::Whole(ch) if version == ProtocolVersion::TLS1_3 => {
            ch.known.cookie.unwrap_or(&[])
        }
        AcceptedHello::Whole(ch) => ch.legacy_cookie.unwrap_or(&[]),
        AcceptedHello::FirstFragment(p) => p.legacy_cookie,
    }
}

/// One datagram through the listener, with every invariant checked; returns the decision's name.
fn datagram(
    l: &Listener,
    emitted: &mut Emitted,
    now: Duration,
    from: SocketAddr,
    bytes: &[u8],
) -> &'static str {
    let mut out = [0u8; MAX_OUTPUT_LEN];
    let d = l.handle_datagram(now, from, bytes, &mut out);
    match d {
        Decision::Reply { len, kind, .. } => {
            assert!(len <= bytes.len(), "reply {len} > datagram {}", bytes.len());
            assert!(matches!(
                kind,
                ReplyKind::HelloVerifyRequest | ReplyKind::HelloRetryRequest
            ));
            emitted.0.push((from, reply_cookie(&out[..len])));
        }
        Decision::Alert { len, .. } => {
            assert!(len <= bytes.len(), "alert {len} > datagram {}", bytes.len())
        }
        Decision::Accept(a) => {
            // Admission::Always: an unvalidated DTLS accept is never legal here.
            assert!(
                a.validated,
                "unvalidated DTLS accept under Admission::Always"
            );
            let cookie = accepted_cookie(a.version, &a.client_hello);
            assert!(
                emitted.contains(from, cookie),
                "validated accept with a cookie this run never emitted for {from}"
            );
            assert_eq!(a.peer, from);
            assert!(a.consumed <= bytes.len());
        }
        Decision::Drop(_) => {}
        Decision::NeedMore => panic!("a datagram never needs more"),
    }
    d.name()
}

/// A non-NeedMore stream decision, in a form that can be compared across splits.
#[derive(Debug, PartialEq, Eq)]
struct Seen {
    name: &'static str,
    reason: String,
    bytes: Vec<u8>,
    /// Stream offset after the bytes the decision consumed (replies and accepts).
    at: Option<usize>,
    message: Vec<u8>,
    validated: bool,
}

/// Feeds `input` to a fresh gate in the chunks that `cuts` (sorted stream offsets) make,
/// re-feeding the rest of a chunk after a reply, and checks the invariants on the way.
fn stream(l: &Listener, emitted: &mut Emitted, input: &[u8], cuts: &[usize]) -> Vec<Seen> {
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
            let d = gate.feed(l, NOW, peer(), chunk, &mut out);
            let mut s = Seen {
                name: d.name(),
                reason: String::new(),
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
                    emitted.0.push((peer(), reply_cookie(&out[..len])));
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
                            emitted.contains(peer(), cookie),
                            "validated stream accept with a cookie this run never emitted"
                        );
                    }
                }
                // Alerts too are never larger than the bytes received so far.
                Decision::Alert { reason, len, .. } => {
                    assert!(len <= end, "alert {len} > {end} bytes received");
                    s.reason = format!("{reason:?}");
                }
                Decision::Drop(reason) => s.reason = format!("{reason:?}"),
            }
            seen.push(s);
            return seen;
        }
    }
    seen
}

/// The decisions for `input` fed whole and fed in the chunks `cuts` make must be equal.
fn split_invariant(l: &Listener, emitted: &mut Emitted, input: &[u8], cuts: &[usize]) {
    let whole = stream(l, emitted, input, &[]);
    let split = stream(l, emitted, input, cuts);
    assert_eq!(whole, split, "cuts {cuts:?}");
}

/// A DTLS exchange rebuilt from a scenario: CH1 as captured, and the client's CH2 carrying
/// the cookie our listener gives CH1 (the listener is deterministic for a fixed time and peer).
struct DtlsFlow {
    name: &'static str,
    config: Config,
    ch1: &'static [u8],
    ch2: Vec<u8>,
    /// The cookie our listener emitted for CH1, for `peer()`.
    cookie: Vec<u8>,
}

impl DtlsFlow {
    /// What a run starts out knowing: the cookie the setup's listener emitted.
    fn emitted(&self) -> Emitted {
        Emitted(vec![(peer(), self.cookie.clone())])
    }
}

fn dtls_flows() -> Vec<DtlsFlow> {
    let mut flows = Vec::new();
    for scenario in hellogate_testvectors::scenarios().filter(|s| s.starts_with("dtls")) {
        let get = |k: Kind| hellogate_testvectors::scenario(scenario).find(|c| c.kind == k);
        let (Some(ch1), Some(ch2)) = (get(Kind::Ch1), get(Kind::Ch2)) else {
            continue;
        };
        let mut config = Config::default();
        if get(Kind::Hrr).is_some() {
            // dimpl's own server sent a cookie-only HRR; CH2 keeps CH1's X25519 share.
            config.hrr_key_share = HrrKeyShare::CookieOnly;
        }
        let l = listener(config.clone());
        let mut out = [0u8; MAX_OUTPUT_LEN];
        let Decision::Reply { len, .. } = l.handle_datagram(NOW, peer(), ch1.bytes, &mut out)
        else {
            panic!("{scenario}: CH1 not answered")
        };
        let cookie = reply_cookie(&out[..len]);
        let (view, v, seq, mseq) = dtls_ch(ch2.bytes);
        let ch2 = dtls_ch_datagram(&with_cookie(&view, &cookie), v, seq, mseq);
        flows.push(DtlsFlow {
            name: ch1.scenario,
            config,
            ch1: ch1.bytes,
            ch2,
            cookie,
        });
    }
    assert!(flows.len() >= 3, "{} DTLS flows", flows.len());
    flows
}

/// A TLS stream flow: CH1, then the client's second flight (its CCS if it sent one, then
/// CH2 carrying our cookie), as one connection would carry them.
/// A TLS stream flow: scenario, config, input, and the cookie our gate emitted for CH1.
struct TlsFlow {
    name: &'static str,
    config: Config,
    input: Vec<u8>,
    cookie: Vec<u8>,
}

impl TlsFlow {
    fn emitted(&self) -> Emitted {
        Emitted(vec![(peer(), self.cookie.clone())])
    }
}

fn tls_flows() -> Vec<TlsFlow> {
    let mut flows = Vec::new();
    for scenario in hellogate_testvectors::scenarios().filter(|s| s.starts_with("tls13_")) {
        let get = |k: Kind| hellogate_testvectors::scenario(scenario).find(|c| c.kind == k);
        let (Some(ch1), Some(hrr), Some(ch2)) = (get(Kind::Ch1), get(Kind::Hrr), get(Kind::Ch2))
        else {
            continue;
        };
        let config = config_like(hrr, ch1);
        let l = listener(config.clone());
        let mut gate = l.stream();
        let replies = feed_all(&l, &mut gate, ch1.bytes);
        let cookie = reply_cookie(&replies[0].1);
        let mut input = ch1.bytes.to_vec();
        if get(Kind::Ch2Flight).is_some() {
            input.extend_from_slice(&[0x14, 3, 3, 0, 1, 1]);
        }
        input.extend_from_slice(&tls_ch_record(&with_cookie(&tls_ch(ch2.bytes), &cookie)));
        flows.push(TlsFlow {
            name: ch1.scenario,
            config,
            input,
            cookie,
        });
    }
    assert!(flows.len() >= 5, "{} TLS flows", flows.len());
    flows
}

/// The group choice under which the capture's server made the HRR the client answered.
fn config_like(hrr: &Capture, ch1: &Capture) -> Config {
    let (rec, _) = hellogate_codec::TlsRecord::parse(hrr.bytes).unwrap();
    let (hs, _) = hellogate_codec::Handshake::parse(rec.fragment).unwrap();
    let sh = hellogate_codec::ServerHello::parse(hs.body).unwrap();
    let mut config = Config::default();
    match sh.selected_group() {
        Some(g) => config.groups = vec![g],
        None => {
            let view = tls_ch(ch1.bytes);
            config.groups = vec![view.known.key_shares.unwrap().iter().next().unwrap().group];
            config.hrr_key_share = HrrKeyShare::CookieOnly;
        }
    }
    config
}

#[test]
fn unmutated_flows_are_accepted() {
    // Without this the mutation properties below could pass by never reaching an accept.
    for f in dtls_flows() {
        let l = listener(f.config.clone());
        let mut e = Emitted::default();
        assert_eq!(
            datagram(&l, &mut e, NOW, peer(), f.ch1),
            "reply",
            "{}",
            f.name
        );
        assert_eq!(
            datagram(&l, &mut e, NOW, peer(), &f.ch2),
            "accept",
            "{}",
            f.name
        );
        // The same CH2 from another port is not accepted: the cookie names the port.
        let other: SocketAddr = "127.0.0.1:40001".parse().unwrap();
        assert_ne!(
            datagram(&l, &mut e, NOW, other, &f.ch2),
            "accept",
            "{}",
            f.name
        );
    }
    for f in tls_flows() {
        let (name, input) = (f.name, &f.input);
        let l = listener(f.config.clone());
        // Starting from an empty record: the cookie must be the one this run's gate emits.
        let seen = stream(&l, &mut Emitted::default(), input, &[]);
        let names: Vec<_> = seen.iter().map(|s| s.name).collect();
        assert_eq!(names, ["reply", "accept"], "{name}");
        assert!(seen[1].validated, "{name}");
        assert_eq!(seen[1].at, Some(input.len()), "{name}");
    }
}

#[test]
fn a_fresh_stream_with_a_cookie_never_emitted_is_not_accepted() {
    // The property helper must catch what it claims to: CH2 alone on a fresh gate, with a
    // cookie that a *different* secret sealed, never gives a validated accept.
    for f in tls_flows() {
        let (name, config, input) = (f.name, f.config, &f.input);
        let ring =
            hellogate_cookie::KeyRing::from_master_secret(&[0x24; 32], Duration::from_secs(3600))
                .unwrap();
        let other = Listener::new(config, ring).unwrap();
        let seen = stream(&other, &mut Emitted::default(), input, &[]);
        assert!(
            seen.iter().all(|s| !(s.name == "accept" && s.validated)),
            "{name}: {seen:?}"
        );
    }
}

#[test]
fn every_tls_capture_and_flow_splits_at_every_point_alike() {
    let l = listener(Config::default());
    for c in hellogate_testvectors::all()
        .iter()
        .filter(|c| c.is_stream() && c.kind.is_from_client())
    {
        let mut e = Emitted::default();
        for cut in 1..c.bytes.len() {
            split_invariant(&l, &mut e, c.bytes, &[cut]);
        }
        // One byte at a time.
        let all: Vec<usize> = (1..c.bytes.len()).collect();
        split_invariant(&l, &mut e, c.bytes, &all);
    }
    for f in tls_flows() {
        let (name, input) = (f.name, &f.input);
        let l = listener(f.config.clone());
        let mut e = Emitted::default();
        // Every single cut of the small flows; every 7th of the large ones (rustls, 2.9 KB).
        let step = if input.len() > 1200 { 7 } else { 1 };
        for cut in (1..input.len()).step_by(step) {
            split_invariant(&l, &mut e, input, &[cut]);
        }
        let all: Vec<usize> = (1..input.len()).collect();
        split_invariant(&l, &mut e, input, &all);
        let seen = stream(&l, &mut e, input, &all);
        assert_eq!(seen.len(), 2, "{name}");
    }
}

/// Byte edits: (position, new value) pairs, positions taken modulo the length.
fn edits() -> impl Strategy<Value = Vec<(usize, u8)>> {
    prop::collection::vec((any::<usize>(), any::<u8>()), 0..6)
}

fn apply(bytes: &[u8], edits: &[(usize, u8)], truncate: Option<usize>) -> Vec<u8> {
    let mut v = bytes.to_vec();
    if !v.is_empty() {
        for &(i, b) in edits {
            let n = v.len();
            v[i % n] = b;
        }
    }
    if let Some(t) = truncate {
        v.truncate(t % (v.len() + 1));
    }
    v
}

fn port() -> impl Strategy<Value = SocketAddr> {
    prop_oneof![Just(peer()), Just("127.0.0.1:40001".parse().unwrap())]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_datagrams_keep_the_invariants(
        bytes in prop::collection::vec(any::<u8>(), 0..700),
        from in port(),
    ) {
        let l = listener(Config::default());
        datagram(&l, &mut Emitted::default(), NOW, from, &bytes);
    }

    #[test]
    fn random_datagrams_behind_a_dtls_header_keep_the_invariants(
        body in prop::collection::vec(any::<u8>(), 0..400),
        message_seq in 0u16..4,
        from in port(),
    ) {
        // A well-formed record and handshake header around random bytes reaches the
        // ClientHello parser and the cookie code, which random bytes alone rarely do.
        let l = listener(Config::default());
        let dgram = dtls_ch_datagram(&body, [0xfe, 0xfd], 0, message_seq);
        datagram(&l, &mut Emitted::default(), NOW, from, &dgram);
    }

    #[test]
    fn mutated_dtls_flows_keep_the_invariants(
        flow in 0usize..16,
        ch1_edits in edits(),
        ch2_edits in edits(),
        truncate in prop::option::of(any::<usize>()),
        from in port(),
        later in 0u64..200_000,
    ) {
        let flows = dtls_flows();
        let f = &flows[flow % flows.len()];
        let l = listener(f.config.clone());
        // The setup's listener (same key ring) emitted CH2's cookie for the unmutated CH1.
        let mut e = f.emitted();
        let ch1 = apply(f.ch1, &ch1_edits, None);
        datagram(&l, &mut e, NOW, peer(), &ch1);
        // The client's CH2 (built with the cookie for the *unmutated* CH1), mutated.
        let ch2 = apply(&f.ch2, &ch2_edits, truncate);
        datagram(&l, &mut e, NOW + Duration::from_millis(later), from, &ch2);
    }

    #[test]
    fn mutated_tls_flows_split_anywhere_decide_alike(
        flow in 0usize..16,
        edits in edits(),
        truncate in prop::option::of(any::<usize>()),
        cuts in prop::collection::vec(any::<usize>(), 0..12),
    ) {
        let flows = tls_flows();
        let f = &flows[flow % flows.len()];
        let l = listener(f.config.clone());
        let input = apply(&f.input, &edits, truncate);
        let cuts: Vec<usize> = cuts.iter().map(|c| c % (input.len() + 1)).collect();
        split_invariant(&l, &mut f.emitted(), &input, &cuts);
    }

    #[test]
    fn random_streams_split_anywhere_decide_alike(
        input in prop::collection::vec(any::<u8>(), 0..600),
        cuts in prop::collection::vec(any::<usize>(), 0..12),
    ) {
        let l = listener(Config::default());
        let cuts: Vec<usize> = cuts.iter().map(|c| c % (input.len() + 1)).collect();
        split_invariant(&l, &mut Emitted::default(), &input, &cuts);
    }
}

#[test]
#[should_panic(expected = "cookie this run never emitted")]
fn the_cookie_check_bites() {
    // CH2 straight to a listener whose run emitted nothing: the accept is real (the key
    // ring sealed the cookie in the setup), but this run never emitted that cookie, so the
    // checker must fail. Shows the invariant above is not vacuous.
    let f = &dtls_flows()[0];
    let l = listener(f.config.clone());
    datagram(&l, &mut Emitted::default(), NOW, peer(), &f.ch2);
}
