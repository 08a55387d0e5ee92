//! Regression: pre_shared_key binders_offset counts from the start of the ClientHello body.

use hellogate_cli::inspect::inspect;
use hellogate_codec::{ClientHello, Flavor};

/// A TLS ClientHello record with supported_versions and a pre_shared_key extension of one
/// 1-byte identity and one 32-byte binder, built by hand with its offsets counted here.
fn psk_client_hello() -> (Vec<u8>, usize) {
    let mut body = vec![0x03, 0x03];
    body.extend([0u8; 32]); // random
    body.push(0); // legacy_session_id
    body.extend([0x00, 0x02, 0x13, 0x01]); // cipher_suites
    body.extend([0x01, 0x00]); // legacy_compression_methods
    let mut exts = vec![0x00, 0x2b, 0x00, 0x03, 0x02, 0x03, 0x04]; // supported_versions
    exts.extend([0x00, 0x29, 0x00, 0x2c]); // pre_shared_key, 44 bytes of data
    exts.extend([0x00, 0x07, 0x00, 0x01, b'a', 0, 0, 0, 0]); // identities
    exts.extend([0x00, 0x21, 0x20]); // binders: one 32-byte binder
    exts.extend([0xbb; 32]);
    body.extend((exts.len() as u16).to_be_bytes());
    body.extend(exts);
    // 41 bytes of fixed fields, 2 of extensions length, 7 of supported_versions, 4 of the
    // pre_shared_key header, 9 of identities: the binders vector starts 63 bytes in.
    let binders_in_body = 41 + 2 + 7 + 4 + 9;
    assert_eq!(
        body[binders_in_body..binders_in_body + 3],
        [0x00, 0x21, 0x20]
    );
    (body, binders_in_body)
}

/// `PreSharedKey::binders_offset` is documented as the offset of the binders vector "from
/// the start of the input handed to the parser", the ClientHello body, because the PSK
/// binder is computed over the ClientHello up to that point (RFC 8446 section 4.2.11.2).
/// The codec (codec/src/extensions.rs, `binders_offset = r.offset()` inside
/// `parse_client_ext`) returns it relative to the extension's data instead: 9 here, not 63.
/// Fix: add the reader's base (`ext.offset + 4`) to it.
#[test]
fn psk_binders_offset_counts_from_the_client_hello_body() {
    let (body, binders_in_body) = psk_client_hello();
    let ch = ClientHello::parse(&body, Flavor::Tls).unwrap();
    let psk = ch.known.pre_shared_key.expect("pre_shared_key parsed");
    assert_eq!(psk.binders_offset, binders_in_body);
}

/// The same bug as `inspect` shows it: the JSON's binders_offset must point at the binders
/// vector within the file (record header 5 + handshake header 4 + 63).
#[test]
fn inspect_shows_binders_offset_within_the_file() {
    let (body, binders_in_body) = psk_client_hello();
    let mut rec = vec![22, 3, 1];
    rec.extend(((body.len() + 4) as u16).to_be_bytes());
    rec.extend([1, 0, 0, body.len() as u8]);
    rec.extend(&body);
    let doc = inspect(&rec).unwrap().tree.to_json();
    let psk = &doc["handshake_messages"][0]["client_hello"]["extensions"][1]["contents"];
    assert_eq!(psk["identities"][0]["identity_length"], 1);
    assert_eq!(psk["binders"][0]["binder_length"], 32);
    assert_eq!(psk["binders_offset"], 5 + 4 + binders_in_body);
}
