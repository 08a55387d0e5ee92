//! No input makes a parser panic, and every error points inside the input it was given.
//!
//! Every capture and edge case is cut at every length and has every byte flipped (xor 0xff
//! and xor 0x01); each variant goes through every parser that could see it: the DTLS record
//! iterator and handshake fragments, the TLS record reader and handshake messages, and the
//! ClientHello (TLS and DTLS), DtlsClientHelloPrefix, ServerHello, HelloVerifyRequest,
//! Alert and ChangeCipherSpec parsers, on the bytes where they would really be applied and
//! on the raw variant. Whatever parses must also write back to the same bytes.

use hellogate_codec::{
    Alert, ChangeCipherSpec, ClientHello, ContentType, DecodeError, DtlsClientHelloPrefix,
    DtlsHandshake, DtlsRecords, Flavor, Framing, Handshake, HelloVerifyRequest, RecordNeed,
    ServerHello, TlsRecord,
};

/// Asserts an error is typed and points at most one past the end of `input`.
fn in_bounds<T>(r: Result<T, DecodeError>, input: &[u8], what: &str) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            assert!(
                e.offset <= input.len(),
                "{what}: error offset {} past input length {} ({e})",
                e.offset,
                input.len()
            );
            assert!(!e.field.is_empty(), "{what}: error without a field");
            None
        }
    }
}

/// Writes with `write` into a buffer of `len` and returns the bytes.
fn written(len: usize, write: impl FnOnce(&mut [u8]) -> usize) -> Vec<u8> {
    let mut out = vec![0; len];
    let n = write(&mut out);
    out.truncate(n);
    out
}

/// Every body parser on `body`; whatever parses re-encodes to `body`.
fn bodies(body: &[u8]) {
    for flavor in [Flavor::Tls, Flavor::Dtls] {
        if let Some(ch) = in_bounds(ClientHello::parse(body, flavor), body, "ClientHello") {
            let f = Framing::TlsMessage;
            let out = written(f.overhead() + ch.body_len(), |o| ch.write(f, o).unwrap());
            assert_eq!(&out[4..], body, "ClientHello {flavor:?} round trip");
            // Every extension reads again on its own, and the typed views iterate.
            for e in ch.extensions.iter().flat_map(|x| x.iter()) {
                assert!(
                    e.parse_client().is_ok(),
                    "extension {} re-parse",
                    e.extension_type
                );
            }
            let k = ch.known;
            k.key_shares.iter().flat_map(|s| s.iter()).for_each(drop);
            k.pre_shared_key
                .iter()
                .flat_map(|p| p.identities())
                .for_each(drop);
            k.pre_shared_key
                .iter()
                .flat_map(|p| p.binders())
                .for_each(drop);
            k.server_name.iter().flat_map(|s| s.iter()).for_each(drop);
            k.alpn.iter().flat_map(|a| a.iter()).for_each(drop);
            let _ = ch.signals_secure_renegotiation();
        }
    }
    in_bounds(
        DtlsClientHelloPrefix::parse(body),
        body,
        "DtlsClientHelloPrefix",
    );
    if let Some(sh) = in_bounds(ServerHello::parse(body), body, "ServerHello") {
        let f = Framing::TlsMessage;
        let out = written(f.overhead() + sh.body_len(), |o| sh.write(f, o).unwrap());
        assert_eq!(&out[4..], body, "ServerHello round trip");
        let hrr = sh.is_hello_retry_request();
        for e in sh.extensions.iter().flat_map(|x| x.iter()) {
            assert!(e.parse_server(hrr).is_ok(), "server extension re-parse");
        }
        let _ = (sh.selected_version(), sh.selected_group(), sh.cookie());
    }
    if let Some(hvr) = in_bounds(HelloVerifyRequest::parse(body), body, "HelloVerifyRequest") {
        let f = Framing::TlsMessage;
        let out = written(hvr.encoded_len(f), |o| hvr.write(f, o).unwrap());
        assert_eq!(&out[4..], body, "HelloVerifyRequest round trip");
    }
    in_bounds(Alert::parse(body), body, "Alert");
    in_bounds(ChangeCipherSpec::parse(body), body, "ChangeCipherSpec");
}

/// `input` as one datagram: records, then handshake fragments, then bodies.
fn as_datagram(input: &[u8]) {
    for rec in DtlsRecords::new(input) {
        let Some(rec) = in_bounds(rec, input, "DtlsRecords") else {
            break;
        };
        let out = written(rec.encoded_len(), |o| rec.write(o).unwrap());
        assert_eq!(
            out,
            input[rec.offset..rec.offset + out.len()],
            "DTLS record round trip"
        );
        let mut rest = rec.fragment;
        while !rest.is_empty() {
            let Some((hs, after)) = in_bounds(DtlsHandshake::parse(rest), rest, "DtlsHandshake")
            else {
                break;
            };
            bodies(hs.fragment);
            rest = after;
        }
    }
}

