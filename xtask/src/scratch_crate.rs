//! The temporary crates that `reference-check` and `conformance` generate,
//! build and run: written file by file only where they changed, built in a
//! target directory kept between runs, and spoken to in JSON over stdin and
//! stdout.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};
use intercom_codegen::output::{self, Mode};
use serde_json::Value;

use crate::toolkit_root;

/// A library crate of a scratch build, which the binary depends on.
pub struct Part {
    /// Its crate name, which the binary's code uses as a path (`spec_0`).
    pub name: String,
    /// Its files, relative to the part's folder (`src/lib.rs`).
    pub files: Vec<(String, String)>,
}

/// What every scratch crate depends on; generated code names these.
fn dependencies() -> String {
    let runtime = toolkit_root().join("runtime");
    format!(
        r#"intercom-runtime = {{ path = {runtime:?} }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = {{ version = "1", features = ["preserve_order"] }}
regex = "1"
"#,
        runtime = runtime.display().to_string()
    )
}

/// The package sections of a scratch crate: generated code compiles without
/// warnings, for every reference version, and may name the feature
/// `schemars` (declared, off, so no `JsonSchema` is derived).
fn package(name: &str, dependencies: &str) -> String {
    format!(
        r#"# Written by `cargo xtask`; rebuilt on every run.
[package]
name = "{name}"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
{dependencies}
[features]
schemars = []

[lints.rust]
warnings = "deny"
"#
    )
}

/// Writes the binary crate `name` in `work/crate` with `files` (paths
/// relative to the crate) and a library crate for each of `parts` beside it,
/// and builds them in `target/scratch`, a target directory all scratch crates
/// share so their dependencies are built once; returns the binary. Parts are
/// separate crates so that cargo compiles them side by side: rustc checks one
/// crate on one core, and a crate per reference version keeps both busy.
pub fn build(
    work: &Path,
    name: &str,
    files: &[(String, String)],
    parts: &[Part],
) -> anyhow::Result<PathBuf> {
    let dir = work.join("crate");
    let mut dependencies = dependencies();
    for part in parts {
        let folder = dir.join("parts").join(&part.name);
        let manifest = package(&part.name, &self::dependencies());
        output::ensure_file(&folder.join("Cargo.toml"), &manifest, Mode::Write)?;
        for (path, text) in &part.files {
            output::ensure_file(&folder.join(path), text, Mode::Write)?;
        }
        dependencies.push_str(&format!(
            "{} = {{ path = \"parts/{}\" }}\n",
            part.name, part.name
        ));
    }
    let manifest = package(name, &dependencies)
        + r#"
[profile.dev]
debug = false

[profile.dev.package."*"]
opt-level = 1

[workspace]
"#;
    output::ensure_file(&dir.join("Cargo.toml"), &manifest, Mode::Write)?;
    // The workspace's lock file: the same versions, and no index lookups.
    let lock = std::fs::read_to_string(toolkit_root().join("Cargo.lock"))?;
    output::ensure_file(&dir.join("Cargo.lock"), &lock, Mode::Write)?;
    for (path, text) in files {
        output::ensure_file(&dir.join(path), text, Mode::Write)?;
    }
    let target = toolkit_root().join("target").join("scratch");
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
