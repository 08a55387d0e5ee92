//! The writing side: a cursor over a caller's buffer.
//!
//! Every message type computes its exact encoded length first, so a too-small buffer is
//! reported as [`EncodeError::BufferTooSmall`] with the size the whole message needs
//! before a single byte is written. After that check the writes cannot fail, but they are
//! still bounds-checked: a mistake in a length computation becomes an error, not a panic.

use crate::error::EncodeError;

/// A cursor over a caller-owned output buffer.
#[derive(Debug)]
pub(crate) struct Writer<'b> {
    buf: &'b mut [u8],
    pos: usize,
}

impl<'b> Writer<'b> {
    /// Starts writing a message of exactly `len` bytes at the front of `buf`.
    pub(crate) fn new(buf: &'b mut [u8], len: usize) -> Result<Self, EncodeError> {
        if buf.len() < len {
            return Err(EncodeError::BufferTooSmall { needed: len });
        }
        Ok(Self { buf, pos: 0 })
    }

    pub(crate) fn bytes(&mut self, b: &[u8]) -> Result<(), EncodeError> {
        let end = self.pos + b.len();
        let dst = self
            .buf
            .get_mut(self.pos..end)
            .ok_or(EncodeError::BufferTooSmall { needed: end })?;
        dst.copy_from_slice(b);
        self.pos = end;
        Ok(())
    }

    pub(crate) fn u8(&mut self, v: u8) -> Result<(), EncodeError> {
        self.bytes(&[v])
    }

    pub(crate) fn u16(&mut self, v: u16) -> Result<(), EncodeError> {
        self.bytes(&v.to_be_bytes())
    }

    pub(crate) fn u24(&mut self, v: u32) -> Result<(), EncodeError> {
        let b = v.to_be_bytes();
        self.bytes(&b[1..])
    }

    pub(crate) fn u48(&mut self, v: u64) -> Result<(), EncodeError> {
        let b = v.to_be_bytes();
        self.bytes(&b[2..])
    }

    /// A vector with a one-byte length prefix.
    pub(crate) fn vec8(&mut self, field: &'static str, b: &[u8]) -> Result<(), EncodeError> {
        let len = u8::try_from(b.len()).map_err(|_| EncodeError::TooLong { field })?;
        self.u8(len)?;
        self.bytes(b)
    }

    /// A vector with a two-byte length prefix.
    pub(crate) fn vec16(&mut self, field: &'static str, b: &[u8]) -> Result<(), EncodeError> {
        let len = u16::try_from(b.len()).map_err(|_| EncodeError::TooLong { field })?;
        self.u16(len)?;
        self.bytes(b)
    }

    /// Finishes, checking that exactly the announced length was written.
    pub(crate) fn done(self, len: usize) -> Result<usize, EncodeError> {
        if self.pos == len {
            Ok(len)
        } else {
            Err(EncodeError::BufferTooSmall {
                needed: len.max(self.pos),
            })
        }
    }
}

/// `u16` of a length, or `TooLong` naming the field.
pub(crate) fn len16(field: &'static str, len: usize) -> Result<u16, EncodeError> {
    u16::try_from(len).map_err(|_| EncodeError::TooLong { field })
}

/// `u24` of a length, or `TooLong` naming the field.
pub(crate) fn len24(field: &'static str, len: usize) -> Result<u32, EncodeError> {
    match u32::try_from(len) {
        Ok(v) if v < 1 << 24 => Ok(v),
        _ => Err(EncodeError::TooLong { field }),
    }
}
