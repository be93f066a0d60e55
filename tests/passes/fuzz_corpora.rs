//! The fuzz targets' checks (fuzz/checks.rs) on every file of their corpora
//! in fuzz/corpus/<target>/: what libFuzzer found and minimized stays
//! guarded by `cargo test`, on stable, without cargo-fuzz.

use std::path::Path;

#[path = "../../fuzz/checks.rs"]
mod checks;

fn replay(target: &str, check: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} holds the corpus", dir.display());
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        let outcome = std::panic::catch_unwind(|| check(&bytes));
        assert!(outcome.is_ok(), "{} fails the check", file.display());
    }
}

#[test]
fn the_document_corpus_passes() {
    replay("document", checks::document);
}

#[test]
fn the_import_corpus_passes() {
    replay("import", checks::import);
}

#[test]
fn the_cli_readers_corpus_passes() {
    replay("cli_readers", checks::cli_readers);
}
