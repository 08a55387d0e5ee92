//! The renegotiation guard over scripted timelines.

use std::time::Duration;

use hellogate_session::renegotiation::{
    Refusal, RenegotiationConfigError, RenegotiationGuard, RenegotiationPolicy,
    RenegotiationVerdict, SecureRenegotiationSignal,
};
use hellogate_session::{Alert, AlertDescription, AlertLevel};
use proptest::prelude::*;

const T0: Duration = Duration::from_secs(1_700_000_000);
const EXT: SecureRenegotiationSignal = SecureRenegotiationSignal {
    extension: true,
    scsv: false,
};
const SCSV: SecureRenegotiationSignal = SecureRenegotiationSignal {
    extension: false,
    scsv: true,
};
const NONE: SecureRenegotiationSignal = SecureRenegotiationSignal {
    extension: false,
    scsv: false,
};

fn at(s: f64) -> Duration {
    T0 + Duration::from_secs_f64(s)
}

fn refuse(reason: Refusal) -> RenegotiationVerdict {
    RenegotiationVerdict::Refuse {
        alert: Alert {
            level: AlertLevel::Warning,
            description: AlertDescription::NoRenegotiation,
        },
        reason,
    }
}

fn close(reason: Refusal) -> RenegotiationVerdict {
    RenegotiationVerdict::Close {
        alert: Alert {
            level: AlertLevel::Fatal,
            description: AlertDescription::HandshakeFailure,
        },
        reason,
    }
}

fn limit(max: u32, window_s: u64) -> RenegotiationPolicy {
    RenegotiationPolicy::Limit {
        max,
        window: Duration::from_secs(window_s),
    }
}

/// Runs an initial handshake at T0 then renegotiations at the given
/// offsets (seconds), all with the extension; returns the verdicts.
fn script(policy: RenegotiationPolicy, times: &[f64]) -> Vec<RenegotiationVerdict> {
    let mut g = RenegotiationGuard::new(policy).unwrap();
    assert_eq!(g.on_client_hello(T0, EXT), RenegotiationVerdict::Allow);
    times
        .iter()
        .map(|&t| g.on_client_hello(at(t), EXT))
        .collect()
}

#[test]
fn default_refuses_with_a_warning_and_keeps_the_connection() {
    assert_eq!(RenegotiationPolicy::default(), RenegotiationPolicy::Refuse);
    let v = script(RenegotiationPolicy::default(), &[1.0, 2.0, 3.0, 1000.0]);
    // Every attempt refused with warning no_renegotiation (1, 100); never closed.
    assert_eq!(v, vec![refuse(Refusal::Policy); 4]);
    assert_eq!(Alert::NO_RENEGOTIATION.to_bytes(), [1, 100]);
}

#[test]
fn close_policy_closes_on_the_first_attempt_and_stays_closed() {
    let v = script(RenegotiationPolicy::Close, &[1.0, 2.0]);
    assert_eq!(
        v,
        vec![close(Refusal::Policy), close(Refusal::AlreadyClosed)]
    );
}

#[test]
fn limit_allows_max_then_closes() {
    let v = script(limit(3, 60), &[1.0, 2.0, 3.0, 4.0, 500.0]);
    assert_eq!(
        v,
        vec![
            RenegotiationVerdict::Allow,
            RenegotiationVerdict::Allow,
            RenegotiationVerdict::Allow,
            close(Refusal::LimitExceeded),
            close(Refusal::AlreadyClosed),
        ]
    );
}

#[test]
fn limit_window_slides() {
    use RenegotiationVerdict::Allow;
    // Three per 60 s, sub-windows of 15 s. Renegotiations at 0, 50 and 55
    // fill the window.
    let base = [0.0, 50.0, 55.0];
    let probe = |t: f64| {
        let mut times = base.to_vec();
        times.push(t);
        *script(limit(3, 60), &times).last().unwrap()
    };
    assert_eq!(script(limit(3, 60), &base), vec![Allow; 3]);
    // Inside the window of the one at 0: refused.
    assert_eq!(probe(59.9), close(Refusal::LimitExceeded));
    // The one at 0 is forgotten no later than 60 * 5/4 = 75 s after it.
    assert_eq!(probe(75.0), Allow);
    // Between 60 and 75 s the guard is conservative: an exact sliding window
    // would allow at 60.5 s, but the sub-window holding 0 s (T0 sits 5 s
    // into a 15 s sub-window) only slides out at 70 s.
    assert_eq!(probe(60.5), close(Refusal::LimitExceeded));
    // A steady pace of one every 26 s (at most three in any 75 s) runs for ever.
    let paced: Vec<f64> = (1..200).map(|i| f64::from(i) * 26.0).collect();
    assert!(script(limit(3, 60), &paced).iter().all(|v| *v == Allow));
    // Bursts of three, every 80 s: each burst fits once the previous slid out.
    let bursts: Vec<f64> = (1..50)
        .flat_map(|i| {
            let s = f64::from(i) * 80.0;
            [s, s + 0.1, s + 0.2]
        })
        .collect();
    assert!(script(limit(3, 60), &bursts).iter().all(|v| *v == Allow));
}

