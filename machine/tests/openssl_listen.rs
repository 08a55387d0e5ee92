//! OpenSSL's nine DTLSv1_listen test cases (as described in the test vectors' MANIFEST)
//! give the outcome OpenSSL's own test expects, with a cookie this listener made.

mod common;

use common::*;
use hellogate_machine::{Config, Decision, MAX_OUTPUT_LEN, ReplyKind};
use hellogate_testvectors::{ListenExpect, dtls_listen_cases};

fn dtls12_only() -> Config {
    // DTLSv1_listen is a DTLS 1.2 listener.
    Config {
        dtls13: false,
        ..Config::default()
    }
}

#[test]
fn dtlsv1_listen_cases_get_openssls_outcomes() {
    let l = listener(dtls12_only());
    // Get a genuine cookie the way a client would: send case 2 (a first fragment cut right
    // after its empty cookie) and take the cookie from our HelloVerifyRequest. It binds what
    // that fragment held, so it serves both the whole ClientHello (case 5) and the first
    // fragment that ends right after the cookie (case 6).
    let probe = dtls_listen_cases(&[0; 32]);
    let case2 = probe.iter().find(|c| c.number == 2).unwrap();
    let mut out = [0u8; MAX_OUTPUT_LEN];
    let d = l.handle_datagram(NOW, peer(), &case2.datagram, &mut out);
    let Decision::Reply {
        len,
        kind: ReplyKind::HelloVerifyRequest,
        ..
    } = d
    else {
        panic!("{d:?}")
    };
    let cookie = reply_cookie(&out[..len]);

    let cases = dtls_listen_cases(&cookie);
    assert_eq!(cases.len(), 9);
    for c in &cases {
        let mut out = [0u8; MAX_OUTPUT_LEN];
        let d = l.handle_datagram(NOW, peer(), &c.datagram, &mut out);
        let got = match d {
            Decision::Reply {
                kind: ReplyKind::HelloVerifyRequest,
                ..
            } => ListenExpect::HelloVerifyRequest,
            Decision::Accept(a) => {
                assert!(a.validated, "case {}", c.number);
                ListenExpect::Accept
            }
            Decision::Drop(_) => ListenExpect::Drop,
            other => panic!("case {} {}: {other:?}", c.number, c.name),
        };
        assert_eq!(
            got,
            c.expect,
            "case {} {}: {}",
            c.number,
            c.name,
            describe(&d, &out)
        );
    }
}

#[test]
fn whole_client_hello_cookie_does_not_validate_a_fragment_missing_the_bound_fields() {
    // A cookie from a whole ClientHello binds cipher_suites and compression_methods; a first
    // fragment that ends at the cookie cannot show them, so it earns a new HVR, not an accept.
    let l = listener(dtls12_only());
    let probe = dtls_listen_cases(&[0; 32]);
    let case1 = probe.iter().find(|c| c.number == 1).unwrap();
    let mut out = [0u8; MAX_OUTPUT_LEN];
    let d = l.handle_datagram(NOW, peer(), &case1.datagram, &mut out);
    let Decision::Reply { len, .. } = d else {
        panic!("{d:?}")
    };
    let cookie = reply_cookie(&out[..len]);
    let cases = dtls_listen_cases(&cookie);
    let outcome = |n: u8| {
        let c = cases.iter().find(|c| c.number == n).unwrap();
        let mut out = [0u8; MAX_OUTPUT_LEN];
        l.handle_datagram(NOW, peer(), &c.datagram, &mut out).name()
    };
    assert_eq!(outcome(5), "accept");
    assert_eq!(outcome(6), "reply");
}
