//! A bounded, expiring set of short byte strings: the in-memory engine
//! behind the session-ID store and the single-use ticket store.
//!
//! Everything is allocated once, at construction: a slab of `capacity`
//! entries threaded on a doubly linked list in insertion order (so the
//! oldest entry is evicted first, in O(1), even after removals from the
//! middle) and an open-addressing index of at least twice as many `u32`
//! positions, probed linearly from a keyed hash (see [`KeyedHash`]) and
//! cleaned with backward-shift deletion, so there are no tombstones and no
//! rehashing ever. Nothing grows afterwards.

use alloc::vec::Vec;
use core::mem::size_of;
use core::time::Duration;

use crate::RandomSource;
use crate::hash::KeyedHash;

/// The longest key the table holds: a TLS session ID's maximum.
pub(crate) const MAX_KEY_LEN: usize = 32;

/// The largest capacity the table accepts: slot numbers are `u32` with one
/// value reserved, and the index doubles the capacity.
pub(crate) const MAX_CAPACITY: usize = 1 << 30;

const NIL: u32 = u32::MAX;

#[derive(Clone, Copy)]
struct Entry {
    key: [u8; MAX_KEY_LEN],
    len: u8,
    hash: u64,
    at: Duration,
    prev: u32,
    next: u32,
}

impl Entry {
    const VACANT: Entry = Entry {
        key: [0; MAX_KEY_LEN],
        len: 0,
        hash: 0,
        at: Duration::ZERO,
        prev: NIL,
        next: NIL,
    };

    fn key(&self) -> &[u8] {
        self.key.get(..usize::from(self.len)).unwrap_or(&[])
    }
}

/// Why a table could not be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TableError {
    /// Capacity zero or above [`MAX_CAPACITY`].
    Capacity,
    /// Lifetime zero: every entry would be expired on arrival.
    Lifetime,
    /// The allocator refused the up-front allocation.
    Alloc,
}

/// Why an insertion did not happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InsertError {
    /// A live entry with this key exists.
    Present,
    /// The key is longer than [`MAX_KEY_LEN`].
    TooLong,
}

pub(crate) struct BoundedTable {
    hasher: KeyedHash,
    entries: Vec<Entry>,
    index: Vec<u32>,
    mask: usize,
    /// Oldest live entry.
    head: u32,
    /// Newest live entry.
    tail: u32,
    /// First free slab slot, chained through `next`.
    free: u32,
    live: usize,
    lifetime: Duration,
}

impl core::fmt::Debug for BoundedTable {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BoundedTable")
            .field("capacity", &self.entries.len())
            .field("live", &self.live)
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

impl BoundedTable {
    pub(crate) fn new(
        capacity: usize,
        lifetime: Duration,
        rng: &mut dyn RandomSource,
    ) -> Result<Self, TableError> {
        if capacity == 0 || capacity > MAX_CAPACITY {
            return Err(TableError::Capacity);
        }
        if lifetime.is_zero() {
            return Err(TableError::Lifetime);
        }
        // At least two index positions per entry keeps probe sequences short
        // (load factor <= 1/2) and guarantees an empty position to stop at.
        let index_len = capacity
            .checked_mul(2)
            .and_then(usize::checked_next_power_of_two)
            .ok_or(TableError::Capacity)?;
        let mut entries = Vec::new();
        entries
            .try_reserve_exact(capacity)
            .map_err(|_| TableError::Alloc)?;
        let mut index = Vec::new();
        index
            .try_reserve_exact(index_len)
            .map_err(|_| TableError::Alloc)?;
        entries.resize(capacity, Entry::VACANT);
        index.resize(index_len, NIL);
        // Chain every slot on the free list: 0 -> 1 -> ... -> capacity-1.
        let mut next = NIL;
        for (slot, entry) in entries.iter_mut().enumerate().rev() {
            entry.next = next;
            next = slot as u32;
        }
        Ok(Self {
            hasher: KeyedHash::new(rng),
            entries,
            index,
            mask: index_len - 1,
            head: NIL,
            tail: NIL,
            free: next,
            live: 0,
            lifetime,
        })
    }

