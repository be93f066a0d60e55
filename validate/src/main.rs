//! `intercom-validate`: checks JSON payloads against a schema of the Intercom
//! API, for CI. Each file is read once (NDJSON line by line, so memory stays
//! bounded), every error is reported with its line and column, and the exit
//! code says what happened: 0 all as expected, 1 some payload is not, 2 the
//! input could not be checked at all.

#![forbid(unsafe_code)]

use std::io::{BufReader, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use intercom_runtime::{Position, SchemaEntry, SyntaxError};

use intercom_validate::exchanges::{self, Form};
use intercom_validate::in_order::map_in_order;
use intercom_validate::report::{Outcome, Payload, Reporter, Unrouted};
use intercom_validate::traffic::{self, Threads};
use intercom_validate::{Expect, Format, judge};

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
  intercom-validate --operation CreateContact --request contact.json
  intercom-validate --operation ShowContact --response 401 error.json
  intercom-validate --exchanges --summary recorded.har
  intercom-validate --exchanges --unrouted error --format github traffic.ndjson

Exit codes: 0 when every payload is as expected (valid, or invalid with --expect invalid),
1 when some payload is not (with --exchanges: an invalid body, a body where the operation
documents none, or an unrouted exchange under --unrouted error), 2 for bad usage, unreadable
files and input that is not JSON."
)]
struct Cli {
    /// The schema to validate against, as `--list` names it. Example: --schema conversation_statistics
    #[arg(
        long,
        value_name = "NAME",
        required_unless_present_any = ["list", "list_operations", "operation", "exchanges"],
        conflicts_with_all = ["operation", "exchanges"]
    )]
    schema: Option<String>,
    /// Validate against an operation's request body or response schema, with --request or --response. Example: --operation CreateContact
    #[arg(long, value_name = "ID", conflicts_with = "exchanges")]
    operation: Option<String>,
    /// With --operation: the request body's schema. Example: --request
    #[arg(long, requires = "operation", conflicts_with = "response")]
    request: bool,
    /// With --operation: the schema of the response for STATUS (a code, resolved through ranges such as 2XX and then `default`). Example: --response 200
    #[arg(long, value_name = "STATUS", requires = "operation")]
    response: Option<String>,
    /// Read recorded exchanges (HAR 1.2, or NDJSON of {"method", "url" or "path", "status", "request", "response"}) and check each body against its operation's schema. Example: --exchanges
    #[arg(long, conflicts_with = "expect")]
    exchanges: bool,
    /// With --exchanges: how an exchange no operation matches counts. Example: --unrouted error
    #[arg(long, value_enum, default_value_t = Unrouted::Warn, requires = "exchanges")]
    unrouted: Unrouted,
    /// After the report, the failing keyword locations with the number of payloads failing each, most first, and an example of each. Example: --summary
    #[arg(long)]
    summary: bool,
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
    #[arg(long, value_enum)]
    expect: Option<Expect>,
    /// List the schema names and exit. Example: --list
    #[arg(long)]
    list: bool,
    /// List every operation (id, method, path), a line each, and exit. Example: --list-operations
    #[arg(long, conflicts_with = "list")]
    list_operations: bool,
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
    let expect = cli.expect.unwrap_or(Expect::Valid);
    let schema = if cli.exchanges {
        None
    } else {
        let found = match &cli.operation {
            Some(id) => operation_schema(id, cli.request, cli.response.as_deref()),
            None => {
                let name = cli.schema.as_deref().unwrap_or_default();
                intercom_models::schema(name).ok_or_else(|| {
                    format!(
                        "there is no schema called `{name}`{}; `intercom-validate --list` lists them all",
                        suggestions(name, intercom_models::schema_names())
                    )
                })
            }
        };
        match found {
            Ok(schema) => Some(schema),
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
        }
    };
    let stdout = std::io::stdout();
    let title = schema.map_or("exchanges", |s| s.name);
    let mut reporter = Reporter::new(cli.format, expect, title, stdout.lock());
    if cli.exchanges {
        reporter = reporter.for_exchanges();
    }
    if cli.summary {
        reporter = reporter.with_drift_summary();
    }
    let inputs: Vec<Option<PathBuf>> = if cli.files.is_empty() {
        vec![None]
    } else {
        cli.files
            .iter()
            .map(|f| (f.as_os_str() != "-").then(|| f.clone()))
            .collect()
    };
    if let Some(schema) = schema.filter(|_| !cli.ndjson) {
        // One document a file: the files are read and judged on every core,
        // and reported in their order.
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        let judge_file = |input: &Option<PathBuf>| (input_label(input), judge_input(input, schema));
        map_in_order(&inputs, threads, judge_file, |(label, outcome)| {
            reporter.begin_file(&label);
            match outcome {
                Ok(outcome) => reporter.payload(
                    Payload {
                        file: &label,
                        line: 1,
                    },
                    outcome,
                ),
                Err(message) => reporter.file_error(&label, None, &message),
            }
            reporter.end_file();
        });
        return ExitCode::from(reporter.finish());
    }
    // NDJSON and recorded exchanges are streamed, a file at a time.
    for input in inputs {
        let label = input_label(&input);
        reporter.begin_file(&label);
        let (read, len) = match read_input(&input) {
            Ok(opened) => opened,
            Err(message) => {
                reporter.file_error(&label, None, &message);
                reporter.end_file();
                continue;
            }
        };
        let result = match schema {
            Some(schema) => {
                check_ndjson(read, schema, &label, &mut reporter).map_err(|m| (None, m))
            }
            None => {
                // A second thread pays for itself from a few hundred
                // kilobytes on; a small file is checked before it is started.
                let threads = match len {
                    Some(len) if len < traffic::TWO_THREADS_FROM => Threads::One,
                    _ => Threads::available(),
                };
                // `--ndjson`, or the file's name, or else its first bytes.
                let form = if cli.ndjson {
                    Some(Form::Ndjson)
                } else {
                    input.as_deref().and_then(exchanges::form_of_name)
                };
                traffic::check_file(read, form, &label, cli.unrouted, threads, &mut reporter)
            }
        };
        if let Err((at, message)) = result {
            reporter.file_error(&label, at, &message);
        }
        reporter.end_file();
    }
    ExitCode::from(reporter.finish())
}

