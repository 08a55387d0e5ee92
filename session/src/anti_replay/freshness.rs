//! The freshness check of RFC 8446 section 8.3.
//!
//! A ClientHello carries obfuscated_ticket_age, the client's view of the
//! ticket's age in milliseconds plus ticket_age_add, modulo 2^32
//! (section 4.2.11.1). From it the server computes when the ClientHello
//! should have arrived (`expected_arrival_time` = ticket issue time + the
//! client's ticket age) and compares with when it did. A replay sent later
//! than the original arrives late by the delay, so a narrow tolerance
//! bounds how long a captured ClientHello stays usable, and with it the
//! window the strike register must cover.

use core::time::Duration;

/// The verdict of [`check_freshness`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freshness {
    /// Arrived within the tolerance of its expected arrival time.
    Fresh,
    /// Arrived later than expected by more than the tolerance: delayed or
    /// replayed. Reject 0-RTT.
    TooLate {
        /// How much later than expected.
        by: Duration,
    },
    /// Arrived earlier than expected by more than the tolerance: the
    /// client's age is larger than the server's (clock trouble, or a
    /// forged age). Reject 0-RTT.
    TooEarly {
        /// How much earlier than expected.
        by: Duration,
    },
}

/// The client's ticket age in milliseconds: obfuscated_ticket_age minus
/// ticket_age_add, modulo 2^32 (RFC 8446 section 4.2.11.1).
pub fn client_ticket_age_ms(obfuscated_ticket_age: u32, ticket_age_add: u32) -> u32 {
    obfuscated_ticket_age.wrapping_sub(ticket_age_add)
}

/// Judges one ClientHello's freshness.
///
/// `ticket_issued_at` is when the server issued the ticket (add an RTT
/// estimate if you have one, as RFC 8446 section 8.3 suggests: the client
/// starts its clock when the ticket arrives). All arithmetic saturates, so
/// a clock that jumped back gives `TooEarly`, never a panic.
pub fn check_freshness(
    ticket_issued_at: Duration,
    obfuscated_ticket_age: u32,
    ticket_age_add: u32,
    now: Duration,
    tolerance: Duration,
) -> Freshness {
    let age = client_ticket_age_ms(obfuscated_ticket_age, ticket_age_add);
    let expected_arrival = ticket_issued_at.saturating_add(Duration::from_millis(u64::from(age)));
    if now >= expected_arrival {
        let by = now.saturating_sub(expected_arrival);
        if by > tolerance {
            return Freshness::TooLate { by };
        }
    } else {
        let by = expected_arrival.saturating_sub(now);
        if by > tolerance {
            return Freshness::TooEarly { by };
        }
    }
    Freshness::Fresh
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: fn(u64) -> Duration = Duration::from_millis;

    #[test]
    fn age_unwraps_modulo_2_pow_32() {
        // add = 0xffff_fff0, real age 0x20 ms: obfuscated wraps to 0x10.
        assert_eq!(client_ticket_age_ms(0x10, 0xffff_fff0), 0x20);
        assert_eq!(client_ticket_age_ms(5_000, 1_000), 4_000);
        assert_eq!(client_ticket_age_ms(0, 1), u32::MAX);
    }

    #[test]
    fn judged_against_expected_arrival() {
        let issued = MS(1_000_000);
        let add = 0xdead_beef_u32;
        let tol = MS(2_000);
        // Client says the ticket is 10 s old.
        let obf = 10_000u32.wrapping_add(add);
        let at = |ms: u64| check_freshness(issued, obf, add, MS(1_000_000 + ms), tol);
        assert_eq!(at(10_000), Freshness::Fresh);
        assert_eq!(at(12_000), Freshness::Fresh, "tolerance is inclusive");
        assert_eq!(at(8_000), Freshness::Fresh);
        assert_eq!(at(12_001), Freshness::TooLate { by: MS(2_001) });
        assert_eq!(at(7_999), Freshness::TooEarly { by: MS(2_001) });
        // A replay one minute later.
        assert_eq!(at(70_000), Freshness::TooLate { by: MS(60_000) });
    }

    #[test]
    fn extremes_do_not_panic() {
        let max = Duration::MAX;
        assert!(matches!(
            check_freshness(max, u32::MAX, 0, Duration::ZERO, Duration::ZERO),
            Freshness::TooEarly { .. }
        ));
        assert_eq!(
            check_freshness(max, 7, 7, max, Duration::ZERO),
            Freshness::Fresh
        );
        assert!(matches!(
            check_freshness(Duration::ZERO, 0, 0, max, max.saturating_sub(MS(1))),
            Freshness::TooLate { .. }
        ));
    }
}
