//! End-to-end tests of `cargo xtask codegen`: they run the real binary on
//! copies of the checked-in schema/ and generated/.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("the xtask binary runs")
}

/// `cargo xtask codegen --schema SCHEMA --out OUT`, with `--check` when asked.
fn codegen(schema: &Path, out: &Path, check: bool) -> Output {
    let mut args = vec!["codegen"];
    if check {
        args.push("--check");
    }
    args.extend([
        "--schema",
        schema.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    xtask(&args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every file codegen writes, relative to `--out`, in the order it writes them.
const GENERATED: [&str; 7] = [
    "src/lib.rs",
    "types/src/lib.rs",
    "types/src/types.rs",
    "validators/src/lib.rs",
    "validators/src/validators.rs",
    "operations/src/lib.rs",
    "operations/src/operations.rs",
];

#[test]
fn check_passes_on_the_checked_in_crate_and_names_stale_files() {
    let schema = root().join("schema");
    let generated = root().join("generated");
    let ok = codegen(&schema, &generated, true);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));

    let out = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(out.path().join("types/src")).unwrap();
    std::fs::write(out.path().join("types/src/types.rs"), "// edited by hand\n").unwrap();
    let stale = codegen(&schema, out.path(), true);
    assert_eq!(stale.status.code(), Some(1));
    let stderr = text(&stale.stderr);
    for file in GENERATED {
        assert!(
            stderr.contains(&format!("stale: {}", out.path().join(file).display())),
            "{stderr}"
        );
    }
    assert!(stderr.contains("run `cargo xtask codegen`"), "{stderr}");
    // --check wrote nothing.
    assert_eq!(
        std::fs::read_to_string(out.path().join("types/src/types.rs")).unwrap(),
        "// edited by hand\n"
    );

    let written = codegen(&schema, out.path(), false);
    assert_eq!(written.status.code(), Some(0), "{}", text(&written.stderr));
    for file in GENERATED {
        assert_eq!(
            std::fs::read_to_string(out.path().join(file)).unwrap(),
            std::fs::read_to_string(generated.join(file)).unwrap(),
            "{file} differs from the checked-in one"
        );
    }
}

#[test]
fn an_unsupported_construct_is_an_error_with_its_location() {
    let schema = root().join("tests/fixtures/bad/codegen_unsupported");
    let out = tempfile::tempdir().unwrap();
    let run = codegen(&schema, out.path(), false);
    assert_eq!(run.status.code(), Some(2));
    let stderr = text(&run.stderr);
    assert!(
        stderr.contains("intercom.schema.json: #/$defs/odd: `oneOf`: "),
        "{stderr}"
    );
    assert!(!out.path().join("src").exists());
}

#[test]
fn a_missing_schema_directory_is_an_error() {
    let out = tempfile::tempdir().unwrap();
    let run = codegen(Path::new("/nonexistent/schema"), out.path(), false);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        text(&run.stderr).contains("/nonexistent/schema/intercom.schema.json: cannot read"),
        "{}",
        text(&run.stderr)
    );
}

/// The names of the files in `dir`, recursively, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            names.push(path.strip_prefix(dir).unwrap().display().to_string());
            if path.is_dir() {
                stack.push(path);
            }
        }
    }
    names.sort();
    names
}

#[test]
fn a_failure_while_writing_leaves_the_crate_as_it_was() {
    let schema = root().join("schema");
    let out = tempfile::tempdir().unwrap();
    let (last, others) = GENERATED.split_last().unwrap();
    for file in others {
        let path = out.path().join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, format!("// {file} before\n")).unwrap();
    }
    // The last file to write cannot be: a folder stands where it goes, so
    // the run fails after the other files' new contents were written.
    std::fs::create_dir_all(out.path().join(last).join("in-the-way")).unwrap();
    let before = listing(out.path());

    let failed = codegen(&schema, out.path(), false);
    assert_ne!(failed.status.code(), Some(0));
    let stderr = text(&failed.stderr);
    assert!(stderr.contains(last), "{stderr}");
    assert_eq!(listing(out.path()), before, "no temporary file is left");
    for file in others {
        assert_eq!(
            std::fs::read_to_string(out.path().join(file)).unwrap(),
            format!("// {file} before\n"),
            "{file} is as it was"
        );
    }
}

/// The generated sources without their header, which names the schema's path.
fn without_header(text: &str) -> String {
    text.lines()
        .skip_while(|line| line.starts_with("// "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_ref_to_a_file_beside_the_schema_is_followed_into_it() {
    let schema = root().join("tests/fixtures/codegen_siblings");
    let out = tempfile::tempdir().unwrap();
    let run = codegen(&schema, out.path(), false);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let types = std::fs::read_to_string(out.path().join("types/src/types.rs")).unwrap();
    let validators =
        std::fs::read_to_string(out.path().join("validators/src/validators.rs")).unwrap();
    // The schema common.schema.json holds becomes a type, shared by both
    // properties that reference it, and says where it comes from.
    for expected in [
        "pub author: TicketAuthor,",
        "pub watchers: Option<Vec<TicketAuthor>>,",
        "/// At `common.schema.json#/$defs/person`.",
        "pub struct TicketAuthor {",
        "pub email: Option<String>,",
    ] {
        assert!(types.contains(expected), "no `{expected}` in\n{types}");
    }
    // Its checks are generated with locations in that file; `#/$defs/email`,
    // written in common.schema.json, resolves there and not in the schema.
    for expected in [
        "\"common.schema.json#/$defs/person/properties/name/minLength\"",
        "\"common.schema.json#/$defs/person/required\"",
        "\"common.schema.json#/$defs/email/format\"",
    ] {
        assert!(
            validators.contains(expected),
            "no {expected} in\n{validators}"
        );
    }

    // Where the directory stands changes nothing but the header.
    let elsewhere = tempfile::tempdir().unwrap();
    for file in ["intercom.schema.json", "common.schema.json"] {
        std::fs::copy(schema.join(file), elsewhere.path().join(file)).unwrap();
    }
    let out_elsewhere = tempfile::tempdir().unwrap();
    let moved = codegen(elsewhere.path(), out_elsewhere.path(), false);
    assert_eq!(moved.status.code(), Some(0), "{}", text(&moved.stderr));
    for file in ["types/src/types.rs", "validators/src/validators.rs"] {
        assert_eq!(
            without_header(&std::fs::read_to_string(out_elsewhere.path().join(file)).unwrap()),
            without_header(&std::fs::read_to_string(out.path().join(file)).unwrap()),
            "{file}"
        );
    }
}

#[test]
fn a_ref_to_a_url_nothing_registers_is_an_error_naming_it() {
    let schema = root().join("tests/fixtures/bad/codegen_unregistered_ref");
    let out = tempfile::tempdir().unwrap();
    let run = codegen(&schema, out.path(), false);
    assert_eq!(run.status.code(), Some(2));
    let stderr = text(&run.stderr);
    assert!(
        stderr.contains(
            "intercom.schema.json: not a schema: #/$defs/ticket/properties/author/$ref: `$ref` `https://example.com/schemas/person.json#/$defs/person` points into https://example.com/schemas/person.json, a document nothing registers"
        ),
        "{stderr}"
    );
    assert!(!out.path().join("src").exists());
}
