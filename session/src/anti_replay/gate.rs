//! One verdict per ClientHello that offers early data.

use core::time::Duration;

use super::{
    EarlyDataRejection, EarlyDataVerdict, Freshness, ReplayRegister, TicketStore, check_freshness,
};

/// Why a [`ZeroRttGate`] was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GateConfigError {
    /// The register's window is shorter than twice the tolerance: a
    /// captured ClientHello passes the freshness check for `2 * tolerance`,
    /// so a shorter register would forget it while it can still be
    /// replayed.
    WindowShorterThanFreshnessSpan {
        /// The register's window.
        window: Duration,
        /// Twice the tolerance.
        needed: Duration,
    },
}

/// What the server knows about a ClientHello that offers early data, from
/// its parsed pre_shared_key extension and the decrypted ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EarlyDataOffer<'a> {
    /// The strike register key: the validated PSK binder of the first
    /// identity (preferred: bound to the whole ClientHello), or
    /// ClientHello.random.
    pub key: &'a [u8],
    /// When the server issued the ticket (from the ticket itself).
    pub ticket_issued_at: Duration,
    /// The identity's obfuscated_ticket_age.
    pub obfuscated_ticket_age: u32,
    /// The ticket's ticket_age_add (from the ticket itself).
    pub ticket_age_add: u32,
}

/// The anti-replay gate: freshness, then ClientHello recording, and the
/// startup rule.
///
/// Generic over the register so a fleet can plug its shared one in; the
/// default is a `RefCell` or `Mutex` around [`super::StrikeRegister`].
///
/// The gate applies the startup rule (RFC 8446 section 8) itself: 0-RTT is
/// rejected ([`EarlyDataRejection::Startup`]) until one register window
/// after the gate was made, and at any `now` earlier than that, whatever
/// the register answers. A register that does not apply the rule (a fleet
/// store) is thereby covered for its start with the gate; a gate joining a
/// warm shared store pays one window of 1-RTT, the safe direction.
#[derive(Debug)]
pub struct ZeroRttGate<R> {
    register: R,
    tolerance: Duration,
    /// The register's window, read once at construction.
    window: Duration,
    /// When the gate was made: 0-RTT is rejected until `window` after.
    started_at: Duration,
}

impl<R: ReplayRegister> ZeroRttGate<R> {
    /// Checks that `register` covers the freshness span of `tolerance`;
    /// `now` starts the gate's startup window.
    pub fn new(register: R, tolerance: Duration, now: Duration) -> Result<Self, GateConfigError> {
        let needed = tolerance.saturating_mul(2);
        let window = register.window();
        if window < needed {
            return Err(GateConfigError::WindowShorterThanFreshnessSpan { window, needed });
        }
        Ok(Self {
            register,
            tolerance,
            window,
            started_at: now,
        })
    }

    /// Whether `now` is within the gate's startup window (or before the
    /// gate was made): 0-RTT is then rejected whatever the register says.
    pub fn in_startup(&self, now: Duration) -> bool {
        now.checked_sub(self.started_at)
            .is_none_or(|span| span < self.window)
    }

    /// The configured freshness tolerance.
    pub fn tolerance(&self) -> Duration {
        self.tolerance
    }

    /// The register, for inspection.
    pub fn register(&self) -> &R {
        &self.register
    }

    /// Judges one ClientHello's early data (RFC 8446 section 8.2 and 8.3).
    ///
    /// A stale ClientHello is rejected without being recorded: outside the
    /// freshness span it can never be accepted, so it needs no slot. A
    /// fresh one is checked against and recorded in the register (also
    /// during the gate's startup window, so a replay just after it is
    /// caught); since the register remembers at least `2 * tolerance`, a
    /// replay within its freshness span is always caught, and after it,
    /// freshness rejects it.
    pub fn check(&self, offer: &EarlyDataOffer<'_>, now: Duration) -> EarlyDataVerdict {
        let freshness = check_freshness(
            offer.ticket_issued_at,
            offer.obfuscated_ticket_age,
            offer.ticket_age_add,
            now,
            self.tolerance,
        );
        if freshness != Freshness::Fresh {
            return EarlyDataVerdict::Reject(EarlyDataRejection::Stale(freshness));
        }
        match self.register.check_and_record(offer.key, now) {
            EarlyDataVerdict::Accept if self.in_startup(now) => {
                EarlyDataVerdict::Reject(EarlyDataRejection::Startup)
            }
            verdict => verdict,
        }
    }

    /// Judges early data under single-use tickets (RFC 8446 section 8.1),
    /// on top of [`check`](Self::check).
    ///
    /// The ticket is redeemed first: a handshake that presents it uses it
    /// up, whether or not its early data is accepted, so a ticket never
    /// carries 0-RTT twice even across a fleet sharing `tickets`.
    pub fn check_single_use(
        &self,
        tickets: &impl TicketStore,
        ticket_id: &[u8],
        offer: &EarlyDataOffer<'_>,
        now: Duration,
    ) -> EarlyDataVerdict {
        if !tickets.redeem(ticket_id, now) {
            return EarlyDataVerdict::Reject(EarlyDataRejection::TicketNotRedeemable);
        }
        self.check(offer, now)
    }
}
