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
