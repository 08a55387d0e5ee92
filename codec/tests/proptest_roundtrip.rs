//! parse(write(x)) == x for every writer, with arbitrary field contents within the ranges
//! the RFCs allow and random lists of valid extensions in random order.
//!
//! The generators build extension bytes from their RFC layouts here, independently of the
//! codec, so a writer and a parser that agree with each other but not with the RFC still
//! fail: the typed views the parser returns are compared with what was generated.

use hellogate_codec::{
    Alert, AlertDescription, AlertLevel, CipherSuite, ClientHello, ClientHelloWriter,
    DtlsHandshake, DtlsRecords, ExtensionType, Flavor, Framing, Handshake, HelloRetryRequest,
    HelloVerifyRequest, NamedGroup, ProtocolVersion, RecordFraming, ServerExtension, ServerHello,
    TlsRecord,
};
use proptest::prelude::*;

/// One generated extension: its type, its data, and (for the typed ones) what the parser's
/// view must hold.
#[derive(Clone, Debug)]
struct Ext {
    t: u16,
    data: Vec<u8>,
}

fn vec8(b: &[u8]) -> Vec<u8> {
    let mut v = vec![b.len() as u8];
    v.extend_from_slice(b);
    v
}

fn vec16(b: &[u8]) -> Vec<u8> {
    let mut v = (b.len() as u16).to_be_bytes().to_vec();
    v.extend_from_slice(b);
    v
}

fn u16s(v: &[u16]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_be_bytes()).collect()
}

fn ext_bytes(exts: &[Ext]) -> Vec<u8> {
    exts.iter()
        .flat_map(|e| {
            let mut v = e.t.to_be_bytes().to_vec();
            v.extend(vec16(&e.data));
            v
        })
        .collect()
}

fn bytes(min: usize, max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), min..=max)
}

/// The client extensions the codec reads, each with legal contents.
fn client_ext() -> impl Strategy<Value = Ext> {
    prop_oneof![
        prop::collection::vec(any::<u16>(), 1..=10).prop_map(|v| Ext {
            t: 43,
            data: vec8(&u16s(&v))
        }),
        prop::collection::vec(any::<u16>(), 1..=20).prop_map(|v| Ext {
            t: 10,
            data: vec16(&u16s(&v))
        }),
        prop::collection::vec(any::<u16>(), 1..=20).prop_map(|v| Ext {
            t: 13,
            data: vec16(&u16s(&v))
        }),
        prop::collection::vec((any::<u16>(), bytes(1, 100)), 0..=3).prop_map(|shares| {
            let list: Vec<u8> = shares
                .iter()
                .flat_map(|(g, k)| {
                    let mut v = g.to_be_bytes().to_vec();
                    v.extend(vec16(k));
                    v
                })
                .collect();
            Ext {
                t: 51,
                data: vec16(&list),
            }
        }),
        bytes(1, 300).prop_map(|c| Ext {
            t: 44,
            data: vec16(&c)
        }),
        "[a-z0-9.-]{1,40}".prop_map(|h| {
            let mut entry = vec![0u8];
            entry.extend(vec16(h.as_bytes()));
            Ext {
                t: 0,
                data: vec16(&entry),
            }
        }),
        prop::collection::vec("[a-z0-9/.]{1,12}", 1..=4).prop_map(|names| {
            let list: Vec<u8> = names.iter().flat_map(|n| vec8(n.as_bytes())).collect();
            Ext {
                t: 16,
                data: vec16(&list),
            }
        }),
        (0usize..200).prop_map(|n| Ext {
            t: 21,
            data: vec![0; n]
        }),
        Just(Ext {
            t: 42,
            data: vec![]
        }),
        Just(Ext {
            t: 23,
            data: vec![]
        }),
        bytes(1, 4).prop_map(|m| Ext {
            t: 45,
            data: vec8(&m)
        }),
        bytes(0, 32).prop_map(|r| Ext {
            t: 0xff01,
            data: vec8(&r)
        }),
        // ec_point_formats: ECPointFormatList <1..2^8-1>.
        bytes(1, 4).prop_map(|f| Ext {
            t: 11,
            data: vec8(&f)
        }),
        Just(Ext {
            t: 22,
            data: vec![]
        }),
        // record_size_limit: RFC 8449 allows 64 and above.
        (64u16..).prop_map(|l| Ext {
            t: 28,
            data: l.to_be_bytes().to_vec()
        }),
        // session_ticket: the opaque ticket fills the extension, possibly empty.
        bytes(0, 200).prop_map(|t| Ext { t: 35, data: t }),
        prop::collection::vec(any::<u16>(), 1..=20).prop_map(|v| Ext {
            t: 50,
            data: vec16(&u16s(&v))
        }),
        // GREASE and unknown types carry anything.
        (0u16..16, bytes(0, 20)).prop_map(|(i, d)| Ext {
            t: 0x0a0a + i * 0x1010,
            data: d,
        }),
        bytes(0, 20).prop_map(|d| Ext { t: 0x7777, data: d }),
    ]
}