#[test]
fn insecure_renegotiation_is_refused_under_every_policy() {
    for policy in [
        RenegotiationPolicy::Refuse,
        RenegotiationPolicy::Close,
        limit(u32::MAX, 1),
    ] {
        // Initial handshake without RFC 5746: allowed, but the peer is insecure.
        let mut g = RenegotiationGuard::new(policy).unwrap();
        assert_eq!(g.on_client_hello(T0, NONE), RenegotiationVerdict::Allow);
        // Whatever the renegotiation ClientHello then carries.
        let v = g.on_client_hello(at(100.0), EXT);
        match policy {
            RenegotiationPolicy::Close => assert_eq!(v, close(Refusal::InsecurePeer)),
            _ => assert_eq!(v, refuse(Refusal::InsecurePeer)),
        }
        assert_ne!(
            g.on_client_hello(at(200.0), EXT),
            RenegotiationVerdict::Allow
        );

        // Secure peer (SCSV on the initial handshake) whose renegotiation
        // lacks the extension: RFC 5746 3.7 says abort.
        let mut g = RenegotiationGuard::new(policy).unwrap();
        assert_eq!(g.on_client_hello(T0, SCSV), RenegotiationVerdict::Allow);
        assert_eq!(
            g.on_client_hello(at(1.0), NONE),
            close(Refusal::MissingSignal)
        );
        // SCSV in a renegotiation ClientHello is forbidden too.
        let mut g = RenegotiationGuard::new(policy).unwrap();
        assert_eq!(g.on_client_hello(T0, EXT), RenegotiationVerdict::Allow);
        let both = SecureRenegotiationSignal {
            extension: true,
            scsv: true,
        };
        assert_eq!(
            g.on_client_hello(at(1.0), both),
            close(Refusal::MissingSignal)
        );
    }
}

#[test]
fn config_is_validated() {
    assert_eq!(
        RenegotiationGuard::new(limit(0, 60)).unwrap_err(),
        RenegotiationConfigError::ZeroLimit
    );
    assert_eq!(
        RenegotiationGuard::new(limit(1, 0)).unwrap_err(),
        RenegotiationConfigError::ZeroWindow
    );
    // A window of 1 ns is valid (sub-windows round up to 1 ns).
    let mut g = RenegotiationGuard::new(RenegotiationPolicy::Limit {
        max: 1,
        window: Duration::from_nanos(1),
    })
    .unwrap();
    g.on_client_hello(T0, EXT);
    assert_eq!(g.on_client_hello(T0, EXT), RenegotiationVerdict::Allow);
    assert_eq!(g.on_client_hello(T0, EXT), close(Refusal::LimitExceeded));
}

#[test]
fn memory_is_constant() {
    // O(1) per connection, whatever the limit.
    assert!(std::mem::size_of::<RenegotiationGuard>() <= 96);
}

proptest! {
    // Arbitrary monotonic timelines: never more than `max` allowed in any
    // closed window of length `window`, and a refusal only when at least
    // `max` were allowed within the last five sub-windows.
    #[test]
    fn limit_is_never_exceeded_and_never_over_strict(
        max in 1u32..6,
        window_ms in 1u64..10_000,
        gaps in proptest::collection::vec(0u64..4_000, 1..200),
    ) {
        let window = Duration::from_millis(window_ms);
        let sub = Duration::from_nanos(u64::try_from(window.as_nanos().div_ceil(4)).unwrap());
        let mut g = RenegotiationGuard::new(RenegotiationPolicy::Limit { max, window }).unwrap();
        prop_assert_eq!(g.on_client_hello(T0, EXT), RenegotiationVerdict::Allow);
        let mut now = T0;
        let mut allowed: Vec<Duration> = Vec::new();
        for gap in gaps {
            now += Duration::from_millis(gap);
            let v = g.on_client_hello(now, EXT);
            let recent = |allowed: &[Duration], span: Duration| {
                allowed.iter().filter(|&&t| now - t <= span).count()
            };
            match v {
                RenegotiationVerdict::Allow => {
                    allowed.push(now);
                    prop_assert!(recent(&allowed, window) <= max as usize);
                }
                RenegotiationVerdict::Close { reason: Refusal::LimitExceeded, .. } => {
                    prop_assert!(recent(&allowed, sub * 5) >= max as usize);
                    break;
                }
                other => prop_assert!(false, "unexpected {:?}", other),
            }
        }
    }

    // Times that jump back and forth within one sub-window (2.5 s of a
    // 10 s window): exactly `max` allowed, then closed, whatever the order.
    #[test]
    fn clock_jumping_back_never_unlocks_more(
        times in proptest::collection::vec(0u64..2_500, 3..50),
    ) {
        let mut g = RenegotiationGuard::new(limit(2, 10)).unwrap();
        g.on_client_hello(Duration::ZERO, EXT);
        let verdicts: Vec<_> = times
            .iter()
            .map(|&t| g.on_client_hello(Duration::from_millis(t), EXT))
            .collect();
        prop_assert_eq!(&verdicts[..2], &[RenegotiationVerdict::Allow; 2]);
        prop_assert_eq!(verdicts[2], close(Refusal::LimitExceeded));
    }
}

