//! The record layers on arbitrary bytes: as one DTLS datagram and as a TLS stream.
//!
//! Invariants: no panic; every error points inside the input; every record that parses
//! writes back to exactly its bytes; `TlsRecord::need` agrees with `TlsRecord::parse`
//! (Complete(n) exactly when a record of n bytes parses) and never asks for zero bytes.
#![no_main]

use hellogate_codec::{DtlsHandshake, DtlsRecords, Handshake, RecordNeed, TlsRecord};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // As a datagram.
    let mut end = 0;
    for rec in DtlsRecords::new(data) {
        match rec {
            Ok(rec) => {
                assert_eq!(rec.offset, end, "records are contiguous");
                let mut out = vec![0; rec.encoded_len()];
                assert_eq!(rec.write(&mut out), Ok(out.len()));
                assert_eq!(&out[..], &data[rec.offset..rec.offset + out.len()]);
                end = rec.offset + out.len();
                let mut rest = rec.fragment;
                while let Ok((hs, after)) = DtlsHandshake::parse(rest) {
                    assert!(
                        hs.fragment_offset as u64 + hs.fragment_length as u64 <= hs.length as u64
                    );
                    assert_eq!(hs.fragment.len(), hs.fragment_length as usize);
                    if after.len() == rest.len() {
                        break;
                    }
                    rest = after;
                }
            }
            Err(e) => assert!(e.offset <= data.len(), "{e}"),
        }
    }

    // As a stream.
    let mut rest = data;
    while !rest.is_empty() {
        let need = TlsRecord::need(rest);
        match TlsRecord::parse(rest) {
            Ok((rec, after)) => {
                assert_eq!(need, Ok(RecordNeed::Complete(rec.encoded_len())));
                let mut out = vec![0; rec.encoded_len()];
                assert_eq!(rec.write(&mut out), Ok(out.len()));
                assert_eq!(&out[..], &rest[..out.len()]);
                let mut frag = rec.fragment;
                while let Ok((hs, next)) = Handshake::parse(frag) {
                    assert!(hs.body.len() + 4 <= frag.len());
                    frag = next;
                }
                rest = after;
            }
            Err(e) => {
                assert!(e.offset <= rest.len(), "{e}");
                match need {
                    Ok(RecordNeed::More(n)) => assert!(n > 0),
                    Ok(RecordNeed::Complete(n)) => {
                        panic!("need says complete ({n}) but parse fails: {e}")
                    }
                    Err(ne) => assert_eq!(ne, e, "need and parse disagree on the header"),
                }
                break;
            }
        }
    }
});