/// A pre_shared_key extension: n identities and n binders.
fn psk_ext() -> impl Strategy<Value = Ext> {
    prop::collection::vec((bytes(1, 40), any::<u32>(), bytes(32, 48)), 1..=3).prop_map(|ids| {
        let identities: Vec<u8> = ids
            .iter()
            .flat_map(|(id, age, _)| {
                let mut v = vec16(id);
                v.extend(age.to_be_bytes());
                v
            })
            .collect();
        let binders: Vec<u8> = ids.iter().flat_map(|(_, _, b)| vec8(b)).collect();
        let mut data = vec16(&identities);
        data.extend(vec16(&binders));
        Ext { t: 41, data }
    })
}

/// Extensions with unique types, shuffled, pre_shared_key last when present.
fn client_exts() -> impl Strategy<Value = Vec<Ext>> {
    (
        prop::collection::vec(client_ext(), 0..=10),
        prop::option::of(psk_ext()),
    )
        .prop_map(|(mut v, psk)| {
            let mut seen = std::collections::HashSet::new();
            v.retain(|e| seen.insert(e.t));
            v.extend(psk);
            v
        })
        .prop_shuffle()
        .prop_map(|mut v| {
            if let Some(i) = v.iter().position(|e| e.t == 41) {
                let psk = v.remove(i);
                v.push(psk);
            }
            v
        })
}

#[derive(Clone, Debug)]
struct ChFields {
    dtls: bool,
    version: u16,
    random: [u8; 32],
    session_id: Vec<u8>,
    cookie: Vec<u8>,
    suites: Vec<u16>,
    compression: Vec<u8>,
    exts: Option<Vec<Ext>>,
}

fn ch_fields() -> impl Strategy<Value = ChFields> {
    (
        any::<bool>(),
        any::<u16>(),
        any::<[u8; 32]>(),
        bytes(0, 32),
        bytes(0, 255),
        prop::collection::vec(any::<u16>(), 1..=60),
        bytes(1, 4),
        prop::option::of(client_exts()),
    )
        .prop_map(
            |(dtls, version, random, session_id, cookie, suites, compression, exts)| ChFields {
                dtls,
                version,
                random,
                session_id,
                cookie,
                suites,
                compression,
                exts,
            },
        )
}

