//! `intercom-validate` as a library: what the command line does, for the
//! binary and for the benchmarks. Payloads (`judge`), recorded exchanges
//! (`exchanges` reads them, `traffic` routes and checks them) and the four
//! report formats (`report`).

#![forbid(unsafe_code)]

pub mod exchanges;
pub mod in_order;
pub mod report;
pub mod traffic;
pub mod whole;

use clap::ValueEnum;
use intercom_runtime::{Position, SchemaEntry, SyntaxError, ValidationError};

use report::Outcome;

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

/// Calls `each` with the number (from 1) and the bytes of every line of
/// `reader` that is not blank; returns how many there were. An NDJSON
/// payload file and an NDJSON exchange log are read alike.
pub fn for_each_ndjson_line(
    mut reader: impl std::io::BufRead,
    mut each: impl FnMut(u64, &[u8]),
) -> Result<usize, String> {
    let mut line = Vec::new();
    let mut number = 0u64;
    let mut lines = 0usize;
    loop {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| format!("cannot read after line {number}: {e}"))?;
        if read == 0 {
            return Ok(lines);
        }
        number += 1;
        // Without its line ending: a payload cut short then ends on its own
        // line, not at the start of the next.
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if !text.iter().all(u8::is_ascii_whitespace) {
            lines += 1;
            each(number, text);
        }
    }
}

/// The verdict on one JSON document, with positions moved down by `line_offset` lines.
pub fn judge(bytes: &[u8], schema: &SchemaEntry, line_offset: u64) -> Outcome {
    judge_text(bytes, false, schema, line_offset)
}

/// [`judge`], told whether `bytes` are known to be UTF-8 (a recorded
/// body read from a JSON string): then they are not checked again.
pub fn judge_text(bytes: &[u8], utf8: bool, schema: &SchemaEntry, line_offset: u64) -> Outcome {
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
    if !utf8 && let Err(error) = std::str::from_utf8(bytes) {
        return syntax(
            format!("invalid UTF-8 (byte 0x{:02X})", bytes[error.valid_up_to()]),
            intercom_runtime::scan::position(bytes, error.valid_up_to()),
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
