//! The `inspect` subcommand: argument parsing, reading files, printing results.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::Path;

use serde_json::{Map, Value as Json};

use super::{RoundTrip, inspect};
use crate::hex;

/// One-line summary for `hellogate --help`.
pub const SUMMARY: &str = "parse TLS or DTLS records from hex or raw files and show the parse";

/// `hellogate inspect --help`.
pub const USAGE: &str = "\
usage: hellogate inspect [--json] [--roundtrip] FILE...

Parses each FILE (hex text, whitespace ignored, or raw bytes; `-` is stdin) as TLS records
from a stream or as one DTLS datagram, and prints every record and handshake message.

options:
  --json        print a stable JSON document instead of the text tree
                (one object for one FILE, an array of objects with \"file\" for several)
  --roundtrip   re-encode every record and message from its parse and compare with the
                input; exit status 1 if the bytes differ
  -h, --help    print this help

exit status: 0 ok, 1 malformed input, unreadable file or round-trip mismatch, 2 usage error";

/// Exit status for a usage error.
pub const EXIT_USAGE: i32 = 2;
/// Exit status for malformed input, an unreadable file or a round-trip mismatch.
pub const EXIT_FAILURE: i32 = 1;

/// Parsed `inspect` arguments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// `--json`.
    pub json: bool,
    /// `--roundtrip`.
    pub roundtrip: bool,
    /// The inputs, in order; `-` is standard input.
    pub files: Vec<OsString>,
    /// `-h` / `--help`.
    pub help: bool,
}

/// Parses the arguments after `inspect`. `--` ends the options, so a file may be named
/// `--json`.
pub fn parse_args(args: &[OsString]) -> Result<Args, String> {
    let mut out = Args::default();
    let mut options = true;
    for a in args {
        match a.to_str() {
            Some("--") if options => options = false,
            Some("--json") if options => out.json = true,
            Some("--roundtrip") if options => out.roundtrip = true,
            Some("-h" | "--help") if options => out.help = true,
            Some(s) if options && s.starts_with('-') && s != "-" => {
                return Err(format!("unknown option '{s}'"));
            }
            _ => out.files.push(a.clone()),
        }
    }
    if out.files.is_empty() && !out.help {
        return Err("no input file (use `-` for standard input)".into());
    }
    Ok(out)
}

/// Runs `hellogate inspect` with `args` (everything after `inspect`); returns the exit
/// status.
pub fn run(
    args: &[OsString],
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> i32 {
    let args = match parse_args(args) {
        Ok(a) => a,
        Err(e) => {
            let _ = writeln!(stderr, "error: {e}\n\n{USAGE}");
            return EXIT_USAGE;
        }
    };
    if args.help {
        let _ = writeln!(stdout, "{USAGE}");
        return 0;
    }
    let several = args.files.len() > 1;
    let mut status = 0;
    let mut documents = Vec::new();
    for file in &args.files {
        let name = Path::new(file).display().to_string();
        let prefix = if several {
            format!("{name}: ")
        } else {
            String::new()
        };
        let raw = match read(file, stdin) {
            Ok(b) => b,
            Err(e) => {
                let _ = writeln!(stderr, "error: {prefix}cannot read: {e}");
                status = EXIT_FAILURE;
                continue;
            }
        };
        let input = hex::decode_input(&raw);
        let inspection = match inspect(&input) {
            Ok(i) => i,
            Err(e) => {
                let _ = writeln!(stderr, "error: {prefix}{e}");
                status = EXIT_FAILURE;
                continue;
            }
        };
        let roundtrip = args.roundtrip.then(|| inspection.roundtrip(&input));
        if matches!(roundtrip, Some(RoundTrip::Mismatch { .. })) {
            status = EXIT_FAILURE;
        }
        if args.json {
            let mut doc = Map::new();
            if several {
                doc.insert("file".into(), Json::String(name));
            }
            if let Json::Object(fields) = inspection.tree.to_json() {
                doc.extend(fields);
            }
            if let Some(rt) = roundtrip {
                doc.insert("roundtrip".into(), roundtrip_json(rt));
            }
            documents.push(Json::Object(doc));
        } else {
            let mut text = String::new();
            if several {
                text.push_str(&format!("== {name}\n"));
            }
            text.push_str(&inspection.tree.to_text());
            if let Some(rt) = roundtrip {
                text.push_str(&roundtrip_text(rt));
                text.push('\n');
            }
            let _ = stdout.write_all(text.as_bytes());
        }
    }
    if args.json {
        let doc = if several {
            Json::Array(documents)
        } else {
            documents.pop().unwrap_or(Json::Null)
        };
        if several || doc != Json::Null {
            let _ = writeln!(stdout, "{}", to_pretty(&doc));
        }
    }
    status
}

/// Pretty JSON; serialising a `Value` cannot fail.
pub fn to_pretty(doc: &Json) -> String {
    serde_json::to_string_pretty(doc).unwrap_or_default()
}

/// `roundtrip: ok` or `roundtrip: mismatch at offset N`.
pub fn roundtrip_text(rt: RoundTrip) -> String {
    match rt {
        RoundTrip::Ok => "roundtrip: ok".into(),
        RoundTrip::Mismatch { offset } => format!("roundtrip: mismatch at offset {offset}"),
    }
}

fn roundtrip_json(rt: RoundTrip) -> Json {
    let mut m = Map::new();
    match rt {
        RoundTrip::Ok => {
            m.insert("ok".into(), Json::Bool(true));
            m.insert("first_difference".into(), Json::Null);
        }
        RoundTrip::Mismatch { offset } => {
            m.insert("ok".into(), Json::Bool(false));
            m.insert("first_difference".into(), Json::from(offset as u64));
        }
    }
    Json::Object(m)
}

fn read(file: &OsString, stdin: &mut dyn Read) -> std::io::Result<Vec<u8>> {
    if file == "-" {
        let mut buf = Vec::new();
        stdin.read_to_end(&mut buf)?;
        Ok(buf)
    } else {
        std::fs::read(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn flags_and_files_in_any_order() {
        let a = parse_args(&os(&["a.hex", "--json", "-", "--roundtrip"])).unwrap();
        assert!(a.json && a.roundtrip && !a.help);
        assert_eq!(a.files, os(&["a.hex", "-"]));
    }

    #[test]
    fn roundtrip_reports_render_the_offset() {
        assert_eq!(roundtrip_text(RoundTrip::Ok), "roundtrip: ok");
        assert_eq!(
            roundtrip_text(RoundTrip::Mismatch { offset: 7 }),
            "roundtrip: mismatch at offset 7"
        );
        assert_eq!(
            roundtrip_json(RoundTrip::Mismatch { offset: 7 }).to_string(),
            r#"{"ok":false,"first_difference":7}"#
        );
    }

    #[test]
    fn double_dash_ends_options() {
        let a = parse_args(&os(&["--", "--json"])).unwrap();
        assert!(!a.json);
        assert_eq!(a.files, os(&["--json"]));
    }

    #[test]
    fn unknown_option_and_no_file_are_usage_errors() {
        assert!(
            parse_args(&os(&["--jsn", "a"]))
                .unwrap_err()
                .contains("--jsn")
        );
        assert!(parse_args(&os(&["--json"])).is_err());
        assert!(parse_args(&os(&["--help"])).unwrap().help);
    }
}
