//! Every captured HelloRetryRequest, rebuilt with [`HelloRetryRequest`] from the fields of
//! its parse, is the captured record byte for byte (and an HRR flight's ChangeCipherSpec
//! follows it), wherever the capture put its extensions in the writer's order
//! (supported_versions, key_share, cookie).
//!
//! The one exception is RFC 8448 section 5, whose server writes key_share, cookie,
//! supported_versions: RFC 8446 fixes no extension order, so both are right. For it the
//! rebuilt record has the same length, the same bytes up to the extensions block, and the
//! same extensions in the writer's order.

mod common;

use common::messages;
use hellogate_codec::{
    ChangeCipherSpec, ContentType, ExtensionType, HandshakeType, HelloRetryRequest, RecordFraming,
    ServerHello, TlsRecord,
};
use hellogate_testvectors::Kind;

/// Captures whose HRR lists its extensions in another order than the writer.
const OTHER_ORDER: &[&str] = &["rfc8448_hrr_hrr"];

#[test]
fn captured_hello_retry_requests_rebuild_byte_for_byte() {
    let (mut exact, mut reordered) = (Vec::new(), Vec::new());
    for c in hellogate_testvectors::all() {
        if !matches!(c.kind, Kind::Hrr | Kind::HrrFlight) {
            continue;
        }
        let m = messages(c)[0];
        assert_eq!(m.msg_type, HandshakeType::SERVER_HELLO, "{}", c.name);
        let sh = ServerHello::parse(m.body).unwrap();
        assert!(sh.is_hello_retry_request(), "{}", c.name);
        assert_eq!(sh.legacy_compression_method, 0, "{}", c.name);
        let order: Vec<ExtensionType> = sh
            .extensions
            .unwrap()
            .iter()
            .map(|e| e.extension_type)
            .collect();
        let hrr = HelloRetryRequest {
            legacy_version: sh.legacy_version,
            legacy_session_id_echo: sh.legacy_session_id_echo,
            cipher_suite: sh.cipher_suite,
            selected_version: sh.selected_version().unwrap(),
            selected_group: sh.selected_group(),
            cookie: sh.cookie(),
        };
        let mut writer_order = vec![ExtensionType::SUPPORTED_VERSIONS];
        writer_order.extend(hrr.selected_group.map(|_| ExtensionType::KEY_SHARE));
        writer_order.extend(hrr.cookie.map(|_| ExtensionType::COOKIE));

        let mut out = vec![0; hrr.encoded_len(m.framing)];
        assert_eq!(hrr.write(m.framing, &mut out), Ok(out.len()), "{}", c.name);

        if order == writer_order {
            assert_eq!(out, m.record, "{}: rebuilt HRR differs", c.name);
            exact.push(c.name);
        } else {
            assert!(
                OTHER_ORDER.contains(&c.name),
                "{}: extension order {order:?} is not the writer's {writer_order:?}",
                c.name
            );
            // The same extensions, nothing else, in the writer's order.
            let mut sorted = order.clone();
            sorted.sort_by_key(|t| writer_order.iter().position(|w| w == t));
            assert_eq!(sorted, writer_order, "{}", c.name);
            assert_eq!(out.len(), m.record.len(), "{}", c.name);
            let block = sh.extensions.unwrap().as_bytes().len();
            let prefix = m.record.len() - block;
            assert_eq!(out[..prefix], m.record[..prefix], "{}", c.name);
            let mut want: Vec<Vec<u8>> = Vec::new();
            for t in &writer_order {
                let e = sh.extensions.unwrap().get(*t).unwrap();
                want.push(common::ext(t.get(), e.data));
            }
            assert_eq!(out[prefix..], want.concat()[..], "{}", c.name);
            reordered.push(c.name);
        }

        if c.kind == Kind::HrrFlight {
            // The flight is the HRR record, then the middlebox ChangeCipherSpec.
            let rest = &c.bytes[m.record.len()..];
            let (ccs, after) = TlsRecord::parse(rest).unwrap();
            assert!(after.is_empty(), "{}", c.name);
            assert_eq!(ccs.header.content_type, ContentType::CHANGE_CIPHER_SPEC);
            let framing = RecordFraming::Tls {
                version: ccs.header.version,
            };
            let mut flight = out.clone();
            flight.resize(out.len() + ChangeCipherSpec::encoded_len(framing), 0);
            let n = ChangeCipherSpec
                .write(framing, &mut flight[out.len()..])
                .unwrap();
            assert_eq!(n, rest.len());
            if order == writer_order {
                assert_eq!(flight, c.bytes, "{}: rebuilt flight differs", c.name);
            }
        }
    }
    // Guards: the captures still hold what this test was written against.
    assert_eq!(reordered, OTHER_ORDER, "the exception list is stale");
    assert!(
        exact.len() >= 15,
        "only {} HRRs rebuilt exactly: {exact:?}",
        exact.len()
    );
    assert!(exact.contains(&"dtls13_dimpl_hrr"), "the DTLS 1.3 HRR");
}
