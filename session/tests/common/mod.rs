//! Deterministic randomness for the integration tests.
#![allow(dead_code)]

use hellogate_session::RandomSource;

/// SplitMix64: fast, deterministic, good enough to spread test keys.
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

impl RandomSource for SplitMix {
    fn fill(&mut self, out: &mut [u8]) {
        for chunk in out.chunks_mut(8) {
            let b = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&b[..chunk.len()]);
        }
    }
}

/// Always the same bytes: forces every generated ID to collide.
pub struct Stuck(pub u8);

impl RandomSource for Stuck {
    fn fill(&mut self, out: &mut [u8]) {
        out.fill(self.0);
    }
}

/// A distinct 32-byte key per index (an injective encoding of `i`).
pub fn key32(i: u64) -> [u8; 32] {
    let mut k = [0u8; 32];
    k[..8].copy_from_slice(&i.to_le_bytes());
    k
}
