//! The renegotiation guard: one per TLS 1.2 / DTLS 1.2 connection.
//!
//! A client that renegotiates again and again makes the server redo its
//! most expensive work (a full handshake) at no cost to itself. OpenSSL
//! offers only an on/off switch (`SSL_OP_NO_RENEGOTIATION`); this guard
//! adds a rate limit with bounded burst and closes abusive connections.
//!
//! Insecure renegotiation (a peer that did not signal RFC 5746 secure
//! renegotiation) is refused under every policy: it is the prefix-injection
//! attack RFC 5746 exists to stop.
//!
//! The guard is a few dozen bytes whatever the limit (see the `policies`
//! bench): a sliding window approximated by five fixed sub-window counters
//! (see [`RenegotiationPolicy::Limit`]).
//!
//! # What counts as the initial handshake
//!
//! The first [`RenegotiationGuard::on_client_hello`] call is the initial
//! handshake; every later one is a renegotiation. Report a ClientHello only
//! once the connection's handshake really starts with it:
//!
//! - TLS 1.2: the first ClientHello on the connection.
//! - DTLS 1.2 with a cookie exchange: only the ClientHello that passed the
//!   cookie check (CH2), never the cookieless CH1 that got a
//!   HelloVerifyRequest, nor a CH2 with a bad cookie. CH1 is not part of
//!   the handshake (RFC 6347 section 4.2.1); reporting it would make the
//!   guard judge CH2 as a renegotiation, refused or counted against the
//!   limit. In the stateless listener no connection (hence no guard)
//!   exists before the cookie is validated, so report from the `Accept`
//!   onwards.
//! - A ClientHello retransmitted by a DTLS client (same message_seq) is one
//!   handshake start, not two: report it once.
//!
//! # Clocks that jump
//!
//! The guard's clock never goes back: it keeps the newest sub-window it
//! has seen (the monotone maximum of `now`) and charges an earlier `now` to
//! it. A jump forward slides counters out; if the clock then comes back,
//! the guard knows it forgot renegotiations that its caller's clock puts
//! within the window, so it refuses ([`Refusal::ClockBehind`], a warning;
//! the connection stays) until the clock is a window past them. So under
//! [`RenegotiationPolicy::Limit`] at most `max` are allowed at readings
//! within any interval of length `window`, whatever order the readings
//! come in.

use core::time::Duration;

use crate::Alert;

/// How client-initiated renegotiation is treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RenegotiationPolicy {
    /// Answer each attempt with a warning no_renegotiation alert; the
    /// connection carries on with its current keys. The default, like
    /// `SSL_OP_NO_RENEGOTIATION`.
    #[default]
    Refuse,
    /// Close the connection with a fatal alert on the first attempt.
    Close,
    /// Allow at most `max` renegotiations in any `window`, then close the
    /// connection with a fatal alert. "In any window" is judged on the
    /// caller's readings of `now`, whatever their order (see the module
    /// docs on clocks that jump).
    ///
    /// The window is covered by four sub-windows of `window / 4` (rounded
    /// up) plus the current one, each with a counter. An attempt is allowed
    /// only if the five counters sum to less than `max`, so the limit is
    /// never exceeded in any window of length `window`, with O(1) memory.
    /// The price is conservatism: a renegotiation is forgotten between
    /// `window` and `window * 5 / 4` after it happened.
    Limit {
        /// Renegotiations allowed per window, at least 1.
        max: u32,
        /// The window's length, not zero.
        window: Duration,
    },
}

/// Why a [`RenegotiationPolicy`] was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenegotiationConfigError {
    /// `Limit { max: 0, .. }`: that is [`RenegotiationPolicy::Close`].
    ZeroLimit,
    /// `Limit { window: 0, .. }`.
    ZeroWindow,
}

/// Whether a ClientHello carried the RFC 5746 signals. Plain inputs from
/// the parsed ClientHello; checking the extension's verify_data against the
/// Finished messages is the TLS stack's job, as it holds them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct SecureRenegotiationSignal {
    /// The renegotiation_info extension (0xff01) is present.
    pub extension: bool,
    /// TLS_EMPTY_RENEGOTIATION_INFO_SCSV (0x00ff) is among the cipher suites.
    pub scsv: bool,
}

impl SecureRenegotiationSignal {
    /// On the initial handshake, either signal means the peer supports
    /// secure renegotiation (RFC 5746 section 3.6).
    pub fn secure_initial(self) -> bool {
        self.extension || self.scsv
    }

