//! `hellogate step` as a user runs it: the example scripts (and that they are what their
//! generator makes), the stateless promise across separate processes, every flag whose
//! effect shows in the output, script errors, and the README's sample output.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use hellogate_cli::step::{DEFAULT_START, USAGE};
use hellogate_codec::{CipherSuite, ExtensionType, Flavor, Framing, NamedGroup, ServerHello};
use serde_json::Value as Json;

// The generator of `cli/examples/*.step`; its helpers build ClientHello2s here too.
#[allow(dead_code)]
#[path = "../examples/make_step_scripts.rs"]
mod make_step_scripts;

use make_step_scripts::{self as generator, OTHER_PORT, PEER, REGENERATE, line};

/// Runs `hellogate ARGS` in `dir` with `stdin`.
fn hellogate_in(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hellogate"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn hellogate");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn hellogate(args: &[&str], stdin: &str) -> Output {
    hellogate_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, stdin)
}

fn parse_json_lines(o: &Output) -> Vec<Json> {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone())
        .expect("UTF-8 output")
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

/// `hellogate step --json FLAGS -`, with `script` on standard input: one separate process.
fn step(flags: &[&str], script: &str) -> Vec<Json> {
    let mut args = vec!["step", "--json"];
    args.extend_from_slice(flags);
    args.push("-");
    parse_json_lines(&hellogate(&args, script))
}

/// `hellogate step --json FLAGS FILE` over an example script.
fn step_file(flags: &[&str], file: &str) -> Vec<Json> {
    let mut args = vec!["step", "--json"];
    args.extend_from_slice(flags);
    args.push(file);
    parse_json_lines(&hellogate(&args, ""))
}

fn decisions(v: &[Json]) -> Vec<&str> {
    v.iter().map(|d| d["decision"].as_str().unwrap()).collect()
}

fn reply_bytes(d: &Json) -> Vec<u8> {
    hellogate_cli::hex::decode_hex(d["bytes"].as_str().expect("bytes").as_bytes()).unwrap()
}

fn capture(name: &str) -> &'static [u8] {
    hellogate_testvectors::get(name).expect(name).bytes
}

fn trace_has(d: &Json, what: &str, ok: bool, detail: &str) -> bool {
    d["trace"].as_array().unwrap().iter().any(|c| {
        c["check"].as_str().unwrap().contains(what)
            && c["ok"] == ok
            && c["detail"].as_str().unwrap().contains(detail)
    })
}

/// The HelloRetryRequest of a TLS reply: (cipher suite, selected group, has a cookie).
fn tls_hrr(d: &Json) -> (CipherSuite, Option<NamedGroup>, bool) {
    let bytes = reply_bytes(d);
    let sh: ServerHello<'_> = generator::hrr_body_of(&bytes);
    (sh.cipher_suite, sh.selected_group(), sh.cookie().is_some())
}

// ---------------------------------------------------------------------------------------
// The example scripts.