fn write_ch(w: &ClientHelloWriter<'_>, framing: Framing) -> Vec<u8> {
    let mut out = vec![0; framing.overhead() + w.body_len()];
    let n = w.write(framing, &mut out).unwrap();
    assert_eq!(n, out.len());
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn client_hello_round_trips(f in ch_fields()) {
        let flavor = if f.dtls { Flavor::Dtls } else { Flavor::Tls };
        let suites = u16s(&f.suites);
        let ext_block = f.exts.as_ref().map(|e| ext_bytes(e));
        let w = ClientHelloWriter {
            flavor,
            legacy_version: ProtocolVersion(f.version),
            random: &f.random,
            legacy_session_id: &f.session_id,
            legacy_cookie: f.dtls.then_some(&f.cookie[..]),
            cipher_suites: &suites,
            legacy_compression_methods: &f.compression,
            extensions: ext_block.as_deref(),
        };
        let (body, framed) = if f.dtls {
            let framing = Framing::DtlsRecord {
                version: ProtocolVersion::DTLS1_2,
                epoch: 0,
                sequence_number: 7,
                message_seq: 1,
            };
            let out = write_ch(&w, framing);
            let rec = DtlsRecords::new(&out).next().unwrap().unwrap();
            prop_assert_eq!(rec.header.sequence_number, 7);
            let (hs, rest) = DtlsHandshake::parse(rec.fragment).unwrap();
            prop_assert!(rest.is_empty() && hs.is_complete());
            prop_assert_eq!(hs.message_seq, 1);
            (hs.fragment.to_vec(), out)
        } else {
            let out = write_ch(&w, Framing::TlsMessage);
            let (hs, rest) = Handshake::parse(&out).unwrap();
            prop_assert!(rest.is_empty());
            (hs.body.to_vec(), out)
        };
        prop_assert!(!framed.is_empty());
        let ch = ClientHello::parse(&body, flavor).unwrap();
        prop_assert_eq!(ch.to_writer(), w);
        prop_assert_eq!(ch.legacy_version.get(), f.version);
        prop_assert_eq!(ch.random, &f.random);
        prop_assert_eq!(ch.legacy_session_id, &f.session_id[..]);
        prop_assert_eq!(ch.legacy_cookie, f.dtls.then_some(&f.cookie[..]));
        prop_assert_eq!(ch.cipher_suites.iter().map(CipherSuite::get).collect::<Vec<_>>(), f.suites.clone());
        prop_assert_eq!(ch.legacy_compression_methods, &f.compression[..]);
        let exts = f.exts.unwrap_or_default();
        let got: Vec<(u16, &[u8])> = ch
            .extensions
            .iter()
            .flat_map(|b| b.iter())
            .map(|e| (e.extension_type.get(), e.data))
            .collect();
        let want: Vec<(u16, &[u8])> = exts.iter().map(|e| (e.t, &e.data[..])).collect();
        prop_assert_eq!(got, want);
        // The typed views hold what was generated.
        let data = |t: u16| exts.iter().find(|e| e.t == t).map(|e| &e.data[..]);
        let k = &ch.known;
        prop_assert_eq!(k.supported_versions.map(|v| v.as_bytes()), data(43).map(|d| &d[1..]));
        prop_assert_eq!(k.supported_groups.map(|v| v.as_bytes()), data(10).map(|d| &d[2..]));
        prop_assert_eq!(k.signature_algorithms.map(|v| v.as_bytes()), data(13).map(|d| &d[2..]));
        prop_assert_eq!(k.key_shares.map(|v| v.as_bytes()), data(51).map(|d| &d[2..]));
        prop_assert_eq!(k.cookie, data(44).map(|d| &d[2..]));
        prop_assert_eq!(k.early_data, data(42).is_some());
        prop_assert_eq!(k.psk_key_exchange_modes, data(45).map(|d| &d[1..]));
        prop_assert_eq!(k.renegotiation_info, data(0xff01).map(|d| &d[1..]));
        prop_assert_eq!(k.padding, data(21).map(<[u8]>::len));
        prop_assert_eq!(k.extended_master_secret, data(23).is_some());
        prop_assert_eq!(k.ec_point_formats, data(11).map(|d| &d[1..]));
        prop_assert_eq!(k.encrypt_then_mac, data(22).is_some());
        prop_assert_eq!(
            k.record_size_limit,
            data(28).map(|d| u16::from_be_bytes([d[0], d[1]]))
        );
        prop_assert_eq!(k.session_ticket, data(35));
        prop_assert_eq!(
            k.signature_algorithms_cert.map(|v| v.as_bytes()),
            data(50).map(|d| &d[2..])
        );
        if let (Some(sn), Some(d)) = (k.server_name, data(0)) {
            prop_assert_eq!(sn.host_name(), Some(&d[5..]));
        } else {
            prop_assert_eq!(k.server_name.is_some(), data(0).is_some());
        }
        if let Some(shares) = k.key_shares {
            for s in shares.iter() {
                prop_assert!(!s.key_exchange.is_empty());
            }
        }
        if let Some(psk) = k.pre_shared_key {
            let d = data(41).unwrap();
            let ids = psk.identities().count();
            prop_assert_eq!(ids, psk.binders().count());
            prop_assert!(ids >= 1);
            // The identities and binders are the generated ones, in order.
            let ids_len = usize::from(u16::from_be_bytes([d[0], d[1]]));
            // binders_offset counts from the start of the ClientHello body (the regression
            // of cli/tests/psk_binders_offset.rs, here for every generated ClientHello):
            // pre_shared_key is the last extension, so its data is the body's tail and the
            // binders vector starts 2 + ids_len bytes into it.
            let binders_at = body.len() - d.len() + 2 + ids_len;
            prop_assert_eq!(psk.binders_offset, binders_at);
            prop_assert_eq!(&body[binders_at..], &d[2 + ids_len..]);
            let mut want_ids = Vec::new();
            let mut at = 2;
            while at < 2 + ids_len {
                let n = usize::from(u16::from_be_bytes([d[at], d[at + 1]]));
                let age = u32::from_be_bytes([d[at + 2 + n], d[at + 3 + n], d[at + 4 + n], d[at + 5 + n]]);
                want_ids.push((d[at + 2..at + 2 + n].to_vec(), age));
                at += 6 + n;
            }
            let got_ids: Vec<(Vec<u8>, u32)> = psk
                .identities()
                .map(|i| (i.identity.to_vec(), i.obfuscated_ticket_age))
                .collect();
            prop_assert_eq!(got_ids, want_ids);
            let got_binders: Vec<u8> = psk.binders().flat_map(vec8).collect();
            prop_assert_eq!(&got_binders[..], &d[2 + ids_len + 2..]);
        } else {
            prop_assert!(data(41).is_none());
        }
    }

    #[test]
    fn hello_retry_request_round_trips(
        dtls in any::<bool>(),
        sid in bytes(0, 32),
        suite in any::<u16>(),
        version in any::<u16>(),
        group in prop::option::of(any::<u16>()),
        cookie in prop::option::of(bytes(1, 500)),
    ) {
        let hrr = HelloRetryRequest {
            legacy_version: ProtocolVersion(if dtls { 0xfefd } else { 0x0303 }),
            legacy_session_id_echo: &sid,
            cipher_suite: CipherSuite(suite),
            selected_version: ProtocolVersion(version),
            selected_group: group.map(NamedGroup),
            cookie: cookie.as_deref(),
        };
        let framing = if dtls {
            Framing::DtlsMessage { message_seq: 0 }
        } else {
            Framing::TlsMessage
        };
        let mut out = vec![0; hrr.encoded_len(framing)];
        prop_assert_eq!(hrr.write(framing, &mut out), Ok(out.len()));
        let body = if dtls {
            DtlsHandshake::parse(&out).unwrap().0.fragment
        } else {
            Handshake::parse(&out).unwrap().0.body
        };
        let sh = ServerHello::parse(body).unwrap();
        prop_assert!(sh.is_hello_retry_request());
        prop_assert_eq!(sh.legacy_version, hrr.legacy_version);
        prop_assert_eq!(sh.legacy_session_id_echo, &sid[..]);
        prop_assert_eq!(sh.cipher_suite.get(), suite);
        prop_assert_eq!(sh.legacy_compression_method, 0);
        prop_assert_eq!(sh.selected_version(), Some(ProtocolVersion(version)));
        prop_assert_eq!(sh.selected_group(), group.map(NamedGroup));
        prop_assert_eq!(sh.cookie(), cookie.as_deref());
        // Extension order is supported_versions, key_share, cookie.
        let types: Vec<u16> = sh.extensions.unwrap().iter().map(|e| e.extension_type.get()).collect();
        let mut want = vec![43];
        want.extend(group.map(|_| 51));
        want.extend(cookie.as_ref().map(|_| 44));
        prop_assert_eq!(types, want);
        // Written back from the parse: the same bytes.
        let mut again = vec![0; framing.overhead() + sh.body_len()];
        prop_assert_eq!(sh.write(framing, &mut again), Ok(out.len()));
        prop_assert_eq!(again, out);
    }

    #[test]
    fn server_hello_round_trips(
        random in any::<[u8; 32]>(),
        sid in bytes(0, 32),
        suite in any::<u16>(),
        compression in any::<u8>(),
        version in any::<u16>(),
        share in prop::option::of((any::<u16>(), bytes(1, 200))),
        psk in prop::option::of(any::<u16>()),
        extra in prop::option::of(bytes(0, 30)),
    ) {
        prop_assume!(random != hellogate_codec::HELLO_RETRY_REQUEST_RANDOM);
        let mut exts = vec![Ext { t: 43, data: version.to_be_bytes().to_vec() }];
        if let Some((g, k)) = &share {
            let mut d = g.to_be_bytes().to_vec();
            d.extend(vec16(k));
            exts.push(Ext { t: 51, data: d });
        }
        if let Some(e) = &extra {
            exts.push(Ext { t: 0x7777, data: e.clone() });
        }
        if let Some(i) = psk {
            exts.push(Ext { t: 41, data: i.to_be_bytes().to_vec() });
        }
        let mut body = vec![0x03, 0x03];
        body.extend_from_slice(&random);
        body.extend(vec8(&sid));
        body.extend(suite.to_be_bytes());
        body.push(compression);
        body.extend(vec16(&ext_bytes(&exts)));
        let sh = ServerHello::parse(&body).unwrap();
        prop_assert!(!sh.is_hello_retry_request());
        prop_assert_eq!(sh.random, &random);
        prop_assert_eq!(sh.legacy_session_id_echo, &sid[..]);
        prop_assert_eq!(sh.cipher_suite.get(), suite);
        prop_assert_eq!(sh.legacy_compression_method, compression);
        prop_assert_eq!(sh.selected_version(), Some(ProtocolVersion(version)));
        prop_assert_eq!(sh.selected_group(), None);
        for e in sh.extensions.unwrap().iter() {
            match e.parse_server(false).unwrap() {
                ServerExtension::KeyShare(k) => {
                    let (g, key) = share.as_ref().unwrap();
                    prop_assert_eq!(k.group.get(), *g);
                    prop_assert_eq!(k.key_exchange, &key[..]);
                }
                ServerExtension::PreSharedKey(i) => prop_assert_eq!(Some(i), psk),
                ServerExtension::SupportedVersions(v) => prop_assert_eq!(v.get(), version),
                ServerExtension::Other(d) => prop_assert_eq!(Some(d), extra.as_deref()),
                other => prop_assert!(false, "unexpected {:?}", other),
            }
        }
        let framing = Framing::TlsRecord { version: ProtocolVersion::TLS1_2 };
        let mut out = vec![0; framing.overhead() + sh.body_len()];
        prop_assert_eq!(sh.write(framing, &mut out), Ok(out.len()));
        let (rec, rest) = TlsRecord::parse(&out).unwrap();
        prop_assert!(rest.is_empty());
        let (hs, _) = Handshake::parse(rec.fragment).unwrap();
        prop_assert_eq!(hs.body, &body[..]);
    }

    #[test]
    fn hello_verify_request_round_trips(
        version in any::<u16>(),
        cookie in bytes(0, 255),
        seq in 0u64..(1 << 48),
        epoch in any::<u16>(),
    ) {
        let hvr = HelloVerifyRequest { server_version: ProtocolVersion(version), cookie: &cookie };
        let framing = Framing::DtlsRecord {
            version: ProtocolVersion::DTLS1_0,
            epoch,
            sequence_number: seq,
            message_seq: 0,
        };
        let mut out = vec![0; hvr.encoded_len(framing)];
        prop_assert_eq!(hvr.write(framing, &mut out), Ok(out.len()));
        let rec = DtlsRecords::new(&out).next().unwrap().unwrap();
        prop_assert_eq!((rec.header.epoch, rec.header.sequence_number), (epoch, seq));
        prop_assert_eq!(rec.encoded_len(), out.len());
        let (hs, _) = DtlsHandshake::parse(rec.fragment).unwrap();
        prop_assert!(hs.is_complete());
        prop_assert_eq!(HelloVerifyRequest::parse(hs.fragment), Ok(hvr));
    }

    #[test]
    fn alert_round_trips(level in any::<u8>(), desc in any::<u8>(), dtls in any::<bool>(), seq in 0u64..(1 << 48)) {
        let alert = Alert { level: AlertLevel(level), description: AlertDescription(desc) };
        let framing = if dtls {
            RecordFraming::Dtls { version: ProtocolVersion::DTLS1_2, epoch: 0, sequence_number: seq }
        } else {
            RecordFraming::Tls { version: ProtocolVersion::TLS1_2 }
        };
        let mut out = vec![0; Alert::encoded_len(framing)];
        prop_assert_eq!(alert.write(framing, &mut out), Ok(out.len()));
        let fragment = if dtls {
            let rec = DtlsRecords::new(&out).next().unwrap().unwrap();
            prop_assert_eq!(rec.header.sequence_number, seq);
            rec.fragment
        } else {
            TlsRecord::parse(&out).unwrap().0.fragment
        };
        prop_assert_eq!(Alert::parse(fragment), Ok(alert));
    }
}

