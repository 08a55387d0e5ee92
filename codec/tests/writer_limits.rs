//! Every writer, at every buffer length below what it needs, returns
//! `BufferTooSmall { needed }` with `needed` the length it really writes, and leaves the
//! buffer untouched; and every writer refuses (with a typed error, whatever the buffer)
//! what its parser would refuse.

mod common;

use common::messages;
use hellogate_codec::{
    Alert, AlertDescription, ChangeCipherSpec, CipherSuite, ClientHello, ClientHelloWriter,
    ContentType, DtlsHandshake, DtlsRecord, DtlsRecordHeader, EncodeError, Flavor, Framing,
    Handshake, HandshakeType, HelloRetryRequest, HelloVerifyRequest, NamedGroup, ProtocolVersion,
    RecordFraming, ServerHello, TlsRecord, TlsRecordHeader, write_message_hash,
};

const FILL: u8 = 0xa5;

/// Runs `write` into a roomy buffer (the real length is what it returns), then at every
/// shorter length; returns the bytes written.
fn check_needed(what: &str, write: impl Fn(&mut [u8]) -> Result<usize, EncodeError>) -> Vec<u8> {
    let mut roomy = vec![FILL; 1 << 17];
    let n = write(&mut roomy).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(n > 0, "{what}");
    assert!(
        roomy[n..].iter().all(|&b| b == FILL),
        "{what}: wrote past the length it returned"
    );
    let mut exact = vec![FILL; n];
    assert_eq!(write(&mut exact), Ok(n), "{what}: exact buffer");
    assert_eq!(exact, roomy[..n], "{what}: same bytes in any buffer");
    let mut short = vec![FILL; n];
    for len in 0..n {
        assert_eq!(
            write(&mut short[..len]),
            Err(EncodeError::BufferTooSmall { needed: n }),
            "{what}: buffer of {len}"
        );
        assert!(
            short.iter().all(|&b| b == FILL),
            "{what}: buffer of {len} was written to"
        );
    }
    exact
}

fn framings() -> [Framing; 4] {
    [
        Framing::TlsMessage,
        Framing::TlsRecord {
            version: ProtocolVersion::TLS1_2,
        },
        Framing::DtlsMessage { message_seq: 3 },
        Framing::DtlsRecord {
            version: ProtocolVersion::DTLS1_2,
            epoch: 0,
            sequence_number: 0x0000_1234_5678,
            message_seq: 3,
        },
    ]
}

fn record_framings() -> [RecordFraming; 2] {
    [
        RecordFraming::Tls {
            version: ProtocolVersion::TLS1_2,
        },
        RecordFraming::Dtls {
            version: ProtocolVersion::DTLS1_2,
            epoch: 1,
            sequence_number: 9,
        },
    ]
}

#[test]
fn handshake_writers_report_the_length_they_write() {
    let sid = [7u8; 32];
    let cookie = [0xc0u8; 100];
    for framing in framings() {
        for hrr in [
            HelloRetryRequest {
                legacy_version: ProtocolVersion::TLS1_2,
                legacy_session_id_echo: &sid,
                cipher_suite: CipherSuite::TLS_AES_128_GCM_SHA256,
                selected_version: ProtocolVersion::TLS1_3,
                selected_group: Some(NamedGroup::X25519_MLKEM768),
                cookie: Some(&cookie),
            },
            HelloRetryRequest {
                legacy_version: ProtocolVersion::DTLS1_2,
                legacy_session_id_echo: &[],
                cipher_suite: CipherSuite::TLS_AES_256_GCM_SHA384,
                selected_version: ProtocolVersion::DTLS1_3,
                selected_group: None,
                cookie: Some(&cookie[..1]),
            },
            HelloRetryRequest {
                legacy_version: ProtocolVersion::TLS1_2,
                legacy_session_id_echo: &sid[..1],
                cipher_suite: CipherSuite::TLS_CHACHA20_POLY1305_SHA256,
                selected_version: ProtocolVersion::TLS1_3,
                selected_group: Some(NamedGroup::SECP256R1),
                cookie: None,
            },
        ] {
            let out = check_needed("HelloRetryRequest", |o| hrr.write(framing, o));
            assert_eq!(out.len(), hrr.encoded_len(framing));
        }
        for cookie in [&[][..], &[1; 32][..], &[2; 255][..]] {
            let hvr = HelloVerifyRequest {
                server_version: ProtocolVersion::DTLS1_0,
                cookie,
            };
            let out = check_needed("HelloVerifyRequest", |o| hvr.write(framing, o));
            assert_eq!(out.len(), hvr.encoded_len(framing));
        }
        for hash in [&[3u8; 32][..], &[4u8; 48][..]] {
            if framing == Framing::TlsMessage {
                let out = check_needed("message_hash", |o| write_message_hash(hash, o));
                assert_eq!(out.len(), 4 + hash.len());
            }
        }
    }
}

