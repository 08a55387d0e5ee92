//! The strike register: ClientHello recording in bounded memory
//! (RFC 8446 section 8.2).
//!
//! Two generations of a Bloom filter, each covering one `window`: new keys
//! go into the current generation; a key is "seen" if either generation
//! holds it; when the current generation is `window` old it becomes the
//! previous one and the old previous one is cleared. So every key recorded
//! less than `window` ago is still held, and memory is two fixed bit arrays
//! whatever the traffic.
//!
//! Which way each error goes:
//! - A Bloom filter has no false negatives: a key recorded within the
//!   window is always found, so a replay within the window is never
//!   accepted (false-accept rate 0, measured in the tests).
//! - A false positive makes a fresh ClientHello look seen: its 0-RTT is
//!   rejected and the handshake falls back to 1-RTT. That is the safe
//!   direction; its rate is about 2^-`fp_log2` while a generation holds
//!   at most `expected_per_window` keys, and grows beyond (a flood makes
//!   0-RTT rarer, never unsafe).
//! - Keys recorded between `window` and `2 * window` ago may still be found:
//!   again only rejections.
//!
//! Clocks that jump (see the crate README, "Time, and clocks that jump"):
//! - The register keeps the latest `now` it was given and never goes back:
//!   an earlier `now` is judged at that high-water mark, so a clock that
//!   goes back cannot make a recorded key look older than it is.
//! - It also tracks from when on it holds every key recorded (`covered_from`,
//!   on the register's own clock), and accepts 0-RTT at `now` only if that
//!   covers the whole window before `now`: `now - window >= covered_from`.
//!   This is the startup rule (RFC 8446 section 8: an empty register cannot
//!   know what was accepted before it). It applies again whenever keys are
//!   forgotten: a rotation that drops a generation holding keys moves
//!   `covered_from` past them (a jump of two windows or more wipes both
//!   generations: `covered_from` moves just past the latest time any of
//!   their keys can have been recorded). So after a clock jump forward, a
//!   reading that comes back within a window of the forgotten keys is
//!   rejected. A generation dropped empty (an idle register) forgets
//!   nothing and costs nothing.
//! - Hence: a key recorded at a reading `r` is never accepted again at a
//!   reading `c < r + window`, whatever the readings in between (forward
//!   jumps, backward jumps, both). The keys the register forgot all have a
//!   register time, hence a reading, before `covered_from`; an acceptance
//!   needs `c >= covered_from + window`.

use alloc::vec::Vec;
use core::mem::size_of;
use core::time::Duration;

use super::{EarlyDataRejection, EarlyDataVerdict};
use crate::RandomSource;
use crate::hash::KeyedHash;

/// Sizing of a [`StrikeRegister`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StrikeRegisterConfig {
    /// How long a recorded key is remembered at least. Must be at least
    /// twice the freshness tolerance (see `ZeroRttGate`), since a captured
    /// ClientHello passes the freshness check for that long.
    pub window: Duration,
    /// The 0-RTT ClientHellos expected per window: the filter is sized so
    /// that this many keys give the target false-positive rate.
    pub expected_per_window: u32,
    /// Target false-positive rate as a power of two: 2^-`fp_log2`, 1..=32.
    /// It is also the number of bits set per key.
    pub fp_log2: u8,
}

/// Why a [`StrikeRegisterConfig`] was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StrikeConfigError {
    /// The window is zero.
    ZeroWindow,
    /// `expected_per_window` is zero.
    ZeroEntries,
    /// `fp_log2` is outside 1..=32.
    FalsePositiveRate,
    /// One generation would exceed [`MAX_FILTER_BITS`].
    TooLarge,
    /// The up-front allocation failed.
    OutOfMemory,
}

/// The largest generation: 2^32 bits, 512 MiB.
pub const MAX_FILTER_BITS: u64 = 1 << 32;

/// 1 / ln 2, scaled by 10^9: optimal bits per key per hash function.
const INV_LN2_E9: u64 = 1_442_695_041;

/// The bits one generation needs: m = n * k / ln 2 (the size at which k hash
/// functions give a false-positive rate of 2^-k), rounded up to whole words.
pub fn filter_bits(expected_per_window: u32, fp_log2: u8) -> u64 {
    let nk = u64::from(expected_per_window) * u64::from(fp_log2);
    let bits = (u128::from(nk) * u128::from(INV_LN2_E9)).div_ceil(1_000_000_000);
    let words = bits.div_ceil(64);
    u64::try_from(words * 64).unwrap_or(u64::MAX)
}

