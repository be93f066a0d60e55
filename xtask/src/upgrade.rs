//! `cargo xtask upgrade --spec NEW`: the regenerate job in one command.
//!
//! Prints the diff of the pinned reference against NEW (the report of
//! `cargo xtask diff --old PINNED --new NEW`, text format), and unless it
//! reaches `--fail-on`, pins NEW in `reference/intercom-openapi/` (named after
//! its `info.version`), imports all of it into `schema/` and regenerates
//! `generated/`.
//!
//! Everything is computed in memory first; then each file that changes is
//! written to a temporary file beside its target, and only when all of them
//! are written are they renamed into place (and the old pinned file removed).
//! A failure before that point removes the temporary files; a failure while
//! renaming puts back what was already replaced. Either way `reference/`,
//! `schema/` and `generated/` are left as they were.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use intercom_codegen::diff::{self, rust::RustVerdict};
use intercom_codegen::{generate, import, overlay, pinned, source};

use crate::{FailOnArg, input_error};

/// What `cargo xtask upgrade` was asked to do.
pub struct Upgrade<'a> {
    /// The workspace whose `reference/`, `schema/` and `generated/` change.
    pub root: &'a Path,
    /// The new reference, anywhere.
    pub spec: &'a Path,
    pub fail_on: FailOnArg,
}

/// A file to write: where, and the bytes it must hold.
struct Target {
    path: PathBuf,
    contents: Vec<u8>,
    /// Compare with what is there with `\r\n` read as `\n`, as codegen does.
    normalize: bool,
}

/// A target whose temporary file is written, waiting to be renamed into place.
struct Staged {
    path: PathBuf,
    temp: PathBuf,
    /// What the target held before (`None`: it did not exist).
    original: Option<Vec<u8>>,
}

