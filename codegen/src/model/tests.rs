use super::*;
use serde_json::{Value, json};

#[test]
fn references_resolve_forwards_and_in_cycles() {
    let model = Model::parse(&json!({
        "$defs": {
            "a": {"properties": {"next": {"$ref": "#/$defs/b"}}},
            "b": {"properties": {"back": {"$ref": "#/$defs/a"}}}
        }
    }))
    .unwrap();
    let a = model.def("a").unwrap();
    let b = model.def("b").unwrap();
    let next = model.keywords(a).unwrap().properties[0].1;
    assert_eq!(
        model
            .keywords(next)
            .unwrap()
            .reference
            .as_ref()
            .unwrap()
            .target,
        b
    );
    let back = model.keywords(b).unwrap().properties[0].1;
    assert_eq!(
        model
            .keywords(back)
            .unwrap()
            .reference
            .as_ref()
            .unwrap()
            .target,
        a
    );
}

#[test]
fn ids_and_anchors_scope_references() {
    let model = Model::parse(&json!({
        "$id": "http://example.com/root.json",
        "$defs": {
            "a": {"$id": "folder/", "$defs": {"b": {"$anchor": "here", "type": "integer"}}},
            "use": {"$ref": "folder/#here"},
            "byPointer": {"$ref": "folder/#/$defs/b"}
        }
    }))
    .unwrap();
    let b = model.at_pointer("/$defs/a/$defs/b").unwrap();
    for name in ["use", "byPointer"] {
        let node = model.def(name).unwrap();
        assert_eq!(
            model
                .keywords(node)
                .unwrap()
                .reference
                .as_ref()
                .unwrap()
                .target,
            b,
            "{name}"
        );
    }
}

#[test]
fn references_into_unknown_keywords_are_parsed_on_demand() {
    let model =
        Model::parse(&json!({"x-elsewhere": {"type": "string"}, "$ref": "#/x-elsewhere"})).unwrap();
    let target = model
        .keywords(model.root)
        .unwrap()
        .reference
        .as_ref()
        .unwrap()
        .target;
    assert_eq!(model.node(target).pointer, "/x-elsewhere");
}

#[test]
fn unsupported_keywords_are_refused_with_their_place() {
    let error = Model::parse(&json!({"$defs": {"a": {"$recursiveRef": "#"}}})).unwrap_err();
    assert_eq!(
        error.to_string(),
        "#/$defs/a: the keyword `$recursiveRef` is not supported: it belongs to draft 2019-09"
    );
}

#[test]
fn dangling_references_are_errors() {
    let error =
        Model::parse(&json!({"properties": {"a": {"$ref": "#/$defs/missing"}}})).unwrap_err();
    assert_eq!(
        error.to_string(),
        "#/properties/a/$ref: `$ref` `#/$defs/missing` points to nothing in this document"
    );
}

#[test]
fn a_dynamic_reference_that_applies_its_own_schema_again_is_refused() {
    // Found by the codegen fuzz target: the validator called itself
    // unconditionally. Directly, through a `$ref`, through `not`, and as
    // its own outermost dynamic anchor.
    for (schema, at) in [
        (
            json!({"$defs": {"a": {"$dynamicRef": "#/$defs/a"}}}),
            "#/$defs/a",
        ),
        (
            json!({"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$dynamicRef": "#/$defs/a"}}}),
            "#/$defs/b",
        ),
        (
            json!({"$defs": {"a": {"not": {"$dynamicRef": "#/$defs/a"}}}}),
            "#/$defs/a/not",
        ),
        (
            json!({"$defs": {"a": {"$dynamicAnchor": "node", "$dynamicRef": "#node"}}}),
            "#/$defs/a",
        ),
    ] {
        let error = Model::parse(&schema).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "{at}: `$dynamicRef`: expected a target that does not apply this schema again \
                 to the same value (an endless loop)"
            ),
            "{schema}"
        );
    }
    // Through a property it is a recursive type, not a loop.
    let tree = json!({"$defs": {"tree": {
        "$dynamicAnchor": "node",
        "properties": {"children": {"items": {"$dynamicRef": "#node"}}}
    }}});
    Model::parse(&tree).unwrap();
}

#[test]
fn counts_accept_integral_floats() {
    let model = Model::parse(&json!({"maxLength": 2.0})).unwrap();
    assert_eq!(model.keywords(model.root).unwrap().max_length, Some(2));
    assert!(Model::parse(&json!({"maxLength": 2.5})).is_err());
}