    /// On a renegotiation, the extension is required and the SCSV is
    /// forbidden (RFC 5746 section 3.7).
    pub fn secure_renegotiation(self) -> bool {
        self.extension && !self.scsv
    }
}

/// Why a renegotiation was not allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The policy refuses or closes on every renegotiation.
    Policy,
    /// The peer did not negotiate RFC 5746 secure renegotiation on the
    /// initial handshake: refused under every policy.
    InsecurePeer,
    /// The peer negotiated RFC 5746 but this renegotiation ClientHello lacks
    /// the extension or carries the SCSV: RFC 5746 section 3.7 says abort.
    MissingSignal,
    /// More than the policy's `max` in its window.
    LimitExceeded,
    /// The clock reads earlier than renegotiations the guard has already
    /// let slide out of its window (the clock jumped forward, then back):
    /// it cannot tell how many happened in the window before `now`, so it
    /// refuses until the clock is a window past them. A warning; the
    /// connection stays.
    ClockBehind,
    /// The guard already closed this connection.
    AlreadyClosed,
}

/// The guard's answer to a handshake start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenegotiationVerdict {
    /// Go on with the handshake.
    Allow,
    /// Send `alert` (warning no_renegotiation); keep the connection.
    Refuse {
        /// Always [`Alert::NO_RENEGOTIATION`].
        alert: Alert,
        /// Why.
        reason: Refusal,
    },
    /// Send `alert` (fatal) and close the connection.
    Close {
        /// The fatal alert.
        alert: Alert,
        /// Why.
        reason: Refusal,
    },
}

impl RenegotiationVerdict {
    fn refuse(reason: Refusal) -> Self {
        Self::Refuse {
            alert: Alert::NO_RENEGOTIATION,
            reason,
        }
    }

    fn close(reason: Refusal) -> Self {
        Self::Close {
            alert: Alert::FATAL_HANDSHAKE_FAILURE,
            reason,
        }
    }
}

/// Sub-windows per window in [`RenegotiationPolicy::Limit`].
const SUB_WINDOWS: u32 = 4;
/// Counters kept: the sub-windows a window can overlap.
const COUNTERS: usize = SUB_WINDOWS as usize + 1;

/// Where the connection stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// No handshake seen yet.
    Fresh,
    /// The initial handshake started; `secure` is its RFC 5746 outcome.
    Established { secure: bool },
    /// The guard closed the connection.
    Closed,
}

/// Per-connection state: O(1) whatever the policy.
#[derive(Clone, Debug)]
pub struct RenegotiationGuard {
    policy: RenegotiationPolicy,
    phase: Phase,
    /// Length of one sub-window in nanoseconds (at least 1; a window over
    /// 2^66 ns, about 2 300 years, saturates).
    sub_window_nanos: u64,
    /// Index of the newest sub-window counted (time / sub-window): the
    /// guard's clock, the monotone maximum of `now`.
    current: u64,
    /// One past the newest sub-window whose (non-zero) count slid out of
    /// the ring; 0 if none did. A `now` less than a window after its start
    /// may have forgotten renegotiations within its window.
    forgotten_until: u64,
    /// Renegotiations allowed per sub-window, a ring indexed by
    /// `sub-window index % COUNTERS`.
    counts: [u32; COUNTERS],
}

impl RenegotiationGuard {
    /// A guard for one new connection.
    pub fn new(policy: RenegotiationPolicy) -> Result<Self, RenegotiationConfigError> {
        let mut sub_window_nanos = 1;
        if let RenegotiationPolicy::Limit { max, window } = policy {
            if max == 0 {
                return Err(RenegotiationConfigError::ZeroLimit);
            }
            if window.is_zero() {
                return Err(RenegotiationConfigError::ZeroWindow);
            }
            sub_window_nanos = u64::try_from(window.as_nanos().div_ceil(u128::from(SUB_WINDOWS)))
                .unwrap_or(u64::MAX);
        }
        Ok(Self {
            policy,
            phase: Phase::Fresh,
            sub_window_nanos,
            current: 0,
            forgotten_until: 0,
            counts: [0; COUNTERS],
        })
    }

    /// The policy this guard enforces.
    pub fn policy(&self) -> RenegotiationPolicy {
        self.policy
    }

