//! The first-flight outline agrees with the full parse: on every ClientHello body of every
//! capture, and on every truncation and byte flip of them, whatever the full parse accepts
//! the outline accepts with the same fields, and whatever the outline refuses the full parse
//! refuses too. The outline may accept more (it leaves some extension contents unread), and
//! the test counts that it really does on flipped inputs, so the difference is not imagined.

use hellogate_codec::{
    ClientHello, ClientHelloOutline, ContentType, DtlsHandshake, DtlsRecords, Flavor, Handshake,
    TlsRecord,
};

/// The ClientHello bodies of the captures, with their flavour.
fn bodies() -> Vec<(String, Flavor, Vec<u8>)> {
    let mut v = Vec::new();
    for c in hellogate_testvectors::all() {
        let found = if c.is_datagram() {
            DtlsRecords::new(c.bytes)
                .next()
                .and_then(Result::ok)
                .and_then(|r| DtlsHandshake::parse(r.fragment).ok())
                .filter(|(h, _)| h.msg_type.0 == 1 && h.is_complete())
                .map(|(h, _)| (Flavor::Dtls, h.fragment))
        } else {
            let mut rest = c.bytes;
            let mut found = None;
            while let Ok((r, after)) = TlsRecord::parse(rest) {
                rest = after;
                if r.header.content_type == ContentType::HANDSHAKE {
                    found = Handshake::parse(r.fragment)
                        .ok()
                        .filter(|(h, _)| h.msg_type.0 == 1)
                        .map(|(h, _)| (Flavor::Tls, h.body));
                    break;
                }
            }
            found
        };
        if let Some((flavor, body)) = found {
            v.push((c.name.to_string(), flavor, body.to_vec()));
        }
    }
    v
}

/// Checks one input; returns true when the outline accepted what the full parse refused.
fn agree(name: &str, flavor: Flavor, body: &[u8]) -> bool {
    match (
        ClientHello::parse(body, flavor),
        ClientHelloOutline::parse(body, flavor),
    ) {
        (Ok(ch), Ok(o)) => {
            assert_eq!(
                ch.outline(),
                o,
                "{name}: outline differs from the full parse"
            );
            false
        }
        (Ok(_), Err(e)) => panic!("{name}: the outline refuses what the full parse accepts: {e}"),
        (Err(_), Ok(_)) => true,
        (Err(_), Err(_)) => false,
    }
}

#[test]
fn every_client_hello_capture_outlines_as_it_parses() {
    let all = bodies();
    assert!(
        all.len() >= 20,
        "only {} ClientHello bodies found",
        all.len()
    );
    for (name, flavor, body) in &all {
        assert!(ClientHello::parse(body, *flavor).is_ok(), "{name}");
        assert!(!agree(name, *flavor, body), "{name}");
        let o = ClientHelloOutline::parse(body, *flavor).unwrap();
        assert_eq!(o.returns_cookie(), name.contains("ch2"), "{name}");
    }
}

#[test]
fn truncations_and_flips_never_make_the_outline_stricter() {
    let mut looser = 0;
    for (name, flavor, body) in bodies() {
        for n in 0..body.len() {
            looser += usize::from(agree(&format!("{name} cut at {n}"), flavor, &body[..n]));
        }
        for i in 0..body.len() {
            for x in [0xff, 0x01] {
                let mut b = body.clone();
                b[i] ^= x;
                looser += usize::from(agree(&format!("{name} byte {i} ^ {x:#x}"), flavor, &b));
            }
        }
    }
    // Flips inside the contents of extensions the outline does not read (ALPN, SNI,
    // signature_algorithms, ...) break the full parse only.
    assert!(looser > 0, "no input where only the full parse refuses");
}
