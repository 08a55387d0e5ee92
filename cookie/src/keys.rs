//! The key ring: which key seals a new cookie, and which keys verify one.

use crate::KeyError;
use crate::mac::{KEY_LEN, MacKey};
use crate::time::millis;
use core::fmt;
use core::time::Duration;
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

/// Shortest master secret or operator key accepted, in bytes: 256 bits, so that the secret is
/// never the weakest link of a 256-bit HMAC.
pub const MIN_SECRET_LEN: usize = 32;
/// Shortest rotation period accepted.
pub const MIN_ROTATION_PERIOD: Duration = Duration::from_secs(1);
/// Longest rotation period accepted: 7 days. A cookie's key then stays valid for at most about
/// 14 days, well inside the ~46 days that the wrapping 32-bit issue-time field reads as "past",
/// so a cookie from one wrap ago can never look fresh.
pub const MAX_ROTATION_PERIOD: Duration = Duration::from_secs(7 * 24 * 3600);
/// How many operator keys a ring holds at once (enough for "old, current, next" plus one spare).
pub const MAX_OPERATOR_KEYS: usize = 4;

/// HKDF-Extract salt for master secrets: separates this use of the secret from any other.
const MASTER_SALT: &[u8] = b"hellogate-cookie v1 master secret";
/// HKDF-Expand label for epoch keys; followed by the period and the epoch, both u64 big-endian,
/// so nodes configured with different periods fail closed instead of agreeing on odd keys.
const EPOCH_INFO: &[u8] = b"hellogate-cookie v1 epoch key";
/// HKDF-Extract salt for operator keys.
const OPERATOR_SALT: &[u8] = b"hellogate-cookie v1 operator key";
/// HKDF-Expand label for operator keys; followed by the key id.
const OPERATOR_INFO: &[u8] = b"hellogate-cookie v1 operator mac key";

/// The keys that seal and verify cookies.
///
/// Two ways to hold keys:
///
/// * **Master secret** ([`KeyRing::from_master_secret`]): every node of a fleet is given the same
///   master secret and rotation period and derives, for each time epoch
///   (`epoch = floor(now / period)`), the same HMAC key with HKDF-SHA256. Any node verifies any
///   node's cookie with no shared state. A cookie names its epoch by the epoch's low byte; the
///   current and the previous epoch verify, and so does the next one while `now` plus the
///   configured future tolerance reaches into it (a fleet node whose clock runs slightly ahead
///   may already seal with it). Nothing older verifies: epochs retire themselves.
/// * **Operator keys** ([`KeyRing::from_keys`]): the operator names each key with a one-byte id,
///   [`installs`](KeyRing::install) new keys everywhere, then
///   [makes one the sealing key](KeyRing::set_sealing_key), then
///   [retires](KeyRing::retire) the old one. Up to [`MAX_OPERATOR_KEYS`] keys verify at once.
///
/// # Caching epoch keys
///
/// Deriving an epoch key costs one HKDF-Expand (two SHA-256 compressions; the PRK's HMAC state
/// is kept) plus the new key's HMAC schedule (two more), while a cookie MAC costs three to five.
/// Measured (benches/cookie.rs): sealing a DTLS 1.2 cookie takes about 2.3x as long when its key
/// is derived per call. So the ring caches the keys of the previous, current and next epoch.
/// Sealing and opening take `&self` (the machine holds the ring immutably and calls it per
/// datagram), so the cache is filled by [`KeyRing::refresh`] (`&mut self`), which the caller runs
/// from its timer, e.g. once a second; it does nothing when the cached epochs already cover
/// `now`. When they do not (refresh was not run yet, or not recently), sealing and opening derive
/// the key on the fly, on the stack: always correct, only slower. No interior mutability, no
/// locks, no allocation.
///
/// Secrets are never stored as given: the ring keeps HMAC key schedules, which are wiped when
/// the ring is dropped, and `Debug` prints only non-secret facts (mode, period, key ids).
pub struct KeyRing {
    inner: Inner,
}

enum Inner {
    Master(MasterRing),
    Operator(OperatorRing),
}

struct MasterRing {
    /// HKDF with the extracted PRK's HMAC schedule; wiped on drop like every `hmac` state here.
    hkdf: Hkdf<Sha256>,
    period_ms: u64,
    /// Keys of the previous, current and next epoch as of the last [`KeyRing::refresh`].
    cache: [Option<EpochKey>; 3],
}

