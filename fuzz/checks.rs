//! What each fuzz target checks. The targets call these on libFuzzer's
//! inputs; `cargo test` calls them on every file of `fuzz/corpus/`
//! (tests/passes/fuzz_corpora.rs), so the corpora keep guarding on stable.

use std::path::Path;

use intercom_runtime::json::Json;

#[path = "schema_gen.rs"]
pub mod schema_gen;

/// The runtime's document parser against serde_json on the same bytes: the
/// same verdict, equal values when both accept, and, when the document
/// parser refuses, a position inside the input.
pub fn document(bytes: &[u8]) {
    let ours =
        intercom_runtime::document::Document::with(bytes, |document| document.root().to_value());
    let theirs = serde_json::from_slice::<serde_json::Value>(bytes);
    match (ours, theirs) {
        (Ok(_), Ok(_)) if has_raw_value_token(bytes) => {}
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
        // serde_json's `raw_value` reads an object whose key is this token as
        // a raw value and refuses any other: a limit of the oracle, not JSON.
        (Ok(_), Err(_)) if has_raw_value_token(bytes) => {}
        (Ok(ours), Err(theirs)) => {
            panic!("ours accepts {ours}, serde_json refuses: {theirs}")
        }
        (Err(ours), Ok(theirs)) => {
            panic!("ours refuses ({ours:?}), serde_json accepts {theirs}")
        }
    }
}

/// Whether the bytes hold the key by which serde_json (with `raw_value`)
/// marks a raw value inside a `Value`.
fn has_raw_value_token(bytes: &[u8]) -> bool {
    const TOKEN: &[u8] = b"$serde_json::private::RawValue";
    bytes.windows(TOKEN.len()).any(|window| window == TOKEN)
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
/// error, never a panic; and as a file of exchanges, the same report (and
/// exit code) whether a HAR file is read on one thread or on two.
pub fn cli_readers(bytes: &[u8]) {
    use intercom_validate::exchanges::{FORM_PREFIX, form, read_har, read_ndjson_line};
    use intercom_validate::report::{Reporter, Unrouted};
    use intercom_validate::traffic::{Threads, check_file};
    use intercom_validate::{Expect, Format};
    let _ = read_ndjson_line(1, bytes);
    let _ = read_har(bytes, |exchange| drop(exchange));
    let prefix = usize::try_from(FORM_PREFIX).map_or(bytes.len(), |limit| limit.min(bytes.len()));
    let _ = form(&bytes[..prefix]);
    let report = |threads| {
        let mut out = Vec::new();
        let mut reporter = Reporter::new(Format::Text, Expect::Valid, "exchanges", &mut out)
            .for_exchanges()
            .with_drift_summary();
        reporter.begin_file("f");
        if let Err((at, message)) =
            check_file(bytes, None, "f", Unrouted::Warn, threads, &mut reporter)
        {
            reporter.file_error("f", at, &message);
        }
        reporter.end_file();
        let code = reporter.finish();
        (out, code)
    };
    let one = report(Threads::One);
    assert!(
        report(Threads::Two) == one,
        "{}",
        String::from_utf8_lossy(&one.0)
    );
}

/// Any text through every `format` check the validators call: an answer,
/// never a panic (a check that slices at fixed places must not cut a
/// character in half), and a `date-time` only where its date and its time
/// each pass on their own.
pub fn formats(bytes: &[u8]) {
    use intercom_runtime::formats::{CHECKS, is_date, is_date_time, is_time};
    let text = String::from_utf8_lossy(bytes);
    for check in CHECKS {
        check(&text);
    }
    if is_date_time(&text) {
        assert!(is_date(&text[..10]) && is_time(&text[11..]), "{text:?}");
    }
}

/// Any bytes against every schema of the shipped crate (`intercom-models`),
/// validated from the bytes and, when serde_json reads them, from the
/// `serde_json::Value`: the same verdict on the syntax, and the same errors,
/// message for message, with every error from bytes placed inside the input.
/// The one documented difference is left out: a payload with a key twice in
/// one object is validated with every occurrence from bytes, while a `Value`
/// keeps the last, so those payloads are not compared.
pub fn bytes_vs_value(bytes: &[u8]) {
    bytes_vs_value_on(intercom_models::SCHEMAS, bytes);
}

/// [`bytes_vs_value`] against the given schemas.
pub fn bytes_vs_value_on(schemas: &[intercom_runtime::SchemaEntry], bytes: &[u8]) {
    let Some(first) = schemas.first() else {
        return;
    };
    let value = match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(value) => value,
        Err(_) if has_raw_value_token(bytes) => return,
        Err(theirs) => {
            if let Ok(errors) = (first.validate_bytes)(bytes) {
                panic!("from bytes accepts the syntax ({errors:?}), serde_json refuses: {theirs}");
            }
            return;
        }
    };
    if has_duplicate_key(bytes) {
        return;
    }
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    for entry in schemas {
        let from_bytes = (entry.validate_bytes)(bytes).unwrap_or_else(|error| {
            panic!(
                "{}: serde_json reads the payload, from bytes refuses: {error:?}",
                entry.name
            )
        });
        let from_value = (entry.validate_value)(&value);
        for error in &from_bytes {
            let position = error.position.unwrap_or_else(|| {
                panic!(
                    "{}: an error from bytes has no position: {error}",
                    entry.name
                )
            });
            assert!(
                position.line >= 1 && position.line <= lines && position.column >= 1,
                "{}: the error's position {position} is outside the input: {error}",
                entry.name
            );
        }
        assert_eq!(
            without_positions(&from_bytes),
            without_positions(&from_value),
            "{}: from bytes and from a Value disagree",
            entry.name
        );
        assert_eq!(
            (entry.is_valid)(&value),
            from_value.is_empty(),
            "{}: is_valid disagrees with the errors {from_value:?}",
            entry.name
        );
    }
}

