//! The listener's paths, next to the bare HMAC-SHA256 each one must compute and next to
//! OpenSSL answering the same captures in the same run.
//!
//! `cargo bench -p hellogate-machine --bench listener`. Own small harness: warm-up, then 31
//! batches per path; a batch's mean ns/op is one sample and the median of the samples is the
//! path's number for that round. Three rounds alternate hellogate and OpenSSL, so both sides
//! see the same machine weather; the printed figure is the median of the round medians and
//! the spread column is (slowest - fastest round) / median.
//!
//! OpenSSL's side is `benches/openssl/listen_bench.c`, compiled here with `cc -O2 ... -lssl
//! -lcrypto` into Cargo's target tmp dir (needs a C compiler and `libssl-dev`). Without them
//! the bench says what is missing and prints hellogate's numbers alone.
//!
//! Under `cargo test --all-targets` (no `--bench` argument, debug build, CI) it runs a smoke
//! pass of a few calls per path, which still checks every path decides as expected, and
//! skips OpenSSL; those numbers mean nothing.

#[path = "../tests/common/mod.rs"]
mod common;

use common::{
    NOW, SECRET, dtls_ch, dtls_ch_datagram, peer, reply_cookie, tls_ch, tls_ch_record, with_cookie,
};
use core::time::Duration;
use hellogate_codec::{
    ClientHello, ClientHelloOutline, DtlsHandshake, DtlsRecords, Flavor, Handshake, TlsRecord,
};
use hellogate_cookie::KeyRing;
use hellogate_machine::{Config, Decision, HrrKeyShare, Listener, MAX_OUTPUT_LEN, ReplyKind};
use hmac::block_api::HmacCore;
use hmac::digest::Output;
use hmac::digest::array::Array;
use hmac::digest::block_api::{Buffer, FixedOutputCore, UpdateCore};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Targets from the project brief.
const HVR_TARGET: f64 = 10.0;
const HRR_TARGET: f64 = 50.0;
const HMAC_TARGET: f64 = 2.5;

/// Batches, calls per batch, rounds, and whether OpenSSL runs: full sizes under `cargo bench`
/// (which passes `--bench`), a smoke run under `cargo test`.
struct Sizes {
    batches: usize,
    per_batch: usize,
    rounds: usize,
    full: bool,
}

fn sizes() -> Sizes {
    if std::env::args().any(|a| a == "--bench") {
        Sizes {
            batches: 31,
            per_batch: 2_000,
            rounds: 3,
            full: true,
        }
    } else {
        Sizes {
            batches: 3,
            per_batch: 5,
            rounds: 1,
            full: false,
        }
    }
}

/// Median over `batches` of the mean ns/op of `per_batch` calls, after a warm-up.
fn median_ns(s: &Sizes, mut f: impl FnMut()) -> f64 {
    for _ in 0..s.per_batch * 2 {
        f();
    }
    let mut samples = Vec::with_capacity(s.batches);
    for _ in 0..s.batches {
        let start = Instant::now();
        for _ in 0..s.per_batch {
            f();
        }
        samples.push(start.elapsed().as_nanos() as f64 / s.per_batch as f64);
    }
    samples.sort_by(f64::total_cmp);
    samples[s.batches / 2]
}

/// Median and relative spread of one path's round medians.
fn summarize(rounds: &[f64]) -> (f64, f64) {
    let mut v = rounds.to_vec();
    v.sort_by(f64::total_cmp);
    let m = v[v.len() / 2];
    (m, (v[v.len() - 1] - v[0]) / m)
}

fn listener(config: Config) -> Listener {
    let ring = KeyRing::from_master_secret(&SECRET, Duration::from_secs(3600)).unwrap();
    let mut l = Listener::new(config, ring).unwrap();
    // A deployment calls refresh from a timer; without it every cookie derives its epoch key.
    l.refresh(NOW);
    l
}

fn capture(name: &str) -> &'static [u8] {
    hellogate_testvectors::get(name)
        .unwrap_or_else(|| panic!("capture {name}"))
        .bytes
}

/// The listener's config that answers a DTLS 1.3 / TLS 1.3 capture the way its captured
/// server did (a cookie-only HRR for the group of the client's first key share), so the
/// captured ClientHello2, given our cookie, is a valid answer to our HRR. SSL_stateless also
/// answers with a cookie-only HRR when the client's share is acceptable.
fn matching_config(first_share_group: hellogate_codec::NamedGroup) -> Config {
    Config {
        groups: vec![first_share_group],
        hrr_key_share: HrrKeyShare::CookieOnly,
        ..Config::default()
    }
}

