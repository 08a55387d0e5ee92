//! Session-ID policy and store: lengths, prefixes, retries, routing,
//! concurrency, eviction and expiry.

mod common;

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{SplitMix, Stuck};
use hellogate_session::session_id::{
    CacheConfig, ConfigError, Conflict, SessionIdCache, SessionIdConfig, SessionIdError,
    SessionIdPolicy, SessionIdStore, StoreConfigError,
};
use proptest::prelude::*;

const T0: Duration = Duration::from_secs(1_700_000_000);

fn policy(length: u8, prefix: &[u8], attempts: u8) -> SessionIdPolicy {
    SessionIdPolicy::new(SessionIdConfig {
        length,
        host_prefix: prefix,
        max_attempts: attempts,
    })
    .unwrap()
}

fn cache(capacity: usize, lifetime_s: u64) -> SessionIdCache {
    SessionIdCache::new(
        CacheConfig {
            capacity,
            lifetime: Duration::from_secs(lifetime_s),
        },
        &mut SplitMix(99),
    )
    .unwrap()
}

#[test]
fn config_is_validated() {
    let cfg = |length, host_prefix: &'static [u8], max_attempts| {
        SessionIdPolicy::new(SessionIdConfig {
            length,
            host_prefix,
            max_attempts,
        })
    };
    assert_eq!(cfg(0, b"", 1), Err(ConfigError::Length { length: 0 }));
    assert_eq!(cfg(33, b"", 1), Err(ConfigError::Length { length: 33 }));
    assert_eq!(cfg(32, b"", 0), Err(ConfigError::NoAttempts));
    // 32 - 17 = 15 random bytes: refused, not silently weakened.
    assert_eq!(
        cfg(32, &[1; 17], 1),
        Err(ConfigError::PrefixTooLong {
            prefix_len: 17,
            max: 16
        })
    );
    assert!(cfg(32, &[1; 16], 1).is_ok());
    assert_eq!(
        cfg(20, &[1; 5], 1),
        Err(ConfigError::PrefixTooLong {
            prefix_len: 5,
            max: 4
        })
    );
    assert_eq!(
        cfg(8, &[1], 1),
        Err(ConfigError::PrefixTooLong {
            prefix_len: 1,
            max: 0
        })
    );
    // Short IDs without a prefix are the operator's explicit choice.
    assert!(cfg(1, b"", 1).is_ok());
    assert!(cfg(32, b"", 255).is_ok());
}

proptest! {
    #[test]
    fn ids_have_the_length_asked_for_and_carry_the_prefix(
        length in 1u8..=32,
        prefix_seed in any::<[u8; 16]>(),
        prefix_len in 0usize..=16,
        extra in 0usize..40,
        seed in any::<u64>(),
    ) {
        // Lengths 1..=15 are valid only without a prefix; from 16 on, the
        // prefix may take all but 16 bytes.
        let prefix_len = prefix_len.min(usize::from(length).saturating_sub(16));
        let prefix = &prefix_seed[..prefix_len];
        let p = policy(length, prefix, 1);
        let store = RefCell::new(cache(16, 60));
        let mut out = vec![0xEE; usize::from(length) + extra];
        let n = p.generate(&mut SplitMix(seed), &store, T0, &mut out).unwrap();
        prop_assert_eq!(n, usize::from(length));
        prop_assert_eq!(&out[..prefix_len], prefix);
        // Nothing written past the ID.
        prop_assert!(out[n..].iter().all(|&b| b == 0xEE));
        // The store holds exactly the ID handed out.
        prop_assert!(store.borrow_mut().contains(&out[..n], T0));
        // route inverts generation.
        if prefix_len > 0 {
            prop_assert_eq!(p.route(&out[..n]), Some(p.host_id()));
            let host = p.host_id();
            prop_assert_eq!(host.as_bytes(), prefix);
            prop_assert!(p.is_local(&out[..n]));
        } else {
            prop_assert_eq!(p.route(&out[..n]), None);
        }
    }

    #[test]
    fn short_buffers_are_a_typed_error(length in 1u8..=32, short in 0usize..32) {
        let short = short.min(usize::from(length) - 1);
        let p = policy(length, b"", 1);
        let store = RefCell::new(cache(4, 60));
        let mut out = vec![0xEE; short];
        prop_assert_eq!(
            p.generate(&mut SplitMix(1), &store, T0, &mut out),
            Err(SessionIdError::BufferTooSmall { needed: usize::from(length) })
        );
        prop_assert!(out.iter().all(|&b| b == 0xEE));
        prop_assert!(store.borrow().is_empty());
    }
}

