//! The cookie's 32-bit issue-time field and the freshness rule that reads it back.
//!
//! Cookies carry the issue time as milliseconds since the UNIX epoch, reduced modulo 2^32
//! (the field wraps every ~49.7 days). Four bytes instead of eight keep HelloRetryRequests small;
//! millisecond resolution lets short lifetimes be exact. Reading the field back needs `now`: the
//! stamp is taken as the latest instant congruent to it that is at most [`FUTURE_WINDOW_MS`]
//! after `now`. A cookie whose key is still accepted is at most two rotation periods plus the
//! future tolerance old (at most ~14 days with the limits in [`crate::config`]), well inside the
//! ~46.6 days that interpretation reads as "past", so wrap-around never makes an old cookie look
//! fresh, and a clock that jumps back makes fresh cookies look "from the future", never valid.

use core::time::Duration;

/// Stamps up to this many milliseconds after `now` read as "issued in the future" (then judged
/// against the configured tolerance); anything else reads as "issued in the past". 2^28 ms is
/// about 74.6 hours, far more than [`crate::MAX_FUTURE_TOLERANCE`].
pub(crate) const FUTURE_WINDOW_MS: u32 = 1 << 28;

/// `now` in whole milliseconds since the UNIX epoch, saturating (u64 milliseconds last for
/// ~584 million years, so saturation only affects absurd inputs, and never panics).
pub(crate) fn millis(now: Duration) -> u64 {
    u64::try_from(now.as_millis()).unwrap_or(u64::MAX)
}

/// The wire form of `now_ms`: its low 32 bits.
pub(crate) fn stamp(now_ms: u64) -> u32 {
    // Truncation is the point: the field is the time modulo 2^32 ms.
    (now_ms & 0xffff_ffff) as u32
}

/// The issue time's "era": bits 32..48 of the milliseconds, which the stamp drops. It is not
/// carried but bound: sealing feeds it to the MAC, and opening feeds the era of the issue time
/// the stamp reads back as ([`issue_time`]). A cookie from one or more wraps ago (2^32 ms is
/// ~49.7 days) then reads back into the wrong era and fails its MAC, whatever key sealed it;
/// without this, a cookie sealed under a long-lived operator key would look fresh again
/// ~49.7 days later.
pub(crate) fn era(ms: u64) -> u16 {
    // Truncation is the point: the era wraps every 2^48 ms (~8,900 years).
    ((ms >> 32) & 0xffff) as u16
}

/// The full issue time a stamp reads back as at `now_ms` (see [`offset`]).
pub(crate) fn issue_time(now_ms: u64, stamp_field: u32) -> u64 {
    match offset(now_ms, stamp_field) {
        Offset::Past(ago) => now_ms.saturating_sub(u64::from(ago)),
        Offset::Future(ahead) => now_ms.saturating_add(u64::from(ahead)),
    }
}

/// How a stamp relates to now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Offset {
    /// Issued this many milliseconds ago (0 = this millisecond).
    Past(u32),
    /// Issued this many milliseconds after now (always >= 1).
    Future(u32),
}

/// Reads a stamp back relative to `now_ms` (see the module docs).
pub(crate) fn offset(now_ms: u64, stamp_field: u32) -> Offset {
    let behind = stamp(now_ms).wrapping_sub(stamp_field);
    // `behind` in (2^32 - FUTURE_WINDOW, 2^32) means the stamp is ahead of now by 2^32 - behind.
    if behind > u32::MAX - FUTURE_WINDOW_MS {
        Offset::Future(behind.wrapping_neg())
    } else {
        Offset::Past(behind)
    }
}

/// Freshness limits, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Freshness {
    pub(crate) lifetime_ms: u32,
    pub(crate) future_tolerance_ms: u32,
}

/// A fresh cookie's issue time and age.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fresh {
    pub(crate) issued_at: Duration,
    pub(crate) age: Duration,
}

/// Why a stamp is not fresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stale {
    Expired,
    FromFuture,
}

