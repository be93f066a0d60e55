//! End-to-end tests of the `intercom-validate` binary on the fixtures in
//! tests/fixtures/validate.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/validate")
        .join(name)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::cargo_bin("intercom-validate")
        .unwrap()
        .args(args)
        .current_dir(fixture(""))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A usage error exits before it reads its input: a closed pipe is no failure.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

const STATS: &str = "conversation_statistics";
const CONVERT: &str = "convert_visitor_request";

#[test]
fn a_valid_payload_exits_0_with_a_summary() {
    let r = run(&["--schema", STATS, "valid_statistics.json"], b"");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout, "1 file(s), 1 payload(s): 1 valid, 0 invalid\n");
}

#[test]
fn an_invalid_payload_exits_1_with_one_line_per_error() {
    let r = run(&["--schema", STATS, "invalid_statistics.json"], b"");
    assert_eq!(r.code, 1);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "invalid_statistics.json:3:25: /time_to_assignment: expected integer, found string \"two minutes\" (#/$defs/conversation_statistics/properties/time_to_assignment/type)",
            "invalid_statistics.json:6:44: /assigned_team_first_response_time/0/response_time: expected integer, found number -1.5 (#/$defs/conversation_response_time/properties/response_time/type)",
            "1 file(s), 1 payload(s): 0 valid, 1 invalid",
        ]
    );
}

#[test]
fn standard_input_is_read_for_no_file_or_a_dash() {
    let payload = std::fs::read(fixture("valid_statistics.json")).unwrap();
    assert_eq!(run(&["--schema", STATS], &payload).code, 0);
    let r = run(&["--schema", STATS, "-"], b"{\"type\": 3}");
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.starts_with("<stdin>:1:10: /type: expected string"),
        "{}",
        r.stdout
    );
}

#[test]
fn one_alternative_error_shows_the_closest_branch_only() {
    let r = run(
        &["--schema", CONVERT, "invalid/user_without_identifier.json"],
        b"",
    );
    assert_eq!(r.code, 1);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    assert!(
        lines[0].contains(
            "/user: {\"email\":\"winstone@example.com\"} matches none of the 2 alternatives"
        ),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with(
            "    invalid/user_without_identifier.json:1:27: /user: missing required property"
        ),
        "{}",
        lines[1]
    );
}

#[test]
fn ndjson_reports_the_line_of_each_payload() {
    let r = run(&["--schema", CONVERT, "--ndjson", "requests.ndjson"], b"");
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.starts_with("requests.ndjson:3:27: /user: "),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .ends_with("1 file(s), 3 payload(s): 2 valid, 1 invalid\n"),
        "{}",
        r.stdout
    );
}

/// A payload cut short is reported on its own line, with LF and CRLF endings.
#[test]
fn ndjson_places_a_cut_payload_on_its_own_line() {
    for ending in ["\n", "\r\n"] {
        let text = format!("{{\"a\":{ending}{{\"a\": 1}}{ending}");
        let r = run(&["--schema", STATS, "--ndjson"], text.as_bytes());
        assert_eq!(r.code, 2, "{}", r.stdout);
        assert!(
            r.stdout.starts_with("<stdin>:1:6: error: invalid JSON"),
            "{ending:?}: {}",
            r.stdout
        );
    }
}