    pub(crate) fn capacity(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn lifetime(&self) -> Duration {
        self.lifetime
    }

    /// Live entries, counting ones that expired but were not purged yet.
    pub(crate) fn len(&self) -> usize {
        self.live
    }

    /// Bytes this table holds: itself plus its two up-front allocations.
    pub(crate) fn memory_bytes(&self) -> usize {
        size_of::<Self>()
            + self.entries.capacity() * size_of::<Entry>()
            + self.index.capacity() * size_of::<u32>()
    }

    fn expired(&self, at: Duration, now: Duration) -> bool {
        // Saturating: a clock that jumped back makes entries look younger,
        // never negative; they then live a little longer, which for both
        // uses (uniqueness, single use) is the safe direction.
        now.saturating_sub(at) >= self.lifetime
    }

    /// Drops expired entries from the old end of the list.
    fn purge(&mut self, now: Duration) {
        // `NIL as usize` is past the slab (capacity <= 2^30), so `get` ends
        // the loop at the end of the list; the bound ends it even on a
        // (broken) cyclic list.
        for _ in 0..self.entries.len() {
            let slot = self.head as usize;
            let Some(entry) = self.entries.get(slot) else {
                break;
            };
            if !self.expired(entry.at, now) {
                break;
            }
            if let Some(pos) = self.position_of_slot(slot) {
                self.remove(pos, slot);
            } else {
                // Unreachable while the invariants hold; unlink anyway so
                // the loop always makes progress.
                self.unlink(slot);
            }
        }
    }

    fn home(&self, hash: u64) -> usize {
        (hash as usize) & self.mask
    }

    /// Finds the index position, slab slot and insertion time of `key`.
    fn find(&self, key: &[u8], hash: u64) -> Option<(usize, usize, Duration)> {
        let mut pos = self.home(hash);
        // The index is never more than half full, so an empty position comes
        // long before this bound; the bound only makes termination obvious.
        for _ in 0..self.index.len() {
            let slot = *self.index.get(pos)?;
            if slot == NIL {
                return None;
            }
            // A position naming no slab slot (a broken invariant) is
            // skipped like a non-matching one.
            if let Some(entry) = self.entries.get(slot as usize) {
                if entry.hash == hash && entry.key() == key {
                    return Some((pos, slot as usize, entry.at));
                }
            }
            pos = (pos + 1) & self.mask;
        }
        None
    }

    fn position_of_slot(&self, slot: usize) -> Option<usize> {
        let entry = self.entries.get(slot)?;
        let mut pos = self.home(entry.hash);
        for _ in 0..self.index.len() {
            match *self.index.get(pos)? {
                NIL => return None,
                s if s as usize == slot => return Some(pos),
                _ => pos = (pos + 1) & self.mask,
            }
        }
        None
    }

    fn unlink(&mut self, slot: usize) {
        let Some(&Entry { prev, next, .. }) = self.entries.get(slot) else {
            return;
        };
        if prev == NIL {
            self.head = next;
        } else if let Some(entry) = self.entries.get_mut(prev as usize) {
            entry.next = next;
        }
        if next == NIL {
            self.tail = prev;
        } else if let Some(entry) = self.entries.get_mut(next as usize) {
            entry.prev = prev;
        }
        let free = self.free;
        if let Some(entry) = self.entries.get_mut(slot) {
            *entry = Entry {
                next: free,
                ..Entry::VACANT
            };
        }
        self.free = slot as u32;
        self.live = self.live.saturating_sub(1);
    }

    /// Removes the entry at index position `pos` / slab `slot`.
    fn remove(&mut self, pos: usize, slot: usize) {
        self.unlink(slot);
        // Backward-shift deletion: pull later members of the probe run back
        // into the hole unless that would move them before their home.
        let mut hole = pos;
        let mut probe = pos;
        if let Some(position) = self.index.get_mut(hole) {
            *position = NIL;
        }
        for _ in 0..self.index.len() {
            probe = (probe + 1) & self.mask;
            let Some(&moving) = self.index.get(probe) else {
                break;
            };
            if moving == NIL {
                break;
            }
            // A position naming no slab slot (a broken invariant) stays.
            let Some(entry) = self.entries.get(moving as usize) else {
                continue;
            };
            let home = self.home(entry.hash);
            // Stays if its home lies cyclically in (hole, probe].
            let stays = if hole <= probe {
                hole < home && home <= probe
            } else {
                hole < home || home <= probe
            };
            if !stays {
                if let Some(position) = self.index.get_mut(hole) {
                    *position = moving;
                }
                if let Some(position) = self.index.get_mut(probe) {
                    *position = NIL;
                }
                hole = probe;
            }
        }
    }

    /// Whether a live, unexpired entry holds `key`.
    pub(crate) fn contains(&mut self, key: &[u8], now: Duration) -> bool {
        self.purge(now);
        if key.len() > MAX_KEY_LEN {
            return false;
        }
        let (hash, _) = self.hasher.hash(key);
        self.find(key, hash)
            .is_some_and(|(_, _, at)| !self.expired(at, now))
    }

    /// Inserts `key` unless a live entry holds it: one atomic step, so two
    /// callers can never both succeed with one key.
    pub(crate) fn insert_if_absent(
        &mut self,
        key: &[u8],
        now: Duration,
    ) -> Result<(), InsertError> {
        if key.len() > MAX_KEY_LEN {
            return Err(InsertError::TooLong);
        }
        self.purge(now);
        let (hash, _) = self.hasher.hash(key);
        if let Some((pos, slot, at)) = self.find(key, hash) {
            if !self.expired(at, now) {
                return Err(InsertError::Present);
            }
            // Expired but not at the old end (the clock went back at some
            // point): drop it and insert afresh.
            self.remove(pos, slot);
        }
        if self.free == NIL {
            // Full: evict the oldest. (A full table has a head; the check
            // only keeps a broken invariant from becoming a panic.)
            if self.head == NIL {
                return Err(InsertError::Present);
            }
            let oldest = self.head as usize;
            match self.position_of_slot(oldest) {
                Some(pos) => self.remove(pos, oldest),
                None => self.unlink(oldest),
            }
        }
        let slot = self.free;
        let tail = self.tail;
        // A free list naming no slab slot (a broken invariant): refuse.
        let Some(entry) = self.entries.get_mut(slot as usize) else {
            return Err(InsertError::Present);
        };
        self.free = entry.next;
        // Written in place, field by field (measurably cheaper than moving
        // a whole `Entry` in); key bytes past `len` are never read.
        if let Some(stored) = entry.key.get_mut(..key.len()) {
            stored.copy_from_slice(key);
        }
        entry.len = key.len() as u8;
        entry.hash = hash;
        entry.at = now;
        entry.prev = tail;
        entry.next = NIL;
        if tail == NIL {
            self.head = slot;
        } else if let Some(entry) = self.entries.get_mut(tail as usize) {
            entry.next = slot;
        }
        self.tail = slot;
        self.live = self.live.saturating_add(1);
        let mut pos = self.home(hash);
        for _ in 0..self.index.len() {
            match self.index.get_mut(pos) {
                Some(position) if *position == NIL => {
                    *position = slot;
                    break;
                }
                Some(_) => pos = (pos + 1) & self.mask,
                None => break,
            }
        }
        Ok(())
    }

    /// Removes `key` if present; true only if it was present and unexpired.
    /// One atomic step: of two callers, at most one gets `true`.
    pub(crate) fn remove_if_present(&mut self, key: &[u8], now: Duration) -> bool {
        if key.len() > MAX_KEY_LEN {
            return false;
        }
        self.purge(now);
        let (hash, _) = self.hasher.hash(key);
        match self.find(key, hash) {
            Some((pos, slot, at)) => {
                let fresh = !self.expired(at, now);
                self.remove(pos, slot);
                fresh
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::CountingRng;
    use alloc::collections::BTreeSet;
    use alloc::vec;
    use proptest::prelude::*;

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    fn table(capacity: usize, lifetime: u64) -> BoundedTable {
        BoundedTable::new(capacity, secs(lifetime), &mut CountingRng::new(7)).unwrap()
    }

    #[test]
    fn rejects_bad_config() {
        let rng = &mut CountingRng::new(1);
        assert_eq!(
            BoundedTable::new(0, secs(1), rng).unwrap_err(),
            TableError::Capacity
        );
        assert_eq!(
            BoundedTable::new(MAX_CAPACITY + 1, secs(1), rng).unwrap_err(),
            TableError::Capacity
        );
        assert_eq!(
            BoundedTable::new(4, Duration::ZERO, rng).unwrap_err(),
            TableError::Lifetime
        );
    }

    #[test]
    fn insert_conflict_remove() {
        let mut t = table(4, 100);
        assert_eq!(t.insert_if_absent(b"a", secs(0)), Ok(()));
        assert_eq!(t.insert_if_absent(b"a", secs(1)), Err(InsertError::Present));
        assert!(t.contains(b"a", secs(1)));
        assert!(!t.contains(b"ab", secs(1)));
        assert!(t.remove_if_present(b"a", secs(2)));
        assert!(!t.remove_if_present(b"a", secs(2)));
        assert_eq!(
            t.insert_if_absent(&[0; 33], secs(0)),
            Err(InsertError::TooLong)
        );
        assert_eq!(t.insert_if_absent(&[0; 32], secs(0)), Ok(()));
    }

    #[test]
    fn evicts_oldest_first_when_full() {
        let mut t = table(3, 100);
        for k in [b"1", b"2", b"3"] {
            t.insert_if_absent(k, secs(0)).unwrap();
        }
        // A removal in the middle frees a slot: nothing is evicted.
        assert!(t.remove_if_present(b"2", secs(0)));
        t.insert_if_absent(b"4", secs(0)).unwrap();
        assert!(t.contains(b"1", secs(0)));
        // Full again: the next insertion evicts "1", the oldest.
        t.insert_if_absent(b"5", secs(0)).unwrap();
        assert!(!t.contains(b"1", secs(0)));
        for k in [b"3", b"4", b"5"] {
            assert!(t.contains(k, secs(0)));
        }
        assert_eq!(t.len(), 3);
    }

    #[test]
    fn expires_after_lifetime_and_survives_clock_jumping_back() {
        let mut t = table(8, 10);
        t.insert_if_absent(b"a", secs(100)).unwrap();
        assert!(t.contains(b"a", secs(109)));
        assert!(!t.contains(b"a", secs(110)));
        assert_eq!(t.len(), 0);
        t.insert_if_absent(b"b", secs(100)).unwrap();
        // Clock goes back: the entry is not expired (and no panic).
        assert!(t.contains(b"b", secs(5)));
        assert_eq!(t.insert_if_absent(b"b", secs(5)), Err(InsertError::Present));
        // An expired entry does not block re-insertion nor count as redeemed.
        t.insert_if_absent(b"c", secs(100)).unwrap();
        assert!(!t.remove_if_present(b"c", secs(200)));
        assert_eq!(t.insert_if_absent(b"b", secs(200)), Ok(()));
    }

    #[test]
    fn memory_is_fixed_at_construction() {
        let mut t = table(1000, 5);
        let before = t.memory_bytes();
        // Entry: 32 key + 1 len + 8 hash + 16 Duration + 2*4 links, padded to 8.
        let entry = size_of::<Entry>();
        assert!((32 + 1 + 8 + 16 + 8..=72).contains(&entry), "{entry}");
        assert_eq!(
            before,
            size_of::<BoundedTable>() + 1000 * entry + 2048 * 4,
            "index rounds 2*1000 up to 2048"
        );
        for i in 0u32..10_000 {
            t.insert_if_absent(&i.to_be_bytes(), secs(u64::from(i) / 1000))
                .unwrap();
        }
        assert_eq!(t.memory_bytes(), before);
        assert_eq!(t.len(), 1000);
    }

    /// Every link and index position pointed out of range, or at the
    /// wrong slot: no operation panics or loops forever. (The invariants
    /// make this unreachable; the point is that no index is trusted.)
    #[test]
    fn broken_invariants_never_panic() {
        let corruptions: [fn(&mut BoundedTable); 7] = [
            |t| t.head = 1_000,
            |t| t.tail = 1_000,
            |t| t.free = 1_000,
            |t| t.index.fill(7_777),
            |t| t.index.fill(0),
            |t| {
                for e in t.entries.iter_mut() {
                    e.next = 9_999;
                    e.prev = 9_999;
                }
            },
            |t| {
                // A cycle through the list and the free list.
                for e in t.entries.iter_mut() {
                    e.next = 0;
                    e.prev = 0;
                }
                t.head = 0;
                t.free = 0;
            },
        ];
        for corrupt in corruptions {
            let mut t = table(4, 10);
            for k in 0u8..6 {
                let _ = t.insert_if_absent(&[k], secs(u64::from(k)));
            }
            corrupt(&mut t);
            for k in 0u8..40 {
                let now = secs(u64::from(k % 7) * 3);
                let _ = t.insert_if_absent(&[k % 9], now);
                let _ = t.contains(&[k % 5], now);
                let _ = t.remove_if_present(&[k % 3], now);
            }
            assert!(t.memory_bytes() > 0);
        }
    }

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u8, u8),
        Remove(u8, u8),
        Contains(u8, u8),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (any::<u8>(), 0u8..40).prop_map(|(k, t)| Op::Insert(k, t)),
            (any::<u8>(), 0u8..40).prop_map(|(k, t)| Op::Remove(k, t)),
            (any::<u8>(), 0u8..40).prop_map(|(k, t)| Op::Contains(k, t)),
        ]
    }

    proptest! {
        // Model check against a naive list with the same eviction and expiry
        // rules; keys are narrowed to 16 values so collisions and probe runs
        // (hence backward-shift deletion) happen all the time.
        #[test]
        fn behaves_like_a_naive_model(ops in proptest::collection::vec(op(), 0..300)) {
            let cap = 5;
            let life = 8u64;
            let mut t = table(cap, life);
            // (key, time) in insertion order.
            let mut model: vec::Vec<(u8, u64)> = vec::Vec::new();
            let mut now = 0u64;
            for op in ops {
                let (k, dt, kind) = match op {
                    Op::Insert(k, d) => (k % 16, d, 0),
                    Op::Remove(k, d) => (k % 16, d, 1),
                    Op::Contains(k, d) => (k % 16, d, 2),
                };
                // Mostly forward, sometimes back.
                now = if dt >= 35 { now.saturating_sub(u64::from(dt - 34)) } else { now + u64::from(dt % 3) };
                let alive = |at: u64| now.saturating_sub(at) < life;
                // Model purge: drop expired from the front.
                while let Some(&(_, at)) = model.first() {
                    if alive(at) { break; }
                    model.remove(0);
                }
                let found = model.iter().position(|&(mk, _)| mk == k);
                let key = [k];
                match kind {
                    0 => {
                        let got = t.insert_if_absent(&key, secs(now));
                        match found {
                            Some(i) if alive(model[i].1) => prop_assert_eq!(got, Err(InsertError::Present)),
                            _ => {
                                prop_assert_eq!(got, Ok(()));
                                if let Some(i) = found { model.remove(i); }
                                if model.len() == cap { model.remove(0); }
                                model.push((k, now));
                            }
                        }
                    }
                    1 => {
                        let got = t.remove_if_present(&key, secs(now));
                        let want = found.is_some_and(|i| alive(model[i].1));
                        if let Some(i) = found { model.remove(i); }
                        prop_assert_eq!(got, want);
                    }
                    _ => {
                        let got = t.contains(&key, secs(now));
                        prop_assert_eq!(got, found.is_some_and(|i| alive(model[i].1)));
                    }
                }
                prop_assert_eq!(t.len(), model.len());
            }
            let set: BTreeSet<u8> = model.iter().map(|&(k, _)| k).collect();
            prop_assert_eq!(set.len(), model.len());
        }
    }
}
