//! Writes the example scripts `cli/examples/*.step`, and the `step` sample outputs in
//! `cli/README.md`, from the real captures in hellogate-testvectors:
//!
//! ```sh
//! cargo run -p hellogate-cli --example make_step_scripts
//! ```
//!
//! For each script it runs ClientHello1 through `hellogate step` (in this process, through
//! the library's `step::run`, so the secret, start time and machine configuration are the
//! command's own defaults, or the flags the script names), takes the cookie out of the
//! reply, puts it into the client's captured ClientHello2 with the codec's writer (lengths
//! fixed up, every other byte as captured), and writes the script with a comment over every
//! line. It then runs the whole script and checks that each line gets the decision its
//! comment promises. `cli/tests/step.rs` builds the same scripts in memory and fails when a
//! committed file differs, so a change to the cookie format shows up as a test failure that
//! names this command, not as a puzzling refusal.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use hellogate_cli::{hex, step};
use hellogate_codec::{
    ClientHello, ContentType, DtlsHandshake, DtlsRecords, ExtensionType, Flavor, Framing,
    Handshake, HandshakeType, HelloVerifyRequest, ServerHello, TlsRecord,
};
use serde_json::Value as Json;

/// The command that regenerates the scripts and the README samples.
pub const REGENERATE: &str = "cargo run -p hellogate-cli --example make_step_scripts";

/// The client address every script uses, and another port on the same host.
pub const PEER: &str = "127.0.0.1:40000";
/// Another port of the same host.
pub const OTHER_PORT: &str = "127.0.0.1:40001";

/// One generated script.
pub struct Script {
    /// File name in `cli/examples/`.
    pub file: &'static str,
    /// Flags (besides `--json`) the script is made for; its cookies need them.
    pub flags: &'static [&'static str],
    /// The decision each input line gets, in order.
    pub decisions: Vec<&'static str>,
    /// The file's contents.
    pub text: String,
}

/// Every example script, built from the captures.
pub fn scripts() -> Vec<Script> {
    vec![dtls12_openssl(), tls13_openssl(), dtls13_dimpl()]
}

/// `cli/` (this crate's directory).
pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The workspace root, where the README's commands run.
pub fn workspace_root() -> PathBuf {
    crate_dir().join("..")
}

fn capture(name: &str) -> &'static hellogate_testvectors::Capture {
    hellogate_testvectors::get(name).unwrap_or_else(|| panic!("capture {name} is missing"))
}

/// Runs `hellogate step --json FLAGS SCRIPT` in this process over `script`; returns one JSON
/// object per decision.
pub fn run_step(flags: &[&str], script: &str) -> Vec<Json> {
    static N: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "hellogate-make-step-{}-{}.step",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, script).expect("write a temporary script");
    let mut args: Vec<OsString> = vec!["--json".into()];
    args.extend(flags.iter().map(OsString::from));
    args.push(path.clone().into());
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = step::run(&args, &mut out, &mut err);
    let _ = std::fs::remove_file(&path);
    assert_eq!(
        status,
        0,
        "hellogate step {flags:?}: {}",
        String::from_utf8_lossy(&err)
    );
    String::from_utf8(out)
        .expect("UTF-8 output")
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

/// One script line.
pub fn line(ms: u64, peer: &str, transport: &str, bytes: &[u8]) -> String {
    format!("{ms} {peer} {transport} {}\n", hex::encode(bytes))
}

/// The reply bytes of the one decision `hellogate step FLAGS` makes for the line `input`.
pub fn reply_to(flags: &[&str], input: &str) -> Vec<u8> {
    let v = run_step(flags, input);
    assert_eq!(v.len(), 1, "one decision expected: {v:?}");
    assert_eq!(v[0]["decision"], "reply", "{}", v[0]);
    let bytes = v[0]["bytes"].as_str().expect("reply bytes");
    hex::decode_hex(bytes.as_bytes()).expect("hex")
}

