//! Every real capture parses, and every message in it re-encodes byte for byte from its
//! parse, with the framing it arrived in.

use hellogate_codec::{
    Alert, ChangeCipherSpec, ClientHello, ContentType, DtlsHandshake, DtlsRecords, Flavor, Framing,
    Handshake, HandshakeType, HelloVerifyRequest, ProtocolVersion, RecordFraming, ServerHello,
    TlsRecord,
};
use hellogate_testvectors::{Capture, Kind};

/// Re-encodes one handshake message and checks it against `original`.
fn check_message(
    name: &str,
    msg_type: HandshakeType,
    body: &[u8],
    framing: Framing,
    flavor: Flavor,
    original: &[u8],
) -> &'static str {
    let mut out = vec![0u8; original.len() + 64];
    let n = match msg_type {
        HandshakeType::CLIENT_HELLO => {
            let ch = ClientHello::parse(body, flavor).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(ch.body_len(), body.len(), "{name}");
            ch.write(framing, &mut out).unwrap()
        }
        HandshakeType::SERVER_HELLO => {
            let sh = ServerHello::parse(body).unwrap_or_else(|e| panic!("{name}: {e}"));
            sh.write(framing, &mut out).unwrap()
        }
        HandshakeType::HELLO_VERIFY_REQUEST => {
            let hvr = HelloVerifyRequest::parse(body).unwrap_or_else(|e| panic!("{name}: {e}"));
            hvr.write(framing, &mut out).unwrap()
        }
        other => panic!("{name}: unexpected message {other}"),
    };
    assert_eq!(&out[..n], original, "{name}: re-encoding differs");
    match msg_type {
        HandshakeType::CLIENT_HELLO => "ch",
        HandshakeType::SERVER_HELLO => "sh",
        _ => "hvr",
    }
}

fn check_dtls(c: &Capture) -> Vec<&'static str> {
    let mut seen = Vec::new();
    for rec in DtlsRecords::new(c.bytes) {
        let rec = rec.unwrap_or_else(|e| panic!("{}: {e}", c.name));
        let end = rec.offset + 13 + rec.fragment.len();
        let original = &c.bytes[rec.offset..end];
        assert_eq!(
            rec.header.content_type,
            ContentType::HANDSHAKE,
            "{}",
            c.name
        );
        let (hs, rest) = DtlsHandshake::parse(rec.fragment).unwrap();
        assert!(rest.is_empty(), "{}: one message per record", c.name);
        assert!(hs.is_complete(), "{}", c.name);
        let framing = Framing::DtlsRecord {
            version: rec.header.version,
            epoch: rec.header.epoch,
            sequence_number: rec.header.sequence_number,
            message_seq: hs.message_seq,
        };
        seen.push(check_message(
            c.name,
            hs.msg_type,
            hs.fragment,
            framing,
            Flavor::Dtls,
            original,
        ));
    }
    seen
}

fn check_tls(c: &Capture) -> Vec<&'static str> {
    let mut seen = Vec::new();
    let mut input = c.bytes;
    while !input.is_empty() {
        let (rec, rest) = TlsRecord::parse(input).unwrap_or_else(|e| panic!("{}: {e}", c.name));
        let original = &input[..input.len() - rest.len()];
        let mut out = vec![0u8; original.len()];
        assert_eq!(rec.write(&mut out), Ok(original.len()));
        assert_eq!(out, original);
        match rec.header.content_type {
            ContentType::HANDSHAKE => {
                let (hs, after) = Handshake::parse(rec.fragment).unwrap();
                assert!(after.is_empty(), "{}: one message per record", c.name);
                let framing = Framing::TlsRecord {
                    version: rec.header.version,
                };
                seen.push(check_message(
                    c.name,
                    hs.msg_type,
                    hs.body,
                    framing,
                    Flavor::Tls,
                    original,
                ));
            }
            ContentType::CHANGE_CIPHER_SPEC => {
                ChangeCipherSpec::parse(rec.fragment).unwrap();
                let mut out = [0u8; 6];
                let f = RecordFraming::Tls {
                    version: rec.header.version,
                };
                assert_eq!(ChangeCipherSpec.write(f, &mut out), Ok(6));
                assert_eq!(&out[..], original);
                seen.push("ccs");
            }
            ContentType::ALERT => {
                let a = Alert::parse(rec.fragment).unwrap();
                let mut out = [0u8; 7];
                let f = RecordFraming::Tls {
                    version: rec.header.version,
                };
                assert_eq!(a.write(f, &mut out), Ok(7));
                assert_eq!(&out[..], original);
                seen.push("alert");
            }
            other => panic!("{}: unexpected record {other}", c.name),
        }
        input = rest;
    }
    seen
}

