//! The rules a well-formed message can still break, each on a real capture edited through
//! the codec's own writer: the error names the right kind, field, offset and alert.
//!
//! Expected offsets are derived from the capture's own parse (where its extensions block
//! ends, where an extension starts) and checked against the bytes, never typed in.

mod common;

use common::{client_hello, client_hellos, ext, vec8, vec16};
use hellogate_codec::extensions::MAX_HIGH_EXTENSION_TYPES;
use hellogate_codec::{
    AlertDescription, ChangeCipherSpec, ClientExtension, ClientHello, DecodeError, DecodeErrorKind,
    ExtensionType, Flavor, Framing, HELLO_RETRY_REQUEST_RANDOM, ServerHello, TlsRecord,
};

/// `ch` written back with `extensions` as its block; returns the new body.
fn with_extensions(ch: &ClientHello<'_>, extensions: &[u8]) -> Vec<u8> {
    let mut w = ch.to_writer();
    w.extensions = Some(extensions);
    let mut out = vec![0; Framing::TlsMessage.overhead() + w.body_len()];
    let n = w.write(Framing::TlsMessage, &mut out).unwrap();
    assert_eq!(n, out.len());
    out.split_off(4)
}

/// Where the extensions block of `ch` ends, from its parse: the last extension's offset
/// plus its header and data. The writer keeps every byte before the block, so an
/// extension appended to the block starts here in the rewritten body.
fn block_end(ch: &ClientHello<'_>, body: &[u8]) -> usize {
    let last = ch.extensions.unwrap().iter().last().unwrap();
    let end = last.offset + 4 + last.data.len();
    assert_eq!(end, body.len(), "the block is the end of the body");
    end
}

fn parse_err(body: &[u8], flavor: Flavor) -> DecodeError {
    ClientHello::parse(body, flavor).expect_err("the edited ClientHello must be refused")
}

/// An OfferedPsks with these identities and binders (RFC 8446 section 4.2.11).
fn offered_psks(identities: &[(&[u8], u32)], binders: &[&[u8]]) -> (Vec<u8>, usize) {
    let ids: Vec<u8> = identities
        .iter()
        .flat_map(|(id, age)| {
            let mut v = vec16(id);
            v.extend(age.to_be_bytes());
            v
        })
        .collect();
    let b: Vec<u8> = binders.iter().flat_map(|b| vec8(b)).collect();
    let mut data = vec16(&ids);
    data.extend(vec16(&b));
    (data, 2 + ids.len())
}

#[test]
fn a_repeated_extension_is_a_duplicate_at_the_second_copy() {
    let all = client_hellos();
    assert!(
        all.len() >= 20,
        "every ClientHello capture, got {}",
        all.len()
    );
    for (name, m) in all {
        let ch = ClientHello::parse(m.body, m.flavor).unwrap();
        assert!(
            ch.known.pre_shared_key.is_none(),
            "{name}: no capture has a PSK"
        );
        let block = ch.extensions.unwrap();
        for first in block.iter() {
            let mut edited = block.as_bytes().to_vec();
            edited.extend(ext(first.extension_type.get(), first.data));
            let body = with_extensions(&ch, &edited);
            let at = block_end(&ch, m.body);
            assert_eq!(
                body[at..at + 2],
                first.extension_type.get().to_be_bytes(),
                "{name}"
            );
            let e = parse_err(&body, m.flavor);
            assert_eq!(
                e.kind,
                DecodeErrorKind::DuplicateExtension(first.extension_type),
                "{name}"
            );
            assert_eq!(e.field, "Extension.extension_type", "{name}");
            assert_eq!(e.offset, at, "{name}");
            assert_eq!(e.alert(), AlertDescription::ILLEGAL_PARAMETER, "{name}");
        }
    }
}

