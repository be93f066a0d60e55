//! Printing results in the four formats, and the counts behind the summary
//! and the exit code. Text, JSON and GitHub output is written as each payload
//! is judged, so a long NDJSON stream shows its errors as it goes; JUnit is
//! one XML document and is written at the end.

use std::io::Write;

use intercom_runtime::workflow::{escape_data, escape_property};
use intercom_runtime::{Position, SyntaxError, ValidationError};
use serde_json::{Value, json};

use crate::{Expect, Format};

/// Where a payload starts.
pub struct Payload<'a> {
    pub file: &'a str,
    pub line: u64,
}

/// What became of a payload.
pub enum Outcome {
    /// Parsed and validated: its errors (none when valid).
    Checked(Vec<ValidationError>),
    /// Not JSON, or not readable as one document.
    Syntax(SyntaxError),
}

struct Case {
    name: String,
    failure: Option<(String, String)>,
    error: Option<String>,
    skipped: Option<String>,
}

pub struct Reporter<W: Write> {
    format: Format,
    expect: Expect,
    schema: &'static str,
    out: W,
    files: usize,
    payloads: usize,
    valid: usize,
    invalid: usize,
    unreadable: usize,
    unexpected: usize,
    /// For JUnit: the cases of each file.
    suites: Vec<(String, Vec<Case>)>,
    /// With `--exchanges`: the counts the summary gives instead of payloads.
    traffic: Option<TrafficCounts>,
    /// With `--summary`: for each failing keyword location, the payloads
    /// failing it and an example.
    drift: Option<Drift>,
}

#[derive(Default)]
struct TrafficCounts {
    exchanges: usize,
    unrouted: usize,
    undocumented: usize,
    skipped: usize,
    unexpected_bodies: usize,
    unreadable: usize,
}

/// How often each keyword location fails, over payloads (a payload failing
/// one twice counts once), with the first place it failed.
#[derive(Default)]
struct Drift {
    failing: std::collections::HashMap<String, (usize, String)>,
}

/// One side of a recorded exchange, as the report names it.
#[derive(Clone, Copy)]
pub struct Side<'a> {
    pub file: &'a str,
    /// HAR: the index in `log.entries`; NDJSON: the line.
    pub entry: u64,
    /// Where the exchange starts in the file.
    pub line: u64,
    /// Whether body positions are in the file (NDJSON) or in the body's
    /// own text (HAR).
    pub har: bool,
    pub method: &'a str,
    pub path: &'a str,
    pub operation: Option<&'a str>,
    /// `request` or `response`; `exchange` for what concerns both.
    pub side: &'static str,
    pub status: Option<u16>,
    pub schema: Option<&'a str>,
}

impl Side<'_> {
    /// `entries[3] POST /contacts CreateContact response 200`.
    fn label(&self) -> String {
        use std::fmt::Write as _;
        // Made in one string: every invalid side of a big recording has one.
        let mut label = String::with_capacity(48 + self.path.len());
        if self.har {
            let _ = write!(label, "entries[{}]", self.entry);
        } else {
            let _ = write!(label, "line {}", self.entry);
        }
        if self.method.is_empty() {
            return label;
        }
        let operation = self.operation.unwrap_or("(no operation)");
        for part in [self.method, self.path, operation, self.side] {
            label.push(' ');
            label.push_str(part);
        }
        if let ("response", Some(status)) = (self.side, self.status) {
            let _ = write!(label, " {status}");
        }
        label
    }
}

/// What became of one side of an exchange.
pub enum SideOutcome {
    /// Validated against its schema: its errors (none when valid).
    Checked(Vec<ValidationError>),
    /// A body that could not be read as JSON although it says it is.
    Syntax(SyntaxError),
    /// Not checked, and why (a body that is not JSON, a documented body
    /// without a schema).
    Skipped(String),
    /// No operation has this method and path.
    Unrouted,
    /// The operation does not document the status.
    Undocumented(String),
    /// A body where the operation documents none.
    UnexpectedBody(String),
    /// The exchange itself could not be read.
    Unreadable(SyntaxError),
}

/// How unrouted exchanges count.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Unrouted {
    /// A failure: exit 1.
    Error,
    /// Reported, and not a failure.
    Warn,
    /// Counted only.
    Ignore,
}

