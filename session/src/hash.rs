//! A keyed hash for the tables and filters that attackers feed.
//!
//! Session IDs, ticket identifiers, ClientHello.random and PSK binders are
//! chosen (or can be ground) by the peer. With an unkeyed hash, a peer could
//! pick values that all land in one bucket of a table (turning lookups into
//! linear scans) or that all set the same few bits of the strike register.
//! SipHash-1-3 with a 128-bit secret key drawn from the caller's
//! [`RandomSource`] takes that steering away; it is a short-input PRF made
//! for exactly this job and is several times cheaper than HMAC-SHA256 per
//! lookup (see the `policies` bench).

use core::fmt;

use siphasher::sip128::SipHasher13;
use zeroize::Zeroizing;

use crate::RandomSource;

/// A 128-bit secret key and the keyed hash it defines.
///
/// The key is wiped on drop and never printed.
pub(crate) struct KeyedHash {
    key: Zeroizing<[u8; 16]>,
}

impl KeyedHash {
    /// Draws a fresh key from the caller's randomness.
    pub(crate) fn new(rng: &mut dyn RandomSource) -> Self {
        let mut key = Zeroizing::new([0u8; 16]);
        rng.fill(&mut key[..]);
        Self { key }
    }

    /// Hashes `bytes` to two independent 64-bit halves.
    pub(crate) fn hash(&self, bytes: &[u8]) -> (u64, u64) {
        SipHasher13::new_with_key(&self.key).hash(bytes).as_u64()
    }
}

impl fmt::Debug for KeyedHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyedHash { key: <redacted> }")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    struct Fixed;
    impl RandomSource for Fixed {
        fn fill(&mut self, out: &mut [u8]) {
            out.fill(0xab);
        }
    }

    #[test]
    fn debug_never_shows_the_key_and_the_key_matters() {
        let h = KeyedHash::new(&mut Fixed);
        let shown = format!("{h:?}");
        assert!(!shown.contains("ab") && !shown.contains("171"), "{shown}");
        // Another key, another hash: the key is really used.
        let other = KeyedHash::new(&mut crate::test_rng::CountingRng::new(1));
        assert_ne!(h.hash(b"session"), other.hash(b"session"));
        assert_eq!(
            h.hash(b"session"),
            KeyedHash::new(&mut Fixed).hash(b"session")
        );
    }
}