#[test]
fn duplicate_high_types_are_found_and_the_high_table_has_its_documented_size() {
    // tls13_openssl_ch1 has no extension type at or above 256.
    let m = client_hello("tls13_openssl_ch1");
    let ch = ClientHello::parse(m.body, Flavor::Tls).unwrap();
    assert!(
        ch.extensions
            .unwrap()
            .iter()
            .all(|e| e.extension_type.get() < 256)
    );
    let base = ch.extensions.unwrap().as_bytes().to_vec();
    let at = block_end(&ch, m.body);
    let high = |i: usize| 0x7000 + u16::try_from(i).unwrap();

    // Two ECH extensions.
    let mut edited = base.clone();
    edited.extend(ext(0xfe0d, &[1, 2, 3]));
    edited.extend(ext(0xfe0d, &[4]));
    let e = parse_err(&with_extensions(&ch, &edited), Flavor::Tls);
    assert_eq!(
        e.kind,
        DecodeErrorKind::DuplicateExtension(ExtensionType::ENCRYPTED_CLIENT_HELLO)
    );
    assert_eq!((e.offset, e.field), (at + 7, "Extension.extension_type"));
    assert_eq!(e.alert(), AlertDescription::ILLEGAL_PARAMETER);

    // Exactly MAX_HIGH_EXTENSION_TYPES distinct high types parse...
    let mut full = base.clone();
    for i in 0..MAX_HIGH_EXTENSION_TYPES {
        full.extend(ext(high(i), &[]));
    }
    let body = with_extensions(&ch, &full);
    let parsed = ClientHello::parse(&body, Flavor::Tls).unwrap();
    assert_eq!(
        parsed.extensions.unwrap().len(),
        ch.extensions.unwrap().len() + MAX_HIGH_EXTENSION_TYPES
    );
    // ... a duplicate is still found when the table is full ...
    let mut dup = full.clone();
    dup.extend(ext(high(0), &[]));
    let e = parse_err(&with_extensions(&ch, &dup), Flavor::Tls);
    assert_eq!(
        e.kind,
        DecodeErrorKind::DuplicateExtension(ExtensionType(high(0)))
    );
    assert_eq!(e.offset, at + 4 * MAX_HIGH_EXTENSION_TYPES);
    // ... and one more distinct type is refused where it starts.
    let mut over = full;
    over.extend(ext(high(MAX_HIGH_EXTENSION_TYPES), &[]));
    let e = parse_err(&with_extensions(&ch, &over), Flavor::Tls);
    assert_eq!(e.kind, DecodeErrorKind::TooManyExtensions);
    assert_eq!(
        (e.offset, e.field),
        (
            at + 4 * MAX_HIGH_EXTENSION_TYPES,
            "Extension.extension_type"
        )
    );
    assert_eq!(e.alert(), AlertDescription::DECODE_ERROR);
}

#[test]
fn an_extension_after_pre_shared_key_is_refused_where_it_starts() {
    for (name, flavor) in [
        ("tls13_openssl_ch1", Flavor::Tls),
        ("tls13_rustls_ch2", Flavor::Tls),
        ("dtls13_dimpl_ch1", Flavor::Dtls),
    ] {
        let m = client_hello(name);
        let ch = ClientHello::parse(m.body, flavor).unwrap();
        let at = block_end(&ch, m.body);
        let (psk, binders_rel) = offered_psks(&[(b"ticket", 0x0102_0304)], &[&[0xbb; 32]]);

        // Control: pre_shared_key last is fine, and its view points at the binders.
        let mut edited = ch.extensions.unwrap().as_bytes().to_vec();
        edited.extend(ext(41, &psk));
        let body = with_extensions(&ch, &edited);
        let ok = ClientHello::parse(&body, flavor).unwrap();
        let view = ok.known.pre_shared_key.unwrap();
        assert_eq!(view.binders_offset, at + 4 + binders_rel, "{name}");
        assert_eq!(body[view.binders_offset..], vec16(&vec8(&[0xbb; 32])));
        let ids: Vec<_> = view
            .identities()
            .map(|i| (i.identity, i.obfuscated_ticket_age))
            .collect();
        assert_eq!(ids, [(&b"ticket"[..], 0x0102_0304)], "{name}");

        // Anything after it: the error is at the extension that follows.
        edited.extend(ext(21, &[0; 3]));
        let body = with_extensions(&ch, &edited);
        let after = at + 4 + psk.len();
        assert_eq!(body[after..after + 2], [0, 21]);
        let e = parse_err(&body, flavor);
        assert_eq!(e.kind, DecodeErrorKind::PreSharedKeyNotLast, "{name}");
        assert_eq!((e.offset, e.field), (after, "Extension.extension_type"));
        assert_eq!(e.alert(), AlertDescription::ILLEGAL_PARAMETER);
    }
}

