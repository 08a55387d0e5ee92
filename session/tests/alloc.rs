//! No heap allocation after construction: the strike register, the gate,
//! session-ID reservation and generation, and single-use tickets, counted
//! by a global allocator that counts (per thread).

mod common;

use std::cell::RefCell;
use std::hint::black_box;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{SplitMix, Stuck, key32};
use hellogate_session::anti_replay::{
    EarlyDataOffer, EarlyDataVerdict, ReplayRegister, StrikeRegister, StrikeRegisterConfig,
    TicketCache, TicketStore, ZeroRttGate,
};
use hellogate_session::renegotiation::{
    RenegotiationGuard, RenegotiationPolicy, SecureRenegotiationSignal,
};
use hellogate_session::session_id::{
    CacheConfig, SessionIdCache, SessionIdConfig, SessionIdPolicy, SessionIdStore,
};

const T0: Duration = Duration::from_secs(1_700_000_000);
const WINDOW: Duration = Duration::from_secs(10);

/// Runs `f` and counts the heap allocations it made on this thread.
fn count<R>(f: impl FnOnce() -> R) -> (R, u64) {
    let mut r = None;
    let info = allocation_counter::measure(|| r = Some(f()));
    (r.expect("ran"), info.count_total)
}

/// A timeline that walks forward, jumps far ahead, and comes back: every
/// rotation, wipe and clamp path runs.
fn at(i: u64) -> Duration {
    let base = T0 + Duration::from_millis(i * 7);
    match i % 97 {
        13 => base + Duration::from_secs(3600),
        29 => base.saturating_sub(Duration::from_secs(25)),
        _ => base,
    }
}

fn register() -> StrikeRegister {
    StrikeRegister::new(
        StrikeRegisterConfig {
            window: WINDOW,
            expected_per_window: 10_000,
            fp_log2: 12,
        },
        &mut SplitMix(1),
        T0,
    )
    .unwrap()
}

fn cache_config(capacity: usize) -> CacheConfig {
    CacheConfig {
        capacity,
        lifetime: Duration::from_secs(30),
    }
}

#[test]
fn the_counter_counts() {
    assert_eq!(count(|| black_box(vec![0u8; 3])).1, 1);
    assert_eq!(count(|| black_box(register())).1, 2, "two generations");
}

#[test]
fn check_and_record_never_allocates() {
    let mut r = register();
    let (verdicts, n) = count(|| {
        let mut accepted = 0u32;
        for i in 0..50_000u64 {
            // Fresh keys and replays of recent ones.
            let key = key32(if i % 3 == 0 { i / 2 } else { i });
            if r.check_and_record(&key, at(i)) == EarlyDataVerdict::Accept {
                accepted += 1;
            }
            black_box(r.seen(&key, at(i)));
        }
        accepted
    });
    assert_eq!(n, 0, "StrikeRegister::check_and_record allocated");
    assert!(
        verdicts > 1_000,
        "the timeline exercised acceptance: {verdicts}"
    );

    // Through the RefCell and Mutex wrappers, and the gate.
    let cell = RefCell::new(register());
    let shared = Arc::new(Mutex::new(register()));
    let gate = ZeroRttGate::new(&cell, Duration::from_secs(5), T0).unwrap();
    let shared_gate = ZeroRttGate::new(Arc::clone(&shared), Duration::from_secs(5), T0).unwrap();
    let tickets = RefCell::new(TicketCache::new(cache_config(1_000), &mut SplitMix(2)).unwrap());
    let (accepted, n) = count(|| {
        let mut accepted = 0u32;
        for i in 0..20_000u64 {
            let key = key32(i);
            let now = at(i);
            let direct = key32(i + 1_000_000);
            black_box(cell.check_and_record(&direct, now));
            black_box(shared.check_and_record(&direct, now));
            let offer = EarlyDataOffer {
                key: &key,
                ticket_issued_at: now.saturating_sub(Duration::from_secs(1)),
                obfuscated_ticket_age: 1_000u32.wrapping_add(77),
                ticket_age_add: 77,
            };
            if gate.check(&offer, now + Duration::from_millis(1)) == EarlyDataVerdict::Accept {
                accepted += 1;
            }
            black_box(shared_gate.check(&offer, now));
            let id = (i as u32).to_be_bytes();
            let _ = tickets.issue(&id, now);
            black_box(gate.check_single_use(&tickets, &id, &offer, now));
        }
        accepted
    });
    assert_eq!(n, 0, "the gate or a shared register allocated");
    assert!(accepted > 100, "{accepted}");
}

