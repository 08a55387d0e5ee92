//! Writes fuzz seeds into `DIR` (`.ci/run` calls it):
//!
//! - every capture, edge case and listen case as it goes over the wire:
//!   `DIR/<name>.bin` (whole records or one datagram), for the record and machine
//!   targets;
//! - every whole handshake message body inside them, without record or handshake
//!   headers: `DIR/<name>.<message>_body.bin`, e.g. `tls13_openssl_ch1.client_hello_body.bin`
//!   or `dtls12_openssl_hvr.hello_verify_request_body.bin`, for `codec_client_hello`,
//!   which parses its input as a bare ClientHello (TLS and DTLS form), ServerHello or
//!   HelloVerifyRequest body; DTLS messages split into fragments are reassembled first;
//! - the listen cases' ClientHello body: `DIR/listen_client_hello_body.bin`.
//!
//! Usage: `cargo run -p hellogate-testvectors --example write_seeds -- DIR`
//!
//! The framing is read here by hand (this crate does not depend on the codec): a body
//! seed is only written for a message whose headers are intact and whose bytes are all
//! there, so a malformed edge case simply yields no body seed.

use std::path::PathBuf;
use std::process::ExitCode;
use std::{env, fs};

use hellogate_testvectors::Protocol;

/// A stand-in cookie for the listen cases: seeds need the shapes, not a valid MAC.
const SEED_COOKIE: [u8; 32] = [0x5a; 32];

const TLS_RECORD_HEADER: usize = 5;
const DTLS_RECORD_HEADER: usize = 13;
const TLS_HANDSHAKE_HEADER: usize = 4;
const DTLS_HANDSHAKE_HEADER: usize = 12;
const HANDSHAKE: u8 = 22;

fn main() -> ExitCode {
    let mut args = env::args_os().skip(1);
    let (Some(dir), None) = (args.next(), args.next()) else {
        eprintln!("usage: write_seeds DIR");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    match write_all(&dir) {
        Ok((wire, bodies)) => {
            println!(
                "wrote {} seeds to {} ({wire} records or datagrams, {bodies} message bodies)",
                wire + bodies,
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("write_seeds: {}: {e}", dir.display());
            ExitCode::FAILURE
        }
    }
}

fn write_all(dir: &std::path::Path) -> std::io::Result<(usize, usize)> {
    fs::create_dir_all(dir)?;
    // (name, protocol, wire bytes)
    let mut inputs: Vec<(String, Protocol, Vec<u8>)> = Vec::new();
    for c in hellogate_testvectors::all() {
        inputs.push((c.name.to_string(), c.protocol, c.bytes.to_vec()));
    }
    for e in hellogate_testvectors::edge_cases() {
        inputs.push((format!("edge_{}", e.name), e.protocol, e.bytes));
    }
    for l in hellogate_testvectors::dtls_listen_cases(&SEED_COOKIE) {
        let name = format!("listen_{}_{}", l.number, l.name);
        inputs.push((name, Protocol::Dtls12, l.datagram));
    }

    let mut bodies: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, protocol, bytes) in &inputs {
        let messages = if protocol.is_datagram() {
            dtls_messages(bytes)
        } else {
            tls_messages(bytes)
        };
        let mut used = Vec::new();
        for (msg_type, body) in messages {
            let kind = message_name(msg_type);
            // Several messages of one kind in one input get a counter.
            let n = used.iter().filter(|&&t| t == msg_type).count();
            used.push(msg_type);
            let suffix = if n == 0 {
                String::new()
            } else {
                format!("_{n}")
            };
            bodies.push((format!("{name}.{kind}_body{suffix}"), body));
        }
    }
    bodies.push((
        "listen_client_hello_body".to_string(),
        hellogate_testvectors::listen_client_hello_body(&SEED_COOKIE),
    ));

    for (name, _, bytes) in &inputs {
        fs::write(dir.join(format!("{name}.bin")), bytes)?;
    }
    for (name, bytes) in &bodies {
        fs::write(dir.join(format!("{name}.bin")), bytes)?;
    }
    Ok((inputs.len(), bodies.len()))
}

fn message_name(msg_type: u8) -> String {
    match msg_type {
        1 => "client_hello".to_string(),
        2 => "server_hello".to_string(),
        3 => "hello_verify_request".to_string(),
        t => format!("handshake_type_{t}"),
    }
}

fn be(b: &[u8]) -> usize {
    b.iter().fold(0, |acc, &x| acc << 8 | usize::from(x))
}

/// The whole handshake messages of a TLS stream piece: the fragments of its handshake
/// records joined (a message may span records), then split into messages.
fn tls_messages(mut s: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut joined = Vec::new();
    while s.len() >= TLS_RECORD_HEADER {
        let len = be(&s[3..5]);
        let Some(fragment) = s.get(TLS_RECORD_HEADER..TLS_RECORD_HEADER + len) else {
            break;
        };
        if s[0] == HANDSHAKE {
            joined.extend_from_slice(fragment);
        }
        s = &s[TLS_RECORD_HEADER + len..];
    }
    let mut out = Vec::new();
    let mut m = &joined[..];
    while m.len() >= TLS_HANDSHAKE_HEADER {
        let len = be(&m[1..4]);
        let Some(body) = m.get(TLS_HANDSHAKE_HEADER..TLS_HANDSHAKE_HEADER + len) else {
            break;
        };
        out.push((m[0], body.to_vec()));
        m = &m[TLS_HANDSHAKE_HEADER + len..];
    }
    out
}

/// The whole handshake messages of one datagram: each message's fragments, in order and
/// without gaps, joined (the listen cases split ClientHellos into several fragments).
fn dtls_messages(mut d: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    // (msg_type, message_seq, length, bytes so far)
    let mut partial: Option<(u8, usize, usize, Vec<u8>)> = None;
    while d.len() >= DTLS_RECORD_HEADER {
        let len = be(&d[11..13]);
        let Some(mut f) = d.get(DTLS_RECORD_HEADER..DTLS_RECORD_HEADER + len) else {
            break;
        };
        let is_handshake = d[0] == HANDSHAKE;
        d = &d[DTLS_RECORD_HEADER + len..];
        while is_handshake && f.len() >= DTLS_HANDSHAKE_HEADER {
            let (msg_type, length, seq) = (f[0], be(&f[1..4]), be(&f[4..6]));
            let (offset, frag_len) = (be(&f[6..9]), be(&f[9..12]));
            let Some(frag) = f.get(DTLS_HANDSHAKE_HEADER..DTLS_HANDSHAKE_HEADER + frag_len) else {
                break;
            };
            f = &f[DTLS_HANDSHAKE_HEADER + frag_len..];
            let same = partial
                .as_ref()
                .is_some_and(|p| (p.0, p.1, p.2, p.3.len()) == (msg_type, seq, length, offset));
            if !same {
                partial = (offset == 0).then(|| (msg_type, seq, length, Vec::new()));
            }
            if let Some(p) = partial.as_mut() {
                p.3.extend_from_slice(frag);
                if p.3.len() >= p.2 {
                    let (t, _, length, mut body) = partial.take().unwrap_or_default();
                    body.truncate(length);
                    out.push((t, body));
                }
            }
        }
    }
    out
}
