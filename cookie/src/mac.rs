//! The cookie MAC: HMAC-SHA256 with a precomputed key schedule, truncated, compared in constant
//! time over the whole tag.
//!
//! The MAC runs on `hmac`'s block-level core (`HmacCore`): the cookie code gathers its MAC input
//! into whole 64-byte blocks itself (see `MacInput` in `jar.rs`), so the buffered `Hmac`
//! wrapper would only copy every byte once more. The HMAC construction itself is `hmac`'s, and
//! the tests check the result against the `Hmac` wrapper over the same bytes.

use core::fmt;
use hmac::KeyInit;
use hmac::block_api::HmacCore;
use hmac::digest::Output;
use hmac::digest::array::Array;
use hmac::digest::block_api::{Buffer, FixedOutputCore, UpdateCore};
use sha2::Sha256;
use subtle::{Choice, ConstantTimeEq};
use zeroize::Zeroizing;

/// HMAC-SHA256, at the block level: the inner and outer hash states, no input buffer.
pub(crate) type HmacSha256 = HmacCore<Sha256>;

// An HMAC key schedule is two SHA-256 block states (`HmacCore` holds the inner and outer
// `<Sha256 as EagerHash>::Core`); they are wiped on drop only because `sha2` is built with its
// `zeroize` feature (see Cargo.toml). Checked here, so losing the feature breaks the build
// instead of silently leaving key material in freed memory.
const _: () = {
    const fn wiped_on_drop<T: hmac::digest::zeroize::ZeroizeOnDrop>() {}
    wiped_on_drop::<<Sha256 as hmac::digest::block_api::EagerHash>::Core>();
};

/// SHA-256's block size: HMAC keys up to this length are zero-padded to it, and the MAC input
/// is fed in blocks of it.
pub(crate) const BLOCK_LEN: usize = 64;

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

/// Feeds the whole 64-byte blocks of `data` (its length a multiple of 64; a shorter tail is
/// the caller's to keep for [`finish`]).
#[inline]
pub(crate) fn update_blocks(mac: &mut HmacSha256, data: &[u8]) {
    let (blocks, _) = Array::slice_as_chunks(data);
    mac.update_blocks(blocks);
}

/// Finishes `mac` with the last `tail` bytes (fewer than 64): the full 32-byte HMAC output, of
/// which a cookie carries the first bytes. The untruncated bytes are not secret in any useful
/// sense (they are MAC bits of a message the peer knows) and are not wiped.
pub(crate) fn finish(mut mac: HmacSha256, tail: &[u8]) -> [u8; MAC_LEN] {
    // The buffer takes less than a block; whole blocks (none, from this crate) go first.
    let whole = tail.len() / BLOCK_LEN * BLOCK_LEN;
    let (blocks, tail) = tail.split_at(whole);
    update_blocks(&mut mac, blocks);
    let mut buffer = Buffer::<HmacSha256>::new(tail);
    let mut out = Output::<HmacSha256>::default();
    mac.finalize_fixed_core(&mut buffer, &mut out);
    out.into()
}

/// The shortest tag that can match: 128 bits.
const MIN_TAG_LEN: usize = 16;

/// Compares the first `tag.len()` bytes of `full` with `tag` in constant time: every byte of the
/// tag is compared whatever the position of the first difference. A tag shorter than 128 bits
/// or longer than the MAC (32 bytes) never matches (the callers' layouts produce neither), so
/// a layout mistake fails closed.
pub(crate) fn tag_matches(full: &[u8; MAC_LEN], tag: &[u8]) -> bool {
    if tag.len() < MIN_TAG_LEN {
        return false;
    }
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

    /// The block-level MAC of `data` under `key`, as the cookie code drives it.
    fn ours(key: &[u8; 32], data: &[u8]) -> [u8; MAC_LEN] {
        let mut mac = MacKey::new(key).start();
        let whole = data.len() / BLOCK_LEN * BLOCK_LEN;
        update_blocks(&mut mac, &data[..whole]);
        finish(mac, &data[whole..])
    }

    /// RFC 4231 test case 2 uses a 4-byte key; RFC 4231 has no 32-byte key case, so check that
    /// our zero-padded, block-level construction equals the `Hmac` wrapper over the unpadded
    /// key, at every input length around the block boundaries.
    #[test]
    fn block_level_mac_equals_plain_hmac_at_every_length() {
        let key: [u8; 32] = core::array::from_fn(|i| (i as u8).wrapping_mul(7));
        let data: [u8; 200] = core::array::from_fn(|i| (i as u8) ^ 0x5c);
        for len in 0..=data.len() {
            let Ok(mut theirs) = hmac::Hmac::<Sha256>::new_from_slice(&key) else {
                panic!("HMAC accepts any key length")
            };
            theirs.update(&data[..len]);
            let theirs: [u8; 32] = theirs.finalize().into_bytes().into();
            assert_eq!(ours(&key, &data[..len]), theirs, "length {len}");
        }
    }

    /// `finish` also takes whole blocks in its tail.
    #[test]
    fn finish_takes_any_tail() {
        let key = [3u8; 32];
        let data = [0x77u8; 150];
        let mut mac = MacKey::new(&key).start();
        update_blocks(&mut mac, &data[..64]);
        assert_eq!(finish(mac, &data[64..]), ours(&key, &data));
    }

    /// RFC 4231 test case 1 (20-byte key 0x0b..., "Hi There"), through a key zero-padded to
    /// 32 bytes, which HMAC treats alike.
    #[test]
    fn rfc4231_case_1() {
        let mut key = [0u8; 32];
        key[..20].fill(0x0b);
        let want = [
            0xb0, 0x34, 0x4c, 0x61, 0xd8, 0xdb, 0x38, 0x53, 0x5c, 0xa8, 0xaf, 0xce, 0xaf, 0x0b,
            0xf1, 0x2b, 0x88, 0x1d, 0xc2, 0x00, 0xc9, 0x83, 0x3d, 0xa7, 0x26, 0xe9, 0x37, 0x6c,
            0x2e, 0x32, 0xcf, 0xf7,
        ];
        assert_eq!(ours(&key, b"Hi There"), want);
    }

    #[test]
    fn tag_matches_rejects_any_difference_and_accepts_the_truth() {
        let key = MacKey::new(&[9u8; 32]);
        let full = finish(key.start(), &[]);
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
        // Every truncation of the true MAC down to 128 bits matches as a truncated tag (the
        // layouts fix the length; this is what makes 16- and 25-byte tags work); shorter ones
        // never do.
        for len in 0..=32 {
            assert_eq!(tag_matches(&full, &full[..len]), len >= 16, "len {len}");
        }
    }

    #[test]
    fn debug_hides_the_key() {
        extern crate alloc;
        let s = alloc::format!("{:?}", MacKey::new(&[0xab; 32]));
        assert_eq!(s, "MacKey(<redacted>)");
    }
}