    /// Reports the start of a handshake (a ClientHello) on this connection.
    ///
    /// The first call is the initial handshake: always allowed; it records
    /// whether the peer signalled secure renegotiation. Every later call is
    /// a client-initiated renegotiation and is judged by the policy. See
    /// the [module docs](self) for which ClientHello to report first
    /// (DTLS 1.2: the one that passed the cookie check) and for clocks that
    /// jump.
    pub fn on_client_hello(
        &mut self,
        now: Duration,
        signal: SecureRenegotiationSignal,
    ) -> RenegotiationVerdict {
        let secure_peer = match self.phase {
            Phase::Fresh => {
                self.phase = Phase::Established {
                    secure: signal.secure_initial(),
                };
                return RenegotiationVerdict::Allow;
            }
            Phase::Closed => return RenegotiationVerdict::close(Refusal::AlreadyClosed),
            Phase::Established { secure } => secure,
        };
        let verdict = self.judge(now, secure_peer, signal);
        if matches!(verdict, RenegotiationVerdict::Close { .. }) {
            self.phase = Phase::Closed;
        }
        verdict
    }

    fn judge(
        &mut self,
        now: Duration,
        secure_peer: bool,
        signal: SecureRenegotiationSignal,
    ) -> RenegotiationVerdict {
        if !secure_peer {
            // Refused whatever the policy; closing only where the policy
            // closes anyway.
            return match self.policy {
                RenegotiationPolicy::Close => RenegotiationVerdict::close(Refusal::InsecurePeer),
                _ => RenegotiationVerdict::refuse(Refusal::InsecurePeer),
            };
        }
        if !signal.secure_renegotiation() {
            return RenegotiationVerdict::close(Refusal::MissingSignal);
        }
        match self.policy {
            RenegotiationPolicy::Refuse => RenegotiationVerdict::refuse(Refusal::Policy),
            RenegotiationPolicy::Close => RenegotiationVerdict::close(Refusal::Policy),
            RenegotiationPolicy::Limit { max, .. } => {
                let slot = self.advance(now);
                let recent: u64 = self.counts.iter().map(|&c| u64::from(c)).sum();
                if recent >= u64::from(max) {
                    return RenegotiationVerdict::close(Refusal::LimitExceeded);
                }
                if self.clock_behind(now) {
                    return RenegotiationVerdict::refuse(Refusal::ClockBehind);
                }
                if let Some(count) = self.counts.get_mut(slot) {
                    *count = count.saturating_add(1);
                }
                RenegotiationVerdict::Allow
            }
        }
    }

    /// Moves the ring to `now`'s sub-window if that is later (the guard's
    /// clock never goes back), zeroing the ones that slid out, and returns
    /// the counter to charge. A clock that went back charges the newest
    /// sub-window, so nothing is forgotten early.
    fn advance(&mut self, now: Duration) -> usize {
        let sub_window = u128::from(self.sub_window_nanos.max(1));
        let index = u64::try_from(now.as_nanos() / sub_window).unwrap_or(u64::MAX);
        if index > self.current {
            let steps = (index - self.current).min(COUNTERS as u64);
            for step in 1..=steps {
                let reused = self.current.wrapping_add(step);
                let slot = (reused % COUNTERS as u64) as usize;
                if let Some(count) = self.counts.get_mut(slot) {
                    if *count != 0 {
                        // It held sub-window `reused - COUNTERS`, now forgotten.
                        let until = reused.saturating_sub(SUB_WINDOWS.into());
                        self.forgotten_until = self.forgotten_until.max(until);
                    }
                    *count = 0;
                }
            }
            self.current = index;
        }
        (self.current % COUNTERS as u64) as usize
    }

    /// Whether renegotiations that slid out of the ring could lie within
    /// the window before `now`: they happened before the start of
    /// sub-window `forgotten_until` (on the guard's clock, which is never
    /// behind the caller's), so `now` must be at least a window past it.
    /// Never true with a clock that does not go back.
    fn clock_behind(&self, now: Duration) -> bool {
        let RenegotiationPolicy::Limit { window, .. } = self.policy else {
            return false;
        };
        if self.forgotten_until == 0 {
            return false;
        }
        let forgotten_end =
            u128::from(self.forgotten_until) * u128::from(self.sub_window_nanos.max(1));
        now.as_nanos() < forgotten_end.saturating_add(window.as_nanos())
    }
}
