//! Generated edge cases: inputs no capture holds, for tests and fuzz seeds.
//!
//! Each is built from a real capture or with the crate's own byte builder, never
//! with `hellogate-codec`, and carries a one-line note saying what it exercises.

use crate::capture::{Protocol, get};
use crate::listen::{LISTEN_RECORD_VERSION, listen_client_hello_body};
use crate::wire;

/// One generated input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeCase {
    /// A snake_case name, unique among the edge cases (and distinct from capture names).
    pub name: &'static str,
    /// The protocol it is meant for: datagram (DTLS) or stream (TLS) framing.
    pub protocol: Protocol,
    /// One datagram (DTLS) or the bytes of a stream (TLS).
    pub bytes: Vec<u8>,
    /// What it is and why it is interesting, in one line.
    pub note: &'static str,
}

/// A capture's bytes; the names used here are checked by the tests.
fn capture(name: &str) -> &'static [u8] {
    match get(name) {
        Some(c) => c.bytes,
        None => panic!("capture {name} is missing from captures/"),
    }
}

/// `bytes` with `at` replaced by `with`.
fn patched(bytes: &[u8], at: usize, with: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[at..at + with.len()].copy_from_slice(with);
    out
}

/// The handshake message of a one-record TLS capture, re-framed into two records
/// split `at` bytes into the message.
fn tls_split(name: &str, at: usize) -> Vec<u8> {
    let rec = capture(name);
    let version = [rec[1], rec[2]];
    let message = &rec[5..];
    let mut out = wire::tls_record(wire::HANDSHAKE, version, &message[..at]);
    out.extend(wire::tls_record(wire::HANDSHAKE, version, &message[at..]));
    out
}

/// A one-record, unfragmented DTLS ClientHello datagram with `cookie` put into its
/// (empty) legacy_cookie, every length field rewritten and every other field kept.
fn dtls_with_legacy_cookie(datagram: &[u8], cookie: &[u8]) -> Vec<u8> {
    // Cookie length byte: record header (13) + handshake header (12) + legacy_version (2)
    // + random (32) + session_id length (1) + session_id.
    let sid_len = usize::from(datagram[13 + 12 + 34]);
    let at = 13 + 12 + 35 + sid_len;
    assert_eq!(datagram[at], 0, "the original has an empty legacy_cookie");
    let body = [
        &datagram[25..at],
        &wire::Builder::new().vec8(cookie).finish(),
        &datagram[at + 1..],
    ]
    .concat();
    let length = u32::try_from(body.len()).expect("fits a uint24");
    let message_seq = u16::from_be_bytes([datagram[17], datagram[18]]);
    let handshake = wire::dtls_handshake(datagram[13], length, message_seq, 0, &body);
    let epoch = u16::from_be_bytes([datagram[3], datagram[4]]);
    let sequence = datagram[5..11]
        .iter()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    wire::dtls_record(
        datagram[0],
        [datagram[1], datagram[2]],
        epoch,
        sequence,
        &handshake,
    )
}