#[test]
fn clock_jumping_back_counts_in_the_newest_sub_window() {
    use RenegotiationVerdict::Allow;
    let mut g = RenegotiationGuard::new(limit(2, 10)).unwrap();
    g.on_client_hello(at(1000.0), EXT);
    assert_eq!(g.on_client_hello(at(1000.0), EXT), Allow);
    // Back by 1000 s: still charged to the sub-window of 1000 s.
    assert_eq!(g.on_client_hello(at(0.0), EXT), Allow);
    assert_eq!(
        g.on_client_hello(at(0.0), EXT),
        close(Refusal::LimitExceeded)
    );
}

/// The audit's scenario: `max` used, the clock glitches forward (sliding
/// every counter out) and comes back. Before, the renegotiations judged
/// after the return got a fresh budget of `max`; now the guard knows it
/// forgot renegotiations the clock puts within the window and refuses
/// (warning, the connection stays) until the clock is a window past them.
#[test]
fn clock_jump_forward_then_back_grants_no_more() {
    use RenegotiationVerdict::Allow;
    let mut g = RenegotiationGuard::new(limit(2, 10)).unwrap();
    g.on_client_hello(at(0.0), EXT);
    assert_eq!(g.on_client_hello(at(1.0), EXT), Allow);
    assert_eq!(g.on_client_hello(at(2.0), EXT), Allow);
    // Judged at the glitched reading, an hour from anything: allowed.
    assert_eq!(g.on_client_hello(at(3600.0), EXT), Allow);
    // The clock is back: nothing more within a window of the first two.
    for t in [3.0, 4.0, 8.0, 11.9, 0.0] {
        assert_eq!(
            g.on_client_hello(at(t), EXT),
            refuse(Refusal::ClockBehind),
            "{t}"
        );
    }
    // A window past them (on a 2.5 s sub-window grid): allowed again,
    // charged to the guard's clock (the glitch's sub-window), so one more
    // fills the budget there.
    assert_eq!(g.on_client_hello(at(12.5), EXT), Allow);
    assert_eq!(
        g.on_client_hello(at(13.0), EXT),
        close(Refusal::LimitExceeded)
    );
}

/// A connection that renegotiated, idled for long and renegotiates again
/// with a clock that never went back is never refused for the clock.
#[test]
fn idle_connection_with_a_steady_clock_is_not_refused_for_the_clock() {
    use RenegotiationVerdict::Allow;
    let mut g = RenegotiationGuard::new(limit(1, 10)).unwrap();
    g.on_client_hello(at(0.0), EXT);
    for k in 1..50 {
        assert_eq!(
            g.on_client_hello(at(f64::from(k) * 12.5), EXT),
            Allow,
            "{k}"
        );
    }
    assert_eq!(g.on_client_hello(at(3600.0), EXT), Allow);
}

proptest! {
    // Arbitrary readings, jumping forward and back by up to many windows:
    // the renegotiations allowed at readings within any closed interval
    // of length `window` never exceed `max`, whatever the order.
    #[test]
    fn limit_holds_on_the_readings_whatever_the_clock(
        max in 1u32..5,
        window_ms in 1u64..10_000,
        steps in proptest::collection::vec(-30_000i64..30_000, 1..300),
    ) {
        let window = Duration::from_millis(window_ms);
        let mut g = RenegotiationGuard::new(RenegotiationPolicy::Limit { max, window }).unwrap();
        let base = T0.as_millis() as i64;
        let mut now = base;
        g.on_client_hello(T0, EXT);
        let mut allowed: Vec<i64> = Vec::new();
        for step in steps {
            now += step;
            let v = g.on_client_hello(Duration::from_millis(now as u64), EXT);
            match v {
                RenegotiationVerdict::Allow => allowed.push(now),
                RenegotiationVerdict::Refuse { reason: Refusal::ClockBehind, .. } => {}
                RenegotiationVerdict::Close { reason: Refusal::LimitExceeded, .. } => break,
                other => prop_assert!(false, "unexpected {:?}", other),
            }
        }
        allowed.sort_unstable();
        for (i, &start) in allowed.iter().enumerate() {
            let within = allowed[i..]
                .iter()
                .take_while(|&&t| t - start <= window_ms as i64)
                .count();
            prop_assert!(within <= max as usize, "{} allowed in [{}, +{}]: {:?}", within, start - base, window_ms, allowed);
        }
    }
}
