//! A cursor over one input buffer whose primitives are nom's complete parsers.
//!
//! Every structure in this crate is read through [`Reader`]: nom does the byte work, and
//! the reader turns nom's error into a [`DecodeError`] that names the field and its offset
//! from the start of the whole input, so an error deep inside an extension still points at
//! the right byte of the record.

use core::marker::PhantomData;

use nom::Parser;
use nom::bytes::complete::take;

use crate::error::{DecodeError, DecodeErrorKind};

/// nom's result with the unit error: the reader only needs to know *that* a primitive
/// failed (it knows which field and where), so nom builds no error value on the hot path.
type NomResult<'a, O> = nom::IResult<&'a [u8], O, ()>;

/// How a parse reports failure. Parsers are written once, generic over the mode:
/// [`Fast`] fails with a zero-sized [`Fail`], so every read returns a small `Result` in
/// registers and no error value is ever built; [`Detailed`] fails with a [`DecodeError`]
/// that names field, offset and reason. A public parser runs in `Fast` mode and, only when
/// that fails, runs again in `Detailed` mode to say why: the same code, so the same verdict,
/// and well-formed input (the hot path) never pays for error reporting.
pub(crate) trait Mode: Copy {
    /// The error a failed read returns.
    type Error: Copy;
    /// The error for `field` at `offset`.
    fn fail(offset: usize, field: &'static str, kind: DecodeErrorKind) -> Self::Error;
    /// An error from a parser handed a sub-slice that starts `base` bytes into the input.
    fn shift(e: Self::Error, base: usize) -> Self::Error;
}

/// The failure of a [`Fast`] parse: nothing but the fact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Fail;

/// Fails with [`Fail`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fast;

/// Fails with a [`DecodeError`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Detailed;

impl Mode for Fast {
    type Error = Fail;
    #[inline(always)]
    fn fail(_: usize, _: &'static str, _: DecodeErrorKind) -> Fail {
        Fail
    }
    #[inline(always)]
    fn shift(e: Fail, _: usize) -> Fail {
        e
    }
}

impl Mode for Detailed {
    type Error = DecodeError;
    #[cold]
    #[inline(never)]
    fn fail(offset: usize, field: &'static str, kind: DecodeErrorKind) -> DecodeError {
        DecodeError::new(offset, field, kind)
    }
    #[inline]
    fn shift(e: DecodeError, base: usize) -> DecodeError {
        e.shifted(base)
    }
}

/// Runs `parse` in [`Fast`] mode, and again in [`Detailed`] mode only if it failed.
#[inline]
pub(crate) fn fast_then_detailed<T>(
    fast: impl FnOnce() -> Result<T, Fail>,
    detailed: impl FnOnce() -> Result<T, DecodeError>,
) -> Result<T, DecodeError> {
    match fast() {
        Ok(v) => Ok(v),
        Err(Fail) => detailed(),
    }
}

/// A cursor over the unread bytes `rest`, which end `end` bytes into the top-level input, so
/// the current offset is `end - rest.len()` and offsets in errors are absolute. Keeping the
/// unread slice itself (rather than an index into the input) makes each read one length
/// check and one slice split.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Reader<'a, M: Mode = Detailed> {
    rest: &'a [u8],
    end: usize,
    mode: PhantomData<M>,
}

impl<'a, M: Mode> Reader<'a, M> {
    /// A reader over the whole buffer.
    #[inline]
    pub(crate) fn new(input: &'a [u8]) -> Self {
        Self {
            rest: input,
            end: input.len(),
            mode: PhantomData,
        }
    }

    /// A reader over `input` whose offsets start at `base` (for parsers handed a sub-slice
    /// whose position in the outer buffer is known).
    #[inline]
    pub(crate) fn with_base(input: &'a [u8], base: usize) -> ReaderAt<'a, M> {
        ReaderAt {
            inner: Self::new(input),
            base,
        }
    }

    /// Current absolute offset.
    #[inline]
    pub(crate) fn offset(&self) -> usize {
        self.end - self.rest.len()
    }

    /// Bytes left.
    #[inline]
    pub(crate) fn remaining(&self) -> usize {
        self.rest.len()
    }

    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The unread bytes.
    #[inline]
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.rest
    }

    #[inline]
    fn run<O>(
        &mut self,
        field: &'static str,
        want: usize,
        parser: impl FnOnce(&'a [u8]) -> NomResult<'a, O>,
    ) -> Result<O, M::Error> {
        match parser(self.rest) {
            Ok((after, out)) => {
                self.rest = after;
                Ok(out)
            }
            Err(_) => Err(truncated::<M>(self.offset(), field, want, self.rest.len())),
        }
    }

    /// `N` bytes as an array, through nom's `take` (whose split inlines; nom's integer
    /// parsers go through a byte-slice method that is not `#[inline]` and cost a call per
    /// field across crates).
    #[inline]
    fn fixed<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], M::Error> {
        self.run(field, N, |i| {
            let (rest, b) = take(N).parse(i)?;
            // `take` returned exactly N bytes, so the conversion cannot fail.
            <[u8; N]>::try_from(b)
                .map(|a| (rest, a))
                .map_err(|_| nom::Err::Error(()))
        })
    }

