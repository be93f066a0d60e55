//! `--exchanges`: each recorded exchange routed to its operation by method
//! and path, and each JSON body checked against the schema its operation
//! gives for that side and status.

use std::io::{BufRead, BufReader, Read, Write};
use std::ops::Range;

use intercom_runtime::operations::{Operation, Router, request_path_span};
use intercom_runtime::{Position, SyntaxError};

use crate::exchanges::{self, Body, Exchange, Form};
use crate::judge_text;
use crate::report::Outcome;
use crate::report::{Reporter, Side, SideOutcome, Unrouted};

mod pipeline;

/// How many threads read and check a HAR file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threads {
    /// Read and check on the calling thread.
    One,
    /// Read on a second thread while the calling thread checks and reports
    /// (the report is the same, byte for byte).
    Two,
}

/// The size of a file from which the command line reads a HAR file on a
/// second thread, when there is one: below it, starting the thread costs
/// more than it saves.
pub const TWO_THREADS_FROM: u64 = 256 << 10;

impl Threads {
    /// `Two` where the machine runs two threads at once, else `One`.
    pub fn available() -> Self {
        match std::thread::available_parallelism() {
            Ok(n) if n.get() >= 2 => Threads::Two,
            _ => Threads::One,
        }
    }
}

/// Reads one file of exchanges and reports each as it is read; `Err` when
/// the file as a whole cannot be read (the exchanges before the point where
/// it failed have been reported). A HAR file is streamed entry by entry, and
/// NDJSON line by line; the form is told from the first bytes unless
/// `form` says it. `threads` says how a HAR file is read (NDJSON is read
/// on the calling thread).
pub fn check_file(
    input: impl Read + Send,
    form: Option<Form>,
    label: &str,
    unrouted: Unrouted,
    threads: Threads,
    reporter: &mut Reporter<impl Write>,
) -> Result<(), (Option<Position>, String)> {
    let mut input = BufReader::with_capacity(1 << 16, input);
    let mut prefix = Vec::new();
    Read::by_ref(&mut input)
        .take(exchanges::FORM_PREFIX)
        .read_to_end(&mut prefix)
        .map_err(|e| (None, format!("cannot read: {e}")))?;
    // As a payload's: said once for the file, not as an error on every line.
    if prefix.starts_with(b"\xEF\xBB\xBF") {
        return Err((
            Some(Position { line: 1, column: 1 }),
            "the file starts with a UTF-8 byte-order mark, which JSON does not allow; save it without one".into(),
        ));
    }
    let form = form.unwrap_or_else(|| exchanges::form(&prefix));
    let input = std::io::Cursor::new(prefix).chain(input);
    match form {
        Form::Ndjson => check_ndjson(input, label, unrouted, reporter).map_err(|m| (None, m)),
        Form::Har => {
            let mut check = |entry: Result<Exchange<'_>, _>, verdict| {
                check_entry(entry, verdict, label, true, unrouted, reporter)
            };
            match threads {
                Threads::One => exchanges::read_har(input, |entry| check(entry, None)),
                Threads::Two => pipeline::check_har(input, judge, check),
            }
            .map_err(|error| (Some(error.position), error.message))
        }
    }
}

fn check_ndjson(
    reader: impl BufRead,
    label: &str,
    unrouted: Unrouted,
    reporter: &mut Reporter<impl Write>,
) -> Result<(), String> {
    crate::for_each_ndjson_line(reader, |number, line| {
        let entry = exchanges::read_ndjson_line(number, line);
        check_entry(entry, None, label, false, unrouted, reporter);
    })
    .and_then(|exchanges| match exchanges {
        // Nothing to check is not a pass: an empty recording is a mistake.
        0 => Err("the file holds no exchange (expected HAR, or one exchange a line)".into()),
        _ => Ok(()),
    })
}

/// What checking an exchange found, before it is reported: the exchange is
/// judged on whichever thread has time for it, and reported in the file's
/// order on the thread that writes the report.
pub(crate) struct Verdict {
    /// Where the exchange's path is in its target (`request_path_span`):
    /// found once, whichever thread judged the exchange.
    path: Option<Range<usize>>,
    /// `None`: no operation has the exchange's method and path.
    operation: Option<&'static Operation>,
    /// The request body's schema (if checked against one) and outcome.
    request: Option<(Option<&'static str>, SideOutcome)>,
    /// The response's, or that its status is undocumented.
    response: Option<(Option<&'static str>, SideOutcome)>,
}

impl Verdict {
    /// The exchange's path (`request_path` of `target`).
    fn path<'t>(&self, target: &'t str) -> &'t str {
        self.path.clone().map_or("/", |span| &target[span])
    }
}