/// Runs the upgrade; see the module's documentation.
pub fn run(upgrade: &Upgrade) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let root = upgrade.root;
    let generated_dir = root.join("generated");
    if !generated_dir.join("Cargo.toml").is_file() {
        return Err(input_error(format!(
            "{}: not a workspace of this toolkit: it has no generated/Cargo.toml (set INTERCOM_WORKSPACE to the workspace to upgrade)",
            root.display()
        )));
    }
    let old_path = pinned::reference(root).map_err(input_error)?;

    // NEW is read once: the bytes diffed are the bytes pinned.
    let bytes = std::fs::read(upgrade.spec)
        .map_err(|e| input_error(format!("{}: cannot read: {e}", upgrade.spec.display())))?;
    let new_doc = source::parse(upgrade.spec, &bytes).map_err(input_error)?;
    let new_name = pinned_name(upgrade.spec, &new_doc)?;
    let new_path = pinned::reference_dir(root).join(&new_name);
    // The workspace's corrections apply to both sides, so the report shows
    // what Intercom changed, not what the overlays change.
    let overlays =
        overlay::load_all(&overlay::folder(root).map_err(input_error)?).map_err(input_error)?;
    let (new, stale) =
        diff::Side::from_reference_overlaid(new_doc, false, &overlays).map_err(input_error)?;
    let (old, unmatched_old) =
        diff::Side::load_overlaid(&old_path, false, &overlays).map_err(input_error)?;
    for action in &unmatched_old {
        eprintln!("warning: {action} in {}", old_path.display());
    }
    for warning in old.warnings.iter().chain(&new.warnings) {
        eprintln!("warning: {warning}");
    }
    let report = diff::diff(&old, &new, &diff::Options::default()).map_err(input_error)?;
    print!("{}", report.render(diff::report::Format::Text));
    if !stale.is_empty() {
        eprintln!(
            "overlay actions that match nothing in {} ({}; review each: Intercom may have made the correction itself):",
            upgrade.spec.display(),
            stale.len()
        );
        for action in &stale {
            eprintln!("  {action}");
        }
    }
    let level = match upgrade.fail_on {
        FailOnArg::Breaking => diff::report::FailOn::Breaking,
        FailOnArg::Any => diff::report::FailOn::Any,
        FailOnArg::None => diff::report::FailOn::None,
    };
    if report.fails(level) {
        let what = match upgrade.fail_on {
            FailOnArg::Breaking => "breaking changes",
            _ => "changes",
        };
        eprintln!(
            "stopped: {} has {what} (--fail-on {}); nothing written",
            upgrade.spec.display(),
            fail_on_id(upgrade.fail_on)
        );
        return Ok(ExitCode::from(1));
    }

    // Import as the pinned file will be named, so that `cargo xtask import`
    // with no arguments gives schema/ byte for byte (x-provenance.source).
    let mut pinned_doc = source::parse(&new_path, &bytes).map_err(input_error)?;
    overlay::apply(&mut pinned_doc, &overlays, false).map_err(input_error)?;
    let imported = import::import(
        &pinned_doc,
        &import::Options {
            selection: import::Selection::All,
            strict: false,
        },
    )
    .map_err(input_error)?;
    let schema_path = generate::schema_file(&root.join("schema"));
    let schema_text = import::render(&imported.schema);
    let label = format!("schema/{}", import::SCHEMA_FILE);
    let generated = generate::generate_from_value(&imported.schema, &schema_path, &label)
        .map_err(input_error)?;

    let mut targets = vec![
        Target {
            path: new_path.clone(),
            contents: bytes,
            normalize: false,
        },
        Target {
            path: schema_path.clone(),
            contents: schema_text.into_bytes(),
            normalize: false,
        },
    ];
    for file in &generated.files {
        targets.push(Target {
            path: generated_dir.join(&file.path),
            contents: file.contents.replace("\r\n", "\n").into_bytes(),
            normalize: true,
        });
    }
    let remove = (old_path != new_path).then_some(old_path.as_path());
    let changed = write_all(&targets, remove)?;

    // What was done, and what to do next.
    let relative = |path: &Path| {
        path.strip_prefix(root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    };
    let version = |side: &diff::Side| {
        side.model
            .provenance
            .as_ref()
            .map_or_else(|| "?".to_owned(), |p| p.version.clone())
    };
    let is_changed = |path: &Path| changed.iter().any(|c| c == path);
    let generated_changed: Vec<String> = generated
        .files
        .iter()
        .filter(|file| is_changed(&generated_dir.join(&file.path)))
        .map(|file| file.path.to_string_lossy().replace('\\', "/"))
        .collect();
    println!(
        "upgraded {} (API version {}) to {} (API version {}) in {} ms:",
        relative(&old_path),
        version(&old),
        relative(&new_path),
        version(&new),
        started.elapsed().as_millis()
    );
    let reference_line = match (remove, is_changed(&new_path)) {
        (Some(old_path), _) => format!(
            "written, a copy of {}; {} removed",
            upgrade.spec.display(),
            relative(old_path)
        ),
        (None, true) => format!("replaced by a copy of {}", upgrade.spec.display()),
        (None, false) => "unchanged".to_owned(),
    };
    println!("  {}: {reference_line}", relative(&new_path));
    println!(
        "  {}: {} schemas and {} operations, {}",
        relative(&schema_path),
        imported.schema["$defs"].as_object().map_or(0, |d| d.len()),
        imported.schema["x-operations"]
            .as_array()
            .map_or(0, Vec::len),
        if is_changed(&schema_path) {
            "rewritten"
        } else {
            "unchanged"
        }
    );
    println!(
        "  generated/: {} types for {} schemas, {} of {} files rewritten{}",
        generated.plan.types.len(),
        generated.plan.defs.len(),
        generated_changed.len(),
        generated.files.len(),
        if generated_changed.is_empty() {
            String::new()
        } else {
            format!(" ({})", generated_changed.join(", "))
        }
    );
    if changed.is_empty() && remove.is_none() {
        println!("nothing to do: the workspace already holds what NEW gives");
        return Ok(ExitCode::SUCCESS);
    }
    let breaking = count(&report, |c| c.verdict == diff::Verdict::Breaking);
    let absorbed = count(&report, |c| c.verdict == diff::Verdict::Absorbed);
    let compile_breaking = count(&report, |c| {
        c.rust
            .as_ref()
            .is_some_and(|r| r.verdict == RustVerdict::CompileBreaking)
    });
    println!("next:");
    println!("  cargo build -p intercom-models   # the regenerated crate compiles");
    println!("  cargo test --workspace           # fixtures, freshness and round trips");
    println!(
        "  review the {} changes above ({breaking} breaking, {absorbed} absorbed; {compile_breaking} compile-breaking in Rust) and `git diff --stat`, then commit:",
        report.changes.len()
    );
    println!(
        "  git add reference schema generated && git commit -m \"Upgrade the Intercom reference to {}\"",
        version(&new)
    );
    Ok(ExitCode::SUCCESS)
}

