//! ClientHello, ServerHello/HelloRetryRequest and HelloVerifyRequest bodies on arbitrary
//! bytes.
//!
//! Invariants: no panic; every error points inside the input; a body that parses writes
//! back, with TLS and DTLS message framing, to a header the framing defines followed by
//! exactly the input; every extension re-parses on its own, shows in the ClientHello's
//! typed views as it parses, and every typed view iterates; a HelloRetryRequest in the
//! writer's extension order is what `HelloRetryRequest` writes from its fields.
#![no_main]

use hellogate_codec::{
    ClientExtension, ClientHello, DtlsClientHelloPrefix, ExtensionType, Flavor, Framing,
    HelloRetryRequest, HelloVerifyRequest, ServerHello,
};
use libfuzzer_sys::fuzz_target;

fn check_framed(out: &[u8], header: usize, msg_type: u8, body: &[u8]) {
    assert_eq!(out[0], msg_type);
    let len = usize::from(out[1]) << 16 | usize::from(out[2]) << 8 | usize::from(out[3]);
    assert_eq!(len, body.len());
    if header == 12 {
        // message_seq 5, fragment_offset 0, fragment_length = length.
        assert_eq!(&out[4..9], &[0, 5, 0, 0, 0]);
        assert_eq!(&out[9..12], &out[1..4]);
    }
    assert_eq!(&out[header..], body);
}

fn framings() -> [(Framing, usize); 2] {
    [
        (Framing::TlsMessage, 4),
        (Framing::DtlsMessage { message_seq: 5 }, 12),
    ]
}

/// A HelloRetryRequest whose extensions are the writer's (supported_versions, then
/// key_share, then cookie, nothing else) and whose compression is 0 is what
/// `HelloRetryRequest` writes from its fields, byte for byte.
fn hrr_rebuilds(sh: &ServerHello<'_>, body: &[u8]) {
    let Some(exts) = sh.extensions else { return };
    let types: Vec<ExtensionType> = exts.iter().map(|e| e.extension_type).collect();
    let Some(selected_version) = sh.selected_version() else {
        return;
    };
    let hrr = HelloRetryRequest {
        legacy_version: sh.legacy_version,
        legacy_session_id_echo: sh.legacy_session_id_echo,
        cipher_suite: sh.cipher_suite,
        selected_version,
        selected_group: sh.selected_group(),
        cookie: sh.cookie(),
    };
    let mut order = vec![ExtensionType::SUPPORTED_VERSIONS];
    order.extend(hrr.selected_group.map(|_| ExtensionType::KEY_SHARE));
    order.extend(hrr.cookie.map(|_| ExtensionType::COOKIE));
    if types != order || sh.legacy_compression_method != 0 {
        return;
    }
    let mut out = vec![0; hrr.encoded_len(Framing::TlsMessage)];
    assert_eq!(hrr.write(Framing::TlsMessage, &mut out), Ok(out.len()));
    assert_eq!(&out[4..], body);
}

fuzz_target!(|data: &[u8]| {
    for flavor in [Flavor::Tls, Flavor::Dtls] {
        match ClientHello::parse(data, flavor) {
            Ok(ch) => {
                for (framing, header) in framings() {
                    let mut out = vec![0; framing.overhead() + ch.body_len()];
                    assert_eq!(ch.write(framing, &mut out), Ok(out.len()));
                    check_framed(&out, header, 1, data);
                }
                assert_eq!(ClientHello::parse(data, flavor), Ok(ch));
                let k = ch.known;
                for e in ch.extensions.iter().flat_map(|x| x.iter()) {
                    assert_eq!(ch.extension(e.extension_type), Some(e));
                    // The typed views hold what the extension parser reads.
                    match e.parse_client().expect("extension re-parses") {
                        ClientExtension::Padding(n) => assert_eq!(k.padding, Some(n)),
                        ClientExtension::RecordSizeLimit(l) => {
                            assert!(l >= 64);
                            assert_eq!(k.record_size_limit, Some(l));
                        }
                        ClientExtension::SessionTicket(t) => assert_eq!(k.session_ticket, Some(t)),
                        ClientExtension::ExtendedMasterSecret => assert!(k.extended_master_secret),
                        ClientExtension::EncryptThenMac => assert!(k.encrypt_then_mac),
                        ClientExtension::EcPointFormats(f) => {
                            assert_eq!(k.ec_point_formats, Some(f))
                        }
                        ClientExtension::SignatureAlgorithmsCert(s) => {
                            assert_eq!(k.signature_algorithms_cert, Some(s));
                        }
                        ClientExtension::Cookie(c) => assert_eq!(k.cookie, Some(c)),
                        ClientExtension::KeyShare(s) => assert_eq!(k.key_shares, Some(s)),
                        _ => {}
                    }
                }
                k.signature_algorithms_cert
                    .iter()
                    .flat_map(|v| v.iter())
                    .for_each(drop);
                k.supported_versions
                    .iter()
                    .flat_map(|v| v.iter())
                    .for_each(drop);
                k.supported_groups
                    .iter()
                    .flat_map(|v| v.iter())
                    .for_each(drop);
                k.signature_algorithms
                    .iter()
                    .flat_map(|v| v.iter())
                    .for_each(drop);
                k.key_shares.iter().flat_map(|s| s.iter()).for_each(drop);
                k.server_name.iter().flat_map(|s| s.iter()).for_each(drop);
                k.alpn.iter().flat_map(|a| a.iter()).for_each(drop);
                if let Some(psk) = k.pre_shared_key {
                    assert_eq!(psk.identities().count(), psk.binders().count());
                }
                let _ = ch.signals_secure_renegotiation();
                if flavor == Flavor::Dtls {
                    // A whole DTLS ClientHello is also a readable first fragment.
                    let p =
                        DtlsClientHelloPrefix::parse(data).expect("prefix of a whole ClientHello");
                    assert_eq!(p.random, ch.random);
                    assert_eq!(Some(p.legacy_cookie), ch.legacy_cookie);
                    let (suites, comp) = p.suites_and_compression.expect("suites present");
                    assert_eq!(suites, ch.cipher_suites);
                    assert_eq!(comp, ch.legacy_compression_methods);
                }
            }
            Err(e) => assert!(e.offset <= data.len(), "{e}"),
        }
    }
    if let Err(e) = DtlsClientHelloPrefix::parse(data) {
        assert!(e.offset <= data.len(), "{e}");
    }
    match ServerHello::parse(data) {
        Ok(sh) => {
            for (framing, header) in framings() {
                let mut out = vec![0; framing.overhead() + sh.body_len()];
                assert_eq!(sh.write(framing, &mut out), Ok(out.len()));
                check_framed(&out, header, 2, data);
            }
            let hrr = sh.is_hello_retry_request();
            for e in sh.extensions.iter().flat_map(|x| x.iter()) {
                assert!(e.parse_server(hrr).is_ok());
            }
            let _ = (sh.selected_version(), sh.selected_group(), sh.cookie());
            if hrr {
                hrr_rebuilds(&sh, data);
            }
        }
        Err(e) => assert!(e.offset <= data.len(), "{e}"),
    }
    match HelloVerifyRequest::parse(data) {
        Ok(hvr) => {
            for (framing, header) in framings() {
                let mut out = vec![0; hvr.encoded_len(framing)];
                assert_eq!(hvr.write(framing, &mut out), Ok(out.len()));
                check_framed(&out, header, 3, data);
            }
        }
        Err(e) => assert!(e.offset <= data.len(), "{e}"),
    }
});
