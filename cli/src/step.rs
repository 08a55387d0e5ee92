//! `hellogate step SCRIPT`: run the listener machine over a script of inputs, one decision
//! per line, so a researcher can watch the protocol one step at a time.
//!
//! Script lines: `MS PEER TRANSPORT HEX`, where `MS` is milliseconds from `--start`,
//! `PEER` an address (`127.0.0.1:40000`, `[::1]:40000`), `TRANSPORT` `udp` or `tcp:N`
//! (TCP connection N), and `HEX` the bytes. `#` starts a comment.

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use hellogate_codec::{CipherSuite, NamedGroup};
use hellogate_cookie::{AddressBinding, CookieConfig, KeyRing};
use hellogate_machine::{
    Admission, Config, Continuation, Decision, HrrKeyShare, LegacyTls, Listener, MAX_OUTPUT_LEN,
    StreamGate, Trace,
};
use serde_json::{Map, Value as Json, json};

use crate::hex;

/// One-line summary for `hellogate --help`.
pub const SUMMARY: &str = "run the listener machine over a script of datagrams and stream bytes";

/// Default `--start`: 2023-11-14T22:13:20Z, fixed so runs reproduce.
pub const DEFAULT_START: u64 = 1_700_000_000;

/// Default `--secret`: fixed so that two runs agree (never use it in production).
pub const DEFAULT_SECRET: &str = "68656c6c6f6761746520737465702064656661756c7420736563726574212121";

/// `hellogate step --help`.
pub const USAGE: &str = "\
usage: hellogate step [OPTIONS] SCRIPT

Runs the stateless listener over SCRIPT (`-` for stdin), one input per line:
  MS PEER TRANSPORT HEX     e.g. `0 127.0.0.1:40000 udp 16fe ff...` or `5 [::1]:4 tcp:1 1603...`
MS is milliseconds after --start; TRANSPORT is `udp` or `tcp:N` (connection N, fed in order);
`#` starts a comment. Prints one line per decision.

options:
  --json                 one JSON object per decision: decision, bytes, reason, trace, ...
  --start UNIX_SECONDS   time of MS 0 (default 1700000000)
  --secret HEX           master secret, >= 32 bytes (default: a fixed, public test secret)
  --rotation SECONDS     key rotation period (default 3600)
  --suites A,B           TLS 1.3 suites, server preference (IANA names or 0x1301)
  --groups A,B           groups, server preference (IANA names, e.g. x25519,secp256r1)
  --hrr-key-share MODE   new-group (default; works with GnuTLS) or cookie-only
  --admission MODE       always (default) or under-load
  --under-load           with --admission under-load: the server is under load
  --legacy-tls MODE      pass (default) or refuse TLS clients without 1.3
  --binding MODE         ip-port (default) or ip
  --lifetime SECONDS     cookie lifetime (default 30)
  --no-dtls12, --no-dtls13
  -h, --help";

struct Args {
    json: bool,
    start: u64,
    secret: Vec<u8>,
    rotation: u64,
    config: Config,
    under_load: bool,
    script: OsString,
}