/// The cookie of a reply: a DTLS 1.2 HelloVerifyRequest's, or the cookie extension of a
/// (D)TLS 1.3 HelloRetryRequest (a TLS reply's first record; a CCS may follow).
pub fn cookie_of(reply: &[u8]) -> Vec<u8> {
    if reply.get(1) == Some(&0xfe) {
        let rec = DtlsRecords::new(reply)
            .next()
            .expect("a record")
            .expect("DTLS record");
        let (hs, _) = DtlsHandshake::parse(rec.fragment).expect("handshake");
        if hs.msg_type == HandshakeType::HELLO_VERIFY_REQUEST {
            return HelloVerifyRequest::parse(hs.fragment)
                .expect("HelloVerifyRequest")
                .cookie
                .to_vec();
        }
        return hrr(hs.fragment).cookie().expect("HRR cookie").to_vec();
    }
    hrr_body_of(reply).cookie().expect("HRR cookie").to_vec()
}

fn hrr(body: &[u8]) -> ServerHello<'_> {
    let sh = ServerHello::parse(body).expect("ServerHello");
    assert!(sh.is_hello_retry_request(), "a HelloRetryRequest expected");
    sh
}

/// The HelloRetryRequest of a TLS reply (its first record).
pub fn hrr_body_of(reply: &[u8]) -> ServerHello<'_> {
    let (rec, _) = TlsRecord::parse(reply).expect("TLS record");
    let (hs, _) = Handshake::parse(rec.fragment).expect("handshake");
    hrr(hs.body)
}

/// The HelloRetryRequest of a DTLS 1.3 reply.
pub fn dtls_hrr_body_of(reply: &[u8]) -> ServerHello<'_> {
    let rec = DtlsRecords::new(reply)
        .next()
        .expect("a record")
        .expect("DTLS record");
    let (hs, _) = DtlsHandshake::parse(rec.fragment).expect("handshake");
    hrr(hs.fragment)
}

/// `ch` written with `framing`, its cookie (the cookie extension, or for a DTLS ClientHello
/// without one the legacy cookie) replaced by `cookie` and every length fixed up; the other
/// fields and extensions stay byte for byte as they were.
fn with_cookie(ch: &ClientHello<'_>, cookie: &[u8], framing: Framing) -> Vec<u8> {
    let mut ext = Vec::new();
    if let Some(list) = ch.extensions {
        for e in list.iter() {
            ext.extend_from_slice(&e.extension_type.0.to_be_bytes());
            if e.extension_type == ExtensionType::COOKIE {
                ext.extend_from_slice(&len16(cookie.len() + 2));
                ext.extend_from_slice(&len16(cookie.len()));
                ext.extend_from_slice(cookie);
            } else {
                ext.extend_from_slice(&len16(e.data.len()));
                ext.extend_from_slice(e.data);
            }
        }
    }
    let mut w = ch.to_writer();
    if ch.flavor == Flavor::Dtls && ch.known.cookie.is_none() {
        w.legacy_cookie = Some(cookie);
    }
    w.extensions = ch.extensions.map(|_| &ext[..]);
    let mut out = vec![0u8; framing.overhead() + w.body_len()];
    let n = w.write(framing, &mut out).expect("write ClientHello");
    out.truncate(n);
    out
}

fn len16(n: usize) -> [u8; 2] {
    u16::try_from(n).expect("fits 16 bits").to_be_bytes()
}

/// A captured DTLS ClientHello2 datagram with `cookie` in place of the one it carries; the
/// record (version, epoch, sequence number) and message_seq are kept.
pub fn dtls_with_cookie(datagram: &[u8], cookie: &[u8]) -> Vec<u8> {
    let rec = DtlsRecords::new(datagram)
        .next()
        .expect("a record")
        .expect("DTLS record");
    assert_eq!(
        rec.offset + 13 + rec.fragment.len(),
        datagram.len(),
        "one record per datagram"
    );
    let (hs, _) = DtlsHandshake::parse(rec.fragment).expect("handshake");
    assert!(hs.is_complete(), "an unfragmented ClientHello expected");
    let ch = ClientHello::parse(hs.fragment, Flavor::Dtls).expect("ClientHello");
    let framing = Framing::DtlsRecord {
        version: rec.header.version,
        epoch: rec.header.epoch,
        sequence_number: rec.header.sequence_number,
        message_seq: hs.message_seq,
    };
    with_cookie(&ch, cookie, framing)
}