impl<W: Write> Reporter<W> {
    pub fn new(format: Format, expect: Expect, schema: &'static str, out: W) -> Self {
        Reporter {
            format,
            expect,
            schema,
            out,
            files: 0,
            payloads: 0,
            valid: 0,
            invalid: 0,
            unreadable: 0,
            unexpected: 0,
            suites: Vec::new(),
            traffic: None,
            drift: None,
        }
    }

    /// Reports exchanges (`--exchanges`) instead of payloads.
    pub fn for_exchanges(mut self) -> Self {
        self.traffic = Some(TrafficCounts::default());
        self
    }

    /// Tallies failing keyword locations for `--summary`.
    pub fn with_drift_summary(mut self) -> Self {
        self.drift = Some(Drift::default());
        self
    }

    fn tally(&mut self, errors: &[ValidationError], example: impl Fn(&ValidationError) -> String) {
        let Some(drift) = &mut self.drift else {
            return;
        };
        let mut seen = std::collections::HashSet::new();
        for error in errors {
            if seen.insert(error.keyword_location) {
                drift
                    .failing
                    .entry(error.keyword_location.to_owned())
                    .or_insert_with(|| (0, example(error)))
                    .0 += 1;
            }
        }
    }

    /// A new exchange: counted once, whatever its sides give.
    pub fn exchange(&mut self) {
        if let Some(traffic) = &mut self.traffic {
            traffic.exchanges += 1;
        }
    }