#[test]
fn every_capture_parses_and_reencodes_byte_for_byte() {
    let all = hellogate_testvectors::all();
    assert!(all.len() >= 40, "expected every capture, got {}", all.len());
    for c in all {
        let seen = if c.is_datagram() {
            check_dtls(c)
        } else {
            check_tls(c)
        };
        let expected: &[&str] = match c.kind {
            Kind::Ch1 | Kind::Ch2 => &["ch"],
            Kind::Ch2Flight => &["ccs", "ch"],
            Kind::Hvr => &["hvr"],
            Kind::Hrr | Kind::ServerHello => &["sh"],
            Kind::HrrFlight => &["sh", "ccs"],
        };
        assert_eq!(seen, expected, "{}", c.name);
    }
}

#[test]
fn client_hellos_show_what_the_manifest_says() {
    // Facts from PROVENANCE.md, checked against the typed views.
    let tls = |name: &str| {
        let c = hellogate_testvectors::get(name).unwrap();
        let (rec, _) = TlsRecord::parse(c.bytes).unwrap();
        let (hs, _) = Handshake::parse(rec.fragment).unwrap();
        (hs.body, rec.header.version)
    };
    let (body, v) = tls("tls13_rustls_ch1");
    assert_eq!(v, ProtocolVersion::TLS1_0);
    let ch = ClientHello::parse(body, Flavor::Tls).unwrap();
    let shares: Vec<_> = ch
        .known
        .key_shares
        .unwrap()
        .iter()
        .map(|s| (s.group.0, s.key_exchange.len()))
        .collect();
    assert_eq!(shares, [(0x11ec, 1216), (0x001d, 32)]);
    assert_eq!(ch.legacy_session_id.len(), 32);
    assert_eq!(ch.cipher_suites.len(), 10);

    let (body, _) = tls("tls13_openssl_ch2");
    let ch = ClientHello::parse(body, Flavor::Tls).unwrap();
    assert_eq!(ch.known.cookie.map(<[u8]>::len), Some(120));
    let order: Vec<u16> = ch
        .extensions
        .unwrap()
        .iter()
        .map(|e| e.extension_type.0)
        .collect();
    assert_eq!(order, [0, 11, 10, 35, 22, 23, 13, 43, 45, 51, 44]);

    let (body, _) = tls("tls13_gnutls_srvp384_hrr");
    let hrr = ServerHello::parse(body).unwrap();
    assert!(hrr.is_hello_retry_request());
    assert_eq!(
        hrr.selected_group(),
        Some(hellogate_codec::NamedGroup::SECP384R1)
    );
    assert_eq!(hrr.cookie().map(<[u8]>::len), Some(120));
    assert_eq!(hrr.selected_version(), Some(ProtocolVersion::TLS1_3));

    let c = hellogate_testvectors::get("dtls12_gnutls_ch2").unwrap();
    let rec = DtlsRecords::new(c.bytes).next().unwrap().unwrap();
    assert_eq!(rec.header.sequence_number, 1);
    let (hs, _) = DtlsHandshake::parse(rec.fragment).unwrap();
    assert_eq!(hs.message_seq, 1);
    let ch = ClientHello::parse(hs.fragment, Flavor::Dtls).unwrap();
    assert_eq!(ch.legacy_cookie.map(<[u8]>::len), Some(20));
    assert_eq!(ch.legacy_version, ProtocolVersion::DTLS1_2);
    assert!(ch.signals_secure_renegotiation());
}
