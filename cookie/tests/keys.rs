//! Fleet-wide keys from one master secret, rotation across epochs, operator keys, secrets.

mod common;

use common::*;
use core::time::Duration;
use hellogate_cookie::{
    ConfigError, CookieConfig, CookieError, CookieJar, HrrProtocol, KeyError, KeyRing,
    MAX_OPERATOR_KEYS, MAX_ROTATION_PERIOD, MIN_ROTATION_PERIOD,
};

#[test]
fn two_rings_from_one_master_secret_accept_each_others_cookies() {
    // Two nodes: one refreshed its cache, the other never did.
    let a = jar();
    let b = CookieJar::new(
        KeyRing::from_master_secret(&SECRET, PERIOD).unwrap(),
        CookieConfig::default(),
    )
    .unwrap();
    let later = NOW + Duration::from_secs(1);
    let from_a = seal12(&a, NOW, peer());
    let from_b = seal12(&b, NOW, peer());
    assert!(b.open_dtls12(later, peer(), &fields(), &from_a).is_ok());
    assert!(a.open_dtls12(later, peer(), &fields(), &from_b).is_ok());
    let h = seal_hrr(&b, NOW, peer(), HrrProtocol::Tls13, &params256());
    assert!(
        a.open_hrr(later, peer(), HrrProtocol::Tls13, &binding(), &h)
            .is_ok()
    );
}

#[test]
fn rings_from_different_secrets_never_accept_each_others_cookies() {
    let a = jar();
    let b = master_jar(&OTHER_SECRET);
    let later = NOW + Duration::from_secs(1);
    for sealed in all_kinds(&a) {
        assert!(!sealed.open(&b, later, sealed.bytes()));
    }
    for sealed in all_kinds(&b) {
        assert!(!sealed.open(&a, later, sealed.bytes()));
    }
    // A secret differing in its last byte only is a different fleet too.
    let mut near = SECRET;
    near[31] ^= 1;
    let c = master_jar(&near);
    assert_eq!(
        c.open_dtls12(later, peer(), &fields(), &seal12(&a, NOW, peer())),
        Err(CookieError::BadMac)
    );
}

#[test]
fn nodes_with_different_rotation_periods_do_not_agree() {
    let a = jar();
    let b = CookieJar::new(
        KeyRing::from_master_secret(&SECRET, Duration::from_secs(3601)).unwrap(),
        CookieConfig::default(),
    )
    .unwrap();
    // NOW falls in epochs whose low bytes differ or whose keys differ: either way, refused.
    let c = seal12(&a, NOW, peer());
    let r = b.open_dtls12(NOW, peer(), &fields(), &c);
    assert!(
        matches!(r, Err(CookieError::BadMac | CookieError::UnknownKey)),
        "{r:?}"
    );
}

#[test]
fn rotation_walks_three_epochs() {
    // Lifetime as long as the period, so only the epoch rule decides.
    let period = Duration::from_secs(60);
    let config = CookieConfig::new(period, Duration::from_secs(2), Default::default()).unwrap();
    let mut jar = CookieJar::new(
        KeyRing::from_master_secret(&SECRET, period).unwrap(),
        config,
    )
    .unwrap();
    let e0 = Duration::from_secs(1_700_000_040); // 1_700_000_040 is a multiple of 60
    assert_eq!(jar.ring().epoch(e0), Some(1_700_000_040 / 60));
    let t = |epoch: u32, secs: u64| e0 + period * epoch + Duration::from_secs(secs);

    jar.refresh(t(0, 50));
    let c0 = seal12(&jar, t(0, 50), peer());
    assert_eq!(c0[1], jar.ring().sealing_key_id(t(0, 50)));

    // Epoch 1: epoch-0 cookies still verify (previous epoch), new ones use epoch 1.
    jar.refresh(t(1, 30));
    assert!(jar.open_dtls12(t(1, 30), peer(), &fields(), &c0).is_ok());
    let c1 = seal12(&jar, t(1, 30), peer());
    assert_ne!(c0[1], c1[1], "a new epoch seals with a new key id");

    // Epoch 2: epoch-0 cookies are retired, and say so (UnknownKey: the key is looked up
    // before anything else); epoch-1 cookies verify.
    jar.refresh(t(2, 10));
    assert_eq!(
        jar.open_dtls12(t(2, 10), peer(), &fields(), &c0),
        Err(CookieError::UnknownKey)
    );
    assert!(jar.open_dtls12(t(2, 10), peer(), &fields(), &c1).is_ok());
    let c2 = seal12(&jar, t(2, 10), peer());
    assert!(jar.open_dtls12(t(2, 20), peer(), &fields(), &c2).is_ok());

    // Epoch 3: only epoch 2 (previous) and 3 verify.
    jar.refresh(t(3, 5));
    assert_eq!(
        jar.open_dtls12(t(3, 5), peer(), &fields(), &c1),
        Err(CookieError::UnknownKey)
    );
    assert!(jar.open_dtls12(t(3, 5), peer(), &fields(), &c2).is_ok());
}

