//! Decodes `captures/*.hex` into `$OUT_DIR/*.bin` and generates the capture table.
//!
//! Why at build time: the library then holds the bytes as `&'static [u8]` through
//! `include_bytes!`, needs no hex decoder at run time, never touches the file system
//! at run time, and a malformed capture file fails the build instead of a test.
//!
//! Every capture's scenario must have a `SCENARIO <name>` block with a `client:` line in
//! `PROVENANCE.md`: a capture without provenance does not build.

use std::collections::BTreeMap;
use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::exit;

/// File-name suffixes that name a message kind (MANIFEST.md, "File names").
const KINDS: &[(&str, &str)] = &[
    ("_hrr_flight", "HrrFlight"),
    ("_ch2_flight", "Ch2Flight"),
    ("_ch1", "Ch1"),
    ("_ch2", "Ch2"),
    ("_hvr", "Hvr"),
    ("_hrr", "Hrr"),
    ("_sh", "ServerHello"),
];

/// Name prefixes that name the protocol.
const PROTOCOLS: &[(&str, &str)] = &[
    ("dtls12_", "Dtls12"),
    ("dtls13_", "Dtls13"),
    ("tls13_", "Tls13"),
    // RFC 8448 section 5 is a TLS 1.3 trace.
    ("rfc8448_", "Tls13"),
];

fn fail(msg: &str) -> ! {
    eprintln!("error: hellogate-testvectors build: {msg}");
    // Also as a cargo warning, so it shows even when stderr is folded away.
    println!("cargo::warning={msg}");
    exit(1);
}

fn decode_hex(name: &str, text: &str) -> Vec<u8> {
    let hex = text.trim_end_matches(['\n', '\r']);
    if hex.len() % 2 != 0 {
        fail(&format!(
            "captures/{name}: odd number of hex digits ({})",
            hex.len()
        ));
    }
    let digit = |pos: usize, c: u8| -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => fail(&format!(
                "captures/{name}: character {pos} is {:?}, not a hex digit",
                char::from(c)
            )),
        }
    };
    hex.as_bytes()
        .chunks_exact(2)
        .enumerate()
        .map(|(i, pair)| (digit(2 * i, pair[0]) << 4) | digit(2 * i + 1, pair[1]))
        .collect()
}

/// `SCENARIO name` -> the text of its `client:` line, from PROVENANCE.md.
fn scenario_clients(provenance: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in provenance.lines() {
        if let Some(name) = line.strip_prefix("SCENARIO ") {
            current = Some(name.trim().to_string());
        } else if let Some(client) = line.trim_start().strip_prefix("client:") {
            if let Some(name) = current.take() {
                out.insert(name, client.trim().to_string());
            }
        }
    }
    out
}

struct Entry {
    stem: String,
    scenario: String,
    protocol: &'static str,
    kind: &'static str,
    bin: PathBuf,
}

fn classify(stem: &str) -> (String, &'static str, &'static str) {
    let Some(&(_, protocol)) = PROTOCOLS.iter().find(|(p, _)| stem.starts_with(p)) else {
        fail(&format!(
            "captures/{stem}.hex: name does not start with dtls12_, dtls13_, tls13_ or rfc8448_"
        ));
    };
    let Some(&(suffix, kind)) = KINDS.iter().find(|(s, _)| stem.ends_with(s)) else {
        fail(&format!(
            "captures/{stem}.hex: name does not end with one of _ch1, _ch2, _hvr, _hrr, \
             _hrr_flight, _ch2_flight, _sh"
        ));
    };
    let scenario = &stem[..stem.len() - suffix.len()];
    if kind == "ServerHello" && !stem.starts_with("rfc8448_") {
        fail(&format!(
            "captures/{stem}.hex: _sh is only known for the RFC 8448 trace"
        ));
    }
    (scenario.to_string(), protocol, kind)
}

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    let captures = manifest_dir.join("captures");
    let provenance_path = manifest_dir.join("PROVENANCE.md");
    println!("cargo::rerun-if-changed=captures");
    println!("cargo::rerun-if-changed=PROVENANCE.md");
    println!("cargo::rerun-if-changed=build.rs");

    let provenance = fs::read_to_string(&provenance_path)
        .unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", provenance_path.display())));
    let clients = scenario_clients(&provenance);

    let mut files: Vec<PathBuf> = fs::read_dir(&captures)
        .unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", captures.display())))
        .map(|entry| entry.unwrap_or_else(|e| fail(&format!("reading captures/: {e}"))))
        .map(|entry| entry.path())
        .collect();
    files.sort();

    let mut entries = Vec::new();
    for path in files {
        let file_name = path.file_name().unwrap_or_default().to_string_lossy();
        let Some(stem) = file_name.strip_suffix(".hex") else {
            fail(&format!(
                "captures/{file_name}: only .hex files belong in captures/"
            ));
        };
        let text = fs::read_to_string(&path)
            .unwrap_or_else(|e| fail(&format!("cannot read captures/{file_name}: {e}")));
        let bytes = decode_hex(&file_name, &text);
        if bytes.is_empty() {
            fail(&format!("captures/{file_name}: empty"));
        }
        let (scenario, protocol, kind) = classify(stem);
        if !clients.contains_key(&scenario) {
            fail(&format!(
                "captures/{file_name}: PROVENANCE.md has no `SCENARIO {scenario}` block with a \
                 `client:` line"
            ));
        }
        let bin = out_dir.join(format!("{stem}.bin"));
        write_if_changed(&bin, &bytes);
        entries.push(Entry {
            stem: stem.to_string(),
            scenario,
            protocol,
            kind,
            bin,
        });
    }

    let mut table = String::from(
        "/// Every capture in `captures/`, sorted by name (generated by build.rs).\n\
         pub(crate) static CAPTURES: &[Capture] = &[\n",
    );
    for e in &entries {
        let bin = e
            .bin
            .to_str()
            .unwrap_or_else(|| fail("OUT_DIR is not UTF-8"));
        writeln!(
            table,
            "    Capture {{ name: {:?}, scenario: {:?}, protocol: Protocol::{}, client: {:?}, \
             kind: Kind::{}, bytes: include_bytes!({:?}) }},",
            e.stem, e.scenario, e.protocol, clients[&e.scenario], e.kind, bin
        )
        .unwrap_or_else(|_| fail("formatting the table"));
    }
    table.push_str("];\n");
    write_if_changed(&out_dir.join("captures_table.rs"), table.as_bytes());
}

/// Keeps mtimes stable so that an unchanged capture does not force a rebuild.
fn write_if_changed(path: &Path, bytes: &[u8]) {
    if fs::read(path).ok().as_deref() == Some(bytes) {
        return;
    }
    fs::write(path, bytes)
        .unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", path.display())));
}