impl Freshness {
    /// Judges a stamp: a cookie exactly `lifetime` old is still fresh, one a millisecond older is
    /// not; one issued up to `future_tolerance` ahead of now is fresh with age zero.
    pub(crate) fn check(&self, now_ms: u64, stamp_field: u32) -> Result<Fresh, Stale> {
        match offset(now_ms, stamp_field) {
            Offset::Past(ago) if ago <= self.lifetime_ms => Ok(Fresh {
                issued_at: Duration::from_millis(now_ms.saturating_sub(u64::from(ago))),
                age: Duration::from_millis(u64::from(ago)),
            }),
            Offset::Past(_) => Err(Stale::Expired),
            Offset::Future(ahead) if ahead <= self.future_tolerance_ms => Ok(Fresh {
                issued_at: Duration::from_millis(now_ms.saturating_add(u64::from(ahead))),
                age: Duration::ZERO,
            }),
            Offset::Future(_) => Err(Stale::FromFuture),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: Freshness = Freshness {
        lifetime_ms: 30_000,
        future_tolerance_ms: 2_000,
    };

    #[test]
    fn offsets_across_the_wrap() {
        // now just after a wrap, stamp just before it: 10 ms + 5 ms = 15 ms ago.
        let now = (1u64 << 32) * 7 + 10;
        let stamped = stamp((1u64 << 32) * 7 - 5);
        assert_eq!(offset(now, stamped), Offset::Past(15));
        // now just before a wrap, stamp just after it: 5 ms + 10 ms ahead.
        let now = (1u64 << 32) * 7 - 5;
        let stamped = stamp((1u64 << 32) * 7 + 10);
        assert_eq!(offset(now, stamped), Offset::Future(15));
    }

    #[test]
    fn window_edges() {
        let now = 5u64 << 32;
        // Exactly FUTURE_WINDOW ahead still reads as future; one more reads as (very) past.
        assert_eq!(
            offset(now, stamp(now + u64::from(FUTURE_WINDOW_MS))),
            Offset::Future(FUTURE_WINDOW_MS)
        );
        assert_eq!(
            offset(now, stamp(now + u64::from(FUTURE_WINDOW_MS) + 1)),
            Offset::Past(u32::MAX - FUTURE_WINDOW_MS)
        );
    }

    #[test]
    fn lifetime_and_tolerance_are_inclusive_limits() {
        let now = 1_700_000_000_000u64;
        let fresh = F.check(now, stamp(now - 30_000)).unwrap();
        assert_eq!(fresh.age, Duration::from_secs(30));
        assert_eq!(fresh.issued_at, Duration::from_millis(now - 30_000));
        assert_eq!(F.check(now, stamp(now - 30_001)), Err(Stale::Expired));
        let ahead = F.check(now, stamp(now + 2_000)).unwrap();
        assert_eq!(ahead.age, Duration::ZERO);
        assert_eq!(ahead.issued_at, Duration::from_millis(now + 2_000));
        assert_eq!(F.check(now, stamp(now + 2_001)), Err(Stale::FromFuture));
    }

    #[test]
    fn clock_jumping_back_makes_cookies_future_not_valid() {
        let issued = 1_700_000_000_000u64;
        // The verifier's clock jumped back one hour after the cookie was issued.
        assert_eq!(
            F.check(issued - 3_600_000, stamp(issued)),
            Err(Stale::FromFuture)
        );
    }

    #[test]
    fn the_issue_time_reads_back_across_the_wrap_and_its_era_with_it() {
        let wrap = 9u64 << 32;
        for issued in [wrap - 5, wrap, wrap + 5, 1_700_000_000_000] {
            for later in [0u64, 1, 30_000, 3_600_000] {
                assert_eq!(issue_time(issued + later, stamp(issued)), issued);
            }
            // A clock slightly behind the issuer still finds the issuer's era.
            assert_eq!(issue_time(issued - 1_000, stamp(issued)), issued);
        }
        assert_eq!(era(wrap - 1), 8);
        assert_eq!(era(wrap), 9);
        // One whole wrap later the stamp reads back as "now", in the next era.
        let issued = 1_700_000_000_000u64;
        let later = issued + (1 << 32);
        assert_eq!(issue_time(later, stamp(issued)), later);
        assert_ne!(era(issue_time(later, stamp(issued))), era(issued));
    }

    #[test]
    fn millis_saturates_instead_of_panicking() {
        assert_eq!(millis(Duration::MAX), u64::MAX);
        assert_eq!(millis(Duration::from_millis(1234)), 1234);
        // A stamp read at the very end of time must not overflow either.
        let _ = F.check(u64::MAX, 0);
        let _ = F.check(0, u32::MAX);
        let _ = issue_time(u64::MAX, 0);
        let _ = issue_time(0, u32::MAX);
    }
}