#[test]
fn example_scripts_are_what_the_generator_makes() {
    for s in generator::scripts() {
        let path = generator::crate_dir().join("examples").join(s.file);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        let first_difference = committed
            .lines()
            .zip(s.text.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(committed.lines().count().min(s.text.lines().count()))
            + 1;
        assert!(
            committed == s.text,
            "cli/examples/{} is not what its generator makes now (first difference at line \
             {first_difference}): its cookies are stale, e.g. after a change to the cookie \
             format. Regenerate the scripts with `{REGENERATE}`.",
            s.file
        );
    }
}

#[test]
fn example_scripts_get_the_decisions_their_comments_promise() {
    for s in generator::scripts() {
        let v = step_file(s.flags, &format!("examples/{}", s.file));
        assert_eq!(decisions(&v), s.decisions, "{}", s.file);
    }
}

#[test]
fn dtls12_script_goes_from_ch1_to_accept() {
    let v = step_file(&[], "examples/dtls12_openssl.step");
    assert_eq!(decisions(&v), ["reply", "accept", "reply", "reply"]);
    assert_eq!(v[0]["kind"], "HelloVerifyRequest");
    assert!(v[0]["bytes"].as_str().unwrap().starts_with("16feff"));
    assert!(v[0]["trace"].as_array().unwrap().len() > 3);
    assert_eq!(v[1]["validated"], true);
    assert_eq!(v[1]["version"], "DTLSv1.2");
    assert_eq!(v[1]["continuation"]["record_sequence_number"], 1);
    assert_eq!(v[1]["continuation"]["message_seq"], 1);
    assert_eq!(v[1]["continuation"]["cookie_age_ms"], 120);
    assert!(trace_has(&v[2], "cookie verifies", false, "wrong peer"));
    assert!(trace_has(&v[3], "cookie verifies", false, ""));
}

#[test]
fn tls13_script_accepts_on_the_same_and_a_fresh_connection() {
    let v = step_file(&[], "examples/tls13_openssl.step");
    assert_eq!(decisions(&v), ["reply", "accept", "accept", "alert"]);
    assert_eq!(v[0]["kind"], "HelloRetryRequestAndCcs");
    assert!(v[0]["bytes"].as_str().unwrap().ends_with("140303000101"));
    assert_eq!(v[1]["continuation"]["group"], "secp256r1");
    assert_eq!(
        v[1]["continuation"]["cipher_suite"],
        "TLS_AES_128_GCM_SHA256"
    );
    assert!(trace_has(&v[1], "ChangeCipherSpec ignored", true, ""));
    let prefix = |i: usize| v[i]["continuation"]["transcript_prefix"].clone();
    assert_eq!(prefix(1), prefix(2));
    assert!(prefix(1).as_str().unwrap().starts_with("fe000020"));
    assert_eq!(v[3]["alert"], "illegal_parameter");
    assert_eq!(v[3]["reason"], "bad_cookie");
}

#[test]
fn dtls13_script_accepts_after_a_cookie_only_hrr() {
    let flags = ["--hrr-key-share", "cookie-only"];
    let v = step_file(&flags, "examples/dtls13_dimpl.step");
    assert_eq!(decisions(&v), ["reply", "accept", "alert", "alert"]);
    assert_eq!(v[0]["kind"], "HelloRetryRequest");
    assert_eq!(v[1]["version"], "DTLSv1.3");
    assert_eq!(v[1]["continuation"]["group"], "x25519");
    assert_eq!(v[1]["continuation"]["key_share_in_hrr"], false);
    for d in &v[2..] {
        assert_eq!(d["alert"], "illegal_parameter");
        assert_eq!(d["reason"], "bad_cookie");
    }
    assert!(trace_has(&v[2], "cookie verifies", false, "wrong peer"));

    // What the script's comment says of the default policy: the HRR asks for a secp256r1
    // share, which dimpl's captured ClientHello2 does not carry.
    let (ch1, ch2) = (capture("dtls13_dimpl_ch1"), capture("dtls13_dimpl_ch2"));
    let first = step(&[], &line(0, PEER, "udp", ch1));
    let bytes = reply_bytes(&first[0]);
    let hrr = generator::dtls_hrr_body_of(&bytes);
    assert_eq!(hrr.selected_group(), Some(NamedGroup::SECP256R1));
    let d = across_processes("udp", ch1, ch2, generator::dtls_with_cookie, &[], &[]);
    assert_eq!(d["decision"], "alert", "{d}");
    assert_eq!(d["reason"], "key_share_mismatch");
}

#[test]
fn another_secret_refuses_the_scripts_cookies() {
    let secret = "00".repeat(32);
    let v = step_file(&["--secret", &secret], "examples/tls13_openssl.step");
    assert_eq!(decisions(&v), ["reply", "alert", "alert", "alert"]);
    assert_eq!(v[1]["reason"], "bad_cookie");
    let v = step_file(&["--secret", &secret], "examples/dtls12_openssl.step");
    assert_eq!(decisions(&v), ["reply", "reply", "reply", "reply"]);
}

// ---------------------------------------------------------------------------------------
// Stateless across processes: one process answers ClientHello1 and exits; another, which
// shares nothing with it but the secret, accepts ClientHello2.

/// Process 1 answers `ch1` alone; the cookie of its `--json` reply goes into `ch2`
/// (`splice`), which process 2 (`flags2`) gets 200 ms later. Returns process 2's decision.
fn across_processes(
    transport: &str,
    ch1: &[u8],
    ch2: &[u8],
    splice: fn(&[u8], &[u8]) -> Vec<u8>,
    flags1: &[&str],
    flags2: &[&str],
) -> Json {
    let first = step(flags1, &line(0, PEER, transport, ch1));
    assert_eq!(decisions(&first), ["reply"]);
    let cookie = generator::cookie_of(&reply_bytes(&first[0]));
    let second = step(flags2, &line(200, PEER, transport, &splice(ch2, &cookie)));
    assert_eq!(second.len(), 1, "{second:?}");
    second[0].clone()
}

#[test]
fn dtls12_cookie_from_one_process_is_accepted_by_another() {
    let (ch1, ch2) = (capture("dtls12_openssl_ch1"), capture("dtls12_openssl_ch2"));
    let d = across_processes("udp", ch1, ch2, generator::dtls_with_cookie, &[], &[]);
    assert_eq!(d["decision"], "accept", "{d}");
    assert_eq!(d["validated"], true);
    assert_eq!(d["continuation"]["cookie_age_ms"], 200);

    // Another secret in the second process: the cookie does not verify -> a new HVR.
    let other = "11".repeat(32);
    let d = across_processes(
        "udp",
        ch1,
        ch2,
        generator::dtls_with_cookie,
        &[],
        &["--secret", &other],
    );
    assert_eq!(d["decision"], "reply", "{d}");
    assert_eq!(d["kind"], "HelloVerifyRequest");
    assert!(trace_has(&d, "cookie verifies", false, ""));
}

#[test]
fn tls13_cookie_from_one_process_is_accepted_by_another() {
    let (ch1, flight) = (
        capture("tls13_openssl_srvp256_ch1"),
        capture("tls13_openssl_srvp256_ch2_flight"),
    );
    let d = across_processes("tcp:1", ch1, flight, generator::tls_with_cookie, &[], &[]);
    assert_eq!(d["decision"], "accept", "{d}");
    assert_eq!(d["validated"], true);
    assert_eq!(d["version"], "TLSv1.3");
    assert_eq!(d["continuation"]["group"], "secp256r1");
    assert_eq!(d["continuation"]["cookie_age_ms"], 200);

    let other = "11".repeat(32);
    let d = across_processes(
        "tcp:1",
        ch1,
        flight,
        generator::tls_with_cookie,
        &[],
        &["--secret", &other],
    );
    assert_eq!(d["decision"], "alert", "{d}");
    assert_eq!(d["reason"], "bad_cookie");
}

#[test]
fn dtls13_cookie_from_one_process_is_accepted_by_another() {
    let flags = ["--hrr-key-share", "cookie-only"];
    let (ch1, ch2) = (capture("dtls13_dimpl_ch1"), capture("dtls13_dimpl_ch2"));
    let d = across_processes("udp", ch1, ch2, generator::dtls_with_cookie, &flags, &flags);
    assert_eq!(d["decision"], "accept", "{d}");
    assert_eq!(d["version"], "DTLSv1.3");
    assert_eq!(d["validated"], true);
}

// ---------------------------------------------------------------------------------------
// The flags.

/// A DTLS 1.2 ClientHello2 carrying the cookie a default run gives ClientHello1 at MS 0.
fn dtls12_ch2_with_default_cookie() -> Vec<u8> {
    let first = step(&[], &line(0, PEER, "udp", capture("dtls12_openssl_ch1")));
    let cookie = generator::cookie_of(&reply_bytes(&first[0]));
    generator::dtls_with_cookie(capture("dtls12_openssl_ch2"), &cookie)
}

#[test]
fn start_sets_the_clock_of_ms_0() {
    let ch2 = dtls12_ch2_with_default_cookie();
    let at = |start: u64| {
        let s = start.to_string();
        step(&["--start", &s], &line(0, PEER, "udp", &ch2)).remove(0)
    };
    // Five seconds later by --start: accepted, and the cookie's age says so.
    let d = at(DEFAULT_START + 5);
    assert_eq!(d["decision"], "accept", "{d}");
    assert_eq!(d["continuation"]["cookie_age_ms"], 5000);
    // Past the 30 s default lifetime: a new HVR.
    let d = at(DEFAULT_START + 31);
    assert_eq!(d["decision"], "reply", "{d}");
    assert!(trace_has(&d, "cookie verifies", false, "expired"));
    // Ten seconds before the cookie was made (beyond the 2 s skew tolerance): refused.
    let d = at(DEFAULT_START - 10);
    assert_eq!(d["decision"], "reply", "{d}");
    assert!(trace_has(&d, "cookie verifies", false, ""));
}

#[test]
fn lifetime_sets_how_long_a_cookie_is_accepted() {
    let ch2 = dtls12_ch2_with_default_cookie();
    let late = line(40_000, PEER, "udp", &ch2);
    assert_eq!(decisions(&step(&[], &late)), ["reply"]);
    let d = step(&["--lifetime", "60"], &late).remove(0);
    assert_eq!(d["decision"], "accept", "{d}");
    assert_eq!(d["continuation"]["cookie_age_ms"], 40_000);
}

#[test]
fn rotation_changes_the_keys_and_the_previous_epoch_still_verifies() {
    // Keys derive from the secret and the rotation period: another period, other keys.
    let ch2 = dtls12_ch2_with_default_cookie();
    let at120 = line(120, PEER, "udp", &ch2);
    assert_eq!(decisions(&step(&[], &at120)), ["accept"]);
    assert_eq!(decisions(&step(&["--rotation", "7200"], &at120)), ["reply"]);

    // A cookie made just before an epoch boundary is accepted just after it.
    let boundary = DEFAULT_START.div_ceil(60) * 60;
    let start = (boundary - 1).to_string();
    let flags = ["--rotation", "60", "--start", &start];
    let first = step(
        &flags,
        &line(900, PEER, "udp", capture("dtls12_openssl_ch1")),
    );
    let cookie = generator::cookie_of(&reply_bytes(&first[0]));
    let ch2 = generator::dtls_with_cookie(capture("dtls12_openssl_ch2"), &cookie);
    assert_eq!(
        decisions(&step(&flags, &line(1100, PEER, "udp", &ch2))),
        ["accept"]
    );
}

#[test]
fn binding_ip_accepts_a_cookie_from_another_port() {
    let v = step_file(&["--binding", "ip"], "examples/dtls12_openssl.step");
    // The script's cookie was made for IP and port, so even the same port now fails
    // (the binding is part of what the cookie covers); a cookie made under `ip` works
    // from any port.
    assert_eq!(v[1]["decision"], "reply");
    let first = step(
        &["--binding", "ip"],
        &line(0, PEER, "udp", capture("dtls12_openssl_ch1")),
    );
    let cookie = generator::cookie_of(&reply_bytes(&first[0]));
    let ch2 = generator::dtls_with_cookie(capture("dtls12_openssl_ch2"), &cookie);
    let script = line(100, OTHER_PORT, "udp", &ch2);
    assert_eq!(decisions(&step(&["--binding", "ip"], &script)), ["accept"]);
    assert_eq!(decisions(&step(&[], &script)), ["reply"]);
}

#[test]
fn suites_choose_the_hrr_cipher_suite() {
    let ch1 = line(0, PEER, "tcp:1", capture("tls13_openssl_srvp256_ch1"));
    let suite = |flags: &[&str]| tls_hrr(&step(flags, &ch1)[0]).0;
    assert_eq!(suite(&[]), CipherSuite::TLS_AES_128_GCM_SHA256);
    assert_eq!(
        suite(&[
            "--suites",
            "TLS_CHACHA20_POLY1305_SHA256,TLS_AES_128_GCM_SHA256"
        ]),
        CipherSuite::TLS_CHACHA20_POLY1305_SHA256
    );
    assert_eq!(
        suite(&["--suites", "0x1302"]),
        CipherSuite::TLS_AES_256_GCM_SHA384
    );
    // The accept reports the suite the cookie carries.
    let flags = ["--suites", "TLS_AES_256_GCM_SHA384"];
    let first = step(&flags, &ch1);
    let cookie = generator::cookie_of(&reply_bytes(&first[0]));
    let flight = generator::tls_with_cookie(capture("tls13_openssl_srvp256_ch2_flight"), &cookie);
    let d = step(&flags, &line(100, PEER, "tcp:1", &flight)).remove(0);
    assert_eq!(d["decision"], "accept", "{d}");
    assert_eq!(d["continuation"]["cipher_suite"], "TLS_AES_256_GCM_SHA384");
}

#[test]
fn groups_choose_the_hrr_group() {
    // GnuTLS sends secp256r1 and x25519 shares and supports secp384r1 too.
    let gnutls = line(0, PEER, "tcp:1", capture("tls13_gnutls_ch1"));
    let group = |flags: &[&str], ch1: &str| tls_hrr(&step(flags, ch1)[0]).1;
    assert_eq!(
        group(&["--groups", "secp384r1,x25519"], &gnutls),
        Some(NamedGroup::SECP384R1)
    );
    // OpenSSL sends one X25519 share and supports secp256r1.
    let openssl = line(0, PEER, "tcp:1", capture("tls13_openssl_srvp256_ch1"));
    assert_eq!(group(&[], &openssl), Some(NamedGroup::SECP256R1));
    // Only x25519, which already has a share: nothing to ask for, a cookie-only HRR.
    let (_, g, has_cookie) = tls_hrr(&step(&["--groups", "x25519"], &openssl)[0]);
    assert_eq!((g, has_cookie), (None, true));
    // No group in common: handshake_failure.
    let d = step(&["--groups", "x448"], &openssl).remove(0);
    assert_eq!(d["decision"], "alert");
    assert_eq!(d["alert"], "handshake_failure");
    assert_eq!(d["reason"], "no_common_group");
}

#[test]
fn hrr_key_share_cookie_only_reuses_the_clients_share() {
    let ch1 = line(0, PEER, "tcp:1", capture("tls13_openssl_srvp256_ch1"));
    let (_, g, _) = tls_hrr(&step(&["--hrr-key-share", "cookie-only"], &ch1)[0]);
    assert_eq!(g, None);
    let (_, g, _) = tls_hrr(&step(&["--hrr-key-share", "new-group"], &ch1)[0]);
    assert_eq!(g, Some(NamedGroup::SECP256R1));
}

#[test]
fn admission_under_load_validates_only_under_load() {
    let ch1 = line(0, PEER, "udp", capture("dtls12_openssl_ch1"));
    let d = step(&["--admission", "under-load"], &ch1).remove(0);
    assert_eq!(d["decision"], "accept", "{d}");
    assert_eq!(d["validated"], false);
    assert_eq!(d["continuation"], "unvalidated");
    let v = step(&["--admission", "under-load", "--under-load"], &ch1);
    assert_eq!(decisions(&v), ["reply"]);
    // --under-load alone changes nothing: the default admission validates always.
    assert_eq!(decisions(&step(&["--under-load"], &ch1)), ["reply"]);
}

/// OpenSSL's TLS 1.3 ClientHello1 without its supported_versions extension: a client that
/// offers only TLS 1.2.
fn tls12_only_client_hello() -> Vec<u8> {
    let bytes = capture("tls13_openssl_srvp256_ch1");
    let (rec, _) = hellogate_codec::TlsRecord::parse(bytes).unwrap();
    let (hs, _) = hellogate_codec::Handshake::parse(rec.fragment).unwrap();
    let ch = hellogate_codec::ClientHello::parse(hs.body, Flavor::Tls).unwrap();
    let mut ext = Vec::new();
    for e in ch.extensions.unwrap().iter() {
        if e.extension_type != ExtensionType::SUPPORTED_VERSIONS {
            ext.extend_from_slice(&e.extension_type.0.to_be_bytes());
            ext.extend_from_slice(&(e.data.len() as u16).to_be_bytes());
            ext.extend_from_slice(e.data);
        }
    }
    let mut w = ch.to_writer();
    w.extensions = Some(&ext);
    let framing = Framing::TlsRecord {
        version: rec.header.version,
    };
    let mut out = vec![0u8; framing.overhead() + w.body_len()];
    let n = w.write(framing, &mut out).unwrap();
    out.truncate(n);
    out
}

#[test]
fn legacy_tls_passes_or_refuses_clients_without_tls13() {
    let ch = line(0, PEER, "tcp:1", &tls12_only_client_hello());
    let d = step(&[], &ch).remove(0);
    assert_eq!(d["decision"], "accept", "{d}");
    assert_eq!(d["validated"], false);
    assert_eq!(d["continuation"], "unvalidated");
    let d = step(&["--legacy-tls", "refuse"], &ch).remove(0);
    assert_eq!(d["decision"], "alert", "{d}");
    assert_eq!(d["alert"], "protocol_version");
    assert_eq!(d["reason"], "tls13_not_offered");
    assert_eq!(reply_bytes(&d), [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46]);
}

#[test]
fn no_dtls12_and_no_dtls13_turn_a_protocol_off() {
    let dtls12 = line(0, PEER, "udp", capture("dtls12_openssl_ch1"));
    let d = step(&["--no-dtls12"], &dtls12).remove(0);
    assert_eq!(d["decision"], "drop", "{d}");
    assert_eq!(d["reason"], "unsupported_version");
    // dimpl's `new_auto` client offers DTLS 1.3 and 1.2: without 1.3 it gets an HVR.
    let auto = line(0, PEER, "udp", capture("dtls13_dimpl_auto_ch1"));
    let d = step(&[], &auto).remove(0);
    assert_eq!(d["kind"], "HelloRetryRequest", "{d}");
    let d = step(&["--no-dtls13"], &auto).remove(0);
    assert_eq!(d["kind"], "HelloVerifyRequest", "{d}");
}

#[test]
fn tcp_bytes_are_buffered_until_the_client_hello_is_whole() {
    let ch1 = capture("tls13_openssl_srvp256_ch1");
    let (a, rest) = ch1.split_at(3); // not even a record header
    let (b, c) = rest.split_at(100);
    let script = [
        line(0, PEER, "tcp:1", a),
        line(1, PEER, "tcp:1", b),
        line(2, PEER, "tcp:1", c),
    ]
    .concat();
    let v = step(&[], &script);
    assert_eq!(decisions(&v), ["need_more", "need_more", "reply"]);
    assert!(v[0].get("bytes").is_none());
    assert_eq!(v[2]["consumed"], c.len());
    // The same HRR as when the ClientHello comes in one piece.
    let whole = step(&[], &line(2, PEER, "tcp:1", ch1));
    assert_eq!(v[2]["bytes"], whole[0]["bytes"]);
}

#[test]
fn tcp_connections_are_kept_apart() {
    let ch1 = capture("tls13_openssl_srvp256_ch1");
    let (a, b) = ch1.split_at(150);
    // Two connections interleaved, each fed half a ClientHello at a time: if their bytes
    // mixed, neither would parse.
    let script = [
        line(0, PEER, "tcp:1", a),
        line(1, PEER, "tcp:2", a),
        line(2, PEER, "tcp:1", b),
        line(3, PEER, "tcp:2", b),
    ]
    .concat();
    let v = step(&[], &script);
    assert_eq!(decisions(&v), ["need_more", "need_more", "reply", "reply"]);
    assert_eq!(v[2]["transport"], "tcp:1");
    assert_eq!(v[3]["transport"], "tcp:2");

    // A finished connection stays finished; another number is a new connection.
    // A ClientHello record whose body is cut short: 13 bytes, room for the 7-byte alert.
    let bad = [22, 3, 3, 0, 8, 1, 0, 0, 4, 0xff, 0xff, 0xff, 0xff];
    let script = [
        line(0, PEER, "tcp:1", &bad),
        line(1, PEER, "tcp:1", ch1),
        line(2, PEER, "tcp:2", ch1),
    ]
    .concat();
    let v = step(&[], &script);
    assert_eq!(decisions(&v), ["alert", "drop", "reply"]);
    assert_eq!(v[0]["alert"], "decode_error");
    assert_eq!(v[0]["reason"], "malformed");
    assert_eq!(v[1]["reason"], "stream_finished");
}

#[test]
fn one_tcp_line_can_hold_both_flights() {
    // ClientHello1 and the second flight in one line: after the reply, the rest of the
    // line is fed to the same connection.
    let script =
        std::fs::read_to_string(generator::crate_dir().join("examples/tls13_openssl.step"))
            .unwrap();
    let inputs: Vec<&str> = script
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    let hex = |l: &str| l.rsplit(' ').next().unwrap().to_owned();
    let both = format!("0 {PEER} tcp:7 {}{}\n", hex(inputs[0]), hex(inputs[1]));
    let v = step(&[], &both);
    assert_eq!(decisions(&v), ["reply", "accept"]);
    assert_eq!(v[1]["transport"], "tcp:7");
    assert_eq!(v[0]["consumed"], capture("tls13_openssl_srvp256_ch1").len());
}

#[test]
fn json_fields_per_decision() {
    let v = step_file(&[], "examples/tls13_openssl.step");
    let keys = |d: &Json| d.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        keys(&v[0]),
        [
            "ms",
            "peer",
            "transport",
            "decision",
            "kind",
            "consumed",
            "bytes",
            "trace"
        ]
    );
    assert_eq!(
        keys(&v[1]),
        [
            "ms",
            "peer",
            "transport",
            "decision",
            "version",
            "validated",
            "consumed",
            "continuation",
            "trace"
        ]
    );
    assert_eq!(
        keys(&v[3]),
        [
            "ms",
            "peer",
            "transport",
            "decision",
            "alert",
            "reason",
            "reason_text",
            "bytes",
            "trace"
        ]
    );
    assert_eq!(v[0]["ms"], 0);
    assert_eq!(v[0]["peer"], PEER);
    let check = &v[0]["trace"][0];
    assert_eq!(
        check.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["check", "ok", "detail"]
    );
    let d = step(
        &[],
        &line(5, "[::1]:4433", "udp", &[0x17, 0xfe, 0xfd, 0, 0]),
    )
    .remove(0);
    assert_eq!(d["decision"], "drop");
    assert_eq!(d["peer"], "[::1]:4433");
    assert_eq!(
        keys(&d),
        [
            "ms",
            "peer",
            "transport",
            "decision",
            "reason",
            "reason_text",
            "trace"
        ]
    );
}