/// True when `kind` is the reply wanted; a TLS HRR followed by a ChangeCipherSpec (for a
/// client in middlebox-compatibility mode) counts as an HRR.
fn is(kind: ReplyKind, want: ReplyKind) -> bool {
    kind == want
        || (want == ReplyKind::HelloRetryRequest && kind == ReplyKind::HelloRetryRequestAndCcs)
}

fn reply(d: Decision<'_>, want: ReplyKind, what: &str) -> usize {
    match d {
        Decision::Reply { kind, len, .. } if is(kind, want) => len,
        other => panic!("{what}: expected {want:?}, got {other:?}"),
    }
}

fn accept(d: Decision<'_>, what: &str) {
    match d {
        Decision::Accept(a) if a.validated => {}
        other => panic!("{what}: expected a validated accept, got {other:?}"),
    }
}

/// The TLS-framed ClientHello message of a DTLS datagram (4-byte header + body): what the
/// DTLS 1.3 transcript hashes (RFC 9147 section 5.2).
fn dtls_ch_message(datagram: &[u8]) -> Vec<u8> {
    let rec = DtlsRecords::new(datagram).next().unwrap().unwrap();
    let (hs, _) = DtlsHandshake::parse(rec.fragment).unwrap();
    let mut m = vec![1];
    m.extend_from_slice(&(hs.fragment.len() as u32).to_be_bytes()[1..]);
    m.extend_from_slice(hs.fragment);
    m
}

/// The ClientHello message of a TLS capture (first handshake record).
fn tls_ch_message(bytes: &[u8]) -> Vec<u8> {
    let mut rest = bytes;
    loop {
        let (rec, r) = TlsRecord::parse(rest).unwrap();
        if rec.header.content_type.0 == 22 {
            let (hs, _) = Handshake::parse(rec.fragment).unwrap();
            return rec.fragment[..4 + hs.body.len()].to_vec();
        }
        rest = r;
    }
}

/// One measured path.
struct Path_ {
    name: &'static str,
    /// Index into the baselines: which bare HMAC this path must compute.
    hmac: usize,
    /// The path also hashes a ClientHello1 of this many bytes (HRR paths).
    hashes: Option<usize>,
    /// HMACs no implementation of the path can avoid (a bad DTLS 1.2 cookie: verify, then
    /// seal a new one).
    macs: f64,
    rounds: Vec<f64>,
}

