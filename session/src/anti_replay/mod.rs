//! 0-RTT anti-replay (RFC 8446 section 8): the strike register, the
//! startup rule, the freshness check and single-use tickets, and the gate
//! that combines them into one verdict per ClientHello.
//!
//! Early data is not forward-secret and can be replayed by anyone who
//! captured it. A stateless HelloRetryRequest already stops it (the client
//! drops 0-RTT after an HRR); these defences are for the ClientHellos the
//! server answers directly.

mod freshness;
mod gate;
mod strike;
mod tickets;

use core::cell::RefCell;
use core::time::Duration;

pub use freshness::{Freshness, check_freshness, client_ticket_age_ms};
pub use gate::{EarlyDataOffer, GateConfigError, ZeroRttGate};
pub use strike::{
    MAX_FILTER_BITS, StrikeConfigError, StrikeRegister, StrikeRegisterConfig, filter_bits,
};
pub use tickets::{MAX_TICKET_ID_LEN, TicketCache, TicketStore};

/// Whether a ClientHello's early data may be accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EarlyDataVerdict {
    /// Accept the 0-RTT data.
    Accept,
    /// Reject the 0-RTT data (the handshake itself goes on, in 1-RTT).
    Reject(EarlyDataRejection),
}

/// Why 0-RTT was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EarlyDataRejection {
    /// The register cannot vouch for the whole window before `now`: within
    /// one window of its start (or of the gate's, or of a clock jump that
    /// wiped the register), or `now` reads earlier than the history it
    /// holds. It cannot know what was accepted in the part it lacks.
    Startup,
    /// The key was (probably) recorded within the window: a replay, or
    /// rarely a filter false positive.
    Replay,
    /// The freshness check failed.
    Stale(Freshness),
    /// A single-use ticket was already redeemed, expired, or unknown.
    TicketNotRedeemable,
    /// The store could not answer (unreachable, poisoned): fail safe.
    StoreUnavailable,
}

/// ClientHello recording, as the gate uses it.
///
/// # Contract
///
/// [`check_and_record`](Self::check_and_record) is one atomic step: of
/// any number of concurrent calls with one key within the window, at most
/// one gets [`EarlyDataVerdict::Accept`]. A fleet implements this over a
/// shared store for global anti-replay. Precisely, an implementation must:
///
/// - record `key` on every call (also when it rejects), and find it on
///   every later call for at least [`window`](Self::window) after;
/// - tolerate any `now` (earlier than before, or far later) without
///   forgetting a key early: judge time on a clock that never goes back
///   (the latest `now` seen, or the store's own clock);
/// - reject ([`EarlyDataRejection::Startup`]) when it cannot vouch for the
///   whole window before `now`: for one window after it lost keys it had
///   recorded (a restart, a flush, an eviction, a wipe after a clock jump),
///   and at a `now` earlier than the history it holds;
/// - reject ([`EarlyDataRejection::StoreUnavailable`]) when it cannot
///   answer.
///
/// An implementation need not apply the startup rule for its own start:
/// [`ZeroRttGate`] rejects 0-RTT for one window after the gate was made,
/// whatever the register says, so a register that starts empty with the
/// gate is covered. (A register that starts empty *later* than its gate,
/// for example a shared store that was flushed, must still reject for one
/// window itself, as above: the gate cannot see that.)
pub trait ReplayRegister {
    /// Checks `key` against the keys recorded within the window and
    /// records it.
    fn check_and_record(&self, key: &[u8], now: Duration) -> EarlyDataVerdict;

    /// How long a key is remembered at least.
    fn window(&self) -> Duration;
}

impl<R: ReplayRegister + ?Sized> ReplayRegister for &R {
    fn check_and_record(&self, key: &[u8], now: Duration) -> EarlyDataVerdict {
        (**self).check_and_record(key, now)
    }

    fn window(&self) -> Duration {
        (**self).window()
    }
}

/// One thread; a re-entrant call (impossible from this crate) fails safe.
impl ReplayRegister for RefCell<StrikeRegister> {
    fn check_and_record(&self, key: &[u8], now: Duration) -> EarlyDataVerdict {
        match self.try_borrow_mut() {
            Ok(mut register) => register.check_and_record(key, now),
            Err(_) => EarlyDataVerdict::Reject(EarlyDataRejection::StoreUnavailable),
        }
    }

    fn window(&self) -> Duration {
        self.try_borrow().map_or(Duration::MAX, |r| r.window())
    }
}
