//! Drives the session-ID policy, the renegotiation guard and the 0-RTT
//! anti-replay defences (the strike register directly and through
//! `ZeroRttGate::check` and `check_single_use`) with arbitrary
//! configurations and timelines (clocks that jump forward and back in any
//! order), checking caps and invariants after every step, not just the
//! absence of panics:
//! - a key recorded at a reading `r` is never accepted at a reading before
//!   `r + window`, whatever the clock did in between; nothing is accepted
//!   within a window of the register's or the gate's start;
//! - never more than `max` renegotiations allowed at readings within any
//!   window, whatever their order;
//! - a ticket carries 0-RTT at most once per issue; memory never moves.
//!
//! (The Mutex-backed stores need the crate's `std` feature, which this fuzz
//! crate does not enable; they share the code paths driven here.)
#![no_main]

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::time::Duration;

use arbitrary::Arbitrary;
use hellogate_session::RandomSource;
use hellogate_session::anti_replay::{
    EarlyDataOffer, EarlyDataRejection, EarlyDataVerdict, Freshness, GateConfigError,
    StrikeRegister, StrikeRegisterConfig, TicketCache, TicketStore, ZeroRttGate, check_freshness,
    client_ticket_age_ms,
};
use hellogate_session::renegotiation::{
    Refusal, RenegotiationGuard, RenegotiationPolicy, RenegotiationVerdict,
    SecureRenegotiationSignal,
};
use hellogate_session::session_id::{
    CacheConfig, Conflict, SessionIdCache, SessionIdConfig, SessionIdError, SessionIdPolicy,
    SessionIdStore,
};
use libfuzzer_sys::fuzz_target;

const T0: Duration = Duration::from_secs(1_700_000_000);

#[derive(Arbitrary, Debug)]
struct Config {
    id_length: u8,
    prefix: [u8; 16],
    prefix_len: u8,
    max_attempts: u8,
    cache_capacity: u16,
    cache_lifetime_ms: u32,
    reneg: u8,
    reneg_max: u8,
    reneg_window_ms: u32,
    strike_window_ms: u32,
    strike_expected: u16,
    fp_log2: u8,
    gate_tolerance_ms: u32,
    gate_start_ms: u16,
    rng_seed: u64,
}

#[derive(Arbitrary, Debug)]
enum Op {
    Advance(u32),
    Back(u32),
    Generate {
        out_len: u8,
    },
    Reserve(Vec<u8>),
    Route(Vec<u8>),
    /// A handshake start, after moving the clock by `dt_ms` (forward or
    /// back): a jump and a renegotiation in one step, so jump-and-return
    /// timelines are a few ops long.
    ClientHello {
        /// renegotiation_info present unless bits 0-1 are both clear, the
        /// SCSV only if bits 2-3 are both set: mostly secure.
        signal_bits: u8,
        dt_ms: i32,
    },
    Record([u8; 2]),
    Fresh {
        issued_back_ms: u32,
        obfuscated: u32,
        age_add: u32,
        tolerance_ms: u32,
    },
    Issue([u8; 2]),
    Redeem([u8; 2]),
    /// A ClientHello offering 0-RTT through the gate: the ticket was issued
    /// `issued_back_ms` before now and the client's view of its age is off
    /// by `skew_ms`, so most offers are fresh and some are not.
    Gate {
        key: [u8; 2],
        issued_back_ms: u16,
        skew_ms: i16,
        age_add: u32,
    },
    /// The same under single-use tickets.
    SingleUse {
        ticket: [u8; 2],
        key: [u8; 2],
        issued_back_ms: u16,
        skew_ms: i16,
        age_add: u32,
    },
}

#[derive(Arbitrary, Debug)]
struct Script {
    config: Config,
    ops: Vec<Op>,
}

struct SplitMix(u64);

impl RandomSource for SplitMix {
    fn fill(&mut self, out: &mut [u8]) {
        for b in out {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            // Few distinct bytes, so IDs collide and retries happen.
            *b = ((z ^ (z >> 31)) & 0x3) as u8;
        }
    }
}

/// Counts reserve calls, to check the retry bound.
struct Counting<'a> {
    inner: &'a RefCell<SessionIdCache>,
    calls: Cell<u32>,
}

impl SessionIdStore for Counting<'_> {
    fn reserve(&self, id: &[u8], now: Duration) -> Result<(), Conflict> {
        self.calls.set(self.calls.get() + 1);
        self.inner.reserve(id, now)
    }
}

