//! `intercom-validate`: checks JSON payloads against a schema of the Intercom
//! API, for CI. Each file is read once (NDJSON line by line, so memory stays
//! bounded), every error is reported with its line and column, and the exit
//! code says what happened: 0 all as expected, 1 some payload is not, 2 the
//! input could not be checked at all.

mod report;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use intercom_runtime::{Position, SchemaEntry, SyntaxError, ValidationError};

use report::{Outcome, Payload, Reporter};

#[derive(Parser)]
#[command(
    name = "intercom-validate",
    version,
    about = "Validate JSON payloads against a schema of the Intercom API",
    after_help = "Examples:
  intercom-validate --list
  intercom-validate --list-operations
  intercom-validate --schema conversation_statistics stats.json
  curl -s $URL | intercom-validate --schema conversation_statistics
  intercom-validate --schema convert_visitor_request --ndjson --format github requests.ndjson
  intercom-validate --schema convert_visitor_request --expect invalid fixtures/bad/*.json
  intercom-validate --schema conversation_statistics --format junit fixtures/*.json > report.xml

Exit codes: 0 when every payload is as expected (valid, or invalid with --expect invalid),
1 when some payload is not, 2 for bad usage, unreadable files and input that is not JSON."
)]
struct Cli {
    /// The schema to validate against, as `--list` names it. Example: --schema conversation_statistics
    #[arg(
        long,
        value_name = "NAME",
        required_unless_present_any = ["list", "list_operations"]
    )]
    schema: Option<String>,
    /// Files to read; none, or `-`, reads standard input. Example: payloads/*.json
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// One payload a line (newline-delimited JSON); blank lines are skipped. Example: --ndjson
    #[arg(long)]
    ndjson: bool,
    /// How to report. Example: --format github
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// What the payloads should be; with `invalid`, success means every payload is invalid. Example: --expect invalid
    #[arg(long, value_enum, default_value_t = Expect::Valid)]
    expect: Expect,
    /// List the schema names and exit. Example: --list
    #[arg(long)]
    list: bool,
    /// List every operation (id, method, path), a line each, and exit. Example: --list-operations
    #[arg(long, conflicts_with = "list")]
    list_operations: bool,
}

/// How results are printed.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `FILE:LINE:COLUMN: <pointer>: <message> (<keyword location>)`, then a summary line.
    Text,
    /// One JSON object per payload, a line each.
    Json,
    /// GitHub Actions workflow commands (`::error file=…,line=…,col=…::…`).
    Github,
    /// A JUnit XML report: a test suite per file, a test case per payload.
    Junit,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Expect {
    Valid,
    Invalid,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.list {
        let mut out = std::io::stdout().lock();
        for name in intercom_models::schema_names() {
            let _ = writeln!(out, "{name}");
        }
        return ExitCode::SUCCESS;
    }
    if cli.list_operations {
        let mut out = std::io::stdout().lock();
        for operation in intercom_models::OPERATIONS {
            let _ = writeln!(
                out,
                "{} {} {}",
                operation.id, operation.method, operation.path
            );
        }
        return ExitCode::SUCCESS;
    }
    let name = cli.schema.as_deref().unwrap_or_default();
    let Some(schema) = intercom_models::schema(name) else {
        eprintln!(
            "error: there is no schema called `{name}`{}; `intercom-validate --list` lists them all",
            suggestions(name)
        );
        return ExitCode::from(2);
    };
    let stdout = std::io::stdout();
    let mut reporter = Reporter::new(cli.format, cli.expect, schema.name, stdout.lock());
    let inputs: Vec<Option<PathBuf>> = if cli.files.is_empty() {
        vec![None]
    } else {
        cli.files
            .iter()
            .map(|f| (f.as_os_str() != "-").then(|| f.clone()))
            .collect()
    };
    for input in inputs {
        let label = input
            .as_ref()
            .map_or_else(|| "<stdin>".to_owned(), |p| p.display().to_string());
        reporter.begin_file(&label);
        let result = match &input {
            Some(path) => match std::fs::File::open(path) {
                Ok(file) => check(file, cli.ndjson, schema, &label, &mut reporter),
                Err(error) => Err(format!("cannot read: {error}")),
            },
            None => check(
                std::io::stdin().lock(),
                cli.ndjson,
                schema,
                &label,
                &mut reporter,
            ),
        };
        if let Err(message) = result {
            reporter.file_error(&label, None, &message);
        }
        reporter.end_file();
    }
    ExitCode::from(reporter.finish())
}

/// ` (did you mean a, b?)` for the names closest to `name`.
fn suggestions(name: &str) -> String {
    let mut scored: Vec<(f64, &str)> = intercom_models::schema_names()
        .map(|candidate| (strsim::jaro_winkler(name, candidate), candidate))
        .filter(|(score, _)| *score > 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let names: Vec<&str> = scored.iter().take(3).map(|(_, n)| *n).collect();
    if names.is_empty() {
        String::new()
    } else {
        format!(" (closest: {})", names.join(", "))
    }
}

/// Reads one input and reports each payload; `Err` when it cannot be read at all.
fn check(
    mut input: impl Read,
    ndjson: bool,
    schema: &SchemaEntry,
    label: &str,
    reporter: &mut Reporter<impl Write>,
) -> Result<(), String> {
    if !ndjson {
        let mut bytes = Vec::new();
        input
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read: {e}"))?;
        let outcome = judge(&bytes, schema, 0);
        reporter.payload(
            Payload {
                file: label,
                line: 1,
            },
            outcome,
        );
        return Ok(());
    }
    let mut reader = BufReader::new(input);
    let mut line = Vec::new();
    let mut number = 0u64;
    let mut payloads = 0usize;
    loop {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| format!("cannot read after line {number}: {e}"))?;
        if read == 0 {
            break;
        }
        number += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        payloads += 1;
        let outcome = judge(&line, schema, number - 1);
        reporter.payload(
            Payload {
                file: label,
                line: number,
            },
            outcome,
        );
    }
    if payloads == 0 {
        reporter.payload(
            Payload {
                file: label,
                line: 1,
            },
            Outcome::Syntax(SyntaxError {
                message: "the file holds no payload (expected one JSON document a line)".into(),
                position: Position { line: 1, column: 1 },
            }),
        );
    }
    Ok(())
}

/// The verdict on one JSON document, with positions moved down by `line_offset` lines.
fn judge(bytes: &[u8], schema: &SchemaEntry, line_offset: u64) -> Outcome {
    let shift = |mut position: Position| {
        position.line += line_offset;
        position
    };
    let syntax = |message: String, position: Position| {
        Outcome::Syntax(SyntaxError {
            message,
            position: shift(position),
        })
    };
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return syntax(
            "the payload starts with a UTF-8 byte-order mark, which JSON does not allow; save it without one".into(),
            Position { line: 1, column: 1 },
        );
    }
    if let Err(error) = std::str::from_utf8(bytes) {
        let valid = &bytes[..error.valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() as u64 + 1;
        let start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&valid[start..]).chars().count() as u64 + 1;
        return syntax(
            format!("invalid UTF-8 (byte 0x{:02X})", bytes[error.valid_up_to()]),
            Position { line, column },
        );
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return syntax(
            "the input is empty (expected a JSON document)".into(),
            Position { line: 1, column: 1 },
        );
    }
    match (schema.validate_bytes)(bytes) {
        Err(mut error) => {
            error.message = if error.message.starts_with("recursion limit exceeded") {
                "the payload nests deeper than 128 levels".into()
            } else {
                format!("invalid JSON: {}", error.message)
            };
            syntax(error.message, error.position)
        }
        Ok(mut errors) => {
            shift_errors(&mut errors, line_offset);
            Outcome::Checked(errors)
        }
    }
}

fn shift_errors(errors: &mut [ValidationError], line_offset: u64) {
    for error in errors {
        if let Some(position) = &mut error.position {
            position.line += line_offset;
        }
        shift_errors(&mut error.context, line_offset);
    }
}