fn main() {
    let s = sizes();
    if !s.full {
        println!("smoke run (cargo test): numbers are meaningless; measure with cargo bench");
    }
    let peer = peer();

    // --- DTLS 1.2: OpenSSL's client, default config.
    let l12 = listener(Config::default());
    let ch1_12 = capture("dtls12_openssl_ch1");
    let mut out = [0u8; MAX_OUTPUT_LEN];
    let hvr_len = reply(
        l12.handle_datagram(NOW, peer, ch1_12, &mut out),
        ReplyKind::HelloVerifyRequest,
        "DTLS 1.2 CH1",
    );
    let cookie12 = reply_cookie(&out[..hvr_len]);
    let (view, v, seq, mseq) = dtls_ch(capture("dtls12_openssl_ch2"));
    let ch2_12 = dtls_ch_datagram(&with_cookie(&view, &cookie12), v, seq, mseq);
    let mut bad = cookie12.clone();
    *bad.last_mut().unwrap() ^= 1;
    let ch2_12_bad = dtls_ch_datagram(&with_cookie(&view, &bad), v, seq, mseq);
    accept(
        l12.handle_datagram(NOW, peer, &ch2_12, &mut out),
        "DTLS 1.2 CH2",
    );
    reply(
        l12.handle_datagram(NOW, peer, &ch2_12_bad, &mut out),
        ReplyKind::HelloVerifyRequest,
        "DTLS 1.2 CH2 bad cookie",
    );
    let (ch1_12_view, ..) = dtls_ch(ch1_12);
    let mac12_len = mac_input_len(7, &ch1_12_view, None);

    // --- DTLS 1.3: the dimpl client.
    let ch1_13 = capture("dtls13_dimpl_ch1");
    let (ch1_13_view, ..) = dtls_ch(ch1_13);
    let group13 = ch1_13_view
        .known
        .key_shares
        .unwrap()
        .iter()
        .next()
        .unwrap()
        .group;
    let l13 = listener(matching_config(group13));
    let hrr13_len = reply(
        l13.handle_datagram(NOW, peer, ch1_13, &mut out),
        ReplyKind::HelloRetryRequest,
        "DTLS 1.3 CH1",
    );
    let cookie13 = reply_cookie(&out[..hrr13_len]);
    let (view, v, seq, mseq) = dtls_ch(capture("dtls13_dimpl_ch2"));
    let ch2_13 = dtls_ch_datagram(&with_cookie(&view, &cookie13), v, seq, mseq);
    accept(
        l13.handle_datagram(NOW, peer, &ch2_13, &mut out),
        "DTLS 1.3 CH2",
    );
    // The config is cookie-only, so the cookie binds the key share groups too.
    let mac13_len = mac_input_len(cookie13.len() - 16, &ch1_13_view, Some(true));
    let ch1_13_msg = dtls_ch_message(ch1_13);

    // --- TLS 1.3 over a stream: OpenSSL's client (the capture SSL_stateless answers below),
    // and rustls's post-quantum ClientHello (1466 bytes: the hash of CH1 dominates).
    let ch1_tls = capture("tls13_openssl_ch1");
    let group_tls = tls_ch(ch1_tls)
        .known
        .key_shares
        .unwrap()
        .iter()
        .next()
        .unwrap()
        .group;
    let ltls = listener(matching_config(group_tls));
    let mut gate = ltls.stream();
    let hrr_tls_len = reply(
        gate.feed(&ltls, NOW, peer, ch1_tls, &mut out),
        ReplyKind::HelloRetryRequest,
        "TLS 1.3 CH1",
    );
    let cookie_tls = reply_cookie(&out[..hrr_tls_len]);
    let ch2_view = tls_ch(capture("tls13_openssl_ch2"));
    // The client's second flight as OpenSSL sent it: a middlebox-compatibility CCS, then CH2.
    let mut flight_tls = vec![0x14, 3, 3, 0, 1, 1];
    flight_tls.extend_from_slice(&tls_ch_record(&with_cookie(&ch2_view, &cookie_tls)));
    accept(
        ltls.stream().feed(&ltls, NOW, peer, &flight_tls, &mut out),
        "TLS 1.3 CH2 flight",
    );
    let ch1_tls_msg = tls_ch_message(ch1_tls);
    let mac_tls_len = mac_input_len(cookie_tls.len() - 16, &tls_ch(ch1_tls), Some(true));

    let ch1_rustls = capture("tls13_rustls_ch1");
    let group_rustls = tls_ch(ch1_rustls)
        .known
        .key_shares
        .unwrap()
        .iter()
        .next()
        .unwrap()
        .group;
    let lrustls = listener(matching_config(group_rustls));
    let hrr_rustls_len = reply(
        lrustls
            .stream()
            .feed(&lrustls, NOW, peer, ch1_rustls, &mut out),
        ReplyKind::HelloRetryRequest,
        "TLS 1.3 rustls CH1",
    );
    let ch1_rustls_msg = tls_ch_message(ch1_rustls);
    let cookie_rustls = reply_cookie(&out[..hrr_rustls_len]);
    let mac_rustls_len = mac_input_len(cookie_rustls.len() - 16, &tls_ch(ch1_rustls), Some(true));

    // --- Baselines: HMAC-SHA256 resumed from a key schedule set once, through hmac's
    // block-level core (the fastest way RustCrypto computes it, and what the cookie crate
    // uses: the floor a cookie cannot go below), over the cookies' MAC input sizes; the same
    // through the buffered `Hmac` wrapper, for reference; SHA-256 of each CH1 message.
    let key = [0x5au8; 32];
    let schedule = <Hmac<Sha256> as KeyInit>::new_from_slice(&key).unwrap();
    let core = <HmacCore<Sha256> as KeyInit>::new_from_slice(&key).unwrap();
    let hmac_inputs = [
        vec![0x33u8; mac12_len],
        vec![0x33u8; mac13_len],
        vec![0x33u8; mac_tls_len],
        vec![0x33u8; mac_rustls_len],
    ];
    let hash_inputs = [ch1_13_msg, ch1_tls_msg, ch1_rustls_msg];
    for input in &hmac_inputs {
        let mut m = schedule.clone();
        m.update(input);
        assert_eq!(block_hmac(&core, input), m.finalize().into_bytes());
    }

    // `--profile=NAME`: loop one path for a profiler (perf, callgrind), print nothing else.
    if let Some(name) =
        std::env::args().find_map(|a| a.strip_prefix("--profile=").map(String::from))
    {
        let calls: usize = std::env::var("HELLOGATE_PROFILE_CALLS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1_000_000);
        let mut out = [0u8; MAX_OUTPUT_LEN];
        for _ in 0..calls {
            let d = match name.as_str() {
                "hvr" => l12.handle_datagram(NOW, peer, black_box(ch1_12), &mut out),
                "ch2_12" => l12.handle_datagram(NOW, peer, black_box(&ch2_12), &mut out),
                "bad_12" => l12.handle_datagram(NOW, peer, black_box(&ch2_12_bad), &mut out),
                "hrr_13" => l13.handle_datagram(NOW, peer, black_box(ch1_13), &mut out),
                "ch2_13" => l13.handle_datagram(NOW, peer, black_box(&ch2_13), &mut out),
                "hrr_tls" | "ch2_tls" => {
                    let input: &[u8] = if name == "hrr_tls" {
                        ch1_tls
                    } else {
                        &flight_tls
                    };
                    let mut gate = ltls.stream();
                    black_box(
                        gate.feed(&ltls, NOW, peer, black_box(input), &mut out)
                            .name(),
                    );
                    continue;
                }
                "hmac12" => {
                    let mut m = black_box(&schedule).clone();
                    m.update(black_box(&hmac_inputs[0]));
                    black_box(m.finalize());
                    continue;
                }
                other => panic!(
                    "unknown profile {other}: hvr ch2_12 bad_12 hrr_13 ch2_13 hrr_tls ch2_tls hmac12"
                ),
            };
            black_box(d.name());
        }
        return;
    }

    // Rows: block-level HMAC per input, SHA-256 per CH1, then the wrapper HMAC per input.
    let mut base_rounds: Vec<Vec<f64>> =
        vec![Vec::new(); 2 * hmac_inputs.len() + hash_inputs.len()];
    let mut paths = vec![
        Path_ {
            name: "DTLS 1.2 CH1 -> HVR",
            hmac: 0,
            hashes: None,
            macs: 1.0,
            rounds: vec![],
        },
        Path_ {
            name: "DTLS 1.2 CH2 (our cookie) -> accept",
            hmac: 0,
            hashes: None,
            macs: 1.0,
            rounds: vec![],
        },
        Path_ {
            name: "DTLS 1.2 CH2 bad cookie -> HVR",
            hmac: 0,
            hashes: None,
            macs: 2.0,
            rounds: vec![],
        },
        Path_ {
            name: "DTLS 1.3 CH1 -> HRR",
            hmac: 1,
            hashes: Some(0),
            macs: 1.0,
            rounds: vec![],
        },
        Path_ {
            name: "DTLS 1.3 CH2 -> accept",
            hmac: 1,
            hashes: None,
            macs: 1.0,
            rounds: vec![],
        },
        Path_ {
            name: "TLS 1.3 CH1 -> HRR (fresh gate/op)",
            hmac: 2,
            hashes: Some(1),
            macs: 1.0,
            rounds: vec![],
        },
        Path_ {
            name: "TLS 1.3 CH1 -> HRR (minus gate)",
            hmac: 2,
            hashes: Some(1),
            macs: 1.0,
            rounds: vec![],
        },
        Path_ {
            name: "TLS 1.3 CH2 flight -> accept (fresh gate/op)",
            hmac: 2,
            hashes: None,
            macs: 1.0,
            rounds: vec![],
        },
        Path_ {
            name: "TLS 1.3 CH2 flight -> accept (minus gate)",
            hmac: 2,
            hashes: None,
            macs: 1.0,
            rounds: vec![],
        },
        Path_ {
            name: "TLS 1.3 rustls CH1 (1466 B) -> HRR (minus gate)",
            hmac: 3,
            hashes: Some(2),
            macs: 1.0,
            rounds: vec![],
        },
    ];
    let mut gate_rounds = Vec::new();
    // Where the time goes besides the MAC: the codec's full ClientHello parse of each CH1
    // body, and the outline a challenge reads instead (codec's first_flight module).
    let body12 = dtls_ch_message(ch1_12).split_off(4);
    let body13 = hash_inputs[0][4..].to_vec();
    let body_tls = hash_inputs[1][4..].to_vec();
    let parse_inputs: [(&[u8], Flavor); 3] = [
        (&body12, Flavor::Dtls),
        (&body13, Flavor::Dtls),
        (&body_tls, Flavor::Tls),
    ];
    let mut parse_rounds: Vec<Vec<f64>> = vec![Vec::new(); 2 * parse_inputs.len()];
    let mut openssl_rounds: Vec<OpensslRun> = Vec::new();
    let openssl_bin = if s.full { build_openssl_bench() } else { None };

    for _ in 0..s.rounds {
        for (i, input) in hmac_inputs.iter().enumerate() {
            base_rounds[i].push(median_ns(&s, || {
                black_box(block_hmac(black_box(&core), black_box(input)));
            }));
            base_rounds[hmac_inputs.len() + hash_inputs.len() + i].push(median_ns(&s, || {
                let mut m = black_box(&schedule).clone();
                m.update(black_box(input));
                black_box(m.finalize());
            }));
        }
        for (i, input) in hash_inputs.iter().enumerate() {
            base_rounds[hmac_inputs.len() + i].push(median_ns(&s, || {
                black_box(Sha256::digest(black_box(input)));
            }));
        }
        for (i, (body, flavor)) in parse_inputs.iter().enumerate() {
            parse_rounds[i].push(median_ns(&s, || {
                black_box(ClientHello::parse(black_box(body), *flavor).is_ok());
            }));
        }
        for (i, (body, flavor)) in parse_inputs.iter().enumerate() {
            parse_rounds[parse_inputs.len() + i].push(median_ns(&s, || {
                black_box(ClientHelloOutline::parse(black_box(body), *flavor).is_ok());
            }));
        }
        let gate_ns = median_ns(&s, || {
            black_box(ltls.stream());
        });
        gate_rounds.push(gate_ns);

        let mut out = [0u8; MAX_OUTPUT_LEN];
        let mut dgram = |l: &Listener, input: &[u8], want: Option<ReplyKind>| {
            let d = l.handle_datagram(black_box(NOW), peer, black_box(input), &mut out);
            match (d, want) {
                (Decision::Reply { kind, .. }, Some(w)) if is(kind, w) => {}
                (Decision::Accept(_), None) => {}
                (d, _) => panic!("unexpected {d:?}"),
            }
        };
        let r = [
            median_ns(&s, || {
                dgram(&l12, ch1_12, Some(ReplyKind::HelloVerifyRequest))
            }),
            median_ns(&s, || dgram(&l12, &ch2_12, None)),
            median_ns(&s, || {
                dgram(&l12, &ch2_12_bad, Some(ReplyKind::HelloVerifyRequest))
            }),
            median_ns(&s, || {
                dgram(&l13, ch1_13, Some(ReplyKind::HelloRetryRequest))
            }),
            median_ns(&s, || dgram(&l13, &ch2_13, None)),
        ];
        let mut stream = |l: &Listener, input: &[u8], want: Option<ReplyKind>| {
            let mut gate = l.stream();
            let d = gate.feed(l, black_box(NOW), peer, black_box(input), &mut out);
            match (d, want) {
                (Decision::Reply { kind, .. }, Some(w)) if is(kind, w) => {}
                (Decision::Accept(_), None) => {}
                (d, _) => panic!("unexpected {d:?}"),
            }
        };
        let ch1_fresh = median_ns(&s, || {
            stream(&ltls, ch1_tls, Some(ReplyKind::HelloRetryRequest))
        });
        let ch2_fresh = median_ns(&s, || stream(&ltls, &flight_tls, None));
        let rustls_fresh = median_ns(&s, || {
            stream(&lrustls, ch1_rustls, Some(ReplyKind::HelloRetryRequest))
        });
        let all = [
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            ch1_fresh,
            ch1_fresh - gate_ns,
            ch2_fresh,
            ch2_fresh - gate_ns,
            rustls_fresh - gate_ns,
        ];
        for (p, ns) in paths.iter_mut().zip(all) {
            p.rounds.push(ns);
        }
        if let Some(bin) = &openssl_bin {
            match run_openssl(bin, ch1_12, ch1_tls, &s) {
                Ok(run) => openssl_rounds.push(run),
                Err(e) => println!("OpenSSL run failed: {e}"),
            }
        }
    }

    // --- Report.
    println!(
        "median ns/op over {} batches of {} calls; median of {} round(s); spread = (max-min)/median of the round medians",
        s.batches, s.per_batch, s.rounds
    );
    println!("\n-- baselines");
    let base: Vec<(f64, f64)> = base_rounds.iter().map(|r| summarize(r)).collect();
    let base_names = [
        format!("HMAC-SHA256, {mac12_len} B (DTLS 1.2 cookie MAC input)"),
        format!("HMAC-SHA256, {mac13_len} B (DTLS 1.3 dimpl HRR cookie)"),
        format!("HMAC-SHA256, {mac_tls_len} B (TLS 1.3 OpenSSL HRR cookie)"),
        format!("HMAC-SHA256, {mac_rustls_len} B (TLS 1.3 rustls HRR cookie)"),
        format!("SHA-256 of DTLS 1.3 CH1, {} B", hash_inputs[0].len()),
        format!("SHA-256 of TLS 1.3 OpenSSL CH1, {} B", hash_inputs[1].len()),
        format!("SHA-256 of TLS 1.3 rustls CH1, {} B", hash_inputs[2].len()),
        format!("  same HMAC, Hmac wrapper, {mac12_len} B"),
        format!("  same HMAC, Hmac wrapper, {mac13_len} B"),
        format!("  same HMAC, Hmac wrapper, {mac_tls_len} B"),
        format!("  same HMAC, Hmac wrapper, {mac_rustls_len} B"),
    ];
    println!(
        "{:<50} {:>9} {:>11} {:>7}",
        "operation", "ns/op", "ops/s", "spread"
    );
    for (name, (ns, spread)) in base_names.iter().zip(&base) {
        println!(
            "{name:<50} {ns:>9.1} {:>11.0} {:>6.0}%",
            1e9 / ns,
            spread * 100.0
        );
    }
    let (gate_ns, gate_spread) = summarize(&gate_rounds);
    println!(
        "{:<50} {gate_ns:>9.1} {:>11.0} {:>6.0}%",
        "StreamGate creation (Listener::stream + drop)",
        1e9 / gate_ns,
        gate_spread * 100.0
    );

    let parse_names = [
        format!(
            "codec ClientHello::parse, DTLS 1.2 CH1 ({} B)",
            body12.len()
        ),
        format!(
            "codec ClientHello::parse, DTLS 1.3 CH1 ({} B)",
            body13.len()
        ),
        format!(
            "codec ClientHello::parse, TLS 1.3 CH1 ({} B)",
            body_tls.len()
        ),
        "codec ClientHelloOutline::parse, DTLS 1.2 CH1".to_string(),
        "codec ClientHelloOutline::parse, DTLS 1.3 CH1".to_string(),
        "codec ClientHelloOutline::parse, TLS 1.3 CH1".to_string(),
    ];
    for (name, rounds) in parse_names.iter().zip(&parse_rounds) {
        let (ns, spread) = summarize(rounds);
        println!(
            "{name:<50} {ns:>9.1} {:>11.0} {:>6.0}%",
            1e9 / ns,
            spread * 100.0
        );
    }

    println!("\n-- hellogate paths (target: <= {HMAC_TARGET}x the bare HMAC)");
    println!(
        "x floor: against what no implementation can skip (its HMACs, plus SHA-256(CH1) for an HRR)"
    );
    println!(
        "{:<50} {:>9} {:>11} {:>7} {:>8} {:>8}",
        "path", "ns/op", "ops/s", "spread", "x hmac", "x floor"
    );
    let mut ours = Vec::new();
    for p in &paths {
        let (ns, spread) = summarize(&p.rounds);
        let hmac = base[p.hmac].0;
        let floor = p.macs * hmac + p.hashes.map_or(0.0, |h| base[hmac_inputs.len() + h].0);
        let x = ns / hmac;
        println!(
            "{:<50} {ns:>9.1} {:>11.0} {:>6.0}% {x:>7.2}{} {:>8.2}",
            p.name,
            1e9 / ns,
            spread * 100.0,
            if x <= HMAC_TARGET { ' ' } else { '!' },
            ns / floor,
        );
        ours.push(ns);
    }
    println!(
        "reply sizes: HVR {hvr_len} B for a {} B CH1; DTLS 1.3 HRR {hrr13_len} B for {} B; \
         TLS 1.3 HRR {hrr_tls_len} B for {} B; rustls HRR {hrr_rustls_len} B for {} B",
        ch1_12.len(),
        ch1_13.len(),
        ch1_tls.len(),
        ch1_rustls.len()
    );

    if !s.full {
        return;
    }
    if openssl_rounds.is_empty() {
        println!("\nno OpenSSL numbers this run (see above); hellogate's numbers stand alone");
        return;
    }
    let med =
        |f: fn(&OpensslRun) -> f64| summarize(&openssl_rounds.iter().map(f).collect::<Vec<_>>());
    let listen_fresh = med(|r| r.listen_fresh_ns);
    let listen_reused = med(|r| r.listen_reused_ns);
    let stateless_fresh = med(|r| r.stateless_fresh_ns);
    let stateless_reused = med(|r| r.stateless_reused_ns);
    let o = &openssl_rounds[0];
    println!(
        "\n-- OpenSSL {} (same run, memory BIOs, HMAC-SHA256 cookie callbacks)",
        o.version
    );
    println!(
        "{:<50} {:>9} {:>11} {:>7}",
        "operation", "ns/op", "ops/s", "spread"
    );
    for (name, (ns, spread)) in [
        (
            "DTLSv1_listen CH1 -> HVR, fresh SSL per datagram",
            listen_fresh,
        ),
        ("DTLSv1_listen CH1 -> HVR, one SSL reused", listen_reused),
        (
            "SSL_stateless CH1 -> HRR, fresh SSL per input",
            stateless_fresh,
        ),
        ("SSL_stateless CH1 -> HRR, one SSL reused", stateless_reused),
    ] {
        println!(
            "{name:<50} {ns:>9.1} {:>11.0} {:>6.0}%",
            1e9 / ns,
            spread * 100.0
        );
    }
    println!(
        "OpenSSL reply sizes: HVR {} B for {} B; HRR {} B for {} B",
        o.hvr_len, o.dtls_ch1_len, o.hrr_len, o.tls_ch1_len
    );

    println!("\n-- hellogate speed-up over OpenSSL (OpenSSL ns / hellogate ns)");
    let verdict = |x: f64, t: f64| if x >= t { "meets" } else { "MISSES" };
    let row = |name: &str, ours: f64, theirs: f64, target: f64| {
        let x = theirs / ours;
        println!(
            "{name:<62} {x:>7.1}x  target >= {target}x: {}",
            verdict(x, target)
        );
    };
    row(
        "HVR vs DTLSv1_listen (fresh SSL)",
        ours[0],
        listen_fresh.0,
        HVR_TARGET,
    );
    row(
        "HVR vs DTLSv1_listen (reused SSL)",
        ours[0],
        listen_reused.0,
        HVR_TARGET,
    );
    row(
        "TLS 1.3 HRR, fresh gate vs SSL_stateless (fresh SSL)",
        ours[5],
        stateless_fresh.0,
        HRR_TARGET,
    );
    row(
        "TLS 1.3 HRR, fresh gate vs SSL_stateless (reused SSL)",
        ours[5],
        stateless_reused.0,
        HRR_TARGET,
    );
    row(
        "DTLS 1.3 HRR vs SSL_stateless (fresh SSL)",
        ours[3],
        stateless_fresh.0,
        HRR_TARGET,
    );
}

/// HMAC-SHA256 of `input` resumed from `core`, through hmac's block-level API: whole blocks
/// straight from the input, the tail through the finishing buffer.
fn block_hmac(core: &HmacCore<Sha256>, input: &[u8]) -> Output<HmacCore<Sha256>> {
    let mut c = core.clone();
    let whole = input.len() / 64 * 64;
    let (blocks, _) = Array::slice_as_chunks(&input[..whole]);
    c.update_blocks(blocks);
    let mut buffer = Buffer::<HmacCore<Sha256>>::new(&input[whole..]);
    let mut out = Output::<HmacCore<Sha256>>::default();
    c.finalize_fixed_core(&mut buffer, &mut out);
    out
}

/// Bytes of a cookie's MAC input, from the cookie crate's `layout` module: the cookie up to
/// its tag (`body_len`), the binding byte, the bound IPv4 address and port (the bench's peer
/// is 127.0.0.1), the era, the ClientHello fields in wire form, and for a cookie-only HRR
/// the count and groups of the key shares.
fn mac_input_len(body_len: usize, ch: &ClientHello<'_>, cookie_only: Option<bool>) -> usize {
    let fields = 2
        + 32
        + 1
        + ch.legacy_session_id.len()
        + 2
        + ch.cipher_suites.as_bytes().len()
        + 1
        + ch.legacy_compression_methods.len();
    let groups = match cookie_only {
        Some(true) => 2 + 2 * ch.known.key_shares.map_or(0, |k| k.iter().count()),
        _ => 0,
    };
    body_len + 1 + 6 + 2 + fields + groups
}

/// One run of the C program: median ns/op of each OpenSSL case, and reply sizes.
struct OpensslRun {
    version: String,
    listen_fresh_ns: f64,
    listen_reused_ns: f64,
    stateless_fresh_ns: f64,
    stateless_reused_ns: f64,
    hvr_len: u64,
    dtls_ch1_len: u64,
    hrr_len: u64,
    tls_ch1_len: u64,
}

/// Compiles the OpenSSL side; on failure says what is missing and returns None.
fn build_openssl_bench() -> Option<PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/openssl/listen_bench.c");
    let bin = Path::new(env!("CARGO_TARGET_TMPDIR")).join("listen_bench");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let result = Command::new(&cc)
        .args(["-O2", "-o"])
        .arg(&bin)
        .arg(&src)
        .args(["-lssl", "-lcrypto"])
        .output();
    match result {
        Err(e) => {
            println!(
                "OpenSSL comparison skipped: the C compiler `{cc}` could not be run ({e}); \
                 install one (apt-get install gcc) or set CC"
            );
            None
        }
        Ok(o) if !o.status.success() => {
            let err = String::from_utf8_lossy(&o.stderr);
            if err.contains("openssl/") {
                println!(
                    "OpenSSL comparison skipped: the OpenSSL headers are missing \
                     (apt-get update && apt-get install -y libssl-dev)"
                );
            } else if err.contains("-lssl") || err.contains("-lcrypto") {
                println!(
                    "OpenSSL comparison skipped: libssl/libcrypto cannot be linked \
                     (apt-get update && apt-get install -y libssl-dev)"
                );
            } else {
                println!(
                    "OpenSSL comparison skipped: compiling {} failed:\n{err}",
                    src.display()
                );
            }
            None
        }
        Ok(_) => Some(bin),
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn run_openssl(
    bin: &Path,
    dtls_ch1: &[u8],
    tls_ch1: &[u8],
    s: &Sizes,
) -> Result<OpensslRun, String> {
    let o = Command::new(bin)
        .arg(hex(dtls_ch1))
        .arg(hex(tls_ch1))
        .arg(s.batches.to_string())
        .arg(s.per_batch.to_string())
        .output()
        .map_err(|e| e.to_string())?;
    if !o.status.success() {
        return Err(String::from_utf8_lossy(&o.stderr).into_owned());
    }
    let line = String::from_utf8_lossy(&o.stdout).into_owned();
    // The line is flat JSON written by our own C program: numbers and one string.
    let field = |k: &str| -> Result<&str, String> {
        let pat = format!("\"{k}\":");
        let at = line.find(&pat).ok_or(format!("no {k} in {line}"))? + pat.len();
        let rest = &line[at..];
        let end = rest.find([',', '}']).ok_or(format!("bad {k} in {line}"))?;
        Ok(rest[..end].trim_matches('"'))
    };
    let num =
        |k: &str| -> Result<f64, String> { field(k)?.parse().map_err(|e| format!("{k}: {e}")) };
    Ok(OpensslRun {
        version: field("openssl")?.to_string(),
        listen_fresh_ns: num("listen_fresh_ns")?,
        listen_reused_ns: num("listen_reused_ns")?,
        stateless_fresh_ns: num("stateless_fresh_ns")?,
        stateless_reused_ns: num("stateless_reused_ns")?,
        hvr_len: num("hvr_len")? as u64,
        dtls_ch1_len: num("dtls_ch1_len")? as u64,
        hrr_len: num("hrr_len")? as u64,
        tls_ch1_len: num("tls_ch1_len")? as u64,
    })
}
