//! Single-use tickets (RFC 8446 section 8.1): a ticket's 0-RTT is accepted
//! at most once because redeeming it removes it, in one atomic step.

use core::cell::RefCell;
use core::time::Duration;

use crate::RandomSource;
use crate::session_id::{CacheConfig, Conflict, StoreConfigError};
use crate::table::BoundedTable;

/// The longest ticket identifier the in-memory store keeps.
pub const MAX_TICKET_ID_LEN: usize = crate::table::MAX_KEY_LEN;

/// Where issued tickets wait to be redeemed once.
///
/// The key is the server's own unique identifier for a ticket (for example
/// the random nonce it sealed into the ticket, 1..=32 bytes), not the whole
/// ticket, which can be long.
///
/// # Contract
///
/// Both methods are atomic. [`redeem`](Self::redeem) is remove-if-present:
/// of any number of concurrent calls for one ticket, at most one returns
/// `true`. A fleet that wants global anti-replay implements this over its
/// shared store (for example `GETDEL` in Redis). A store that cannot
/// answer must return `false` from `redeem`: 0-RTT is then rejected and
/// the handshake goes on in 1-RTT.
pub trait TicketStore {
    /// Records a newly issued ticket; `Conflict` if the identifier is
    /// already live (or unusable), in which case do not issue the ticket.
    fn issue(&self, ticket_id: &[u8], now: Duration) -> Result<(), Conflict>;

    /// Consumes a ticket: `true` exactly once per issued, unexpired ticket.
    fn redeem(&self, ticket_id: &[u8], now: Duration) -> bool;
}

impl<S: TicketStore + ?Sized> TicketStore for &S {
    fn issue(&self, ticket_id: &[u8], now: Duration) -> Result<(), Conflict> {
        (**self).issue(ticket_id, now)
    }

    fn redeem(&self, ticket_id: &[u8], now: Duration) -> bool {
        (**self).redeem(ticket_id, now)
    }
}

/// The bounded in-memory ticket store: capacity and lifetime (the ticket
/// lifetime) fixed at construction, oldest ticket evicted first when full
/// (its holder then gets a full handshake, never a replay).
#[derive(Debug)]
pub struct TicketCache {
    table: BoundedTable,
}

impl TicketCache {
    /// Allocates a store for `config`, keying its hash from `rng`.
    pub fn new(config: CacheConfig, rng: &mut impl RandomSource) -> Result<Self, StoreConfigError> {
        Ok(Self {
            table: BoundedTable::new(config.capacity, config.lifetime, rng)?,
        })
    }

    /// Insert-if-absent; see [`TicketStore::issue`].
    pub fn issue(&mut self, ticket_id: &[u8], now: Duration) -> Result<(), Conflict> {
        if ticket_id.is_empty() {
            return Err(Conflict);
        }
        self.table
            .insert_if_absent(ticket_id, now)
            .map_err(|_| Conflict)
    }

    /// Remove-if-present; see [`TicketStore::redeem`].
    pub fn redeem(&mut self, ticket_id: &[u8], now: Duration) -> bool {
        self.table.remove_if_present(ticket_id, now)
    }

    /// Tickets held, including expired ones not yet purged.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// Whether no ticket is held.
    pub fn is_empty(&self) -> bool {
        self.table.len() == 0
    }

    /// The configured capacity.
    pub fn capacity(&self) -> usize {
        self.table.capacity()
    }

    /// Exact bytes held; fixed at construction.
    pub fn memory_bytes(&self) -> usize {
        core::mem::size_of::<Self>() - core::mem::size_of::<BoundedTable>()
            + self.table.memory_bytes()
    }
}

/// One thread; a re-entrant call (impossible from this crate) fails safe.
impl TicketStore for RefCell<TicketCache> {
    fn issue(&self, ticket_id: &[u8], now: Duration) -> Result<(), Conflict> {
        self.try_borrow_mut()
            .map_err(|_| Conflict)
            .and_then(|mut c| c.issue(ticket_id, now))
    }

    fn redeem(&self, ticket_id: &[u8], now: Duration) -> bool {
        self.try_borrow_mut()
            .is_ok_and(|mut c| c.redeem(ticket_id, now))
    }
}