#[test]
fn captured_messages_rewrite_at_their_length_and_not_below() {
    let mut count = [0usize; 3];
    for c in hellogate_testvectors::all() {
        for m in messages(c) {
            let (what, i) = match m.msg_type {
                HandshakeType::CLIENT_HELLO => ("ClientHello", 0),
                HandshakeType::SERVER_HELLO => ("ServerHello", 1),
                _ => ("HelloVerifyRequest", 2),
            };
            count[i] += 1;
            let what = format!("{} {what}", c.name);
            // In its own framing, the writer needs exactly the captured record...
            let write = |framing: Framing, o: &mut [u8]| match m.msg_type {
                HandshakeType::CLIENT_HELLO => ClientHello::parse(m.body, m.flavor)
                    .unwrap()
                    .write(framing, o),
                HandshakeType::SERVER_HELLO => {
                    ServerHello::parse(m.body).unwrap().write(framing, o)
                }
                _ => HelloVerifyRequest::parse(m.body).unwrap().write(framing, o),
            };
            let out = check_needed(&what, |o| write(m.framing, o));
            assert_eq!(out, m.record, "{what}");
            // ... and in every other framing, its header plus the body.
            for framing in framings() {
                let out = check_needed(&what, |o| write(framing, o));
                assert_eq!(out.len(), framing.overhead() + m.body.len(), "{what}");
                assert!(out.ends_with(m.body), "{what}");
            }
        }
    }
    assert!(count.iter().all(|&n| n > 0), "{count:?}");
}

#[test]
fn client_hello_writer_built_by_hand() {
    let random = [9u8; 32];
    for flavor in [Flavor::Tls, Flavor::Dtls] {
        let w = ClientHelloWriter {
            flavor,
            legacy_version: ProtocolVersion::TLS1_2,
            random: &random,
            legacy_session_id: &[1; 32],
            legacy_cookie: Some(&[2; 255]),
            cipher_suites: &[0x13, 0x01, 0x13, 0x02],
            legacy_compression_methods: &[0],
            extensions: Some(&[0, 43, 0, 3, 2, 3, 4]),
        };
        for framing in framings() {
            let out = check_needed("ClientHelloWriter", |o| w.write(framing, o));
            assert_eq!(out.len(), framing.overhead() + w.body_len());
        }
    }
}

#[test]
fn record_writers_report_the_length_they_write() {
    for framing in record_framings() {
        let a = Alert::fatal(AlertDescription::DECODE_ERROR);
        let out = check_needed("Alert", |o| a.write(framing, o));
        assert_eq!(out.len(), Alert::encoded_len(framing));
        let out = check_needed("ChangeCipherSpec", |o| ChangeCipherSpec.write(framing, o));
        assert_eq!(out.len(), ChangeCipherSpec::encoded_len(framing));
    }
    let fragment = [0x16u8; 300];
    let tls = TlsRecord {
        header: TlsRecordHeader {
            content_type: ContentType::HANDSHAKE,
            version: ProtocolVersion::TLS1_0,
            length: 0,
        },
        fragment: &fragment,
    };
    let out = check_needed("TlsRecord", |o| tls.write(o));
    assert_eq!(out.len(), 5 + fragment.len());
    assert_eq!(TlsRecord::parse(&out).unwrap().0.fragment, &fragment[..]);
    let header = TlsRecordHeader {
        length: 300,
        ..tls.header
    };
    assert_eq!(
        check_needed("TlsRecordHeader", |o| header.write(o)).len(),
        5
    );

    let dtls = DtlsRecord {
        header: DtlsRecordHeader {
            content_type: ContentType::HANDSHAKE,
            version: ProtocolVersion::DTLS1_2,
            epoch: 0,
            sequence_number: (1 << 48) - 1,
            length: 0,
        },
        fragment: &fragment,
        offset: 0,
    };
    let out = check_needed("DtlsRecord", |o| dtls.write(o));
    assert_eq!(out.len(), 13 + fragment.len());
    let header = DtlsRecordHeader {
        length: 300,
        ..dtls.header
    };
    assert_eq!(
        check_needed("DtlsRecordHeader", |o| header.write(o)).len(),
        13
    );
}

