//! Round trips with real clients from Debian packages over loopback.
//!
//! A tiny server in this file drives our machine with what `openssl s_client` and
//! `gnutls-cli` really send, and sends back what the machine writes. There is no TLS stack
//! behind the gate, so no handshake completes: each case proves that a real client
//! (1) takes our HelloVerifyRequest / HelloRetryRequest and (2) answers with a
//! ClientHello2 the machine accepts as validated. For TLS 1.3 that second flight is also
//! fed to a *fresh* stream gate of a *fresh* listener built from the same secret, which
//! must accept it with the same continuation: nothing of the first connection is needed.
//! After the accept the server closes the socket; the client then fails, which is expected
//! (its exit status is ignored, its output is kept for the failure messages).
//!
//! Everything is bounded: 127.0.0.1 only, ports chosen by the kernel (bind to port 0), a
//! hard deadline per case, every loop stops at that deadline, and every client process is
//! killed by its id when its case ends, whatever happened.
//!
//! A missing client program fails the test (it is never skipped): `.ci/install-tools`
//! installs `openssl` and `gnutls-bin`.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::{describe, hex, listener};
use hellogate_codec::{
    ClientHello, ContentType, DtlsHandshake, DtlsRecords, Flavor, Handshake, HandshakeType,
    NamedGroup, ServerHello, TlsRecord,
};
use hellogate_machine::{
    Config, Continuation, Decision, HrrKeyShare, Listener, MAX_OUTPUT_LEN, ReplyKind,
};

/// Hard limit for one case, client start to client kill.
const CASE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client may take to exit by itself once we closed the socket.
const EXIT_GRACE: Duration = Duration::from_secs(2);
/// Longest single wait on a socket, so the deadline and the client's exit are checked often.
const POLL: Duration = Duration::from_millis(100);
/// The middlebox-compatibility ChangeCipherSpec record (RFC 8446 appendix D.4).
const CCS_RECORD: [u8; 6] = [0x14, 0x03, 0x03, 0x00, 0x01, 0x01];

/// Wall-clock time since the UNIX epoch, as the machine expects `now`.
fn now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
}

/// The full path of `program`, or a failure that says how to get it.
fn require(program: &str) -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())
    });
    match found {
        Some(p) => p,
        None => panic!(
            "`{program}` is not on PATH: these interop tests need the real client \
             (`.ci/install-tools` installs it: Debian packages openssl and gnutls-bin)"
        ),
    }
}

/// What a client printed, and how it ended.
struct ClientOutput {
    command: String,
    /// `Some(status)` when it exited by itself within the grace period; `None` when killed.
    exited: Option<std::process::ExitStatus>,
    stdout: String,
    stderr: String,
}

impl std::fmt::Display for ClientOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "client: {}", self.command)?;
        match self.exited {
            Some(s) => writeln!(f, "client exited by itself: {s}")?,
            None => writeln!(f, "client killed (still running after the grace period)")?,
        }
        writeln!(f, "--- client stderr\n{}", self.stderr.trim_end())?;
        writeln!(
            f,
            "--- client stdout (last 2000 bytes)\n{}",
            tail(&self.stdout)
        )
    }
}

fn tail(s: &str) -> &str {
    let mut start = s.len().saturating_sub(2000);
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}

/// A running client process. Dropping it kills the process by its id and reaps it, so no
/// client outlives its case even when an assertion fails first.
struct Client {
    command: String,
    child: Child,
    /// Held open so the client never sees end of input while the handshake runs.
    stdin: Option<ChildStdin>,
    stdout: Option<JoinHandle<Vec<u8>>>,
    stderr: Option<JoinHandle<Vec<u8>>>,
}

impl Client {
    fn spawn(program: &str, args: &[String]) -> Self {
        let path = require(program);
        let mut child = Command::new(&path)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", path.display()));
        let collect = |r: Option<Box<dyn Read + Send>>| {
            r.map(|mut r| {
                thread::spawn(move || {
                    let mut v = Vec::new();
                    // Ends when the process (and so the pipe) ends; a read error only
                    // shortens the diagnostics.
                    let _ = r.read_to_end(&mut v);
                    v
                })
            })
        };
        let stdout = collect(child.stdout.take().map(|s| Box::new(s) as _));
        let stderr = collect(child.stderr.take().map(|s| Box::new(s) as _));
        Self {
            command: format!("{program} {}", args.join(" ")),
            stdin: child.stdin.take(),
            child,
            stdout,
            stderr,
        }
    }

