//! `hellogate step` over the example scripts: the cookies in them were made by an earlier
//! run with the default secret, so this run accepting them is the stateless property; with
//! another secret they must be refused.

use std::process::Command;

fn step(args: &[&str]) -> Vec<serde_json::Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_hellogate"))
        .arg("step")
        .arg("--json")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run hellogate");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

fn decisions(v: &[serde_json::Value]) -> Vec<String> {
    v.iter()
        .map(|d| d["decision"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn dtls12_script_goes_from_ch1_to_accept() {
    let v = step(&["examples/dtls12_openssl.step"]);
    assert_eq!(decisions(&v), ["reply", "accept", "reply"]);
    assert_eq!(v[1]["validated"], true);
    assert_eq!(v[1]["continuation"]["record_sequence_number"], 1);
    assert!(v[0]["bytes"].as_str().unwrap().starts_with("16feff"));
    assert!(v[0]["trace"].as_array().unwrap().len() > 3);
    assert!(v[2]["trace"].to_string().contains("wrong peer"));
}

#[test]
fn tls13_script_accepts_on_the_same_and_a_fresh_connection() {
    let v = step(&["examples/tls13_openssl.step"]);
    assert_eq!(decisions(&v), ["reply", "accept", "accept"]);
    assert_eq!(v[0]["kind"], "HelloRetryRequestAndCcs");
    assert_eq!(v[1]["continuation"]["group"], "secp256r1");
    let prefix = |i: usize| v[i]["continuation"]["transcript_prefix"].clone();
    assert_eq!(prefix(1), prefix(2));
    assert!(prefix(1).as_str().unwrap().starts_with("fe000020"));
}

#[test]
fn another_secret_refuses_the_scripts_cookies() {
    let secret = "00".repeat(32);
    let v = step(&["--secret", &secret, "examples/tls13_openssl.step"]);
    assert_eq!(decisions(&v), ["reply", "alert", "alert"]);
    assert_eq!(v[1]["reason"], "bad_cookie");
    let v = step(&["--secret", &secret, "examples/dtls12_openssl.step"]);
    assert_eq!(decisions(&v), ["reply", "reply", "reply"]);
}

#[test]
fn bad_script_lines_are_errors_with_line_numbers() {
    let out = Command::new(env!("CARGO_BIN_EXE_hellogate"))
        .args(["step", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin
                .take()
                .unwrap()
                .write_all(b"# comment\n0 127.0.0.1:1 carrier-pigeon 16\n")?;
            c.wait_with_output()
        })
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2"));
}