    /// One side of an exchange. `unrouted` says how an exchange no
    /// operation matches counts.
    pub fn side(&mut self, side: &Side<'_>, outcome: SideOutcome, unrouted: Unrouted) {
        // (level, message) of a finding that is not a list of errors.
        let finding: Option<(&str, String)> = match &outcome {
            SideOutcome::Checked(_) => None,
            // The run goes on past an exchange or a body it cannot read: a
            // failure of that exchange (exit 1), where a file that cannot
            // be read at all is exit 2.
            SideOutcome::Syntax(error) | SideOutcome::Unreadable(error) => {
                self.unexpected += 1;
                if matches!(outcome, SideOutcome::Syntax(_)) {
                    // Read and found not to be JSON: checked, and invalid.
                    self.payloads += 1;
                    self.invalid += 1;
                } else {
                    self.traffic
                        .get_or_insert_with(TrafficCounts::default)
                        .unreadable += 1;
                }
                let at = if side.har && matches!(outcome, SideOutcome::Syntax(_)) {
                    format!("body {}:{}: ", error.position.line, error.position.column)
                } else {
                    String::new()
                };
                Some(("error", format!("{at}{}", error.message)))
            }
            SideOutcome::Skipped(why) => {
                self.traffic
                    .get_or_insert_with(TrafficCounts::default)
                    .skipped += 1;
                Some(("notice", format!("not checked: {why}")))
            }
            SideOutcome::Unrouted => {
                self.traffic
                    .get_or_insert_with(TrafficCounts::default)
                    .unrouted += 1;
                let message = format!(
                    "no operation of the reference has {} {}",
                    side.method, side.path
                );
                match unrouted {
                    Unrouted::Error => {
                        self.unexpected += 1;
                        Some(("error", message))
                    }
                    Unrouted::Warn => Some(("warning", message)),
                    Unrouted::Ignore => Some(("ignore", message)),
                }
            }
            SideOutcome::Undocumented(message) => {
                self.traffic
                    .get_or_insert_with(TrafficCounts::default)
                    .undocumented += 1;
                Some(("warning", message.clone()))
            }
            SideOutcome::UnexpectedBody(message) => {
                self.traffic
                    .get_or_insert_with(TrafficCounts::default)
                    .unexpected_bodies += 1;
                self.invalid += 1;
                self.unexpected += 1;
                Some(("error", message.clone()))
            }
        };
        let checked = match &outcome {
            SideOutcome::Checked(errors) => Some(errors.as_slice()),
            _ => None,
        };
        // Most sides are valid and print nothing: their label is not made.
        let quiet = finding.is_none()
            && checked.is_some_and(<[ValidationError]>::is_empty)
            && self.format != Format::Junit;
        let label = if quiet { String::new() } else { side.label() };
        if let Some(errors) = checked {
            self.payloads += 1;
            if errors.is_empty() {
                self.valid += 1;
            } else {
                self.invalid += 1;
                self.unexpected += 1;
            }
            let file = side.file;
            let at = side.line;
            self.tally(errors, |error| {
                format!(
                    "{} ({file}:{at} {label})",
                    pointer_or_root(&error.instance_location)
                )
            });
        }
        // Where an error of this side is, in the file: an NDJSON body's
        // positions are in the file; a HAR body's are in its own text, so
        // the annotation goes on the entry's line and the message says
        // where in the body.
        let placed = |error: &ValidationError| -> (u64, Option<u64>, String) {
            match (side.har, error.position) {
                (false, Some(p)) => (p.line, Some(p.column), String::new()),
                (true, Some(p)) => (side.line, None, format!("body {}:{}: ", p.line, p.column)),
                (_, None) => (side.line, None, String::new()),
            }
        };
        match self.format {
            Format::Text => {
                if let Some(errors) = checked {
                    // Written in pieces, without a string made for each:
                    // a recording can have thousands of errors.
                    for error in errors {
                        let _ = text_error(&mut self.out, side, error, Some(&label));
                        for inner in &error.context {
                            let _ = text_error(&mut self.out, side, inner, None);
                        }
                    }
                }
                if let Some((level, message)) = &finding
                    && *level != "ignore"
                    && *level != "notice"
                {
                    let _ = writeln!(
                        self.out,
                        "{}:{}: {level}: {label}: {message}",
                        side.file, side.line
                    );
                }
            }
            Format::Json => {
                let valid = match &outcome {
                    SideOutcome::Checked(errors) => json!(errors.is_empty()),
                    SideOutcome::UnexpectedBody(_) => json!(false),
                    _ => Value::Null,
                };
                let errors: Vec<Value> =
                    checked.unwrap_or_default().iter().map(error_json).collect();
                let mut line = json!({
                    "file": side.file, "entry": side.entry, "line": side.line,
                    "method": side.method, "path": side.path, "operation": side.operation,
                    "side": side.side, "status": side.status, "schema": side.schema,
                    "valid": valid, "errors": errors,
                });
                if let Some((_, message)) = &finding {
                    line["note"] = json!(message);
                }
                let _ = writeln!(self.out, "{line}");
            }
            Format::Github => {
                if let Some(errors) = checked {
                    for error in errors {
                        let (line, column, body) = placed(error);
                        let column = column.map_or_else(String::new, |c| format!(",col={c}"));
                        let mut message = format!("{label}: {body}{}", Plain(error));
                        for inner in &error.context {
                            message.push('\n');
                            message.push_str(&Plain(inner).to_string());
                        }
                        let _ = writeln!(
                            self.out,
                            "::error file={},line={line}{column}::{}",
                            escape_property(side.file),
                            escape_data(&message)
                        );
                    }
                }
                if let Some((level, message)) = &finding
                    && *level != "ignore"
                {
                    let _ = writeln!(
                        self.out,
                        "::{level} file={},line={}::{}",
                        escape_property(side.file),
                        side.line,
                        escape_data(&format!("{label}: {message}"))
                    );
                }
            }
            Format::Junit => {}
        }
        // Only JUnit keeps a case per side; the other formats have written
        // all they say of it above, and making the case's texts for them
        // cost more than writing the report (a HAR with 2,000 invalid bodies).
        if self.format == Format::Junit {
            let failure = match (&outcome, &finding) {
                (SideOutcome::Checked(errors), _) if !errors.is_empty() => {
                    let lines: Vec<String> = errors
                        .iter()
                        .map(|error| {
                            let (line, column, body) = placed(error);
                            let column = column.map_or_else(String::new, |c| format!("{c}:"));
                            format!("{}:{line}:{column} {body}{}", side.file, Plain(error))
                        })
                        .collect();
                    Some((
                        format!(
                            "{} error(s) against {}",
                            errors.len(),
                            side.schema.unwrap_or("?")
                        ),
                        lines.join("\n"),
                    ))
                }
                (SideOutcome::UnexpectedBody(_), Some((_, message))) => {
                    Some((message.clone(), String::new()))
                }
                (SideOutcome::Unrouted, Some((_, message))) if unrouted == Unrouted::Error => {
                    Some((message.clone(), String::new()))
                }
                _ => None,
            };
            let error = match &outcome {
                SideOutcome::Syntax(_) | SideOutcome::Unreadable(_) => {
                    finding.as_ref().map(|(_, m)| m.clone())
                }
                _ => None,
            };
            let skipped = matches!(
                outcome,
                SideOutcome::Skipped(_) | SideOutcome::Undocumented(_)
            ) || matches!(outcome, SideOutcome::Unrouted if unrouted != Unrouted::Error);
            if let Some(cases) = self.junit_cases() {
                cases.push(Case {
                    name: format!("{}:{} {label}", side.file, side.line),
                    failure,
                    error,
                    skipped: skipped.then(|| finding.map(|(_, m)| m).unwrap_or_default()),
                });
            }
        }
        let _ = self.out.flush();
    }