fn parse_args(args: &[OsString]) -> Result<Option<Args>, String> {
    let mut a = Args {
        json: false,
        start: DEFAULT_START,
        secret: hex::decode_hex(DEFAULT_SECRET.as_bytes()).unwrap_or_default(),
        rotation: 3600,
        config: Config::default(),
        under_load: false,
        script: OsString::new(),
    };
    let mut lifetime = 30u64;
    let mut binding = AddressBinding::IpAndPort;
    let mut it = args.iter();
    let mut script = None;
    while let Some(arg) = it.next() {
        let s = arg.to_str().ok_or("arguments must be UTF-8")?;
        let mut value = |name: &str| -> Result<String, String> {
            it.next()
                .and_then(|v| v.to_str())
                .map(str::to_owned)
                .ok_or(format!("{name} needs a value"))
        };
        match s {
            "-h" | "--help" => return Ok(None),
            "--json" => a.json = true,
            "--under-load" => a.under_load = true,
            "--no-dtls12" => a.config.dtls12 = false,
            "--no-dtls13" => a.config.dtls13 = false,
            "--start" => a.start = value(s)?.parse().map_err(|_| "--start: not a number")?,
            "--rotation" => {
                a.rotation = value(s)?.parse().map_err(|_| "--rotation: not a number")?
            }
            "--lifetime" => lifetime = value(s)?.parse().map_err(|_| "--lifetime: not a number")?,
            "--secret" => {
                a.secret = hex::decode_hex(value(s)?.as_bytes()).ok_or("--secret: not hex")?;
            }
            "--suites" => {
                a.config.cipher_suites = list(&value(s)?, |v| CipherSuite(v).name())?
                    .into_iter()
                    .map(CipherSuite)
                    .collect();
            }
            "--groups" => {
                a.config.groups = list(&value(s)?, |v| NamedGroup(v).name())?
                    .into_iter()
                    .map(NamedGroup)
                    .collect();
            }
            "--hrr-key-share" => {
                a.config.hrr_key_share = match value(s)?.as_str() {
                    "new-group" => HrrKeyShare::NewGroup,
                    "cookie-only" => HrrKeyShare::CookieOnly,
                    o => return Err(format!("--hrr-key-share: unknown mode '{o}'")),
                }
            }
            "--admission" => {
                a.config.admission = match value(s)?.as_str() {
                    "always" => Admission::Always,
                    "under-load" => Admission::UnderLoad,
                    o => return Err(format!("--admission: unknown mode '{o}'")),
                }
            }
            "--legacy-tls" => {
                a.config.legacy_tls = match value(s)?.as_str() {
                    "pass" => LegacyTls::PassThrough,
                    "refuse" => LegacyTls::Refuse,
                    o => return Err(format!("--legacy-tls: unknown mode '{o}'")),
                }
            }
            "--binding" => {
                binding = match value(s)?.as_str() {
                    "ip-port" => AddressBinding::IpAndPort,
                    "ip" => AddressBinding::IpOnly,
                    o => return Err(format!("--binding: unknown mode '{o}'")),
                }
            }
            o if o.starts_with('-') && o != "-" => return Err(format!("unknown option '{o}'")),
            _ if script.is_none() => script = Some(arg.clone()),
            _ => return Err("one SCRIPT only".into()),
        }
    }
    a.script = script.ok_or("SCRIPT is missing")?;
    a.config.cookie = CookieConfig::new(
        Duration::from_secs(lifetime),
        hellogate_cookie::DEFAULT_FUTURE_TOLERANCE,
        binding,
    )
    .map_err(|e| format!("cookie settings: {e}"))?;
    Ok(Some(a))
}

/// Parses a comma list of IANA names (looked up with `name`) or `0x` hex values.
fn list(s: &str, name: impl Fn(u16) -> Option<&'static str>) -> Result<Vec<u16>, String> {
    s.split(',')
        .map(|item| {
            let item = item.trim();
            if let Some(h) = item.strip_prefix("0x") {
                return u16::from_str_radix(h, 16).map_err(|_| format!("bad value '{item}'"));
            }
            (0..=u16::MAX)
                .find(|v| name(*v).is_some_and(|n| n.eq_ignore_ascii_case(item)))
                .ok_or(format!("unknown name '{item}'"))
        })
        .collect()
}

