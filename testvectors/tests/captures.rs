//! The capture table against the files and against PROVENANCE.md.

use std::collections::BTreeMap;
use std::path::Path;

use hellogate_testvectors::{Kind, Protocol, all, get, scenario, scenarios};

/// `FILE name.hex   N bytes` lines of PROVENANCE.md: name -> N.
fn provenance_sizes() -> BTreeMap<String, usize> {
    let text = include_str!("../PROVENANCE.md");
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        if words.next() != Some("FILE") {
            continue;
        }
        let (Some(file), Some(n), Some("bytes")) = (words.next(), words.next(), words.next())
        else {
            continue;
        };
        if let (Some(stem), Ok(n)) = (file.strip_suffix(".hex"), n.parse()) {
            out.insert(stem.to_string(), n);
        }
    }
    out
}

#[test]
fn one_entry_per_file_in_captures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    let names: Vec<String> = all().iter().map(|c| format!("{}.hex", c.name)).collect();
    assert_eq!(names, files);
}

#[test]
fn every_length_matches_provenance() {
    let sizes = provenance_sizes();
    for c in all() {
        let Some(&n) = sizes.get(c.name) else {
            panic!("PROVENANCE.md has no FILE line with a size for {}", c.name);
        };
        assert_eq!(c.bytes.len(), n, "{}", c.name);
    }
}

#[test]
fn known_lengths_from_the_manifest() {
    for (name, len) in [
        ("dtls12_openssl_ch1", 223),
        ("dtls12_openssl_hvr", 48),
        ("dtls12_gnutls_ch1", 237),
        ("tls13_rustls_ch1", 1466),
        ("tls13_openssl_nomiddlebox_ch1", 211),
        ("tls13_openssl_hrr_flight", 219),
    ] {
        assert_eq!(get(name).unwrap().bytes.len(), len, "{name}");
    }
}

#[test]
fn record_headers_fit_the_protocol() {
    for c in all() {
        let b = c.bytes;
        if c.is_datagram() {
            assert_eq!(b[0], 22, "{}: DTLS first record is a handshake", c.name);
            assert!(
                b[1..3] == [0xfe, 0xff] || b[1..3] == [0xfe, 0xfd],
                "{}: record version {:02x}{:02x}",
                c.name,
                b[1],
                b[2]
            );
        } else {
            assert!(
                b[0] == 22 || b[0] == 20,
                "{}: content type {}",
                c.name,
                b[0]
            );
            assert_eq!(b[1], 3, "{}: TLS record version 03xx", c.name);
        }
    }
}

#[test]
fn tls_captures_are_whole_records() {
    for c in all().iter().filter(|c| c.is_stream()) {
        let mut rest = c.bytes;
        let mut types = Vec::new();
        while !rest.is_empty() {
            assert!(rest.len() >= 5, "{}: truncated record header", c.name);
            let len = usize::from(u16::from_be_bytes([rest[3], rest[4]]));
            assert!(rest.len() >= 5 + len, "{}: truncated record", c.name);
            types.push(rest[0]);
            rest = &rest[5 + len..];
        }
        let want: &[u8] = match c.kind {
            Kind::HrrFlight => &[22, 20],
            Kind::Ch2Flight => &[20, 22],
            _ => &[22],
        };
        assert_eq!(types, want, "{}", c.name);
    }
}

#[test]
fn classification_from_names() {
    let c = get("tls13_openssl_srvp256_hrr_flight").unwrap();
    assert_eq!(c.scenario, "tls13_openssl_srvp256");
    assert_eq!((c.protocol, c.kind), (Protocol::Tls13, Kind::HrrFlight));
    assert!(c.is_stream() && !c.is_datagram());
    assert!(c.client.contains("OpenSSL 3.0.22"), "{}", c.client);

    let sh = get("rfc8448_hrr_sh").unwrap();
    assert_eq!(
        (sh.protocol, sh.kind, sh.scenario),
        (Protocol::Tls13, Kind::ServerHello, "rfc8448_hrr")
    );

    let hvr = get("dtls12_gnutls_hvr").unwrap();
    assert_eq!((hvr.protocol, hvr.kind), (Protocol::Dtls12, Kind::Hvr));
    assert!(hvr.client.contains("gnutls-cli 3.7.9"));
    assert!(!hvr.kind.is_from_client());

    assert!(get("tls13_openssl").is_none());
    assert!(get("no_such_capture").is_none());
}

#[test]
fn scenarios_group_one_handshake() {
    let names: Vec<&str> = scenario("tls13_openssl").map(|c| c.name).collect();
    assert_eq!(
        names,
        [
            "tls13_openssl_ch1",
            "tls13_openssl_ch2",
            "tls13_openssl_ch2_flight",
            "tls13_openssl_hrr",
            "tls13_openssl_hrr_flight"
        ]
    );
    // "tls13_openssl" must not swallow "tls13_openssl_srvp256" and friends.
    assert!(scenario("tls13_openssl").all(|c| c.scenario == "tls13_openssl"));
    let all_scenarios: Vec<&str> = scenarios().collect();
    assert!(all_scenarios.contains(&"rfc8448_hrr"));
    assert!(
        all_scenarios.windows(2).all(|w| w[0] < w[1]),
        "sorted, no duplicates"
    );
    let covered: usize = all_scenarios.iter().map(|s| scenario(s).count()).sum();
    assert_eq!(covered, all().len());
}

#[test]
fn every_scenario_has_a_first_client_hello() {
    for s in scenarios() {
        assert!(
            scenario(s).any(|c| c.kind == Kind::Ch1),
            "scenario {s} has no _ch1"
        );
    }
}
