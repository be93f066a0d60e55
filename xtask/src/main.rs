//! `cargo xtask`: the project's command line. Each subcommand is a thin shell
//! over `intercom-codegen`; exit code 2 means bad usage or bad input.

#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

mod all_or_nothing;
mod conformance;
mod reference_check;
mod scratch_crate;
mod upgrade;

use anyhow::Context;
use clap::{Parser, Subcommand};
use intercom_codegen::output::{self, FileStatus, Mode};
use intercom_codegen::{diff, generate, import, overlay, pinned, source};

use crate::all_or_nothing::{Target, write_all};

// Most of codegen's time is syn and prettyplease making and dropping small
// nodes: mimalloc does it in a quarter fewer instructions than the system
// allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Import the Intercom API reference and generate Rust from it"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Derive JSON Schema (draft 2020-12) from an OpenAPI 3.0 reference into schema/.
    ///
    /// With no arguments: the pinned reference, all of it, into schema/.
    ///
    /// Example: cargo xtask import
    /// Example: cargo xtask import --spec ../shared/reference/intercom-openapi/2.13.yaml --select contact,convertVisitor --out /tmp/schema
    Import(ImportArgs),
    /// Compare two API versions: every change with its wire verdict (breaking, absorbed, non-breaking).
    ///
    /// OLD and NEW are each a reference file (OpenAPI 3.0, YAML or JSON) or a schema/
    /// directory written by `cargo xtask import`. Exit code 0 when nothing reaches
    /// --fail-on, 1 when something does, 2 for usage or input errors.
    ///
    /// Example: cargo xtask diff --old ../shared/reference/intercom-openapi/2.12.yaml --new ../shared/reference/intercom-openapi/2.13.yaml --format markdown
    Diff(DiffArgs),
    /// Move to a new reference version: diff, pin, import and regenerate, all or nothing.
    ///
    /// Prints the diff of the pinned reference (reference/intercom-openapi/) against
    /// NEW, as `cargo xtask diff --old PINNED --new NEW` does; then, unless a change
    /// reaches --fail-on, pins a copy of NEW named after its info.version (the old
    /// file is removed), imports all of it into schema/ and regenerates generated/.
    /// Everything is computed before anything is written, and the files are renamed
    /// into place together: on any failure reference/, schema/ and generated/ are
    /// left as they were. Exit code 0 when done, 1 when stopped by --fail-on
    /// (nothing written), 2 for usage or input errors.
    ///
    /// Example: cargo xtask upgrade --spec ../shared/reference/intercom-openapi/2.16.yaml --fail-on breaking
    Upgrade(UpgradeArgs),
    /// Generate the Rust types of every schema in schema/ into the crate in generated/.
    ///
    /// Example: cargo xtask codegen --check
    Codegen(CodegenArgs),
    /// Check the generated types against every example of whole reference files.
    ///
    /// Each file is imported with --all and generated into one temporary crate
    /// (built in target/reference-check); every example is read into its type and
    /// written back. Examples that do not match their own schema (per the
    /// jsonschema crate) are reported as the reference's errors.
    ///
    /// Example: cargo xtask reference-check ../shared/reference/intercom-openapi/*.yaml
    ReferenceCheck(ReferenceCheckArgs),
    /// Run the JSON Schema Test Suite (draft 2020-12) through generated validators.
    ///
    /// Every test group's schema is generated into one crate (built in
    /// target/conformance); each test's verdict is checked, collecting every
    /// error and stopping at the first. Groups whose schema uses a keyword the
    /// generator refuses are skipped and the keyword is named.
    ///
    /// Example: cargo xtask conformance --suite ../shared/json-schema-test-suite
    Conformance(ConformanceArgs),
}

#[derive(clap::Args)]
struct ConformanceArgs {
    /// A checkout of the JSON Schema Test Suite (it holds tests/draft2020-12).
    #[arg(long, value_name = "DIR")]
    suite: PathBuf,
}

#[derive(clap::Args)]
struct ReferenceCheckArgs {
    /// OpenAPI 3.0 reference files, YAML or JSON.
    #[arg(required = true, value_name = "SPEC")]
    specs: Vec<PathBuf>,
    #[command(flatten)]
    overlays: OverlayArgs,
}

