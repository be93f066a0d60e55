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

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use intercom_codegen::diff::{self, rust::RustVerdict};
use intercom_codegen::{generate, import, overlay, pinned, source};

use crate::all_or_nothing::{Target, write_all};
use crate::{FailOnArg, input_error};

/// What `cargo xtask upgrade` was asked to do.
pub struct Upgrade<'a> {
    /// The workspace whose `reference/`, `schema/` and `generated/` change.
    pub root: &'a Path,
    /// The new reference, anywhere.
    pub spec: &'a Path,
    pub fail_on: FailOnArg,
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
    targets.extend(Target::generated(&generated_dir, &generated.files));
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
