//! [`CookieJar`]: a key ring plus a config, and the steps both cookie kinds share.

use crate::layout::{HEADER_LEN, Header};
use crate::mac::{self, MacKey};
use crate::peer::{self, PEER_LEN};
use crate::time::{self, Fresh, Stale};
use crate::{AddressBinding, ConfigError, CookieConfig, CookieError, KeyRing, SealError};
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

    /// The sealing steps both kinds share. `body` is the cookie up to the tag, with everything
    /// after the header already written; this writes the header, MACs the body, the binding, the
    /// bound address and whatever `extra` feeds, and writes the truncated MAC into `tag`.
    pub(crate) fn seal_with(
        &self,
        now: Duration,
        peer: SocketAddr,
        format: u8,
        body: &mut [u8],
        tag: &mut [u8],
        tail: &MacTail<'_>,
    ) -> Result<(), SealError> {
        let now_ms = time::millis(now);
        let bound = peer::normalise(peer, self.config.binding());
        self.ring.with_sealing_key(now_ms, |key_id, key| {
            let header = Header {
                format,
                key_id,
                stamp: time::stamp(now_ms),
                hint: peer::hint(&bound),
            };
            body.get_mut(..HEADER_LEN)
                .ok_or(SealError::BufferTooSmall { needed: HEADER_LEN })?
                .copy_from_slice(&header.bytes());
            let full = self.mac_of(key, body, &bound, tail);
            for (t, m) in tag.iter_mut().zip(full.iter()) {
                *t = *m;
            }
            Ok(())
        })
    }

    /// The opening steps both kinds share, up to and including the MAC: reads the header, finds
    /// the key it names, MACs `body` (the cookie up to the tag), the binding, the bound address
    /// and whatever `extra` feeds, and compares with `tag` in constant time. On a MAC failure the
    /// clear peer hint decides between [`CookieError::WrongPeer`] and [`CookieError::BadMac`].
    /// Returns the header, now authentic.
    pub(crate) fn open_with(
        &self,
        now_ms: u64,
        peer: SocketAddr,
        body: &[u8],
        tag: &[u8],
        tail: &MacTail<'_>,
    ) -> Result<Header, CookieError> {
        let header = Header::read(body).ok_or(CookieError::Malformed)?;
        let bound = peer::normalise(peer, self.config.binding());
        let tolerance_ms = u64::from(self.config.freshness().future_tolerance_ms);
        let verified = self
            .ring
            .with_verifying_key(now_ms, tolerance_ms, header.key_id, |key| {
                mac::tag_matches(&self.mac_of(key, body, &bound, tail), tag)
            })
            .ok_or(CookieError::UnknownKey)?;
        if verified {
            Ok(header)
        } else if header.hint != peer::hint(&bound) {
            Err(CookieError::WrongPeer)
        } else {
            Err(CookieError::BadMac)
        }
    }

    /// The full MAC of the whole MAC input: the cookie body up to the tag, the binding byte, the
    /// bound address, `tail.fixed`, then each of `tail.variable`. The fixed parts are gathered in
    /// one stack buffer first: one `update` over whole blocks costs less than many small ones.
    fn mac_of(
        &self,
        key: &MacKey,
        body: &[u8],
        bound: &[u8; PEER_LEN],
        tail: &MacTail<'_>,
    ) -> [u8; mac::MAC_LEN] {
        let mode = [match self.config.binding() {
            AddressBinding::IpAndPort => 0,
            AddressBinding::IpOnly => 1,
        }];
        let parts: [&[u8]; 4] = [body, &mode, bound, tail.fixed];
        let mut m = key.start();
        let mut scratch = [0u8; SCRATCH_LEN];
        let mut used = 0;
        for part in parts {
            let end = used + part.len();
            match scratch.get_mut(used..end) {
                Some(dst) => {
                    dst.copy_from_slice(part);
                    used = end;
                }
                // Not reached with this crate's layouts (at most 79 fixed bytes); correct anyway.
                None => {
                    m.update(scratch.get(..used).unwrap_or_default());
                    m.update(part);
                    used = 0;
                }
            }
        }
        m.update(scratch.get(..used).unwrap_or_default());
        for part in tail.variable {
            m.update(part);
        }
        mac::finish(m)
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

/// Size of the stack buffer that gathers the fixed part of the MAC input.
const SCRATCH_LEN: usize = 128;

/// What a cookie kind adds to the MAC input after the bound address: fixed-size fields, then
/// variable-length ones (whose lengths the fixed part must already have stated).
pub(crate) struct MacTail<'a> {
    pub(crate) fixed: &'a [u8],
    pub(crate) variable: &'a [&'a [u8]],
}

impl MacTail<'_> {
    /// Nothing more: HelloRetryRequest cookies carry all they bind.
    pub(crate) const NONE: MacTail<'static> = MacTail {
        fixed: &[],
        variable: &[],
    };
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