/// Which overlays correct a reference before it is imported.
#[derive(clap::Args, Clone, Default)]
struct OverlayArgs {
    /// An overlay (OpenAPI Overlay 1.0 or 1.1, YAML or JSON) to apply after those in reference/overlays/; repeatable.
    #[arg(long = "overlay", value_name = "FILE")]
    overlay: Vec<PathBuf>,
    /// Do not apply the overlays in reference/overlays/ (those named by --overlay still apply).
    #[arg(long)]
    no_overlays: bool,
}

#[derive(clap::Args)]
struct UpgradeArgs {
    /// The new OpenAPI 3.0 reference, YAML or JSON, in any folder.
    #[arg(long, value_name = "NEW")]
    spec: PathBuf,
    /// Stop, writing nothing (exit 1), when a change reaches this level.
    #[arg(long, value_enum, default_value_t = FailOnArg::None)]
    fail_on: FailOnArg,
}

#[derive(clap::Args)]
struct CodegenArgs {
    /// The directory `cargo xtask import` wrote (it holds intercom.schema.json).
    #[arg(long, value_name = "DIR", default_value_os_t = project_root().join("schema"))]
    schema: PathBuf,
    /// The crate to generate into; its src/ is written, its Cargo.toml is yours.
    #[arg(long, value_name = "DIR", default_value_os_t = project_root().join("generated"))]
    out: PathBuf,
    /// Write nothing; exit 1 naming each file that differs from what the schema gives.
    #[arg(long)]
    check: bool,
}

#[derive(clap::Args)]
struct DiffArgs {
    /// The old version: a reference file or a schema/ directory.
    #[arg(long, value_name = "OLD")]
    old: PathBuf,
    /// The new version: a reference file or a schema/ directory.
    #[arg(long, value_name = "NEW")]
    new: PathBuf,
    /// Limit the report to these schema names or operationIds and what they reference (names as in `import --select`).
    #[arg(long, value_name = "NAME,...", value_delimiter = ',')]
    select: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    format: FormatArg,
    /// Exit 1 when an unaccepted change reaches this level.
    #[arg(long, value_enum, default_value_t = FailOnArg::Breaking)]
    fail_on: FailOnArg,
    /// A file of reviewed changes, one `kind-id schema#/pointer` a line (`#` starts a comment); they are shown but do not fail.
    #[arg(long, value_name = "FILE")]
    accept: Option<PathBuf>,
    /// Write the report here instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Make an unresolvable `$ref` in a reference file, or an overlay action that matches nothing, an error instead of a warning.
    #[arg(long)]
    strict: bool,
    /// An overlay to apply to OLD after those in reference/overlays/; repeatable.
    #[arg(long = "old-overlay", value_name = "FILE")]
    old_overlay: Vec<PathBuf>,
    /// An overlay to apply to NEW after those in reference/overlays/; repeatable.
    #[arg(long = "new-overlay", value_name = "FILE")]
    new_overlay: Vec<PathBuf>,
    /// Apply the overlays in reference/overlays/ to neither side (--old-overlay and --new-overlay still apply).
    #[arg(long)]
    no_overlays: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Text,
    Markdown,
    Json,
    Github,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FailOnArg {
    Breaking,
    Any,
    None,
}

#[derive(clap::Args)]
struct ImportArgs {
    /// The OpenAPI 3.0 reference, YAML or JSON (default: the pinned one in reference/intercom-openapi/).
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
    /// Schema names or operationIds to import, with everything they reference.
    #[arg(
        long,
        value_name = "NAME,...",
        value_delimiter = ',',
        conflicts_with = "all"
    )]
    select: Vec<String>,
    /// Import every component schema and every inline body of every operation (the default).
    #[arg(long)]
    all: bool,
    /// Where to write intercom.schema.json.
    #[arg(long, value_name = "DIR", default_value_os_t = project_root().join("schema"))]
    out: PathBuf,
    /// Make an unresolvable `$ref`, or an overlay action that matches nothing, an error instead of a warning.
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    overlays: OverlayArgs,
}

/// The environment variable that names the workspace the commands work on.
const WORKSPACE_VAR: &str = "INTERCOM_WORKSPACE";