#[test]
fn the_next_epoch_verifies_only_within_the_future_tolerance() {
    let period = Duration::from_secs(60);
    let jar = CookieJar::new(
        KeyRing::from_master_secret(&SECRET, period).unwrap(),
        CookieConfig::default(),
    )
    .unwrap();
    let boundary = Duration::from_secs(1_700_000_040);
    // A node 1 s ahead sealed in the next epoch; we are 0.5 s before the boundary.
    let c = seal12(&jar, boundary + Duration::from_millis(500), peer());
    let ok = jar.open_dtls12(boundary - Duration::from_millis(500), peer(), &fields(), &c);
    assert_eq!(ok.unwrap().age, Duration::ZERO);
    // 5 s before the boundary the next epoch is out of reach of a 2 s tolerance.
    let c = seal12(&jar, boundary + Duration::from_millis(500), peer());
    assert_eq!(
        jar.open_dtls12(boundary - Duration::from_secs(5), peer(), &fields(), &c),
        Err(CookieError::UnknownKey)
    );
}

#[test]
fn an_epoch_256_periods_old_shares_a_key_id_but_not_a_key() {
    let period = Duration::from_secs(60);
    let jar = CookieJar::new(
        KeyRing::from_master_secret(&SECRET, period).unwrap(),
        CookieConfig::default(),
    )
    .unwrap();
    let then = Duration::from_secs(1_700_000_040);
    let now = then + period * 256;
    let c = seal12(&jar, then, peer());
    assert_eq!(c[1], jar.ring().sealing_key_id(now));
    assert_eq!(
        jar.open_dtls12(now, peer(), &fields(), &c),
        Err(CookieError::BadMac)
    );
}

#[test]
fn operator_keys_install_promote_retire() {
    let mut jar = operator_jar();
    let later = NOW + Duration::from_secs(1);
    let old = seal12(&jar, NOW, peer());
    assert_eq!(old[1], 7);

    // Install a new key: it verifies but does not seal yet.
    jar.ring_mut().install(8, &[0x88; 32]).unwrap();
    assert_eq!(seal12(&jar, NOW, peer())[1], 7);
    jar.ring_mut().set_sealing_key(8).unwrap();
    let new = seal12(&jar, NOW, peer());
    assert_eq!(new[1], 8);
    assert!(jar.open_dtls12(later, peer(), &fields(), &old).is_ok());
    assert!(jar.open_dtls12(later, peer(), &fields(), &new).is_ok());

    // Retire the old key: its cookies fail with their own reason at once.
    jar.ring_mut().retire(7).unwrap();
    assert_eq!(
        jar.open_dtls12(later, peer(), &fields(), &old),
        Err(CookieError::UnknownKey)
    );
    assert!(jar.open_dtls12(later, peer(), &fields(), &new).is_ok());
    assert_eq!(jar.ring_mut().retire(7), Err(KeyError::NoSuchKey(7)));
    assert_eq!(
        jar.ring_mut().retire(8),
        Err(KeyError::RetiringSealingKey(8))
    );
}

#[test]
fn operator_key_errors() {
    let mut ring = KeyRing::from_keys(&[(1, &[1; 32]), (2, &[2; 32])], 2).unwrap();
    assert_eq!(ring.install(1, &[3; 32]), Err(KeyError::DuplicateKeyId(1)));
    assert_eq!(ring.set_sealing_key(9), Err(KeyError::NoSuchKey(9)));
    for id in 3..=MAX_OPERATOR_KEYS as u8 {
        ring.install(id, &[id; 32]).unwrap();
    }
    assert_eq!(ring.install(200, &[0; 32]), Err(KeyError::RingFull));
    ring.retire(1).unwrap();
    ring.install(200, &[0; 32]).unwrap();
    assert_eq!(
        KeyRing::from_keys(&[(1, &[1; 32])], 2).err(),
        Some(KeyError::NoSuchKey(2))
    );
    assert_eq!(KeyRing::from_keys(&[], 0).err(), Some(KeyError::NoKeys));
    let mut master = KeyRing::from_master_secret(&SECRET, PERIOD).unwrap();
    assert_eq!(
        master.install(1, &[1; 32]),
        Err(KeyError::NotOperatorManaged)
    );
    assert_eq!(master.retire(1), Err(KeyError::NotOperatorManaged));
}

