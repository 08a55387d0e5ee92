//! Alert and ChangeCipherSpec, the two non-handshake records a first flight can hold.

use crate::enums::{AlertDescription, AlertLevel, ContentType, ProtocolVersion};
use crate::error::{DecodeError, DecodeErrorKind, EncodeError};
use crate::reader::{Detailed, Reader};
use crate::record::{DTLS_RECORD_HEADER_LEN, DtlsRecordHeader, TLS_RECORD_HEADER_LEN};
use crate::writer::Writer;

/// How a record-level message (alert, ChangeCipherSpec) is framed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordFraming {
    /// A TLS record.
    Tls {
        /// legacy_record_version.
        version: ProtocolVersion,
    },
    /// A DTLS record.
    Dtls {
        /// legacy_record_version.
        version: ProtocolVersion,
        /// Epoch.
        epoch: u16,
        /// 48-bit sequence number.
        sequence_number: u64,
    },
}

impl RecordFraming {
    /// Header length.
    pub const fn overhead(self) -> usize {
        match self {
            Self::Tls { .. } => TLS_RECORD_HEADER_LEN,
            Self::Dtls { .. } => DTLS_RECORD_HEADER_LEN,
        }
    }

    fn write(self, ct: ContentType, payload: &[u8], out: &mut [u8]) -> Result<usize, EncodeError> {
        let total = self.overhead() + payload.len();
        let len = crate::writer::len16("record length", payload.len())?;
        if let Self::Dtls {
            sequence_number, ..
        } = self
        {
            crate::record::check_dtls_sequence(sequence_number)?;
        }
        let mut w = Writer::new(out, total)?;
        match self {
            Self::Tls { version } => {
                w.u8(ct.0)?;
                w.u16(version.0)?;
                w.u16(len)?;
            }
            Self::Dtls {
                version,
                epoch,
                sequence_number,
            } => DtlsRecordHeader {
                content_type: ct,
                version,
                epoch,
                sequence_number,
                length: len,
            }
            .put(&mut w)?,
        }
        w.bytes(payload)?;
        w.done(total)
    }
}

/// An alert (RFC 8446 section 6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Alert {
    /// Level (ignored by TLS 1.3 receivers but still on the wire).
    pub level: AlertLevel,
    /// Description.
    pub description: AlertDescription,
}

impl Alert {
    /// A fatal alert.
    pub const fn fatal(description: AlertDescription) -> Self {
        Self {
            level: AlertLevel::FATAL,
            description,
        }
    }

    /// A warning alert (e.g. no_renegotiation under RFC 5746).
    pub const fn warning(description: AlertDescription) -> Self {
        Self {
            level: AlertLevel::WARNING,
            description,
        }
    }

    /// Parses an alert record's fragment (exactly two bytes).
    pub fn parse(fragment: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::<Detailed>::new(fragment);
        let level = AlertLevel(r.u8("Alert.level")?);
        let description = AlertDescription(r.u8("Alert.description")?);
        r.finish("Alert")?;
        Ok(Self { level, description })
    }

    /// Encoded length with `framing`.
    pub const fn encoded_len(framing: RecordFraming) -> usize {
        framing.overhead() + 2
    }

    /// Writes the alert as a record.
    pub fn write(&self, framing: RecordFraming, out: &mut [u8]) -> Result<usize, EncodeError> {
        framing.write(ContentType::ALERT, &[self.level.0, self.description.0], out)
    }
}

/// A ChangeCipherSpec record's single byte, which must be 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChangeCipherSpec;

impl ChangeCipherSpec {
    /// Parses a ChangeCipherSpec record's fragment. RFC 8446 section 5 says a CCS whose
    /// byte is not 0x01 ends the handshake with unexpected_message: this returns
    /// `BadChangeCipherSpec`, whose [`alert`](DecodeError::alert) is that.
    pub fn parse(fragment: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::<Detailed>::new(fragment);
        let at = r.offset();
        let v = r.u8("ChangeCipherSpec.type")?;
        r.finish("ChangeCipherSpec")?;
        if v != 1 {
            return Err(DecodeError::new(
                at,
                "ChangeCipherSpec.type",
                DecodeErrorKind::BadChangeCipherSpec,
            ));
        }
        Ok(Self)
    }

    /// Encoded length with `framing`.
    pub const fn encoded_len(framing: RecordFraming) -> usize {
        framing.overhead() + 1
    }

    /// Writes the ChangeCipherSpec record.
    pub fn write(&self, framing: RecordFraming, out: &mut [u8]) -> Result<usize, EncodeError> {
        framing.write(ContentType::CHANGE_CIPHER_SPEC, &[1], out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ccs_is_the_six_bytes_clients_send() {
        let mut out = [0u8; 6];
        let f = RecordFraming::Tls {
            version: ProtocolVersion::TLS1_2,
        };
        assert_eq!(ChangeCipherSpec.write(f, &mut out), Ok(6));
        assert_eq!(out, [0x14, 0x03, 0x03, 0x00, 0x01, 0x01]);
        let e = ChangeCipherSpec::parse(&[2]).unwrap_err();
        assert_eq!(e.kind, DecodeErrorKind::BadChangeCipherSpec);
        assert_eq!((e.offset, e.field), (0, "ChangeCipherSpec.type"));
        assert_eq!(e.alert(), AlertDescription::UNEXPECTED_MESSAGE);
    }

    #[test]
    fn alert_layout_and_round_trip() {
        let mut out = [0u8; 15];
        let f = RecordFraming::Dtls {
            version: ProtocolVersion::DTLS1_2,
            epoch: 0,
            sequence_number: 7,
        };
        let a = Alert::fatal(AlertDescription::ILLEGAL_PARAMETER);
        assert_eq!(a.write(f, &mut out), Ok(15));
        assert_eq!(&out[..3], &[21, 0xfe, 0xfd]);
        assert_eq!(&out[11..], &[0, 2, 2, 47]);
        assert_eq!(Alert::parse(&out[13..]), Ok(a));
        assert_eq!(
            a.write(f, &mut [0; 14]),
            Err(EncodeError::BufferTooSmall { needed: 15 })
        );
    }
}