/// The workspace whose `reference/`, `schema/` and `generated/` the commands
/// read and write by default: `$INTERCOM_WORKSPACE` when it is set (tests
/// point it at a temporary copy), else the one this xtask was built in,
/// whatever directory cargo was started from.
fn project_root() -> PathBuf {
    match std::env::var_os(WORKSPACE_VAR) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => toolkit_root(),
    }
}

/// The source tree this xtask was built from: the runtime crate, `Cargo.lock`
/// and the `target/` folder of the crates reference-check and conformance build.
fn toolkit_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// An error in what the user gave us: printed without a backtrace, exit code 2.
#[derive(Debug)]
struct InputError(String);

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

fn input_error(error: impl std::fmt::Display) -> anyhow::Error {
    anyhow::Error::new(InputError(error.to_string()))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Import(args) => run_import(args),
        Command::Diff(args) => run_diff(args),
        Command::Upgrade(args) => upgrade::run(&upgrade::Upgrade {
            root: &project_root(),
            spec: &args.spec,
            fail_on: args.fail_on,
        }),
        Command::Codegen(args) => run_codegen(args),
        Command::ReferenceCheck(args) => overlay_files(&args.overlays)
            .and_then(|overlays| reference_check::run(&args.specs, &overlays)),
        Command::Conformance(args) => conformance::run(&args.suite),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            if let Some(input) = error.downcast_ref::<InputError>() {
                eprintln!("error: {input}");
                ExitCode::from(2)
            } else {
                eprintln!("error: {error:#}");
                ExitCode::from(2)
            }
        }
    }
}

fn run_import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let spec = match &args.spec {
        Some(spec) => spec.clone(),
        None => pinned::reference(&project_root()).map_err(input_error)?,
    };
    let mut doc = source::load(&spec).map_err(input_error)?;
    let overlays = load_overlays(&overlay_files(&args.overlays)?)?;
    apply_overlays(&mut doc, &overlays, args.strict)?;
    let selection = if args.select.is_empty() {
        import::Selection::All
    } else {
        import::Selection::Names(args.select.clone())
    };
    let options = import::Options {
        selection,
        strict: args.strict,
    };
    let imported = import::import(&doc, &options).map_err(input_error)?;
    for warning in &imported.warnings {
        eprintln!("warning: {warning}");
    }
    let written = args.out.join(import::SCHEMA_FILE);
    let schema = Target {
        path: written.clone(),
        contents: import::render(&imported.schema).into_bytes(),
        normalize: false,
    };
    write_all(&[schema], None).with_context(|| format!("writing into {}", args.out.display()))?;
    let schemas = imported.schema["$defs"]
        .as_object()
        .map_or(0, |defs| defs.len());
    let operations = imported.schema["x-operations"]
        .as_array()
        .map_or(0, Vec::len);
    println!(
        "imported {schemas} schemas and {operations} operations from {} (API version {}) into {} in {} ms",
        spec.display(),
        imported.schema["x-provenance"]["version"]
            .as_str()
            .unwrap_or("?"),
        written.display(),
        started.elapsed().as_millis()
    );
    Ok(ExitCode::SUCCESS)
}

/// How generated files name their schema: relative to the workspace when it is inside.
fn schema_label(schema_dir: &Path) -> String {
    let file = generate::schema_file(schema_dir);
    // Canonical on both sides, so `xtask/../schema` and `schema` give the same
    // header and `--check` does not call an up-to-date crate stale.
    let root = std::fs::canonicalize(project_root()).unwrap_or_else(|_| project_root());
    let absolute = std::fs::canonicalize(&file)
        .or_else(|_| std::path::absolute(&file))
        .unwrap_or(file.clone());
    absolute
        .strip_prefix(&root)
        .unwrap_or(&file)
        .to_string_lossy()
        .replace('\\', "/")
}

