//! What the DTLS ClientHello captures offer, read with a small walker written here
//! (not the codec), against what their file names and PROVENANCE.md claim.

use hellogate_testvectors::{Capture, Kind, Protocol, all, get};

/// DTLS 1.3 in supported_versions (RFC 9147 section 5.3).
const DTLS13: [u8; 2] = [0xfe, 0xfc];
const SUPPORTED_VERSIONS: u16 = 43;
const COOKIE: u16 = 44;

struct Hello<'a> {
    random: &'a [u8],
    legacy_cookie: &'a [u8],
    extensions: Vec<(u16, &'a [u8])>,
}

fn be(b: &[u8]) -> usize {
    b.iter().fold(0, |acc, &x| (acc << 8) | usize::from(x))
}

/// Splits `n` bytes off the front.
fn take<'a>(b: &mut &'a [u8], n: usize) -> &'a [u8] {
    let (head, tail) = b.split_at(n);
    *b = tail;
    head
}

/// The ClientHello in the datagram's first record (unfragmented, as all captures are).
fn client_hello(c: &Capture) -> Hello<'static> {
    let mut b: &'static [u8] = c.bytes;
    let header = take(&mut b, 13);
    let mut record = take(&mut b, be(&header[11..13]));
    let hs = take(&mut record, 12);
    assert_eq!(hs[0], 1, "{}: client_hello", c.name);
    assert_eq!(be(&hs[1..4]), be(&hs[9..12]), "{}: unfragmented", c.name);
    let mut body = take(&mut record, be(&hs[1..4]));
    take(&mut body, 2);
    let random = take(&mut body, 32);
    let sid_len = be(take(&mut body, 1));
    take(&mut body, sid_len);
    let cookie_len = be(take(&mut body, 1));
    let legacy_cookie = take(&mut body, cookie_len);
    let suites_len = be(take(&mut body, 2));
    take(&mut body, suites_len);
    let comp_len = be(take(&mut body, 1));
    take(&mut body, comp_len);
    let ext_len = be(take(&mut body, 2));
    let mut ext = take(&mut body, ext_len);
    assert!(
        body.is_empty(),
        "{}: trailing bytes after extensions",
        c.name
    );
    let mut extensions = Vec::new();
    while !ext.is_empty() {
        let ty = be(take(&mut ext, 2));
        let len = be(take(&mut ext, 2));
        extensions.push((u16::try_from(ty).unwrap(), take(&mut ext, len)));
    }
    Hello {
        random,
        legacy_cookie,
        extensions,
    }
}

impl Hello<'_> {
    fn ext(&self, ty: u16) -> Option<&[u8]> {
        self.extensions
            .iter()
            .find(|(t, _)| *t == ty)
            .map(|(_, v)| *v)
    }

    fn offers_dtls13(&self) -> bool {
        self.ext(SUPPORTED_VERSIONS)
            .is_some_and(|v| v[1..].chunks(2).any(|p| p == DTLS13))
    }
}

fn dtls_client_hellos() -> impl Iterator<Item = &'static Capture> {
    all()
        .iter()
        .filter(|c| c.is_datagram() && matches!(c.kind, Kind::Ch1 | Kind::Ch2))
}

#[test]
fn dtls13_files_offer_dtls13_and_dtls12_files_do_not() {
    let mut seen13 = 0;
    for c in dtls_client_hellos() {
        let hello = client_hello(c);
        assert_eq!(
            hello.offers_dtls13(),
            c.protocol == Protocol::Dtls13,
            "{}",
            c.name
        );
        seen13 += usize::from(c.protocol == Protocol::Dtls13);
    }
    assert!(seen13 >= 3, "the dimpl ClientHellos are in the table");
}

#[test]
fn dtls13_client_hellos_keep_legacy_cookie_empty() {
    // RFC 9147 section 5.3: a DTLS 1.3 client's legacy_cookie is empty; the cookie
    // travels in the cookie extension, and only in CH2.
    for c in dtls_client_hellos().filter(|c| c.protocol == Protocol::Dtls13) {
        let hello = client_hello(c);
        assert!(hello.legacy_cookie.is_empty(), "{}", c.name);
        assert_eq!(
            hello.ext(COOKIE).is_some(),
            c.kind == Kind::Ch2,
            "{}",
            c.name
        );
    }
}

#[test]
fn auto_client_offers_both_versions() {
    let hello = client_hello(get("dtls13_dimpl_auto_ch1").unwrap());
    let versions = hello.ext(SUPPORTED_VERSIONS).unwrap();
    assert!(versions[1..].chunks(2).any(|p| p == [0xfe, 0xfd]));
    assert!(hello.offers_dtls13());
}

#[test]
fn dimpl_ch2_repeats_ch1_and_returns_the_hrr_cookie() {
    let ch1 = client_hello(get("dtls13_dimpl_ch1").unwrap());
    let ch2 = client_hello(get("dtls13_dimpl_ch2").unwrap());
    assert_eq!(ch1.random, ch2.random);
    // The HRR's extensions start after: record (13) + handshake (12) header,
    // legacy_version (2), random (32), session_id (1 + 0), suite (2), compression (1).
    let hrr = get("dtls13_dimpl_hrr").unwrap().bytes;
    let hrr_random = &hrr[25 + 2..25 + 34];
    assert_eq!(
        hex(hrr_random),
        "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c",
        "HelloRetryRequest random (RFC 8446 section 4.1.3)"
    );
    let cookie = ch2.ext(COOKIE).unwrap();
    let at = hrr
        .windows(cookie.len())
        .position(|w| w == cookie)
        .expect("CH2's cookie extension body appears in the HRR");
    assert_eq!(be(&hrr[at - 4..at - 2]), usize::from(COOKIE));
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