    /// True once the process has exited.
    fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    /// Gives the client `grace` to exit by itself, kills it otherwise, and collects output.
    fn finish(mut self, grace: Duration) -> ClientOutput {
        let until = Instant::now() + grace;
        let mut exited = None;
        while Instant::now() < until {
            if let Ok(Some(s)) = self.child.try_wait() {
                exited = Some(s);
                break;
            }
            thread::sleep(Duration::from_millis(20));
        }
        self.stop();
        let text = |h: Option<JoinHandle<Vec<u8>>>| {
            h.and_then(|h| h.join().ok())
                .map(|v| String::from_utf8_lossy(&v).into_owned())
                .unwrap_or_default()
        };
        ClientOutput {
            command: self.command.clone(),
            exited,
            stdout: text(self.stdout.take()),
            stderr: text(self.stderr.take()),
        }
    }

    /// Kills the process by its id (a no-op error if it already exited) and reaps it.
    fn stop(&mut self) {
        self.stdin = None;
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The listener every case uses, and a second one built from the same secret with nothing
/// shared: what a fleet node that never saw ClientHello1 would be.
fn listeners(config: &Config) -> (Listener, Listener) {
    (listener(config.clone()), listener(config.clone()))
}

// ---------------------------------------------------------------------------------------
// DTLS 1.2 over UDP
// ---------------------------------------------------------------------------------------

/// What happened on the wire in one DTLS case.
#[derive(Default)]
struct DtlsRun {
    /// Every decision, described, in order.
    log: Vec<String>,
    ch1: Vec<u8>,
    reply: Vec<u8>,
    replies: usize,
    /// The datagram that was accepted, with what the accept said.
    ch2: Vec<u8>,
    accepted: Option<(bool, Continuation)>,
    /// What a second listener from the same secret decided on that datagram.
    fresh: Option<(bool, Continuation)>,
}

fn run_dtls(program: &str, args: impl Fn(u16) -> Vec<String>) -> (DtlsRun, ClientOutput) {
    let config = Config::default();
    let (l, fresh) = listeners(&config);
    let sock = UdpSocket::bind("127.0.0.1:0").expect("bind udp 127.0.0.1:0");
    sock.set_read_timeout(Some(POLL)).unwrap();
    let port = sock.local_addr().unwrap().port();
    let mut client = Client::spawn(program, &args(port));
    let deadline = Instant::now() + CASE_TIMEOUT;
    let mut run = DtlsRun::default();
    let mut buf = [0u8; 2048];
    // Bounded: by the deadline, and by the client's exit.
    while Instant::now() < deadline && !client.exited() {
        let (n, peer) = match sock.recv_from(&mut buf) {
            Ok(x) => x,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => continue,
            Err(e) => {
                run.log.push(format!("recv error: {e}"));
                continue;
            }
        };
        let datagram = &buf[..n];
        let t = now();
        let mut out = [0u8; MAX_OUTPUT_LEN];
        let d = l.handle_datagram(t, peer, datagram, &mut out);
        run.log.push(format!(
            "datagram of {n} bytes from {peer}: {}",
            describe(&d, &out)
        ));
        match d {
            Decision::Reply {
                kind: ReplyKind::HelloVerifyRequest,
                len,
                ..
            } => {
                if run.replies == 0 {
                    run.ch1 = datagram.to_vec();
                    run.reply = out[..len].to_vec();
                }
                run.replies += 1;
                sock.send_to(&out[..len], peer).expect("send HVR");
            }
            Decision::Accept(a) => {
                run.accepted = Some((a.validated, a.continuation));
                run.ch2 = datagram.to_vec();
                let mut out2 = [0u8; MAX_OUTPUT_LEN];
                let d2 = fresh.handle_datagram(t, peer, &run.ch2, &mut out2);
                run.log
                    .push(format!("fresh listener: {}", describe(&d2, &out2)));
                if let Decision::Accept(a2) = d2 {
                    run.fresh = Some((a2.validated, a2.continuation));
                }
                break;
            }
            _ => {}
        }
    }
    drop(sock);
    (run, client.finish(EXIT_GRACE))
}

/// The record sequence number and message_seq of the first record of a DTLS datagram.
fn dtls_seqs(datagram: &[u8]) -> (u64, u16) {
    let rec = DtlsRecords::new(datagram).next().unwrap().unwrap();
    let (hs, _) = DtlsHandshake::parse(rec.fragment).unwrap();
    (rec.header.sequence_number, hs.message_seq)
}

fn check_dtls12(name: &str, run: &DtlsRun, client: &ClientOutput) {
    let diag = || format!("{}\n{client}", run.log.join(""));
    assert!(
        run.replies >= 1,
        "{name}: no HelloVerifyRequest sent\n{}",
        diag()
    );
    assert!(
        run.reply.len() <= run.ch1.len(),
        "{name}: HVR larger than CH1\n{}",
        diag()
    );
    let Some((validated, continuation)) = run.accepted else {
        panic!(
            "{name}: the client's ClientHello2 was not accepted\n{}",
            diag()
        );
    };
    assert!(validated, "{name}: accept not validated\n{}", diag());
    // The client echoes our cookie in its second ClientHello, which (RFC 6347 section
    // 4.2.1, and the MANIFEST's captures) it sends as its second record and second message.
    let Continuation::Dtls12 {
        record_sequence_number,
        message_seq,
        ..
    } = continuation
    else {
        panic!("{name}: continuation {continuation:?}\n{}", diag());
    };
    assert_eq!(
        (record_sequence_number, message_seq),
        (1, 1),
        "{name}\n{}",
        diag()
    );
    // The continuation echoes what is on the wire, read here independently.
    assert_eq!(dtls_seqs(&run.ch2), (1, 1), "{name}\n{}", diag());
    assert_eq!(
        run.fresh,
        Some((true, continuation)),
        "{name}: a listener built from the same secret must accept the same datagram\n{}",
        diag()
    );
    println!(
        "interop {name}: CH1 {} B, HVR {} B ({} sent), CH2 {} B accepted, {continuation:?}; \
         client exit: {:?}",
        run.ch1.len(),
        run.reply.len(),
        run.replies,
        run.ch2.len(),
        client.exited,
    );
}

#[test]
fn dtls12_openssl_s_client() {
    let name = "dtls12 openssl s_client";
    let (run, client) = run_dtls("openssl", |port| {
        args(&format!(
            "s_client -dtls1_2 -connect 127.0.0.1:{port} -servername localhost"
        ))
    });
    check_dtls12(name, &run, &client);
}

#[test]
fn dtls12_gnutls_cli() {
    let name = "dtls12 gnutls-cli";
    let (run, client) = run_dtls("gnutls-cli", |port| {
        args(&format!(
            "--udp --insecure --sni-hostname localhost -p {port} 127.0.0.1"
        ))
    });
    check_dtls12(name, &run, &client);
}

fn args(s: &str) -> Vec<String> {
    s.split_whitespace().map(String::from).collect()
}

// ---------------------------------------------------------------------------------------
// TLS 1.3 over TCP
// ---------------------------------------------------------------------------------------

/// What happened on the wire in one TLS case.
#[derive(Default)]
struct TlsRun {
    log: Vec<String>,
    /// Every byte the client sent, in order.
    received: Vec<u8>,
    /// The CH1 record(s): the bytes before the HRR's `consumed` point.
    ch1: Vec<u8>,
    reply_kind: Option<ReplyKind>,
    reply: Vec<u8>,
    /// Offset in `received` where the bytes after ClientHello1 start.
    after_ch1: Option<usize>,
    /// Offset in `received` where the accepted ClientHello2 ends.
    ch2_end: Option<usize>,
    accepted: Option<(bool, Continuation)>,
    /// The gate ended otherwise (alert or drop), described.
    refused: Option<String>,
    /// The client closed its side.
    eof: bool,
    /// What a fresh gate of a fresh listener decided on the second flight.
    fresh: Vec<(String, Option<(bool, Continuation)>)>,
}

impl TlsRun {
    /// Everything the client sent after ClientHello1, up to the end of the accepted
    /// ClientHello2 (or to the end, without an accept).
    fn second_flight(&self) -> &[u8] {
        let start = self.after_ch1.unwrap_or(self.received.len());
        let end = self.ch2_end.unwrap_or(self.received.len());
        &self.received[start..end.max(start)]
    }
}

/// Accepts one connection, polling so the deadline and the client's exit are honoured.
fn accept(sock: &TcpListener, client: &mut Client, deadline: Instant) -> Option<TcpStream> {
    sock.set_nonblocking(true).unwrap();
    while Instant::now() < deadline && !client.exited() {
        match sock.accept() {
            Ok((s, _)) => {
                s.set_nonblocking(false).unwrap();
                return Some(s);
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => thread::sleep(Duration::from_millis(10)),
            Err(_) => return None,
        }
    }
    None
}

fn run_tls(config: &Config, program: &str, args: Vec<String>) -> (TlsRun, ClientOutput) {
    let (l, fresh) = listeners(config);
    let sock = TcpListener::bind("127.0.0.1:0").expect("bind tcp 127.0.0.1:0");
    let port = sock.local_addr().unwrap().port();
    let args: Vec<String> = args
        .into_iter()
        .map(|a| a.replace("PORT", &port.to_string()))
        .collect();
    let mut client = Client::spawn(program, &args);
    let deadline = Instant::now() + CASE_TIMEOUT;
    let mut run = TlsRun::default();
    let Some(mut stream) = accept(&sock, &mut client, deadline) else {
        run.log.push("no connection".into());
        return (run, client.finish(EXIT_GRACE));
    };
    stream.set_read_timeout(Some(POLL)).unwrap();
    let peer = stream.peer_addr().unwrap();
    let mut gate = l.stream();
    // Bytes received but not yet consumed by the gate (after a reply, the rest of a read).
    let mut pending: Vec<u8> = Vec::new();
    let mut buf = [0u8; 4096];
    let mut accept_time = None;
    'conn: while Instant::now() < deadline {
        let n = match stream.read(&mut buf) {
            Ok(0) => {
                run.eof = true;
                break;
            }
            Ok(n) => n,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                if client.exited() {
                    break;
                }
                continue;
            }
            Err(e) => {
                run.log.push(format!("read error: {e}"));
                break;
            }
        };
        run.received.extend_from_slice(&buf[..n]);
        pending.extend_from_slice(&buf[..n]);
        // Feed until the gate wants more; at most one reply per ClientHello, so this
        // loop runs a handful of times for any input.
        while !pending.is_empty() {
            let base = run.received.len() - pending.len();
            let t = now();
            let mut out = [0u8; MAX_OUTPUT_LEN];
            let d = gate.feed(&l, t, peer, &pending, &mut out);
            if !matches!(d, Decision::NeedMore) {
                run.log.push(format!(
                    "after {} bytes received: {}",
                    run.received.len(),
                    describe(&d, &out)
                ));
            }
            match d {
                Decision::NeedMore => pending.clear(),
                Decision::Reply {
                    kind,
                    len,
                    consumed,
                } => {
                    if run.reply_kind.is_none() {
                        run.reply_kind = Some(kind);
                        run.reply = out[..len].to_vec();
                        run.ch1 = run.received[..base + consumed].to_vec();
                        run.after_ch1 = Some(base + consumed);
                    }
                    stream.write_all(&out[..len]).expect("send HRR");
                    pending.drain(..consumed);
                }
                Decision::Accept(a) => {
                    run.accepted = Some((a.validated, a.continuation));
                    run.ch2_end = Some(base + a.consumed);
                    accept_time = Some(t);
                    break 'conn;
                }
                Decision::Alert { len, .. } => {
                    run.refused = Some(describe(&d, &out));
                    // Best effort: the client may already be gone.
                    let _ = stream.write_all(&out[..len]);
                    break 'conn;
                }
                Decision::Drop(_) => {
                    run.refused = Some(describe(&d, &out));
                    break 'conn;
                }
            }
        }
    }
    drop(stream);
    drop(sock);
    if let Some(t) = accept_time {
        run.fresh = feed_fresh(&fresh, t, peer, run.second_flight());
    }
    (run, client.finish(EXIT_GRACE))
}

/// Feeds `flight` to a new gate of `l`, as one input, re-feeding after replies; returns
/// every decision that is not NeedMore.
fn feed_fresh(
    l: &Listener,
    t: Duration,
    peer: SocketAddr,
    flight: &[u8],
) -> Vec<(String, Option<(bool, Continuation)>)> {
    let mut gate = l.stream();
    let mut rest = flight;
    let mut seen = Vec::new();
    // Each pass consumes at least one whole ClientHello or ends the loop.
    while !rest.is_empty() {
        let mut out = [0u8; MAX_OUTPUT_LEN];
        let d = gate.feed(l, t, peer, rest, &mut out);
        let text = describe(&d, &out);
        match d {
            Decision::NeedMore => break,
            Decision::Reply { consumed, .. } => {
                seen.push((text, None));
                rest = &rest[consumed..];
            }
            Decision::Accept(a) => {
                seen.push((text, Some((a.validated, a.continuation))));
                break;
            }
            _ => {
                seen.push((text, None));
                break;
            }
        }
    }
    seen
}

/// The records of a TLS byte string, as (content type, fragment); stops at a partial one.
fn records(mut bytes: &[u8]) -> Vec<(ContentType, Vec<u8>)> {
    let mut v = Vec::new();
    while let Ok((rec, rest)) = TlsRecord::parse(bytes) {
        v.push((rec.header.content_type, rec.fragment.to_vec()));
        bytes = rest;
    }
    v
}

/// The ClientHello in the handshake records of `bytes` (one record per message, as every
/// client here sends it).
fn client_hello_body(bytes: &[u8]) -> Option<Vec<u8>> {
    records(bytes)
        .into_iter()
        .filter(|(ct, _)| *ct == ContentType::HANDSHAKE)
        .find_map(|(_, f)| {
            let (hs, _) = Handshake::parse(&f).ok()?;
            (hs.msg_type == HandshakeType::CLIENT_HELLO).then(|| hs.body.to_vec())
        })
}

/// The HelloRetryRequest's selected group and cookie length, read back from our reply.
fn hrr_fields(reply: &[u8]) -> (Option<NamedGroup>, Option<usize>, bool) {
    let (rec, rest) = TlsRecord::parse(reply).unwrap();
    let (hs, _) = Handshake::parse(rec.fragment).unwrap();
    let sh = ServerHello::parse(hs.body).unwrap();
    assert!(sh.is_hello_retry_request());
    (
        sh.selected_group(),
        sh.cookie().map(<[u8]>::len),
        rest == CCS_RECORD,
    )
}

/// The group a `NewGroup` HelloRetryRequest must name for this ClientHello1, from the
/// configuration's preference and the client's lists (RFC 8446 section 4.1.4: a group the
/// client supports and sent no share for); `None` when the client's share already fits and
/// the policy is `CookieOnly`.
fn expected_group(config: &Config, ch1: &ClientHello<'_>) -> Option<NamedGroup> {
    let supported = ch1.known.supported_groups.unwrap();
    let shares = ch1.known.key_shares.unwrap();
    let shared = |g: NamedGroup| shares.find(g).is_some();
    let acceptable_share = config.groups.iter().any(|&g| shared(g));
    if config.hrr_key_share == HrrKeyShare::CookieOnly && acceptable_share {
        return None;
    }
    config
        .groups
        .iter()
        .copied()
        .find(|&g| supported.contains(g) && !shared(g))
}

/// One TLS 1.3 case that must end in a validated accept, on the live gate and on a fresh one.
fn tls13_accepts(name: &str, config: &Config, program: &str, args: Vec<String>) -> TlsRun {
    let (run, client) = run_tls(config, program, args);
    let diag = || {
        format!(
            "{}received: {}\n{client}",
            run.log.join(""),
            hex(&run.received)
        )
    };
    let Some(kind) = run.reply_kind else {
        panic!("{name}: no HelloRetryRequest sent\n{}", diag());
    };
    assert!(
        run.reply.len() <= run.ch1.len(),
        "{name}: reply larger than CH1\n{}",
        diag()
    );
    let ch1_body = client_hello_body(&run.ch1).expect("CH1 parses");
    let ch1 = ClientHello::parse(&ch1_body, Flavor::Tls).unwrap();
    // RFC 8446 appendix D.4: the CCS follows the HRR exactly when the client sent a
    // session id (middlebox compatibility mode).
    let middlebox = !ch1.legacy_session_id.is_empty();
    let (group, cookie_len, ccs_after) = hrr_fields(&run.reply);
    assert_eq!(ccs_after, middlebox, "{name}\n{}", diag());
    assert_eq!(
        kind,
        if middlebox {
            ReplyKind::HelloRetryRequestAndCcs
        } else {
            ReplyKind::HelloRetryRequest
        },
        "{name}\n{}",
        diag()
    );
    assert_eq!(group, expected_group(config, &ch1), "{name}\n{}", diag());
    let Some((validated, continuation)) = run.accepted else {
        panic!(
            "{name}: the client's ClientHello2 was not accepted\n{}",
            diag()
        );
    };
    assert!(validated, "{name}: accept not validated\n{}", diag());
    let Continuation::Hrr13 {
        group: ch2_group,
        key_share_in_hrr,
        ..
    } = continuation
    else {
        panic!("{name}: continuation {continuation:?}\n{}", diag());
    };
    assert_eq!(key_share_in_hrr, group.is_some(), "{name}\n{}", diag());
    // ClientHello2 carries exactly one share, for the group the HRR named (RFC 8446
    // section 4.1.2), or the client's original choice after a cookie-only HRR.
    let flight = run.second_flight();
    let ch2_body = client_hello_body(flight).expect("CH2 parses");
    let ch2 = ClientHello::parse(&ch2_body, Flavor::Tls).unwrap();
    let ch2_shares: Vec<NamedGroup> = ch2
        .known
        .key_shares
        .unwrap()
        .iter()
        .map(|e| e.group)
        .collect();
    if let Some(g) = group {
        assert_eq!(ch2_shares, [g], "{name}\n{}", diag());
    }
    assert!(ch2_shares.contains(&ch2_group), "{name}\n{}", diag());
    // The middlebox client puts a CCS before ClientHello2; the gate must have skipped it.
    let ccs_first = flight.starts_with(&CCS_RECORD);
    let fresh_accept = run.fresh.iter().find_map(|(_, a)| *a);
    assert_eq!(
        fresh_accept,
        Some((true, continuation)),
        "{name}: a fresh gate of a listener from the same secret must accept the second \
         flight alone, with the same continuation\nfresh: {:?}\n{}",
        run.fresh,
        diag()
    );
    assert_eq!(
        run.fresh.len(),
        1,
        "{name}: the fresh gate must accept at once\n{:?}",
        run.fresh
    );
    println!(
        "interop {name}: CH1 {} B (session id {} B, shares {:?}), reply {kind:?} {} B \
         (group {group:?}, cookie {cookie_len:?} B), second flight {} B (CCS first: {ccs_first}, \
         CH2 shares {ch2_shares:?}) accepted by the live and a fresh gate; client exit: {:?}",
        run.ch1.len(),
        ch1.legacy_session_id.len(),
        ch1.known.key_shares.unwrap(),
        run.reply.len(),
        flight.len(),
        client.exited,
    );
    run
}

fn openssl_tls13(extra: &str) -> Vec<String> {
    args(&format!(
        "s_client -tls1_3 -connect 127.0.0.1:PORT -servername localhost {extra}"
    ))
}

fn gnutls_tls13() -> Vec<String> {
    args("--insecure --sni-hostname localhost -p PORT 127.0.0.1")
}

#[test]
fn tls13_openssl_s_client_middlebox_ccs_before_ch2_is_ignored() {
    let run = tls13_accepts(
        "tls13 openssl s_client",
        &Config::default(),
        "openssl",
        openssl_tls13(""),
    );
    // OpenSSL runs in middlebox compatibility mode by default: CCS, then ClientHello2.
    assert!(run.second_flight().starts_with(&CCS_RECORD));
}

#[test]
fn tls13_openssl_s_client_groups_x25519_p256() {
    let run = tls13_accepts(
        "tls13 openssl s_client -groups X25519:P-256",
        &Config::default(),
        "openssl",
        openssl_tls13("-groups X25519:P-256"),
    );
    assert!(run.second_flight().starts_with(&CCS_RECORD));
}

#[test]
fn tls13_openssl_s_client_no_middlebox_gets_no_ccs() {
    let run = tls13_accepts(
        "tls13 openssl s_client -no_middlebox",
        &Config::default(),
        "openssl",
        openssl_tls13("-no_middlebox"),
    );
    assert_eq!(run.reply_kind, Some(ReplyKind::HelloRetryRequest));
    assert!(!run.second_flight().starts_with(&CCS_RECORD));
}

#[test]
fn tls13_openssl_s_client_accepts_a_cookie_only_hrr() {
    let config = Config {
        hrr_key_share: HrrKeyShare::CookieOnly,
        ..Config::default()
    };
    let run = tls13_accepts(
        "tls13 openssl s_client, CookieOnly",
        &config,
        "openssl",
        openssl_tls13(""),
    );
    let (group, _, _) = hrr_fields(&run.reply);
    assert_eq!(
        group, None,
        "OpenSSL sends an X25519 share: no group to name"
    );
}

#[test]
fn tls13_gnutls_cli_new_group() {
    let config = Config::default();
    assert_eq!(config.hrr_key_share, HrrKeyShare::NewGroup);
    tls13_accepts("tls13 gnutls-cli", &config, "gnutls-cli", gnutls_tls13());
}

/// Why `NewGroup` is the default: gnutls-cli 3.7.9 refuses a HelloRetryRequest that carries
/// only a cookie (MANIFEST.md). It must not come back with a ClientHello2.
#[test]
fn tls13_gnutls_cli_refuses_a_cookie_only_hrr() {
    let name = "tls13 gnutls-cli, CookieOnly";
    let config = Config {
        hrr_key_share: HrrKeyShare::CookieOnly,
        ..Config::default()
    };
    let (run, client) = run_tls(&config, "gnutls-cli", gnutls_tls13());
    let diag = || {
        format!(
            "{}received: {}\n{client}",
            run.log.join(""),
            hex(&run.received)
        )
    };
    assert!(run.reply_kind.is_some(), "{name}: no HRR sent\n{}", diag());
    let (group, _, _) = hrr_fields(&run.reply);
    assert_eq!(
        group,
        None,
        "{name}: gnutls sends an acceptable share, so the HRR must be cookie-only\n{}",
        diag()
    );
    assert_eq!(run.accepted, None, "{name}\n{}", diag());
    let after = run.second_flight();
    assert_eq!(
        client_hello_body(after),
        None,
        "{name}: gnutls-cli sent a ClientHello2 after a cookie-only HRR\n{}",
        diag()
    );
    // What it does instead: a fatal illegal_parameter alert (RFC 8446 section 4.1.4 lets a
    // client abort with illegal_parameter on an HRR "that would not result in any change in
    // the ClientHello"), then it closes.
    let recs = records(after);
    assert!(
        recs.iter()
            .any(|(ct, f)| *ct == ContentType::ALERT && f[..] == [2, 47]),
        "{name}: expected a fatal illegal_parameter alert\n{}",
        diag()
    );
    assert!(
        recs.iter().all(|(ct, _)| *ct == ContentType::ALERT),
        "{name}\n{}",
        diag()
    );
    println!(
        "interop {name}: CH1 {} B, reply {:?} {} B (cookie only), client answered {} B: {:?}; \
         gate: {}; client exit: {:?}; stderr: {}",
        run.ch1.len(),
        run.reply_kind,
        run.reply.len(),
        after.len(),
        recs.iter()
            .map(|(ct, f)| format!("{ct} {}", hex(f)))
            .collect::<Vec<_>>(),
        run.refused
            .as_deref()
            .unwrap_or(if run.eof { "eof" } else { "-" })
            .trim_end(),
        client.exited,
        client.stderr.trim_end().replace('\n', " | "),
    );
}
