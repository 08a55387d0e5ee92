//! Lifetime, future tolerance, the wrapping time field and clocks that jump back.

mod common;

use common::*;
use core::time::Duration;
use hellogate_cookie::{
    AddressBinding, CookieConfig, CookieError, CookieJar, HrrProtocol, KeyRing,
};

const MS: Duration = Duration::from_millis(1);

#[test]
fn expired_cookies_fail_as_expired() {
    let jar = jar();
    let c = seal12(&jar, NOW, peer());
    let h = seal_hrr(&jar, NOW, peer(), HrrProtocol::Tls13, &params256());
    let edge = NOW + Duration::from_secs(30);
    assert_eq!(
        jar.open_dtls12(edge, peer(), &fields(), &c).unwrap().age,
        Duration::from_secs(30)
    );
    assert!(
        jar.open_hrr(edge, peer(), HrrProtocol::Tls13, &binding(), &h)
            .is_ok()
    );
    assert_eq!(
        jar.open_dtls12(edge + MS, peer(), &fields(), &c),
        Err(CookieError::Expired)
    );
    assert_eq!(
        jar.open_hrr(edge + MS, peer(), HrrProtocol::Tls13, &binding(), &h),
        Err(CookieError::Expired)
    );
    // Still in the same epoch an hour-long ring keeps, and long expired.
    assert_eq!(
        jar.open_dtls12(NOW + Duration::from_secs(1000), peer(), &fields(), &c),
        Err(CookieError::Expired)
    );
}

#[test]
fn cookies_from_the_future_fail_beyond_the_tolerance() {
    let jar = jar();
    // Sealed by a fleet node whose clock runs 2 s ahead: accepted, age zero.
    let ahead = seal12(&jar, NOW + Duration::from_secs(2), peer());
    let ok = jar.open_dtls12(NOW, peer(), &fields(), &ahead).unwrap();
    assert_eq!(ok.age, Duration::ZERO);
    assert_eq!(ok.issued_at, NOW + Duration::from_secs(2));
    let too_far = seal12(&jar, NOW + Duration::from_secs(2) + MS, peer());
    assert_eq!(
        jar.open_dtls12(NOW, peer(), &fields(), &too_far),
        Err(CookieError::FromFuture)
    );
    let h = seal_hrr(
        &jar,
        NOW + Duration::from_secs(3),
        peer(),
        HrrProtocol::Dtls13,
        &params384(),
    );
    assert_eq!(
        jar.open_hrr(NOW, peer(), HrrProtocol::Dtls13, &binding(), &h),
        Err(CookieError::FromFuture)
    );
}

#[test]
fn a_clock_jumping_back_never_revalidates_and_never_panics() {
    let jar = jar();
    let c = seal12(&jar, NOW, peer());
    // The verifier's clock jumps back 10 s (same epoch): the cookie is from the future.
    assert_eq!(
        jar.open_dtls12(NOW - Duration::from_secs(10), peer(), &fields(), &c),
        Err(CookieError::FromFuture)
    );
    // Back to the UNIX epoch itself: no panic, no acceptance.
    assert!(
        jar.open_dtls12(Duration::ZERO, peer(), &fields(), &c)
            .is_err()
    );
    // Forward to the end of time: likewise.
    assert!(
        jar.open_dtls12(Duration::MAX, peer(), &fields(), &c)
            .is_err()
    );
}

/// An operator-key jar, so the epoch does not change while the 32-bit time field wraps.
fn long_lived_jar() -> CookieJar {
    let ring = KeyRing::from_key(1, &[0x11; 32]).unwrap();
    let config = CookieConfig::new(
        Duration::from_secs(30),
        Duration::from_secs(2),
        AddressBinding::IpAndPort,
    )
    .unwrap();
    CookieJar::new(ring, config).unwrap()
}

#[test]
fn the_time_field_wrapping_between_seal_and_open_is_harmless() {
    let jar = long_lived_jar();
    let wrap = Duration::from_millis(400 << 32); // a multiple of 2^32 ms, in 2024
    let sealed_at = wrap - Duration::from_millis(700);
    let c = seal12(&jar, sealed_at, peer());
    let ok = jar
        .open_dtls12(wrap + Duration::from_millis(300), peer(), &fields(), &c)
        .unwrap();
    assert_eq!(ok.age, Duration::from_secs(1));
    assert_eq!(ok.issued_at, sealed_at);
    // Sealed just after the wrap by a node 1 s ahead, opened just before it.
    let c = seal12(&jar, wrap + Duration::from_millis(500), peer());
    let ok = jar
        .open_dtls12(wrap - Duration::from_millis(500), peer(), &fields(), &c)
        .unwrap();
    assert_eq!(ok.issued_at, wrap + Duration::from_millis(500));
}

#[test]
fn a_cookie_one_full_wrap_old_is_not_fresh_under_master_keys() {
    // Epoch keys change long before the 32-bit field wraps (~49.7 days), so the aliasing
    // stamp is never even looked at: the old epoch's key is gone.
    let jar = jar();
    let c = seal12(&jar, NOW, peer());
    let one_wrap = NOW + Duration::from_millis(1 << 32);
    assert_eq!(
        jar.open_dtls12(one_wrap, peer(), &fields(), &c),
        Err(CookieError::UnknownKey)
    );
}

#[test]
fn old_cookies_read_as_expired_not_as_future_up_to_46_days() {
    let jar = long_lived_jar();
    let c = seal12(&jar, NOW, peer());
    for days in [1u64, 10, 30, 46] {
        let then = NOW + Duration::from_secs(days * 86_400);
        assert_eq!(
            jar.open_dtls12(then, peer(), &fields(), &c),
            Err(CookieError::Expired),
            "{days} days"
        );
    }
}

#[test]
fn operator_key_cookies_never_come_back_after_the_time_field_wraps() {
    // The 32-bit stamp repeats every 2^32 ms (~49.7 days) and operator keys never expire by
    // themselves; the issue time's era, bound by the MAC, keeps old cookies dead.
    let jar = long_lived_jar();
    let wrap = 1u64 << 32;
    for kind in all_kinds(&jar) {
        let c = kind.bytes();
        // Past the 46.6-day "past" window the stamp reads as the future or as recent, in the
        // wrong era: the MAC fails.
        for later in [
            47 * 86_400_000,
            wrap - 1,
            wrap,
            wrap + 1,
            wrap + 20_000,
            2 * wrap,
        ] {
            let then = NOW + Duration::from_millis(later);
            assert!(!kind.open(&jar, then, c), "{later} ms later");
        }
        // Within it, an old cookie is reported as what it is.
        assert!(!kind.open(&jar, NOW + Duration::from_secs(46 * 86_400), c));
    }
    let c = seal12(&jar, NOW, peer());
    for later in [wrap, wrap + 20_000] {
        assert_eq!(
            jar.open_dtls12(NOW + Duration::from_millis(later), peer(), &fields(), &c),
            Err(CookieError::BadMac),
            "{later} ms later"
        );
    }
}
