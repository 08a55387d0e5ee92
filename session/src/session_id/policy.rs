//! Generating session IDs: length, host prefix, random fill, uniqueness.

use core::fmt;
use core::time::Duration;

use super::store::SessionIdStore;
use crate::RandomSource;

/// The longest session ID TLS allows (`opaque SessionID<0..32>`).
pub const MAX_SESSION_ID_LEN: usize = 32;

/// The fewest random bytes an ID with a host prefix may keep: 128 bits, so
/// that IDs stay unguessable and collisions across a fleet negligible.
pub const MIN_RANDOM_LEN: usize = 16;

/// The longest host prefix: what 32 bytes leave after 16 random ones.
pub const MAX_HOST_PREFIX_LEN: usize = MAX_SESSION_ID_LEN - MIN_RANDOM_LEN;

/// How the server wants its session IDs made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionIdConfig<'a> {
    /// Bytes per ID, 1..=32. Below 16 only without a host prefix, and
    /// only as the operator's explicit choice.
    pub length: u8,
    /// Leading bytes naming the issuing host, so a load balancer can send a
    /// resumption back to it (see [`SessionIdPolicy::route`]). Every host
    /// of a fleet uses the same length and its own value. Sent in the
    /// clear: it must not encode anything secret. Empty for none.
    pub host_prefix: &'a [u8],
    /// How many fresh IDs to try against the store before failing the
    /// handshake, at least 1.
    pub max_attempts: u8,
}

/// Why a [`SessionIdConfig`] was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// `length` is 0 or above 32.
    Length {
        /// The length asked for.
        length: u8,
    },
    /// The prefix leaves fewer than [`MIN_RANDOM_LEN`] random bytes.
    /// Refused rather than silently weakening the IDs.
    PrefixTooLong {
        /// The prefix length given.
        prefix_len: usize,
        /// The most this `length` allows.
        max: usize,
    },
    /// `max_attempts` is 0: no ID could ever be issued.
    NoAttempts,
}

/// Why no session ID was produced. Either way the handshake must fail (or
/// go on without a session ID); an ID is never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionIdError {
    /// The caller's buffer is shorter than the configured length.
    BufferTooSmall {
        /// The bytes needed.
        needed: usize,
    },
    /// Every attempt conflicted with the store.
    AttemptsExhausted {
        /// How many IDs were tried: exactly the configured `max_attempts`.
        attempts: u8,
    },
}

/// The host named by a session ID's prefix.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct HostId {
    bytes: [u8; MAX_HOST_PREFIX_LEN],
    len: u8,
}

impl HostId {
    fn new(prefix: &[u8]) -> Option<Self> {
        let mut bytes = [0u8; MAX_HOST_PREFIX_LEN];
        bytes.get_mut(..prefix.len())?.copy_from_slice(prefix);
        Some(Self {
            bytes,
            len: prefix.len() as u8,
        })
    }

    /// The prefix bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or(&[])
    }
}

impl fmt::Debug for HostId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HostId(")?;
        for b in self.as_bytes() {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

/// What a TLS 1.3 or DTLS 1.3 server puts in ServerHello.legacy_session_id_echo.
///
/// TLS 1.3 has no server-chosen session IDs: resumption uses PSKs, and the
/// field only exists for middlebox compatibility (RFC 8446 section 4.1.3).
/// The policy's [`generate`](SessionIdPolicy::generate) is therefore for
/// TLS 1.2 and DTLS 1.2 only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tls13SessionId {
    /// TLS 1.3: echo the client's legacy_session_id byte for byte.
    EchoLegacy,
    /// DTLS 1.3: send it empty (RFC 9147 section 5.3: no echo in DTLS 1.3).
    Empty,
}

impl Tls13SessionId {
    /// The bytes to send, given the client's legacy_session_id.
    pub fn server_value(self, client_legacy_session_id: &[u8]) -> &[u8] {
        match self {
            Self::EchoLegacy => client_legacy_session_id,
            Self::Empty => &[],
        }
    }
}

/// Makes unique, routable session IDs for TLS 1.2 and DTLS 1.2 servers.
///
/// The policy is immutable after construction and holds no secret (the
/// prefix is public), so one value serves every connection.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SessionIdPolicy {
    length: u8,
    host: HostId,
    max_attempts: u8,
}