    #[inline]
    pub(crate) fn u8(&mut self, field: &'static str) -> Result<u8, M::Error> {
        let [b] = self.fixed(field)?;
        Ok(b)
    }

    #[inline]
    pub(crate) fn u16(&mut self, field: &'static str) -> Result<u16, M::Error> {
        self.fixed(field).map(u16::from_be_bytes)
    }

    #[inline]
    pub(crate) fn u24(&mut self, field: &'static str) -> Result<u32, M::Error> {
        let [a, b, c] = self.fixed(field)?;
        Ok(u32::from_be_bytes([0, a, b, c]))
    }

    #[inline]
    pub(crate) fn u32(&mut self, field: &'static str) -> Result<u32, M::Error> {
        self.fixed(field).map(u32::from_be_bytes)
    }

    /// A 48-bit big-endian integer (the DTLS record sequence number).
    #[inline]
    pub(crate) fn u48(&mut self, field: &'static str) -> Result<u64, M::Error> {
        let [a, b, c, d, e, f] = self.fixed(field)?;
        Ok(u64::from_be_bytes([0, 0, a, b, c, d, e, f]))
    }

    /// Exactly `n` bytes.
    #[inline]
    pub(crate) fn bytes(&mut self, field: &'static str, n: usize) -> Result<&'a [u8], M::Error> {
        self.run(field, n, |i| take(n).parse(i))
    }

    /// Exactly `N` bytes as an array reference.
    #[inline]
    pub(crate) fn array<const N: usize>(
        &mut self,
        field: &'static str,
    ) -> Result<&'a [u8; N], M::Error> {
        let at = self.offset();
        let b = self.bytes(field, N)?;
        b.try_into()
            .map_err(|_| M::fail(at, field, DecodeErrorKind::BadLength))
    }

    /// A vector `<min..max>` with a one-byte length prefix.
    #[inline]
    pub(crate) fn vec8(
        &mut self,
        field: &'static str,
        min: usize,
        max: usize,
    ) -> Result<Slice<'a>, M::Error> {
        let at = self.offset();
        let len = usize::from(self.u8(field)?);
        self.body(field, at, len, min, max)
    }

    /// A vector `<min..max>` with a two-byte length prefix.
    #[inline]
    pub(crate) fn vec16(
        &mut self,
        field: &'static str,
        min: usize,
        max: usize,
    ) -> Result<Slice<'a>, M::Error> {
        let at = self.offset();
        let len = usize::from(self.u16(field)?);
        self.body(field, at, len, min, max)
    }

    fn body(
        &mut self,
        field: &'static str,
        at: usize,
        len: usize,
        min: usize,
        max: usize,
    ) -> Result<Slice<'a>, M::Error> {
        if len < min || len > max {
            return Err(M::fail(at, field, DecodeErrorKind::BadLength));
        }
        let offset = self.offset();
        let bytes = self.bytes(field, len)?;
        Ok(Slice { bytes, offset })
    }

    /// Fails with `TrailingBytes` unless everything was read.
    #[inline]
    pub(crate) fn finish(&self, field: &'static str) -> Result<(), M::Error> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(M::fail(
                self.offset(),
                field,
                DecodeErrorKind::TrailingBytes,
            ))
        }
    }
}

/// The error of a primitive that ran out of input: kept out of line so the success path of
/// every read stays a bounds check and a load.
#[inline(always)]
fn truncated<M: Mode>(pos: usize, field: &'static str, want: usize, have: usize) -> M::Error {
    M::fail(
        pos,
        field,
        DecodeErrorKind::Truncated {
            needed: want.saturating_sub(have).max(1),
        },
    )
}

/// A reader over a sub-slice that reports offsets shifted by a known base.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ReaderAt<'a, M: Mode = Detailed> {
    pub(crate) inner: Reader<'a, M>,
    pub(crate) base: usize,
}

impl<'a, M: Mode> ReaderAt<'a, M> {
    /// Runs `f` and shifts any error by the base.
    #[inline]
    pub(crate) fn run<O>(
        mut self,
        f: impl FnOnce(&mut Reader<'a, M>) -> Result<O, M::Error>,
    ) -> Result<O, M::Error> {
        f(&mut self.inner).map_err(|e| M::shift(e, self.base))
    }
}

/// Bytes read from a vector, with their absolute offset.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Slice<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) offset: usize,
}

impl<'a> Slice<'a> {
    /// A reader over these bytes that keeps absolute offsets, in the mode of `_outer`, the
    /// reader they were read with (it carries no data the new reader needs; it only fixes the
    /// mode, which the callers could not otherwise name).
    #[inline]
    pub(crate) fn reader<M: Mode>(self, _outer: &Reader<'a, M>) -> Reader<'a, M> {
        Reader {
            rest: self.bytes,
            end: self.offset + self.bytes.len(),
            mode: PhantomData,
        }
    }
}