#[test]
fn text_output_is_a_line_per_decision_with_bytes_and_trace() {
    let o = hellogate(&["step", "examples/dtls12_openssl.step"], "");
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("0 127.0.0.1:40000 udp reply HelloVerifyRequest"));
    assert!(lines[1].starts_with("  bytes 16feff"));
    assert!(lines[2].starts_with("  trace ok first record parses; "));
    assert!(lines[3].starts_with("120 127.0.0.1:40000 udp accept DTLSv1.2 validated=true {"));
    assert!(lines[4].starts_with("  trace "));
}

// ---------------------------------------------------------------------------------------
// Script and usage errors.

#[test]
fn bad_script_lines_are_errors_with_line_numbers() {
    for (script, want) in [
        (
            "# comment\n0 127.0.0.1:1 carrier-pigeon 16\n",
            "line 2: TRANSPORT",
        ),
        ("x 127.0.0.1:1 udp 16\n", "line 1: MS"),
        ("0 localhost udp 16\n", "line 1: PEER"),
        ("0 127.0.0.1:1 udp 1g\n", "line 1: HEX"),
        ("0 127.0.0.1:1 udp\n", "line 1: expected"),
        ("0 127.0.0.1:1 tcp:x 16\n", "line 1: tcp:N"),
    ] {
        let o = hellogate(&["step", "-"], script);
        assert_eq!(o.status.code(), Some(1), "{script}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.starts_with(&format!("error: {want}")),
            "{script}: {err}"
        );
    }
}