#[test]
fn generated_extension_types_are_the_ones_the_codec_names() {
    // The generators above hard-code wire numbers; tie them to the registry once.
    assert_eq!(ExtensionType::SUPPORTED_VERSIONS.get(), 43);
    assert_eq!(ExtensionType::KEY_SHARE.get(), 51);
    assert_eq!(ExtensionType::COOKIE.get(), 44);
    assert_eq!(ExtensionType::PRE_SHARED_KEY.get(), 41);
    assert_eq!(ExtensionType::PSK_KEY_EXCHANGE_MODES.get(), 45);
    assert_eq!(ExtensionType::RENEGOTIATION_INFO.get(), 0xff01);
    assert_eq!(ExtensionType::EC_POINT_FORMATS.get(), 11);
    assert_eq!(ExtensionType::PADDING.get(), 21);
    assert_eq!(ExtensionType::ENCRYPT_THEN_MAC.get(), 22);
    assert_eq!(ExtensionType::EXTENDED_MASTER_SECRET.get(), 23);
    assert_eq!(ExtensionType::RECORD_SIZE_LIMIT.get(), 28);
    assert_eq!(ExtensionType::SESSION_TICKET.get(), 35);
    assert_eq!(ExtensionType::SIGNATURE_ALGORITHMS_CERT.get(), 50);
    assert_eq!(ExtensionType(0x7777).name(), None);
}
