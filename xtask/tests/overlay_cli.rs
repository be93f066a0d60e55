//! End-to-end tests of overlays through the real binary: `import --overlay`,
//! `--no-overlays` and `--strict`, the overlays of a workspace's
//! `reference/overlays/` applied by default, `diff --old-overlay/--new-overlay`,
//! `upgrade` listing actions that no longer match, and the generated header.
//! Fixtures are in tests/fixtures/overlays/.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/overlays")
        .join(name)
}

/// Runs xtask on the workspace at `workspace` (an empty one by default, so
/// that this checkout's own overlays stay out of the tests).
fn xtask(workspace: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("INTERCOM_WORKSPACE", workspace)
        .output()
        .expect("the xtask binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    let text = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!text.contains("panicked"), "{text}");
    text
}

/// A workspace with `overlays` in its reference/overlays/.
fn workspace(overlays: &[&str]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("reference/overlays");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("README.md"), "not an overlay\n").unwrap();
    for (index, name) in overlays.iter().enumerate() {
        let file = Path::new(name).file_name().unwrap().to_string_lossy();
        std::fs::copy(fixture(name), folder.join(format!("{index:02}-{file}"))).unwrap();
    }
    dir
}

/// `import --spec reference.yaml --out OUT` plus `extra`, in `workspace`.
fn import(workspace: &Path, extra: &[&str]) -> (Output, PathBuf) {
    let out = workspace.join("schema-out");
    let reference = fixture("reference.yaml");
    let mut args = vec![
        "import",
        "--spec",
        reference.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    (xtask(workspace, &args), out.join("intercom.schema.json"))
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn refused(workspace: &Path, extra: &[&str]) -> String {
    let (output, written) = import(workspace, extra);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(!written.exists(), "nothing is written on error");
    stderr(&output)
}

#[test]
fn an_overlay_named_on_the_command_line_is_applied_and_recorded() {
    let ws = workspace(&[]);
    let overlay = fixture("widen_type.yaml");
    let (output, written) = import(ws.path(), &["--overlay", overlay.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let schema = read_json(&written);
    assert!(
        schema
            .pointer("/$defs/ticket/properties/id/oneOf")
            .is_some()
    );
    let recorded = &schema["x-provenance"]["overlays"][0];
    assert_eq!(recorded["file"], "widen_type.yaml");
    assert_eq!(recorded["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(recorded["actions"][0]["matched"], 1);
    assert_eq!(
        recorded["actions"][1]["description"],
        "ids arrive as integers and as strings of digits"
    );

    // The generated crate's header names it.
    let crate_dir = ws.path().join("crate");
    let schema_dir = written.parent().unwrap();
    let output = xtask(
        ws.path(),
        &[
            "codegen",
            "--schema",
            schema_dir.to_str().unwrap(),
            "--out",
            crate_dir.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let lib = std::fs::read_to_string(crate_dir.join("src/lib.rs")).unwrap();
    assert!(
        lib.contains("corrected by the overlays `widen_type.yaml` (SHA-256 `"),
        "{}",
        &lib[..lib.len().min(600)]
    );
}

#[test]
fn the_workspace_overlays_apply_by_default_in_file_name_order_and_no_overlays_skips_them() {
    let ws = workspace(&["unrequire.yaml", "enum_value.yaml"]);
    let (output, written) = import(ws.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let schema = read_json(&written);
    let files: Vec<&str> = schema["x-provenance"]["overlays"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["00-unrequire.yaml", "01-enum_value.yaml"]);
    assert_eq!(
        schema["$defs"]["ticket"]["required"],
        serde_json::json!(["id"])
    );

    let (output, written) = import(ws.path(), &["--no-overlays"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let schema = read_json(&written);
    assert!(schema["x-provenance"].get("overlays").is_none());
    assert_eq!(
        schema["$defs"]["ticket"]["required"],
        serde_json::json!(["id", "title"])
    );
}

#[test]
fn an_action_that_matches_nothing_warns_and_fails_under_strict() {
    let ws = workspace(&[]);
    let overlay = fixture("bad/unmatched.yaml");
    let overlay = overlay.to_str().unwrap();
    let (output, written) = import(ws.path(), &["--overlay", overlay]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stderr(&output).lines().next().unwrap(),
        format!(
            "warning: {overlay}:9:5: the target `$.components.schemas.conversation.properties.id` matches nothing (a correction for a schema the reference has not)"
        )
    );
    let schema = read_json(&written);
    assert_eq!(
        schema["x-provenance"]["overlays"][0]["actions"][1]["matched"],
        0
    );

    std::fs::remove_file(&written).unwrap();
    let text = refused(ws.path(), &["--overlay", overlay, "--strict"]);
    assert_eq!(
        text.trim_end(),
        format!(
            "error: {overlay}:9:5: the target `$.components.schemas.conversation.properties.id` matches nothing (a correction for a schema the reference has not) (an error under --strict)"
        )
    );
}

#[test]
fn an_invalid_json_path_is_refused_at_its_character() {
    let ws = workspace(&[]);
    let overlay = fixture("bad/invalid_jsonpath.yaml");
    let overlay = overlay.to_str().unwrap();
    let text = refused(ws.path(), &["--overlay", overlay]);
    assert!(
        text.starts_with(&format!(
            "error: {overlay}:6:33: invalid JSONPath `$.components.schemas[ticket`: at character 21 of the expression:"
        )),
        "{text}"
    );
}

#[test]
fn a_document_that_is_not_an_overlay_is_refused_with_line_and_column() {
    let ws = workspace(&[]);
    let overlay = fixture("bad/not_an_overlay.yaml");
    let overlay = overlay.to_str().unwrap();
    let text = refused(ws.path(), &["--overlay", overlay]);
    assert_eq!(
        text.trim_end(),
        format!(
            "error: {overlay}:1:1: not an Overlay document: expected an object with `overlay` (the Overlay Specification version), `info` and `actions`; `overlay` is missing"
        )
    );
    let overlay = fixture("bad/unknown_version.yaml");
    let overlay = overlay.to_str().unwrap();
    let text = refused(ws.path(), &["--overlay", overlay]);
    assert_eq!(
        text.trim_end(),
        format!(
            "error: {overlay}:1:10: unknown Overlay Specification version `2.0.0`: expected 1.0.x or 1.1.x"
        )
    );
}

#[test]
fn an_update_that_makes_the_reference_invalid_is_reported_by_import_naming_the_overlay() {
    let ws = workspace(&[]);
    let overlay = fixture("bad/invalid_openapi.yaml");
    let overlay = overlay.to_str().unwrap();
    let text = refused(ws.path(), &["--overlay", overlay]);
    assert_eq!(
        text.trim_end(),
        format!(
            "error: {overlay}:8:16: OpenAPI 3.1.0 is not supported: this importer reads OpenAPI 3.0.x documents"
        )
    );
    // A malformed keyword the overlay wrote is a warning at the overlay's line.
    let overlay = fixture("bad/malformed_keyword.yaml");
    let overlay = overlay.to_str().unwrap();
    let (output, _) = import(ws.path(), &["--overlay", overlay]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).starts_with(&format!(
            "warning: {overlay}:8:17: `required` must be a list of property names"
        )),
        "{}",
        stderr(&output)
    );
}

fn diff(workspace: &Path, extra: &[&str]) -> Output {
    let old = fixture("reference.yaml");
    let new = fixture("upgrade/new.yaml");
    let mut args = vec![
        "diff",
        "--old",
        old.to_str().unwrap(),
        "--new",
        new.to_str().unwrap(),
        "--fail-on",
        "none",
    ];
    args.extend_from_slice(extra);
    xtask(workspace, &args)
}

#[test]
fn diff_applies_the_workspace_overlays_to_both_sides_and_each_side_its_own() {
    // Without overlays, the removal of legacy_code is Intercom's change.
    let ws = workspace(&[]);
    let output = diff(ws.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("ticket#/properties/legacy_code"));

    // With the correction pinned, both sides lack it: no change to report,
    // and the correction that NEW makes needless is named.
    let ws = workspace(&["remove_property.yaml"]);
    let output = diff(ws.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        !stdout(&output).contains("legacy_code"),
        "{}",
        stdout(&output)
    );
    assert!(stdout(&output).contains("ticket#/properties/priority"));
    assert!(
        stderr(&output).contains(
            "the target `$.components.schemas.ticket.properties.legacy_code` matches nothing"
        ),
        "{}",
        stderr(&output)
    );

    // --no-overlays shows it again; --new-overlay corrects one side only.
    let output = diff(ws.path(), &["--no-overlays"]);
    assert!(stdout(&output).contains("ticket#/properties/legacy_code"));
    let enum_value = fixture("enum_value.yaml");
    let output = diff(
        ws.path(),
        &[
            "--no-overlays",
            "--new-overlay",
            enum_value.to_str().unwrap(),
        ],
    );
    assert!(
        stdout(&output).contains("enum value \"snoozed\" added"),
        "{}",
        stdout(&output)
    );
    let output = diff(
        ws.path(),
        &[
            "--no-overlays",
            "--old-overlay",
            enum_value.to_str().unwrap(),
            "--new-overlay",
            enum_value.to_str().unwrap(),
        ],
    );
    assert!(!stdout(&output).contains("snoozed"), "{}", stdout(&output));
}

#[test]
fn upgrade_lists_the_actions_that_no_longer_match_before_writing_anything() {
    let ws = workspace(&["remove_property.yaml"]);
    let pinned = ws.path().join("reference/intercom-openapi");
    std::fs::create_dir_all(&pinned).unwrap();
    std::fs::copy(fixture("reference.yaml"), pinned.join("1.0.yaml")).unwrap();
    std::fs::create_dir_all(ws.path().join("generated")).unwrap();
    std::fs::write(ws.path().join("generated/Cargo.toml"), "[package]\n").unwrap();
    let new = fixture("upgrade/new.yaml");

    let output = xtask(
        ws.path(),
        &[
            "upgrade",
            "--spec",
            new.to_str().unwrap(),
            "--fail-on",
            "any",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(
        text.contains("overlay actions that match nothing in"),
        "{text}"
    );
    assert!(
        text.contains("00-remove_property.yaml:6:5: the target `$.components.schemas.ticket.properties.legacy_code` matches nothing"),
        "{text}"
    );
    assert!(!ws.path().join("schema").exists(), "nothing written");
    assert!(
        !stdout(&output).contains("legacy_code"),
        "{}",
        stdout(&output)
    );

    let output = xtask(ws.path(), &["upgrade", "--spec", new.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let schema = read_json(&ws.path().join("schema/intercom.schema.json"));
    assert_eq!(
        schema["x-provenance"]["overlays"][0]["file"],
        "00-remove_property.yaml"
    );
    assert_eq!(
        schema["x-provenance"]["overlays"][0]["actions"][0]["matched"],
        0
    );
}

#[test]
fn a_change_an_overlay_made_is_located_in_the_overlay() {
    let ws = workspace(&[]);
    let reference = fixture("reference.yaml");
    let overlay = fixture("copy_schema.yaml");
    let output = xtask(
        ws.path(),
        &[
            "diff",
            "--old",
            reference.to_str().unwrap(),
            "--new",
            reference.to_str().unwrap(),
            "--new-overlay",
            overlay.to_str().unwrap(),
            "--format",
            "github",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with(&format!(
            "::notice file={},line=9,col=21,title=non-breaking schema-added::",
            overlay.display()
        )),
        "{}",
        stdout(&output)
    );
}

/// The columns of the row of `file` in reference-check's table, by header.
fn reference_check_row(output: &Output, file: &str) -> std::collections::HashMap<String, String> {
    let text = stdout(output);
    let mut lines = text.lines().skip_while(|line| !line.starts_with("file "));
    let header: Vec<String> = lines
        .next()
        .unwrap_or_else(|| panic!("no table in {text}"))
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let row = lines
        .find(|line| line.starts_with(file))
        .unwrap_or_else(|| panic!("no row for {file} in {text}"));
    header
        .into_iter()
        .zip(row.split_whitespace().map(str::to_owned))
        .collect()
}

#[test]
fn reference_check_judges_the_reference_as_the_overlays_correct_it() {
    let reference = fixture("checked/reference.yaml");
    let reference = reference.to_str().unwrap();
    let workspace = workspace(&["widen_type.yaml"]);

    let corrected = xtask(workspace.path(), &["reference-check", reference]);
    assert_eq!(corrected.status.code(), Some(0), "{}", stderr(&corrected));
    let row = reference_check_row(&corrected, "reference.yaml");
    assert_eq!(row["examples"], "1", "{row:?}");
    assert_eq!(
        row["ref-errors"], "0",
        "the overlay lets the example's string id through: {row:?}"
    );
    assert_eq!(
        row["round-trip"], "1",
        "and it reads and writes back unchanged: {row:?}"
    );

    let as_published = xtask(
        workspace.path(),
        &["reference-check", reference, "--no-overlays"],
    );
    assert_eq!(
        as_published.status.code(),
        Some(0),
        "{}",
        stderr(&as_published)
    );
    let row = reference_check_row(&as_published, "reference.yaml");
    assert_eq!(
        row["ref-errors"], "1",
        "without it the example breaks its own schema: {row:?}"
    );
    assert_eq!(row["round-trip"], "0", "{row:?}");
}
