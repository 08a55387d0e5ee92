//! OpenSSL's nine `DTLSv1_listen` test cases, rebuilt from their description in
//! PROVENANCE.md (section "OpenSSL's DTLSv1_listen test cases").
//!
//! Whether a cookie is "good" depends on the server's key, so the caller seals one
//! with its own key ring, over exactly the fields exported here (a DTLS 1.2 cookie
//! binds client_version, random, session_id, cipher_suites and compression_methods,
//! RFC 6347 section 4.2.1), and passes it to [`dtls_listen_cases`].

use crate::wire::{self, Builder};

/// Record version of every case: DTLS 1.0 (`fe ff`), as clients send their first flight.
pub const LISTEN_RECORD_VERSION: [u8; 2] = [0xfe, 0xff];
/// ClientHello.client_version of every case: DTLS 1.2 (`fe fd`).
pub const LISTEN_CLIENT_VERSION: [u8; 2] = [0xfe, 0xfd];
/// ClientHello.random of every case: fixed, so a cookie can be sealed over it beforehand.
pub const LISTEN_CLIENT_RANDOM: [u8; 32] = *b"hellogate DTLSv1_listen random.!";
/// ClientHello.session_id of every case: empty.
pub const LISTEN_SESSION_ID: &[u8] = &[];
/// ClientHello.cipher_suites, as the wire bytes of the vector body (no length prefix):
/// TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 (c02b), TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (c02f).
pub const LISTEN_CIPHER_SUITES: &[u8] = &[0xc0, 0x2b, 0xc0, 0x2f];
/// ClientHello.compression_methods, as the vector body: only null (0).
pub const LISTEN_COMPRESSION_METHODS: &[u8] = &[0x00];
/// ClientHello.extensions, as the vector body (no length prefix): supported_groups
/// (x25519, secp256r1), ec_point_formats (uncompressed), signature_algorithms
/// (ecdsa_secp256r1_sha256).
pub const LISTEN_EXTENSIONS: &[u8] = &[
    0x00, 0x0a, 0x00, 0x06, 0x00, 0x04, 0x00, 0x1d, 0x00, 0x17, // supported_groups
    0x00, 0x0b, 0x00, 0x02, 0x01, 0x00, // ec_point_formats
    0x00, 0x0d, 0x00, 0x04, 0x00, 0x02, 0x04, 0x03, // signature_algorithms
];

/// Offset of the cookie length byte in a ClientHello body built here:
/// client_version (2) + random (32) + session_id (1 + 0).
pub const LISTEN_COOKIE_LENGTH_OFFSET: usize = 2 + 32 + 1 + LISTEN_SESSION_ID.len();

/// What a `DTLSv1_listen`-like listener must do with a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListenExpect {
    /// Answer with a HelloVerifyRequest carrying a fresh cookie.
    HelloVerifyRequest,
    /// Send nothing and keep no state.
    Drop,
    /// The cookie is valid: hand the ClientHello on.
    Accept,
}

/// One of OpenSSL's `DTLSv1_listen` cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenCase {
    /// The case's number in the description, 1 to 9.
    pub number: u8,
    /// A short snake_case name for test output and seed file names.
    pub name: &'static str,
    /// The whole UDP payload.
    pub datagram: Vec<u8>,
    /// What the listener must do with it.
    pub expect: ListenExpect,
}

/// The ClientHello body (RFC 6347 section 4.2.1) every case is cut from, with `cookie`
/// as its cookie and every other field from the `LISTEN_*` constants.
///
/// # Panics
/// If `cookie` is longer than 255 bytes, which the wire format cannot carry.
pub fn listen_client_hello_body(cookie: &[u8]) -> Vec<u8> {
    Builder::new()
        .bytes(&LISTEN_CLIENT_VERSION)
        .bytes(&LISTEN_CLIENT_RANDOM)
        .vec8(LISTEN_SESSION_ID)
        .vec8(cookie)
        .vec16(LISTEN_CIPHER_SUITES)
        .vec8(LISTEN_COMPRESSION_METHODS)
        .vec16(LISTEN_EXTENSIONS)
        .finish()
}

/// One datagram: one epoch-0, sequence-0 handshake record holding one ClientHello
/// fragment, message_seq 0, cut from `body` at `offset..end`.
fn fragment_datagram(body: &[u8], offset: usize, end: usize) -> Vec<u8> {
    let length = u32::try_from(body.len()).expect("body fits a uint24");
    let fragment_offset = u32::try_from(offset).expect("offset fits a uint24");
    let handshake = wire::dtls_handshake(
        wire::CLIENT_HELLO,
        length,
        0,
        fragment_offset,
        &body[offset..end],
    );
    wire::dtls_record(wire::HANDSHAKE, LISTEN_RECORD_VERSION, 0, 0, &handshake)
}