/// An offer for a ticket issued `issued_back_ms` before `now`, whose
/// client's view of the age is off by `skew_ms`.
fn offer_for(
    key: &[u8],
    issued_back_ms: u16,
    skew_ms: i16,
    age_add: u32,
    now: Duration,
) -> EarlyDataOffer<'_> {
    let issued = now.saturating_sub(Duration::from_millis(u64::from(issued_back_ms)));
    let age = i64::from(issued_back_ms) + i64::from(skew_ms);
    EarlyDataOffer {
        key,
        ticket_issued_at: issued,
        obfuscated_ticket_age: (age as u32).wrapping_add(age_add),
        ticket_age_add: age_add,
    }
}

fn ms(v: u32) -> Duration {
    Duration::from_millis(u64::from(v))
}

fuzz_target!(|script: Script| {
    let c = &script.config;
    let rng = &mut SplitMix(c.rng_seed);

    // Session IDs: an invalid config must be refused, a valid one used.
    let prefix = &c.prefix[..usize::from(c.prefix_len % 17)];
    let policy = SessionIdPolicy::new(SessionIdConfig {
        length: c.id_length,
        host_prefix: prefix,
        max_attempts: c.max_attempts,
    });
    let valid = (1..=32).contains(&c.id_length)
        && c.max_attempts > 0
        && (prefix.is_empty() || usize::from(c.id_length) >= prefix.len() + 16);
    assert_eq!(policy.is_ok(), valid, "{:?}", policy);
    let attempts = if valid { u32::from(c.max_attempts) } else { 2 };
    let policy = policy.unwrap_or_else(|_| {
        SessionIdPolicy::new(SessionIdConfig {
            length: 17,
            host_prefix: &[9],
            max_attempts: 2,
        })
        .unwrap()
    });
    let cache_config = CacheConfig {
        capacity: usize::from(c.cache_capacity % 512).max(1),
        lifetime: ms(c.cache_lifetime_ms).max(Duration::from_millis(1)),
    };
    let cache = RefCell::new(SessionIdCache::new(cache_config, rng).unwrap());
    let cache_bytes = cache.borrow().memory_bytes();
    let tickets = RefCell::new(TicketCache::new(cache_config, rng).unwrap());
    let ticket_bytes = tickets.borrow().memory_bytes();

    let reneg_policy = match c.reneg % 3 {
        0 => RenegotiationPolicy::Refuse,
        1 => RenegotiationPolicy::Close,
        _ => RenegotiationPolicy::Limit {
            // 0 (refused), or a small limit a short timeline can reach.
            max: u32::from(c.reneg_max % 6),
            // Mostly windows the timeline's jumps (up to 600 s) can slide.
            window: ms(if c.reneg_window_ms & 1 == 0 {
                c.reneg_window_ms % 200_000
            } else {
                c.reneg_window_ms
            }),
        },
    };
    let mut guard = match RenegotiationGuard::new(reneg_policy) {
        Ok(g) => g,
        Err(_) => {
            let RenegotiationPolicy::Limit { max, window } = reneg_policy else {
                panic!("{reneg_policy:?} refused");
            };
            assert!(max == 0 || window.is_zero());
            RenegotiationGuard::new(RenegotiationPolicy::Refuse).unwrap()
        }
    };
    let reneg_policy = guard.policy();

    let strike_config = StrikeRegisterConfig {
        window: ms(c.strike_window_ms % 100_000).max(Duration::from_millis(1)),
        expected_per_window: u32::from(c.strike_expected % 4096).max(1),
        fp_log2: (c.fp_log2 % 32) + 1,
    };
    let strike = RefCell::new(StrikeRegister::new(strike_config, rng, T0).unwrap());
    let strike_bytes = strike.borrow().memory_bytes();
    let window = strike_config.window;

    // The gate over the same register, made a little after it; an
    // arbitrary tolerance is refused exactly when the window is shorter
    // than the freshness span.
    let gate_start = T0 + Duration::from_millis(u64::from(c.gate_start_ms));
    let tolerance = ms(c.gate_tolerance_ms % 200_000);
    let gate = match ZeroRttGate::new(&strike, tolerance, gate_start) {
        Ok(g) => {
            assert!(window >= tolerance * 2);
            g
        }
        Err(GateConfigError::WindowShorterThanFreshnessSpan { window: w, needed }) => {
            assert_eq!(w, window);
            assert_eq!(needed, tolerance * 2);
            assert!(w < needed);
            ZeroRttGate::new(&strike, window / 2, gate_start).unwrap()
        }
    };
    let tolerance = gate.tolerance();

    let mut now = T0;
    let mut first_hello: Option<bool> = None;
    let mut closed = false;
    let mut allowed: Vec<Duration> = Vec::new();
    // Every reading at which the register recorded each key (every verdict
    // it gives but Replay records; a Replay means the key is held already).
    let mut recorded: HashMap<[u8; 2], Vec<Duration>> = HashMap::new();
    let mut outstanding: HashMap<[u8; 2], bool> = HashMap::new();

    // The replay invariant, checked on every verdict that reached the
    // register: an acceptance needs a window since the register's and the
    // gate's start, and since every earlier record of the key.
    let mut judge = |key: &[u8; 2], v: EarlyDataVerdict, now: Duration, via_gate: bool| {
        if v == EarlyDataVerdict::Accept {
            assert!(now >= T0 + window, "accepted during the register's startup");
            if via_gate {
                assert!(
                    now >= gate_start + window,
                    "accepted during the gate's startup"
                );
            }
            for &r in recorded.get(key).into_iter().flatten() {
                assert!(
                    now >= r + window,
                    "key {key:?} recorded at {r:?} accepted at {now:?} (window {window:?})"
                );
            }
        }
        if matches!(
            v,
            EarlyDataVerdict::Accept | EarlyDataVerdict::Reject(EarlyDataRejection::Startup)
        ) {
            recorded.entry(*key).or_default().push(now);
        }
    };

    for op in script.ops.iter().take(2_000) {
        match op {
            Op::Advance(d) => now = now.saturating_add(ms(*d % 600_000)),
            Op::Back(d) => now = now.saturating_sub(ms(*d % 600_000)),
            Op::Generate { out_len } => {
                let mut out = [0xEEu8; 64];
                let out = &mut out[..usize::from(*out_len % 65)];
                let store = Counting {
                    inner: &cache,
                    calls: Cell::new(0),
                };
                match policy.generate(rng, &store, now, out) {
                    Ok(n) => {
                        assert_eq!(n, policy.length());
                        assert!(store.calls.get() >= 1);
                        assert!(store.calls.get() <= attempts);
                        let id = &out[..n];
                        assert_eq!(
                            &id[..policy.host_id().as_bytes().len()],
                            policy.host_id().as_bytes()
                        );
                        assert!(out[n..].iter().all(|&b| b == 0xEE));
                        assert!(cache.borrow_mut().contains(&out[..n], now));
                        if !policy.host_id().as_bytes().is_empty() {
                            assert_eq!(policy.route(&out[..n]), Some(policy.host_id()));
                        }
                    }
                    Err(SessionIdError::BufferTooSmall { needed }) => {
                        assert_eq!(needed, policy.length());
                        assert!(out.len() < needed);
                        assert_eq!(store.calls.get(), 0);
                    }
                    Err(SessionIdError::AttemptsExhausted { attempts: n }) => {
                        assert_eq!(u32::from(n), store.calls.get());
                        assert_eq!(store.calls.get(), attempts);
                        assert!(out.iter().take(policy.length()).all(|&b| b == 0));
                    }
                }
            }
            Op::Reserve(id) => {
                let first = cache.reserve(id, now);
                if first.is_ok() {
                    assert_eq!(cache.reserve(id, now), Err(Conflict));
                }
            }
            Op::Route(id) => {
                if let Some(host) = policy.route(id) {
                    assert_eq!(id.len(), policy.length());
                    assert_eq!(host.as_bytes(), &id[..host.as_bytes().len()]);
                }
            }
            Op::ClientHello { signal_bits, dt_ms } => {
                let step = ms(dt_ms.unsigned_abs() % 600_000);
                now = if *dt_ms < 0 {
                    now.saturating_sub(step)
                } else {
                    now.saturating_add(step)
                };
                let signal = SecureRenegotiationSignal {
                    extension: signal_bits & 0b0011 != 0,
                    scsv: signal_bits & 0b1100 == 0b1100,
                };
                let v = guard.on_client_hello(now, signal);
                match first_hello {
                    None => {
                        assert_eq!(v, RenegotiationVerdict::Allow);
                        first_hello = Some(signal.secure_initial());
                        continue;
                    }
                    Some(secure) => {
                        if closed {
                            assert!(matches!(
                                v,
                                RenegotiationVerdict::Close {
                                    reason: Refusal::AlreadyClosed,
                                    ..
                                }
                            ));
                        }
                        if !secure || !signal.secure_renegotiation() {
                            assert_ne!(v, RenegotiationVerdict::Allow);
                        }
                    }
                }
                match v {
                    RenegotiationVerdict::Allow => {
                        assert!(
                            matches!(reneg_policy, RenegotiationPolicy::Limit { .. }),
                            "allowed under {reneg_policy:?}"
                        );
                        allowed.push(now);
                    }
                    RenegotiationVerdict::Refuse { alert, .. } => {
                        assert_eq!(alert.to_bytes(), [1, 100]);
                    }
                    RenegotiationVerdict::Close { alert, .. } => {
                        assert_eq!(alert.to_bytes()[0], 2);
                        closed = true;
                    }
                }
            }
            Op::Record(key) => {
                let v = strike.borrow_mut().check_and_record(key, now);
                assert_eq!(strike.borrow().window(), window);
                assert!(strike.borrow().latest() >= now);
                judge(key, v, now, false);
            }
            Op::Gate {
                key,
                issued_back_ms,
                skew_ms,
                age_add,
            } => {
                let offer = offer_for(key, *issued_back_ms, *skew_ms, *age_add, now);
                let v = gate.check(&offer, now);
                let fresh = check_freshness(
                    offer.ticket_issued_at,
                    offer.obfuscated_ticket_age,
                    offer.ticket_age_add,
                    now,
                    tolerance,
                );
                match v {
                    EarlyDataVerdict::Reject(EarlyDataRejection::Stale(f)) => {
                        assert_eq!(f, fresh);
                        assert_ne!(f, Freshness::Fresh);
                    }
                    _ => {
                        assert_eq!(fresh, Freshness::Fresh);
                        judge(key, v, now, true);
                    }
                }
            }
            Op::SingleUse {
                ticket,
                key,
                issued_back_ms,
                skew_ms,
                age_add,
            } => {
                let offer = offer_for(key, *issued_back_ms, *skew_ms, *age_add, now);
                let v = gate.check_single_use(&tickets, ticket, &offer, now);
                match v {
                    EarlyDataVerdict::Reject(EarlyDataRejection::TicketNotRedeemable) => {}
                    EarlyDataVerdict::Reject(EarlyDataRejection::Stale(_)) => {
                        // Spent anyway.
                        assert_eq!(outstanding.insert(*ticket, false), Some(true));
                    }
                    _ => {
                        // The ticket was issued, not yet redeemed, and is now.
                        assert_eq!(outstanding.insert(*ticket, false), Some(true));
                        judge(key, v, now, true);
                    }
                }
                assert!(!tickets.redeem(ticket, now), "redeemed twice");
            }
            Op::Fresh {
                issued_back_ms,
                obfuscated,
                age_add,
                tolerance_ms,
            } => {
                let issued = now.saturating_sub(ms(*issued_back_ms));
                let tolerance = ms(*tolerance_ms);
                let got = check_freshness(issued, *obfuscated, *age_add, now, tolerance);
                // Independent arithmetic in signed nanoseconds.
                let age = u64::from(obfuscated.wrapping_sub(*age_add));
                assert_eq!(client_ticket_age_ms(*obfuscated, *age_add) as u64, age);
                let expected = issued.as_nanos() as i128 + i128::from(age) * 1_000_000;
                let diff = now.as_nanos() as i128 - expected;
                let tol = tolerance.as_nanos() as i128;
                match got {
                    Freshness::Fresh => assert!(diff.abs() <= tol),
                    Freshness::TooLate { by } => {
                        assert!(diff > tol);
                        assert_eq!(by.as_nanos() as i128, diff);
                    }
                    Freshness::TooEarly { by } => {
                        assert!(-diff > tol);
                        assert_eq!(by.as_nanos() as i128, -diff);
                    }
                }
            }
            Op::Issue(id) => {
                if tickets.issue(id, now).is_ok() {
                    outstanding.insert(*id, true);
                }
            }
            Op::Redeem(id) => {
                if tickets.redeem(id, now) {
                    // Only a ticket issued and not yet redeemed.
                    assert_eq!(outstanding.insert(*id, false), Some(true));
                }
            }
        }
        let cache_ref = cache.borrow();
        assert!(cache_ref.len() <= cache_ref.capacity());
        assert_eq!(cache_ref.memory_bytes(), cache_bytes);
        let tickets_ref = tickets.borrow();
        assert!(tickets_ref.len() <= tickets_ref.capacity());
        assert_eq!(tickets_ref.memory_bytes(), ticket_bytes);
        assert_eq!(strike.borrow().memory_bytes(), strike_bytes);
    }

    // Renegotiation cap on the readings, whatever their order: at most
    // `max` allowed within any closed interval of length `window`.
    if let RenegotiationPolicy::Limit { max, window } = reneg_policy {
        allowed.sort_unstable();
        for (i, &start) in allowed.iter().enumerate() {
            let within = allowed[i..]
                .iter()
                .take_while(|&&t| t - start <= window)
                .count();
            assert!(
                within <= max as usize,
                "{within} allowed in {window:?} from {start:?}"
            );
        }
    } else {
        assert!(allowed.is_empty());
    }
});
