//! The `hellogate` command line. Each subcommand lives in its own module of the
//! `hellogate_cli` library; this file only dispatches.

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use hellogate_cli::inspect::command as inspect;
use hellogate_cli::step;

/// The subcommands, for dispatch and `--help`: name, one-line summary, runner.
type Runner = fn(&[OsString]) -> i32;
const COMMANDS: &[(&str, &str, Runner)] = &[
    ("inspect", inspect::SUMMARY, run_inspect),
    ("step", step::SUMMARY, run_step),
];

fn run_step(args: &[OsString]) -> i32 {
    step::run(
        args,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    )
}

fn run_inspect(args: &[OsString]) -> i32 {
    inspect::run(
        args,
        &mut std::io::stdin().lock(),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    )
}

fn usage() -> String {
    let mut s = String::from(
        "usage: hellogate COMMAND [ARGS...]\n\n\
         Stateless first-flight gate for TLS 1.3, DTLS 1.2 and DTLS 1.3.\n\ncommands:\n",
    );
    for (name, summary, _) in COMMANDS {
        s.push_str(&format!("  {name:10} {summary}\n"));
    }
    s.push_str("\n`hellogate COMMAND --help` describes a command.");
    s
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let status = match args.first().and_then(|a| a.to_str()) {
        Some("-h" | "--help" | "help") => {
            println!("{}", usage());
            0
        }
        Some("-V" | "--version") => {
            println!("hellogate {}", env!("CARGO_PKG_VERSION"));
            0
        }
        Some(name) => match COMMANDS.iter().find(|(n, _, _)| *n == name) {
            Some((_, _, runner)) => runner(args.get(1..).unwrap_or(&[])),
            None => usage_error(&format!("unknown command '{name}'")),
        },
        None if args.is_empty() => usage_error("no command"),
        None => usage_error("command is not valid UTF-8"),
    };
    ExitCode::from(u8::try_from(status).unwrap_or(1))
}

fn usage_error(msg: &str) -> i32 {
    let _ = writeln!(std::io::stderr(), "error: {msg}\n\n{}", usage());
    inspect::EXIT_USAGE
}
