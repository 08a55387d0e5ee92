//! Configuration, validated once at construction.

use alloc::vec::Vec;

use hellogate_codec::{CipherSuite, NamedGroup};
use hellogate_cookie::CookieConfig;

/// How the HelloRetryRequest chooses its key_share.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum HrrKeyShare {
    /// Name, in the HelloRetryRequest's key_share, the server's most preferred group the
    /// client supports but sent no share for; only when there is none, send a cookie-only
    /// HelloRetryRequest. Costs every client a new key share, and works with every client
    /// in the test vectors: GnuTLS 3.7 aborts on a cookie-only HelloRetryRequest.
    #[default]
    NewGroup,
    /// Send a cookie-only HelloRetryRequest when the client already sent an acceptable
    /// share (ClientHello2 reuses it, so no new key generation); name a group only when it
    /// must. OpenSSL and rustls clients accept this; GnuTLS 3.7 does not.
    CookieOnly,
}

/// When to make clients prove their address.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Admission {
    /// Always answer a ClientHello without a valid cookie with a HelloVerifyRequest or
    /// HelloRetryRequest.
    #[default]
    Always,
    /// Validate only while the caller says the server is under load
    /// ([`crate::Listener::set_under_load`]); otherwise accept unvalidated, saving the
    /// round trip.
    UnderLoad,
}

/// What a TLS stream gate does with a client that does not offer TLS 1.3.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum LegacyTls {
    /// Accept it unvalidated and let the TLS stack negotiate TLS 1.2 (TLS over TCP has a
    /// handshake-level return-routability check already: the TCP handshake).
    #[default]
    PassThrough,
    /// Refuse it with a protocol_version alert.
    Refuse,
}

/// The listener's configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// TLS 1.3 cipher suites, server preference first.
    pub cipher_suites: Vec<CipherSuite>,
    /// Key-exchange groups, server preference first.
    pub groups: Vec<NamedGroup>,
    /// How the HelloRetryRequest names its group.
    pub hrr_key_share: HrrKeyShare,
    /// When to validate addresses.
    pub admission: Admission,
    /// TLS streams without 1.3.
    pub legacy_tls: LegacyTls,
    /// While admission does not ask for validation, still answer a (D)TLS 1.3 ClientHello
    /// that offers early_data with a HelloRetryRequest (default). The client then drops its
    /// 0-RTT data (RFC 8446 section 4.2.10), so nothing replayable reaches the server, at the
    /// price of one round trip for those clients only. Off: such ClientHellos are accepted
    /// unvalidated and [`crate::Accepted::early_data`] hands their PSK to the server's 0-RTT
    /// anti-replay gate (`hellogate_session::anti_replay::ZeroRttGate`).
    pub challenge_early_data: bool,
    /// Accept DTLS 1.0/1.2 ClientHellos.
    pub dtls12: bool,
    /// Accept DTLS 1.3 ClientHellos.
    pub dtls13: bool,
    /// Cookie lifetime, skew tolerance and address binding.
    pub cookie: CookieConfig,
    /// Bytes of the reassembly arena made by [`crate::Listener::reassembly`], shared by all
    /// peers: fragmented ClientHellos that cannot be decided from their first fragment wait
    /// here, oldest evicted first. Default 8 KiB: a few post-quantum ClientHellos at once.
    pub reassembly_budget: usize,
    /// Most messages the arena holds at once.
    pub reassembly_messages: usize,
    /// Most bytes a stream gate buffers before a complete ClientHello (one per connection,
    /// allocated when a ClientHello first arrives split, never for one that arrives whole).
    pub max_stream_buffer: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            cipher_suites: Vec::from([
                CipherSuite::TLS_AES_128_GCM_SHA256,
                CipherSuite::TLS_AES_256_GCM_SHA384,
                CipherSuite::TLS_CHACHA20_POLY1305_SHA256,
            ]),
            groups: Vec::from([
                NamedGroup::X25519,
                NamedGroup::SECP256R1,
                NamedGroup::SECP384R1,
            ]),
            hrr_key_share: HrrKeyShare::default(),
            admission: Admission::default(),
            legacy_tls: LegacyTls::default(),
            challenge_early_data: true,
            dtls12: true,
            dtls13: true,
            cookie: CookieConfig::default(),
            max_stream_buffer: DEFAULT_MAX_STREAM_BUFFER,
            reassembly_budget: 8 * 1024,
            reassembly_messages: 8,
        }
    }
}

/// Default stream cap: one full TLS record plus headers; a post-quantum ClientHello (rustls
/// with X25519MLKEM768, 1466 bytes) fits many times over.
pub const DEFAULT_MAX_STREAM_BUFFER: usize = (1 << 14) + 512;

/// A configuration the listener refuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// No TLS 1.3 cipher suite configured (or one that is not a TLS 1.3 suite).
    BadCipherSuites,
    /// No group configured.
    NoGroups,
    /// The stream cap is below one ClientHello's minimum or above 16 MiB.
    BadStreamBuffer,
    /// The cookie settings do not fit the key ring (it rotates faster than cookies live).
    Cookie(hellogate_cookie::ConfigError),
}

impl core::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::BadCipherSuites => "cipher suites must be a non-empty list of TLS 1.3 suites",
            Self::NoGroups => "at least one group is needed",
            Self::BadStreamBuffer => "max_stream_buffer must be between 512 bytes and 16 MiB",
            Self::Cookie(e) => return write!(f, "cookie settings: {e}"),
        })
    }
}

impl core::error::Error for ConfigError {}

impl Config {
    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        if self.cipher_suites.is_empty()
            || self.cipher_suites.iter().any(|s| s.tls13_hash().is_none())
        {
            return Err(ConfigError::BadCipherSuites);
        }
        if self.groups.is_empty() {
            return Err(ConfigError::NoGroups);
        }
        if !(512..=1 << 24).contains(&self.max_stream_buffer) {
            return Err(ConfigError::BadStreamBuffer);
        }
        Ok(())
    }
}
