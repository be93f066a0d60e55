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

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_passes_on_the_checked_in_crate_and_names_stale_files() {
    let schema = root().join("schema");
    let generated = root().join("generated");
    let ok = xtask(&[
        "codegen",
        "--check",
        "--schema",
        schema.to_str().unwrap(),
        "--out",
        generated.to_str().unwrap(),
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));

    let out = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(out.path().join("src")).unwrap();
    std::fs::write(out.path().join("src/types.rs"), "// edited by hand\n").unwrap();
    let stale = xtask(&[
        "codegen",
        "--check",
        "--schema",
        schema.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(stale.status.code(), Some(1));
    let stderr = text(&stale.stderr);
    for file in ["src/lib.rs", "src/types.rs", "src/validators.rs"] {
        assert!(
            stderr.contains(&format!("stale: {}", out.path().join(file).display())),
            "{stderr}"
        );
    }
    assert!(stderr.contains("run `cargo xtask codegen`"), "{stderr}");
    // --check wrote nothing.
    assert_eq!(
        std::fs::read_to_string(out.path().join("src/types.rs")).unwrap(),
        "// edited by hand\n"
    );

    let written = xtask(&[
        "codegen",
        "--schema",
        schema.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(written.status.code(), Some(0), "{}", text(&written.stderr));
    for file in ["src/lib.rs", "src/types.rs", "src/validators.rs"] {
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
    let run = xtask(&[
        "codegen",
        "--schema",
        schema.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
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
    let run = xtask(&[
        "codegen",
        "--schema",
        "/nonexistent/schema",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        text(&run.stderr).contains("/nonexistent/schema/intercom.schema.json: cannot read"),
        "{}",
        text(&run.stderr)
    );
}
