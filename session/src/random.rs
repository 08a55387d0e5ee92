//! Randomness is an input: the crate never reads a global source.

/// A source of unpredictable bytes, supplied by the caller.
///
/// The crate stays sans-IO: it never reads the OS generator itself. A
/// server implements this over its CSPRNG (the CLI does it over the OS);
/// tests use a deterministic one so that every run is reproducible.
///
/// Session IDs travel in the clear and hash keys decide where attackers'
/// entries land, so an implementation must be cryptographically strong in
/// production.
pub trait RandomSource {
    /// Fills all of `out` with fresh random bytes.
    fn fill(&mut self, out: &mut [u8]);
}

impl<R: RandomSource + ?Sized> RandomSource for &mut R {
    fn fill(&mut self, out: &mut [u8]) {
        (**self).fill(out);
    }
}
