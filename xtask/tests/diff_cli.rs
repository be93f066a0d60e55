//! End-to-end tests of `cargo xtask diff`: they run the real binary, on
//! fixtures and bad input, and on the real reference versions in ../shared
//! when it is there (CI sets INTERCOM_REQUIRE_SHARED so they cannot skip).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

fn reference(version: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference/intercom-openapi");
    if !dir.is_dir() {
        assert!(
            std::env::var_os("INTERCOM_REQUIRE_SHARED").is_none(),
            "INTERCOM_REQUIRE_SHARED is set but ../shared is missing"
        );
        return None;
    }
    Some(dir.join(format!("{version}.yaml")))
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("the xtask binary runs")
}

fn diff(old: &Path, new: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "diff",
        "--old",
        old.to_str().unwrap(),
        "--new",
        new.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    xtask(&args)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A diff that must fail with exit code 2; returns its stderr.
fn refused(output: Output) -> String {
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "stderr: {text}");
    assert!(!text.contains("panicked"), "{text}");
    text
}

fn pair(case: &str) -> (PathBuf, PathBuf) {
    let dir = fixtures().join("diff").join(case);
    (dir.join("old.yaml"), dir.join("new.yaml"))
}

#[test]
fn exit_codes_follow_fail_on() {
    let (old, new) = pair("enum_value_removed/request");
    assert_eq!(diff(&old, &new, &[]).status.code(), Some(1));
    assert_eq!(
        diff(&old, &new, &["--fail-on", "none"]).status.code(),
        Some(0)
    );
    let (old, new) = pair("enum_value_added/request");
    assert_eq!(diff(&old, &new, &[]).status.code(), Some(0));
    assert_eq!(
        diff(&old, &new, &["--fail-on", "any"]).status.code(),
        Some(1)
    );
    // Against itself: nothing, exit 0 even under --fail-on any.
    let output = diff(&old, &old, &["--fail-on", "any"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(
        stdout(&output).starts_with("0 changes"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_reference_file_and_an_import_directory_can_be_mixed() {
    let (old, new) = pair("enum_value_removed/both");
    let dir = std::env::temp_dir().join(format!("xtask-diff-{}-import", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let imported = xtask(&[
        "import",
        "--spec",
        new.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(imported.status.success(), "{}", stderr(&imported));
    let from_file = diff(&old, &new, &["--format", "json"]);
    let from_dir = diff(&old, &dir, &["--format", "json"]);
    let changes = |output: &Output| {
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        report["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(changes(&from_file), changes(&from_dir));
    assert!(!changes(&from_dir).is_empty());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn accepted_changes_do_not_fail_and_stale_lines_warn() {
    let (old, new) = pair("enum_value_removed/request");
    let file = std::env::temp_dir().join(format!("xtask-diff-{}-accept", std::process::id()));
    std::fs::write(
        &file,
        "# reviewed in PR 12\nenum-value-removed thing#/properties/a  # z is gone\nproperty-removed thing#/properties/nope\n",
    )
    .unwrap();
    let output = diff(&old, &new, &["--accept", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("(accepted)"),
        "{}",
        stdout(&output)
    );
    assert!(
        stderr(&output).contains(
            ":3: accepted change `property-removed thing#/properties/nope` matches no change"
        ),
        "{}",
        stderr(&output)
    );
    std::fs::remove_file(file).unwrap();
}

#[test]
fn output_goes_to_a_file_and_is_deterministic() {
    let (old, new) = pair("operations");
    let out = std::env::temp_dir().join(format!("xtask-diff-{}-out.md", std::process::id()));
    for format in ["text", "markdown", "json", "github"] {
        let first = diff(&old, &new, &["--format", format]);
        let second = diff(
            &old,
            &new,
            &["--format", format, "--output", out.to_str().unwrap()],
        );
        assert_eq!(first.status.code(), Some(1));
        assert_eq!(second.status.code(), Some(1));
        assert_eq!(first.stdout, std::fs::read(&out).unwrap(), "{format}");
    }
    std::fs::remove_file(out).unwrap();
}

#[test]
fn github_annotations_point_into_new_for_additions_and_old_for_removals() {
    let (old, new) = pair("renamed/request");
    let text = stdout(&diff(&old, &new, &["--format", "github"]));
    let removed = text
        .lines()
        .find(|l| l.contains("property-removed"))
        .unwrap();
    assert!(removed.starts_with("::error file="), "{removed}");
    assert!(removed.contains("old.yaml,line=19,col="), "{removed}");
    let added = text
        .lines()
        .find(|l| l.contains("property-added-optional"))
        .unwrap();
    assert!(added.starts_with("::notice file="), "{added}");
    assert!(added.contains("new.yaml,line=19,col="), "{added}");
}

#[test]
fn bad_input_exits_2_naming_the_file() {
    let good = pair("operations").0;
    let bad = fixtures().join("bad");
    let missing = fixtures().join("diff/missing.yaml");
    let text = refused(diff(&missing, &good, &[]));
    assert!(
        text.contains("missing.yaml: no such file or directory"),
        "{text}"
    );

    let text = refused(diff(&good, &bad.join("yaml_syntax.yaml"), &[]));
    assert!(text.contains("yaml_syntax.yaml:"), "{text}");
    let text = refused(diff(&bad.join("json_syntax.json"), &good, &[]));
    assert!(text.contains("json_syntax.json:"), "{text}");

    let text = refused(diff(&good, &bad.join("swagger2.yaml"), &[]));
    assert!(text.contains("swagger2.yaml"), "{text}");
    let text = refused(diff(&good, &bad.join("openapi31.yaml"), &[]));
    assert!(text.contains("OpenAPI 3.1.0 is not supported"), "{text}");

    // A directory that import did not write.
    let text = refused(diff(&good, &bad, &[]));
    assert!(
        text.contains("not a schema/ directory written by `cargo xtask import`"),
        "{text}"
    );

    let text = refused(diff(&good, &good, &["--select", "thnig"]));
    assert!(
        text.contains("unknown schema or operationId `thnig`"),
        "{text}"
    );
    assert!(text.contains("closest known names: thing"), "{text}");

    let text = refused(diff(&good, &good, &["--format", "yaml"]));
    assert!(text.contains("yaml"), "{text}");
    let text = refused(diff(&good, &good, &["--fail-on", "sometimes"]));
    assert!(text.contains("sometimes"), "{text}");
    let text = refused(diff(&good, &good, &["--accept", missing.to_str().unwrap()]));
    assert!(text.contains("missing.yaml: cannot read"), "{text}");
}

#[test]
fn a_dangling_ref_warns_and_fails_under_strict() {
    let spec = fixtures().join("import/unresolved_ref.yaml");
    let output = diff(&spec, &spec, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("warning: "), "{}", stderr(&output));
    let text = refused(diff(&spec, &spec, &["--strict"]));
    assert!(text.contains("unresolved $ref"), "{text}");
}

fn real(old: &str, new: &str, extra: &[&str]) -> Option<(Output, String)> {
    let (a, b) = (reference(old)?, reference(new)?);
    let output = diff(&a, &b, extra);
    let text = stdout(&output);
    Some((output, text))
}

fn line_of<'a>(text: &'a str, kind: &str, at: &str) -> &'a str {
    text.lines()
        .find(|l| l.contains(&format!(" {kind} ")) && l.contains(&format!(" {at}  ")))
        .unwrap_or_else(|| panic!("no {kind} at {at}"))
}

#[test]
fn real_2_10_to_2_11_contact_role_becomes_required_in_a_response() {
    let Some((_, text)) = real("2.10", "2.11", &[]) else {
        return;
    };
    let line = line_of(&text, "became-required", "contact#/properties/role");
    assert!(line.starts_with("NON-BREAKING"), "{line}");
    assert!(
        line.contains(
            "[rust: Contact.role: Option<String> → Contact.role: String, compile-breaking]"
        ),
        "{line}"
    );
    assert!(line.contains("[response]"), "{line}");
}

#[test]
fn real_2_11_to_2_12_reverts_and_breaks() {
    let Some((output, text)) = real("2.11", "2.12", &[]) else {
        return;
    };
    assert_eq!(output.status.code(), Some(1));
    let line = line_of(&text, "became-optional", "contact#/properties/role");
    assert!(
        line.starts_with("BREAKING") && line.contains("[response]"),
        "{line}"
    );
    let line = line_of(&text, "type-changed", "admin#/properties/avatar");
    assert!(line.contains("from object to string"), "{line}");
    let line = line_of(&text, "type-changed", "ticket#/properties/ticket_state");
    assert!(
        line.contains("from string enum to $ref ticket_state"),
        "{line}"
    );
    for value in ["contact", "lead", "user"] {
        let line = text
            .lines()
            .find(|l| {
                l.contains(" create_message_request#/properties/from/properties/type ")
                    && l.contains(&format!("enum value \"{value}\" removed"))
            })
            .unwrap_or_else(|| panic!("{value} not removed"));
        assert!(
            line.starts_with("BREAKING") && line.contains("[request]"),
            "{line}"
        );
    }
}

#[test]
fn real_2_12_to_2_13_absorbs_new_activity_types_and_ignores_all_of_rewrites() {
    let Some((output, text)) = real("2.12", "2.13", &[]) else {
        return;
    };
    assert_eq!(output.status.code(), Some(1));
    let activity: Vec<&str> = text
        .lines()
        .filter(|l| {
            l.contains(" enum-value-added ")
                && l.contains(" activity_log#/properties/activity_type ")
        })
        .collect();
    assert_eq!(activity.len(), 2, "{activity:#?}");
    assert!(
        activity.iter().all(|l| l.starts_with("ABSORBED")),
        "{activity:#?}"
    );
    for schema in [
        "contact_archived#",
        "contact_deleted#",
        "contact_unarchived#",
    ] {
        assert!(!text.contains(&format!(" {schema}")), "{schema} reported");
    }
    let (any, _) = real("2.12", "2.13", &["--fail-on", "any"]).unwrap();
    assert_eq!(any.status.code(), Some(1));
    let (none, _) = real("2.12", "2.13", &["--fail-on", "none"]).unwrap();
    assert_eq!(none.status.code(), Some(0));
}

#[test]
fn real_version_against_itself_is_empty() {
    let Some((output, text)) = real("2.13", "2.13", &["--fail-on", "any"]) else {
        return;
    };
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.starts_with("0 changes"), "{text}");
}

#[test]
fn real_whole_version_markdown_fits_one_pull_request_comment() {
    let Some((output, text)) = real("2.11", "2.12", &["--format", "markdown"]) else {
        return;
    };
    assert_eq!(output.status.code(), Some(1));
    assert!(text.len() < 65_536, "{} characters", text.len());
    assert!(text.contains("<details>"), "long groups are folded");
}

#[test]
fn a_schema_directory_is_read_with_the_files_beside_its_schema() {
    let old = fixtures().join("codegen_siblings");
    let new = tempfile::tempdir().unwrap();
    std::fs::copy(
        old.join("intercom.schema.json"),
        new.path().join("intercom.schema.json"),
    )
    .unwrap();
    let common = std::fs::read_to_string(old.join("common.schema.json")).unwrap();
    let changed = common.replace(
        "\"name\": { \"type\": \"string\", \"minLength\": 1 }",
        "\"name\": { \"type\": \"integer\" }",
    );
    assert_ne!(
        changed, common,
        "the fixture has the property this test changes"
    );
    std::fs::write(new.path().join("common.schema.json"), changed).unwrap();
    let output = diff(&old, new.path(), &[]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{}{text}", stderr(&output));
    // What changed in common.schema.json is seen through the `$ref` of the schema.
    assert!(
        line_of(
            &text,
            "type-changed",
            "ticket#/properties/author/properties/name"
        )
        .contains("type changed from string to integer"),
        "{text}"
    );
}