/// A captured TLS flight (records, e.g. the client's ChangeCipherSpec then ClientHello2)
/// with `cookie` in ClientHello2; other records are kept as captured.
pub fn tls_with_cookie(flight: &[u8], cookie: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = flight;
    while !rest.is_empty() {
        let (rec, after) = TlsRecord::parse(rest).expect("TLS record");
        if rec.header.content_type == ContentType::HANDSHAKE {
            let (hs, tail) = Handshake::parse(rec.fragment).expect("handshake");
            assert!(tail.is_empty(), "one ClientHello per record expected");
            let ch = ClientHello::parse(hs.body, Flavor::Tls).expect("ClientHello");
            let framing = Framing::TlsRecord {
                version: rec.header.version,
            };
            out.extend(with_cookie(&ch, cookie, framing));
        } else {
            out.extend_from_slice(&rest[..rest.len() - after.len()]);
        }
        rest = after;
    }
    out
}

/// Script text: comments and input lines.
struct Text(String);

impl Text {
    fn comment(&mut self, c: &str) {
        for l in c.lines() {
            self.0.push('#');
            if !l.is_empty() {
                self.0.push(' ');
                self.0.push_str(l);
            }
            self.0.push('\n');
        }
    }

    fn input(&mut self, comment: &str, line: &str) {
        self.0.push('\n');
        self.comment(comment);
        self.0.push_str(line);
    }
}

fn header(title: &str, file: &str, flags: &[&str], captures: &[&str]) -> Text {
    let client = capture(captures[0]).client;
    let flags = flags.iter().map(|f| format!(" {f}")).collect::<String>();
    let mut t = Text(String::new());
    t.comment(&format!(
        "{title}

Generated by `{REGENERATE}`: do not edit.
Captures: {} (hellogate-testvectors).
Client: {client}

The generator ran ClientHello1 through `hellogate step{flags}`,
and put the cookie of its reply into the client's captured ClientHello2 (lengths fixed
up, all else as captured). This run has never seen that ClientHello1, yet accepts the
cookie, because it has the same --secret and --start (the defaults): that is the
stateless property. A change to the cookie format makes these cookies invalid; then run
the command above.

Run: cargo run -p hellogate-cli -- step{flags} cli/examples/{file}
Lines: MS PEER TRANSPORT HEX (MS: milliseconds after --start; `#` starts a comment).",
        captures.join(", "),
    ));
    t
}

fn dtls12_openssl() -> Script {
    const FILE: &str = "dtls12_openssl.step";
    let flags: &[&str] = &[];
    let (ch1, ch2) = (capture("dtls12_openssl_ch1"), capture("dtls12_openssl_ch2"));
    let first = line(0, PEER, "udp", ch1.bytes);
    let cookie = cookie_of(&reply_to(flags, &first));
    let ours = dtls_with_cookie(ch2.bytes, &cookie);
    let mut t = header(
        "DTLS 1.2 from ClientHello1 to accept.",
        FILE,
        flags,
        &[ch1.name, ch2.name],
    );
    t.input(
        &format!(
            "ClientHello1 as captured, without a cookie -> reply: a HelloVerifyRequest (record
version feff) whose {}-byte cookie is bound to this IP and port, echoing the
ClientHello's record sequence number and message_seq (0).",
            cookie.len()
        ),
        &first,
    );
    t.input(
        "ClientHello2 as captured (record sequence number 1, message_seq 1), with the cookie
OpenSSL's DTLSv1_listen had made replaced by ours -> accept, validated; the ServerHello
goes on with the ClientHello's record sequence number and message_seq.",
        &line(120, PEER, "udp", &ours),
    );
    t.input(
        "The same datagram from another port: the cookie is bound to IP and port, and an
invalid cookie is treated like none (RFC 6347 section 4.2.1) -> reply: a new HVR.",
        &line(130, OTHER_PORT, "udp", &ours),
    );
    t.input(
        "ClientHello2 exactly as captured, with OpenSSL's cookie, which our key ring did not
seal -> reply: a new HelloVerifyRequest.",
        &line(140, PEER, "udp", ch2.bytes),
    );
    finish(FILE, flags, t, vec!["reply", "accept", "reply", "reply"])
}