#[test]
fn identity_and_binder_counts_must_match() {
    let m = client_hello("tls13_gnutls_ch1");
    let ch = ClientHello::parse(m.body, Flavor::Tls).unwrap();
    let at = block_end(&ch, m.body);
    let two_ids: &[(&[u8], u32)] = &[(b"one", 1), (b"two", 2)];
    let one_id: &[(&[u8], u32)] = &[(b"one", 1)];
    for (ids, binders) in [
        (two_ids, &[&[1u8; 32][..]][..]),
        (one_id, &[&[1u8; 32][..], &[2u8; 48][..]][..]),
    ] {
        let (psk, binders_rel) = offered_psks(ids, binders);
        let mut edited = ch.extensions.unwrap().as_bytes().to_vec();
        edited.extend(ext(41, &psk));
        let body = with_extensions(&ch, &edited);
        let binders_at = at + 4 + binders_rel;
        let b: Vec<u8> = binders.iter().flat_map(|b| vec8(b)).collect();
        assert_eq!(body[binders_at..], vec16(&b));
        let e = parse_err(&body, Flavor::Tls);
        assert_eq!(e.kind, DecodeErrorKind::PskBinderCountMismatch);
        assert_eq!((e.offset, e.field), (binders_at, "OfferedPsks.binders"));
        assert_eq!(e.alert(), AlertDescription::ILLEGAL_PARAMETER);
        // Inside a record, the machine shifts the offset by the headers in front.
        assert_eq!(e.shifted(9).offset, binders_at + 9);
    }
}

#[test]
fn record_size_limit_below_64_is_an_illegal_parameter() {
    // gnutls sends record_size_limit; rewrite its value.
    for name in ["dtls12_gnutls_ch1", "tls13_gnutls_ch1"] {
        let m = client_hello(name);
        let ch = ClientHello::parse(m.body, m.flavor).unwrap();
        let rsl = ch.extension(ExtensionType::RECORD_SIZE_LIMIT).unwrap();
        assert_eq!(
            ch.known.record_size_limit,
            Some(u16::from_be_bytes([rsl.data[0], rsl.data[1]]))
        );
        for (limit, ok) in [(0u16, false), (63, false), (64, true), (u16::MAX, true)] {
            let edited: Vec<u8> = ch
                .extensions
                .unwrap()
                .iter()
                .flat_map(|e| {
                    if e.extension_type == ExtensionType::RECORD_SIZE_LIMIT {
                        ext(28, &limit.to_be_bytes())
                    } else {
                        ext(e.extension_type.get(), e.data)
                    }
                })
                .collect();
            let body = with_extensions(&ch, &edited);
            // Same length, so the value sits where the capture's did.
            assert_eq!(body[rsl.offset + 4..rsl.offset + 6], limit.to_be_bytes());
            match ClientHello::parse(&body, m.flavor) {
                Ok(parsed) => {
                    assert!(ok, "{name}: {limit} accepted");
                    assert_eq!(parsed.known.record_size_limit, Some(limit));
                }
                Err(e) => {
                    assert!(!ok, "{name}: {limit} refused: {e}");
                    assert_eq!(e.kind, DecodeErrorKind::BadValue);
                    assert_eq!((e.offset, e.field), (rsl.offset + 4, "RecordSizeLimit"));
                    assert_eq!(e.alert(), AlertDescription::ILLEGAL_PARAMETER);
                }
            }
        }
    }
}