#[test]
fn uris_resolve_per_rfc_3986() {
    assert_eq!(resolve_uri("http://a/b/c/d;p?q", "g"), "http://a/b/c/g");
    assert_eq!(resolve_uri("http://a/b/c/d;p?q", "../g"), "http://a/b/g");
    assert_eq!(resolve_uri("http://a/b/c/d", "/g"), "http://a/g");
    assert_eq!(resolve_uri("http://a/b/c/d", "#f"), "http://a/b/c/d#f");
    assert_eq!(resolve_uri("urn:x:y", "#/a"), "urn:x:y#/a");
    assert_eq!(resolve_uri("http://a", "b.json"), "http://a/b.json");
}

fn registry(documents: &[(&str, Value)]) -> Registry {
    let mut registry = Registry::new();
    for (uri, document) in documents {
        registry.insert(uri, document.clone()).unwrap();
    }
    registry
}

fn target(model: &Model, node: NodeId) -> NodeId {
    model
        .keywords(node)
        .unwrap()
        .reference
        .as_ref()
        .unwrap()
        .target
}

#[test]
fn relative_references_in_a_registered_document_resolve_against_its_uri() {
    let registry = registry(&[
        (
            "http://example.com/a/person.json",
            json!({"properties": {"email": {"$ref": "email.json"}, "self": {"$ref": "#"}}}),
        ),
        ("http://example.com/a/email.json", json!({"type": "string"})),
    ]);
    let model = Model::parse_with(
        &json!({"$ref": "http://example.com/a/person.json"}),
        None,
        &registry,
    )
    .unwrap();
    let person = target(&model, model.root);
    assert_eq!(
        model.node(person).pointer,
        "http://example.com/a/person.json#"
    );
    let k = model.keywords(person).unwrap();
    let email = target(&model, k.properties[0].1);
    assert_eq!(
        model.node(email).pointer,
        "http://example.com/a/email.json#"
    );
    assert_eq!(target(&model, k.properties[1].1), person);
    // A node's place says which document it stands in.
    let string = model.node(email);
    assert!(
        matches!(&string.kind, NodeKind::Schema(k) if k.types == Some(vec![InstanceType::String]))
    );
    assert_eq!(
        display_pointer(&model.node(k.properties[0].1).pointer),
        "http://example.com/a/person.json#/properties/email"
    );
    assert_eq!(display_pointer("/properties/email"), "#/properties/email");
}

#[test]
fn a_registered_document_may_be_a_boolean_schema() {
    let registry = registry(&[("http://example.com/nothing.json", json!(false))]);
    let model = Model::parse_with(
        &json!({"$ref": "http://example.com/nothing.json"}),
        None,
        &registry,
    )
    .unwrap();
    let nothing = target(&model, model.root);
    assert!(matches!(model.node(nothing).kind, NodeKind::Bool(false)));
    assert_eq!(
        model.node(nothing).pointer,
        "http://example.com/nothing.json#"
    );
}

#[test]
fn an_id_in_a_registered_document_changes_its_base_and_names_it() {
    let registry = registry(&[
        (
            "http://example.com/retrieved/tree.json",
            json!({
                "$id": "http://example.com/real/tree.json",
                "properties": {"leaf": {"$ref": "leaf.json"}},
                "$defs": {"anchored": {"$anchor": "here", "type": "integer"}}
            }),
        ),
        ("http://example.com/real/leaf.json", json!({"type": "null"})),
    ]);
    // Reached by its `$id` as by where it was retrieved from, with its
    // relative references resolved against the `$id`.
    let model = Model::parse_with(
        &json!({"anyOf": [
            {"$ref": "http://example.com/real/tree.json"},
            {"$ref": "http://example.com/retrieved/tree.json"},
            {"$ref": "http://example.com/real/tree.json#here"}
        ]}),
        None,
        &registry,
    )
    .unwrap();
    let branches = &model.keywords(model.root).unwrap().any_of;
    let by_id = target(&model, branches[0]);
    assert_eq!(target(&model, branches[1]), by_id);
    assert_eq!(
        model.node(by_id).pointer,
        "http://example.com/retrieved/tree.json#"
    );
    let leaf = target(&model, model.keywords(by_id).unwrap().properties[0].1);
    assert_eq!(
        model.node(leaf).pointer,
        "http://example.com/real/leaf.json#"
    );
    assert_eq!(
        model.node(target(&model, branches[2])).pointer,
        "http://example.com/retrieved/tree.json#/$defs/anchored"
    );
}

