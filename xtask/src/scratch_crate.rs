//! The temporary crates that `reference-check` and `conformance` generate,
//! build and run: written file by file only where they changed, built in a
//! target directory kept between runs, and spoken to in JSON over stdin and
//! stdout.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};
use intercom_codegen::output::{self, Mode};
use serde_json::Value;

use crate::project_root;

/// Writes the crate `name` in `work/crate` with `files` (paths relative to the
/// crate) and builds it in `target/scratch`, a target directory all scratch
/// crates share so their dependencies are built once; returns its binary.
pub fn build(work: &Path, name: &str, files: &[(String, String)]) -> anyhow::Result<PathBuf> {
    let dir = work.join("crate");
    let runtime = project_root().join("runtime");
    let manifest = format!(
        r#"# Written by `cargo xtask`; rebuilt on every run.
[package]
name = "{name}"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
intercom-runtime = {{ path = {runtime:?} }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = {{ version = "1", features = ["preserve_order"] }}
schemars = {{ version = "1", optional = true }}
regex = "1"

# Generated types derive `schemars::JsonSchema` under this feature; the
# checks do not need it.
[features]
schemars = ["dep:schemars", "intercom-runtime/schemars"]

# Generated code compiles without warnings, for every reference version.
[lints.rust]
warnings = "deny"

[profile.dev]
debug = false

[profile.dev.package."*"]
opt-level = 1

[workspace]
"#,
        runtime = runtime.display().to_string()
    );
    output::ensure_file(&dir.join("Cargo.toml"), &manifest, Mode::Write)?;
    // The workspace's lock file: the same versions, and no index lookups.
    let lock = std::fs::read_to_string(project_root().join("Cargo.lock"))?;
    output::ensure_file(&dir.join("Cargo.lock"), &lock, Mode::Write)?;
    for (path, text) in files {
        output::ensure_file(&dir.join(path), text, Mode::Write)?;
    }
    let target = project_root().join("target").join("scratch");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .status()
        .with_context(|| format!("running cargo build for {}", dir.display()))?;
    if !status.success() {
        bail!(
            "the generated code in {} does not compile (see above): a bug in codegen",
            dir.display()
        );
    }
    Ok(target
        .join("debug")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX)))
}

/// Runs `binary` with `requests` as JSON on stdin; returns the JSON array it prints.
pub fn ask(binary: &Path, requests: Value) -> anyhow::Result<Vec<Value>> {
    let mut child = Command::new(binary)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("running {}", binary.display()))?;
    let stdin = child.stdin.take().context("the child's stdin")?;
    let writer = std::thread::spawn(move || serde_json::to_writer(stdin, &requests));
    let output = child.wait_with_output()?;
    writer
        .join()
        .map_err(|_| anyhow::anyhow!("writing the requests panicked"))??;
    if !output.status.success() {
        bail!("{} failed: {}", binary.display(), output.status);
    }
    Ok(serde_json::from_slice(&output.stdout)?)
}