/// The nine cases, in the description's order, for a server that considers
/// `good_cookie` valid for the `LISTEN_*` fields.
///
/// # Panics
/// If `good_cookie` is empty (case 8 needs a cookie to cut in the middle of, and a
/// good cookie is never empty) or longer than 255 bytes.
pub fn dtls_listen_cases(good_cookie: &[u8]) -> Vec<ListenCase> {
    assert!(
        (1..=255).contains(&good_cookie.len()),
        "good_cookie must be 1..=255 bytes, got {}",
        good_cookie.len()
    );
    let no_cookie = listen_client_hello_body(&[]);
    let good = listen_client_hello_body(good_cookie);
    let flipped: Vec<u8> = good_cookie.iter().map(|b| !b).collect();
    let bad = listen_client_hello_body(&flipped);
    // End of the cookie length byte, and end of the cookie.
    let cookie_start = LISTEN_COOKIE_LENGTH_OFFSET + 1;
    let good_cookie_end = cookie_start + good_cookie.len();

    let case = |number, name, datagram, expect| ListenCase {
        number,
        name,
        datagram,
        expect,
    };
    vec![
        // "(1) a ClientHello without a cookie: answer with an HVR"
        case(
            1,
            "no_cookie",
            fragment_datagram(&no_cookie, 0, no_cookie.len()),
            ListenExpect::HelloVerifyRequest,
        ),
        // "(2) the first fragment of a ClientHello, cut right after an empty cookie: HVR"
        case(
            2,
            "first_fragment_after_empty_cookie",
            fragment_datagram(&no_cookie, 0, cookie_start),
            ListenExpect::HelloVerifyRequest,
        ),
        // "(3) a first fragment cut right after the session_id length: drop"
        case(
            3,
            "first_fragment_after_session_id_length",
            fragment_datagram(&no_cookie, 0, 2 + 32 + 1),
            ListenExpect::Drop,
        ),
        // "(4) a second fragment (offset 2): drop"
        case(
            4,
            "second_fragment_offset_2",
            fragment_datagram(&no_cookie, 2, no_cookie.len()),
            ListenExpect::Drop,
        ),
        // "(5) a ClientHello with a good cookie: accept"
        case(
            5,
            "good_cookie",
            fragment_datagram(&good, 0, good.len()),
            ListenExpect::Accept,
        ),
        // "(6) a fragmented ClientHello whose first fragment ends right after a good cookie: accept"
        case(
            6,
            "first_fragment_after_good_cookie",
            fragment_datagram(&good, 0, good_cookie_end),
            ListenExpect::Accept,
        ),
        // "(7) a bad cookie: HVR again"
        case(
            7,
            "bad_cookie",
            fragment_datagram(&bad, 0, bad.len()),
            ListenExpect::HelloVerifyRequest,
        ),
        // "(8) a fragment boundary in the middle of the cookie: drop"
        case(
            8,
            "fragment_boundary_in_cookie",
            fragment_datagram(&good, 0, cookie_start + good_cookie.len() / 2),
            ListenExpect::Drop,
        ),
        // "(9) an 11-byte record: drop" -- a datagram of 11 bytes, shorter than the
        // 13-byte DTLS record header: the first 11 bytes of case 1.
        case(
            9,
            "record_11_bytes",
            fragment_datagram(&no_cookie, 0, no_cookie.len())[..11].to_vec(),
            ListenExpect::Drop,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    const COOKIE: [u8; 20] = [
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
    ];
    /// DTLS record header (13) + handshake header (12).
    const BODY_AT: usize = 25;

    fn u16_at(b: &[u8], at: usize) -> usize {
        usize::from(u16::from_be_bytes([b[at], b[at + 1]]))
    }
    fn u24_at(b: &[u8], at: usize) -> usize {
        (usize::from(b[at]) << 16) | (usize::from(b[at + 1]) << 8) | usize::from(b[at + 2])
    }

    /// (length, fragment_offset, fragment_length) of a case's handshake header.
    fn handshake_lengths(d: &[u8]) -> (usize, usize, usize) {
        (u24_at(d, 14), u24_at(d, 19), u24_at(d, 22))
    }

    #[test]
    fn body_layout_matches_rfc_6347_client_hello() {
        let body = listen_client_hello_body(&COOKIE);
        assert_eq!(&body[..2], &[0xfe, 0xfd]);
        assert_eq!(&body[2..34], &LISTEN_CLIENT_RANDOM);
        assert_eq!(body[34], 0, "empty session_id");
        assert_eq!(body[35], 20, "cookie length");
        assert_eq!(&body[36..56], &COOKIE);
        assert_eq!(&body[56..58], &[0, 4], "two cipher suites");
        assert_eq!(&body[58..62], LISTEN_CIPHER_SUITES);
        assert_eq!(&body[62..64], &[1, 0], "null compression");
        assert_eq!(u16_at(&body, 64), LISTEN_EXTENSIONS.len());
        assert_eq!(body.len(), 66 + LISTEN_EXTENSIONS.len());
        // Each extension's length covers exactly its data.
        let mut at = 0;
        while at < LISTEN_EXTENSIONS.len() {
            at += 4 + u16_at(LISTEN_EXTENSIONS, at + 2);
        }
        assert_eq!(at, LISTEN_EXTENSIONS.len());
    }

    #[test]
    fn nine_cases_in_order_with_the_described_expectations() {
        use ListenExpect::*;
        let cases = dtls_listen_cases(&COOKIE);
        let got: Vec<(u8, ListenExpect)> = cases.iter().map(|c| (c.number, c.expect)).collect();
        let want = [
            (1, HelloVerifyRequest),
            (2, HelloVerifyRequest),
            (3, Drop),
            (4, Drop),
            (5, Accept),
            (6, Accept),
            (7, HelloVerifyRequest),
            (8, Drop),
            (9, Drop),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn every_record_header_is_epoch_0_seq_0_feff_and_sized() {
        for c in dtls_listen_cases(&COOKIE).iter().filter(|c| c.number != 9) {
            let d = &c.datagram;
            assert_eq!(&d[..3], &[22, 0xfe, 0xff], "case {}", c.number);
            assert_eq!(&d[3..11], &[0; 8], "epoch 0, sequence 0: case {}", c.number);
            assert_eq!(
                u16_at(d, 11),
                d.len() - 13,
                "record length: case {}",
                c.number
            );
            assert_eq!(d[13], 1, "client_hello: case {}", c.number);
            assert_eq!(u16_at(d, 17), 0, "message_seq 0: case {}", c.number);
            let (_, _, frag_len) = handshake_lengths(d);
            assert_eq!(
                frag_len,
                d.len() - BODY_AT,
                "fragment_length: case {}",
                c.number
            );
        }
    }

    #[test]
    fn unfragmented_cases_carry_the_whole_body() {
        let cases = dtls_listen_cases(&COOKIE);
        for n in [1, 5, 7] {
            let d = &cases[n - 1].datagram;
            let (length, offset, frag_len) = handshake_lengths(d);
            assert_eq!((offset, frag_len), (0, length), "case {n}");
        }
        assert_eq!(
            &cases[4].datagram[BODY_AT..],
            &listen_client_hello_body(&COOKIE)[..]
        );
        assert_eq!(cases[0].datagram[BODY_AT + 35], 0, "case 1 has no cookie");
    }

    #[test]
    fn fragments_end_where_the_description_says() {
        let cases = dtls_listen_cases(&COOKIE);
        let frag = |n: usize| {
            let d = &cases[n - 1].datagram;
            let (length, offset, frag_len) = handshake_lengths(d);
            assert!(offset > 0 || frag_len < length, "case {n} is a fragment");
            (offset, frag_len, &d[BODY_AT..])
        };
        // (2): ends right after the (empty) cookie: 2 + 32 + 1 + 1 bytes.
        let (offset, len, f) = frag(2);
        assert_eq!((offset, len, f[35]), (0, 36, 0));
        // (3): ends right after the session_id length byte.
        let (offset, len, _) = frag(3);
        assert_eq!((offset, len), (0, 35));
        // (4): starts at offset 2 of the body, i.e. at the random.
        let (offset, _, f) = frag(4);
        assert_eq!(offset, 2);
        assert_eq!(&f[..32], &LISTEN_CLIENT_RANDOM);
        // (6): ends with the whole good cookie.
        let (offset, len, f) = frag(6);
        assert_eq!((offset, len), (0, 36 + COOKIE.len()));
        assert!(f.ends_with(&COOKIE));
        // (8): ends strictly inside the cookie.
        let (offset, len, f) = frag(8);
        assert_eq!(offset, 0);
        assert!(len > 36 && len < 36 + COOKIE.len(), "{len}");
        assert_eq!(f[35], 20, "the cookie length still says 20");
    }

    #[test]
    fn bad_cookie_has_the_same_length_and_no_byte_in_common() {
        let cases = dtls_listen_cases(&COOKIE);
        let d = &cases[6].datagram;
        assert_eq!(d.len(), cases[4].datagram.len());
        let bad = &d[BODY_AT + 36..BODY_AT + 56];
        assert!(bad.iter().zip(COOKIE).all(|(a, b)| *a != b));
    }

    #[test]
    fn case_9_is_shorter_than_a_record_header() {
        let cases = dtls_listen_cases(&COOKIE);
        assert_eq!(cases[8].datagram.len(), 11);
        assert_eq!(cases[8].datagram[..], cases[0].datagram[..11]);
    }

    #[test]
    fn a_one_byte_cookie_is_still_cut_inside_it() {
        let cases = dtls_listen_cases(&[0x42]);
        let d = &cases[7].datagram;
        let (_, _, len) = handshake_lengths(d);
        assert_eq!(len, 36, "cookie length byte says 1, no cookie byte present");
        assert_eq!(d[BODY_AT + 35], 1);
    }

    #[test]
    #[should_panic(expected = "good_cookie must be 1..=255 bytes")]
    fn an_empty_good_cookie_is_refused() {
        dtls_listen_cases(&[]);
    }
}