struct EpochKey {
    epoch: u64,
    /// First millisecond of the epoch (`epoch * period`), so the cache can name the epoch of
    /// `now` without a 64-bit division per cookie.
    start_ms: u64,
    key: MacKey,
}

struct OperatorRing {
    slots: [Option<OperatorKey>; MAX_OPERATOR_KEYS],
    sealing: u8,
}

struct OperatorKey {
    id: u8,
    key: MacKey,
}

impl KeyRing {
    /// A ring whose keys every fleet node derives alike from `secret`, one per `rotation_period`.
    ///
    /// The cache starts empty: run [`refresh`](Self::refresh) once `now` is known (until then
    /// keys are derived per call).
    ///
    /// # Errors
    /// [`KeyError::SecretTooShort`] below [`MIN_SECRET_LEN`] bytes,
    /// [`KeyError::BadRotationPeriod`] outside [`MIN_ROTATION_PERIOD`]..=[`MAX_ROTATION_PERIOD`].
    pub fn from_master_secret(secret: &[u8], rotation_period: Duration) -> Result<Self, KeyError> {
        check_secret(secret)?;
        if rotation_period < MIN_ROTATION_PERIOD || rotation_period > MAX_ROTATION_PERIOD {
            return Err(KeyError::BadRotationPeriod);
        }
        let (mut prk, hkdf) = Hkdf::<Sha256>::extract(Some(MASTER_SALT), secret);
        prk.as_mut_slice().zeroize();
        Ok(Self {
            inner: Inner::Master(MasterRing {
                hkdf,
                period_ms: millis(rotation_period),
                cache: [None, None, None],
            }),
        })
    }

    /// A ring holding one operator key, which seals and verifies.
    ///
    /// # Errors
    /// [`KeyError::SecretTooShort`] below [`MIN_SECRET_LEN`] bytes.
    pub fn from_key(id: u8, secret: &[u8]) -> Result<Self, KeyError> {
        Self::from_keys(&[(id, secret)], id)
    }

    /// A ring holding operator keys `(id, secret)`; `sealing` names the one that seals.
    ///
    /// # Errors
    /// [`KeyError::NoKeys`], [`KeyError::SecretTooShort`], [`KeyError::DuplicateKeyId`],
    /// [`KeyError::RingFull`] (more than [`MAX_OPERATOR_KEYS`]), or [`KeyError::NoSuchKey`] when
    /// `sealing` is not among the ids.
    pub fn from_keys(keys: &[(u8, &[u8])], sealing: u8) -> Result<Self, KeyError> {
        if keys.is_empty() {
            return Err(KeyError::NoKeys);
        }
        let mut ring = OperatorRing {
            slots: [None, None, None, None],
            sealing,
        };
        for &(id, secret) in keys {
            ring.install(id, secret)?;
        }
        if ring.find(sealing).is_none() {
            return Err(KeyError::NoSuchKey(sealing));
        }
        Ok(Self {
            inner: Inner::Operator(ring),
        })
    }

    /// Adds an operator key that verifies cookies but does not seal them yet. Install a new key
    /// on every node before any node seals with it.
    ///
    /// # Errors
    /// [`KeyError::NotOperatorManaged`] for a master-secret ring, [`KeyError::SecretTooShort`],
    /// [`KeyError::DuplicateKeyId`], [`KeyError::RingFull`].
    pub fn install(&mut self, id: u8, secret: &[u8]) -> Result<(), KeyError> {
        self.operator_mut()?.install(id, secret)
    }

    /// Makes an installed operator key the one that seals new cookies.
    ///
    /// # Errors
    /// [`KeyError::NotOperatorManaged`], [`KeyError::NoSuchKey`].
    pub fn set_sealing_key(&mut self, id: u8) -> Result<(), KeyError> {
        let ring = self.operator_mut()?;
        if ring.find(id).is_none() {
            return Err(KeyError::NoSuchKey(id));
        }
        ring.sealing = id;
        Ok(())
    }

    /// Removes an operator key: cookies it sealed stop verifying at once (they fail with
    /// [`CookieError::UnknownKey`](crate::CookieError::UnknownKey)), and its schedule is wiped.
    ///
    /// # Errors
    /// [`KeyError::NotOperatorManaged`], [`KeyError::NoSuchKey`],
    /// [`KeyError::RetiringSealingKey`] (choose another sealing key first).
    pub fn retire(&mut self, id: u8) -> Result<(), KeyError> {
        let ring = self.operator_mut()?;
        if ring.sealing == id {
            return Err(KeyError::RetiringSealingKey(id));
        }
        let slot = ring
            .slots
            .iter_mut()
            .find(|s| s.as_ref().is_some_and(|k| k.id == id))
            .ok_or(KeyError::NoSuchKey(id))?;
        // Dropping the key schedule wipes it.
        *slot = None;
        Ok(())
    }