/// One generation: a fixed bit array.
struct Generation {
    words: Vec<u64>,
    /// Keys inserted since the last clear.
    inserted: u64,
}

impl core::fmt::Debug for Generation {
    // The bits themselves are megabytes of noise; say how full it is.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Generation")
            .field("words", &self.words.len())
            .field("inserted", &self.inserted)
            .finish()
    }
}

impl Generation {
    fn clear(&mut self) {
        self.words.fill(0);
        self.inserted = 0;
    }
}

/// Two rotating generations of a Bloom filter, keyed by a secret hash.
#[derive(Debug)]
pub struct StrikeRegister {
    hasher: KeyedHash,
    current: Generation,
    previous: Generation,
    bits: u64,
    hashes: u32,
    window: Duration,
    /// The register's clock: the latest `now` seen. Time never goes back
    /// for the register; an earlier `now` is treated as this one.
    latest: Duration,
    /// From when on (register clock) every recorded key is still held:
    /// creation, then just past the newest key a rotation dropped. 0-RTT
    /// is accepted only at a `now` at least a window after it, so a new
    /// register rejects for one window (the startup rule), and so does one
    /// that forgot keys the caller's clock still puts within the window.
    covered_from: Duration,
    /// When the current generation started (register clock).
    generation_start: Duration,
}

impl StrikeRegister {
    /// Allocates both generations (all memory the register will ever use)
    /// and keys the hash from `rng`. `now` starts the startup window.
    pub fn new(
        config: StrikeRegisterConfig,
        rng: &mut impl RandomSource,
        now: Duration,
    ) -> Result<Self, StrikeConfigError> {
        if config.window.is_zero() {
            return Err(StrikeConfigError::ZeroWindow);
        }
        if config.expected_per_window == 0 {
            return Err(StrikeConfigError::ZeroEntries);
        }
        if !(1..=32).contains(&config.fp_log2) {
            return Err(StrikeConfigError::FalsePositiveRate);
        }
        let bits = filter_bits(config.expected_per_window, config.fp_log2);
        if bits > MAX_FILTER_BITS {
            return Err(StrikeConfigError::TooLarge);
        }
        let words = usize::try_from(bits / 64).map_err(|_| StrikeConfigError::TooLarge)?;
        let generation = || -> Result<Generation, StrikeConfigError> {
            let mut v = Vec::new();
            v.try_reserve_exact(words)
                .map_err(|_| StrikeConfigError::OutOfMemory)?;
            v.resize(words, 0);
            Ok(Generation {
                words: v,
                inserted: 0,
            })
        };
        Ok(Self {
            hasher: KeyedHash::new(rng),
            current: generation()?,
            previous: generation()?,
            bits,
            hashes: u32::from(config.fp_log2),
            window: config.window,
            latest: now,
            covered_from: now,
            generation_start: now,
        })
    }

    /// The window every recorded key is remembered for, at least.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// Bits per generation.
    pub fn bits_per_generation(&self) -> u64 {
        self.bits
    }

    /// Hash functions (bits set) per key.
    pub fn hashes(&self) -> u32 {
        self.hashes
    }

    /// Keys recorded in the current generation.
    pub fn recorded_in_current(&self) -> u64 {
        self.current.inserted
    }

    /// Exact bytes held: the struct and the two bit arrays. Fixed at
    /// construction; recording never allocates.
    pub fn memory_bytes(&self) -> usize {
        size_of::<Self>()
            + (self.current.words.capacity() + self.previous.words.capacity()) * size_of::<u64>()
    }

    /// The register's clock: the latest `now` it has been given.
    pub fn latest(&self) -> Duration {
        self.latest
    }

    /// Whether 0-RTT at `now` would be rejected for lack of history
    /// ([`EarlyDataRejection::Startup`]): within one window of the
    /// register's creation, or of keys it forgot (a clock that jumped
    /// forward and came back), or before its creation.
    pub fn in_startup(&self, now: Duration) -> bool {
        !self.vouches(self.covered_from_at(now.max(self.latest)), now)
    }

    /// Whether a register holding every key recorded since `covered_from`
    /// has seen the whole window before `now` (the caller's reading, not
    /// clamped: an early reading needs history from before it).
    fn vouches(&self, covered_from: Duration, now: Duration) -> bool {
        now.checked_sub(covered_from)
            .is_some_and(|span| span >= self.window)
    }