impl fmt::Debug for SessionIdPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionIdPolicy")
            .field("length", &self.length)
            .field("host", &self.host)
            .field("max_attempts", &self.max_attempts)
            .finish()
    }
}

impl SessionIdPolicy {
    /// Validates `config` once, so generation can never meet a bad one.
    pub fn new(config: SessionIdConfig<'_>) -> Result<Self, ConfigError> {
        let length = usize::from(config.length);
        if length == 0 || length > MAX_SESSION_ID_LEN {
            return Err(ConfigError::Length {
                length: config.length,
            });
        }
        let prefix_len = config.host_prefix.len();
        if prefix_len > 0 && length.saturating_sub(prefix_len) < MIN_RANDOM_LEN {
            return Err(ConfigError::PrefixTooLong {
                prefix_len,
                max: length.saturating_sub(MIN_RANDOM_LEN),
            });
        }
        if config.max_attempts == 0 {
            return Err(ConfigError::NoAttempts);
        }
        let host = HostId::new(config.host_prefix).ok_or(ConfigError::PrefixTooLong {
            prefix_len,
            max: MAX_HOST_PREFIX_LEN,
        })?;
        Ok(Self {
            length: config.length,
            host,
            max_attempts: config.max_attempts,
        })
    }

    /// What TLS 1.3 does instead of generating: see [`Tls13SessionId`].
    pub const fn for_tls13() -> Tls13SessionId {
        Tls13SessionId::EchoLegacy
    }

    /// What DTLS 1.3 does instead of generating: see [`Tls13SessionId`].
    pub const fn for_dtls13() -> Tls13SessionId {
        Tls13SessionId::Empty
    }

    /// The configured ID length.
    pub fn length(&self) -> usize {
        usize::from(self.length)
    }

    /// This host's prefix.
    pub fn host_id(&self) -> HostId {
        self.host
    }

    /// Writes a fresh, reserved session ID into `out` and returns its length.
    ///
    /// Each attempt writes the host prefix, fills the rest from `rng` and
    /// asks `store` to reserve the whole ID atomically. After
    /// `max_attempts` conflicts it fails with
    /// [`SessionIdError::AttemptsExhausted`] and leaves `out` zeroed, so a
    /// careless caller cannot send a taken ID.
    pub fn generate(
        &self,
        rng: &mut impl RandomSource,
        store: &impl SessionIdStore,
        now: Duration,
        out: &mut [u8],
    ) -> Result<usize, SessionIdError> {
        let length = self.length();
        let Some(id) = out.get_mut(..length) else {
            return Err(SessionIdError::BufferTooSmall { needed: length });
        };
        let prefix = self.host.as_bytes();
        if let Some(head) = id.get_mut(..prefix.len()) {
            head.copy_from_slice(prefix);
        }
        for _ in 0..self.max_attempts {
            if let Some(random) = id.get_mut(prefix.len()..) {
                rng.fill(random);
            }
            if store.reserve(id, now).is_ok() {
                return Ok(length);
            }
        }
        id.fill(0);
        Err(SessionIdError::AttemptsExhausted {
            attempts: self.max_attempts,
        })
    }

    /// Which host issued the session ID a client offers, if any.
    ///
    /// `None` when this policy uses no prefix, or `offered` does not have
    /// the fleet's ID length (an ID from elsewhere, or a TLS 1.3 client's
    /// random legacy_session_id of another length). A matching length is
    /// all that can be checked: the prefix is public, so a client can claim
    /// any host, and the chosen host's own cache decides whether the
    /// session resumes.
    pub fn route(&self, offered: &[u8]) -> Option<HostId> {
        if self.host.len == 0 || offered.len() != self.length() {
            return None;
        }
        HostId::new(offered.get(..usize::from(self.host.len))?)
    }

    /// Whether `offered` names this host (see [`route`](Self::route)).
    pub fn is_local(&self, offered: &[u8]) -> bool {
        self.route(offered) == Some(self.host)
    }
}