/// Runs `step`; returns the exit status.
pub fn run(args: &[OsString], stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    let a = match parse_args(args) {
        Ok(Some(a)) => a,
        Ok(None) => {
            let _ = writeln!(stdout, "{USAGE}");
            return 0;
        }
        Err(e) => {
            let _ = writeln!(stderr, "error: {e}\n\n{USAGE}");
            return 2;
        }
    };
    let text = if a.script == "-" {
        let mut s = String::new();
        match std::io::Read::read_to_string(&mut std::io::stdin(), &mut s) {
            Ok(_) => s,
            Err(e) => {
                let _ = writeln!(stderr, "error: stdin: {e}");
                return 1;
            }
        }
    } else {
        match std::fs::read_to_string(&a.script) {
            Ok(s) => s,
            Err(e) => {
                let _ = writeln!(stderr, "error: {}: {e}", a.script.to_string_lossy());
                return 1;
            }
        }
    };
    let ring = match KeyRing::from_master_secret(&a.secret, Duration::from_secs(a.rotation)) {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(stderr, "error: --secret/--rotation: {e}");
            return 2;
        }
    };
    let mut listener = match Listener::new(a.config, ring) {
        Ok(l) => l,
        Err(e) => {
            let _ = writeln!(stderr, "error: config: {e}");
            return 2;
        }
    };
    listener.set_under_load(a.under_load);
    match run_script(&mut listener, a.start, a.json, &text, stdout) {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(stderr, "error: {e}");
            1
        }
    }
}

fn run_script(
    l: &mut Listener,
    start: u64,
    json: bool,
    text: &str,
    out: &mut dyn Write,
) -> Result<(), String> {
    let mut conns: HashMap<u64, StreamGate> = HashMap::new();
    // Fragmented DTLS ClientHellos are reassembled in the listener's configured budget.
    let mut arena = l.reassembly();
    for (lineno, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let at = |e: &str| format!("line {}: {e}", lineno + 1);
        let Some((ms, peer, transport, hexbytes)) = fields(line) else {
            return Err(at("expected `MS PEER TRANSPORT HEX`"));
        };
        let ms: u64 = ms.parse().map_err(|_| at("MS is not a number"))?;
        let peer: SocketAddr = peer.parse().map_err(|_| at("PEER is not an address"))?;
        let bytes = hex::decode_hex(hexbytes.as_bytes()).ok_or_else(|| at("HEX is not hex"))?;
        let now = Duration::from_secs(start)
            .checked_add(Duration::from_millis(ms))
            .ok_or_else(|| at("--start plus MS is past the largest time"))?;
        // What a server does from its timer: keep the epoch keys of `now` cached (a no-op
        // while they are).
        l.refresh(now);
        let mut buf = [0u8; MAX_OUTPUT_LEN];
        let head = Head {
            ms,
            peer,
            transport,
        };
        if transport == "udp" {
            let mut trace = Trace::new();
            let d =
                l.handle_datagram_reassembling(&mut arena, now, peer, &bytes, &mut buf, &mut trace);
            print(out, json, &head, &d, &buf, &trace)?;
        } else if let Some(n) = transport.strip_prefix("tcp:") {
            let n: u64 = n.parse().map_err(|_| at("tcp:N needs a number"))?;
            let gate = conns.entry(n).or_insert_with(|| l.stream());
            let mut rest = &bytes[..];
            loop {
                let mut trace = Trace::new();
                let d = gate.feed_traced(l, now, peer, rest, &mut buf, &mut trace);
                let consumed = match d {
                    Decision::Reply { consumed, .. } => Some(consumed),
                    _ => None,
                };
                print(out, json, &head, &d, &buf, &trace)?;
                match consumed {
                    Some(c) if c < rest.len() => rest = &rest[c..],
                    _ => break,
                }
            }
        } else {
            return Err(at("TRANSPORT must be `udp` or `tcp:N`"));
        }
    }
    Ok(())
}

/// Splits a script line into `MS`, `PEER`, `TRANSPORT` and `HEX`: the first three are
/// separated by any run of spaces or tabs, and `HEX` is the rest (it may hold whitespace).
fn fields(line: &str) -> Option<(&str, &str, &str, &str)> {
    fn word(s: &str) -> Option<(&str, &str)> {
        let s = s.trim_start();
        let end = s.find(char::is_whitespace)?;
        Some(s.split_at(end))
    }
    let (ms, rest) = word(line)?;
    let (peer, rest) = word(rest)?;
    let (transport, rest) = word(rest)?;
    let hexbytes = rest.trim();
    (!hexbytes.is_empty()).then_some((ms, peer, transport, hexbytes))
}