#[test]
fn session_id_reserve_and_generate_never_allocate() {
    let policy = SessionIdPolicy::new(SessionIdConfig {
        length: 32,
        host_prefix: &[0x0a, 0x01],
        max_attempts: 3,
    })
    .unwrap();
    let short = SessionIdPolicy::new(SessionIdConfig {
        length: 4,
        host_prefix: &[],
        max_attempts: 2,
    })
    .unwrap();
    let mut cache = SessionIdCache::new(cache_config(512), &mut SplitMix(3)).unwrap();
    let cell = RefCell::new(SessionIdCache::new(cache_config(512), &mut SplitMix(4)).unwrap());
    let shared = Mutex::new(SessionIdCache::new(cache_config(512), &mut SplitMix(5)).unwrap());
    let rng = &mut SplitMix(6);
    let (issued, n) = count(|| {
        let mut issued = 0u32;
        let mut out = [0u8; 32];
        for i in 0..20_000u64 {
            let now = at(i);
            // Direct reserve: fills, evicts, expires, conflicts.
            let _ = cache.reserve(&key32(i % 700), now);
            black_box(cache.contains(&key32(i % 300), now));
            black_box(cache.release(&key32(i % 1_000), now));
            // Generation into full stores, with retries.
            if policy.generate(rng, &cell, now, &mut out).is_ok() {
                issued += 1;
            }
            if short.generate(rng, &shared, now, &mut out).is_ok() {
                issued += 1;
            }
            let _ = black_box(shared.reserve(&out[..4], now));
            // Every attempt conflicts: the typed error, still no allocation.
            black_box(short.generate(&mut Stuck(9), &cell, now, &mut out).ok());
            black_box(short.generate(&mut Stuck(9), &cell, now, &mut out).ok());
            black_box(policy.route(&out));
        }
        issued
    });
    assert_eq!(n, 0, "session-ID reserve or generate allocated");
    assert!(issued > 30_000, "{issued}");
}

#[test]
fn ticket_issue_and_redeem_never_allocate() {
    let mut t = TicketCache::new(cache_config(256), &mut SplitMix(7)).unwrap();
    let shared = Arc::new(Mutex::new(
        TicketCache::new(cache_config(256), &mut SplitMix(8)).unwrap(),
    ));
    let (redeemed, n) = count(|| {
        let mut redeemed = 0u32;
        for i in 0..50_000u64 {
            let now = at(i);
            let _ = t.issue(&key32(i), now);
            let _ = shared.issue(&key32(i), now);
            // Redeem some at once, some later (after evictions), some twice.
            for id in [i, i.saturating_sub(200), i.saturating_sub(300)] {
                if t.redeem(&key32(id), now) {
                    redeemed += 1;
                }
                black_box(shared.redeem(&key32(id), now));
            }
        }
        redeemed
    });
    assert_eq!(n, 0, "ticket issue or redeem allocated");
    assert!(redeemed > 40_000, "{redeemed}");
}

#[test]
fn renegotiation_guard_never_allocates() {
    let secure = SecureRenegotiationSignal {
        extension: true,
        scsv: false,
    };
    let (_, n) = count(|| {
        let mut g = RenegotiationGuard::new(RenegotiationPolicy::Limit {
            max: 3,
            window: WINDOW,
        })
        .unwrap();
        for i in 0..10_000u64 {
            black_box(g.on_client_hello(at(i * 1_000), secure));
        }
    });
    assert_eq!(n, 0);
}