    /// What `covered_from` becomes once the register's clock reaches `at`
    /// (rotating as [`advance`](Self::advance) does).
    fn covered_from_at(&self, at: Duration) -> Duration {
        let age = at.saturating_sub(self.generation_start);
        let dropped_after = if age < self.window {
            None
        } else if age >= self.window.saturating_mul(2) {
            // Both generations go. Current keys were recorded at the latest
            // at the register's clock so far; previous ones before the
            // current generation started.
            if self.current.inserted > 0 {
                Some(self.latest.saturating_add(Duration::from_nanos(1)))
            } else if self.previous.inserted > 0 {
                Some(self.generation_start)
            } else {
                None
            }
        } else if self.previous.inserted > 0 {
            // The previous generation goes: its keys predate the current.
            Some(self.generation_start)
        } else {
            None
        };
        dropped_after.map_or(self.covered_from, |t| t.max(self.covered_from))
    }

    /// Moves the register's clock to `now` if that is later (never back)
    /// and rotates generations so the current one started less than a
    /// window before the register's clock.
    fn advance(&mut self, now: Duration) {
        let at = now.max(self.latest);
        // Before `latest` moves: what the rotation forgets.
        self.covered_from = self.covered_from_at(at);
        self.latest = at;
        let age = at.saturating_sub(self.generation_start);
        if age < self.window {
            return;
        }
        if age >= self.window.saturating_mul(2) {
            // Both generations are older than a window: forget everything.
            self.current.clear();
            self.previous.clear();
            self.generation_start = at;
        } else {
            core::mem::swap(&mut self.current, &mut self.previous);
            self.current.clear();
            self.generation_start = self.generation_start.saturating_add(self.window);
        }
    }

    /// The bit positions of a key with keyed hash halves `(h1, h2)`:
    /// double hashing (h1 + i * h2), each reduced to 0..bits by a
    /// multiply-shift, which needs no division and no power-of-two size.
    fn positions(&self, (h1, h2): (u64, u64)) -> impl Iterator<Item = (usize, u64)> + use<> {
        let h2 = h2 | 1;
        let bits = self.bits;
        (0..u64::from(self.hashes)).map(move |i| {
            let h = h1.wrapping_add(i.wrapping_mul(h2));
            let bit = ((u128::from(h) * u128::from(bits)) >> 64) as u64;
            ((bit / 64) as usize, 1u64 << (bit % 64))
        })
    }

    fn holds(generation: &Generation, mut positions: impl Iterator<Item = (usize, u64)>) -> bool {
        positions.all(|(word, mask)| generation.words.get(word).is_some_and(|w| w & mask == mask))
    }

    fn seen_hashed(&mut self, hash: (u64, u64), now: Duration) -> bool {
        self.advance(now);
        Self::holds(&self.current, self.positions(hash))
            || Self::holds(&self.previous, self.positions(hash))
    }

    /// Whether `key` was (probably) recorded within the last window,
    /// without recording it.
    pub fn seen(&mut self, key: &[u8], now: Duration) -> bool {
        let hash = self.hasher.hash(key);
        self.seen_hashed(hash, now)
    }

    /// Records `key` (a validated PSK binder, or ClientHello.random) and
    /// says whether its 0-RTT may be accepted: not if (probably) seen
    /// within the window, not during startup (see
    /// [`in_startup`](Self::in_startup)).
    ///
    /// `now` may go back or jump: a key recorded at a reading `r` is
    /// rejected at every reading before `r + window`.
    pub fn check_and_record(&mut self, key: &[u8], now: Duration) -> EarlyDataVerdict {
        let hash = self.hasher.hash(key);
        if self.seen_hashed(hash, now) {
            return EarlyDataVerdict::Reject(EarlyDataRejection::Replay);
        }
        for (word, mask) in self.positions(hash) {
            if let Some(w) = self.current.words.get_mut(word) {
                *w |= mask;
            }
        }
        self.current.inserted = self.current.inserted.saturating_add(1);
        // Record even during startup: a replay just after startup ends must
        // still be caught. (`advance` ran in `seen_hashed`: `covered_from`
        // is current.)
        if !self.vouches(self.covered_from, now) {
            return EarlyDataVerdict::Reject(EarlyDataRejection::Startup);
        }
        EarlyDataVerdict::Accept
    }
}