fn without_positions(
    errors: &[intercom_runtime::ValidationError],
) -> Vec<intercom_runtime::ValidationError> {
    errors
        .iter()
        .map(|error| intercom_runtime::ValidationError {
            position: None,
            context: without_positions(&error.context),
            ..error.clone()
        })
        .collect()
}

/// Whether any object of a document serde_json accepted holds a key twice.
fn has_duplicate_key(bytes: &[u8]) -> bool {
    use intercom_runtime::json::{JsonArray, JsonObject};
    fn walk<'d>(item: intercom_runtime::document::Item<'d>) -> bool {
        if let Some(members) = item.as_object() {
            let mut seen = std::collections::HashSet::new();
            return members
                .members()
                .any(|(key, value)| !seen.insert(key) || walk(value));
        }
        item.as_array().is_some_and(|items| items.items().any(walk))
    }
    intercom_runtime::document::Document::with(bytes, |document| walk(document.root()))
        .unwrap_or(false)
}

/// A JSON Schema document made from the bytes (schema_gen.rs) through
/// codegen.
pub fn codegen(bytes: &[u8]) {
    let mut input = arbitrary::Unstructured::new(bytes);
    if let Ok(schema) = schema_gen::document(&mut input) {
        codegen_schema(&schema);
    }
}

/// Codegen on a schema document: code that syn parses, or an error that
/// names a keyword and a pointer into the document.
pub fn codegen_schema(schema: &serde_json::Value) {
    use intercom_codegen::generate::{GenerateError, generate_from_value};
    let (pointer, keyword, message) =
        match generate_from_value(schema, Path::new("fuzz.json"), "fuzz") {
            Ok(generated) => {
                for file in &generated.files {
                    if let Err(error) = syn::parse_file(&file.contents) {
                        panic!("{}: syn does not parse it: {error}", file.path.display());
                    }
                }
                return;
            }
            Err(GenerateError::Model { source, .. }) => {
                let pointer = match &source {
                    intercom_codegen::model::ModelError::Invalid { pointer, .. }
                    | intercom_codegen::model::ModelError::Unsupported { pointer, .. }
                    | intercom_codegen::model::ModelError::UnresolvedRef { pointer, .. }
                    | intercom_codegen::model::ModelError::UnknownDocument { pointer, .. }
                    | intercom_codegen::model::ModelError::UnresolvedInDocument {
                        pointer, ..
                    } => pointer.clone(),
                };
                (pointer, source.keyword().to_owned(), source.to_string())
            }
            Err(GenerateError::Codegen { source, .. }) => (
                source.pointer.clone(),
                source.keyword.clone(),
                source.to_string(),
            ),
            Err(other) => panic!("codegen fails without naming a keyword: {other}"),
        };
    assert!(!keyword.is_empty(), "the error names no keyword: {message}");
    assert!(
        schema.pointer(&pointer).is_some(),
        "the error's pointer `{pointer}` is not in the document: {message}"
    );
}
