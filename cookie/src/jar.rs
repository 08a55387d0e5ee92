//! [`CookieJar`]: a key ring plus a config, and the steps both cookie kinds share.

use crate::keys::KeyRef;
use crate::layout::{HEADER_LEN, Header};
use crate::mac::{self, HmacSha256};
use crate::peer::{self, PEER_LEN};
use crate::time::{self, Fresh, Stale};
use crate::{AddressBinding, ConfigError, CookieConfig, CookieError, KeyRing};
use core::net::SocketAddr;
use core::time::Duration;
use hmac::Mac;

/// Seals and opens cookies: a [`KeyRing`] and a [`CookieConfig`].
///
/// Sealing and opening take `&self`, allocate nothing, and compute exactly one HMAC-SHA256
/// (plus an epoch-key derivation when [`refresh`](Self::refresh) has not cached the key).
/// See [`seal_dtls12`](Self::seal_dtls12), [`open_dtls12`](Self::open_dtls12),
/// [`seal_hrr`](Self::seal_hrr) and [`open_hrr`](Self::open_hrr).
#[derive(Debug)]
pub struct CookieJar {
    pub(crate) ring: KeyRing,
    pub(crate) config: CookieConfig,
}

impl CookieJar {
    /// Combines a ring and a config.
    ///
    /// # Errors
    /// [`ConfigError::RotationShorterThanLifetime`] when a master-secret ring rotates faster than
    /// the lifetime or the future tolerance: cookies that are still fresh would then be signed by
    /// an epoch the ring no longer accepts, and fail as `UnknownKey` before their time.
    pub fn new(ring: KeyRing, config: CookieConfig) -> Result<Self, ConfigError> {
        if let Some(period) = ring.rotation_period() {
            if period < config.lifetime() || period < config.future_tolerance() {
                return Err(ConfigError::RotationShorterThanLifetime);
            }
        }
        Ok(Self { ring, config })
    }

    /// The key ring (read-only).
    pub fn ring(&self) -> &KeyRing {
        &self.ring
    }

    /// The key ring, to install, promote or retire operator keys.
    pub fn ring_mut(&mut self) -> &mut KeyRing {
        &mut self.ring
    }

    /// The config.
    pub fn config(&self) -> &CookieConfig {
        &self.config
    }

    /// Caches the epoch keys `now` needs; see [`KeyRing::refresh`].
    pub fn refresh(&mut self, now: Duration) {
        self.ring.refresh(now);
    }

    /// Starts sealing at `now` for `peer`: the header to write and a MAC that has absorbed
    /// nothing yet.
    pub(crate) fn begin_seal(
        &self,
        now: Duration,
        peer: SocketAddr,
        format: u8,
    ) -> (Header, KeyRef<'_>, [u8; PEER_LEN]) {
        let now_ms = time::millis(now);
        let (key_id, key) = self.ring.sealing_key(now_ms);
        let bound = peer::normalise(peer, self.config.binding());
        let header = Header {
            format,
            key_id,
            stamp: time::stamp(now_ms),
            hint: peer::hint(&bound),
        };
        (header, key, bound)
    }

    /// Starts the MAC both kinds share: the cookie body up to the tag, then the binding and the
    /// bound address.
    pub(crate) fn mac_start(
        &self,
        key: &KeyRef<'_>,
        body: &[u8],
        bound: &[u8; PEER_LEN],
    ) -> HmacSha256 {
        let mut buf = [0u8; 1 + PEER_LEN];
        let (mode, addr) = buf.split_at_mut(1);
        mode.fill(match self.config.binding() {
            AddressBinding::IpAndPort => 0,
            AddressBinding::IpOnly => 1,
        });
        addr.copy_from_slice(bound);
        let mut m = key.key().start();
        m.update(body);
        m.update(&buf);
        m
    }

    /// The steps of opening that come before the MAC: the header, and the key it names.
    pub(crate) fn begin_open(
        &self,
        now: Duration,
        cookie: &[u8],
    ) -> Result<(u64, Header, KeyRef<'_>), CookieError> {
        let now_ms = time::millis(now);
        let header = Header::read(cookie).ok_or(CookieError::Malformed)?;
        let tolerance_ms = time::millis(self.config.future_tolerance());
        let key = self
            .ring
            .verifying_key(now_ms, tolerance_ms, header.key_id)
            .ok_or(CookieError::UnknownKey)?;
        Ok((now_ms, header, key))
    }

    /// Finishes the MAC and compares it with `tag` in constant time. On failure, the clear
    /// peer hint decides between [`CookieError::WrongPeer`] and [`CookieError::BadMac`].
    pub(crate) fn check_mac(
        mac: HmacSha256,
        tag: &[u8],
        header: &Header,
        bound: &[u8; PEER_LEN],
    ) -> Result<(), CookieError> {
        if mac::verify(mac, tag) {
            Ok(())
        } else if header.hint != peer::hint(bound) {
            Err(CookieError::WrongPeer)
        } else {
            Err(CookieError::BadMac)
        }
    }

    /// The freshness verdict for a cookie whose MAC verified.
    pub(crate) fn freshness(&self, now_ms: u64, header: &Header) -> Result<Fresh, CookieError> {
        self.config
            .freshness()
            .check(now_ms, header.stamp)
            .map_err(|stale| match stale {
                Stale::Expired => CookieError::Expired,
                Stale::FromFuture => CookieError::FromFuture,
            })
    }
}

/// Splits `cookie` into the part the MAC covers and the tag, at `tag_at`.
pub(crate) fn split_tag(cookie: &[u8], tag_at: usize) -> Result<(&[u8], &[u8]), CookieError> {
    if tag_at < HEADER_LEN {
        return Err(CookieError::Malformed);
    }
    cookie
        .split_at_checked(tag_at)
        .ok_or(CookieError::Malformed)
}