#[test]
fn ndjson_is_streamed_payload_by_payload() {
    let mut child = Command::cargo_bin("intercom-validate")
        .unwrap()
        .args(["--schema", STATS, "--ndjson"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    // The answer to the first line comes while the input is still open.
    stdin.write_all(b"{\"type\": 1}\n").unwrap();
    stdin.flush().unwrap();
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert!(
        line.starts_with("<stdin>:1:10: /type: expected string"),
        "{line}"
    );
    stdin.write_all(b"{\"count_reopens\": \"x\"}\n").unwrap();
    stdin.flush().unwrap();
    line.clear();
    stdout.read_line(&mut line).unwrap();
    assert!(line.starts_with("<stdin>:2:19: /count_reopens:"), "{line}");
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(1));
}

/// A payload file of every kind: missing, unreadable in five ways, valid, invalid.
const EVERY_KIND_OF_FILE: [&str; 8] = [
    "missing.json",
    "empty.json",
    "syntax_error.json",
    "invalid_utf8.json",
    "bom.json",
    "trailing_garbage.json",
    "valid_statistics.json",
    "invalid_statistics.json",
];

#[test]
fn bad_input_exits_2_and_the_other_files_are_still_checked() {
    let mut args = vec!["--schema", STATS];
    args.extend(EVERY_KIND_OF_FILE);
    let r = run(&args, b"");
    assert_eq!(r.code, 2, "{}", r.stdout);
    let expected = [
        "missing.json: error: cannot read: No such file or directory",
        "empty.json:1:1: error: the input is empty (expected a JSON document)",
        "syntax_error.json:4:1: error: invalid JSON: trailing comma",
        "invalid_utf8.json:1:24: error: invalid UTF-8 (byte 0xFF)",
        "bom.json:1:1: error: the payload starts with a UTF-8 byte-order mark",
        "trailing_garbage.json:1:37: error: invalid JSON: trailing characters",
        "invalid_statistics.json:3:25: /time_to_assignment: expected integer",
        "8 file(s), 2 payload(s): 1 valid, 1 invalid, 6 could not be checked",
    ];
    for line in expected {
        assert!(
            r.stdout.lines().any(|l| l.starts_with(line)),
            "no line starting {line:?} in\n{}",
            r.stdout
        );
    }
}

/// Payload files are read and judged on every core: whichever thread judged
/// which file, the report is the one-file reports in the files' order.
#[test]
fn many_files_are_reported_in_their_order_as_one_at_a_time() {
    let names = EVERY_KIND_OF_FILE;
    // Far more files than are read ahead, in an order without a period.
    let files: Vec<&str> = (0..300usize)
        .map(|i| names[(i * i + i / 3) % names.len()])
        .collect();
    for format in ["text", "json", "github"] {
        let payload_lines = |stdout: &str| -> Vec<String> {
            // Less the summary line, which JSON writes to standard error.
            stdout
                .lines()
                .filter(|line| !line.contains(" file(s), "))
                .map(str::to_owned)
                .collect()
        };
        let alone: Vec<Vec<String>> = names
            .iter()
            .map(|name| {
                payload_lines(&run(&["--schema", STATS, "--format", format, name], b"").stdout)
            })
            .collect();
        let expected: Vec<String> = files
            .iter()
            .flat_map(|file| alone[names.iter().position(|name| name == file).unwrap()].clone())
            .collect();
        let mut args = vec!["--schema", STATS, "--format", format];
        args.extend(&files);
        let r = run(&args, b"");
        assert_eq!(r.code, 2);
        let count = |name: &str| files.iter().filter(|file| **file == name).count();
        let (valid, invalid) = (
            count("valid_statistics.json"),
            count("invalid_statistics.json"),
        );
        let summary = format!(
            "300 file(s), {} payload(s): {valid} valid, {invalid} invalid, {} could not be checked\n",
            valid + invalid,
            300 - valid - invalid
        );
        let output = if format == "json" {
            &r.stderr
        } else {
            &r.stdout
        };
        assert!(output.ends_with(&summary), "{output}");
        assert_eq!(payload_lines(&r.stdout), expected, "--format {format}");
    }
    let mut args = vec!["--schema", STATS, "--format", "junit"];
    args.extend(&files);
    let suites: Vec<String> = run(&args, b"")
        .stdout
        .split("<testsuite name=\"")
        .skip(1)
        .map(|suite| suite.split('"').next().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(suites, files);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let r = run(&["--schema", STATS], deep.as_bytes());
    assert_eq!(r.code, 2);
    assert!(
        r.stdout.contains("nests deeper than 128 levels"),
        "{}",
        r.stdout
    );
    let deep_object = format!("{}1{}", "{\"a\":".repeat(100_000), "}".repeat(100_000));
    let r = run(&["--schema", STATS, "--ndjson"], deep_object.as_bytes());
    assert_eq!(r.code, 2);
}

#[test]
fn an_unknown_schema_lists_the_closest_names() {
    let r = run(
        &[
            "--schema",
            "conversation_statistic",
            "valid_statistics.json",
        ],
        b"",
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(
            "there is no schema called `conversation_statistic` (closest: conversation_statistics"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["valid_statistics.json"], b"").code, 2);
    assert_eq!(run(&["--schema", STATS, "--format", "yaml"], b"").code, 2);
}

#[test]
fn list_names_every_schema() {
    let r = run(&["--list"], b"");
    assert_eq!(r.code, 0);
    let names: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(names.len(), intercom_models::SCHEMAS.len());
    assert!(names.windows(2).all(|w| w[0] < w[1]), "sorted");
    for seed in [
        "contact",
        "conversation_response_time",
        "conversation_statistics",
        "convert_visitor_request",
    ] {
        assert!(names.contains(&seed), "{seed} is listed");
    }
}

#[test]
fn list_operations_gives_id_method_and_path_a_line_each() {
    let r = run(&["--list-operations"], b"");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), intercom_models::OPERATIONS.len());
    assert!(
        lines.contains(&"ListContacts GET /contacts"),
        "{}",
        r.stdout
    );
    assert!(
        lines.contains(&"convertVisitor POST /visitors/convert"),
        "{}",
        r.stdout
    );
    assert!(lines.iter().all(|line| line.split(' ').count() == 3));
    assert_eq!(run(&["--list-operations", "--list"], b"").code, 2);
}