fn count(report: &diff::Report, keep: impl Fn(&diff::Change) -> bool) -> usize {
    report.changes.iter().filter(|c| keep(c)).count()
}

fn fail_on_id(level: FailOnArg) -> &'static str {
    match level {
        FailOnArg::Breaking => "breaking",
        FailOnArg::Any => "any",
        FailOnArg::None => "none",
    }
}

/// The file name NEW gets once pinned: `<info.version>.<yaml|json>`, JSON when
/// the document is JSON by its content.
fn pinned_name(spec: &Path, doc: &source::Document) -> anyhow::Result<String> {
    let version = match doc.value.pointer("/info/version") {
        Some(serde_json::Value::String(text)) => text.clone(),
        Some(serde_json::Value::Number(number)) => number.to_string(),
        _ => String::new(),
    };
    let safe = !version.is_empty()
        && !version.starts_with('.')
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+'));
    if !safe {
        let place = match doc.nearest_position("/info/version") {
            Some(position) => format!("{}:{position}", spec.display()),
            None => spec.display().to_string(),
        };
        return Err(input_error(format!(
            "{place}: info.version {}: the pinned reference is named after it, so it must be letters, digits, `.`, `-`, `_` or `+`",
            if version.is_empty() {
                "is missing or empty".to_owned()
            } else {
                format!("`{version}` cannot name a file")
            }
        )));
    }
    let extension = match doc.syntax {
        source::Syntax::Json => "json",
        source::Syntax::Yaml => "yaml",
    };
    Ok(format!("{version}.{extension}"))
}

/// Writes every target that changes, all or none, and removes `remove` last.
/// Returns the targets that changed.
fn write_all(targets: &[Target], remove: Option<&Path>) -> anyhow::Result<Vec<PathBuf>> {
    let mut created_dirs = Vec::new();
    let mut staged = Vec::new();
    let result = stage(targets, &mut staged, &mut created_dirs);
    if let Err(error) = result {
        discard(&staged, &created_dirs);
        return Err(error);
    }
    for (done, item) in staged.iter().enumerate() {
        if let Err(error) = std::fs::rename(&item.temp, &item.path) {
            restore(&staged[..done]);
            discard(&staged[done..], &created_dirs);
            return Err(error).with_context(|| {
                format!(
                    "renaming {} into place; nothing was changed",
                    item.path.display()
                )
            });
        }
    }
    if let Some(old) = remove
        && let Err(error) = std::fs::remove_file(old)
    {
        restore(&staged);
        discard(&[], &created_dirs);
        return Err(error)
            .with_context(|| format!("removing {}; nothing was changed", old.display()));
    }
    Ok(staged.into_iter().map(|item| item.path).collect())
}

/// Writes the temporary file of each target that changes.
fn stage(
    targets: &[Target],
    staged: &mut Vec<Staged>,
    created_dirs: &mut Vec<PathBuf>,
) -> anyhow::Result<()> {
    for target in targets {
        let original = match std::fs::read(&target.path) {
            Ok(bytes) => Some(bytes),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => {
                return Err(error).with_context(|| format!("reading {}", target.path.display()));
            }
        };
        let same = original.as_deref().is_some_and(|bytes| {
            if target.normalize {
                String::from_utf8_lossy(bytes)
                    .replace("\r\n", "\n")
                    .as_bytes()
                    == target.contents.as_slice()
            } else {
                bytes == target.contents.as_slice()
            }
        });
        if same {
            continue;
        }
        let dir = target
            .path
            .parent()
            .context("a target has a parent folder")?;
        create_dirs(dir, created_dirs).with_context(|| format!("creating {}", dir.display()))?;
        let temp = temporary_beside(&target.path);
        std::fs::write(&temp, &target.contents)
            .with_context(|| format!("writing {}", temp.display()))?;
        staged.push(Staged {
            path: target.path.clone(),
            temp,
            original,
        });
    }
    Ok(())
}

