//! A tiny big-endian byte builder for the generated vectors.
//!
//! Deliberately independent of `hellogate-codec`: vectors encoded here cross-check
//! the codec instead of sharing its mistakes.

/// Appends big-endian integers and length-prefixed vectors to a `Vec<u8>`.
#[derive(Debug, Default)]
pub(crate) struct Builder {
    buf: Vec<u8>,
}

impl Builder {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    pub(crate) fn u8(&mut self, v: u8) -> &mut Self {
        self.buf.push(v);
        self
    }

    pub(crate) fn u16(&mut self, v: u16) -> &mut Self {
        self.bytes(&v.to_be_bytes())
    }

    /// `uint24`, as in handshake lengths and fragment offsets.
    pub(crate) fn u24(&mut self, v: u32) -> &mut Self {
        assert!(v < 1 << 24, "u24 out of range: {v}");
        self.bytes(&v.to_be_bytes()[1..])
    }

    /// `uint48`, as in the DTLS record sequence number.
    pub(crate) fn u48(&mut self, v: u64) -> &mut Self {
        assert!(v < 1 << 48, "u48 out of range: {v}");
        self.bytes(&v.to_be_bytes()[2..])
    }

    pub(crate) fn bytes(&mut self, v: &[u8]) -> &mut Self {
        self.buf.extend_from_slice(v);
        self
    }

    /// `opaque x<0..2^8-1>`: a one-byte length, then the bytes.
    pub(crate) fn vec8(&mut self, v: &[u8]) -> &mut Self {
        let len = u8::try_from(v.len()).expect("vector longer than 255 bytes");
        self.u8(len).bytes(v)
    }

    /// `opaque x<0..2^16-1>`: a two-byte length, then the bytes.
    pub(crate) fn vec16(&mut self, v: &[u8]) -> &mut Self {
        let len = u16::try_from(v.len()).expect("vector longer than 65535 bytes");
        self.u16(len).bytes(v)
    }

    pub(crate) fn finish(&mut self) -> Vec<u8> {
        core::mem::take(&mut self.buf)
    }
}

/// DTLS record: type, version, epoch, sequence_number, length, fragment (RFC 6347 4.1).
pub(crate) fn dtls_record(
    content_type: u8,
    version: [u8; 2],
    epoch: u16,
    sequence: u64,
    fragment: &[u8],
) -> Vec<u8> {
    Builder::new()
        .u8(content_type)
        .bytes(&version)
        .u16(epoch)
        .u48(sequence)
        .vec16(fragment)
        .finish()
}

/// DTLS handshake header plus the fragment (RFC 6347 4.2.2): msg_type, length,
/// message_seq, fragment_offset, fragment_length.
pub(crate) fn dtls_handshake(
    msg_type: u8,
    length: u32,
    message_seq: u16,
    fragment_offset: u32,
    fragment: &[u8],
) -> Vec<u8> {
    let fragment_length = u32::try_from(fragment.len()).expect("fragment too long");
    Builder::new()
        .u8(msg_type)
        .u24(length)
        .u16(message_seq)
        .u24(fragment_offset)
        .u24(fragment_length)
        .bytes(fragment)
        .finish()
}

/// TLS record: type, legacy_record_version, length, fragment (RFC 8446 5.1).
pub(crate) fn tls_record(content_type: u8, version: [u8; 2], fragment: &[u8]) -> Vec<u8> {
    Builder::new()
        .u8(content_type)
        .bytes(&version)
        .vec16(fragment)
        .finish()
}

/// Record content types (RFC 8446 appendix B.1).
pub(crate) const CHANGE_CIPHER_SPEC: u8 = 20;
pub(crate) const HANDSHAKE: u8 = 22;
pub(crate) const APPLICATION_DATA: u8 = 23;
/// Handshake type client_hello.
pub(crate) const CLIENT_HELLO: u8 = 1;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_big_endian_and_sized() {
        let b = Builder::new()
            .u8(1)
            .u16(0x0203)
            .u24(0x040506)
            .u48(0x0708090a0b0c)
            .finish();
        assert_eq!(b, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    }

    #[test]
    fn vectors_carry_their_length() {
        assert_eq!(Builder::new().vec8(&[9, 9]).finish(), [2, 9, 9]);
        assert_eq!(Builder::new().vec16(&[7]).finish(), [0, 1, 7]);
        assert_eq!(Builder::new().vec8(&[]).finish(), [0]);
    }

    #[test]
    #[should_panic(expected = "u24 out of range")]
    fn u24_rejects_values_that_do_not_fit() {
        Builder::new().u24(1 << 24);
    }

    #[test]
    fn dtls_record_header_layout() {
        let r = dtls_record(22, [0xfe, 0xff], 1, 0x0102_0304_0506, &[0xaa, 0xbb]);
        assert_eq!(
            r,
            [22, 0xfe, 0xff, 0, 1, 1, 2, 3, 4, 5, 6, 0, 2, 0xaa, 0xbb]
        );
    }
}