#[test]
fn fields_may_be_separated_by_any_run_of_blanks_and_hex_may_hold_spaces() {
    let hex = hellogate_cli::hex::encode(capture("dtls12_openssl_ch1"));
    let (a, b) = hex.split_at(40);
    let one = step(&[], &format!("0 {PEER} udp {hex}\n"));
    let spaced = step(&[], &format!("  0 \t {PEER}   udp\t{a} {b}  # CH1\n"));
    assert_eq!(one, spaced);
}

#[test]
fn a_time_past_the_largest_is_an_error_not_a_panic() {
    let o = hellogate(
        &["step", "--start", &u64::MAX.to_string(), "-"],
        "1000 127.0.0.1:1 udp 16\n",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("error: line 1: --start plus MS"));
}

#[test]
fn usage_errors_exit_2_and_help_lists_every_flag() {
    for args in [
        &["step"][..],
        &["step", "--bogus", "-"],
        &["step", "-json", "-"],
        &["step", "a", "b"],
        &["step", "--start", "soon", "-"],
        &["step", "--secret", "xyz", "-"],
        &["step", "--secret", "0011", "-"],
        &["step", "--rotation", "0", "-"],
        &["step", "--lifetime", "0", "-"],
        &["step", "--suites", "TLS_NOPE", "-"],
        &["step", "--suites", "TLS_RSA_WITH_AES_128_CBC_SHA", "-"],
        &["step", "--groups", "", "-"],
        &["step", "--hrr-key-share", "maybe", "-"],
        &["step", "--admission", "never", "-"],
        &["step", "--legacy-tls", "drop", "-"],
        &["step", "--binding", "mac", "-"],
        &["step", "--no-dtls12", "--no-dtls13", "--secret"],
    ] {
        let o = hellogate(args, "");
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).starts_with("error: "),
            "{args:?}"
        );
        assert!(o.stdout.is_empty(), "{args:?}");
    }
    let o = hellogate(&["step", "--help"], "");
    assert_eq!(o.status.code(), Some(0));
    let help = String::from_utf8(o.stdout).unwrap();
    for flag in flags_in_usage() {
        assert!(help.contains(&flag), "{flag}");
    }
}