/// The schema `--operation ID` with `--request` or `--response STATUS`
/// names, or what is wrong with the request.
fn operation_schema(
    id: &str,
    request: bool,
    response: Option<&str>,
) -> Result<&'static SchemaEntry, String> {
    let Some(operation) = intercom_models::operation(id) else {
        return Err(format!(
            "there is no operation called `{id}`{}; `intercom-validate --list-operations` lists them all",
            suggestions(id, intercom_models::OPERATIONS.iter().map(|o| o.id))
        ));
    };
    let body = if request {
        let Some(request) = &operation.request else {
            return Err(format!("`{id}` documents no request body"));
        };
        request.body
    } else {
        let Some(status) = response else {
            return Err(format!(
                "say which body of `{id}` to check: --request, or --response STATUS (it documents {})",
                traffic::documented(operation)
            ));
        };
        // A documented key as written (`2XX`, `default`), or a code resolved
        // as OpenAPI does.
        let documented = operation
            .responses
            .iter()
            .find(|r| r.status.eq_ignore_ascii_case(status))
            .or_else(|| {
                status
                    .parse::<u16>()
                    .ok()
                    .and_then(|code| operation.response(code))
            });
        let Some(documented) = documented else {
            return Err(format!(
                "`{id}` does not document status {status}; it documents {}",
                traffic::documented(operation)
            ));
        };
        let Some(body) = documented.body else {
            return Err(format!(
                "`{id}` documents no body for status {}",
                documented.status
            ));
        };
        body
    };
    let Some(name) = body.schema.filter(|_| body.is_json()) else {
        return Err(format!(
            "`{id}` documents that body as `{}`, with no JSON schema to check",
            body.media_type
        ));
    };
    intercom_models::schema(name)
        .ok_or_else(|| format!("the schema `{name}` of `{id}` is not in this build"))
}

/// ` (closest: a, b)` for the names closest to `name`
/// (`intercom_runtime::suggest::closest`), or nothing when none is close.
fn suggestions<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let names = intercom_runtime::suggest::closest(name, candidates);
    if names.is_empty() {
        String::new()
    } else {
        format!(" (closest: {})", names.join(", "))
    }
}

/// How a report names an input: its path, or `<stdin>`.
fn input_label(input: &Option<PathBuf>) -> String {
    input
        .as_ref()
        .map_or_else(|| "<stdin>".to_owned(), |p| p.display().to_string())
}

/// An input opened for reading, with its length when it is a regular file
/// (which lets a big payload be read in one go: `whole`).
fn read_input(input: &Option<PathBuf>) -> Result<(Box<dyn Read + Send>, Option<u64>), String> {
    let Some(path) = input else {
        // Not locked: a HAR file may be read on a second thread.
        return Ok((Box::new(std::io::stdin()), None));
    };
    let file = std::fs::File::open(path).map_err(|error| format!("cannot read: {error}"))?;
    let len = file
        .metadata()
        .ok()
        .filter(|metadata| metadata.is_file())
        .map(|metadata| metadata.len());
    Ok((Box::new(file), len))
}

/// The verdict on an input that holds one document; `Err` when it cannot be read.
fn judge_input(input: &Option<PathBuf>, schema: &SchemaEntry) -> Result<Outcome, String> {
    let (read, len) = read_input(input)?;
    let bytes = intercom_validate::whole::read_whole(read, len)
        .map_err(|error| format!("cannot read: {error}"))?;
    Ok(judge(&bytes, schema, 0))
}

/// Reads one NDJSON input and reports each payload; `Err` when it cannot be read at all.
fn check_ndjson(
    input: impl Read,
    schema: &SchemaEntry,
    label: &str,
    reporter: &mut Reporter<impl Write>,
) -> Result<(), String> {
    let payloads =
        intercom_validate::for_each_ndjson_line(BufReader::new(input), |number, line| {
            let outcome = judge(line, schema, number - 1);
            reporter.payload(
                Payload {
                    file: label,
                    line: number,
                },
                outcome,
            );
        })?;
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
