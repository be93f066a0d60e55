//! `--exchanges`: each recorded exchange routed to its operation by method
//! and path, and each JSON body checked against the schema its operation
//! gives for that side and status.

use std::io::{BufRead, BufReader, Read, Write};

use intercom_runtime::operations::{Operation, Router, request_path};
use intercom_runtime::{Position, SyntaxError};

use crate::exchanges::{self, Body, Exchange, Form};
use crate::judge_text;
use crate::report::Outcome;
use crate::report::{Reporter, Side, SideOutcome, Unrouted};

/// Reads one file of exchanges and reports each as it is read; `Err` when
/// the file as a whole cannot be read (the exchanges before the point where
/// it failed have been reported). A HAR file is streamed entry by entry, and
/// NDJSON line by line; the form is told from the first bytes unless
/// `ndjson` says it.
pub fn check_file(
    input: impl Read,
    ndjson: bool,
    label: &str,
    unrouted: Unrouted,
    reporter: &mut Reporter<impl Write>,
) -> Result<(), (Option<Position>, String)> {
    let mut input = BufReader::with_capacity(1 << 16, input);
    if ndjson {
        return check_ndjson(input, label, unrouted, reporter).map_err(|m| (None, m));
    }
    let mut prefix = Vec::new();
    Read::by_ref(&mut input)
        .take(exchanges::FORM_PREFIX)
        .read_to_end(&mut prefix)
        .map_err(|e| (None, format!("cannot read: {e}")))?;
    let form = exchanges::form(&prefix);
    let input = std::io::Cursor::new(prefix).chain(input);
    match form {
        Form::Ndjson => check_ndjson(input, label, unrouted, reporter).map_err(|m| (None, m)),
        Form::Har => exchanges::read_har(input, |entry| {
            check_entry(entry, label, true, unrouted, reporter)
        })
        .map_err(|error| (Some(error.position), error.message)),
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
        check_entry(entry, label, false, unrouted, reporter);
    })
    .map(drop)
}

fn check_entry(
    entry: Result<Exchange, exchanges::ReadError>,
    file: &str,
    har: bool,
    unrouted: Unrouted,
    reporter: &mut Reporter<impl Write>,
) {
    reporter.exchange();
    let exchange = match entry {
        Ok(exchange) => exchange,
        Err(error) => {
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
    let path = request_path(&exchange.target);
    let route = router().operation_at(&exchange.method, path);
    let base = Side {
        file,
        entry: exchange.entry,
        line: exchange.line,
        har,
        method: &exchange.method,
        path,
        operation: route.map(|operation| operation.id),
        side: "exchange",
        status: exchange.status,
        schema: None,
    };
    let Some(operation) = route else {
        reporter.side(&base, SideOutcome::Unrouted, unrouted);
        return;
    };
    if let Some(body) = &exchange.request {
        let side = Side {
            side: "request",
            ..base
        };
        let (schema, outcome) = match &operation.request {
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
        };
        reporter.side(&Side { schema, ..side }, outcome, unrouted);
    }
    let Some(status) = exchange.status else {
        return;
    };
    let side = Side {
        side: "response",
        ..base
    };
    let Some(response) = operation.response(status) else {
        let message = format!(
            "{} does not document status {status} (it documents {})",
            operation.id,
            documented(operation)
        );
        reporter.side(&side, SideOutcome::Undocumented(message), unrouted);
        return;
    };
    let Some(body) = &exchange.response else {
        return;
    };
    let (schema, outcome) = match &response.body {
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
    };
    reporter.side(&Side { schema, ..side }, outcome, unrouted);
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
    use super::router;

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