#[test]
fn every_typed_view_matches_its_extension() {
    // Each extension a capture carries shows in `known` exactly as the extension parser
    // reads it, so no caller has to re-parse.
    let mut kinds = std::collections::BTreeSet::new();
    for (name, m) in client_hellos() {
        let ch = ClientHello::parse(m.body, m.flavor).unwrap();
        let k = ch.known;
        let mut seen = [false; 7];
        for e in ch.extensions.unwrap().iter() {
            let parsed = e.parse_client().unwrap();
            kinds.insert(e.extension_type.get());
            match parsed {
                ClientExtension::Padding(n) => {
                    assert_eq!(k.padding, Some(n), "{name}");
                    seen[0] = true;
                }
                ClientExtension::RecordSizeLimit(l) => {
                    assert_eq!(k.record_size_limit, Some(l), "{name}");
                    seen[1] = true;
                }
                ClientExtension::SessionTicket(t) => {
                    assert_eq!(k.session_ticket, Some(t), "{name}");
                    seen[2] = true;
                }
                ClientExtension::ExtendedMasterSecret => seen[3] = true,
                ClientExtension::EncryptThenMac => seen[4] = true,
                ClientExtension::EcPointFormats(f) => {
                    assert_eq!(k.ec_point_formats, Some(f), "{name}");
                    seen[5] = true;
                }
                ClientExtension::SignatureAlgorithmsCert(s) => {
                    assert_eq!(k.signature_algorithms_cert, Some(s), "{name}");
                    seen[6] = true;
                }
                ClientExtension::SignatureAlgorithms(s) => {
                    assert_eq!(k.signature_algorithms, Some(s), "{name}")
                }
                ClientExtension::SupportedGroups(g) => {
                    assert_eq!(k.supported_groups, Some(g), "{name}")
                }
                ClientExtension::ServerName(s) => assert_eq!(k.server_name, Some(s), "{name}"),
                ClientExtension::Alpn(a) => assert_eq!(k.alpn, Some(a), "{name}"),
                ClientExtension::Cookie(c) => assert_eq!(k.cookie, Some(c), "{name}"),
                ClientExtension::KeyShare(s) => assert_eq!(k.key_shares, Some(s), "{name}"),
                ClientExtension::SupportedVersions(v) => {
                    assert_eq!(k.supported_versions, Some(v), "{name}")
                }
                ClientExtension::PskKeyExchangeModes(m) => {
                    assert_eq!(k.psk_key_exchange_modes, Some(m), "{name}")
                }
                ClientExtension::RenegotiationInfo(r) => {
                    assert_eq!(k.renegotiation_info, Some(r), "{name}")
                }
                ClientExtension::EarlyData => assert!(k.early_data, "{name}"),
                _ => {}
            }
        }
        assert_eq!(k.padding.is_some(), seen[0], "{name}");
        assert_eq!(k.record_size_limit.is_some(), seen[1], "{name}");
        assert_eq!(k.session_ticket.is_some(), seen[2], "{name}");
        assert_eq!(k.extended_master_secret, seen[3], "{name}");
        assert_eq!(k.encrypt_then_mac, seen[4], "{name}");
        assert_eq!(k.ec_point_formats.is_some(), seen[5], "{name}");
        assert_eq!(k.signature_algorithms_cert.is_some(), seen[6], "{name}");
    }
    // The captures exercise the new views (signature_algorithms_cert aside: no capture
    // sends it; the property tests generate it).
    for t in [11, 21, 22, 23, 28, 35] {
        assert!(kinds.contains(&t), "no capture carries extension {t}");
    }
}

#[test]
fn a_server_hello_may_put_pre_shared_key_anywhere() {
    // RFC 8446 section 4.2.11 makes pre_shared_key last in the ClientHello only.
    let c = hellogate_testvectors::get("rfc8448_hrr_sh").unwrap();
    let m = common::messages(c)[0];
    let sh = ServerHello::parse(m.body).unwrap();
    let mut block = Vec::new();
    block.extend(ext(41, &[0, 0])); // selected_identity 0, first
    for e in sh.extensions.unwrap().iter() {
        block.extend(ext(e.extension_type.get(), e.data));
    }
    let ext_start = m.body.len() - sh.extensions.unwrap().as_bytes().len() - 2;
    let mut body = m.body[..ext_start].to_vec();
    body.extend(vec16(&block));
    let parsed = ServerHello::parse(&body).unwrap();
    assert_eq!(parsed.extensions.unwrap().len(), 3);
    assert_eq!(parsed.selected_version(), sh.selected_version());
    assert_ne!(*sh.random, HELLO_RETRY_REQUEST_RANDOM);
}

#[test]
fn change_cipher_spec_and_record_overflow_name_their_alerts() {
    for b in [0u8, 2, 0xff] {
        let e = ChangeCipherSpec::parse(&[b]).unwrap_err();
        assert_eq!(e.kind, DecodeErrorKind::BadChangeCipherSpec);
        assert_eq!(e.alert(), AlertDescription::UNEXPECTED_MESSAGE);
    }
    assert!(ChangeCipherSpec::parse(&[1]).is_ok());

    // The edge case with an impossible record length, and a handshake record one byte
    // over 2^14 built from a real ClientHello record's header.
    let edge = hellogate_testvectors::edge_cases()
        .into_iter()
        .find(|e| e.name == "tls13_record_length_over_limit")
        .unwrap();
    let mut over = client_hello("tls13_openssl_ch1").record[..5].to_vec();
    over[3..5].copy_from_slice(&((1u16 << 14) + 1).to_be_bytes());
    for header in [&edge.bytes[..], &over[..]] {
        let e = TlsRecord::need(header).unwrap_err();
        assert_eq!(e.kind, DecodeErrorKind::RecordOverflow { limit: 1 << 14 });
        assert_eq!((e.offset, e.field), (3, "TLSPlaintext.length"));
        assert_eq!(e.alert(), AlertDescription::RECORD_OVERFLOW);
        assert_eq!(TlsRecord::parse(header).unwrap_err(), e);
    }
    over[3..5].copy_from_slice(&(1u16 << 14).to_be_bytes());
    assert_eq!(
        TlsRecord::need(&over),
        Ok(hellogate_codec::RecordNeed::More(1 << 14))
    );
}
