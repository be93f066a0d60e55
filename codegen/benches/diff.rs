//! How long `cargo xtask diff` takes on the two newest versions in
//! ../shared/reference/intercom-openapi: from the two reference files (both
//! imports, both codegen plans, the comparison and the Markdown report), and
//! from two `schema/` directories written by `cargo xtask import --all`.
//! Without ../shared (a fresh clone) there is nothing to compare: the
//! benchmark says so and measures nothing.

use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use intercom_codegen::diff::{self, Side, report::Format};
use intercom_codegen::import::{self, Options, Selection};
use intercom_codegen::source;

fn two_newest() -> Option<(PathBuf, PathBuf)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference/intercom-openapi");
    let mut files = source::versions(&dir);
    let new = files.pop()?;
    let old = files.pop()?;
    Some((old, new))
}

fn diff_and_render(old: &Path, new: &Path) -> String {
    let old = Side::load(old, false).expect("the old side loads");
    let new = Side::load(new, false).expect("the new side loads");
    let report = diff::diff(&old, &new, &diff::Options::default()).expect("diffs");
    report.render(Format::Markdown)
}

fn import_into(reference: &Path, dir: &Path) {
    let document = source::load(reference).expect("the reference loads");
    let options = Options {
        selection: Selection::All,
        strict: false,
    };
    let imported = import::import(&document, &options).expect("the reference imports");
    import::write(dir, &imported.schema).expect("the schema is written");
}

fn diff_bench(c: &mut Criterion) {
    let Some((old, new)) = two_newest() else {
        eprintln!(
            "diff benchmark: ../shared/reference/intercom-openapi not found, nothing to measure"
        );
        return;
    };
    let name = |p: &Path| p.file_stem().unwrap().to_string_lossy().into_owned();
    let label = format!("{} -> {}", name(&old), name(&new));

    c.bench_function(&format!("diff {label} from reference files"), |b| {
        b.iter(|| diff_and_render(&old, &new))
    });

    let work = tempfile::tempdir().expect("a temporary directory");
    let (old_dir, new_dir) = (work.path().join("old"), work.path().join("new"));
    import_into(&old, &old_dir);
    import_into(&new, &new_dir);
    c.bench_function(&format!("diff {label} from schema/ directories"), |b| {
        b.iter(|| diff_and_render(&old_dir, &new_dir))
    });
}

criterion_group!(benches, diff_bench);
criterion_main!(benches);
