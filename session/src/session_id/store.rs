//! Where issued session IDs are reserved, so no ID is ever handed out twice.

use core::cell::RefCell;
use core::time::Duration;

use crate::RandomSource;
use crate::table::{BoundedTable, InsertError, TableError};

/// The store already holds this session ID (or cannot take it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conflict;

/// The uniqueness check a session-ID policy runs against.
///
/// OpenSSL asks "is this ID taken?" (`SSL_has_matching_session_id`) and
/// inserts later, so two handshakes can pick the same ID between the check
/// and the insertion. Here the check and the insertion are one operation.
///
/// # Contract
///
/// [`reserve`](Self::reserve) must be atomic: insert-if-absent. Of any
/// number of concurrent calls with one ID, at most one returns `Ok`. A
/// fleet implements this over its shared store (for example `SET key NX`
/// in Redis, `add` in memcached); in one process,
/// [`SessionIdCache`] behind a `RefCell` (one thread) or, with the `std`
/// feature, a `std::sync::Mutex` (many threads) does it.
///
/// A store that cannot answer (unreachable, poisoned, re-entered) must say
/// [`Conflict`]: the policy then retries and eventually fails the
/// handshake, which is the safe outcome; reusing an ID is not.
pub trait SessionIdStore {
    /// Reserves `id` at time `now`, or reports that it is taken.
    fn reserve(&self, id: &[u8], now: Duration) -> Result<(), Conflict>;
}

impl<S: SessionIdStore + ?Sized> SessionIdStore for &S {
    fn reserve(&self, id: &[u8], now: Duration) -> Result<(), Conflict> {
        (**self).reserve(id, now)
    }
}

/// Sizing of a [`SessionIdCache`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheConfig {
    /// How many IDs are remembered; the oldest is forgotten first when full.
    /// Size it at least to the number of sessions issued per `lifetime`, or
    /// IDs are forgotten before they expire (uniqueness then rests on the
    /// random part alone, which at 16 bytes or more still makes a repeat
    /// astronomically unlikely).
    pub capacity: usize,
    /// How long an ID stays reserved: the session cache's timeout.
    pub lifetime: Duration,
}

/// Why a store could not be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreConfigError {
    /// Capacity is zero or above 2^30 entries.
    Capacity,
    /// Lifetime is zero.
    Lifetime,
    /// The up-front allocation failed.
    OutOfMemory,
}

impl From<TableError> for StoreConfigError {
    fn from(e: TableError) -> Self {
        match e {
            TableError::Capacity => Self::Capacity,
            TableError::Lifetime => Self::Lifetime,
            TableError::Alloc => Self::OutOfMemory,
        }
    }
}

/// The embedded, bounded in-memory session-ID store.
///
/// Capacity and lifetime are fixed at construction and all memory is
/// allocated then; the oldest ID is evicted first when full. Lookups use a
/// hash keyed from the caller's randomness, so clients cannot steer their
/// IDs into one bucket.
///
/// Methods take `&mut self`; share it as `RefCell<SessionIdCache>` in one
/// thread or `std::sync::Mutex<SessionIdCache>` (feature `std`) across
/// threads, both of which implement [`SessionIdStore`].
#[derive(Debug)]
pub struct SessionIdCache {
    table: BoundedTable,
}

impl SessionIdCache {
    /// Allocates a cache for `config`, keying its hash from `rng`.
    pub fn new(config: CacheConfig, rng: &mut impl RandomSource) -> Result<Self, StoreConfigError> {
        Ok(Self {
            table: BoundedTable::new(config.capacity, config.lifetime, rng)?,
        })
    }

    /// Insert-if-absent, the operation behind [`SessionIdStore::reserve`].
    /// Empty IDs and IDs over 32 bytes are not session IDs: [`Conflict`].
    pub fn reserve(&mut self, id: &[u8], now: Duration) -> Result<(), Conflict> {
        if id.is_empty() {
            return Err(Conflict);
        }
        self.table
            .insert_if_absent(id, now)
            .map_err(|_: InsertError| Conflict)
    }

    /// Whether `id` is reserved and unexpired at `now`.
    pub fn contains(&mut self, id: &[u8], now: Duration) -> bool {
        self.table.contains(id, now)
    }

    /// Releases `id` early (the session was removed); true if it was held.
    pub fn release(&mut self, id: &[u8], now: Duration) -> bool {
        self.table.remove_if_present(id, now)
    }

    /// IDs held, including expired ones not yet purged.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// Whether no ID is held.
    pub fn is_empty(&self) -> bool {
        self.table.len() == 0
    }

    /// The configured capacity.
    pub fn capacity(&self) -> usize {
        self.table.capacity()
    }

    /// The configured lifetime.
    pub fn lifetime(&self) -> Duration {
        self.table.lifetime()
    }

    /// Exact bytes held (the struct and its two fixed allocations); never
    /// changes after construction.
    pub fn memory_bytes(&self) -> usize {
        core::mem::size_of::<Self>() - core::mem::size_of::<BoundedTable>()
            + self.table.memory_bytes()
    }
}

/// One thread: the `RefCell` makes the `&self` contract hold. A re-entrant
/// call (impossible from this crate) would answer [`Conflict`].
impl SessionIdStore for RefCell<SessionIdCache> {
    fn reserve(&self, id: &[u8], now: Duration) -> Result<(), Conflict> {
        match self.try_borrow_mut() {
            Ok(mut cache) => cache.reserve(id, now),
            Err(_) => Err(Conflict),
        }
    }
}