    /// Where a test case goes: only JUnit keeps them, so memory stays bounded otherwise.
    fn junit_cases(&mut self) -> Option<&mut Vec<Case>> {
        if self.format != Format::Junit {
            return None;
        }
        self.suites.last_mut().map(|(_, cases)| cases)
    }

    pub fn begin_file(&mut self, label: &str) {
        self.files += 1;
        self.suites.push((label.to_owned(), Vec::new()));
    }

    pub fn end_file(&mut self) {
        let _ = self.out.flush();
    }

    /// A file that could not be read at all.
    pub fn file_error(&mut self, label: &str, at: Option<Position>, message: &str) {
        self.unreadable += 1;
        let place = at.map_or_else(String::new, |p| format!(":{}:{}", p.line, p.column));
        match self.format {
            Format::Text => {
                let _ = writeln!(self.out, "{label}{place}: error: {message}");
            }
            Format::Json => {
                let error = match at {
                    Some(p) => json!({"message": message, "line": p.line, "column": p.column}),
                    None => json!({"message": message}),
                };
                let _ = writeln!(
                    self.out,
                    "{}",
                    json!({"file": label, "valid": null, "error": error})
                );
            }
            Format::Github => {
                let place = at.map_or_else(String::new, |p| {
                    format!(",line={},col={}", p.line, p.column)
                });
                let _ = writeln!(
                    self.out,
                    "::error file={}{place}::{}",
                    escape_property(label),
                    escape_data(message)
                );
            }
            Format::Junit => {}
        }
        if let Some(cases) = self.junit_cases() {
            cases.push(Case {
                name: label.to_owned(),
                failure: None,
                error: Some(message.to_owned()),
                skipped: None,
            });
        }
    }