/// Routes an exchange and checks its bodies, to be reported later.
fn judge(exchange: &Exchange) -> Verdict {
    let unrouted = Verdict {
        path: request_path_span(&exchange.target),
        operation: None,
        request: None,
        response: None,
    };
    let path = unrouted.path(&exchange.target);
    let Some(operation) = router().operation_at(&exchange.method, path) else {
        return unrouted;
    };
    let request = exchange
        .request
        .as_ref()
        .map(|body| match &operation.request {
            _ if body.unreadable.is_some() => (None, unreadable(body)),
            _ if !body.is_json() => (None, not_json(body, "request")),
            None => (
                None,
                SideOutcome::UnexpectedBody(format!(
                    "a request body, where {} documents none",
                    operation.id
                )),
            ),
            Some(request) => match request.body.schema {
                Some(name) if request.body.is_json() => (Some(name), check(body, name)),
                _ => (
                    None,
                    SideOutcome::Skipped(format!(
                        "{} documents its request body as `{}`, with no JSON schema",
                        operation.id, request.body.media_type
                    )),
                ),
            },
        });
    let response = exchange.status.and_then(|status| {
        let Some(response) = operation.response(status) else {
            let message = format!(
                "{} does not document status {status} (it documents {})",
                operation.id,
                documented(operation)
            );
            return Some((None, SideOutcome::Undocumented(message)));
        };
        let body = exchange.response.as_ref()?;
        Some(match &response.body {
            _ if body.unreadable.is_some() => (None, unreadable(body)),
            _ if !body.is_json() => (None, not_json(body, "response")),
            None => (
                None,
                SideOutcome::UnexpectedBody(format!(
                    "a response body, where {} documents none for {}",
                    operation.id, response.status
                )),
            ),
            Some(documented) => match documented.schema {
                Some(name) if documented.is_json() => (Some(name), check(body, name)),
                _ => (
                    None,
                    SideOutcome::Skipped(format!(
                        "{} documents its {} response as `{}`, with no JSON schema",
                        operation.id, response.status, documented.media_type
                    )),
                ),
            },
        })
    });
    Verdict {
        operation: Some(operation),
        request,
        response,
        ..unrouted
    }
}

/// Reports an exchange (or why it could not be read) with its verdict, found
/// here unless it is given (judged on another thread).
fn check_entry(
    entry: Result<Exchange, exchanges::ReadError>,
    verdict: Option<Verdict>,
    file: &str,
    har: bool,
    unrouted: Unrouted,
    reporter: &mut Reporter<impl Write>,
) {
    reporter.exchange();
    let (exchange, verdict) = match (entry, verdict) {
        (Ok(exchange), verdict) => (exchange, verdict),
        (Err(error), _) => {
            let entry = error.entry.unwrap_or_default();
            let side = Side {
                file,
                entry,
                line: error.position.line,
                har,
                method: "",
                path: "",
                operation: None,
                side: "exchange",
                status: None,
                schema: None,
            };
            let error = SyntaxError {
                message: error.message,
                position: error.position,
            };
            reporter.side(&side, SideOutcome::Unreadable(error), unrouted);
            return;
        }
    };
    let verdict = verdict.unwrap_or_else(|| judge(&exchange));
    let path = verdict.path(&exchange.target);
    let base = Side {
        file,
        entry: exchange.entry,
        line: exchange.line,
        har,
        method: &exchange.method,
        path,
        operation: verdict.operation.map(|operation| operation.id),
        side: "exchange",
        status: exchange.status,
        schema: None,
    };
    if verdict.operation.is_none() {
        reporter.side(&base, SideOutcome::Unrouted, unrouted);
        return;
    }
    for (side, found) in [("request", verdict.request), ("response", verdict.response)] {
        if let Some((schema, outcome)) = found {
            let side = Side {
                side,
                schema,
                ..base
            };
            reporter.side(&side, outcome, unrouted);
        }
    }
}

/// The router of the generated registry. Exchanges are routed with
/// [`Router::operation`], the operation without its parameters' values,
/// which allocates nothing where `intercom_models::route` allocates the
/// segments and each parameter's value.
fn router() -> &'static Router {
    static ROUTER: std::sync::OnceLock<Router> = std::sync::OnceLock::new();
    ROUTER.get_or_init(|| Router::new(intercom_models::OPERATIONS))
}

/// `200, 401, 404` as the operation writes them.
pub fn documented(operation: &Operation) -> String {
    let statuses: Vec<&str> = operation.responses.iter().map(|r| r.status).collect();
    if statuses.is_empty() {
        "none".to_owned()
    } else {
        statuses.join(", ")
    }
}

/// A body whose recorded text could not be read (see `Body::unreadable`).
fn unreadable(body: &Body) -> SideOutcome {
    SideOutcome::Unreadable(SyntaxError {
        message: body.unreadable.clone().unwrap_or_default(),
        position: Position { line: 1, column: 1 },
    })
}