/// A store that conflicts a set number of times, recording every ID offered.
struct Scripted {
    conflicts_left: Cell<u32>,
    offered: RefCell<Vec<Vec<u8>>>,
}

impl SessionIdStore for Scripted {
    fn reserve(&self, id: &[u8], _now: Duration) -> Result<(), Conflict> {
        self.offered.borrow_mut().push(id.to_vec());
        match self.conflicts_left.get() {
            0 => Ok(()),
            n => {
                self.conflicts_left.set(n - 1);
                Err(Conflict)
            }
        }
    }
}

#[test]
fn conflicts_are_retried_with_fresh_ids_then_fail_after_exactly_max_attempts() {
    for max_attempts in [1u8, 2, 5, 255] {
        // Always conflicting: exactly max_attempts tries, then the typed error.
        let store = Scripted {
            conflicts_left: Cell::new(u32::MAX),
            offered: RefCell::new(Vec::new()),
        };
        let p = policy(32, &[7, 7], max_attempts);
        let mut out = [0xEE; 32];
        assert_eq!(
            p.generate(&mut SplitMix(3), &store, T0, &mut out),
            Err(SessionIdError::AttemptsExhausted {
                attempts: max_attempts
            })
        );
        let offered = store.offered.borrow();
        assert_eq!(offered.len(), usize::from(max_attempts));
        // Each retry is a new random ID with the same prefix.
        let distinct: HashSet<_> = offered.iter().collect();
        assert_eq!(distinct.len(), offered.len());
        assert!(offered.iter().all(|id| id.len() == 32 && id[..2] == [7, 7]));
        // No rejected ID is left in the caller's buffer.
        assert_eq!(out, [0; 32]);

        // Conflicting max_attempts - 1 times: the last try succeeds.
        let store = Scripted {
            conflicts_left: Cell::new(u32::from(max_attempts) - 1),
            offered: RefCell::new(Vec::new()),
        };
        assert_eq!(p.generate(&mut SplitMix(3), &store, T0, &mut out), Ok(32));
        let offered = store.offered.borrow();
        assert_eq!(offered.len(), usize::from(max_attempts));
        assert_eq!(offered.last().unwrap().as_slice(), &out[..]);
    }
}

#[test]
fn a_taken_id_is_never_handed_out_again() {
    // A generator stuck on one value: the first ID is reserved, the second
    // call collides on every attempt and fails instead of reusing it.
    let p = policy(32, &[1], 4);
    let store = RefCell::new(cache(8, 60));
    let mut a = [0; 32];
    let mut b = [0; 32];
    assert_eq!(p.generate(&mut Stuck(9), &store, T0, &mut a), Ok(32));
    assert_eq!(
        p.generate(&mut Stuck(9), &store, T0, &mut b),
        Err(SessionIdError::AttemptsExhausted { attempts: 4 })
    );
    // Once the first has expired, the same bytes may be issued again.
    assert_eq!(
        p.generate(&mut Stuck(9), &store, T0 + Duration::from_secs(60), &mut b),
        Ok(32)
    );
    assert_eq!(a, b);
}

#[test]
fn concurrent_reservation_never_hands_out_one_id_twice() {
    // Two-byte IDs: 65 536 possible values, four threads drawing 20 000
    // each, so collisions between threads are certain and only the store's
    // atomic reserve keeps the handed-out IDs distinct.
    let p = policy(2, b"", 3);
    let store = Arc::new(Mutex::new(cache(1 << 17, 3600)));
    let handles: Vec<_> = (0..4u64)
        .map(|t| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || {
                let mut rng = SplitMix(t);
                let mut got = Vec::new();
                let mut exhausted = 0u32;
                for _ in 0..20_000 {
                    let mut out = [0u8; 2];
                    match p.generate(&mut rng, &store, T0, &mut out) {
                        Ok(2) => got.push(out),
                        Ok(n) => panic!("length {n}"),
                        Err(SessionIdError::AttemptsExhausted { attempts: 3 }) => exhausted += 1,
                        Err(e) => panic!("{e:?}"),
                    }
                }
                (got, exhausted)
            })
        })
        .collect();
    let mut all = HashSet::new();
    let mut total = 0usize;
    let mut exhausted = 0u32;
    for h in handles {
        let (got, ex) = h.join().unwrap();
        total += got.len();
        exhausted += ex;
        for id in got {
            assert!(all.insert(id), "ID {id:?} handed out twice");
        }
    }
    assert_eq!(all.len(), total);
    assert_eq!(store.lock().unwrap().len(), total);
    // 80 000 draws into 65 536 values: plenty of conflicts happened.
    assert!(exhausted > 0 && total < 65_536, "{total} {exhausted}");
}