#[test]
fn expect_invalid_passes_only_when_every_payload_is_invalid() {
    let bad = [
        "invalid/user_without_identifier.json",
        "invalid/visitor_missing.json",
        "invalid/wrong_types.json",
    ];
    let mut args = vec!["--schema", CONVERT, "--expect", "invalid"];
    args.extend(bad);
    assert_eq!(run(&args, b"").code, 0);
    args.push("requests.ndjson");
    args.push("--ndjson");
    let r = run(&args, b"");
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .contains("valid against convert_visitor_request, but invalid was expected"),
        "{}",
        r.stdout
    );
}

#[test]
fn json_output_is_one_object_per_payload() {
    let r = run(
        &[
            "--schema",
            CONVERT,
            "--ndjson",
            "--format",
            "json",
            "requests.ndjson",
        ],
        b"",
    );
    assert_eq!(r.code, 1);
    let objects: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objects.len(), 3);
    assert_eq!(objects[0]["valid"], true);
    assert_eq!(objects[1]["line"], 3);
    assert_eq!(objects[1]["errors"][0]["instance_location"], "/user");
    assert_eq!(objects[1]["errors"][0]["keyword"], "anyOf");
    assert_eq!(objects[1]["errors"][0]["line"], 3);
    assert_eq!(objects[1]["errors"][0]["context"][0]["keyword"], "required");
}

#[test]
fn github_output_annotates_file_line_and_column() {
    let r = run(
        &[
            "--schema",
            STATS,
            "--format",
            "github",
            "invalid_statistics.json",
        ],
        b"",
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.starts_with("::error file=invalid_statistics.json,line=3,col=25::/time_to_assignment: expected integer"),
        "{}",
        r.stdout
    );
}

