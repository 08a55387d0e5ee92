//! Costs of the session policies, per operation: medians over rounds, with
//! a small own harness (std::time::Instant) and no timing assertions.
//!
//! Run: `cargo bench -p hellogate-session --bench policies`
//!
//! Under `cargo test --all-targets` (no `--bench` argument) it only runs
//! each case a few times, as a smoke test, and prints nothing.

use std::cell::RefCell;
use std::hint::black_box;
use std::time::{Duration, Instant};

use hellogate_session::RandomSource;
use hellogate_session::anti_replay::{StrikeRegister, StrikeRegisterConfig, TicketCache};
use hellogate_session::renegotiation::{
    RenegotiationGuard, RenegotiationPolicy, SecureRenegotiationSignal,
};
use hellogate_session::session_id::{
    CacheConfig, SessionIdCache, SessionIdConfig, SessionIdPolicy,
};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use siphasher::sip128::SipHasher13;

struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

impl RandomSource for SplitMix {
    fn fill(&mut self, out: &mut [u8]) {
        for chunk in out.chunks_mut(8) {
            let b = self.next().to_le_bytes();
            chunk.copy_from_slice(&b[..chunk.len()]);
        }
    }
}

const ROUNDS: usize = 21;

/// `cargo bench` passes `--bench`; `cargo test` does not.
fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// Median nanoseconds per iteration of `f` over ROUNDS rounds of `iters`
/// (one round of at most 10 when only smoke-testing).
fn median_ns(iters: u64, mut f: impl FnMut(u64)) -> f64 {
    let (rounds, iters) = if measuring() {
        (ROUNDS, iters)
    } else {
        (1, iters.min(10))
    };
    let mut samples = Vec::with_capacity(rounds);
    let mut i = 0u64;
    for _ in 0..rounds {
        let start = Instant::now();
        for _ in 0..iters {
            f(i);
            i = i.wrapping_add(1);
        }
        samples.push(start.elapsed().as_nanos() as f64 / iters as f64);
    }
    samples.sort_by(f64::total_cmp);
    samples[rounds / 2]
}

fn key32(i: u64) -> [u8; 32] {
    let mut k = [0u8; 32];
    k[..8].copy_from_slice(&i.to_le_bytes());
    k[8..16].copy_from_slice(&i.wrapping_mul(0x9e37_79b9_7f4a_7c15).to_le_bytes());
    k
}

fn report(name: &str, ns: f64) {
    if !measuring() {
        return;
    }
    if measuring() {
        println!("{name:<48} {ns:>10.1} ns/op");
    }
}

fn main() {
    let rng = &mut SplitMix(42);
    let now = Duration::from_secs(1_700_000_000);

    // Keyed hash of a 32-byte key: what every lookup pays.
    let sip = SipHasher13::new_with_key(&[7; 16]);
    let sip_ns = median_ns(200_000, |i| {
        black_box(sip.hash(black_box(&key32(i))).as_u64());
    });
    // Keyed once; each lookup clones the keyed state, as a real user would.
    let keyed = <Hmac<Sha256> as KeyInit>::new_from_slice(&[7u8; 32]).expect("any key length");
    let hmac_ns = median_ns(200_000, |i| {
        let mut mac = keyed.clone();
        mac.update(black_box(&key32(i)));
        black_box(mac.finalize().into_bytes());
    });
    report("keyed hash: SipHash-1-3 (128-bit out)", sip_ns);
    report("keyed hash: HMAC-SHA256", hmac_ns);
    if measuring() {
        println!(
            "{:<48} {:>10.1}x",
            "ratio HMAC-SHA256 / SipHash-1-3",
            hmac_ns / sip_ns
        );
    }

    // Strike register at its design load.
    let mut reg = StrikeRegister::new(
        StrikeRegisterConfig {
            window: Duration::from_secs(10),
            expected_per_window: 1_000_000,
            fp_log2: 20,
        },
        rng,
        now,
    )
    .expect("valid config");
    let later = now + Duration::from_secs(11);
    let ns = median_ns(50_000, |i| {
        black_box(reg.check_and_record(&key32(i), later));
    });
    report("StrikeRegister::check_and_record (k=20, fresh)", ns);
    let ns = median_ns(50_000, |i| {
        black_box(reg.check_and_record(&key32(i % 50_000), later));
    });
    report("StrikeRegister::check_and_record (replay)", ns);
    if measuring() {
        println!(
            "{:<48} {:>10} bytes",
            "StrikeRegister memory (1e6 keys/window, 2^-20)",
            reg.memory_bytes()
        );
    }

    // Session IDs against the in-memory store.
    let policy = SessionIdPolicy::new(SessionIdConfig {
        length: 32,
        host_prefix: &[1, 2],
        max_attempts: 3,
    })
    .expect("valid config");
    let store = RefCell::new(
        SessionIdCache::new(
            CacheConfig {
                capacity: 100_000,
                lifetime: Duration::from_secs(300),
            },
            rng,
        )
        .expect("valid config"),
    );
    let mut out = [0u8; 32];
    let ns = median_ns(50_000, |_| {
        black_box(policy.generate(rng, &store, now, &mut out).expect("fresh"));
    });
    report("SessionIdPolicy::generate (cache of 1e5, full)", ns);

    // Single-use tickets.
    let mut tickets = TicketCache::new(
        CacheConfig {
            capacity: 100_000,
            lifetime: Duration::from_secs(3600),
        },
        rng,
    )
    .expect("valid config");
    let ns = median_ns(50_000, |i| {
        let id = key32(i);
        let _ = tickets.issue(&id, now);
        black_box(tickets.redeem(&id, now));
    });
    report("TicketCache issue + redeem", ns);

    // Renegotiation guard.
    let mut guard = RenegotiationGuard::new(RenegotiationPolicy::Limit {
        max: u32::MAX,
        window: Duration::from_secs(60),
    })
    .expect("valid config");
    let secure = SecureRenegotiationSignal {
        extension: true,
        scsv: false,
    };
    let ns = median_ns(200_000, |i| {
        black_box(guard.on_client_hello(now + Duration::from_millis(i), secure));
    });
    report("RenegotiationGuard::on_client_hello (Limit)", ns);
    if measuring() {
        println!(
            "{:<48} {:>10} bytes",
            "RenegotiationGuard size",
            std::mem::size_of::<RenegotiationGuard>()
        );
    }
}