#[test]
fn a_missing_script_file_is_a_failure() {
    let o = hellogate(&["step", "/nonexistent/script.step"], "");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("error: /nonexistent/script.step: "));
}

// ---------------------------------------------------------------------------------------
// The README.

fn readme() -> String {
    std::fs::read_to_string(generator::crate_dir().join("README.md")).expect("README.md")
}

/// Every `--flag` that `hellogate step --help` names.
fn flags_in_usage() -> Vec<String> {
    let mut flags: Vec<String> = USAGE
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|w| w.trim_end_matches(|c: char| !c.is_ascii_alphanumeric()))
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .map(str::to_owned)
        .collect();
    flags.dedup();
    flags
}

#[test]
fn readme_step_samples_are_what_the_binary_prints() {
    let readme = readme();
    let samples = generator::readme_samples(&readme);
    assert!(samples.len() >= 3, "the README shows `step` samples");
    let root = generator::workspace_root();
    for s in samples {
        let args: Vec<&str> = s.args.iter().map(String::as_str).collect();
        let o = hellogate_in(&root, &args, "");
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        assert!(
            String::from_utf8_lossy(&o.stdout) == readme[s.output.clone()],
            "the README's output of `hellogate {}` is not what the binary prints; \
             regenerate it (and the scripts) with `{REGENERATE}`",
            args.join(" ")
        );
    }
}

#[test]
fn readme_documents_every_flag_and_json_field() {
    let readme = readme();
    for flag in flags_in_usage() {
        assert!(readme.contains(&format!("`{flag}")), "README lacks {flag}");
    }
    for field in [
        "ms",
        "peer",
        "transport",
        "decision",
        "kind",
        "consumed",
        "bytes",
        "alert",
        "reason",
        "reason_text",
        "version",
        "validated",
        "continuation",
        "trace",
        "record_sequence_number",
        "message_seq",
        "cookie_age_ms",
        "cipher_suite",
        "group",
        "key_share_in_hrr",
        "transcript_prefix",
        "hrr_offset",
    ] {
        assert!(
            readme.contains(&format!("`{field}`")),
            "README lacks `{field}`"
        );
    }
    assert!(!readme.contains("Today it has one command"));
}