#[test]
fn a_reference_to_a_document_nothing_registers_is_an_error_naming_it() {
    let registry = registry(&[("http://example.com/known.json", json!({}))]);
    let error = Model::parse_with(
        &json!({"$id": "http://example.com/main.json", "properties": {"a": {"$ref": "unknown.json#/$defs/x"}}}),
        None,
        &registry,
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "#/properties/a/$ref: `$ref` `unknown.json#/$defs/x` points into http://example.com/unknown.json, a document nothing registers (references reach this document and the documents registered beside it; nothing is fetched)"
    );
    assert_eq!(error.keyword(), "$ref");
    // And a dangling pointer into a registered document is one too.
    let error = Model::parse_with(
        &json!({"$ref": "http://example.com/known.json#/$defs/missing"}),
        None,
        &registry,
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "#/$ref: `$ref` `http://example.com/known.json#/$defs/missing` points to nothing in http://example.com/known.json"
    );
}

#[test]
fn documents_beside_the_parsed_one_are_named_relative_to_it() {
    let registry = registry(&[
        (
            "file:///schemas/common.json",
            json!({"$defs": {"a": {"type": "string"}}}),
        ),
        ("file:///elsewhere/other.json", json!({"type": "integer"})),
    ]);
    let model = Model::parse_with(
        &json!({"allOf": [{"$ref": "common.json#/$defs/a"}, {"$ref": "../elsewhere/other.json"}]}),
        Some("file:///schemas/intercom.schema.json"),
        &registry,
    )
    .unwrap();
    let branches = &model.keywords(model.root).unwrap().all_of;
    assert_eq!(
        model.node(target(&model, branches[0])).pointer,
        "common.json#/$defs/a"
    );
    assert_eq!(
        model.node(target(&model, branches[1])).pointer,
        "file:///elsewhere/other.json#"
    );
    // The parsed document's own nodes keep their plain pointers.
    assert_eq!(model.at_pointer("/allOf/0"), Some(branches[0]));
    assert_eq!(
        model.at_pointer("common.json#/$defs/a"),
        Some(target(&model, branches[0]))
    );
    assert!(Model::parse_with(&json!({}), Some("relative.json"), &registry).is_err());
}

#[test]
fn the_registry_takes_absolute_uris_once_each() {
    let mut registry = Registry::new();
    assert_eq!(
        registry.insert("relative.json", json!({})),
        Err(RegistryError::NotAbsolute {
            uri: "relative.json".into()
        })
    );
    assert_eq!(
        registry.insert("http://a/b.json#/x", json!({})),
        Err(RegistryError::NotAbsolute {
            uri: "http://a/b.json#/x".into()
        })
    );
    registry
        .insert("http://a/b.json#", json!({"$id": "urn:b"}))
        .unwrap();
    assert_eq!(
        registry.insert("http://a/b.json", json!({})),
        Err(RegistryError::Duplicate {
            uri: "http://a/b.json".into()
        })
    );
    assert_eq!(
        registry.insert("http://a/c.json", json!({"$id": "urn:b"})),
        Err(RegistryError::DuplicateId {
            uri: "urn:b".into(),
            first: "http://a/b.json".into(),
            second: "http://a/c.json".into()
        })
    );
    assert_eq!(
        registry.get("urn:b").map(|(uri, _)| uri),
        Some("http://a/b.json")
    );
    assert_eq!(registry.len(), 1);
}

fn metaschemas() -> Registry {
    registry(&[
        (
            "http://example.com/no-validation.json",
            json!({"$vocabulary": {
                "https://json-schema.org/draft/2020-12/vocab/core": true,
                "https://json-schema.org/draft/2020-12/vocab/applicator": true
            }}),
        ),
        (
            "http://example.com/custom-optional.json",
            json!({"$vocabulary": {
                "https://json-schema.org/draft/2020-12/vocab/core": true,
                "https://json-schema.org/draft/2020-12/vocab/validation": true,
                "http://example.com/vocab/custom": false
            }}),
        ),
        (
            "http://example.com/custom-required.json",
            json!({"$vocabulary": {
                "https://json-schema.org/draft/2020-12/vocab/core": true,
                "http://example.com/vocab/custom": true
            }}),
        ),
        (
            "http://example.com/plain.json",
            json!({"$schema": "https://json-schema.org/draft/2020-12/schema"}),
        ),
    ])
}