/// Asserts `write` refuses with `TooLong { field }` into an empty and a roomy buffer.
fn refused(field: &str, write: impl Fn(&mut [u8]) -> Result<usize, EncodeError>) {
    for len in [0, 1 << 17] {
        let mut out = vec![FILL; len];
        match write(&mut out) {
            Err(EncodeError::TooLong { field: f }) => assert_eq!(f, field),
            other => panic!("{field}: expected TooLong, got {other:?} with a buffer of {len}"),
        }
        assert!(
            out.iter().all(|&b| b == FILL),
            "{field}: wrote before refusing"
        );
    }
}

fn hrr<'a>(sid: &'a [u8], cookie: Option<&'a [u8]>) -> HelloRetryRequest<'a> {
    HelloRetryRequest {
        legacy_version: ProtocolVersion::TLS1_2,
        legacy_session_id_echo: sid,
        cipher_suite: CipherSuite::TLS_AES_128_GCM_SHA256,
        selected_version: ProtocolVersion::TLS1_3,
        selected_group: Some(NamedGroup::X25519),
        cookie,
    }
}

/// Writes `hrr` with `framing` and parses it back as a ServerHello body.
fn hrr_round_trip(hrr: &HelloRetryRequest<'_>, framing: Framing) -> Vec<u8> {
    let mut out = vec![0; hrr.encoded_len(framing)];
    assert_eq!(hrr.write(framing, &mut out), Ok(out.len()));
    let body = match framing {
        Framing::DtlsMessage { .. } => DtlsHandshake::parse(&out).unwrap().0.fragment.to_vec(),
        _ => Handshake::parse(&out).unwrap().0.body.to_vec(),
    };
    let sh = ServerHello::parse(&body).unwrap();
    assert_eq!(sh.cookie(), hrr.cookie);
    body
}

#[test]
fn hello_retry_request_refuses_what_its_parser_refuses() {
    // An empty cookie: the extension would be `00 2c 00 02 00 00`, which the parser
    // refuses (cookie<1..2^16-1>).
    refused("Cookie.cookie", |o| {
        hrr(&[], Some(&[])).write(Framing::TlsMessage, o)
    });
    // What a writer without the check would put on the wire, and the parser's answer.
    let body = hrr_round_trip(&hrr(&[], Some(&[7])), Framing::TlsMessage);
    let block = ServerHello::parse(&body).unwrap().extensions.unwrap();
    let block_at = body.len() - block.as_bytes().len();
    let tail = body.len() - 7;
    assert_eq!(body[tail..], [0, 44, 0, 3, 0, 1, 7]);
    let mut naive = body[..tail].to_vec();
    naive.extend([0, 44, 0, 2, 0, 0]);
    let block_len = u16::try_from(naive.len() - block_at).unwrap();
    naive[block_at - 2..block_at].copy_from_slice(&block_len.to_be_bytes());
    let e = ServerHello::parse(&naive).unwrap_err();
    assert_eq!((e.field, e.offset), ("Cookie.cookie", tail + 4));

    refused("legacy_session_id_echo", |o| {
        hrr(&[0; 33], None).write(Framing::TlsMessage, o)
    });

    // The largest cookie the extensions block holds (with supported_versions and
    // key_share: 6 + 6 + 4 + 2 bytes besides it) writes and parses back; one more is
    // refused; a TLS record cannot take it at all (2^14).
    let max = usize::from(u16::MAX) - 18;
    let big = vec![0x42; max + 1];
    hrr_round_trip(
        &hrr(&[], Some(&big[..max])),
        Framing::DtlsMessage { message_seq: 0 },
    );
    refused("extensions", |o| {
        hrr(&[], Some(&big)).write(Framing::TlsMessage, o)
    });
    let tls_record = Framing::TlsRecord {
        version: ProtocolVersion::TLS1_2,
    };
    refused("TLSPlaintext.length", |o| {
        hrr(&[], Some(&big[..max])).write(tls_record, o)
    });
    // The largest HRR one TLS record takes: 2^14 bytes of handshake message.
    let fits = (1 << 14) - hrr(&[], Some(&[])).encoded_len(Framing::TlsMessage);
    let h = hrr(&[], Some(&big[..fits]));
    assert_eq!(h.encoded_len(Framing::TlsMessage), 1 << 14);
    check_needed("HelloRetryRequest at the record limit", |o| {
        h.write(tls_record, o)
    });
    refused("TLSPlaintext.length", |o| {
        hrr(&[], Some(&big[..fits + 1])).write(tls_record, o)
    });
}

