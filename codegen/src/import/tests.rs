use std::path::Path;

use serde_json::json;

use super::*;

fn import_text(text: &str, selection: Selection) -> Result<Imported, ImportError> {
    let doc = crate::source::parse(Path::new("spec.yaml"), text.as_bytes()).unwrap();
    import(
        &doc,
        &Options {
            selection,
            strict: false,
        },
    )
}

const HEADER: &str = "openapi: 3.0.1\ninfo: {title: T, version: '1.0'}\n";

#[test]
fn nullable_joins_the_type_and_the_enum() {
    let spec = format!(
        "{HEADER}components:\n  schemas:\n    a: {{type: string, enum: [x, y], nullable: true}}\n"
    );
    let imported = import_text(&spec, Selection::All).unwrap();
    assert_eq!(
        imported.schema["$defs"]["a"],
        json!({"type": ["string", "null"], "enum": ["x", "y", null]})
    );
}

#[test]
fn nullable_beside_a_ref_becomes_an_any_of() {
    let spec = format!(
        "{HEADER}components:\n  schemas:\n    a: {{type: object}}\n    b:\n      properties:\n        p: {{$ref: '#/components/schemas/a', nullable: true, description: D}}\n"
    );
    let imported = import_text(&spec, Selection::All).unwrap();
    assert_eq!(
        imported.schema["$defs"]["b"]["properties"]["p"],
        json!({"description": "D", "anyOf": [{"$ref": "#/$defs/a"}, {"type": "null"}]})
    );
    assert_eq!(
        imported
            .origins
            .get("/$defs/b/properties/p/anyOf/0")
            .map(String::as_str),
        Some("/components/schemas/b/properties/p")
    );
}

#[test]
fn keywords_json_schema_cannot_read_are_dropped_with_a_warning_or_refused_under_strict() {
    let spec = format!(
        "{HEADER}components:\n  schemas:\n    a:\n      type: object\n      properties:\n        id: {{type: strin}}\n        n: {{type: integer, minimum: '3', maxLength: -1}}\n        t: {{type: [string, string]}}\n        ok: {{type: [string, 'null'], minimum: 1.5, maxItems: 2.0}}\n"
    );
    let imported = import_text(&spec, Selection::All).unwrap();
    let properties = &imported.schema["$defs"]["a"]["properties"];
    assert_eq!(properties["id"], json!({"x-invalid-type": "strin"}));
    assert_eq!(
        properties["n"],
        json!({"type": "integer", "x-invalid-minimum": "3", "x-invalid-maxLength": -1})
    );
    assert_eq!(
        properties["t"],
        json!({"x-invalid-type": ["string", "string"]})
    );
    assert_eq!(
        properties["ok"],
        json!({"type": ["string", "null"], "minimum": 1.5, "maxItems": 2.0})
    );
    let warnings: Vec<String> = imported.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(warnings.len(), 4, "{warnings:#?}");
    assert!(
        warnings[0].starts_with("spec.yaml:8:20: `type` must be one of string, number,"),
        "{warnings:#?}"
    );
    assert!(
        warnings[0]
            .contains("found \"strin\"; the schema does not assert it (kept as `x-invalid-type`)"),
        "{warnings:#?}"
    );
    assert!(
        warnings[1].contains("`minimum` must be a number, found \"3\""),
        "{warnings:#?}"
    );
    assert!(
        warnings[2].contains("`maxLength` must be a non-negative integer, found -1"),
        "{warnings:#?}"
    );

    let doc = crate::source::parse(Path::new("spec.yaml"), spec.as_bytes()).unwrap();
    let strict = Options {
        selection: Selection::All,
        strict: true,
    };
    let error = import(&doc, &strict).unwrap_err().to_string();
    assert!(
        error.starts_with("spec.yaml:8:20: `type` must be"),
        "{error}"
    );
    assert!(
        error.ends_with("at #/components/schemas/a/properties/id/type"),
        "{error}"
    );
}

#[test]
fn malformed_applicators_are_set_aside_with_a_warning_or_refused_under_strict() {
    let spec = format!(
        "{HEADER}components:\n  schemas:\n    a:\n      type: object\n      properties:\n        p: {{items: 5, type: array}}\n        q: {{$ref: 7}}\n        r: {{allOf: [1]}}\n        s: {{properties: 3, required: [1]}}\n"
    );
    let imported = import_text(&spec, Selection::All).unwrap();
    let properties = &imported.schema["$defs"]["a"]["properties"];
    assert_eq!(
        properties["p"],
        json!({"x-invalid-items": 5, "type": "array"})
    );
    assert_eq!(properties["q"], json!({"x-invalid-$ref": 7}));
    assert_eq!(properties["r"], json!({"x-invalid-allOf": [1]}));
    assert_eq!(
        properties["s"],
        json!({"x-invalid-properties": 3, "x-invalid-required": [1]})
    );
    let warnings: Vec<String> = imported.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        warnings[0],
        "spec.yaml:8:20: expected a schema (a mapping), found 5; the schema does not assert `items` (kept as `x-invalid-items`) (at #/components/schemas/a/properties/p/items)"
    );
    assert_eq!(warnings.len(), 5, "{warnings:#?}");

    let doc = crate::source::parse(Path::new("spec.yaml"), spec.as_bytes()).unwrap();
    let strict = Options {
        selection: Selection::All,
        strict: true,
    };
    let error = import(&doc, &strict).unwrap_err().to_string();
    assert_eq!(
        error,
        "spec.yaml:8:20: expected a schema (a mapping) (without --strict this is a warning and the schema does not assert `items`) at #/components/schemas/a/properties/p/items"
    );
}

#[test]
fn exclusive_bounds_become_numbers() {
    let spec = format!(
        "{HEADER}components:\n  schemas:\n    a: {{type: integer, maximum: 5, exclusiveMaximum: true, minimum: 1, exclusiveMinimum: false}}\n"
    );
    let imported = import_text(&spec, Selection::All).unwrap();
    assert_eq!(
        imported.schema["$defs"]["a"],
        json!({"type": "integer", "minimum": 1, "exclusiveMaximum": 5})
    );
}

#[test]
fn selection_brings_references_along_and_nothing_else() {
    let spec = format!(
        "{HEADER}components:\n  schemas:\n    a: {{properties: {{b: {{$ref: '#/components/schemas/b'}}}}}}\n    b: {{type: string}}\n    c: {{type: string}}\n"
    );
    let imported = import_text(&spec, Selection::Names(vec!["a".into()])).unwrap();
    let names: Vec<&String> = imported.schema["$defs"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(names, ["a", "b"]);
}

#[test]
fn unknown_names_suggest_close_ones() {
    let spec = format!(
        "{HEADER}components:\n  schemas:\n    contact: {{type: object}}\n    company: {{type: object}}\n"
    );
    let error = import_text(&spec, Selection::Names(vec!["contacts".into()])).unwrap_err();
    assert_eq!(
        error.to_string(),
        "spec.yaml: unknown schema or operationId `contacts`; closest known names: contact"
    );
}

#[test]
fn swagger_and_openapi_31_are_refused_by_name() {
    let error = import_text("swagger: '2.0'\n", Selection::All).unwrap_err();
    assert!(
        error.to_string().contains("Swagger 2.0 is not supported"),
        "{error}"
    );
    let error = import_text("openapi: 3.1.0\n", Selection::All).unwrap_err();
    assert!(
        error.to_string().contains("OpenAPI 3.1.0 is not supported"),
        "{error}"
    );
}