#[test]
fn a_metaschema_without_the_validation_vocabulary_switches_its_keywords_off() {
    let model = Model::parse_with(
        &json!({
            "$schema": "http://example.com/no-validation.json",
            "type": "object",
            "properties": {"n": {"minimum": 10, "not": {"const": 3}}},
            "required": ["n"]
        }),
        None,
        &metaschemas(),
    )
    .unwrap();
    let root = model.keywords(model.root).unwrap();
    // Applicators apply; assertions of the validation vocabulary are gone.
    assert_eq!(root.properties.len(), 1);
    assert!(root.types.is_none() && root.required.is_empty());
    let n = model.keywords(root.properties[0].1).unwrap();
    assert!(n.minimum.is_none());
    let not = model.keywords(n.not.unwrap()).unwrap();
    assert!(not.const_value.is_none());
}

#[test]
fn a_keyword_outside_the_dialect_is_not_refused_either() {
    let schema = json!({
        "$schema": "http://example.com/no-validation.json",
        "properties": {"a": {"unevaluatedProperties": false}}
    });
    let model = Model::parse_with(&schema, None, &metaschemas()).unwrap();
    assert_eq!(model.keywords(model.root).unwrap().properties.len(), 1);
}

#[test]
fn a_document_reached_by_ref_keeps_its_own_dialect() {
    let registry = {
        let mut registry = metaschemas();
        registry
            .insert(
                "http://example.com/integer.json",
                json!({"type": "integer"}),
            )
            .unwrap();
        registry
    };
    let model = Model::parse_with(
        &json!({"$schema": "http://example.com/no-validation.json", "$ref": "http://example.com/integer.json"}),
        None,
        &registry,
    )
    .unwrap();
    let integer = target(&model, model.root);
    assert_eq!(
        model.keywords(integer).unwrap().types,
        Some(vec![InstanceType::Integer])
    );
}

#[test]
fn vocabularies_a_metaschema_requires_must_be_known_and_others_may_not_be() {
    let schema = |dialect: &str| json!({"$schema": dialect, "type": "number"});
    let model = Model::parse_with(
        &schema("http://example.com/custom-optional.json"),
        None,
        &metaschemas(),
    )
    .unwrap();
    assert_eq!(
        model.keywords(model.root).unwrap().types,
        Some(vec![InstanceType::Number])
    );
    // Without `$vocabulary`, a metaschema has its own dialect's.
    let model = Model::parse_with(
        &schema("http://example.com/plain.json"),
        None,
        &metaschemas(),
    )
    .unwrap();
    assert!(model.keywords(model.root).unwrap().types.is_some());
    let error = Model::parse_with(
        &schema("http://example.com/custom-required.json"),
        None,
        &metaschemas(),
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "#: the keyword `$schema` is not supported: the metaschema http://example.com/custom-required.json requires the vocabulary http://example.com/vocab/custom, which this project does not implement"
    );
    let error = Model::parse_with(
        &json!({"$defs": {"a": schema("http://json-schema.org/draft-07/schema#")}}),
        None,
        &metaschemas(),
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "#/$defs/a: the keyword `$schema` is not supported: only the draft 2020-12 dialect (https://json-schema.org/draft/2020-12/schema) and the metaschemas registered beside the schema are read, not http://json-schema.org/draft-07/schema#"
    );
    // Draft 2020-12 itself, with or without its empty fragment.
    for dialect in [
        "https://json-schema.org/draft/2020-12/schema",
        "https://json-schema.org/draft/2020-12/schema#",
    ] {
        assert!(Model::parse(&schema(dialect)).is_ok(), "{dialect}");
    }
}

#[test]
fn vocabulary_outside_a_metaschema_is_ignored() {
    let model = Model::parse(&json!({
        "$vocabulary": {"http://example.com/vocab/custom": true},
        "type": "string"
    }))
    .unwrap();
    assert_eq!(
        model.keywords(model.root).unwrap().types,
        Some(vec![InstanceType::String])
    );
}

#[test]
fn uris_shorten_to_a_name_only_beside_their_base() {
    assert_eq!(
        uri::relative_to("file:///s/intercom.schema.json", "file:///s/common.json"),
        "common.json"
    );
    for (base, other) in [
        (
            "file:///s/intercom.schema.json",
            "file:///s/sub/common.json",
        ),
        ("file:///s/intercom.schema.json", "file:///t/common.json"),
        ("urn:intercom-codegen:document", "urn:other"),
        ("http://host", "http://host/a.json"),
        ("http://a/b/c.json", "http://a/b/x:y.json"),
    ] {
        assert_eq!(uri::relative_to(base, other), other, "{base} {other}");
    }
}