fn not_json(body: &Body, side: &str) -> SideOutcome {
    SideOutcome::Skipped(format!(
        "the {side} body is `{}`, not JSON",
        body.media_type.as_deref().unwrap_or_default()
    ))
}

/// The schema `name`, looked up among all the schemas once a thread: bodies
/// of the same few operations come again and again. The names are the
/// registry's static strings, so the cache is keyed by where the name is
/// (a name at two places is looked up once for each), hashed with a multiply
/// where SipHash over the name took a third of the lookup.
fn schema_named(name: &'static str) -> Option<&'static intercom_runtime::SchemaEntry> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    type Found = HashMap<
        (usize, usize),
        Option<&'static intercom_runtime::SchemaEntry>,
        std::hash::BuildHasherDefault<intercom_runtime::WordHasher>,
    >;
    thread_local! {
        static FOUND: RefCell<Found> = RefCell::new(Found::default());
    }
    FOUND.with_borrow_mut(|found| {
        *found
            .entry((name.as_ptr() as usize, name.len()))
            .or_insert_with(|| intercom_models::schema(name))
    })
}

/// A JSON body against the schema `name`, its positions placed in the file
/// when the body is written in it (NDJSON).
fn check(body: &Body, name: &'static str) -> SideOutcome {
    let Some(schema) = schema_named(name) else {
        return SideOutcome::Skipped(format!("the schema `{name}` is not in this build"));
    };
    let place = |position: &mut Position| {
        if let Some(origin) = body.origin {
            // A body written in an NDJSON line is on that one line.
            position.column += origin.column - 1;
            position.line = origin.line;
        }
    };
    match judge_text(&body.text, body.utf8, schema, 0) {
        Outcome::Checked(mut errors) => {
            fn each(
                errors: &mut [intercom_runtime::ValidationError],
                place: &dyn Fn(&mut Position),
            ) {
                for error in errors {
                    if let Some(position) = &mut error.position {
                        place(position);
                    }
                    each(&mut error.context, place);
                }
            }
            each(&mut errors, &place);
            SideOutcome::Checked(errors)
        }
        Outcome::Syntax(mut error) => {
            place(&mut error.position);
            SideOutcome::Syntax(error)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Threads, check_file, router};
    use crate::report::{Reporter, Unrouted};
    use crate::{Expect, Format};
    use serde_json::{Value, json};
    use std::io::Write;

    /// A report's output, written slowly when `pause` says so: the checker
    /// falls behind and the reader judges exchanges for it.
    struct Out {
        bytes: Vec<u8>,
        pause: Option<std::time::Duration>,
    }

    impl Write for Out {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if let Some(pause) = self.pause
                && buf.contains(&b'\n')
            {
                std::thread::sleep(pause);
            }
            self.bytes.write(buf)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The whole report of a HAR file as the command line writes it, and its
    /// exit code.
    fn report(
        text: &[u8],
        format: Format,
        summary: bool,
        unrouted: Unrouted,
        threads: Threads,
        pause: Option<std::time::Duration>,
    ) -> (String, u8) {
        let mut out = Out {
            bytes: Vec::new(),
            pause,
        };
        let mut reporter =
            Reporter::new(format, Expect::Valid, "exchanges", &mut out).for_exchanges();
        if summary {
            reporter = reporter.with_drift_summary();
        }
        reporter.begin_file("t.har");
        if let Err((at, message)) =
            check_file(text, None, "t.har", unrouted, threads, &mut reporter)
        {
            reporter.file_error("t.har", at, &message);
        }
        reporter.end_file();
        let code = reporter.finish();
        (String::from_utf8(out.bytes).unwrap(), code)
    }

    /// One thread and two give the same report, byte for byte, in every
    /// format, with and without `--summary`, unrouted exchanges as warnings
    /// (and as errors, in text).
    fn same_on_both(name: &str, text: &[u8], pause: Option<std::time::Duration>) {
        let formats = [Format::Text, Format::Json, Format::Github, Format::Junit];
        let runs = formats
            .into_iter()
            .flat_map(|format| [(format, false), (format, true)])
            .map(|(format, summary)| (format, summary, Unrouted::Warn))
            .chain([(Format::Text, false, Unrouted::Error)]);
        for (format, summary, unrouted) in runs {
            let one = report(text, format, summary, unrouted, Threads::One, None);
            let two = report(text, format, summary, unrouted, Threads::Two, pause);
            assert!(
                one == two,
                "{name}, summary {summary}: one thread\n{}\ntwo\n{}",
                one.0,
                two.0
            );
        }
    }

    fn fixtures() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/validate/exchanges")
    }

    #[test]
    fn two_threads_report_every_har_fixture_as_one_does() {
        let mut files = Vec::new();
        let mut dirs = vec![fixtures()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "har") {
                    files.push(path);
                }
            }
        }
        // recorded.har and the five of bad/.
        assert!(files.len() >= 6, "{files:?}");
        for file in files {
            let text = std::fs::read(&file).unwrap();
            same_on_both(&file.display().to_string(), &text, None);
        }
    }

    /// A HAR of a few thousand entries (many batches, entries across the
    /// read buffer's end, a body bigger than a batch), the recorded ones
    /// again and again with bad ones mixed in: a body that is not JSON, one
    /// that is not base64, an entry without a method, an entry that is not
    /// an object, exchanges no operation has (one with a URL without a
    /// path); whole, minified, with CRLF line ends, and cut short inside an
    /// entry.
    #[test]
    fn two_threads_report_a_big_har_with_bad_entries_as_one_does() {
        let recorded: Value =
            serde_json::from_slice(&std::fs::read(fixtures().join("recorded.har")).unwrap())
                .unwrap();
        let good = recorded["log"]["entries"].as_array().unwrap();
        let mut not_json = good[0].clone();
        not_json["response"]["content"] =
            json!({"mimeType": "application/json", "text": "{\"type\": \"list\", \"data\": [tru"});
        let mut not_base64 = good[0].clone();
        not_base64["response"]["content"] =
            json!({"mimeType": "application/json", "text": "e30=!", "encoding": "base64"});
        let mut no_method = good[0].clone();
        no_method["request"]
            .as_object_mut()
            .unwrap()
            .remove("method");
        let mut unrouted = good[0].clone();
        unrouted["request"]["url"] = json!("https://api.intercom.io/nowhere/7");
        // Its path, `/`, is not a part of its URL.
        let mut no_path = good[0].clone();
        no_path["request"]["url"] = json!("https://api.intercom.io?page=2");
        let mut big = good[0].clone();
        let tags: Vec<Value> = (0..6_000)
            .map(|i| json!({"type": "tag", "id": if i % 1000 == 7 { json!(i) } else { json!(i.to_string()) }, "name": "é"}))
            .collect();
        big["response"]["content"] = json!({
            "mimeType": "application/json",
            "text": json!({"type": "list", "data": tags}).to_string(),
        });
        let mut entries = Vec::new();
        for block in 0..200 {
            entries.extend(good.iter().cloned());
            match block % 6 {
                0 => entries.push(not_json.clone()),
                1 => entries.push(not_base64.clone()),
                2 => entries.push(no_method.clone()),
                3 => entries.push(json!(7)),
                4 => entries.push(no_path.clone()),
                _ => entries.push(unrouted.clone()),
            }
            if block == 75 {
                entries.push(big.clone());
            }
        }
        let har = json!({"log": {"version": "1.2", "entries": entries}});
        let pretty = serde_json::to_string_pretty(&har).unwrap();
        let minified = har.to_string();
        let crlf = pretty.replace('\n', "\r\n");
        let cut = &pretty[..pretty.len() * 9 / 10];
        let pause = Some(std::time::Duration::from_micros(50));
        for (name, text) in [
            ("pretty", pretty.as_str()),
            ("minified", &minified),
            ("crlf", &crlf),
            ("truncated", cut),
        ] {
            same_on_both(name, text.as_bytes(), pause);
        }
    }

    /// Every operation of the reference, at paths that match it, that match
    /// a literal sibling instead, or nothing: the operation alone is found
    /// as `intercom_models::route` finds the whole route.
    #[test]
    fn routing_the_operation_alone_agrees_with_the_whole_route() {
        let literals: Vec<&str> = intercom_models::OPERATIONS
            .iter()
            .flat_map(|op| op.path.split('/'))
            .filter(|segment| !segment.contains('{'))
            .collect();
        let mut checked = 0;
        for (i, op) in intercom_models::OPERATIONS.iter().enumerate() {
            // Each parameter as a value, as a literal segment of some path
            // (which may route to a sibling), as empty and as an escape.
            let fillers = ["7", literals[i % literals.len()], "", "a%20b", "x.json"];
            for filler in fillers {
                let path = op
                    .path
                    .split('/')
                    .map(|segment| {
                        if segment.contains('{') {
                            filler
                        } else {
                            segment
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("/");
                for target in [
                    path.clone(),
                    format!("https://api.intercom.io{path}/?x=1"),
                    format!("{path}/extra"),
                    path.rsplit_once('/')
                        .map_or(String::new(), |(head, _)| head.to_owned()),
                ] {
                    for method in [op.method, "get", "PATCH"] {
                        assert_eq!(
                            router().operation(method, &target).map(|o| o.id),
                            intercom_models::route(method, &target).map(|r| r.operation.id),
                            "{method} {target}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 10_000, "{checked}");
    }
}