    pub fn payload(&mut self, payload: Payload<'_>, outcome: Outcome) {
        let case_name = format!("{}:{}", payload.file, payload.line);
        match outcome {
            Outcome::Syntax(error) => {
                self.unreadable += 1;
                let p = error.position;
                match self.format {
                    Format::Text => {
                        let _ = writeln!(
                            self.out,
                            "{}:{}:{}: error: {}",
                            payload.file, p.line, p.column, error.message
                        );
                    }
                    Format::Json => {
                        let _ = writeln!(
                            self.out,
                            "{}",
                            json!({
                                "file": payload.file, "line": payload.line, "valid": null,
                                "error": {"message": error.message, "line": p.line, "column": p.column}
                            })
                        );
                    }
                    Format::Github => {
                        let _ = writeln!(
                            self.out,
                            "::error file={},line={},col={}::{}",
                            escape_property(payload.file),
                            p.line,
                            p.column,
                            escape_data(&error.message)
                        );
                    }
                    Format::Junit => {}
                }
                if let Some(cases) = self.junit_cases() {
                    cases.push(Case {
                        name: case_name,
                        failure: None,
                        error: Some(format!(
                            "{}:{}:{}: {}",
                            payload.file, p.line, p.column, error.message
                        )),
                        skipped: None,
                    });
                }
            }
            Outcome::Checked(errors) => {
                let (file, line) = (payload.file, payload.line);
                self.tally(&errors, |error| {
                    format!(
                        "{} ({file}:{line})",
                        pointer_or_root(&error.instance_location)
                    )
                });
                self.payloads += 1;
                let is_valid = errors.is_empty();
                if is_valid {
                    self.valid += 1;
                } else {
                    self.invalid += 1;
                }
                let as_expected = is_valid == (self.expect == Expect::Valid);
                if !as_expected {
                    self.unexpected += 1;
                }
                match self.format {
                    Format::Text => {
                        for error in &errors {
                            let _ = writeln!(self.out, "{}", text_line(payload.file, error));
                            for inner in &error.context {
                                let _ =
                                    writeln!(self.out, "    {}", text_line(payload.file, inner));
                            }
                        }
                        if is_valid && self.expect == Expect::Invalid {
                            let _ = writeln!(
                                self.out,
                                "{}:{}:1: error: valid against {}, but invalid was expected",
                                payload.file, payload.line, self.schema
                            );
                        }
                    }
                    Format::Json => {
                        let errors: Vec<Value> = errors.iter().map(error_json).collect();
                        let _ = writeln!(
                            self.out,
                            "{}",
                            json!({
                                "file": payload.file, "line": payload.line, "schema": self.schema,
                                "valid": is_valid, "as_expected": as_expected, "errors": errors
                            })
                        );
                    }
                    Format::Github => {
                        let level = if as_expected { "notice" } else { "error" };
                        for error in &errors {
                            let p = error.position.unwrap_or(intercom_runtime::Position {
                                line: payload.line,
                                column: 1,
                            });
                            let mut message = Plain(error).to_string();
                            for inner in &error.context {
                                message.push('\n');
                                message.push_str(&Plain(inner).to_string());
                            }
                            let _ = writeln!(
                                self.out,
                                "::{level} file={},line={},col={}::{}",
                                escape_property(payload.file),
                                p.line,
                                p.column,
                                escape_data(&message)
                            );
                        }
                        if is_valid && !as_expected {
                            let _ = writeln!(
                                self.out,
                                "::error file={},line={}::{}",
                                escape_property(payload.file),
                                payload.line,
                                escape_data(&format!(
                                    "valid against {}, but invalid was expected",
                                    self.schema
                                ))
                            );
                        }
                    }
                    Format::Junit => {}
                }
                let failure = (!as_expected).then(|| {
                    if is_valid {
                        (
                            format!("valid against {}, but invalid was expected", self.schema),
                            String::new(),
                        )
                    } else {
                        let lines: Vec<String> =
                            errors.iter().map(|e| text_line(payload.file, e)).collect();
                        (
                            format!("{} error(s) against {}", errors.len(), self.schema),
                            lines.join("\n"),
                        )
                    }
                });
                if let Some(cases) = self.junit_cases() {
                    cases.push(Case {
                        name: case_name,
                        failure,
                        error: None,
                        skipped: None,
                    });
                }
            }
        }
        let _ = self.out.flush();
    }

    /// Prints the summary (or the JUnit report) and gives the exit code.
    pub fn finish(mut self) -> u8 {
        let unreadable = if self.unreadable > 0 {
            format!(", {} could not be checked", self.unreadable)
        } else {
            String::new()
        };
        let summary = match &self.traffic {
            None => format!(
                "{} file(s), {} payload(s): {} valid, {} invalid{unreadable}",
                self.files, self.payloads, self.valid, self.invalid,
            ),
            Some(traffic) => format!(
                "{} file(s), {} exchange(s): {} bodies checked, {} invalid, {} unrouted, {} undocumented status(es), {} skipped{}{unreadable}",
                self.files,
                traffic.exchanges,
                self.payloads,
                self.invalid,
                traffic.unrouted,
                traffic.undocumented,
                traffic.skipped,
                if traffic.unreadable > 0 {
                    format!(", {} exchange(s) not readable", traffic.unreadable)
                } else {
                    String::new()
                },
            ),
        };
        match self.format {
            Format::Text | Format::Github => {
                let _ = writeln!(self.out, "{summary}");
            }
            Format::Json => {}
            Format::Junit => {
                let xml = junit(self.schema, &self.suites);
                let _ = self.out.write_all(xml.as_bytes());
            }
        }
        if matches!(self.format, Format::Json | Format::Junit) {
            eprintln!("{summary}");
        }
        if let Some(drift) = &self.drift {
            let report = drift_report(drift);
            // After the report, where the report is read, unless that would
            // break a machine-read format.
            if matches!(self.format, Format::Text | Format::Github) {
                let _ = write!(self.out, "{report}");
            } else {
                eprint!("{report}");
            }
        }
        let _ = self.out.flush();
        if self.unreadable > 0 {
            2
        } else if self.unexpected > 0 {
            1
        } else {
            0
        }
    }
}

