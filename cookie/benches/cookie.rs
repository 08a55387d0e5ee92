//! Seal and open, next to the bare HMAC-SHA256 of the same number of bytes.
//!
//! `cargo bench -p hellogate-cookie --bench cookie`. Own small harness: warm-up, then many
//! batches; each batch's mean ns/op is one sample, the median of the samples is printed. The goal
//! is sealing and opening within 1.3x of the HMAC alone.
//!
//! Two baselines, because "the HMAC alone" can mean two things: HMAC keyed from raw key bytes on
//! every call (what a cookie callback that keeps only the key does: two extra SHA-256
//! compressions for the key schedule), and HMAC resumed from a precomputed key schedule (the
//! floor: exactly the hashing a cookie cannot avoid). Ratios against both are printed.

use core::net::SocketAddr;
use core::time::Duration;
use hellogate_cookie::{
    CookieConfig, CookieJar, HRR_COOKIE_MAX_LEN, HelloFields, HrrBinding, HrrParams, HrrProtocol,
    KeyRing,
};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::hint::black_box;
use std::time::Instant;

/// Batches, calls per batch and rounds: full sizes under `cargo bench` (which passes `--bench`),
/// a quick smoke run under `cargo test --all-targets` (debug build, CI), where numbers mean nothing.
fn sizes() -> (usize, usize, usize) {
    if std::env::args().any(|a| a == "--bench") {
        (101, 2_000, 3)
    } else {
        (3, 10, 1)
    }
}

fn median_ns(mut f: impl FnMut()) -> f64 {
    let (batches, per_batch, _) = sizes();
    for _ in 0..per_batch * 4 {
        f();
    }
    let mut samples = Vec::with_capacity(batches);
    for _ in 0..batches {
        let start = Instant::now();
        for _ in 0..per_batch {
            f();
        }
        samples.push(start.elapsed().as_nanos() as f64 / per_batch as f64);
    }
    samples.sort_by(f64::total_cmp);
    samples[batches / 2]
}

