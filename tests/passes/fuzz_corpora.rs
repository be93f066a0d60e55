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

#[test]
fn the_formats_corpus_passes() {
    replay("formats", checks::formats);
}

#[test]
fn the_bytes_vs_value_corpus_passes() {
    replay("bytes_vs_value", checks::bytes_vs_value);
}

#[test]
fn the_codegen_corpus_passes() {
    replay("codegen", checks::codegen);
}

/// What codegen made of a sample of the codegen corpus compiled (build.rs);
/// its validators agree from bytes and from a `Value` on payloads of every kind.
#[test]
fn a_sample_of_the_codegen_corpus_compiles_and_its_validators_agree() {
    use intercom_tests::fuzz_codegen_sample::FUZZ_SAMPLES;
    assert!(
        FUZZ_SAMPLES.len() >= 8,
        "the codegen corpus gives a sample: {} compiled",
        FUZZ_SAMPLES.len()
    );
    let payloads = [
        "null",
        "true",
        "1",
        "-1.5",
        "18446744073709551615",
        "\"a\"",
        "\"2024-01-01T00:00:00Z\"",
        "[]",
        "[1, \"a\", null, 1]",
        "{}",
        "{\"id\": \"a\", \"type\": \"x\", \"value\": [{}]}",
        "{\"a\": {\"b\": [true, {\"c\": null}]}, \"é\": 0}",
    ];
    for (file, schemas) in FUZZ_SAMPLES {
        for payload in payloads {
            let outcome =
                std::panic::catch_unwind(|| checks::bytes_vs_value_on(schemas, payload.as_bytes()));
            assert!(outcome.is_ok(), "fuzz/corpus/codegen/{file} on {payload}");
        }
    }
}