/// `--summary`: the failing keyword locations, most payloads first.
fn drift_report(drift: &Drift) -> String {
    let mut failing: Vec<(&String, &(usize, String))> = drift.failing.iter().collect();
    failing.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    if failing.is_empty() {
        return "no keyword failed\n".to_owned();
    }
    let mut out = String::from("failing keywords (payloads failing each, an example):\n");
    for (location, (count, example)) in failing {
        out.push_str(&format!("{count:>6}  {location}  e.g. {example}\n"));
    }
    out
}

fn pointer_or_root(pointer: &str) -> &str {
    if pointer.is_empty() {
        "(root)"
    } else {
        pointer
    }
}

fn text_line(file: &str, error: &ValidationError) -> String {
    let (line, column) = error.position.map_or((0, 0), |p| (p.line, p.column));
    format!("{file}:{line}:{column}: {}", Plain(error))
}

/// One error of a side in the text format: `FILE:LINE:[COLUMN:] LABEL:
/// [body L:C: ]POINTER: MESSAGE (KEYWORD)`, or for an error in another's
/// context, indented and without the label.
fn text_error(
    out: &mut impl Write,
    side: &Side<'_>,
    error: &ValidationError,
    label: Option<&str>,
) -> std::io::Result<()> {
    let indent = if label.is_some() { "" } else { "    " };
    match (side.har, error.position) {
        (false, Some(p)) => write!(out, "{indent}{}:{}:{}:", side.file, p.line, p.column)?,
        _ => write!(out, "{indent}{}:{}:", side.file, side.line)?,
    }
    if let Some(label) = label {
        write!(out, " {label}:")?;
    }
    if let (true, Some(p)) = (side.har, error.position) {
        write!(out, " body {}:{}:", p.line, p.column)?;
    }
    writeln!(out, " {}", Plain(error))
}

/// An error as every text report shows it: `POINTER: MESSAGE (KEYWORD)`,
/// the pointer `(root)` when it is empty.
struct Plain<'a>(&'a ValidationError);

impl std::fmt::Display for Plain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let error = self.0;
        let pointer = if error.instance_location.is_empty() {
            "(root)"
        } else {
            &error.instance_location
        };
        write!(
            f,
            "{pointer}: {} ({})",
            error.message, error.keyword_location
        )
    }
}

fn error_json(error: &ValidationError) -> Value {
    json!({
        "instance_location": error.instance_location,
        "keyword_location": error.keyword_location,
        "keyword": error.keyword,
        "message": error.message,
        "line": error.position.map(|p| p.line),
        "column": error.position.map(|p| p.column),
        "context": error.context.iter().map(error_json).collect::<Vec<_>>(),
    })
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot hold at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {
                out.push_str(&format!("\\u{{{:04x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

fn junit(schema: &str, suites: &[(String, Vec<Case>)]) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let tests: usize = suites.iter().map(|(_, c)| c.len()).sum();
    let failures: usize = suites
        .iter()
        .map(|(_, c)| c.iter().filter(|c| c.failure.is_some()).count())
        .sum();
    let errors: usize = suites
        .iter()
        .map(|(_, c)| c.iter().filter(|c| c.error.is_some()).count())
        .sum();
    xml.push_str(&format!(
        "<testsuites name=\"intercom-validate {}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n",
        xml_escape(schema)
    ));
    for (file, cases) in suites {
        let failures = cases.iter().filter(|c| c.failure.is_some()).count();
        let errors = cases.iter().filter(|c| c.error.is_some()).count();
        xml.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\">\n",
            xml_escape(file),
            cases.len()
        ));
        for case in cases {
            xml.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{}\"",
                xml_escape(&case.name),
                xml_escape(schema)
            ));
            match (&case.failure, &case.error) {
                (None, None) if case.skipped.is_some() => xml.push_str(&format!(
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                    xml_escape(case.skipped.as_deref().unwrap_or_default())
                )),
                (Some((message, body)), _) => xml.push_str(&format!(
                    ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                    xml_escape(message),
                    xml_escape(body)
                )),
                (None, Some(message)) => xml.push_str(&format!(
                    ">\n      <error message=\"{}\"/>\n    </testcase>\n",
                    xml_escape(message)
                )),
                (None, None) => xml.push_str("/>\n"),
            }
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_is_escaped() {
        assert_eq!(
            xml_escape("<a href=\"x\">&'\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;\\u{0001}"
        );
    }
}