fn run_codegen(args: CodegenArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let generated =
        generate::generate(&args.schema, &schema_label(&args.schema)).map_err(input_error)?;
    let mut stale = Vec::new();
    if args.check {
        for file in &generated.files {
            let path = args.out.join(&file.path);
            let status = output::ensure_file(&path, &file.contents, Mode::Check)
                .with_context(|| format!("reading {}", path.display()))?;
            if status == FileStatus::Stale {
                stale.push(path);
            }
        }
    } else {
        let written = write_all(&Target::generated(&args.out, &generated.files), None)
            .with_context(|| format!("writing into {}", args.out.display()))?;
        for path in written {
            println!("wrote {}", path.display());
        }
    }
    if !stale.is_empty() {
        for path in &stale {
            eprintln!("stale: {}", path.display());
        }
        eprintln!(
            "error: {} generated file(s) differ from what {} gives; run `cargo xtask codegen` and commit the result",
            stale.len(),
            generate::schema_file(&args.schema).display()
        );
        return Ok(ExitCode::from(1));
    }
    let verb = if args.check { "checked" } else { "generated" };
    println!(
        "{verb} {} types for {} schemas into {} in {} ms",
        generated.plan.types.len(),
        generated.plan.defs.len(),
        args.out.display(),
        started.elapsed().as_millis()
    );
    Ok(ExitCode::SUCCESS)
}

fn run_diff(args: DiffArgs) -> anyhow::Result<ExitCode> {
    let side = |input: &Path, extra: &[PathBuf]| -> anyhow::Result<diff::Side> {
        let files = overlay_files(&OverlayArgs {
            overlay: extra.to_vec(),
            no_overlays: args.no_overlays,
        })?;
        if input.is_dir() && !extra.is_empty() {
            eprintln!(
                "warning: {}: a schema/ directory is already imported; overlays apply to reference files only",
                input.display()
            );
        }
        let overlays = load_overlays(&files)?;
        let (side, unmatched) =
            diff::Side::load_overlaid(input, args.strict, &overlays).map_err(input_error)?;
        for action in &unmatched {
            eprintln!("warning: {action} in {}", input.display());
        }
        Ok(side)
    };
    let old = side(&args.old, &args.old_overlay)?;
    let new = side(&args.new, &args.new_overlay)?;
    for warning in old.warnings.iter().chain(&new.warnings) {
        eprintln!("warning: {warning}");
    }
    let accept = match &args.accept {
        Some(path) => Some((
            path.display().to_string(),
            std::fs::read_to_string(path)
                .map_err(|e| input_error(format!("{}: cannot read: {e}", path.display())))?,
        )),
        None => None,
    };
    let options = diff::Options {
        select: args.select.clone(),
    };
    let mut report = diff::diff(&old, &new, &options).map_err(input_error)?;
    if let Some((file, text)) = &accept {
        for warning in report.accept(file, text) {
            eprintln!("warning: {warning}");
        }
    }
    let format = match args.format {
        FormatArg::Text => diff::report::Format::Text,
        FormatArg::Markdown => diff::report::Format::Markdown,
        FormatArg::Json => diff::report::Format::Json,
        FormatArg::Github => diff::report::Format::Github,
    };
    let text = report.render(format);
    match &args.output {
        Some(path) => {
            std::fs::write(path, &text).with_context(|| format!("writing {}", path.display()))?
        }
        None => print!("{text}"),
    }
    let level = match args.fail_on {
        FailOnArg::Breaking => diff::report::FailOn::Breaking,
        FailOnArg::Any => diff::report::FailOn::Any,
        FailOnArg::None => diff::report::FailOn::None,
    };
    Ok(if report.fails(level) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The overlay files to apply: those of `reference/overlays/` in file-name
/// order (unless `--no-overlays`), then each `--overlay` in the order given.
fn overlay_files(args: &OverlayArgs) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = if args.no_overlays {
        Vec::new()
    } else {
        overlay::folder(&project_root()).map_err(input_error)?
    };
    files.extend(args.overlay.iter().cloned());
    Ok(files)
}

fn load_overlays(files: &[PathBuf]) -> anyhow::Result<Vec<overlay::Overlay>> {
    overlay::load_all(files).map_err(input_error)
}

/// Applies `overlays` to `doc`, printing each action that matches nothing
/// as a warning (under `strict`, the first is an error).
fn apply_overlays(
    doc: &mut source::Document,
    overlays: &[overlay::Overlay],
    strict: bool,
) -> anyhow::Result<()> {
    let unmatched = overlay::apply(doc, overlays, strict).map_err(input_error)?;
    for action in &unmatched {
        eprintln!("warning: {action}");
    }
    Ok(())
}
