//! The `hellogate` binary as a user runs it: exit statuses, output forms, error lines.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn hellogate(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hellogate"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn hellogate");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn capture_file(name: &str) -> String {
    let p: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "testvectors", "captures"]
        .iter()
        .collect();
    p.join(format!("{name}.hex")).to_string_lossy().into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

/// A raw (binary) file with `bytes`, unique per test.
fn raw_file(tag: &str, bytes: &[u8]) -> String {
    let p = std::env::temp_dir().join(format!(
        "hellogate-cli-test-{}-{tag}.bin",
        std::process::id()
    ));
    std::fs::write(&p, bytes).expect("write temp file");
    p.to_string_lossy().into_owned()
}

#[test]
fn text_output_names_the_message_and_its_fields() {
    let o = hellogate(&["inspect", &capture_file("dtls12_openssl_hvr")], b"");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("protocol: \"DTLS\"\nlength: 48\n"), "{out}");
    assert!(out.contains("msg_type: hello_verify_request (0x03)"));
    assert!(out.contains("cookie_length: 20"));
    assert!(!out.contains("roundtrip"));
    assert!(stderr(&o).is_empty());
}

#[test]
fn json_output_is_one_document_with_roundtrip() {
    let o = hellogate(
        &[
            "inspect",
            "--json",
            "--roundtrip",
            &capture_file("tls13_openssl_hrr_flight"),
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "protocol",
            "length",
            "records",
            "handshake_messages",
            "roundtrip"
        ]
    );
    assert_eq!(doc["roundtrip"]["ok"], true);
    assert_eq!(doc["records"].as_array().unwrap().len(), 2);
    let sh = &doc["handshake_messages"][0]["server_hello"];
    assert_eq!(sh["is_hello_retry_request"], true);
    assert_eq!(sh["cookie_length"], 120);
    assert_eq!(sh["cipher_suite"]["name"], "TLS_AES_256_GCM_SHA384");
}

#[test]
fn raw_bytes_and_stdin_read_like_hex() {
    let c = hellogate_testvectors::get("tls13_openssl_ch1").unwrap();
    let hex_out = hellogate(&["inspect", "--json", &capture_file(c.name)], b"");
    let raw = raw_file("raw", c.bytes);
    let raw_out = hellogate(&["inspect", "--json", &raw], b"");
    let stdin_out = hellogate(&["inspect", "--json", "-"], c.bytes);
    let _ = std::fs::remove_file(&raw);
    assert_eq!(hex_out.status.code(), Some(0));
    assert_eq!(stdout(&hex_out), stdout(&raw_out));
    assert_eq!(stdout(&hex_out), stdout(&stdin_out));
}

#[test]
fn several_files_make_a_json_array_with_file_names() {
    let (a, b) = (
        capture_file("dtls12_openssl_ch1"),
        capture_file("dtls12_openssl_hvr"),
    );
    let o = hellogate(&["inspect", "--json", &a, &b], b"");
    assert_eq!(o.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let arr = doc.as_array().unwrap();
    assert_eq!(arr.len(), 2);
    assert_eq!(arr[0]["file"], a.as_str());
    assert_eq!(arr[1]["file"], b.as_str());
    assert_eq!(arr[1]["protocol"], "DTLS");
}

#[test]
fn malformed_input_is_one_error_line_with_offset_and_field() {
    // tls13_openssl_ch1 cut one byte short: the record announces one byte more than follows.
    let c = hellogate_testvectors::get("tls13_openssl_ch1").unwrap();
    let cut = &c.bytes[..c.bytes.len() - 1];
    let o = hellogate(&["inspect", "-"], cut);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).is_empty());
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(
        err.trim_end(),
        "error: offset 5: TLSPlaintext.fragment: truncated: 1 more byte(s) needed (decode_error)"
    );

    // A cipher_suites length of 3 (odd) inside an otherwise whole DTLS ClientHello record:
    // the offset is that of the length field within the file.
    let ch = hellogate_testvectors::get("dtls12_openssl_ch1").unwrap();
    let mut bad = ch.bytes.to_vec();
    // record header 13 + handshake header 12 + version 2 + random 32 + sid 1 + cookie 1.
    let suites_at = 13 + 12 + 2 + 32 + 1 + 1;
    bad[suites_at..suites_at + 2].copy_from_slice(&[0, 3]);
    let o = hellogate(&["inspect", "-"], &bad);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!("error: offset {suites_at}: cipher_suites: ")),
        "{err}"
    );
}

#[test]
fn several_files_keep_going_after_an_error_and_name_the_file() {
    let bad = raw_file("bad", &[0x16, 0x03, 0x01, 0x00]);
    let good = capture_file("dtls12_openssl_hvr");
    let o = hellogate(&["inspect", &bad, &good], b"");
    let _ = std::fs::remove_file(&bad);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with(&format!("error: {bad}: offset 3: TLSPlaintext.length")));
    assert!(stdout(&o).contains(&format!("== {good}")));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["frobnicate"][..],
        &["inspect"][..],
        &["inspect", "--bogus", "x"][..],
    ] {
        let o = hellogate(args, b"");
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).starts_with("error: "), "{args:?}");
        assert!(stdout(&o).is_empty());
    }
}

#[test]
fn help_lists_the_commands() {
    let o = hellogate(&["--help"], b"");
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("inspect"));
    let o = hellogate(&["inspect", "--help"], b"");
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("--roundtrip"));
}

#[test]
fn missing_file_is_a_failure_not_a_usage_error() {
    let o = hellogate(&["inspect", "/nonexistent/hellogate.hex"], b"");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("error: cannot read: "));
}

#[test]
fn readme_sample_output_is_what_the_binary_prints() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let sample = readme
        .split("```text\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("a text block in the README");
    let o = hellogate(
        &[
            "inspect",
            &capture_file("dtls12_openssl_hvr"),
            "--roundtrip",
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), sample);
}
