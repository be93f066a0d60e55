//! End-to-end tests of `cargo xtask import`: they run the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("the xtask binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-import-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn import(spec: &Path, extra: &[&str], out: &Path) -> Output {
    let mut args = vec![
        "import",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    xtask(&args)
}

/// Runs an import that must fail with exit code 2, and returns its stderr.
fn refused(spec: &Path, extra: &[&str]) -> String {
    let out = out_dir("refused");
    let output = import(spec, extra, &out);
    assert_eq!(output.status.code(), Some(2), "stderr: {}", stderr(&output));
    assert!(
        !out.join("intercom.schema.json").exists(),
        "nothing is written on error"
    );
    let text = stderr(&output);
    assert!(!text.contains("panicked"), "{text}");
    text
}

#[test]
fn imports_a_fixture_and_reports_what_it_wrote() {
    let out = out_dir("ok");
    let output = import(
        &fixtures().join("import/inline_bodies.yaml"),
        &["--all"],
        &out,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("imported 6 schemas and 2 operations from "),
        "{stdout}"
    );
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("intercom.schema.json")).unwrap()).unwrap();
    assert_eq!(written["$defs"].as_object().unwrap().len(), 6);
    std::fs::remove_dir_all(out).unwrap();
}

#[test]
fn two_runs_write_byte_identical_files() {
    let (a, b) = (out_dir("first"), out_dir("second"));
    let spec = fixtures().join("import/nullable.yaml");
    assert!(import(&spec, &[], &a).status.success());
    assert!(import(&spec, &[], &b).status.success());
    assert_eq!(
        std::fs::read(a.join("intercom.schema.json")).unwrap(),
        std::fs::read(b.join("intercom.schema.json")).unwrap()
    );
    std::fs::remove_dir_all(a).unwrap();
    std::fs::remove_dir_all(b).unwrap();
}

#[test]
fn a_missing_file_is_named() {
    let text = refused(&fixtures().join("import/does_not_exist.yaml"), &[]);
    assert!(
        text.contains("does_not_exist.yaml: cannot read: No such file or directory"),
        "{text}"
    );
}

#[test]
fn a_yaml_syntax_error_has_line_and_column() {
    let text = refused(&fixtures().join("bad/yaml_syntax.yaml"), &[]);
    assert!(
        text.contains("yaml_syntax.yaml:4:6: invalid YAML: "),
        "{text}"
    );
}

#[test]
fn a_json_syntax_error_has_line_and_column() {
    let text = refused(&fixtures().join("bad/json_syntax.json"), &[]);
    assert!(
        text.contains("json_syntax.json:4:1: invalid JSON: trailing comma"),
        "{text}"
    );
}

#[test]
fn swagger_2_is_refused_with_what_is_supported() {
    let text = refused(&fixtures().join("bad/swagger2.yaml"), &[]);
    assert!(text.contains("swagger2.yaml:1:10: Swagger 2.0 is not supported: this importer reads OpenAPI 3.0.x documents"), "{text}");
}

#[test]
fn openapi_3_1_is_refused_with_what_is_supported() {
    let text = refused(&fixtures().join("bad/openapi31.yaml"), &[]);
    assert!(text.contains("openapi31.yaml:1:10: OpenAPI 3.1.0 is not supported: this importer reads OpenAPI 3.0.x documents"), "{text}");
}

#[test]
fn an_unknown_select_name_lists_the_closest_names() {
    let text = refused(
        &fixtures().join("import/inline_bodies.yaml"),
        &["--select", "contacts"],
    );
    assert!(
        text.contains("unknown schema or operationId `contacts`; closest known names: contact"),
        "{text}"
    );
}

#[test]
fn a_dangling_ref_warns_by_default_and_fails_under_strict() {
    let spec = fixtures().join("import/unresolved_ref.yaml");
    let out = out_dir("dangling");
    let output = import(&spec, &[], &out);
    assert!(output.status.success(), "{}", stderr(&output));
    let warning = stderr(&output);
    assert!(
        warning.contains("warning: ") && warning.contains("unresolved_ref.yaml:33:17: unresolved $ref `#/components/schemas/custom_attributes`"),
        "{warning}"
    );
    assert!(
        warning.contains("(at #/components/schemas/company/properties/custom_attributes/$ref)"),
        "{warning}"
    );
    std::fs::remove_dir_all(out).unwrap();

    let text = refused(&spec, &["--strict"]);
    assert!(
        text.contains(
            "unresolved_ref.yaml:33:17: unresolved $ref `#/components/schemas/custom_attributes`"
        ),
        "{text}"
    );
}

#[test]
fn select_and_all_cannot_be_combined() {
    let output = xtask(&["import", "--spec", "x.yaml", "--all", "--select", "a"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot be used with"),
        "{}",
        stderr(&output)
    );
}

/// Hostile references end in an error with a position, never a crash: each
/// is generated here rather than checked in, being large or repetitive.
#[test]
fn hostile_references_are_refused_with_their_position() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: String| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let depth = 100_000;
    let cases = [
        (
            write("block.yaml", format!("{}x\n", "- ".repeat(depth))),
            "block.yaml:1:257: the YAML nests deeper than 128 levels",
        ),
        (
            write(
                "flow.yaml",
                format!("a: {}1{}\n", "{b: ".repeat(depth), "}".repeat(depth)),
            ),
            "flow.yaml:1:512: the YAML nests deeper than 128 levels",
        ),
        (
            write(
                "nested.json",
                format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth)),
            ),
            "nested.json:1:636: invalid JSON: recursion limit exceeded",
        ),
        (
            write("laughs.yaml", {
                let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
                for level in 1..10 {
                    let aliases = vec![format!("*a{}", level - 1); 10].join(", ");
                    text.push_str(&format!("a{level}: &a{level} [{aliases}]\n"));
                }
                text
            }),
            "laughs.yaml:5:45: the alias `*a3` expands the document to more than 100000 values",
        ),
    ];
    for (spec, expected) in cases {
        let text = refused(&spec, &[]);
        assert!(
            text.starts_with(&format!("error: {}", dir.path().join(expected).display())),
            "{text}"
        );
    }
}
