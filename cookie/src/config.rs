//! Freshness and binding settings, validated once at construction.

use crate::time::Freshness;
use crate::{AddressBinding, ConfigError};
use core::time::Duration;

/// Default cookie lifetime: long enough for a slow client's round trip, short enough that a
/// captured cookie is soon useless.
pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(30);
/// Default tolerance for issue times ahead of this node's clock (clock skew across a fleet).
pub const DEFAULT_FUTURE_TOLERANCE: Duration = Duration::from_secs(2);
/// Longest lifetime accepted: one day. Cookies prove a return path, not identity; anything
/// longer only widens the replay window.
pub const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);
/// Longest future tolerance accepted: one hour. A fleet whose clocks disagree by more has a
/// problem no cookie setting should hide.
pub const MAX_FUTURE_TOLERANCE: Duration = Duration::from_secs(3600);

/// How long cookies live and what they bind, checked when built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CookieConfig {
    lifetime: Duration,
    future_tolerance: Duration,
    binding: AddressBinding,
    freshness: Freshness,
}

/// The limits in milliseconds. Both are bounded by [`MAX_LIFETIME`] (8.64e7 ms) < `u32::MAX`,
/// so the saturating fallback never applies.
const fn to_freshness(lifetime: Duration, future_tolerance: Duration) -> Freshness {
    let lifetime_ms = lifetime.as_millis();
    let tolerance_ms = future_tolerance.as_millis();
    Freshness {
        lifetime_ms: if lifetime_ms > u32::MAX as u128 {
            u32::MAX
        } else {
            lifetime_ms as u32
        },
        future_tolerance_ms: if tolerance_ms > u32::MAX as u128 {
            u32::MAX
        } else {
            tolerance_ms as u32
        },
    }
}

impl CookieConfig {
    /// Validated settings. Times are kept with millisecond resolution (the cookie's).
    ///
    /// # Errors
    /// [`ConfigError::BadLifetime`] when `lifetime` is under a millisecond or above
    /// [`MAX_LIFETIME`]; [`ConfigError::BadFutureTolerance`] above [`MAX_FUTURE_TOLERANCE`].
    pub fn new(
        lifetime: Duration,
        future_tolerance: Duration,
        binding: AddressBinding,
    ) -> Result<Self, ConfigError> {
        if lifetime < Duration::from_millis(1) || lifetime > MAX_LIFETIME {
            return Err(ConfigError::BadLifetime);
        }
        if future_tolerance > MAX_FUTURE_TOLERANCE {
            return Err(ConfigError::BadFutureTolerance);
        }
        Ok(Self {
            lifetime,
            future_tolerance,
            binding,
            freshness: to_freshness(lifetime, future_tolerance),
        })
    }

    /// How long after its issue time a cookie verifies (inclusive).
    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }

    /// How far ahead of now an issue time may be and still verify (inclusive).
    pub fn future_tolerance(&self) -> Duration {
        self.future_tolerance
    }

    /// Which part of the peer address cookies bind.
    pub fn binding(&self) -> AddressBinding {
        self.binding
    }

    /// The limits in the cookie's unit, computed once here rather than per cookie.
    pub(crate) fn freshness(&self) -> Freshness {
        self.freshness
    }
}

impl Default for CookieConfig {
    /// 30 s lifetime, 2 s future tolerance, IP-and-port binding.
    fn default() -> Self {
        Self {
            lifetime: DEFAULT_LIFETIME,
            future_tolerance: DEFAULT_FUTURE_TOLERANCE,
            binding: AddressBinding::IpAndPort,
            freshness: to_freshness(DEFAULT_LIFETIME, DEFAULT_FUTURE_TOLERANCE),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_enforced() {
        let ok = CookieConfig::new(MAX_LIFETIME, MAX_FUTURE_TOLERANCE, AddressBinding::IpOnly);
        assert!(ok.is_ok());
        let too_long = MAX_LIFETIME + Duration::from_millis(1);
        assert_eq!(
            CookieConfig::new(too_long, Duration::ZERO, AddressBinding::IpAndPort),
            Err(ConfigError::BadLifetime)
        );
        assert_eq!(
            CookieConfig::new(Duration::ZERO, Duration::ZERO, AddressBinding::IpAndPort),
            Err(ConfigError::BadLifetime)
        );
        assert_eq!(
            CookieConfig::new(
                DEFAULT_LIFETIME,
                MAX_FUTURE_TOLERANCE + Duration::from_millis(1),
                AddressBinding::IpAndPort
            ),
            Err(ConfigError::BadFutureTolerance)
        );
    }

    #[test]
    fn default_is_30s_2s_ip_and_port() {
        let c = CookieConfig::default();
        assert_eq!(c.lifetime(), Duration::from_secs(30));
        assert_eq!(c.future_tolerance(), Duration::from_secs(2));
        assert_eq!(c.binding(), AddressBinding::IpAndPort);
        assert_eq!(c.freshness().lifetime_ms, 30_000);
        assert_eq!(c.freshness().future_tolerance_ms, 2_000);
    }
}
