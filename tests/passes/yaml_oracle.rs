//! The importer's YAML reader against PyYAML with libyaml's loader, on every
//! fixture in tests/fixtures/yaml/: both accept a file with the same value,
//! or both refuse it. `.ci/run` installs PyYAML; elsewhere the test is
//! skipped when python3 or PyYAML is missing, unless
//! INTERCOM_REQUIRE_PYYAML is set.

use std::path::{Path, PathBuf};
use std::process::Command;

use intercom_codegen::source;
use serde_json::Value;

/// Reads each file named on the command line with PyYAML (libyaml's loader
/// when PyYAML has it) and prints a JSON line for each: its value, or the
/// name of the error that refused it.
const ORACLE: &str = r#"
import json, sys, yaml
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        text = f.read()
    try:
        print(json.dumps({"value": yaml.load(text, Loader=loader)}))
    except yaml.YAMLError as error:
        print(json.dumps({"error": type(error).__name__}))
"#;

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/yaml");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// PyYAML's verdict on each file, or `None` when it cannot be run here.
fn pyyaml(files: &[PathBuf]) -> Option<Vec<Value>> {
    let required = std::env::var_os("INTERCOM_REQUIRE_PYYAML").is_some();
    let output = Command::new("python3")
        .arg("-c")
        .arg(ORACLE)
        .args(files)
        .output();
    let output = match output {
        Ok(output) if output.status.success() => output,
        Ok(output) if !required => {
            eprintln!(
                "skipped: PyYAML did not run: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            return None;
        }
        Err(error) if !required => {
            eprintln!("skipped: python3 did not run: {error}");
            return None;
        }
        other => panic!("PyYAML must run (INTERCOM_REQUIRE_PYYAML is set): {other:?}"),
    };
    let text = String::from_utf8(output.stdout).unwrap();
    Some(
        text.lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect(),
    )
}

#[test]
fn the_importer_reads_yaml_as_libyaml_does() {
    let files = fixtures();
    assert!(files.len() >= 10, "the fixtures are there");
    let Some(theirs) = pyyaml(&files) else {
        return;
    };
    assert_eq!(theirs.len(), files.len());
    let mut differences = Vec::new();
    for (path, theirs) in files.iter().zip(&theirs) {
        let bytes = std::fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        match (source::parse(path, &bytes), theirs.get("value")) {
            (Ok(ours), Some(value)) if ours.value == *value => {}
            (Ok(ours), Some(value)) => {
                differences.push(format!("{name}: ours {}, PyYAML {value}", ours.value))
            }
            (Ok(ours), None) => differences.push(format!(
                "{name}: ours {}, PyYAML refuses it ({})",
                ours.value, theirs["error"]
            )),
            (Err(error), Some(value)) => {
                differences.push(format!("{name}: ours refuses it ({error}), PyYAML {value}"))
            }
            (Err(error), None) => {
                let message = error.to_string();
                assert!(
                    message.starts_with(&format!("{}:", path.display())),
                    "a refusal names the file and its position: {message}"
                );
            }
        }
    }
    assert!(differences.is_empty(), "{differences:#?}");
}
