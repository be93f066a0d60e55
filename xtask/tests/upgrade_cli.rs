//! End-to-end tests of `cargo xtask upgrade`: they run the real binary on a
//! temporary workspace (INTERCOM_WORKSPACE), on the fixtures in
//! tests/fixtures/upgrade/, and from 2.15 to 2.16 of the real reference when
//! ../shared is there (CI sets INTERCOM_REQUIRE_SHARED so that test cannot skip).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/upgrade").join(name)
}

fn shared_reference(version: &str) -> Option<PathBuf> {
    let dir = root().join("../shared/reference/intercom-openapi");
    if !dir.is_dir() {
        assert!(
            std::env::var_os("INTERCOM_REQUIRE_SHARED").is_none(),
            "INTERCOM_REQUIRE_SHARED is set but ../shared is missing"
        );
        return None;
    }
    Some(dir.join(format!("{version}.yaml")))
}

/// Runs xtask on the workspace at `workspace`.
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
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn upgrade(workspace: &Path, spec: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["upgrade", "--spec", spec.to_str().unwrap()];
    args.extend_from_slice(extra);
    xtask(workspace, &args)
}

/// A workspace with `pinned` as its reference (under its own file name, or
/// `name`), the licence and README beside it and the crate's Cargo.toml; with
/// `imported`, also the schema/ and generated/ that `cargo xtask import` and
/// `cargo xtask codegen` (no arguments) make of it.
fn workspace(pinned: &Path, name: &str, imported: bool) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let reference = dir.path().join("reference/intercom-openapi");
    std::fs::create_dir_all(&reference).unwrap();
    std::fs::copy(pinned, reference.join(name)).unwrap();
    for file in [
        "reference/intercom-openapi/LICENSE.md",
        "reference/README.md",
    ] {
        std::fs::copy(root().join(file), dir.path().join(file)).unwrap();
    }
    std::fs::create_dir_all(dir.path().join("generated")).unwrap();
    std::fs::copy(
        root().join("generated/Cargo.toml"),
        dir.path().join("generated/Cargo.toml"),
    )
    .unwrap();
    if imported {
        for command in ["import", "codegen"] {
            let output = xtask(dir.path(), &[command]);
            assert!(output.status.success(), "{command}: {}", stderr(&output));
        }
    }
    dir
}

/// Every file under `dir`, by path relative to it, with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap().to_string_lossy();
                found.insert(relative.replace('\\', "/"), std::fs::read(&path).unwrap());
            }
        }
    }
    found
}

fn names(files: &BTreeMap<String, Vec<u8>>) -> Vec<&str> {
    files.keys().map(String::as_str).collect()
}

/// An upgrade that must change nothing at all: its exit code and streams.
fn refused(workspace: &Path, spec: &Path, extra: &[&str], code: i32) -> Output {
    let before = files(workspace);
    let output = upgrade(workspace, spec, extra);
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        stdout(&output),
        stderr(&output)
    );
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
    let after = files(workspace);
    assert_eq!(
        names(&before),
        names(&after),
        "the same files, no temporary one left"
    );
    for (name, bytes) in &before {
        assert!(after[name] == *bytes, "{name} changed");
    }
    output
}

