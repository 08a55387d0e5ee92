//! The cookie MAC: HMAC-SHA256 with a precomputed key schedule, truncated, compared in constant
//! time over the whole tag.

use core::fmt;
use hmac::digest::{FixedOutput, Output};
use hmac::{Hmac, KeyInit};
use sha2::Sha256;
use subtle::{Choice, ConstantTimeEq};
use zeroize::Zeroizing;

/// HMAC-SHA256.
pub(crate) type HmacSha256 = Hmac<Sha256>;

// An HMAC key schedule is two SHA-256 block states (`HmacCore` holds the inner and outer
// `<Sha256 as EagerHash>::Core`); they are wiped on drop only because `sha2` is built with its
// `zeroize` feature (see Cargo.toml). Checked here, so losing the feature breaks the build
// instead of silently leaving key material in freed memory.
const _: () = {
    const fn wiped_on_drop<T: hmac::digest::zeroize::ZeroizeOnDrop>() {}
    wiped_on_drop::<<Sha256 as hmac::digest::block_api::EagerHash>::Core>();
};

/// SHA-256's block size: HMAC keys up to this length are zero-padded to it.
const BLOCK_LEN: usize = 64;

/// HMAC-SHA256 output length.
pub(crate) const MAC_LEN: usize = 32;

/// Length of every key this crate derives or accepts for MACs after derivation.
pub(crate) const KEY_LEN: usize = 32;

/// An HMAC-SHA256 key, kept as the two hash states HMAC derives from it (inner and outer pad).
///
/// Keeping the states instead of the key saves two of the SHA-256 compressions an HMAC costs.
/// The states are as secret as the key: they live inside `hmac`/`sha2` types built with their
/// `zeroize` feature, which wipe them on drop, and `Debug` prints nothing of them.
#[derive(Clone)]
pub(crate) struct MacKey(HmacSha256);

impl MacKey {
    /// Builds the key schedule for a 32-byte key.
    pub(crate) fn new(key: &[u8; KEY_LEN]) -> Self {
        // HMAC zero-pads keys shorter than the block to the block length, so padding here gives
        // the same MAC and lets us use the infallible constructor.
        let mut block = Zeroizing::new([0u8; BLOCK_LEN]);
        let (head, _) = block.split_at_mut(KEY_LEN);
        head.copy_from_slice(key);
        Self(HmacSha256::new((&*block).into()))
    }

    /// A running MAC computation under this key.
    pub(crate) fn start(&self) -> HmacSha256 {
        self.0.clone()
    }
}

impl fmt::Debug for MacKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MacKey(<redacted>)")
    }
}

/// Finishes `mac`: the full 32-byte HMAC output, of which a cookie carries the first bytes.
/// Written straight into the returned array (no intermediate `CtOutput`); the untruncated bytes
/// are not secret in any useful sense (they are MAC bits of a message the peer knows) and are
/// not wiped.
pub(crate) fn finish(mac: HmacSha256) -> [u8; MAC_LEN] {
    let mut out = Output::<HmacSha256>::default();
    FixedOutput::finalize_into(mac, &mut out);
    out.into()
}

/// Compares the first `tag.len()` bytes of `full` with `tag` in constant time: every byte of the
/// tag is compared whatever the position of the first difference. A tag longer than the MAC
/// (32 bytes) never matches (the callers' layouts never produce one).
pub(crate) fn tag_matches(full: &[u8; MAC_LEN], tag: &[u8]) -> bool {
    let Some(expected) = full.get(..tag.len()) else {
        return false;
    };
    // Both sides zero-padded to 32 bytes and compared as four u64 words with `subtle`: the same
    // constant-time comparison over the whole tag as byte-wise `ct_eq`, with 4 optimisation
    // barriers instead of up to 32 (measurably cheaper; see benches/cookie.rs).
    let mut ours = [0u8; MAC_LEN];
    let mut theirs = [0u8; MAC_LEN];
    let (Some(o), Some(t)) = (ours.get_mut(..tag.len()), theirs.get_mut(..tag.len())) else {
        return false;
    };
    o.copy_from_slice(expected);
    t.copy_from_slice(tag);
    let mut equal = Choice::from(1);
    for (a, b) in ours.chunks_exact(8).zip(theirs.chunks_exact(8)) {
        let a = u64::from_le_bytes(a.try_into().unwrap_or_default());
        let b = u64::from_le_bytes(b.try_into().unwrap_or_default());
        equal &= a.ct_eq(&b);
    }
    equal.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::Mac;

    /// RFC 4231 test case 2 uses a 4-byte key; RFC 4231 has no 32-byte key case, so check that
    /// our zero-padded construction equals HMAC over the unpadded key computed by the library.
    #[test]
    fn padded_key_schedule_equals_plain_hmac() {
        let key: [u8; 32] = core::array::from_fn(|i| (i as u8).wrapping_mul(7));
        let mut ours = MacKey::new(&key).start();
        ours.update(b"what do ya want for nothing?");
        let Ok(mut theirs) = HmacSha256::new_from_slice(&key) else {
            panic!("HMAC accepts any key length")
        };
        theirs.update(b"what do ya want for nothing?");
        assert_eq!(ours.finalize().as_bytes(), theirs.finalize().as_bytes());
    }

    #[test]
    fn tag_matches_rejects_any_difference_and_accepts_the_truth() {
        let key = MacKey::new(&[9u8; 32]);
        let full = finish(key.start());
        for len in [16, 25, 32] {
            let tag = &full[..len];
            assert!(tag_matches(&full, tag));
            for i in 0..len {
                for bit in 0..8 {
                    let mut bad = tag.to_vec();
                    bad[i] ^= 1 << bit;
                    assert!(!tag_matches(&full, &bad), "len {len} byte {i} bit {bit}");
                }
            }
        }
        // A tag longer than the MAC never matches, even one that starts with it.
        let mut longer = [0u8; 33];
        longer[..32].copy_from_slice(&full);
        assert!(!tag_matches(&full, &longer));
        // Every truncation of the true MAC matches as a truncated tag (the layouts fix the
        // length; this is what makes 16- and 25-byte tags work).
        for len in 0..=32 {
            assert!(tag_matches(&full, &full[..len]));
        }
    }

    #[test]
    fn debug_hides_the_key() {
        extern crate alloc;
        let s = alloc::format!("{:?}", MacKey::new(&[0xab; 32]));
        assert_eq!(s, "MacKey(<redacted>)");
    }
}