#[test]
fn junit_output_is_a_report_of_every_payload() {
    let r = run(
        &[
            "--schema",
            STATS,
            "--format",
            "junit",
            "valid_statistics.json",
            "invalid_statistics.json",
            "empty.json",
        ],
        b"",
    );
    assert_eq!(r.code, 2);
    assert!(r.stdout.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"intercom-validate conversation_statistics\" tests=\"3\" failures=\"1\" errors=\"1\">"), "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "<testcase name=\"valid_statistics.json:1\" classname=\"conversation_statistics\"/>"
        ),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("<failure message=\"2 error(s) against conversation_statistics\">invalid_statistics.json:3:25: /time_to_assignment: expected integer, found string &quot;two minutes&quot;"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("<error message=\"empty.json:1:1: the input is empty"),
        "{}",
        r.stdout
    );
    assert_eq!(r.stdout.matches("<testsuite ").count(), 3);
    assert!(r.stdout.ends_with("</testsuites>\n"));
}

#[test]
fn help_documents_every_flag_with_an_example() {
    let r = run(&["--help"], b"");
    assert_eq!(r.code, 0);
    for flag in [
        "--schema",
        "--ndjson",
        "--format",
        "--expect",
        "--list",
        "[FILE]...",
    ] {
        assert!(r.stdout.contains(flag), "--help does not mention {flag}");
    }
    assert!(r.stdout.matches("Example:").count() >= 6, "{}", r.stdout);
}

#[test]
fn operation_request_and_response_bodies() {
    let request = ["--operation", "attachTagToContact", "--request"];
    assert_eq!(run(&request, br#"{"id": "7522907"}"#).code, 0);
    let r = run(&request, br#"{"id": 7522907}"#);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "<stdin>:1:8: /id: expected string, found integer 7522907 (#/$defs/attach_tag_to_contact_request/properties/id/type)"
        ),
        "{}",
        r.stdout
    );
    // 410 is documented with the schema `error`; 4XX or default would be
    // taken for a code that is not.
    let error = br#"{"type": "error.list", "errors": [{"code": "contact_merged"}]}"#;
    let r = run(&["--operation", "ShowContact", "--response", "410"], error);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = run(&["--operation", "ShowContact", "--response", "503"], error);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: `ShowContact` does not document status 503; it documents 200, 401, 410\n"
    );
    // A code an operation does not list is checked against its `default`
    // response (`collectFinVoiceCallById` documents 200 and `default`).
    let bad_error = br#"{"type": "error.list", "errors": [{"code": 1}]}"#;
    let r = run(
        &[
            "--operation",
            "collectFinVoiceCallById",
            "--response",
            "500",
        ],
        bad_error,
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("(#/$defs/error/properties/errors/items/properties/code/type)"),
        "{}",
        r.stdout
    );
}