fn tls13_openssl() -> Script {
    const FILE: &str = "tls13_openssl.step";
    let flags: &[&str] = &[];
    let ch1 = capture("tls13_openssl_srvp256_ch1");
    let flight = capture("tls13_openssl_srvp256_ch2_flight");
    let first = line(0, PEER, "tcp:1", ch1.bytes);
    let reply = reply_to(flags, &first);
    let sh = hrr_body_of(&reply);
    let group = sh.selected_group().expect("the HRR names a group");
    let suite = sh.cipher_suite;
    let cookie = cookie_of(&reply);
    let ours = tls_with_cookie(flight.bytes, &cookie);
    let mut t = header(
        "TLS 1.3 over TCP from ClientHello1 to accept, on the same and on a fresh connection.",
        FILE,
        flags,
        &[ch1.name, flight.name],
    );
    t.input(
        &format!(
            "Connection 1, ClientHello1 as captured (one X25519 key share) -> reply: a
HelloRetryRequest naming {suite} and {group} (the server's first
choice the client supports without a share: --hrr-key-share new-group), with a
{}-byte cookie, then a ChangeCipherSpec record, since the client sent a
legacy_session_id (middlebox compatibility).",
            cookie.len()
        ),
        &first,
    );
    t.input(
        &format!(
            "Connection 1, the client's second flight as captured, a ChangeCipherSpec record
then ClientHello2 (a {group} share), with the cookie OpenSSL's SSL_stateless had made
replaced by ours -> the CCS is ignored (RFC 8446 section 5; SSL_stateless fails here),
then accept, validated, with the transcript prefix message_hash(ClientHello1) + HRR."
        ),
        &line(150, PEER, "tcp:1", &ours),
    );
    t.input(
        "Connection 2, which never saw ClientHello1, gets the same second flight -> accept,
with the same transcript prefix: the cookie carries everything the server needs.",
        &line(160, PEER, "tcp:2", &ours),
    );
    t.input(
        "Connection 3, the second flight exactly as captured, with SSL_stateless's cookie ->
alert: illegal_parameter (bad_cookie), and the connection closes.",
        &line(170, PEER, "tcp:3", flight.bytes),
    );
    finish(FILE, flags, t, vec!["reply", "accept", "accept", "alert"])
}

fn dtls13_dimpl() -> Script {
    const FILE: &str = "dtls13_dimpl.step";
    let flags: &[&str] = &["--hrr-key-share", "cookie-only"];
    let (ch1, ch2) = (capture("dtls13_dimpl_ch1"), capture("dtls13_dimpl_ch2"));
    let first = line(0, PEER, "udp", ch1.bytes);
    let reply = reply_to(flags, &first);
    let sh = dtls_hrr_body_of(&reply);
    assert_eq!(sh.selected_group(), None, "a cookie-only HRR expected");
    let suite = sh.cipher_suite;
    let cookie = cookie_of(&reply);
    let ours = dtls_with_cookie(ch2.bytes, &cookie);
    let mut t = header(
        "DTLS 1.3 from ClientHello1 to accept, with --hrr-key-share cookie-only.",
        FILE,
        flags,
        &[ch1.name, ch2.name],
    );
    t.comment(
        "
dimpl made its ClientHello2 after a cookie-only HelloRetryRequest from dimpl's own server,
so it repeats its X25519 share. Our HRR must be cookie-only too for that ClientHello2 to
fit: with the default --hrr-key-share new-group the HRR would ask for a secp256r1 share,
and this ClientHello2 would be refused (key_share_mismatch).",
    );
    t.input(
        &format!(
            "ClientHello1 as generated by dimpl (1150 bytes, padded to its MTU; one X25519
share) -> reply: a DTLS 1.3 HelloRetryRequest (message_seq 0, no legacy_session_id
echo, no CCS) naming {suite}, with no key_share and a {}-byte cookie
extension bound to this IP and port.",
            cookie.len()
        ),
        &first,
    );
    t.input(
        "ClientHello2 (record sequence number 1, message_seq 1) with dimpl's server's cookie
replaced by ours -> accept, validated, group x25519 (the share it sent in ClientHello1).",
        &line(100, PEER, "udp", &ours),
    );
    t.input(
        "The same datagram from another port: the cookie is bound to IP and port, and in DTLS
1.3 an invalid cookie ends the handshake -> alert: illegal_parameter (bad_cookie).",
        &line(110, OTHER_PORT, "udp", &ours),
    );
    t.input(
        "ClientHello2 exactly as generated, with the cookie dimpl's server made -> alert:
illegal_parameter (bad_cookie).",
        &line(120, PEER, "udp", ch2.bytes),
    );
    finish(FILE, flags, t, vec!["reply", "accept", "alert", "alert"])
}

