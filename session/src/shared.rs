//! `Sync` stores for many threads (feature `std`): each store trait is
//! implemented for `std::sync::Mutex<_>` of the in-memory store, so one
//! lock around the whole operation makes it atomic. A poisoned lock (a
//! thread panicked while holding it) still protects plain data whose every
//! update completes before any call that could panic, so it is recovered
//! rather than turned into a panic here.

use core::time::Duration;
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::anti_replay::{
    EarlyDataVerdict, ReplayRegister, StrikeRegister, TicketCache, TicketStore,
};
use crate::session_id::{Conflict, SessionIdCache, SessionIdStore};

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl SessionIdStore for Mutex<SessionIdCache> {
    fn reserve(&self, id: &[u8], now: Duration) -> Result<(), Conflict> {
        lock(self).reserve(id, now)
    }
}

impl TicketStore for Mutex<TicketCache> {
    fn issue(&self, ticket_id: &[u8], now: Duration) -> Result<(), Conflict> {
        lock(self).issue(ticket_id, now)
    }

    fn redeem(&self, ticket_id: &[u8], now: Duration) -> bool {
        lock(self).redeem(ticket_id, now)
    }
}

impl ReplayRegister for Mutex<StrikeRegister> {
    fn check_and_record(&self, key: &[u8], now: Duration) -> EarlyDataVerdict {
        lock(self).check_and_record(key, now)
    }

    fn window(&self) -> Duration {
        lock(self).window()
    }
}

impl<S: SessionIdStore + ?Sized> SessionIdStore for std::sync::Arc<S> {
    fn reserve(&self, id: &[u8], now: Duration) -> Result<(), Conflict> {
        (**self).reserve(id, now)
    }
}

impl<S: TicketStore + ?Sized> TicketStore for std::sync::Arc<S> {
    fn issue(&self, ticket_id: &[u8], now: Duration) -> Result<(), Conflict> {
        (**self).issue(ticket_id, now)
    }

    fn redeem(&self, ticket_id: &[u8], now: Duration) -> bool {
        (**self).redeem(ticket_id, now)
    }
}

impl<R: ReplayRegister + ?Sized> ReplayRegister for std::sync::Arc<R> {
    fn check_and_record(&self, key: &[u8], now: Duration) -> EarlyDataVerdict {
        (**self).check_and_record(key, now)
    }

    fn window(&self) -> Duration {
        (**self).window()
    }
}
