//! Generates real DTLS 1.3 ClientHellos with `dimpl`, an in-process Sans-IO DTLS 1.3
//! client, and writes them to `captures/dtls13_dimpl*.hex`.
//!
//! Why: no DTLS 1.3 (RFC 9147) client ships in Debian yet (NSS speaks a draft), so
//! these are the project's real DTLS 1.3 first flights. They are produced by this
//! program, not captured on a wire. The key shares and randoms are fresh on each run.
//!
//! Usage: `cargo run -p hellogate-testvectors --example gen_dtls13 [-- OUT_DIR]`
//! (default OUT_DIR: this crate's `captures/`). Prints the `FILE` lines for PROVENANCE.md.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use std::{env, fs};

use dimpl::crypto::{Dtls13CipherSuite, NamedGroup};
use dimpl::{Config, Dtls, Output, certificate};

/// One output file: its stem and the datagram.
type Written = (String, Vec<u8>);

/// Drains `dtls` until it reports its next timer; returns the datagrams it sent.
fn drain(dtls: &mut Dtls) -> Vec<Vec<u8>> {
    let mut buf = vec![0u8; 2048];
    let mut sent = Vec::new();
    loop {
        match dtls.poll_output(&mut buf) {
            Output::Packet(p) => sent.push(p.to_vec()),
            Output::BufferTooSmall { needed } => buf.resize(needed, 0),
            Output::Timeout(_) => return sent,
            _ => {}
        }
    }
}

/// A client: `new_13` (1.3 only) or `new_auto` (1.3 and 1.2), in the client role,
/// with its first ClientHello built (`handle_timeout`).
fn client(config: Config, auto: bool, now: Instant) -> Dtls {
    let cert = certificate::generate_self_signed_certificate().expect("self-signed certificate");
    let config = Arc::new(config);
    let mut dtls = if auto {
        Dtls::new_auto(config, cert, now)
    } else {
        Dtls::new_13(config, cert, now)
    };
    dtls.set_active(true);
    dtls.handle_timeout(now)
        .expect("client builds its ClientHello");
    dtls
}

/// Exactly one datagram, or the file would not be "one datagram" as captures/ promises.
fn one(what: &str, mut datagrams: Vec<Vec<u8>>) -> Vec<u8> {
    assert_eq!(
        datagrams.len(),
        1,
        "{what}: expected one datagram, got {:?} bytes",
        datagrams.iter().map(Vec::len).collect::<Vec<_>>()
    );
    datagrams.remove(0)
}

/// The 1.3-only client against dimpl's own 1.3 server (which sends a cookie HRR by
/// default): CH1, HRR, CH2.
fn scenario_13(now: Instant) -> Vec<Written> {
    let mut c = client(Config::default(), false, now);
    let ch1 = one("dtls13_dimpl CH1", drain(&mut c));

    let server_cert = certificate::generate_self_signed_certificate().expect("certificate");
    let mut s = Dtls::new_13(Arc::new(Config::default()), server_cert, now);
    s.handle_timeout(now).expect("server timer");
    s.handle_packet(&ch1).expect("server takes CH1");
    let hrr = one("dimpl server HRR", drain(&mut s));

    c.handle_packet(&hrr).expect("client takes the HRR");
    let ch2 = one("dtls13_dimpl CH2", drain(&mut c));
    vec![
        ("dtls13_dimpl_ch1".into(), ch1),
        ("dtls13_dimpl_hrr".into(), hrr),
        ("dtls13_dimpl_ch2".into(), ch2),
    ]
}

fn main() {
    let out: PathBuf = env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("captures"));
    let now = Instant::now();

    let mut files = scenario_13(now);

    let mut auto = client(Config::default(), true, now);
    files.push((
        "dtls13_dimpl_auto_ch1".into(),
        one("auto CH1", drain(&mut auto)),
    ));

    let small = Config::builder()
        .mtu(MTU_SMALL)
        .kx_groups(&[NamedGroup::Secp256r1])
        .dtls13_cipher_suites(&[Dtls13CipherSuite::AES_128_GCM_SHA256])
        .build()
        .expect("small config");
    let mut small = client(small, false, now);
    files.push((
        "dtls13_dimpl_p256_mtu600_ch1".into(),
        one("p256 CH1", drain(&mut small)),
    ));

    fs::create_dir_all(&out).expect("output directory");
    for (stem, bytes) in &files {
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        fs::write(out.join(format!("{stem}.hex")), hex + "\n").expect("write .hex");
        println!(
            "  FILE {:<46} {:5} bytes",
            format!("{stem}.hex"),
            bytes.len()
        );
    }
}

/// MTU of the small variant.
const MTU_SMALL: usize = 600;