#[test]
fn route_names_the_issuing_host_or_none() {
    let a = policy(32, &[0xa, 1], 1);
    let b = policy(32, &[0xb, 2], 1);
    let store = RefCell::new(cache(8, 60));
    let mut id = [0; 32];
    b.generate(&mut SplitMix(5), &store, T0, &mut id).unwrap();
    // Host A routes B's ID to B.
    assert_eq!(a.route(&id), Some(b.host_id()));
    assert!(!a.is_local(&id));
    assert!(b.is_local(&id));
    // Wrong length (another fleet, or a TLS 1.3 client's legacy ID): none.
    assert_eq!(a.route(&id[..31]), None);
    assert_eq!(a.route(&[]), None);
    // No prefix configured: nothing to route by.
    assert_eq!(policy(32, b"", 1).route(&id), None);
}

#[test]
fn tls13_echoes_and_dtls13_sends_empty() {
    let client = [3u8; 32];
    assert_eq!(SessionIdPolicy::for_tls13().server_value(&client), &client);
    assert_eq!(
        SessionIdPolicy::for_dtls13().server_value(&client),
        &[] as &[u8]
    );
}

#[test]
fn store_evicts_oldest_first_and_expires_after_lifetime() {
    let mut c = cache(3, 10);
    for (i, id) in [b"a", b"b", b"c"].iter().enumerate() {
        c.reserve(*id, T0 + Duration::from_secs(i as u64)).unwrap();
    }
    assert_eq!(c.reserve(b"b", T0), Err(Conflict));
    // Full: "d" evicts "a", the oldest.
    c.reserve(b"d", T0 + Duration::from_secs(3)).unwrap();
    assert!(!c.contains(b"a", T0 + Duration::from_secs(3)));
    assert!(c.contains(b"b", T0 + Duration::from_secs(3)));
    assert_eq!(c.len(), 3);
    // "b" was reserved at T0+1: held through T0+10, free at T0+11.
    assert_eq!(c.reserve(b"b", T0 + Duration::from_secs(10)), Err(Conflict));
    assert_eq!(c.reserve(b"b", T0 + Duration::from_secs(11)), Ok(()));
    // At T0+13 "c" (T0+2) and "d" (T0+3) have expired; only "b" is left.
    assert!(!c.contains(b"d", T0 + Duration::from_secs(13)));
    assert_eq!(c.len(), 1);
    // Releasing frees an ID early.
    assert!(c.release(b"b", T0 + Duration::from_secs(13)));
    assert!(c.is_empty());
    // Not session IDs.
    assert_eq!(c.reserve(b"", T0), Err(Conflict));
    assert_eq!(c.reserve(&[0; 33], T0), Err(Conflict));
}

#[test]
fn store_memory_is_fixed_whatever_the_traffic() {
    let mut c = cache(1000, 3600);
    let before = c.memory_bytes();
    // 1000 slab entries of at most 72 bytes, 2048 index positions of 4.
    assert!((1000 * 65 + 2048 * 4..=1000 * 72 + 2048 * 4 + 256).contains(&before));
    let mut rng = SplitMix(8);
    let p = policy(32, &[1], 1);
    let store = RefCell::new(c);
    let mut out = [0; 32];
    for _ in 0..50_000 {
        p.generate(&mut rng, &store, T0, &mut out).unwrap();
    }
    c = store.into_inner();
    assert_eq!(c.len(), 1000);
    assert_eq!(c.memory_bytes(), before);
}

#[test]
fn store_config_is_validated() {
    let rng = &mut SplitMix(1);
    let mut mk = |capacity, lifetime| SessionIdCache::new(CacheConfig { capacity, lifetime }, rng);
    assert_eq!(
        mk(0, Duration::from_secs(1)).unwrap_err(),
        StoreConfigError::Capacity
    );
    assert_eq!(
        mk(1, Duration::ZERO).unwrap_err(),
        StoreConfigError::Lifetime
    );
    assert_eq!(
        mk(usize::MAX, Duration::from_secs(1)).unwrap_err(),
        StoreConfigError::Capacity
    );
}
