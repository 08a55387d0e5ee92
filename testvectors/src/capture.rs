//! The capture table: every file of `captures/`, decoded at build time.

/// Which protocol a capture speaks, decided by its file-name prefix.
///
/// The protocol decides the framing: DTLS captures are whole UDP payloads
/// (one datagram each), TLS captures are whole TLS records from a TCP stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// DTLS 1.2 (RFC 6347), file prefix `dtls12_`.
    Dtls12,
    /// DTLS 1.3 (RFC 9147), file prefix `dtls13_`.
    Dtls13,
    /// TLS 1.3 (RFC 8446), file prefix `tls13_` or `rfc8448_`.
    Tls13,
}

impl Protocol {
    /// True for DTLS: the bytes are one datagram, with 13-byte DTLS record headers.
    pub const fn is_datagram(self) -> bool {
        matches!(self, Protocol::Dtls12 | Protocol::Dtls13)
    }

    /// True for TLS: the bytes are a piece of a TCP stream, with 5-byte record headers.
    pub const fn is_stream(self) -> bool {
        matches!(self, Protocol::Tls13)
    }
}

/// Which message (or flight) a capture holds, decided by its file-name suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `_ch1`: the client's first ClientHello, without a cookie.
    Ch1,
    /// `_ch2`: the client's second ClientHello, carrying the server's cookie.
    Ch2,
    /// `_ch2_flight`: every byte the client sent after CH1 up to the end of CH2
    /// (a middlebox-compatibility ChangeCipherSpec record, then CH2).
    Ch2Flight,
    /// `_hvr`: a DTLS 1.2 HelloVerifyRequest datagram.
    Hvr,
    /// `_hrr`: a HelloRetryRequest record.
    Hrr,
    /// `_hrr_flight`: the HelloRetryRequest record followed by a ChangeCipherSpec record.
    HrrFlight,
    /// `_sh`: a ServerHello record (only in the RFC 8448 trace).
    ServerHello,
}

impl Kind {
    /// True for what a client sends, i.e. the input a hellogate server is fed.
    pub const fn is_from_client(self) -> bool {
        matches!(self, Kind::Ch1 | Kind::Ch2 | Kind::Ch2Flight)
    }
}

/// One real message (or flight) as it went over the wire, with what is known about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capture {
    /// The file stem, e.g. `"tls13_openssl_ch1"`.
    pub name: &'static str,
    /// The scenario the capture belongs to: its name without the kind suffix,
    /// e.g. `"tls13_openssl"`. A scenario's captures are one handshake.
    pub scenario: &'static str,
    /// The protocol, from the name prefix.
    pub protocol: Protocol,
    /// The client that produced the scenario, as PROVENANCE.md describes it.
    pub client: &'static str,
    /// The message kind, from the name suffix.
    pub kind: Kind,
    /// The bytes: one datagram (DTLS) or whole records (TLS).
    pub bytes: &'static [u8],
}

impl Capture {
    /// True for TLS captures (bytes from a TCP stream).
    pub const fn is_stream(&self) -> bool {
        self.protocol.is_stream()
    }

    /// True for DTLS captures (one UDP payload).
    pub const fn is_datagram(&self) -> bool {
        self.protocol.is_datagram()
    }
}

include!(concat!(env!("OUT_DIR"), "/captures_table.rs"));

/// Every capture, sorted by name.
pub fn all() -> &'static [Capture] {
    CAPTURES
}

/// The capture with this file stem (e.g. `"dtls12_openssl_ch1"`), if there is one.
pub fn get(name: &str) -> Option<&'static Capture> {
    CAPTURES.iter().find(|c| c.name == name)
}

/// The captures of one scenario (e.g. `"tls13_openssl"`), sorted by name.
pub fn scenario(name: &str) -> impl Iterator<Item = &'static Capture> {
    CAPTURES.iter().filter(move |c| c.scenario == name)
}

/// Every scenario name once, sorted.
pub fn scenarios() -> impl Iterator<Item = &'static str> {
    let mut names: Vec<&'static str> = CAPTURES.iter().map(|c| c.scenario).collect();
    names.sort_unstable();
    names.dedup();
    names.into_iter()
}
