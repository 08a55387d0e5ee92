//! What the door policies of `hellogate-session` need from an accepted ClientHello.
//!
//! The machine decides on the first flight; session-ID routing, 0-RTT anti-replay and the
//! renegotiation guard act on what it accepted. These methods read their inputs off the
//! parsed ClientHello so a server wires them up in a line each:
//!
//! - **routing**: [`Accepted::resumption_route`] names the host that issued the session ID a
//!   (D)TLS 1.2 client offers to resume ([`SessionIdPolicy::route`]), so a load balancer can
//!   send the resumption where the session lives;
//! - **0-RTT**: [`Accepted::early_data`] says whether the ClientHello still carries early
//!   data. A ClientHello2 accepted after our stateless HelloRetryRequest never does (the
//!   client drops 0-RTT after an HRR, RFC 8446 section 4.2.10, and the machine refuses a
//!   ClientHello2 that keeps it), so the HRR is itself the replay barrier. Only an
//!   unvalidated accept (admission not validating, and [`crate::Config::challenge_early_data`]
//!   off) can carry it; then [`PskOffer::gate_offer`] builds what
//!   [`ZeroRttGate::check`](hellogate_session::anti_replay::ZeroRttGate::check) judges, once
//!   the TLS stack has decrypted the ticket and verified the binder;
//! - **renegotiation**: [`Accepted::renegotiation_signal`] is the initial handshake's RFC
//!   5746 signal, the first report to a connection's
//!   [`RenegotiationGuard`](hellogate_session::renegotiation::RenegotiationGuard). For DTLS 1.2
//!   it comes from the ClientHello that returned a valid cookie, so ClientHello1 and
//!   ClientHello2 never count as a renegotiation.

use core::time::Duration;

use hellogate_codec::ProtocolVersion;
use hellogate_session::anti_replay::EarlyDataOffer;
use hellogate_session::renegotiation::SecureRenegotiationSignal;
use hellogate_session::session_id::{HostId, SessionIdPolicy};

use crate::decision::{Accepted, AcceptedHello};

/// Whether an accepted ClientHello carries early data the server must judge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EarlyData<'a> {
    /// No early_data extension (always so after a HelloRetryRequest).
    NotOffered,
    /// early_data with a pre_shared_key: judge it before reading any 0-RTT data.
    Offered(PskOffer<'a>),
    /// early_data without a pre_shared_key, which RFC 8446 section 4.2.10 does not allow
    /// (0-RTT needs a PSK): reject the early data.
    WithoutPsk,
}

/// The first PSK identity of a ClientHello offering early data (0-RTT is only ever sent
/// with the first identity, RFC 8446 section 4.2.10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PskOffer<'a> {
    /// The ticket (or external PSK identity), for the TLS stack to decrypt.
    pub identity: &'a [u8],
    /// obfuscated_ticket_age, for the freshness check.
    pub obfuscated_ticket_age: u32,
    /// The identity's binder: the strike register's key once the TLS stack verified it, as
    /// it covers the whole ClientHello up to the binders (RFC 8446 section 8.2).
    pub binder: &'a [u8],
}

impl<'a> PskOffer<'a> {
    /// What the anti-replay gate judges, given what the decrypted ticket says: when it was
    /// issued and its ticket_age_add.
    pub fn gate_offer(
        &self,
        ticket_issued_at: Duration,
        ticket_age_add: u32,
    ) -> EarlyDataOffer<'a> {
        EarlyDataOffer {
            key: self.binder,
            ticket_issued_at,
            obfuscated_ticket_age: self.obfuscated_ticket_age,
            ticket_age_add,
        }
    }
}

impl<'a> Accepted<'a> {
    /// The session ID a (D)TLS 1.2 client offers to resume, if any. TLS 1.3 has no server
    /// session IDs (a TLS 1.3 client's legacy_session_id is a middlebox-compatibility value,
    /// RFC 8446 appendix D.4), so a 1.3 accept offers none.
    pub fn offered_session_id(&self) -> Option<&'a [u8]> {
        let resumes = matches!(
            self.version,
            ProtocolVersion::DTLS1_0
                | ProtocolVersion::DTLS1_2
                | ProtocolVersion::TLS1_0
                | ProtocolVersion::TLS1_1
                | ProtocolVersion::TLS1_2
        );
        let sid = match &self.client_hello {
            AcceptedHello::Whole(ch) => ch.legacy_session_id,
            AcceptedHello::FirstFragment(p) => p.legacy_session_id,
        };
        (resumes && !sid.is_empty()).then_some(sid)
    }

    /// The host that issued the session ID this client offers to resume, by `policy`'s host
    /// prefixes; `None` when it offers none, or one no host of the fleet issued.
    pub fn resumption_route(&self, policy: &SessionIdPolicy) -> Option<HostId> {
        self.offered_session_id().and_then(|sid| policy.route(sid))
    }

    /// Whether this ClientHello carries early data to judge.
    pub fn early_data(&self) -> EarlyData<'a> {
        let Some(ch) = self.client_hello.whole() else {
            return EarlyData::NotOffered;
        };
        if !ch.known.early_data {
            return EarlyData::NotOffered;
        }
        let Some(psk) = ch.known.pre_shared_key else {
            return EarlyData::WithoutPsk;
        };
        match (psk.identities().next(), psk.binders().next()) {
            (Some(id), Some(binder)) => EarlyData::Offered(PskOffer {
                identity: id.identity,
                obfuscated_ticket_age: id.obfuscated_ticket_age,
                binder,
            }),
            // The codec refuses a pre_shared_key without identities or binders.
            _ => EarlyData::WithoutPsk,
        }
    }

    /// The RFC 5746 signals of this (initial) handshake's ClientHello: the renegotiation_info
    /// extension and the SCSV. A DTLS 1.2 first fragment shows the SCSV only if it holds the
    /// cipher suites; its extensions are not in view.
    pub fn renegotiation_signal(&self) -> SecureRenegotiationSignal {
        match &self.client_hello {
            AcceptedHello::Whole(ch) => SecureRenegotiationSignal {
                extension: ch.known.renegotiation_info.is_some(),
                scsv: ch
                    .cipher_suites
                    .contains(hellogate_codec::CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV),
            },
            AcceptedHello::FirstFragment(p) => SecureRenegotiationSignal {
                extension: false,
                scsv: p.suites_and_compression.is_some_and(|(s, _)| {
                    s.contains(hellogate_codec::CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV)
                }),
            },
        }
    }
}
