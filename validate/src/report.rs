//! Printing results in the four formats, and the counts behind the summary
//! and the exit code. Text, JSON and GitHub output is written as each payload
//! is judged, so a long NDJSON stream shows its errors as it goes; JUnit is
//! one XML document and is written at the end.

use std::io::Write;

use intercom_runtime::{SyntaxError, ValidationError};
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
        }
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
    pub fn file_error(&mut self, label: &str, line: Option<u64>, message: &str) {
        self.unreadable += 1;
        let at = line.map_or_else(String::new, |l| format!(":{l}"));
        match self.format {
            Format::Text => {
                let _ = writeln!(self.out, "{label}{at}: error: {message}");
            }
            Format::Json => {
                let _ = writeln!(
                    self.out,
                    "{}",
                    json!({"file": label, "valid": null, "error": {"message": message}})
                );
            }
            Format::Github => {
                let _ = writeln!(
                    self.out,
                    "::error file={}::{}",
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
                    });
                }
            }
            Outcome::Checked(errors) => {
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
                            let mut message = plain_message(error);
                            for inner in &error.context {
                                message.push('\n');
                                message.push_str(&plain_message(inner));
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
                    });
                }
            }
        }
        let _ = self.out.flush();
    }

    /// Prints the summary (or the JUnit report) and gives the exit code.
    pub fn finish(mut self) -> u8 {
        let summary = format!(
            "{} file(s), {} payload(s): {} valid, {} invalid{}",
            self.files,
            self.payloads,
            self.valid,
            self.invalid,
            if self.unreadable > 0 {
                format!(", {} could not be checked", self.unreadable)
            } else {
                String::new()
            }
        );
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

fn text_line(file: &str, error: &ValidationError) -> String {
    let (line, column) = error.position.map_or((0, 0), |p| (p.line, p.column));
    let pointer = if error.instance_location.is_empty() {
        "(root)"
    } else {
        &error.instance_location
    };
    format!(
        "{file}:{line}:{column}: {pointer}: {} ({})",
        error.message, error.keyword_location
    )
}

fn plain_message(error: &ValidationError) -> String {
    let pointer = if error.instance_location.is_empty() {
        "(root)"
    } else {
        &error.instance_location
    };
    format!("{pointer}: {} ({})", error.message, error.keyword_location)
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

/// Workflow-command data: `%`, CR and LF are escaped.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Workflow-command properties also escape `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
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
    fn workflow_commands_and_xml_are_escaped() {
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(escape_data("50%\r\n"), "50%25%0D%0A");
        assert_eq!(
            xml_escape("<a href=\"x\">&'\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;\\u{0001}"
        );
    }
}