#[test]
fn operator_keys_with_the_same_secret_but_another_id_differ() {
    let a = CookieJar::new(
        KeyRing::from_key(1, &[5; 32]).unwrap(),
        CookieConfig::default(),
    )
    .unwrap();
    let b = CookieJar::new(
        KeyRing::from_key(2, &[5; 32]).unwrap(),
        CookieConfig::default(),
    )
    .unwrap();
    let mut c = seal12(&a, NOW, peer());
    c[1] = 2; // relabel: the MAC covers the id, and the key derivation binds it too
    assert_eq!(
        b.open_dtls12(NOW, peer(), &fields(), &c),
        Err(CookieError::BadMac)
    );
}

#[test]
fn short_secrets_and_bad_periods_are_refused() {
    assert_eq!(
        KeyRing::from_master_secret(&[0; 31], PERIOD).err(),
        Some(KeyError::SecretTooShort { len: 31 })
    );
    assert_eq!(
        KeyRing::from_key(1, &[0; 16]).err(),
        Some(KeyError::SecretTooShort { len: 16 })
    );
    assert!(KeyRing::from_master_secret(&[0; 32], MIN_ROTATION_PERIOD).is_ok());
    assert!(KeyRing::from_master_secret(&[0; 32], MAX_ROTATION_PERIOD).is_ok());
    for p in [
        Duration::ZERO,
        MIN_ROTATION_PERIOD - Duration::from_millis(1),
        MAX_ROTATION_PERIOD + Duration::from_millis(1),
    ] {
        assert_eq!(
            KeyRing::from_master_secret(&[0; 32], p).err(),
            Some(KeyError::BadRotationPeriod)
        );
    }
}

#[test]
fn a_ring_rotating_faster_than_the_lifetime_is_refused() {
    let ring = KeyRing::from_master_secret(&SECRET, Duration::from_secs(10)).unwrap();
    assert_eq!(
        CookieJar::new(ring, CookieConfig::default()).err(),
        Some(ConfigError::RotationShorterThanLifetime)
    );
}

#[test]
fn debug_output_is_exactly_the_non_secret_facts() {
    let secret = [0x5au8; 32];
    let mut ring = KeyRing::from_master_secret(&secret, PERIOD).unwrap();
    ring.refresh(NOW);
    let epoch = 1_700_000_000 / 3600;
    assert_eq!(
        format!("{ring:?}"),
        format!(
            "KeyRing {{ mode: \"master secret\", rotation_period: 3600s, cached_epochs: \
             [Some({}), Some({epoch}), Some({}) ], .. }}",
            epoch - 1,
            epoch + 1
        )
        .replace(" ]", "]")
    );
    let jar = CookieJar::new(ring, CookieConfig::default()).unwrap();
    let text = format!("{jar:?}");
    assert!(
        text.starts_with("CookieJar { ring: KeyRing { mode: \"master secret\""),
        "{text}"
    );
    let mut op = KeyRing::from_key(3, &secret).unwrap();
    op.install(9, &[0xa5; 40]).unwrap();
    assert_eq!(
        format!("{op:?}"),
        "KeyRing { mode: \"operator keys\", key_ids: [Some(3), Some(9), None, None], sealing: 3, .. }"
    );
}

#[test]
fn sealing_errors() {
    let jar = jar();
    let mut small = [0u8; 31];
    assert_eq!(
        jar.seal_dtls12(NOW, peer(), &fields(), &mut small),
        Err(hellogate_cookie::SealError::BufferTooSmall { needed: 32 })
    );
    let mut buf = [0u8; 75];
    assert_eq!(
        jar.seal_hrr(NOW, peer(), HrrProtocol::Tls13, &params384(), &mut buf),
        Err(hellogate_cookie::SealError::BufferTooSmall { needed: 76 })
    );
    let mut small = [0u8; 31];
    assert_eq!(
        jar.seal_dtls12_prefix(NOW, peer(), &fields().prefix(), &mut small),
        Err(hellogate_cookie::SealError::BufferTooSmall { needed: 32 })
    );
    let long_sid = [0u8; 256];
    let long = hellogate_cookie::HelloFields {
        session_id: &long_sid,
        ..fields()
    };
    let mut buf32 = [0u8; 32];
    assert_eq!(
        jar.seal_dtls12(NOW, peer(), &long, &mut buf32),
        Err(hellogate_cookie::SealError::FieldTooLong)
    );
    assert_eq!(
        jar.open_dtls12(NOW, peer(), &long, &buf32),
        Err(hellogate_cookie::CookieError::Malformed)
    );
    let bad = hellogate_cookie::HrrParams {
        ch1_hash: &[0; 33],
        ..params256()
    };
    assert_eq!(
        jar.seal_hrr(NOW, peer(), HrrProtocol::Tls13, &bad, &mut buf),
        Err(hellogate_cookie::SealError::BadHashLength { len: 33 })
    );
}