/// GitHub annotations of recorded exchanges: on the entry's line, with the
/// place in the body in the message; notices and warnings for what is not
/// an error.
#[test]
fn exchanges_as_github_annotations() {
    let r = run(
        &[
            "--exchanges",
            "--format",
            "github",
            "exchanges/recorded.har",
        ],
        b"",
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    let expected = [
        "::error file=exchanges/recorded.har,line=48::entries[1] POST /contacts/6657/tags attachTagToContact request: body 1:8: /id: expected string, found integer 7522907 (#/$defs/attach_tag_to_contact_request/properties/id/type)",
        "::notice file=exchanges/recorded.har,line=88::entries[2] GET /tags listTags response 200: not checked: the response body is `text/html`, not JSON",
        "::warning file=exchanges/recorded.har,line=123::entries[3] GET /nowhere/7 (no operation) exchange: no operation of the reference has GET /nowhere/7",
        "::warning file=exchanges/recorded.har,line=158::entries[4] DELETE /contacts/6657 DeleteContact response 418: DeleteContact does not document status 418 (it documents 200, 401)",
        "::error file=exchanges/recorded.har,line=192::entries[5] GET /tags/ listTags response 200: body 4:27: /data/0/id: expected string, found integer 1 (#/$defs/tag/properties/id/type)",
        "1 file(s), 6 exchange(s): 5 bodies checked, 2 invalid, 1 unrouted, 1 undocumented status(es), 1 skipped",
    ];
    assert_eq!(r.stdout.lines().collect::<Vec<_>>(), expected);
}

/// `--summary` after the exchanges of a HAR file and an NDJSON file; and
/// `--ndjson` reads a file of exchanges as its content would have told.
#[test]
fn exchanges_summary_and_ndjson_flag() {
    let r = run(
        &[
            "--exchanges",
            "--summary",
            "exchanges/recorded.har",
            "exchanges/traffic.ndjson",
        ],
        b"",
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout.ends_with(concat!(
            "failing keywords (payloads failing each, an example):\n",
            "     2  #/$defs/tag/properties/id/type  e.g. /data/0/id (exchanges/recorded.har:192 entries[5] GET /tags/ listTags response 200)\n",
            "     1  #/$defs/attach_tag_to_contact_request/properties/id/type  e.g. /id (exchanges/recorded.har:48 entries[1] POST /contacts/6657/tags attachTagToContact request)\n",
        )),
        "{}",
        r.stdout
    );
    let told = run(&["--exchanges", "exchanges/traffic.ndjson"], b"");
    let said = run(
        &["--exchanges", "--ndjson", "exchanges/traffic.ndjson"],
        b"",
    );
    assert_eq!((said.code, said.stdout), (told.code, told.stdout));
}

#[test]
fn operation_mistakes_are_usage_errors() {
    let r = run(&["--operation", "attachtagtocontact", "--request"], b"{}");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("no operation called `attachtagtocontact` (closest: attachTagToContact"),
        "{}",
        r.stderr
    );
    let r = run(&["--operation", "ShowContact", "--request"], b"{}");
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr, "error: `ShowContact` documents no request body\n");
    let r = run(&["--operation", "ShowContact"], b"{}");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("--request, or --response STATUS (it documents 200, 401, 410)")
    );
    assert_eq!(
        run(
            &[
                "--schema",
                STATS,
                "--operation",
                "ShowContact",
                "--response",
                "200"
            ],
            b"{}"
        )
        .code,
        2
    );
    assert_eq!(run(&["--request"], b"{}").code, 2);
    assert_eq!(run(&["--exchanges", "--expect", "invalid"], b"").code, 2);
}

#[test]
fn har_exchanges_are_routed_and_their_bodies_checked() {
    let r = run(&["--exchanges", "exchanges/recorded.har"], b"");
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            // A request body that is invalid, the error placed in the body.
            "exchanges/recorded.har:48: entries[1] POST /contacts/6657/tags attachTagToContact request: body 1:8: /id: expected string, found integer 7522907 (#/$defs/attach_tag_to_contact_request/properties/id/type)",
            "exchanges/recorded.har:123: warning: entries[3] GET /nowhere/7 (no operation) exchange: no operation of the reference has GET /nowhere/7",
            "exchanges/recorded.har:158: warning: entries[4] DELETE /contacts/6657 DeleteContact response 418: DeleteContact does not document status 418 (it documents 200, 401)",
            // A mock server's URL with a trailing slash; line 4 of the body.
            "exchanges/recorded.har:192: entries[5] GET /tags/ listTags response 200: body 4:27: /data/0/id: expected string, found integer 1 (#/$defs/tag/properties/id/type)",
            "1 file(s), 6 exchange(s): 5 bodies checked, 2 invalid, 1 unrouted, 1 undocumented status(es), 1 skipped",
        ]
    );
}

