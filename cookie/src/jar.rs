//! [`CookieJar`]: a key ring plus a config, and the steps both cookie kinds share.

use crate::layout::{HEADER_LEN, Header};
use crate::mac::{self, HmacSha256, MacKey};
use crate::peer::{self, BoundPeer};
use crate::time::{self, Fresh, Stale};
use crate::{ConfigError, CookieConfig, CookieError, KeyRing, SealError};
use core::net::SocketAddr;
use core::time::Duration;

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
    /// after the header already written; this writes the header, MACs the body, the bound
    /// address, the issue time's era and whatever `bind` feeds, and writes the truncated MAC
    /// into `tag`.
    pub(crate) fn seal_with(
        &self,
        now: Duration,
        peer: SocketAddr,
        format: u8,
        body: &mut [u8],
        tag: &mut [u8],
        bind: impl FnOnce(&mut MacInput<'_>),
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
            let full = mac_of(key, body, &bound, time::era(now_ms), bind);
            for (t, m) in tag.iter_mut().zip(full.iter()) {
                *t = *m;
            }
            Ok(())
        })
    }

    /// The opening steps both kinds share, up to and including the MAC: reads the header, finds
    /// the key it names, MACs `body` (the cookie up to the tag), the bound address, the era of
    /// the issue time the stamp reads back as, and whatever `bind` feeds, and compares with
    /// `tag` in constant time. On a MAC failure the clear peer hint decides between
    /// [`CookieError::WrongPeer`] and [`CookieError::BadMac`]. Returns the header, now
    /// authentic.
    pub(crate) fn open_with(
        &self,
        now_ms: u64,
        peer: SocketAddr,
        body: &[u8],
        tag: &[u8],
        bind: impl FnOnce(&mut MacInput<'_>),
    ) -> Result<Header, CookieError> {
        let header = Header::read(body).ok_or(CookieError::Malformed)?;
        let bound = peer::normalise(peer, self.config.binding());
        let era = time::era(time::issue_time(now_ms, header.stamp));
        let tolerance_ms = u64::from(self.config.freshness().future_tolerance_ms);
        let verified = self
            .ring
            .with_verifying_key(now_ms, tolerance_ms, header.key_id, |key| {
                mac::tag_matches(&mac_of(key, body, &bound, era, bind), tag)
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

/// The full MAC of a cookie's whole MAC input: the cookie body up to the tag, the binding
/// byte, the bound address, the issue time's era (2 bytes), then what the cookie kind binds.
fn mac_of(
    key: &MacKey,
    body: &[u8],
    bound: &BoundPeer,
    era: u16,
    bind: impl FnOnce(&mut MacInput<'_>),
) -> [u8; mac::MAC_LEN] {
    let mut hmac = key.start();
    let mut buf = [0u8; GATHER_LEN];
    let mut m = MacInput {
        mac: &mut hmac,
        buf: &mut buf,
        used: 0,
    };
    m.put(body);
    m.u8(bound.tag());
    m.put(bound.bytes());
    m.u16(era);
    bind(&mut m);
    let (start, end) = m.flush_blocks();
    mac::finish(hmac, buf.get(start..end).unwrap_or_default())
}

/// Size of the stack buffer that gathers MAC input: two SHA-256 blocks, so a cookie's MAC input
/// reaches the HMAC in whole blocks, copied once.
const GATHER_LEN: usize = 2 * mac::BLOCK_LEN;

/// MAC input written piece by piece, gathered on the stack and fed to the block-level HMAC it
/// borrows in whole 64-byte blocks (the HMAC state is not moved around with it). Nothing is
/// allocated; whole blocks of a long piece pass straight through.
pub(crate) struct MacInput<'m> {
    mac: &'m mut HmacSha256,
    buf: &'m mut [u8; GATHER_LEN],
    used: usize,
}

impl MacInput<'_> {
    /// Appends `bytes`.
    #[inline]
    pub(crate) fn put(&mut self, mut bytes: &[u8]) {
        loop {
            let end = self.used + bytes.len();
            if let Some(dst) = self.buf.get_mut(self.used..end) {
                dst.copy_from_slice(bytes);
                self.used = end;
                return;
            }
            // Fill the buffer, feed it, then the whole blocks of what is left.
            let (head, rest) = bytes.split_at(GATHER_LEN - self.used);
            if let Some(dst) = self.buf.get_mut(self.used..) {
                dst.copy_from_slice(head);
            }
            mac::update_blocks(self.mac, &self.buf[..]);
            let whole = rest.len() / mac::BLOCK_LEN * mac::BLOCK_LEN;
            let (blocks, tail) = rest.split_at(whole);
            mac::update_blocks(self.mac, blocks);
            self.used = 0;
            bytes = tail;
        }
    }

    /// Appends one byte.
    #[inline]
    pub(crate) fn u8(&mut self, v: u8) {
        self.put(&[v]);
    }

    /// Appends a big-endian u16.
    #[inline]
    pub(crate) fn u16(&mut self, v: u16) {
        self.put(&v.to_be_bytes());
    }

    /// Feeds the whole blocks gathered so far; returns where in the buffer the tail (under
    /// one block, for [`mac::finish`]) lies.
    fn flush_blocks(self) -> (usize, usize) {
        let whole = self.used / mac::BLOCK_LEN * mac::BLOCK_LEN;
        mac::update_blocks(self.mac, self.buf.get(..whole).unwrap_or_default());
        (whole, self.used)
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
