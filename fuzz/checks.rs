//! What each fuzz target checks. The targets call these on libFuzzer's
//! inputs; `cargo test` calls them on every file of `fuzz/corpus/`
//! (tests/passes/fuzz_corpora.rs), so the corpora keep guarding on stable.

use std::path::Path;

use intercom_runtime::json::Json;

/// The runtime's document parser against serde_json on the same bytes: the
/// same verdict, equal values when both accept, and, when the document
/// parser refuses, a position inside the input.
pub fn document(bytes: &[u8]) {
    let ours =
        intercom_runtime::document::Document::with(bytes, |document| document.root().to_value());
    let theirs = serde_json::from_slice::<serde_json::Value>(bytes);
    match (ours, theirs) {
        (Ok(ours), Ok(theirs)) => assert!(
            ours == theirs,
            "the values differ: ours {ours}, serde_json {theirs}"
        ),
        (Err(error), Err(_)) => {
            let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            assert!(
                error.position.line >= 1
                    && error.position.line <= lines
                    && error.position.column >= 1,
                "the error's position {:?} is outside the input ({lines} lines): {}",
                error.position,
                error.message
            );
        }
        (Ok(ours), Err(theirs)) => {
            panic!("ours accepts {ours}, serde_json refuses: {theirs}")
        }
        (Err(ours), Ok(theirs)) => {
            panic!("ours refuses ({ours:?}), serde_json accepts {theirs}")
        }
    }
}

/// Any text as a reference, YAML or JSON: an error or a schema document,
/// never a panic; what import writes, the model reads without a panic.
pub fn import(bytes: &[u8]) {
    use intercom_codegen::import::{Options, Selection, import};
    let Ok(document) = intercom_codegen::source::parse(Path::new("fuzz.yaml"), bytes) else {
        return;
    };
    let options = Options {
        selection: Selection::All,
        strict: false,
    };
    if let Ok(imported) = import(&document, &options) {
        let _ = intercom_codegen::model::Model::parse(&imported.schema);
    }
}

/// Any bytes as an NDJSON exchange line and as a HAR file: an exchange or an
/// error, never a panic.
pub fn cli_readers(bytes: &[u8]) {
    use intercom_validate::exchanges::{FORM_PREFIX, form, read_har, read_ndjson_line};
    let _ = read_ndjson_line(1, bytes);
    let _ = read_har(bytes, drop);
    let prefix = usize::try_from(FORM_PREFIX).map_or(bytes.len(), |limit| limit.min(bytes.len()));
    let _ = form(&bytes[..prefix]);
}