/// `dir/.NAME.upgrade-PID.tmp` for `dir/NAME`.
fn temporary_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.upgrade-{}.tmp", std::process::id()))
}

/// Creates `dir` and its missing parents, noting each one created (outermost first).
fn create_dirs(dir: &Path, created: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut missing = Vec::new();
    let mut current = Some(dir);
    while let Some(path) = current {
        if path.is_dir() {
            break;
        }
        missing.push(path.to_path_buf());
        current = path.parent();
    }
    for path in missing.into_iter().rev() {
        std::fs::create_dir(&path)?;
        created.push(path);
    }
    Ok(())
}

/// Removes temporary files, then the folders made for them (innermost first).
fn discard(staged: &[Staged], created_dirs: &[PathBuf]) {
    for item in staged {
        let _ = std::fs::remove_file(&item.temp);
    }
    for dir in created_dirs.iter().rev() {
        let _ = std::fs::remove_dir(dir);
    }
}

/// Puts back what the targets held before they were replaced.
fn restore(replaced: &[Staged]) {
    for item in replaced {
        match &item.original {
            Some(bytes) => {
                let temp = temporary_beside(&item.path);
                let back =
                    std::fs::write(&temp, bytes).and_then(|()| std::fs::rename(&temp, &item.path));
                if let Err(error) = back {
                    let _ = std::fs::remove_file(&temp);
                    eprintln!("error: could not put back {}: {error}", item.path.display());
                }
            }
            None => {
                let _ = std::fs::remove_file(&item.path);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(path: PathBuf, contents: &str) -> Target {
        Target {
            path,
            contents: contents.as_bytes().to_vec(),
            normalize: false,
        }
    }

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
    fn writes_what_changes_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let (same, other) = (dir.path().join("same"), dir.path().join("other"));
        std::fs::write(&same, "kept\n").unwrap();
        std::fs::write(&other, "old\n").unwrap();
        let new = dir.path().join("new/deeper/file");
        let changed = write_all(
            &[
                target(same.clone(), "kept\n"),
                target(other.clone(), "new\n"),
                target(new.clone(), "made\n"),
            ],
            None,
        )
        .unwrap();
        assert_eq!(changed, [other.clone(), new.clone()]);
        assert_eq!(std::fs::read_to_string(&other).unwrap(), "new\n");
        assert_eq!(std::fs::read_to_string(&new).unwrap(), "made\n");
        assert_eq!(
            listing(dir.path()),
            ["new", "new/deeper", "new/deeper/file", "other", "same"]
        );
    }

    #[test]
    fn a_failure_after_renaming_puts_everything_back() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::write(&a, "a before\n").unwrap();
        std::fs::write(&b, "b before\r\n").unwrap();
        let new = dir.path().join("made/file");
        // The old file to remove is a folder: removing it fails after every
        // target was renamed into place.
        let old = dir.path().join("old");
        std::fs::create_dir(&old).unwrap();
        let before = listing(dir.path());
        let error = write_all(
            &[
                target(a.clone(), "a after\n"),
                target(b.clone(), "b after\n"),
                target(new, "made\n"),
            ],
            Some(&old),
        )
        .unwrap_err();
        assert!(
            format!("{error:#}").starts_with(&format!(
                "removing {}; nothing was changed: ",
                old.display()
            )),
            "{error:#}"
        );
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "a before\n");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "b before\r\n");
        assert_eq!(
            listing(dir.path()),
            before,
            "no new file, folder or temporary file"
        );
    }
}
