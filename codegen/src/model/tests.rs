use super::*;
use serde_json::json;

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