#[test]
fn an_upgrade_pins_new_imports_it_and_regenerates() {
    let ws = workspace(&fixture("old.yaml"), "1.0.yaml", true);
    let pinned_before = ws.path().join("reference/intercom-openapi/1.0.yaml");
    let diff = xtask(
        ws.path(),
        &[
            "diff",
            "--old",
            pinned_before.to_str().unwrap(),
            "--new",
            fixture("new.yaml").to_str().unwrap(),
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(diff.status.code(), Some(0), "{}", stderr(&diff));
    let before = files(ws.path());

    let output = upgrade(ws.path(), &fixture("new.yaml"), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    // First the report `cargo xtask diff` prints, then what was done.
    assert!(text.starts_with(&stdout(&diff)), "{text}");
    assert!(
        text.contains(
            "BREAKING     enum-value-removed       create_contact_request#/properties/role"
        ),
        "{text}"
    );
    let done = &text[stdout(&diff).len()..];
    assert!(
        done.starts_with(
            "upgraded reference/intercom-openapi/1.0.yaml (API version 1.0) to reference/intercom-openapi/1.1.yaml (API version 1.1) in "
        ),
        "{done}"
    );
    assert!(
        done.contains("  schema/intercom.schema.json: 2 schemas and 1 operations, rewritten\n"),
        "{done}"
    );
    assert!(done.contains("cargo build -p intercom-models"), "{done}");
    assert!(done.contains("cargo test --workspace"), "{done}");
    assert!(
        done.contains("review the 2 changes above (1 breaking, 1 absorbed;"),
        "{done}"
    );

    // The new reference replaces the old one, byte for byte; the rest stays.
    let after = files(ws.path());
    let reference: Vec<&str> = names(&after)
        .into_iter()
        .filter(|name| name.starts_with("reference/"))
        .collect();
    assert_eq!(
        reference,
        [
            "reference/README.md",
            "reference/intercom-openapi/1.1.yaml",
            "reference/intercom-openapi/LICENSE.md"
        ]
    );
    assert_eq!(
        after["reference/intercom-openapi/1.1.yaml"],
        std::fs::read(fixture("new.yaml")).unwrap()
    );
    for kept in [
        "reference/README.md",
        "reference/intercom-openapi/LICENSE.md",
        "generated/Cargo.toml",
    ] {
        assert_eq!(after[kept], before[kept], "{kept}");
    }
    assert!(
        !names(&after).iter().any(|name| name.contains(".xtask-")),
        "no temporary file is left: {:?}",
        names(&after)
    );

    // schema/ is what a later `cargo xtask import` with no arguments gives, and
    // what `import --spec NEW` gives but for the file name it records.
    let again = tempfile::tempdir().unwrap();
    let import = xtask(
        ws.path(),
        &["import", "--out", again.path().to_str().unwrap()],
    );
    assert!(import.status.success(), "{}", stderr(&import));
    let schema = &after["schema/intercom.schema.json"];
    assert!(
        std::fs::read(again.path().join("intercom.schema.json")).unwrap() == *schema,
        "schema/ differs from what `cargo xtask import` gives"
    );
    let import = xtask(
        ws.path(),
        &[
            "import",
            "--spec",
            fixture("new.yaml").to_str().unwrap(),
            "--out",
            again.path().to_str().unwrap(),
        ],
    );
    assert!(import.status.success(), "{}", stderr(&import));
    let mut from_spec: serde_json::Value =
        serde_json::from_slice(&std::fs::read(again.path().join("intercom.schema.json")).unwrap())
            .unwrap();
    assert_eq!(from_spec["x-provenance"]["source"], "new.yaml");
    from_spec["x-provenance"]["source"] = "1.1.yaml".into();
    assert_eq!(
        from_spec,
        serde_json::from_slice::<serde_json::Value>(schema).unwrap()
    );

    // generated/ is what codegen gives from it: --check finds nothing stale.
    for file in [
        "src/lib.rs",
        "types/src/types.rs",
        "validators/src/validators.rs",
    ] {
        let text = String::from_utf8_lossy(&after[&format!("generated/{file}")]).into_owned();
        assert!(
            text.starts_with(
                "// @generated by `cargo xtask codegen` from schema/intercom.schema.json; do not edit."
            ),
            "{file}: {}",
            &text[..80.min(text.len())]
        );
    }
    let types = String::from_utf8_lossy(&after["generated/types/src/types.rs"]).into_owned();
    assert!(types.contains("pub name: Option<String>"), "{types}");
    assert_ne!(
        before["generated/types/src/types.rs"],
        after["generated/types/src/types.rs"]
    );
    let check = xtask(ws.path(), &["codegen", "--check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
}

#[test]
fn the_pinned_file_is_named_after_info_version_and_its_content() {
    // JSON in a file called .yaml: pinned as 1.2.json.
    let ws = workspace(&fixture("old.yaml"), "1.0.yaml", false);
    let output = upgrade(ws.path(), &fixture("json_named_yaml.yaml"), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let reference: Vec<String> = files(&ws.path().join("reference/intercom-openapi"))
        .into_keys()
        .collect();
    assert_eq!(reference, ["1.2.json", "LICENSE.md"]);
    assert!(
        stdout(&output).contains(&format!(
            "  reference/intercom-openapi/1.2.json: written, a copy of {}; reference/intercom-openapi/1.0.yaml removed\n",
            fixture("json_named_yaml.yaml").display()
        )),
        "{}",
        stdout(&output)
    );
    // Upgrading to what is pinned changes nothing.
    let pinned = ws.path().join("reference/intercom-openapi/1.2.json");
    let again = refused(ws.path(), &pinned, &["--fail-on", "any"], 0);
    assert!(
        stdout(&again).contains("nothing to do: the workspace already holds what NEW gives"),
        "{}",
        stdout(&again)
    );
}

#[test]
fn fail_on_breaking_stops_before_writing_anything() {
    let ws = workspace(&fixture("old.yaml"), "1.0.yaml", true);
    let output = refused(
        ws.path(),
        &fixture("new.yaml"),
        &["--fail-on", "breaking"],
        1,
    );
    assert!(
        stdout(&output).contains("BREAKING     enum-value-removed"),
        "{}",
        stdout(&output)
    );
    assert!(
        stderr(&output)
            .contains("new.yaml has breaking changes (--fail-on breaking); nothing written"),
        "{}",
        stderr(&output)
    );
    assert!(
        !stdout(&output).contains("upgraded "),
        "{}",
        stdout(&output)
    );
    // Without breaking changes it goes on; under --fail-on any, an absorbed change stops it.
    refused(
        ws.path(),
        &fixture("json_named_yaml.yaml"),
        &["--fail-on", "any"],
        1,
    );
    let output = upgrade(
        ws.path(),
        &fixture("json_named_yaml.yaml"),
        &["--fail-on", "breaking"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn input_errors_write_nothing() {
    let ws = workspace(&fixture("old.yaml"), "1.0.yaml", true);
    let missing = refused(ws.path(), &fixture("does_not_exist.yaml"), &[], 2);
    assert!(
        stderr(&missing).contains("does_not_exist.yaml: cannot read: No such file or directory"),
        "{}",
        stderr(&missing)
    );
    let swagger = root().join("tests/fixtures/bad/swagger2.yaml");
    let swagger = refused(ws.path(), &swagger, &[], 2);
    assert!(
        stderr(&swagger).contains("swagger2.yaml:1:10: Swagger 2.0 is not supported"),
        "{}",
        stderr(&swagger)
    );
    let usage = refused(ws.path(), &fixture("new.yaml"), &["--fail-on", "some"], 2);
    assert!(stderr(&usage).contains("--fail-on"), "{}", stderr(&usage));
    // A reference that imports and diffs, but that codegen refuses: the diff is
    // printed, and nothing is written.
    let refused_by_codegen = refused(ws.path(), &fixture("codegen_refused.yaml"), &[], 2);
    assert!(
        stdout(&refused_by_codegen).contains("schema-added             odd#"),
        "{}",
        stdout(&refused_by_codegen)
    );
    assert!(
        stderr(&refused_by_codegen).contains("#/$defs/odd: `oneOf`: "),
        "{}",
        stderr(&refused_by_codegen)
    );
}

#[test]
fn a_failure_while_writing_leaves_everything_as_it_was() {
    let ws = workspace(&fixture("old.yaml"), "1.0.yaml", true);
    // The last generated file is a folder, so it cannot be replaced: by then
    // the temporary files of the reference, schema/ and the other generated
    // files are written, and must be removed.
    let last = ws.path().join("generated/operations/src/operations.rs");
    std::fs::remove_file(&last).unwrap();
    std::fs::create_dir(&last).unwrap();
    std::fs::write(last.join("in_the_way"), "x\n").unwrap();
    let output = refused(ws.path(), &fixture("new.yaml"), &[], 2);
    assert!(
        stderr(&output).contains(&format!("error: reading {}: ", last.display())),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_workspace_without_a_pinned_reference_or_crate_is_refused() {
    let ws = workspace(&fixture("old.yaml"), "1.0.yaml", false);
    std::fs::remove_file(ws.path().join("reference/intercom-openapi/1.0.yaml")).unwrap();
    let output = refused(ws.path(), &fixture("new.yaml"), &[], 2);
    assert!(
        stderr(&output).contains("no pinned reference"),
        "{}",
        stderr(&output)
    );
    std::fs::remove_file(ws.path().join("generated/Cargo.toml")).unwrap();
    let output = refused(ws.path(), &fixture("new.yaml"), &[], 2);
    assert!(
        stderr(&output).contains("not a workspace of this toolkit: it has no generated/Cargo.toml"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn from_2_15_to_2_16_gives_what_import_and_codegen_give() {
    let (Some(old), Some(new)) = (shared_reference("2.15"), shared_reference("2.16")) else {
        return;
    };
    let ws = workspace(&old, "2.15.yaml", false);
    let output = upgrade(ws.path(), &new, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("upgraded reference/intercom-openapi/2.15.yaml (API version 2.15) to reference/intercom-openapi/2.16.yaml (API version 2.16) in "),
        "{text}"
    );

    // The same in another workspace, by import and codegen.
    let by_hand = tempfile::tempdir().unwrap();
    let import = xtask(by_hand.path(), &["import", "--spec", new.to_str().unwrap()]);
    assert!(import.status.success(), "{}", stderr(&import));
    let codegen = xtask(by_hand.path(), &["codegen"]);
    assert!(codegen.status.success(), "{}", stderr(&codegen));

    let upgraded = files(ws.path());
    let expected = files(by_hand.path());
    assert_eq!(
        names(&upgraded)
            .into_iter()
            .filter(
                |n| n.starts_with("schema/") || (n.starts_with("generated/") && n.ends_with(".rs"))
            )
            .collect::<Vec<_>>(),
        names(&expected)
    );
    for (name, bytes) in &expected {
        assert!(upgraded[name] == *bytes, "{name} differs");
    }
    assert!(
        upgraded["reference/intercom-openapi/2.16.yaml"] == std::fs::read(&new).unwrap(),
        "the pinned reference is a copy of 2.16.yaml"
    );
    assert!(!upgraded.contains_key("reference/intercom-openapi/2.15.yaml"));
}