fn main() {
    let (batches, per_batch, rounds) = sizes();
    if !std::env::args().any(|a| a == "--bench") {
        println!("smoke run (cargo test): numbers are meaningless; measure with cargo bench");
    }
    let now = Duration::from_secs(1_700_000_000);
    let secret = [0x42u8; 32];
    let mut ring = KeyRing::from_master_secret(&secret, Duration::from_secs(3600)).unwrap();
    ring.refresh(now);
    let jar = CookieJar::new(ring, CookieConfig::default()).unwrap();
    let uncached = CookieJar::new(
        KeyRing::from_master_secret(&secret, Duration::from_secs(3600)).unwrap(),
        CookieConfig::default(),
    )
    .unwrap();
    let peer: SocketAddr = "192.0.2.7:4433".parse().unwrap();
    let random = [7u8; 32];
    // A typical DTLS 1.2 ClientHello: 32-byte session id absent, 20 cipher suites.
    let suites: Vec<u8> = (0..40).map(|i| i as u8).collect();
    let fields = HelloFields {
        client_version: 0xfefd,
        random: &random,
        session_id: &[],
        cipher_suites: &suites,
        compression_methods: &[0],
    };
    let hash = [0xabu8; 32];
    // A typical TLS 1.3 ClientHello1: 32-byte legacy_session_id, 4 suites; the HRR selects a
    // group, so the key share groups are not bound.
    let sid13 = [0x1fu8; 32];
    let binding = HrrBinding {
        hello: HelloFields {
            client_version: 0x0303,
            random: &random,
            session_id: &sid13,
            cipher_suites: &[0x13, 0x02, 0x13, 0x03, 0x13, 0x01, 0x00, 0xff],
            compression_methods: &[0],
        },
        key_share_groups: &[0x001d],
    };
    let params = HrrParams {
        cipher_suite: 0x1301,
        group: 0x0017,
        key_share_in_hrr: true,
        ch1_hash: &hash,
        binding,
    };
    let later = now + Duration::from_millis(100);

    let mut c12 = [0u8; 32];
    jar.seal_dtls12(now, peer, &fields, &mut c12).unwrap();
    let mut hrr = [0u8; HRR_COOKIE_MAX_LEN];
    let n = jar
        .seal_hrr(now, peer, HrrProtocol::Dtls13, &params, &mut hrr)
        .unwrap();
    let hrr = &hrr[..n];

    // MAC input sizes, from the documented layout (the `layout` module): body up to the tag,
    // 1 binding byte, 4 IPv4 address bytes and the port, 2 era bytes, then the ClientHello
    // fields in their wire form.
    let wire = |f: &HelloFields<'_>| {
        2 + 32
            + 1
            + f.session_id.len()
            + 2
            + f.cipher_suites.len()
            + 1
            + f.compression_methods.len()
    };
    let mac12_len = 7 + 1 + 6 + 2 + wire(&fields);
    let mac13_len = n - 16 + 1 + 6 + 2 + wire(&binding.hello);
    let key = [0x5au8; 32];
    let schedule = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    let input12 = vec![0x33u8; mac12_len];
    let input13 = vec![0x33u8; mac13_len];

    let hmac_keyed = |input: &[u8]| {
        let mut m = Hmac::<Sha256>::new_from_slice(black_box(&key)).unwrap();
        m.update(input);
        black_box(m.finalize());
    };
    let hmac_scheduled = |input: &[u8]| {
        let mut m = black_box(&schedule).clone();
        m.update(input);
        black_box(m.finalize());
    };

    let mut out = [0u8; HRR_COOKIE_MAX_LEN];
    let mut bad = hrr.to_vec();
    bad[n - 1] ^= 1;
    // Interleaved rounds; each operation keeps its lowest median, the round least disturbed by
    // whatever else the machine runs.
    let mut best = [f64::INFINITY; 10];
    for _ in 0..rounds {
        let round = [
            median_ns(|| hmac_keyed(black_box(&input12))),
            median_ns(|| hmac_scheduled(black_box(&input12))),
            median_ns(|| {
                black_box(
                    jar.seal_dtls12(black_box(now), peer, &fields, &mut out)
                        .unwrap(),
                );
            }),
            median_ns(|| {
                black_box(
                    jar.open_dtls12(black_box(later), peer, &fields, &c12)
                        .unwrap(),
                );
            }),
            median_ns(|| {
                black_box(
                    uncached
                        .seal_dtls12(black_box(now), peer, &fields, &mut out)
                        .unwrap(),
                );
            }),
            median_ns(|| hmac_keyed(black_box(&input13))),
            median_ns(|| hmac_scheduled(black_box(&input13))),
            median_ns(|| {
                black_box(
                    jar.seal_hrr(black_box(now), peer, HrrProtocol::Dtls13, &params, &mut out)
                        .unwrap(),
                );
            }),
            median_ns(|| {
                black_box(
                    jar.open_hrr(black_box(later), peer, HrrProtocol::Dtls13, &binding, hrr)
                        .unwrap(),
                );
            }),
            median_ns(|| {
                black_box(
                    jar.open_hrr(black_box(later), peer, HrrProtocol::Dtls13, &binding, &bad)
                        .unwrap_err(),
                );
            }),
        ];
        for (b, r) in best.iter_mut().zip(round) {
            *b = b.min(r);
        }
    }
    let [
        keyed12,
        sched12,
        seal12,
        open12,
        seal12_derived,
        keyed13,
        sched13,
        seal13,
        open13,
        open13_bad,
    ] = best;

    println!("median ns/op over {batches} batches of {per_batch}, best of {rounds} rounds");
    println!(
        "{:<34} {:>8} {:>12} {:>12}",
        "operation", "ns/op", "x hmac(key)", "x hmac(sched)"
    );
    let row = |name: &str, ns: f64, keyed: f64, sched: f64| {
        println!(
            "{name:<34} {ns:>8.1} {:>12.2} {:>12.2}",
            ns / keyed,
            ns / sched
        );
    };
    println!("-- DTLS 1.2, MAC input {mac12_len} bytes");
    row("hmac-sha256 keyed from bytes", keyed12, keyed12, sched12);
    row("hmac-sha256 from key schedule", sched12, keyed12, sched12);
    row("seal_dtls12 (cached epoch key)", seal12, keyed12, sched12);
    row("open_dtls12 (cached epoch key)", open12, keyed12, sched12);
    row(
        "seal_dtls12 (key derived per call)",
        seal12_derived,
        keyed12,
        sched12,
    );
    println!("-- HRR (SHA-256 hash), MAC input {mac13_len} bytes");
    row("hmac-sha256 keyed from bytes", keyed13, keyed13, sched13);
    row("hmac-sha256 from key schedule", sched13, keyed13, sched13);
    row("seal_hrr (cached epoch key)", seal13, keyed13, sched13);
    row("open_hrr (cached epoch key)", open13, keyed13, sched13);
    row("open_hrr bad tag", open13_bad, keyed13, sched13);
}