/// Every edge case, in a fixed order.
pub fn edge_cases() -> Vec<EdgeCase> {
    let dtls_ch1 = capture("dtls12_openssl_ch1");
    let tls_ch1 = capture("tls13_openssl_ch1");
    let listen_body = listen_client_hello_body(&[]);
    let listen_len = u32::try_from(listen_body.len()).expect("small body");
    let edge = |name, protocol, bytes, note| EdgeCase {
        name,
        protocol,
        bytes,
        note,
    };

    let mut ch_then_garbage = dtls_ch1.to_vec();
    ch_then_garbage.extend(wire::dtls_record(
        wire::HANDSHAKE,
        [0xfe, 0xfd],
        0,
        1,
        &[0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef],
    ));

    vec![
        edge(
            "tls13_openssl_ch1_split_at_100",
            Protocol::Tls13,
            tls_split("tls13_openssl_ch1", 100),
            "tls13_openssl_ch1's ClientHello re-framed into two handshake records, split 100 bytes into the message (RFC 8446 5.1 allows it)",
        ),
        edge(
            "tls13_rustls_ch1_split_at_1",
            Protocol::Tls13,
            tls_split("tls13_rustls_ch1", 1),
            "tls13_rustls_ch1's ClientHello re-framed so the first record holds only the handshake type byte",
        ),
        edge(
            "tls13_ccs_alone",
            Protocol::Tls13,
            wire::tls_record(wire::CHANGE_CIPHER_SPEC, [0x03, 0x03], &[0x01]),
            "a lone middlebox-compatibility ChangeCipherSpec record 140303000101, as clients send before CH2",
        ),
        edge(
            "tls13_ccs_before_ch1",
            Protocol::Tls13,
            [
                wire::tls_record(wire::CHANGE_CIPHER_SPEC, [0x03, 0x03], &[0x01]),
                tls_ch1.to_vec(),
            ]
            .concat(),
            "a CCS record before any ClientHello, then tls13_openssl_ch1: RFC 8446 section 5 lets a server drop a CCS only after the first ClientHello",
        ),
        edge(
            "tls13_ch1_record_header_only",
            Protocol::Tls13,
            tls_ch1[..5].to_vec(),
            "the 5-byte record header of tls13_openssl_ch1 and nothing else: a stream reader must ask for more bytes",
        ),
        edge(
            "tls13_record_length_over_limit",
            Protocol::Tls13,
            [wire::HANDSHAKE, 0x03, 0x01, 0x48, 0x01].to_vec(),
            "a handshake record header announcing 18433 bytes, above the 2^14 + 2048 a TLSPlaintext may carry (record_overflow)",
        ),
        edge(
            "tls13_appdata_record",
            Protocol::Tls13,
            patched(tls_ch1, 0, &[wire::APPLICATION_DATA]),
            "tls13_openssl_ch1 with content type 23 (application_data) instead of handshake: not a first flight",
        ),
        edge(
            "dtls12_ch1_then_garbage_record",
            Protocol::Dtls12,
            ch_then_garbage,
            "dtls12_openssl_ch1 followed in the same datagram by a second record of 8 garbage bytes; extra records after the first are ignored",
        ),
        edge(
            "dtls12_ch1_epoch_1",
            Protocol::Dtls12,
            patched(dtls_ch1, 3, &[0x00, 0x01]),
            "dtls12_openssl_ch1 with record epoch 1: a listener only takes epoch 0",
        ),
        edge(
            "dtls12_ch1_content_type_23",
            Protocol::Dtls12,
            patched(dtls_ch1, 0, &[wire::APPLICATION_DATA]),
            "dtls12_openssl_ch1 with content type 23 (application_data): a listener only takes handshake records",
        ),
        edge(
            "dtls12_ch1_message_seq_3",
            Protocol::Dtls12,
            patched(dtls_ch1, 13 + 4, &[0x00, 0x03]),
            "dtls12_openssl_ch1 with handshake message_seq 3: OpenSSL's listener drops message_seq above 2",
        ),
        edge(
            "dtls12_ch1_truncated_record",
            Protocol::Dtls12,
            dtls_ch1[..dtls_ch1.len() - 1].to_vec(),
            "dtls12_openssl_ch1 missing its last byte: the record length says one byte more than the datagram holds",
        ),
        edge(
            "dtls12_record_body_11_bytes",
            Protocol::Dtls12,
            wire::dtls_record(wire::HANDSHAKE, LISTEN_RECORD_VERSION, 0, 0, &{
                let mut h =
                    wire::dtls_handshake(wire::CLIENT_HELLO, listen_len, 0, 0, &listen_body);
                h.truncate(11);
                h
            }),
            "a complete record header whose 11-byte body is one byte short of a DTLS handshake header (the other reading of OpenSSL's 11-byte case)",
        ),
        edge(
            "dtls13_dimpl_ch1_legacy_cookie",
            Protocol::Dtls13,
            dtls_with_legacy_cookie(capture("dtls13_dimpl_ch1"), &[0x5a; 8]),
            "dtls13_dimpl_ch1 with an 8-byte legacy_cookie: RFC 9147 section 5.3 makes anything but an empty one illegal_parameter",
        ),
        edge(
            "dtls_empty_datagram",
            Protocol::Dtls12,
            Vec::new(),
            "a zero-byte UDP payload",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(name: &str) -> EdgeCase {
        edge_cases()
            .into_iter()
            .find(|e| e.name == name)
            .unwrap_or_else(|| panic!("no edge case {name}"))
    }

    #[test]
    fn names_are_unique_and_not_capture_names() {
        let cases = edge_cases();
        let mut names: Vec<&str> = cases.iter().map(|e| e.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), cases.len());
        assert!(names.iter().all(|n| get(n).is_none()));
        assert!(
            cases
                .iter()
                .all(|e| !e.note.is_empty() && !e.note.contains('\n'))
        );
    }

    /// Reassembles a stream of TLS records: (content types, concatenated bodies).
    fn tls_records(mut s: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let (mut types, mut body) = (Vec::new(), Vec::new());
        while !s.is_empty() {
            let len = usize::from(u16::from_be_bytes([s[3], s[4]]));
            types.push(s[0]);
            body.extend_from_slice(&s[5..5 + len]);
            s = &s[5 + len..];
        }
        (types, body)
    }

    #[test]
    fn split_client_hellos_reassemble_to_the_original_message() {
        for (edge, original, at) in [
            ("tls13_openssl_ch1_split_at_100", "tls13_openssl_ch1", 100),
            ("tls13_rustls_ch1_split_at_1", "tls13_rustls_ch1", 1),
        ] {
            let e = find(edge);
            let orig = get(original).unwrap().bytes;
            assert_eq!(e.bytes.len(), orig.len() + 5, "one more record header");
            assert_eq!(&e.bytes[1..3], &orig[1..3], "same record version");
            assert_eq!(
                usize::from(u16::from_be_bytes([e.bytes[3], e.bytes[4]])),
                at
            );
            let (types, body) = tls_records(&e.bytes);
            assert_eq!(types, [22, 22]);
            assert_eq!(body, &orig[5..]);
        }
    }

    #[test]
    fn ccs_alone_is_the_bytes_clients_send() {
        assert_eq!(find("tls13_ccs_alone").bytes, [0x14, 3, 3, 0, 1, 1]);
        let b = find("tls13_ccs_before_ch1").bytes;
        let (types, body) = tls_records(&b);
        assert_eq!(types, [20, 22]);
        assert_eq!(&b[6..], get("tls13_openssl_ch1").unwrap().bytes);
        assert_eq!(body[0], 1, "CCS body, then the ClientHello message");
    }

    #[test]
    fn record_length_over_limit_exceeds_2_14_plus_2048() {
        let b = find("tls13_record_length_over_limit").bytes;
        assert!(usize::from(u16::from_be_bytes([b[3], b[4]])) > (1 << 14) + 2048);
    }

    #[test]
    fn dtls_patches_change_only_the_named_field() {
        let orig = get("dtls12_openssl_ch1").unwrap().bytes;
        let diff = |name: &str| -> Vec<usize> {
            let b = find(name).bytes;
            assert_eq!(b.len(), orig.len(), "{name}");
            (0..b.len()).filter(|&i| b[i] != orig[i]).collect()
        };
        // The capture is epoch 0, type 22, message_seq 0, so the new values differ.
        assert_eq!(diff("dtls12_ch1_epoch_1"), [4]);
        assert_eq!(diff("dtls12_ch1_content_type_23"), [0]);
        assert_eq!(diff("dtls12_ch1_message_seq_3"), [18]);
    }

    #[test]
    fn garbage_record_follows_an_intact_client_hello() {
        let orig = get("dtls12_openssl_ch1").unwrap().bytes;
        let b = find("dtls12_ch1_then_garbage_record").bytes;
        assert_eq!(&b[..orig.len()], orig);
        let rest = &b[orig.len()..];
        assert_eq!(rest.len(), 13 + 8);
        assert_eq!(usize::from(u16::from_be_bytes([rest[11], rest[12]])), 8);
    }

    #[test]
    fn legacy_cookie_is_inserted_with_every_length_fixed() {
        let orig = get("dtls13_dimpl_ch1").unwrap().bytes;
        let b = find("dtls13_dimpl_ch1_legacy_cookie").bytes;
        let be = |x: &[u8]| x.iter().fold(0usize, |a, &y| (a << 8) | usize::from(y));
        assert_eq!(b.len(), orig.len() + 8);
        assert_eq!(&b[..11], &orig[..11], "type, version, epoch, sequence kept");
        assert_eq!(be(&b[11..13]), b.len() - 13, "record length");
        assert_eq!(be(&b[14..17]), b.len() - 25, "handshake length");
        assert_eq!(
            &b[17..22],
            &orig[17..22],
            "message_seq, fragment_offset 0 kept"
        );
        assert_eq!(be(&b[22..25]), b.len() - 25, "fragment_length");
        assert_eq!(
            &b[25..60],
            &orig[25..60],
            "legacy_version, random, empty session_id"
        );
        assert_eq!(b[60], 8);
        assert_eq!(&b[61..69], &[0x5a; 8]);
        assert_eq!(&b[69..], &orig[61..], "the rest unchanged");
    }

    #[test]
    fn short_dtls_inputs() {
        let b = find("dtls12_record_body_11_bytes").bytes;
        assert_eq!(b.len(), 13 + 11);
        assert_eq!(&b[11..13], &[0, 11]);
        assert!(find("dtls_empty_datagram").bytes.is_empty());
        let orig = get("dtls12_openssl_ch1").unwrap().bytes;
        assert_eq!(
            find("dtls12_ch1_truncated_record").bytes,
            orig[..orig.len() - 1]
        );
    }
}
