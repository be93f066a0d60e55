//! `import`: one fixture per OpenAPI construct, each snapshotted as the JSON
//! Schema it becomes, with the warnings and examples the import reports.

use std::path::Path;

use intercom_codegen::import::{self, Imported, Options, Selection};
use intercom_codegen::source;
use intercom_tests::{fixture, fixture_name, project_root, shared_dir};
use serde_json::{Value, json};

fn import_fixture(path: &Path, selection: Selection) -> Imported {
    let bytes = std::fs::read(path).unwrap();
    // A relative name keeps machine-specific paths out of the snapshots.
    let name = Path::new("tests/fixtures/import").join(path.file_name().unwrap());
    let doc = source::parse(&name, &bytes).unwrap();
    import::import(
        &doc,
        &Options {
            selection,
            strict: false,
        },
    )
    .unwrap()
}

fn report(imported: &Imported) -> Value {
    let warnings: Vec<String> = imported.warnings.iter().map(ToString::to_string).collect();
    let examples: Vec<Value> = imported
        .examples
        .iter()
        .map(|e| json!({"schema": e.schema, "pointer": e.pointer, "value": e.value}))
        .collect();
    json!({"warnings": warnings, "examples": examples, "schema": imported.schema})
}

fn assert_meta_valid(schema: &Value, what: &str) {
    if let Err(error) = jsonschema::draft202012::meta::validate(schema) {
        panic!(
            "{what} is not a valid draft 2020-12 schema: {error} at {}",
            error.instance_path()
        );
    }
}

#[test]
fn fixtures() {
    insta::glob!("../fixtures/import", "*.yaml", |path| {
        let imported = import_fixture(path, Selection::All);
        assert_meta_valid(&imported.schema, &fixture_name(path));
        let rendered = serde_json::to_string_pretty(&report(&imported)).unwrap();
        insta::with_settings!({
            description => std::fs::read_to_string(path).unwrap(),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(rendered);
        });
    });
}

/// The reference's own defects, a fixture each (`fixtures/import/defects/`):
/// each is a warning with its file, line, column and pointer, the schema
/// sets the keyword aside (`x-invalid-<keyword>`) and accepts what it would
/// have constrained, codegen takes the result, and under `--strict` the
/// first defect is the error.
#[test]
fn defects() {
    insta::glob!("../fixtures/import/defects", "*.yaml", |path| {
        let bytes = std::fs::read(path).unwrap();
        let name = Path::new("tests/fixtures/import/defects").join(path.file_name().unwrap());
        let doc = source::parse(&name, &bytes).unwrap();
        let options = |strict| Options {
            selection: Selection::All,
            strict,
        };
        let imported = import::import(&doc, &options(false)).unwrap();
        assert!(!imported.warnings.is_empty(), "a defect is a warning");
        assert_meta_valid(&imported.schema, &fixture_name(path));
        let model = intercom_codegen::model::Model::parse(&imported.schema)
            .unwrap_or_else(|e| panic!("codegen reads what import writes: {e}"));
        let plan = intercom_codegen::types::plan(&model)
            .unwrap_or_else(|e| panic!("codegen plans what import writes: {e}"));
        intercom_codegen::generate::validators_items(&model, &plan)
            .unwrap_or_else(|e| panic!("codegen validates what import writes: {e}"));
        let strict = import::import(&doc, &options(true))
            .map(|_| ())
            .expect_err("under --strict a defect is an error")
            .to_string();
        let warnings: Vec<String> = imported.warnings.iter().map(ToString::to_string).collect();
        let rendered = serde_json::to_string_pretty(&json!({
            "warnings": warnings,
            "strict": strict,
            "schema": imported.schema["$defs"],
        }))
        .unwrap();
        insta::with_settings!({
            description => String::from_utf8_lossy(&bytes).into_owned(),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(rendered);
        });
    });
}

#[test]
fn output_is_byte_identical_across_runs() {
    let path = fixture("import/inline_bodies.yaml");
    let first = import::render(&import_fixture(&path, Selection::All).schema);
    let second = import::render(&import_fixture(&path, Selection::All).schema);
    assert_eq!(first, second);
}

#[test]
fn selection_by_operation_id_brings_its_bodies() {
    let imported = import_fixture(
        &fixture("import/inline_bodies.yaml"),
        Selection::Names(vec!["createTicket".into()]),
    );
    let names: Vec<&String> = imported.schema["$defs"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(
        names,
        [
            "contact",
            "create_ticket_request",
            "create_ticket_request_body",
            "create_ticket_response_4xx"
        ]
    );
    assert_eq!(imported.schema["x-operations"].as_array().unwrap().len(), 1);
}

#[test]
fn strict_mode_refuses_dangling_references() {
    let path = fixture("import/unresolved_ref.yaml");
    let doc = source::load(&path).unwrap();
    let error = import::import(
        &doc,
        &Options {
            selection: Selection::All,
            strict: true,
        },
    )
    .unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("unresolved $ref `#/components/schemas/custom_attributes`"),
        "{message}"
    );
    assert!(
        message.contains("#/components/schemas/company/properties/custom_attributes/$ref"),
        "{message}"
    );
    assert!(message.contains("unresolved_ref.yaml:33:17:"), "{message}");
}

#[test]
fn checked_in_schema_is_valid_draft_2020_12() {
    let path = project_root().join("schema").join(import::SCHEMA_FILE);
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_meta_valid(&schema, "schema/intercom.schema.json");
}

/// Every version of the reference in ../shared imports with `--all` into a
/// valid draft 2020-12 schema. CI sets INTERCOM_REQUIRE_SHARED so that a
/// missing ../shared fails there instead of passing quietly.
#[test]
fn every_reference_version_imports_into_a_valid_schema() {
    let Some(shared) = shared_dir() else {
        assert!(
            std::env::var_os("INTERCOM_REQUIRE_SHARED").is_none(),
            "INTERCOM_REQUIRE_SHARED is set but ../shared is missing"
        );
        eprintln!("../shared is not beside the project: the reference versions are not checked");
        return;
    };
    let dir = shared.join("reference").join("intercom-openapi");
    let files = source::versions(&dir);
    assert!(
        files.len() >= 10,
        "reference files in {}: {files:?}",
        dir.display()
    );
    for file in files {
        let doc = source::load(&file).unwrap();
        let imported = import::import(
            &doc,
            &Options {
                selection: Selection::All,
                strict: false,
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_meta_valid(&imported.schema, &file.display().to_string());
    }
}

/// reference/ → schema/: what `cargo xtask import` (no arguments) writes is
/// what is checked in, byte for byte. (schema/ → generated/ is
/// `types::generated_crate_is_fresh`.)
#[test]
fn schema_dir_is_what_the_pinned_reference_gives() {
    let root = project_root();
    let pinned = intercom_codegen::pinned::import(&root).unwrap_or_else(|e| panic!("{e}"));
    let (spec, imported) = (pinned.path, pinned.imported);
    let status = intercom_codegen::output::ensure_file(
        &root.join("schema").join(import::SCHEMA_FILE),
        &import::render(&imported.schema),
        intercom_codegen::output::Mode::Check,
    )
    .unwrap();
    assert_eq!(
        status,
        intercom_codegen::output::FileStatus::Unchanged,
        "schema/{} differs from what {} gives: run `cargo xtask import`, then `cargo xtask codegen`, and commit the result",
        import::SCHEMA_FILE,
        spec.display()
    );
}
