//! The facts `testvectors/PROVENANCE.md` records for each capture (written when the
//! captures were taken, by other tools), checked against what `inspect` reports.
//!
//! This is the independent check behind the snapshots: record version, epoch and sequence
//! numbers, versions, session id and cookie lengths, suites, key share groups and sizes,
//! groups and the exact extension order all come from the provenance text, not from the
//! inspector.

use hellogate_cli::inspect::inspect;
use serde_json::Value;

/// `(file stem, byte count, detail line)` for every `FILE` line of PROVENANCE.md.
fn provenance() -> Vec<(String, usize, String)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../testvectors/PROVENANCE.md");
    let text = std::fs::read_to_string(path).expect("PROVENANCE.md");
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t: Vec<&str> = line.split_whitespace().collect();
        if t.len() < 3 || t[0] != "FILE" || !t[1].ends_with(".hex") || t[3] != "bytes" {
            continue;
        }
        let detail = lines
            .get(i + 1)
            .filter(|l| l.trim_start().starts_with("rec.ver"))
            .map_or(String::new(), |l| l.trim().to_string());
        out.push((
            t[1].trim_end_matches(".hex").to_string(),
            t[2].parse().expect("byte count"),
            detail,
        ));
    }
    out
}

fn num(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn code(v: &Value) -> u64 {
    num(&v["value"])
}

fn name(v: &Value) -> &str {
    v["name"].as_str().unwrap_or("")
}

fn hex(s: &str) -> u64 {
    u64::from_str_radix(s, 16).unwrap_or_else(|_| panic!("not hex: {s}"))
}

fn int(s: &str) -> u64 {
    s.parse().unwrap_or_else(|_| panic!("not a number: {s}"))
}

fn list(s: &str) -> Vec<&str> {
    s.split(',').collect()
}

/// The contents of the extension of type `t` in `body`.
fn ext(body: &Value, t: u64) -> &Value {
    body["extensions"]
        .as_array()
        .and_then(|a| a.iter().find(|e| code(&e["extension_type"]) == t))
        .map(|e| &e["contents"])
        .unwrap_or_else(|| panic!("no extension {t}"))
}

/// Checks one capture against its detail line; returns how many facts were checked.
fn check(name_: &str, len: usize, detail: &str) -> usize {
    let c = hellogate_testvectors::get(name_).unwrap_or_else(|| panic!("no capture {name_}"));
    assert_eq!(c.bytes.len(), len, "{name_}: length");
    let doc = inspect(c.bytes)
        .unwrap_or_else(|e| panic!("{name_}: {e}"))
        .tree
        .to_json();
    assert_eq!(num(&doc["length"]), len as u64);
    let msg = &doc["handshake_messages"][0];
    let record = &doc["records"][num(&msg["record"]) as usize];
    let body = ["client_hello", "server_hello", "hello_verify_request"]
        .iter()
        .map(|k| &msg[*k])
        .find(|v| !v.is_null())
        .unwrap_or_else(|| panic!("{name_}: no typed body"));
    let is_server = !msg["server_hello"].is_null();
    let toks: Vec<&str> = detail
        .split_whitespace()
        .map(|t| t.trim_end_matches(';'))
        .collect();
    let at = |i: usize| *toks.get(i).unwrap_or(&"");
    let mut checked = 0;
    let mut i = 0;
    while i < toks.len() {
        let ctx = format!("{name_}: {} {}", at(i), at(i + 1));
        match at(i) {
            "rec.ver" => {
                assert_eq!(
                    code(&record["legacy_record_version"]),
                    hex(at(i + 1)),
                    "{ctx}"
                );
            }
            "epoch" => assert_eq!(num(&record["epoch"]), int(at(i + 1)), "{ctx}"),
            "seq" => assert_eq!(num(&record["sequence_number"]), int(at(i + 1)), "{ctx}"),
            "msg_seq" => {
                assert_eq!(num(&msg["message_seq"]), int(at(i + 1)), "{ctx}");
            }
            "legacy_version" => {
                assert_eq!(code(&body["legacy_version"]), hex(at(i + 1)), "{ctx}");
            }
            "server_version" => {
                assert_eq!(code(&body["server_version"]), hex(at(i + 1)), "{ctx}");
            }
            "session_id" => {
                let key = if is_server {
                    "legacy_session_id_echo_length"
                } else {
                    "legacy_session_id_length"
                };
                assert_eq!(num(&body[key]), int(at(i + 1)), "{ctx}");
            }
            "legacy_cookie" => {
                assert_eq!(num(&body["legacy_cookie_length"]), int(at(i + 1)), "{ctx}");
            }
            "cookie" if at(i + 1) == "ext" => {
                assert_eq!(
                    num(&ext(body, 44)["cookie_length"]),
                    int(at(i + 2)),
                    "{ctx}"
                );
            }
            "cookie" => {
                // A DTLS ClientHello's legacy cookie, or a HelloVerifyRequest's cookie.
                let key = if body["cookie_length"].is_null() {
                    "legacy_cookie_length"
                } else {
                    "cookie_length"
                };
                assert_eq!(num(&body[key]), int(at(i + 1)), "{ctx}");
            }
            "suites" if i > 0 && at(i - 1).parse::<usize>().is_ok() => {
                let n: usize = at(i - 1).parse().unwrap();
                assert_eq!(body["cipher_suites"].as_array().unwrap().len(), n, "{ctx}");
            }
            "suites" => {
                let got: Vec<u64> = body["cipher_suites"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(code)
                    .collect();
                let want: Vec<u64> = list(at(i + 1)).into_iter().map(hex).collect();
                assert_eq!(got, want, "{ctx}");
            }
            "cipher" => assert_eq!(code(&body["cipher_suite"]), hex(at(i + 1)), "{ctx}"),
            "versions" if is_server => {
                assert_eq!(code(&body["selected_version"]), hex(at(i + 1)), "{ctx}");
            }
            "versions" => {
                let got: Vec<u64> = ext(body, 43)["versions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(code)
                    .collect();
                let want: Vec<u64> = list(at(i + 1)).into_iter().map(hex).collect();
                assert_eq!(got, want, "{ctx}");
            }
            "key_share" if at(i + 1) == "selected" => {
                assert_eq!(name(&body["selected_group"]), at(i + 2), "{ctx}");
            }
            "key_share" if is_server || at(i + 1) == "as" => {
                i += 1;
                continue;
            }
            "key_share" => {
                let got: Vec<String> = ext(body, 51)["client_shares"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| format!("{}({})", name(&s["group"]), num(&s["key_exchange_length"])))
                    .collect();
                let want: Vec<&str> = at(i + 1).split('+').collect();
                assert_eq!(got, want, "{ctx}");
            }
            "groups" => {
                let got: Vec<&str> = ext(body, 10)["named_group_list"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(name)
                    .collect();
                assert_eq!(got, list(at(i + 1)), "{ctx}");
            }
            "order:" if at(i - 1) == "ext" => {
                let got: Vec<u64> = body["extensions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| code(&e["extension_type"]))
                    .collect();
                let want: Vec<u64> = list(at(i + 1))
                    .into_iter()
                    .map(|t| t.trim_end_matches("(padding)").parse().unwrap())
                    .collect();
                assert_eq!(got, want, "{ctx}");
            }
            _ => {
                i += 1;
                continue;
            }
        }
        checked += 1;
        i += 1;
    }
    checked
}

#[test]
fn every_capture_matches_its_provenance_facts() {
    let files = provenance();
    // Every capture has a FILE line, and every FILE line names a capture.
    assert_eq!(files.len(), hellogate_testvectors::all().len());
    let mut facts = 0;
    for (name, len, detail) in &files {
        facts += check(name, *len, detail);
    }
    // Guard against a parser that silently stops matching the provenance format.
    assert!(facts > 200, "only {facts} facts checked");
}

#[test]
fn a_split_client_hello_reads_like_the_unsplit_one() {
    // The edge case re-frames tls13_openssl_ch1 into two records split 100 bytes into the
    // message; the inspector must reassemble it and point every extension offset at the
    // extension's bytes in the split input.
    let whole = hellogate_testvectors::get("tls13_openssl_ch1")
        .unwrap()
        .bytes;
    let split = hellogate_testvectors::edge_cases()
        .into_iter()
        .find(|e| e.name == "tls13_openssl_ch1_split_at_100")
        .unwrap()
        .bytes;
    let a = inspect(whole).unwrap().tree.to_json();
    let b = inspect(&split).unwrap().tree.to_json();
    assert_eq!(b["records"].as_array().unwrap().len(), 2);
    let (ca, cb) = (
        &a["handshake_messages"][0]["client_hello"],
        &b["handshake_messages"][0]["client_hello"],
    );
    assert_eq!(ca["cipher_suites"], cb["cipher_suites"]);
    assert_eq!(ca["random"], cb["random"]);
    let (ea, eb) = (
        ca["extensions"].as_array().unwrap(),
        cb["extensions"].as_array().unwrap(),
    );
    assert_eq!(ea.len(), eb.len());
    for (x, y) in ea.iter().zip(eb) {
        assert_eq!(x["contents"], y["contents"]);
        let t = code(&y["extension_type"]) as u16;
        let off = num(&y["offset"]) as usize;
        assert_eq!(
            split[off..off + 2],
            t.to_be_bytes(),
            "offset of extension {t}"
        );
        // Past the split point, one extra 5-byte record header shifts everything.
        let shift = if num(&x["offset"]) >= 105 { 5 } else { 0 };
        assert_eq!(num(&y["offset"]), num(&x["offset"]) + shift);
    }
}

/// Records as `(content type, whole record size)`.
type Records = Vec<(u64, u64)>;

/// `(scenario, client records, server records)` from the `TLS records (type,len)` lines:
/// each record as (content type, whole record size) as it went over TCP.
fn tls_record_lines() -> Vec<(String, Records, Records)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../testvectors/PROVENANCE.md");
    let text = std::fs::read_to_string(path).expect("PROVENANCE.md");
    let pairs = |s: &str| -> Records {
        s.split('[')
            .filter_map(|p| {
                let p = p.split(']').next()?;
                let (a, b) = p.split_once(',')?;
                Some((int(a.trim()), int(b.trim())))
            })
            .collect()
    };
    let mut scenario = String::new();
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if let Some(name) = t.strip_prefix("SCENARIO ") {
            scenario = name.trim().to_string();
        } else if let Some(rest) = t.strip_prefix("TLS records (type,len): client ") {
            let (client, server) = rest.split_once("server(first 6)").expect("server part");
            out.push((scenario.clone(), pairs(client), pairs(server)));
        }
    }
    out
}

#[test]
fn tls_flights_hold_the_records_provenance_lists() {
    let lines = tls_record_lines();
    assert!(lines.len() >= 7, "only {} TLS record lines", lines.len());
    let mut files = 0;
    for (scenario, client, server) in &lines {
        for c in hellogate_testvectors::scenario(scenario) {
            let doc = inspect(c.bytes).unwrap().tree.to_json();
            let got: Vec<(u64, u64)> = doc["records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| (code(&r["content_type"]), num(&r["length"]) + 5))
                .collect();
            let seen = if c.kind.is_from_client() {
                client
            } else {
                server
            };
            assert!(
                seen.windows(got.len()).any(|w| w == got.as_slice()),
                "{}: records {got:?} are not a run of {seen:?}",
                c.name
            );
            files += 1;
        }
    }
    assert!(files >= 20, "only {files} files checked");
}
