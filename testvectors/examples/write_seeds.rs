//! Writes every capture, edge case and listen case as a raw file `DIR/<name>.bin`,
//! to seed the fuzzers (`.ci/run` calls it).
//!
//! Usage: `cargo run -p hellogate-testvectors --example write_seeds -- DIR`

use std::path::PathBuf;
use std::process::ExitCode;
use std::{env, fs};

/// A stand-in cookie for the listen cases: seeds need the shapes, not a valid MAC.
const SEED_COOKIE: [u8; 32] = [0x5a; 32];

fn main() -> ExitCode {
    let mut args = env::args_os().skip(1);
    let (Some(dir), None) = (args.next(), args.next()) else {
        eprintln!("usage: write_seeds DIR");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    match write_all(&dir) {
        Ok(n) => {
            println!("wrote {n} seeds to {}", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("write_seeds: {}: {e}", dir.display());
            ExitCode::FAILURE
        }
    }
}

fn write_all(dir: &std::path::Path) -> std::io::Result<usize> {
    fs::create_dir_all(dir)?;
    let mut seeds: Vec<(String, Vec<u8>)> = Vec::new();
    for c in hellogate_testvectors::all() {
        seeds.push((c.name.to_string(), c.bytes.to_vec()));
    }
    for e in hellogate_testvectors::edge_cases() {
        seeds.push((format!("edge_{}", e.name), e.bytes));
    }
    for l in hellogate_testvectors::dtls_listen_cases(&SEED_COOKIE) {
        seeds.push((format!("listen_{}_{}", l.number, l.name), l.datagram));
    }
    for (name, bytes) in &seeds {
        fs::write(dir.join(format!("{name}.bin")), bytes)?;
    }
    Ok(seeds.len())
}
