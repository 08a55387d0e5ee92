//! Snapshots of what `inspect` shows for every real capture (JSON), for a handful of them
//! as text, and for every generated edge case; plus the round trip of every capture.
//!
//! The snapshots were reviewed against `testvectors/PROVENANCE.md` (see `provenance.rs`
//! for the facts checked mechanically). CI runs with `INSTA_UPDATE=no`, so any change in
//! what the codec or the inspector reports fails until a reviewed snapshot is committed.

use hellogate_cli::inspect::command::to_pretty;
use hellogate_cli::inspect::{RoundTrip, inspect};

#[test]
fn every_capture_json() {
    for c in hellogate_testvectors::all() {
        let i = inspect(c.bytes).unwrap_or_else(|e| panic!("{}: {e}", c.name));
        insta::assert_snapshot!(c.name, to_pretty(&i.tree.to_json()));
    }
}

#[test]
fn text_tree_of_one_capture_per_message_kind() {
    for name in [
        "dtls12_openssl_ch1",
        "dtls12_openssl_hvr",
        "tls13_openssl_ch2_flight",
        "tls13_gnutls_srvp384_hrr_flight",
        "dtls13_dimpl_hrr",
        "rfc8448_hrr_sh",
    ] {
        let c = hellogate_testvectors::get(name).expect("capture");
        let i = inspect(c.bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        insta::assert_snapshot!(format!("{name}_text"), i.tree.to_text());
    }
}

#[test]
fn every_capture_round_trips() {
    for c in hellogate_testvectors::all() {
        let i = inspect(c.bytes).unwrap_or_else(|e| panic!("{}: {e}", c.name));
        assert_eq!(i.roundtrip(c.bytes), RoundTrip::Ok, "{}", c.name);
        assert_eq!(i.reencoded, c.bytes, "{}", c.name);
    }
}

/// One line per edge case: what inspect makes of it, or the error line it prints.
#[test]
fn edge_cases_summary() {
    let mut out = String::new();
    for e in hellogate_testvectors::edge_cases() {
        let line = match inspect(&e.bytes) {
            Ok(i) => {
                let count = |k: &str| i.tree.get(k).map_or(0, |n| n.children.len());
                let rt = match i.roundtrip(&e.bytes) {
                    RoundTrip::Ok => "ok".to_string(),
                    RoundTrip::Mismatch { offset } => format!("mismatch at {offset}"),
                };
                format!(
                    "{} records, {} handshake messages, roundtrip {rt}",
                    count("records"),
                    count("handshake_messages")
                )
            }
            Err(err) => format!("error: {err}"),
        };
        out.push_str(&format!("{}: {line}\n", e.name));
    }
    insta::assert_snapshot!("edge_cases", out);
}

fn field_of(n: &hellogate_cli::inspect::Node, k: &str) -> String {
    n.get(k).map_or(String::new(), |c| c.to_json().to_string())
}

/// OpenSSL's DTLSv1_listen cases, many of them ClientHello fragments: one line each with
/// what the first handshake fragment shows (the whole ClientHello, the prefix fields a
/// first fragment holds, or nothing for a later fragment), or the error line.
#[test]
fn dtls_listen_cases_summary() {
    let cookie: Vec<u8> = (0u8..20).collect();
    let mut out = String::new();
    for case in hellogate_testvectors::dtls_listen_cases(&cookie) {
        let line = match inspect(&case.datagram) {
            Ok(i) => {
                let rt = i.roundtrip(&case.datagram);
                let m = i.tree.at("handshake_messages/0");
                let shows = match m {
                    None => "no handshake message".to_string(),
                    Some(m) => {
                        let field = |k: &str| field_of(m, k);
                        let body = ["client_hello", "client_hello_prefix"]
                            .into_iter()
                            .find_map(|k| m.get(k).map(|n| (k, n)));
                        let body = match body {
                            Some((k, n)) if n.children.is_empty() => {
                                format!("{k}: {}", n.to_json())
                            }
                            Some((k, n)) => format!(
                                "{k} with cookie length {}, suites {}",
                                field_of(n, "legacy_cookie_length"),
                                n.get("cipher_suites").map_or(0, |c| c.children.len())
                            ),
                            None => "no body".into(),
                        };
                        format!(
                            "fragment_offset {} fragment_length {} length {}: {body}",
                            field("fragment_offset"),
                            field("fragment_length"),
                            field("length")
                        )
                    }
                };
                format!("{shows}; roundtrip {rt:?}")
            }
            Err(e) => format!("error: {e}"),
        };
        out.push_str(&format!("{} {}: {line}\n", case.number, case.name));
    }
    insta::assert_snapshot!("dtls_listen_cases", out);
}
