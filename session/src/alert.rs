//! The two alerts the policies answer with, as wire values.
//!
//! Small local types rather than a codec dependency: the codec is written in
//! parallel, and a verdict only needs the two bytes of an Alert body
//! (RFC 5246 section 7.2, RFC 8446 section 6).

/// AlertLevel (RFC 5246 section 7.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum AlertLevel {
    /// The connection survives the alert.
    Warning = 1,
    /// The connection is closed after the alert.
    Fatal = 2,
}

/// The AlertDescription values the session policies use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum AlertDescription {
    /// handshake_failure (40): the server cannot or will not go on with
    /// this handshake. Used to close a connection for insecure or abusive
    /// renegotiation, since no more specific alert exists for either.
    HandshakeFailure = 40,
    /// no_renegotiation (100): a renegotiation was refused. RFC 5246 says
    /// this alert is always a warning.
    NoRenegotiation = 100,
}

/// An Alert message body: level and description.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Alert {
    /// Whether the connection survives.
    pub level: AlertLevel,
    /// Why.
    pub description: AlertDescription,
}

impl Alert {
    /// warning no_renegotiation: the peer's renegotiation is refused and the
    /// connection carries on with its current keys.
    pub const NO_RENEGOTIATION: Alert = Alert {
        level: AlertLevel::Warning,
        description: AlertDescription::NoRenegotiation,
    };

    /// fatal handshake_failure: the connection is closed.
    pub const FATAL_HANDSHAKE_FAILURE: Alert = Alert {
        level: AlertLevel::Fatal,
        description: AlertDescription::HandshakeFailure,
    };

    /// The two bytes of the Alert body, ready for a record.
    pub const fn to_bytes(self) -> [u8; 2] {
        [self.level as u8, self.description as u8]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_values_are_the_rfc_ones() {
        // RFC 5246 7.2: warning(1), fatal(2); handshake_failure(40), no_renegotiation(100).
        assert_eq!(Alert::NO_RENEGOTIATION.to_bytes(), [1, 100]);
        assert_eq!(Alert::FATAL_HANDSHAKE_FAILURE.to_bytes(), [2, 40]);
    }
}
