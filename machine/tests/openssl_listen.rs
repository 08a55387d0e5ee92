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

/// The cookie of the HelloVerifyRequest `l` answers case `number` (sent without a cookie) with.
fn cookie_from(l: &hellogate_machine::Listener, number: u8) -> Vec<u8> {
    let probe = dtls_listen_cases(&[0; 32]);
    let case = probe.iter().find(|c| c.number == number).unwrap();
    let mut out = [0u8; MAX_OUTPUT_LEN];
    let d = l.handle_datagram(NOW, peer(), &case.datagram, &mut out);
    let Decision::Reply {
        len,
        kind: ReplyKind::HelloVerifyRequest,
        ..
    } = d
    else {
        panic!("case {number}: {d:?}")
    };
    reply_cookie(&out[..len])
}

#[test]
fn dtlsv1_listen_cases_get_openssls_outcomes() {
    let l = listener(dtls12_only());
    // Get genuine cookies the way a client would. OpenSSL's test has one cookie its callback
    // accepts for anything; ours bind the ClientHello fields, so the good cookie depends on
    // what the client showed: case 2 (a first fragment cut right after its empty cookie)
    // earns a first-fragment cookie, good for the fragment that ends right after the cookie
    // (case 6), and case 1 (the whole ClientHello) a whole one, good for the whole ClientHello
    // that returns it (case 5). A first-fragment cookie returned in a whole ClientHello earns
    // a new HVR instead (its suites would go unchecked; see
    // first_fragment_cookie_does_not_validate_a_whole_client_hello).
    let prefix_cookie = cookie_from(&l, 2);
    let whole_cookie = cookie_from(&l, 1);
    assert_eq!((prefix_cookie[0], whole_cookie[0]), (0x14, 0x11));
    let with_whole = dtls_listen_cases(&whole_cookie);
    let cases: Vec<_> = dtls_listen_cases(&prefix_cookie)
        .into_iter()
        .map(|c| {
            if c.number == 5 {
                with_whole[4].clone()
            } else {
                c
            }
        })
        .collect();
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
    let cookie = cookie_from(&l, 1);
    let cases = dtls_listen_cases(&cookie);
    let outcome = |n: u8| {
        let c = cases.iter().find(|c| c.number == n).unwrap();
        let mut out = [0u8; MAX_OUTPUT_LEN];
        l.handle_datagram(NOW, peer(), &c.datagram, &mut out).name()
    };
    assert_eq!(outcome(5), "accept");
    assert_eq!(outcome(6), "reply");
}

#[test]
fn first_fragment_cookie_does_not_validate_a_whole_client_hello() {
    // A cookie from a first fragment that ended before cipher_suites binds only version,
    // random and session_id; returned in a whole ClientHello it would leave that ClientHello's
    // suites and compression unchecked, so it earns a new HVR carrying a whole cookie.
    let l = listener(dtls12_only());
    let cookie = cookie_from(&l, 2);
    assert_eq!(cookie[0], 0x14, "a first-fragment cookie");
    let cases = dtls_listen_cases(&cookie);
    let mut out = [0u8; MAX_OUTPUT_LEN];
    let whole = &cases.iter().find(|c| c.number == 5).unwrap().datagram;
    let d = l.handle_datagram(NOW, peer(), whole, &mut out);
    let Decision::Reply {
        len,
        kind: ReplyKind::HelloVerifyRequest,
        ..
    } = d
    else {
        panic!("{d:?}")
    };
    assert_eq!(
        reply_cookie(&out[..len])[0],
        0x11,
        "the new cookie binds the whole ClientHello"
    );
    let fragment = &cases.iter().find(|c| c.number == 6).unwrap().datagram;
    assert_eq!(
        l.handle_datagram(NOW, peer(), fragment, &mut out).name(),
        "accept"
    );
}