/// `input` as a piece of a TLS stream: record sizes, records, then messages and bodies.
fn as_stream(input: &[u8]) {
    let mut rest = input;
    while !rest.is_empty() {
        match in_bounds(TlsRecord::need(rest), rest, "TlsRecord::need") {
            Some(RecordNeed::Complete(n)) => assert!(n <= rest.len()),
            Some(RecordNeed::More(n)) => assert!(n > 0),
            None => {}
        }
        let Some((rec, after)) = in_bounds(TlsRecord::parse(rest), rest, "TlsRecord") else {
            break;
        };
        assert_eq!(
            TlsRecord::need(rest),
            Ok(RecordNeed::Complete(rec.encoded_len()))
        );
        let out = written(rec.encoded_len(), |o| rec.write(o).unwrap());
        assert_eq!(out, rest[..out.len()], "TLS record round trip");
        let mut frag = rec.fragment;
        while !frag.is_empty() {
            let Some((hs, next)) = in_bounds(Handshake::parse(frag), frag, "Handshake") else {
                break;
            };
            bodies(hs.body);
            frag = next;
        }
        rest = after;
    }
}

/// Every parser on one variant, in every role it could play.
fn all_parsers(v: &[u8]) {
    as_datagram(v);
    as_stream(v);
    bodies(v);
    in_bounds(Handshake::parse(v), v, "Handshake");
    in_bounds(Handshake::peek_header(v), v, "Handshake::peek_header");
    in_bounds(DtlsHandshake::parse(v), v, "DtlsHandshake");
}

/// Inputs: every capture, every edge case, and the message bodies inside the captures
/// (so that cuts and flips also land inside bodies without breaking the framing first).
fn inputs() -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = hellogate_testvectors::all()
        .iter()
        .map(|c| (c.name.to_string(), c.bytes.to_vec()))
        .collect();
    v.extend(
        hellogate_testvectors::edge_cases()
            .into_iter()
            .map(|e| (e.name.to_string(), e.bytes)),
    );
    for c in hellogate_testvectors::all() {
        let body = if c.is_datagram() {
            DtlsRecords::new(c.bytes)
                .next()
                .and_then(Result::ok)
                .and_then(|r| DtlsHandshake::parse(r.fragment).ok())
                .map(|(h, _)| h.fragment)
        } else {
            let mut rest = c.bytes;
            let mut found = None;
            while let Ok((r, after)) = TlsRecord::parse(rest) {
                rest = after;
                if r.header.content_type == ContentType::HANDSHAKE {
                    found = Handshake::parse(r.fragment).ok().map(|(h, _)| h.body);
                    break;
                }
            }
            found
        };
        if let Some(b) = body {
            v.push((format!("{} body", c.name), b.to_vec()));
        }
    }
    v
}

#[test]
fn every_truncation_is_handled() {
    for (name, bytes) in inputs() {
        for n in 0..=bytes.len() {
            let v = &bytes[..n];
            std::panic::catch_unwind(|| all_parsers(v))
                .unwrap_or_else(|_| panic!("{name} cut at {n} panicked"));
        }
    }
}

#[test]
fn every_byte_flip_is_handled() {
    for (name, bytes) in inputs() {
        let mut v = bytes.clone();
        for i in 0..v.len() {
            for mask in [0xff, 0x01] {
                v[i] ^= mask;
                let input = v.clone();
                std::panic::catch_unwind(|| all_parsers(&input))
                    .unwrap_or_else(|_| panic!("{name} byte {i} ^ {mask:#04x} panicked"));
                v[i] ^= mask;
            }
        }
    }
}

#[test]
fn the_whole_captures_parse_as_their_protocol() {
    // A guard for the tests above: if the captures stopped parsing, the round-trip checks
    // would silently never run.
    for c in hellogate_testvectors::all() {
        let mut parsed = 0;
        if c.is_datagram() {
            for rec in DtlsRecords::new(c.bytes) {
                let rec = rec.unwrap();
                let (hs, _) = DtlsHandshake::parse(rec.fragment).unwrap();
                assert!(
                    ClientHello::parse(hs.fragment, Flavor::Dtls).is_ok()
                        || ServerHello::parse(hs.fragment).is_ok()
                        || HelloVerifyRequest::parse(hs.fragment).is_ok(),
                    "{}",
                    c.name
                );
                parsed += 1;
            }
        } else {
            let mut rest = c.bytes;
            while !rest.is_empty() {
                let (rec, after) = TlsRecord::parse(rest).unwrap();
                rest = after;
                if rec.header.content_type != ContentType::HANDSHAKE {
                    continue;
                }
                let (hs, _) = Handshake::parse(rec.fragment).unwrap();
                assert!(
                    ClientHello::parse(hs.body, Flavor::Tls).is_ok()
                        || ServerHello::parse(hs.body).is_ok(),
                    "{}",
                    c.name
                );
                parsed += 1;
            }
        }
        assert!(parsed > 0, "{}", c.name);
    }
}
