//! Dudect-style timing test: does rejecting a bad tag take longer or shorter depending on where
//! the tag first differs? `cargo bench -p hellogate-cookie --bench timing` (not run in CI).
//!
//! Method (after Reparaz, Balasch and Verbauwhede, "dude, is my code constant time?", 2017):
//! two classes of inputs, here a cookie whose tag differs from the true one in its first byte and
//! the same cookie differing in its last byte, are opened in random interleaved order; every call
//! is timed; Welch's t-test compares the two timing distributions, on all samples and on samples
//! cropped at several percentiles (to drop interruptions). |t| above 4.5 is evidence of a leak.
//! A positive control, the same call plus an early-exit comparison of a 32-byte tag, shows the
//! test can see a leak of a few nanoseconds on top of the real call's noise on this machine.

use core::net::SocketAddr;
use core::time::Duration;
use hellogate_cookie::{
    CookieConfig, CookieError, CookieJar, DTLS12_COOKIE_LEN, HRR_COOKIE_MAX_LEN, HelloFields,
    HrrBinding, HrrParams, HrrProtocol, KeyRing,
};
use std::hint::black_box;
use std::time::Instant;

/// Timed calls per test under `cargo bench` (which passes `--bench`); under
/// `cargo test --all-targets` (debug build, CI) a smoke run of a few calls that only checks the
/// code paths, whose statistics mean nothing.
fn samples() -> usize {
    if std::env::args().any(|a| a == "--bench") {
        400_000
    } else {
        200
    }
}
const T_THRESHOLD: f64 = 4.5;

/// xorshift64*: enough to interleave classes unpredictably for the CPU; not for secrets.
struct Rng(u64);

impl Rng {
    fn bit(&mut self) -> bool {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 63) == 1
    }
}

/// Welch's t statistic of two samples.
fn welch_t(a: &[f64], b: &[f64]) -> f64 {
    let stats = |x: &[f64]| {
        let n = x.len() as f64;
        let mean = x.iter().sum::<f64>() / n;
        let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (n, mean, var)
    };
    let (na, ma, va) = stats(a);
    let (nb, mb, vb) = stats(b);
    (ma - mb) / (va / na + vb / nb).sqrt()
}

/// Times `run` on the two classes' inputs, `samples()` times in random order; returns the
/// per-class samples in nanoseconds. Each input is first copied (untimed) into one and the same
/// buffer, so the two classes differ only in content, never in address or cache placement.
fn collect(inputs: [&[u8]; 2], mut run: impl FnMut(&[u8])) -> [Vec<f64>; 2] {
    let samples = samples();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ Instant::now().elapsed().as_nanos() as u64);
    let mut out = [
        Vec::with_capacity(samples / 2),
        Vec::with_capacity(samples / 2),
    ];
    let mut buf = inputs[0].to_vec();
    for _ in 0..samples / 10 {
        buf.copy_from_slice(inputs[usize::from(rng.bit())]);
        run(&buf); // warm-up
    }
    for _ in 0..samples {
        let class = usize::from(rng.bit());
        buf.copy_from_slice(inputs[class]);
        let start = Instant::now();
        run(black_box(&buf));
        let ns = start.elapsed().as_nanos() as f64;
        out[class].push(ns);
    }
    out
}