#[test]
fn ndjson_exchanges_place_errors_in_the_line() {
    let r = run(&["--exchanges", "exchanges/traffic.ndjson"], b"");
    // Line 5 is not an exchange: a failure of that line, and the run goes on.
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.ends_with(
        "3 bodies checked, 2 invalid, 1 unrouted, 0 undocumented status(es), 0 skipped, 1 exchange(s) not readable\n"
    ), "{}", r.stdout);
    let text = std::fs::read_to_string(fixture("exchanges/traffic.ndjson")).unwrap();
    let second = text.lines().nth(1).unwrap();
    let column = second.find(r#""id": 1}"#).unwrap() + 7;
    let expected = format!(
        "exchanges/traffic.ndjson:2:{column}: line 2 GET /tags listTags response 200: /data/0/id: expected string, found integer 1 (#/$defs/tag/properties/id/type)"
    );
    assert!(r.stdout.contains(&expected), "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "exchanges/traffic.ndjson:5: error: line 5: the exchange has neither `url` nor `path`"
        ),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains(
        "exchanges/traffic.ndjson:6: error: line 6 DELETE /contacts/6657 DeleteContact request: a request body, where DeleteContact documents none"
    ), "{}", r.stdout);
}

#[test]
fn unrouted_exchanges_warn_fail_or_are_ignored() {
    let unrouted =
        br#"{"method": "GET", "url": "https://api.au.intercom.io/nowhere?page=2", "status": 200}"#;
    let r = run(&["--exchanges"], unrouted);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("warning: line 1 GET /nowhere"),
        "{}",
        r.stdout
    );
    let r = run(&["--exchanges", "--unrouted", "error"], unrouted);
    assert_eq!(r.code, 1);
    let r = run(&["--exchanges", "--unrouted", "ignore"], unrouted);
    assert_eq!(r.code, 0);
    assert_eq!(
        r.stdout,
        "1 file(s), 1 exchange(s): 0 bodies checked, 0 invalid, 1 unrouted, 0 undocumented status(es), 0 skipped\n"
    );
}

#[test]
fn exchanges_as_json_lines_and_junit_cases() {
    let r = run(
        &["--exchanges", "--format", "json", "exchanges/recorded.har"],
        b"",
    );
    let sides: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(sides.len(), 8, "{}", r.stdout);
    let invalid = &sides[2];
    assert_eq!(invalid["entry"], 1);
    assert_eq!(invalid["operation"], "attachTagToContact");
    assert_eq!(invalid["side"], "request");
    assert_eq!(invalid["schema"], "attach_tag_to_contact_request");
    assert_eq!(invalid["valid"], false);
    assert_eq!(invalid["errors"][0]["line"], 1);
    assert_eq!(invalid["errors"][0]["column"], 8);
    assert_eq!(sides[5]["operation"], serde_json::Value::Null);
    assert_eq!(sides[5]["valid"], serde_json::Value::Null);
    let r = run(
        &["--exchanges", "--format", "junit", "exchanges/recorded.har"],
        b"",
    );
    assert_eq!(r.stdout.matches("<testcase ").count(), 8, "{}", r.stdout);
    assert_eq!(r.stdout.matches("<failure ").count(), 2, "{}", r.stdout);
    assert_eq!(r.stdout.matches("<skipped ").count(), 3, "{}", r.stdout);
}

#[test]
fn summary_counts_payloads_failing_each_keyword() {
    let payloads =
        b"{\"time_to_assignment\": \"1\"}\n{\"time_to_assignment\": \"2\", \"type\": 3}\n{}\n";
    let r = run(&["--schema", STATS, "--ndjson", "--summary"], payloads);
    assert_eq!(r.code, 1);
    let summary = r
        .stdout
        .split_once("failing keywords (payloads failing each, an example):\n")
        .map(|(_, after)| after)
        .unwrap_or_else(|| panic!("{}", r.stdout));
    let lines: Vec<&str> = summary.lines().collect();
    assert_eq!(lines.len(), 2, "{summary}");
    assert!(
        lines[0].starts_with("     2  #/$defs/conversation_statistics/"),
        "{summary}"
    );
    assert!(
        lines[0].ends_with("e.g. /time_to_assignment (<stdin>:1)"),
        "{summary}"
    );
    assert!(lines[1].starts_with("     1  "), "{summary}");
}