/// Runs the finished script and checks each line's decision against what its comment says.
fn finish(
    file: &'static str,
    flags: &'static [&'static str],
    t: Text,
    decisions: Vec<&'static str>,
) -> Script {
    let got: Vec<String> = run_step(flags, &t.0)
        .iter()
        .map(|d| d["decision"].as_str().unwrap_or("?").to_owned())
        .collect();
    assert_eq!(
        got, decisions,
        "{file}: the machine no longer decides what the script's comments say; update \
         cli/examples/make_step_scripts.rs"
    );
    Script {
        file,
        flags,
        decisions,
        text: t.0,
    }
}

/// A README sample: a ```sh block holding one `cargo run -q -p hellogate-cli -- step ...`
/// command, directly followed by a ```text block with what that command prints.
pub struct Sample {
    /// The arguments after `hellogate`, starting with `step`.
    pub args: Vec<String>,
    /// Byte range of the text block's contents in the README.
    pub output: std::ops::Range<usize>,
}

/// Every `step` sample of the README.
pub fn readme_samples(readme: &str) -> Vec<Sample> {
    const CMD: &str = "```sh\ncargo run -q -p hellogate-cli -- ";
    const BETWEEN: &str = "\n```\n\n```text\n";
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = readme[from..].find(CMD) {
        let cmd_start = from + i + CMD.len();
        let Some(cmd_len) = readme[cmd_start..].find('\n') else {
            break;
        };
        let cmd = &readme[cmd_start..cmd_start + cmd_len];
        from = cmd_start + cmd_len;
        if !cmd.starts_with("step ") || !readme[from..].starts_with(BETWEEN) {
            continue;
        }
        let out_start = from + BETWEEN.len();
        let out_len = readme[out_start..]
            .find("```")
            .expect("the text block is closed");
        found.push(Sample {
            args: cmd.split_whitespace().map(str::to_owned).collect(),
            output: out_start..out_start + out_len,
        });
        from = out_start + out_len;
    }
    found
}

/// The README with every `step` sample's output replaced by what `hellogate` prints now
/// (run in this process; paths are relative to the workspace root).
fn readme_with_fresh_samples(readme: &str, root: &Path) -> String {
    let mut new = String::new();
    let mut at = 0;
    for s in readme_samples(readme) {
        let args: Vec<OsString> = s.args[1..]
            .iter()
            .map(|a| match root.join(a) {
                p if p.is_file() => p.into_os_string(),
                _ => OsString::from(a),
            })
            .collect();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = step::run(&args, &mut out, &mut err);
        assert_eq!(status, 0, "{:?}: {}", s.args, String::from_utf8_lossy(&err));
        new.push_str(&readme[at..s.output.start]);
        new.push_str(&String::from_utf8(out).expect("UTF-8 output"));
        at = s.output.end;
    }
    new.push_str(&readme[at..]);
    new
}

fn main() {
    let dir = crate_dir().join("examples");
    for s in scripts() {
        let path = dir.join(s.file);
        let old = std::fs::read_to_string(&path).unwrap_or_default();
        if old == s.text {
            println!("unchanged {}", path.display());
        } else {
            std::fs::write(&path, &s.text).expect("write the script");
            println!("wrote     {}", path.display());
        }
    }
    let readme_path = crate_dir().join("README.md");
    let readme = std::fs::read_to_string(&readme_path).expect("read README.md");
    let fresh = readme_with_fresh_samples(&readme, &workspace_root());
    if fresh == readme {
        println!("unchanged {}", readme_path.display());
    } else {
        std::fs::write(&readme_path, fresh).expect("write README.md");
        println!("wrote     {} (step samples)", readme_path.display());
    }
}