struct Head<'a> {
    ms: u64,
    peer: SocketAddr,
    transport: &'a str,
}

fn print(
    out: &mut dyn Write,
    json: bool,
    h: &Head<'_>,
    d: &Decision<'_>,
    buf: &[u8],
    trace: &Trace,
) -> Result<(), String> {
    let bytes = d.reply_bytes(buf).map(hex::encode);
    let line = if json {
        let mut o = Map::new();
        o.insert("ms".into(), json!(h.ms));
        o.insert("peer".into(), json!(h.peer.to_string()));
        o.insert("transport".into(), json!(h.transport));
        o.insert("decision".into(), json!(d.name()));
        match d {
            Decision::Reply { kind, consumed, .. } => {
                o.insert("kind".into(), json!(format!("{kind:?}")));
                o.insert("consumed".into(), json!(consumed));
            }
            Decision::Alert { alert, reason, .. } => {
                o.insert("alert".into(), json!(alert.to_string()));
                o.insert("reason".into(), json!(reason.code()));
                o.insert("reason_text".into(), json!(reason.to_string()));
            }
            Decision::Drop(reason) => {
                o.insert("reason".into(), json!(reason.code()));
                o.insert("reason_text".into(), json!(reason.to_string()));
            }
            Decision::Accept(a) => {
                o.insert("version".into(), json!(a.version.to_string()));
                o.insert("validated".into(), json!(a.validated));
                o.insert("consumed".into(), json!(a.consumed));
                o.insert("continuation".into(), continuation(&a.continuation, buf));
            }
            Decision::NeedMore => {}
        }
        if let Some(b) = &bytes {
            o.insert("bytes".into(), json!(b));
        }
        let checks: Vec<Json> = trace
            .checks()
            .iter()
            .map(|c| json!({"check": c.what, "ok": c.ok, "detail": c.detail}))
            .collect();
        o.insert("trace".into(), Json::Array(checks));
        Json::Object(o).to_string()
    } else {
        let mut s = format!("{} {} {} {}", h.ms, h.peer, h.transport, d.name());
        match d {
            Decision::Reply { kind, .. } => s.push_str(&format!(" {kind:?}")),
            Decision::Alert { alert, reason, .. } => s.push_str(&format!(" {alert} ({reason})")),
            Decision::Drop(reason) => s.push_str(&format!(" ({reason})")),
            Decision::Accept(a) => s.push_str(&format!(
                " {} validated={} {}",
                a.version,
                a.validated,
                continuation(&a.continuation, buf)
            )),
            Decision::NeedMore => {}
        }
        if let Some(b) = bytes {
            s.push_str(&format!("\n  bytes {b}"));
        }
        s.push_str(&format!("\n  trace {trace}"));
        s
    };
    writeln!(out, "{line}").map_err(|e| e.to_string())
}

fn continuation(c: &Continuation, buf: &[u8]) -> Json {
    match *c {
        Continuation::Dtls12 {
            record_sequence_number,
            message_seq,
            cookie_age,
        } => json!({
            "record_sequence_number": record_sequence_number,
            "message_seq": message_seq,
            "cookie_age_ms": cookie_age.as_millis() as u64,
        }),
        Continuation::Hrr13 {
            cipher_suite,
            group,
            key_share_in_hrr,
            transcript_len,
            hrr_offset,
            cookie_age,
        } => json!({
            "cipher_suite": cipher_suite.to_string(),
            "group": group.to_string(),
            "key_share_in_hrr": key_share_in_hrr,
            "transcript_prefix": buf.get(..transcript_len).map(hex::encode),
            "hrr_offset": hrr_offset,
            "cookie_age_ms": cookie_age.as_millis() as u64,
        }),
        Continuation::Unvalidated => json!("unvalidated"),
    }
}