    /// Makes sure the keys of the epochs `now` needs (previous, current, next) are cached, so
    /// sealing and opening do not derive them per call. Cheap when nothing changed; a no-op for
    /// operator keys. Run it from the caller's timer (once a second is plenty) or before a batch.
    pub fn refresh(&mut self, now: Duration) {
        if let Inner::Master(ring) = &mut self.inner {
            ring.refresh(millis(now));
        }
    }

    /// The rotation period of a master-secret ring; `None` for operator keys.
    pub fn rotation_period(&self) -> Option<Duration> {
        match &self.inner {
            Inner::Master(ring) => Some(Duration::from_millis(ring.period_ms)),
            Inner::Operator(_) => None,
        }
    }

    /// The epoch `now` falls in, for a master-secret ring; `None` for operator keys.
    pub fn epoch(&self, now: Duration) -> Option<u64> {
        match &self.inner {
            Inner::Master(ring) => Some(ring.epoch(millis(now))),
            Inner::Operator(_) => None,
        }
    }

    /// The key id a cookie sealed at `now` carries: the epoch's low byte, or the operator's
    /// sealing key id.
    pub fn sealing_key_id(&self, now: Duration) -> u8 {
        match &self.inner {
            Inner::Master(ring) => epoch_id(ring.epoch(millis(now))),
            Inner::Operator(ring) => ring.sealing,
        }
    }

    /// Runs `f` with the id and key that seal at `now_ms`. A closure rather than a returned
    /// reference, so a key derived on the fly lives on this frame's stack and is never moved.
    pub(crate) fn with_sealing_key<R>(&self, now_ms: u64, f: impl FnOnce(u8, &MacKey) -> R) -> R {
        match &self.inner {
            Inner::Master(ring) => {
                let epoch = ring.epoch(now_ms);
                ring.with_key(epoch, |key| f(epoch_id(epoch), key))
            }
            Inner::Operator(ring) => match ring.find(ring.sealing) {
                Some(key) => f(ring.sealing, key),
                // Unreachable by construction (the sealing key cannot be retired). Sealing with
                // a throwaway key keeps this path panic-free; no ring verifies such a cookie,
                // since none holds a key under this id.
                None => f(ring.sealing, &MacKey::new(&[0xff; KEY_LEN])),
            },
        }
    }

    /// Runs `f` with the key that verifies a cookie carrying `key_id`, if the ring accepts that
    /// id at `now_ms`; `None` (and `f` not run) otherwise.
    pub(crate) fn with_verifying_key<R>(
        &self,
        now_ms: u64,
        future_tolerance_ms: u64,
        key_id: u8,
        f: impl FnOnce(&MacKey) -> R,
    ) -> Option<R> {
        match &self.inner {
            Inner::Master(ring) => {
                let current = ring.epoch(now_ms);
                let epoch = if epoch_id(current) == key_id {
                    current
                } else if current.checked_sub(1).map(epoch_id) == Some(key_id) {
                    current.checked_sub(1)?
                } else {
                    // The next epoch only while now + tolerance reaches into it.
                    let next = current.checked_add(1)?;
                    let reached = ring.epoch(now_ms.saturating_add(future_tolerance_ms)) >= next;
                    if reached && epoch_id(next) == key_id {
                        next
                    } else {
                        return None;
                    }
                };
                // Three consecutive epochs have three different low bytes: no ambiguity.
                Some(ring.with_key(epoch, f))
            }
            Inner::Operator(ring) => ring.find(key_id).map(f),
        }
    }

    fn operator_mut(&mut self) -> Result<&mut OperatorRing, KeyError> {
        match &mut self.inner {
            Inner::Operator(ring) => Ok(ring),
            Inner::Master(_) => Err(KeyError::NotOperatorManaged),
        }
    }
}

