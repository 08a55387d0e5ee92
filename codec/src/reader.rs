//! A cursor over one input buffer whose primitives are nom's complete parsers.
//!
//! Every structure in this crate is read through [`Reader`]: nom does the byte work, and
//! the reader turns nom's error into a [`DecodeError`] that names the field and its offset
//! from the start of the whole input, so an error deep inside an extension still points at
//! the right byte of the record.

use nom::Parser;
use nom::bytes::complete::take;
use nom::number::complete::{be_u8, be_u16, be_u24, be_u32};

use crate::error::{DecodeError, DecodeErrorKind};

type NomResult<'a, O> = nom::IResult<&'a [u8], O, nom::error::Error<&'a [u8]>>;

/// A cursor over `input[pos..end]`; offsets in errors are absolute within `input`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Reader<'a> {
    input: &'a [u8],
    pos: usize,
    end: usize,
}

impl<'a> Reader<'a> {
    /// A reader over the whole buffer.
    pub(crate) fn new(input: &'a [u8]) -> Self {
        Self {
            input,
            pos: 0,
            end: input.len(),
        }
    }

    /// A reader over `input` whose offsets start at `base` (for parsers handed a sub-slice
    /// whose position in the outer buffer is known).
    pub(crate) fn with_base(input: &'a [u8], base: usize) -> ReaderAt<'a> {
        ReaderAt {
            inner: Self::new(input),
            base,
        }
    }

    /// Current absolute offset.
    pub(crate) fn offset(&self) -> usize {
        self.pos
    }

    /// Bytes left.
    pub(crate) fn remaining(&self) -> usize {
        self.end - self.pos
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.pos >= self.end
    }

    /// The unread bytes.
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.input.get(self.pos..self.end).unwrap_or(&[])
    }

    fn run<O>(
        &mut self,
        field: &'static str,
        want: usize,
        parser: impl FnOnce(&'a [u8]) -> NomResult<'a, O>,
    ) -> Result<O, DecodeError> {
        let rest = self.rest();
        match parser(rest) {
            Ok((after, out)) => {
                self.pos += rest.len() - after.len();
                Ok(out)
            }
            Err(_) => Err(DecodeError::new(
                self.pos,
                field,
                DecodeErrorKind::Truncated {
                    needed: want.saturating_sub(rest.len()).max(1),
                },
            )),
        }
    }

    pub(crate) fn u8(&mut self, field: &'static str) -> Result<u8, DecodeError> {
        self.run(field, 1, be_u8)
    }

    pub(crate) fn u16(&mut self, field: &'static str) -> Result<u16, DecodeError> {
        self.run(field, 2, be_u16)
    }

    pub(crate) fn u24(&mut self, field: &'static str) -> Result<u32, DecodeError> {
        self.run(field, 3, be_u24)
    }

    pub(crate) fn u32(&mut self, field: &'static str) -> Result<u32, DecodeError> {
        self.run(field, 4, be_u32)
    }

    /// A 48-bit big-endian integer (the DTLS record sequence number).
    pub(crate) fn u48(&mut self, field: &'static str) -> Result<u64, DecodeError> {
        let b = self.bytes(field, 6)?;
        Ok(b.iter().fold(0u64, |acc, &x| acc << 8 | u64::from(x)))
    }

    /// Exactly `n` bytes.
    pub(crate) fn bytes(&mut self, field: &'static str, n: usize) -> Result<&'a [u8], DecodeError> {
        self.run(field, n, |i| take(n).parse(i))
    }

    /// Exactly `N` bytes as an array reference.
    pub(crate) fn array<const N: usize>(
        &mut self,
        field: &'static str,
    ) -> Result<&'a [u8; N], DecodeError> {
        let at = self.pos;
        let b = self.bytes(field, N)?;
        b.try_into()
            .map_err(|_| DecodeError::new(at, field, DecodeErrorKind::BadLength))
    }

    /// A vector `<min..max>` with a one-byte length prefix.
    pub(crate) fn vec8(
        &mut self,
        field: &'static str,
        min: usize,
        max: usize,
    ) -> Result<Slice<'a>, DecodeError> {
        let at = self.pos;
        let len = usize::from(self.u8(field)?);
        self.body(field, at, len, min, max)
    }

    /// A vector `<min..max>` with a two-byte length prefix.
    pub(crate) fn vec16(
        &mut self,
        field: &'static str,
        min: usize,
        max: usize,
    ) -> Result<Slice<'a>, DecodeError> {
        let at = self.pos;
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
    ) -> Result<Slice<'a>, DecodeError> {
        if len < min || len > max {
            return Err(DecodeError::new(at, field, DecodeErrorKind::BadLength));
        }
        let offset = self.pos;
        let bytes = self.bytes(field, len)?;
        Ok(Slice { bytes, offset })
    }

    /// Fails with `TrailingBytes` unless everything was read.
    pub(crate) fn finish(&self, field: &'static str) -> Result<(), DecodeError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(DecodeError::new(
                self.pos,
                field,
                DecodeErrorKind::TrailingBytes,
            ))
        }
    }
}

/// A reader over a sub-slice that reports offsets shifted by a known base.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ReaderAt<'a> {
    pub(crate) inner: Reader<'a>,
    pub(crate) base: usize,
}

impl<'a> ReaderAt<'a> {
    /// Runs `f` and shifts any error by the base.
    pub(crate) fn run<O>(
        mut self,
        f: impl FnOnce(&mut Reader<'a>) -> Result<O, DecodeError>,
    ) -> Result<O, DecodeError> {
        f(&mut self.inner).map_err(|e| e.shifted(self.base))
    }
}

/// Bytes read from a vector, with their absolute offset.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Slice<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) offset: usize,
}

impl<'a> Slice<'a> {
    /// A reader over these bytes that keeps absolute offsets.
    pub(crate) fn reader(self, outer: &Reader<'a>) -> Reader<'a> {
        Reader {
            input: outer.input,
            pos: self.offset,
            end: self.offset + self.bytes.len(),
        }
    }
}