#[test]
fn other_writers_refuse_what_their_parsers_refuse() {
    let big = [0u8; 256];
    let hvr = HelloVerifyRequest {
        server_version: ProtocolVersion::DTLS1_0,
        cookie: &big,
    };
    refused("cookie", |o| {
        hvr.write(Framing::DtlsMessage { message_seq: 0 }, o)
    });

    let random = [1u8; 32];
    let good = ClientHelloWriter {
        flavor: Flavor::Dtls,
        legacy_version: ProtocolVersion::DTLS1_2,
        random: &random,
        legacy_session_id: &[],
        legacy_cookie: None,
        cipher_suites: &[0xc0, 0x2b],
        legacy_compression_methods: &[0],
        extensions: None,
    };
    let f = Framing::TlsMessage;
    for (field, w) in [
        (
            "legacy_session_id",
            ClientHelloWriter {
                legacy_session_id: &big[..33],
                ..good
            },
        ),
        (
            "legacy_cookie",
            ClientHelloWriter {
                legacy_cookie: Some(&big),
                ..good
            },
        ),
        (
            "cipher_suites",
            ClientHelloWriter {
                cipher_suites: &[],
                ..good
            },
        ),
        (
            "cipher_suites",
            ClientHelloWriter {
                cipher_suites: &[0x13, 0x01, 0x13],
                ..good
            },
        ),
        (
            "legacy_compression_methods",
            ClientHelloWriter {
                legacy_compression_methods: &[],
                ..good
            },
        ),
    ] {
        refused(field, |o| w.write(f, o));
    }
    check_needed("ClientHelloWriter", |o| good.write(f, o));

    // A ServerHello's extensions under the HelloRetryRequest random: its key_share has
    // the other form, so the parser would refuse what a plain re-encoding gives.
    let c = hellogate_testvectors::get("rfc8448_hrr_sh").unwrap();
    let sh = ServerHello::parse(messages(c)[0].body).unwrap();
    let tampered = ServerHello {
        random: &hellogate_codec::HELLO_RETRY_REQUEST_RANDOM,
        ..sh
    };
    refused("extension_data", |o| tampered.write(Framing::TlsMessage, o));
    let long_sid = ServerHello {
        legacy_session_id_echo: &big[..33],
        ..sh
    };
    refused("legacy_session_id_echo", |o| {
        long_sid.write(Framing::TlsMessage, o)
    });

    // Sequence numbers over 48 bits, in every DTLS writer.
    let seq = 1 << 48;
    let dtls = Framing::DtlsRecord {
        version: ProtocolVersion::DTLS1_2,
        epoch: 0,
        sequence_number: seq,
        message_seq: 0,
    };
    refused("DTLSPlaintext.sequence_number", |o| {
        hrr(&[], Some(&[1])).write(dtls, o)
    });
    refused("DTLSPlaintext.sequence_number", |o| {
        HelloVerifyRequest {
            server_version: ProtocolVersion::DTLS1_0,
            cookie: &[],
        }
        .write(dtls, o)
    });
    let rf = RecordFraming::Dtls {
        version: ProtocolVersion::DTLS1_2,
        epoch: 0,
        sequence_number: seq,
    };
    refused("DTLSPlaintext.sequence_number", |o| {
        Alert::fatal(AlertDescription::DECODE_ERROR).write(rf, o)
    });
    refused("DTLSPlaintext.sequence_number", |o| {
        ChangeCipherSpec.write(rf, o)
    });
    let rec = DtlsRecord {
        header: DtlsRecordHeader {
            content_type: ContentType::ALERT,
            version: ProtocolVersion::DTLS1_2,
            epoch: 0,
            sequence_number: seq,
            length: 2,
        },
        fragment: &[2, 50],
        offset: 0,
    };
    refused("DTLSPlaintext.sequence_number", |o| rec.write(o));
    refused("DTLSPlaintext.sequence_number", |o| rec.header.write(o));
}