impl fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::Master(ring) => {
                let mut epochs = [None; 3];
                for (e, c) in epochs.iter_mut().zip(ring.cache.iter()) {
                    *e = c.as_ref().map(|c| c.epoch);
                }
                f.debug_struct("KeyRing")
                    .field("mode", &"master secret")
                    .field("rotation_period", &Duration::from_millis(ring.period_ms))
                    .field("cached_epochs", &epochs)
                    .finish_non_exhaustive()
            }
            Inner::Operator(ring) => {
                let mut ids = [None; MAX_OPERATOR_KEYS];
                for (i, s) in ids.iter_mut().zip(ring.slots.iter()) {
                    *i = s.as_ref().map(|s| s.id);
                }
                f.debug_struct("KeyRing")
                    .field("mode", &"operator keys")
                    .field("key_ids", &ids)
                    .field("sealing", &ring.sealing)
                    .finish_non_exhaustive()
            }
        }
    }
}

impl MasterRing {
    fn epoch(&self, now_ms: u64) -> u64 {
        // A cached epoch that contains `now` answers without dividing.
        for c in self.cache.iter().flatten() {
            if now_ms >= c.start_ms && now_ms - c.start_ms < self.period_ms {
                return c.epoch;
            }
        }
        // period_ms >= 1000 by construction; checked_div keeps this panic-free regardless.
        now_ms.checked_div(self.period_ms).unwrap_or(0)
    }

    fn derive(&self, epoch: u64) -> MacKey {
        let mut okm = Zeroizing::new([0u8; KEY_LEN]);
        let period = self.period_ms.to_be_bytes();
        let epoch = epoch.to_be_bytes();
        // HKDF-Expand only fails for outputs longer than 255 hash lengths; ours is one.
        let expanded = self
            .hkdf
            .expand_multi_info(&[EPOCH_INFO, &period, &epoch], okm.as_mut_slice());
        debug_assert!(expanded.is_ok());
        MacKey::new(&okm)
    }

    /// Runs `f` with the epoch's key: the cached one, or one derived on this stack frame.
    fn with_key<R>(&self, epoch: u64, f: impl FnOnce(&MacKey) -> R) -> R {
        match self.cache.iter().flatten().find(|c| c.epoch == epoch) {
            Some(cached) => f(&cached.key),
            None => f(&self.derive(epoch)),
        }
    }

    fn refresh(&mut self, now_ms: u64) {
        let current = self.epoch(now_ms);
        let wanted = [
            current.checked_sub(1),
            Some(current),
            current.checked_add(1),
        ];
        let mut old = core::mem::take(&mut self.cache);
        let mut fresh: [Option<EpochKey>; 3] = [None, None, None];
        for (slot, want) in fresh.iter_mut().zip(wanted) {
            let Some(epoch) = want else { continue };
            let reused = old
                .iter_mut()
                .find(|c| c.as_ref().is_some_and(|c| c.epoch == epoch))
                .and_then(Option::take);
            *slot = Some(reused.unwrap_or_else(|| EpochKey {
                epoch,
                start_ms: epoch.saturating_mul(self.period_ms),
                key: self.derive(epoch),
            }));
        }
        // Keys of epochs no longer wanted are dropped (and wiped) with `old`.
        self.cache = fresh;
    }
}

impl OperatorRing {
    fn find(&self, id: u8) -> Option<&MacKey> {
        self.slots
            .iter()
            .flatten()
            .find(|k| k.id == id)
            .map(|k| &k.key)
    }

    fn install(&mut self, id: u8, secret: &[u8]) -> Result<(), KeyError> {
        check_secret(secret)?;
        if self.find(id).is_some() {
            return Err(KeyError::DuplicateKeyId(id));
        }
        let free = self
            .slots
            .iter_mut()
            .find(|s| s.is_none())
            .ok_or(KeyError::RingFull)?;
        let (mut prk, hkdf) = Hkdf::<Sha256>::extract(Some(OPERATOR_SALT), secret);
        prk.as_mut_slice().zeroize();
        let mut okm = Zeroizing::new([0u8; KEY_LEN]);
        let expanded = hkdf.expand_multi_info(&[OPERATOR_INFO, &[id]], okm.as_mut_slice());
        debug_assert!(expanded.is_ok());
        *free = Some(OperatorKey {
            id,
            key: MacKey::new(&okm),
        });
        Ok(())
    }
}

fn check_secret(secret: &[u8]) -> Result<(), KeyError> {
    if secret.len() < MIN_SECRET_LEN {
        return Err(KeyError::SecretTooShort { len: secret.len() });
    }
    Ok(())
}

/// The key id of an epoch: its low byte.
fn epoch_id(epoch: u64) -> u8 {
    epoch.to_le_bytes()[0]
}