#[test]
fn bad_recordings_are_reported_where_they_are_and_the_rest_is_checked() {
    // (file, exit code, a line of the report, the summary's counts)
    let cases = [
        (
            "not_har.har",
            2,
            "exchanges/bad/not_har.har:1:1: error: not a HAR file: it has no `log.entries` (HAR 1.2 keeps the exchanges there)",
            "0 exchange(s): 0 bodies checked",
        ),
        (
            "no_method.har",
            1,
            "exchanges/bad/no_method.har:5: error: entries[0]: `request.method` is missing (HAR 1.2 requires it)",
            "2 exchange(s): 1 bodies checked, 0 invalid",
        ),
        (
            "no_url.har",
            1,
            "exchanges/bad/no_url.har:4: error: entries[0]: `request.url` is missing (HAR 1.2 requires it)",
            "2 exchange(s): 1 bodies checked, 1 invalid",
        ),
        (
            "bad_base64.har",
            1,
            "exchanges/bad/bad_base64.har:5: error: entries[0] GET /tags listTags response 200: `response.content.text` is not base64, as `encoding` says",
            "2 exchange(s): 1 bodies checked, 0 invalid",
        ),
        // The request beside a response that does not decode is still checked.
        (
            "base64_beside_a_request.har",
            1,
            "exchanges/bad/base64_beside_a_request.har:2: entries[0] POST /contacts/1/tags attachTagToContact request: body 1:8: /id: expected string, found integer 5",
            "1 exchange(s): 1 bodies checked, 1 invalid",
        ),
        (
            "invalid_body.har",
            1,
            "exchanges/bad/invalid_body.har:5: error: entries[0] GET /tags listTags response 200: body 2:11: invalid JSON: expected value",
            "2 exchange(s): 2 bodies checked, 1 invalid",
        ),
        (
            "truncated.har",
            2,
            "exchanges/bad/truncated.har:33:8: error: the file ends inside entries[2] (is it truncated?)",
            "2 exchange(s): 2 bodies checked, 0 invalid",
        ),
        // Named `.har`: read as HAR whatever its first bytes (an error page
        // saved by a proxy, a recording that was never written).
        (
            "not_json.har",
            2,
            "exchanges/bad/not_json.har:1:1: error: expected `{` to open a HAR file, found `<`",
            "0 exchange(s): 0 bodies checked",
        ),
        (
            "empty.har",
            2,
            "exchanges/bad/empty.har:1:1: error: the file ends where `{` to open a HAR file was expected (is it truncated?)",
            "0 exchange(s): 0 bodies checked",
        ),
        (
            "empty.ndjson",
            2,
            "exchanges/bad/empty.ndjson: error: the file holds no exchange (expected HAR, or one exchange a line)",
            "0 exchange(s): 0 bodies checked",
        ),
        (
            "bom.ndjson",
            2,
            "exchanges/bad/bom.ndjson:1:1: error: the file starts with a UTF-8 byte-order mark, which JSON does not allow; save it without one",
            "0 exchange(s): 0 bodies checked",
        ),
        (
            "not_exchange.ndjson",
            1,
            "exchanges/bad/not_exchange.ndjson:1: error: line 1: not an exchange: expected an object {\"method\", \"url\" or \"path\", \"status\", \"request\", \"response\"}",
            "2 exchange(s): 1 bodies checked, 0 invalid",
        ),
    ];
    for (file, code, line, counts) in cases {
        let path = format!("exchanges/bad/{file}");
        let r = run(&["--exchanges", &path], b"");
        assert_eq!(r.code, code, "{file}: {}", r.stdout);
        assert!(
            r.stdout.lines().any(|l| l.starts_with(line)),
            "{file}: {}",
            r.stdout
        );
        assert!(r.stdout.contains(counts), "{file}: {}", r.stdout);
    }
}