/// Prints t on all samples and on samples cropped at several percentiles of the pooled
/// distribution; returns the largest |t|.
fn report(name: &str, [a, b]: [Vec<f64>; 2]) -> f64 {
    let mut pooled: Vec<f64> = a.iter().chain(b.iter()).copied().collect();
    pooled.sort_by(f64::total_cmp);
    let median = |x: &[f64]| {
        let mut v = x.to_vec();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    print!(
        "{name:<44} n={}+{} median {:.0}/{:.0} ns  t:",
        a.len(),
        b.len(),
        median(&a),
        median(&b)
    );
    let mut worst = 0f64;
    for pct in [100usize, 99, 90, 75, 50] {
        let cut = pooled[(pooled.len() - 1) * pct / 100];
        let ca: Vec<f64> = a.iter().copied().filter(|&v| v <= cut).collect();
        let cb: Vec<f64> = b.iter().copied().filter(|&v| v <= cut).collect();
        let t = welch_t(&ca, &cb);
        if t.is_finite() {
            worst = worst.max(t.abs());
            print!(" p{pct}={t:+.2}");
        } else {
            // A cropped class with fewer than two distinct samples has no variance.
            print!(" p{pct}=n/a");
        }
    }
    println!();
    worst
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("smoke run (cargo test): numbers are meaningless; measure with cargo bench");
    }
    let now = Duration::from_secs(1_700_000_000);
    let mut ring = KeyRing::from_master_secret(&[0x42; 32], Duration::from_secs(3600)).unwrap();
    ring.refresh(now);
    let jar = CookieJar::new(ring, CookieConfig::default()).unwrap();
    let peer: SocketAddr = "192.0.2.7:4433".parse().unwrap();
    let later = now + Duration::from_millis(100);

    // HelloRetryRequest cookie: tag is the last 16 bytes.
    let hash = [0xabu8; 32];
    let random = [7u8; 32];
    let fields = HelloFields {
        client_version: 0xfefd,
        random: &random,
        session_id: &[],
        cipher_suites: &[0xc0, 0x2b, 0xc0, 0x2f],
        compression_methods: &[0],
    };
    let binding = HrrBinding {
        hello: fields,
        key_share_groups: &[0x001d],
    };
    let params = HrrParams {
        cipher_suite: 0x1301,
        group: 0x001d,
        key_share_in_hrr: true,
        ch1_hash: &hash,
        binding,
    };
    let mut buf = [0u8; HRR_COOKIE_MAX_LEN];
    let n = jar
        .seal_hrr(now, peer, HrrProtocol::Dtls13, &params, &mut buf)
        .unwrap();
    let mut first = buf[..n].to_vec();
    first[n - 16] ^= 0x01;
    let mut last = buf[..n].to_vec();
    last[n - 1] ^= 0x01;
    let hrr = collect([&first, &last], |c| {
        let r = jar.open_hrr(black_box(later), peer, HrrProtocol::Dtls13, &binding, c);
        assert_eq!(r.unwrap_err(), CookieError::BadMac);
    });

    // DTLS 1.2 cookie: tag is bytes 7..32.
    let mut c12 = [0u8; DTLS12_COOKIE_LEN];
    jar.seal_dtls12(now, peer, &fields, &mut c12).unwrap();
    let mut first12 = c12;
    first12[7] ^= 0x80;
    let mut last12 = c12;
    last12[31] ^= 0x80;
    let dtls12 = collect([&first12, &last12], |c| {
        let r = jar.open_dtls12(black_box(later), peer, &fields, c);
        assert_eq!(r.unwrap_err(), CookieError::BadMac);
    });

    // Positive control: the same open_hrr call (same cookie for both classes), followed by one
    // early-exit byte comparison of a 32-byte tag that differs in its first or its last byte. It
    // is what a leaky tag check inside `open` would add: a few nanoseconds on top of the real
    // call's noise.
    let truth = [0x5au8; 32];
    let mut ctl_first = truth;
    ctl_first[0] ^= 1;
    let mut ctl_last = truth;
    ctl_last[31] ^= 1;
    let control = collect([&ctl_first, &ctl_last], |c| {
        let r = jar.open_hrr(
            black_box(later),
            peer,
            HrrProtocol::Dtls13,
            &binding,
            black_box(&first),
        );
        assert_eq!(r.unwrap_err(), CookieError::BadMac);
        let mut equal = true;
        for (x, y) in c.iter().zip(truth.iter()) {
            if x != y {
                equal = false;
                break;
            }
        }
        black_box(equal);
    });

    println!("Welch t, first vs last differing tag byte, |t| > {T_THRESHOLD} = leak");
    let t_hrr = report("open_hrr (16-byte tag)", hrr);
    let t_12 = report("open_dtls12 (25-byte tag)", dtls12);
    let t_ctl = report("control: early-exit compare (leaks)", control);
    println!(
        "verdict: open_hrr {}, open_dtls12 {}; control {} (the test {} see a leak)",
        if t_hrr > T_THRESHOLD {
            "LEAK?"
        } else {
            "no leak found"
        },
        if t_12 > T_THRESHOLD {
            "LEAK?"
        } else {
            "no leak found"
        },
        if t_ctl > T_THRESHOLD {
            "leak found"
        } else {
            "no leak found"
        },
        if t_ctl > T_THRESHOLD {
            "can"
        } else {
            "could NOT"
        },
    );
}
