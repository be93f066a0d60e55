//! `codegen` of types: one fixture schema per feature, each snapshotted as the
//! Rust it becomes and compiled (tests/build.rs puts each in a module of
//! `intercom_tests::fixture_types`), then read and written back by the tests.

use std::path::Path;

use intercom_codegen::generate;
use intercom_codegen::model::Model;
use intercom_codegen::output::{self, FileStatus, Mode};
use intercom_codegen::types;
use intercom_runtime::{Nullable, Timestamp};
use intercom_tests::fixture_types as ft;
use intercom_tests::{fixture, fixture_name, project_root, shared_dir};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};

fn plan_fixture(path: &Path) -> (Model, types::Plan) {
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let model = Model::parse(&schema).unwrap();
    let plan = types::plan(&model).unwrap();
    (model, plan)
}

#[test]
fn fixtures() {
    insta::glob!("../fixtures/types", "*.json", |path| {
        let (_, plan) = plan_fixture(path);
        let rendered = output::render(
            types::emit(&plan),
            &format!("tests/fixtures/types/{}.json", fixture_name(path)),
        )
        .unwrap();
        insta::with_settings!({ omit_expression => true }, {
            insta::assert_snapshot!(rendered);
        });
    });
}

#[test]
fn output_is_deterministic() {
    let schema_dir = project_root().join("schema");
    let first = generate::generate(&schema_dir, "schema/intercom.schema.json").unwrap();
    let second = generate::generate(&schema_dir, "schema/intercom.schema.json").unwrap();
    assert_eq!(first.files, second.files);
}

#[test]
fn generated_crate_is_fresh() {
    let root = project_root();
    let generated =
        generate::generate(&root.join("schema"), "schema/intercom.schema.json").unwrap();
    let stale: Vec<String> = generated
        .files
        .iter()
        .filter(|file| {
            output::ensure_file(
                &root.join("generated").join(&file.path),
                &file.contents,
                Mode::Check,
            )
            .unwrap()
                == FileStatus::Stale
        })
        .map(|file| file.path.display().to_string())
        .collect();
    assert!(
        stale.is_empty(),
        "generated/ differs from what schema/ gives in {stale:?}: run `cargo xtask codegen` and commit the result"
    );
}

/// Reads `payload` as `T` and writes it back; the JSON must be the same.
fn round_trip<T: DeserializeOwned + Serialize>(payload: Value) -> T {
    let read: T = serde_json::from_value(payload.clone()).unwrap_or_else(|e| {
        panic!(
            "{payload} does not read as {}: {e}",
            std::any::type_name::<T>()
        )
    });
    let written = serde_json::to_value(&read).unwrap();
    assert_eq!(
        written,
        payload,
        "{} loses data",
        std::any::type_name::<T>()
    );
    read
}

/// As [`round_trip`], from text, comparing the text written: numbers keep their written form.
fn round_trip_text<T: DeserializeOwned + Serialize>(text: &str) -> T {
    let read: T = serde_json::from_str(text).unwrap();
    assert_eq!(serde_json::to_string(&read).unwrap(), text);
    read
}

#[test]
fn objects_keep_unknown_properties_and_empty_values() {
    let admin: ft::object::Admin = round_trip(json!({
        "type": "admin", "id": "1", "team_ids": [], "settings": {}, "avatar": {},
        "new_in_a_later_version": {"nested": [1, 2.5, null]}
    }));
    assert_eq!(admin.team_ids, Some(vec![]));
    assert_eq!(
        admin.extra["new_in_a_later_version"],
        json!({"nested": [1, 2.5, null]})
    );
    round_trip::<ft::object::Admin>(json!({"type": "admin", "id": "1", "anything": [true, "x"]}));
    round_trip::<ft::object::Admin>(
        json!({"type": "admin", "id": "1", "avatar": {"image_url": "not a url", "size": 3}}),
    );
}

#[test]
fn numbers_keep_their_written_form() {
    round_trip_text::<ft::object::Admin>(r#"{"type":"admin","id":"1","score":0}"#);
    round_trip_text::<ft::object::Admin>(r#"{"type":"admin","id":"1","score":2.5}"#);
    round_trip_text::<ft::object::Admin>(r#"{"type":"admin","id":"1","score":-7}"#);
    round_trip_text::<ft::timestamp::Event>(r#"{"created_at":1663597223,"amount":0}"#);
}

#[test]
fn strings_are_kept_as_written_whatever_their_format() {
    let event: ft::timestamp::Event = round_trip(json!({
        "created_at": 1663597223,
        "updated_at": 1663597224,
        "sent_at": "2024-01-31T12:00:00.123456+01:00",
        "id": "not-a-uuid"
    }));
    assert_eq!(event.created_at, Timestamp(1663597223));
    assert_eq!(event.updated_at, Some(Timestamp(1663597224)));
}

#[test]
fn enums_keep_unknown_values() {
    let state: ft::string_enum::TicketState = round_trip(json!("in_progress"));
    assert_eq!(state, ft::string_enum::TicketState::InProgress);
    let state: ft::string_enum::TicketState = round_trip(json!("escalated"));
    assert_eq!(
        state,
        ft::string_enum::TicketState::Other("escalated".into())
    );
    assert_eq!(state.as_str(), "escalated");
    let filter: ft::string_enum::Filter = round_trip(json!({"operator": "!~", "other": "other"}));
    assert_eq!(
        filter.operator,
        Some(ft::string_enum::FilterOperator::NotContains)
    );
    let priority: ft::integer_enum::Priority = round_trip(json!(2));
    assert_eq!(priority, ft::integer_enum::Priority::Value2);
    let priority: ft::integer_enum::Priority = round_trip(json!(99));
    assert_eq!(priority, ft::integer_enum::Priority::Other(99));
    // A nullable schema is its type where it is used: `Option<Rating>`.
    let rating: Option<ft::integer_enum::Rating> = round_trip(json!(null));
    assert_eq!(rating, None);
    let rating: Option<ft::integer_enum::Rating> = round_trip(json!(5));
    assert_eq!(rating, Some(ft::integer_enum::Rating::Value5));
}

#[test]
fn absent_and_null_stay_apart() {
    use ft::nullable::Contact;
    let absent: Contact = round_trip(json!({"email": null}));
    assert_eq!(absent.name, None);
    assert_eq!(absent.email, None);
    let null: Contact =
        round_trip(json!({"email": "a@example.com", "name": null, "team": null, "state": null}));
    assert_eq!(null.name, Some(Nullable::Null));
    assert_eq!(null.team, Some(Nullable::Null));
    let set: Contact = round_trip(
        json!({"email": null, "name": "Ann", "team": {"id": "7"}, "owner": {"id": "8"}, "state": "open"}),
    );
    assert_eq!(set.name, Some(Nullable::Value("Ann".into())));
    assert!(matches!(
        set.team,
        Some(Nullable::Value(ft::nullable::Team { .. }))
    ));
}

#[test]
fn all_of_is_merged_into_one_struct() {
    let archived: ft::all_of::ContactArchived =
        round_trip(json!({"type": "contact", "id": "1", "archived": true}));
    assert_eq!(archived.id, "1");
    assert!(archived.archived);
    let deleted: ft::all_of::ContactDeleted = round_trip(json!({"id": "1", "deleted": false}));
    assert_eq!(deleted.deleted, Some(false));
}

#[test]
fn alternatives_are_picked_by_tag_and_kept_when_unknown() {
    use ft::alternatives::*;
    let snooze: ManageRequest = round_trip(
        json!({"message_type": "snoozed", "admin_id": "1", "snoozed_until": 1700000000}),
    );
    assert!(matches!(snooze, ManageRequest::SnoozeRequest(_)));
    let close: ManageRequest = round_trip(json!({"message_type": "close", "admin_id": "1"}));
    assert!(matches!(close, ManageRequest::CloseRequest(_)));
    let unknown: ManageRequest = round_trip(json!({"message_type": "reopen", "admin_id": "1"}));
    assert!(matches!(unknown, ManageRequest::Unknown(_)));
    let dog: Pet = round_trip(json!({"kind": "woof", "good": true}));
    assert!(matches!(dog, Pet::Dog(_)));
    let cat: Pet = round_trip(json!({"kind": "meow", "lives": 9}));
    assert!(matches!(cat, Pet::Cat(_)));
    let text: AttributeValue = round_trip(json!("plain"));
    assert!(matches!(text, AttributeValue::String(_)));
    let file: AttributeValue = round_trip(json!({"url": "https://example.com/a.png"}));
    assert!(matches!(file, AttributeValue::File(_)));
    let number: Scalar = round_trip(json!(3));
    assert!(matches!(number, Scalar::Integer(3)));
    round_trip::<Scalar>(json!(true));
    round_trip::<Scalar>(json!(1.5));
}

#[test]
fn required_only_alternatives_shape_no_type() {
    let request: ft::required_only_any_of::ConvertVisitorRequest =
        round_trip(json!({"type": "user", "user": {"user_id": "u1"}}));
    assert_eq!(request.user.and_then(|u| u.user_id).as_deref(), Some("u1"));
}

/// Whether the independent validator (the `jsonschema` crate) accepts
/// `payload` as the `$defs` entry `name` of the fixture `types/<fixture>.json`.
fn accepted_by(fixture_file: &str, name: &str, payload: &Value) -> bool {
    let mut root: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture(fixture_file)).unwrap()).unwrap();
    root["$ref"] = json!(format!("#/$defs/{name}"));
    jsonschema::validator_for(&root).unwrap().is_valid(payload)
}

#[test]
fn a_lone_alternative_beside_an_open_one_shapes_no_type() {
    use ft::open_alternatives::*;
    let file = "types/open_alternatives.json";
    // `oneOf: [list attribute (options: array, required), other type (anything)]`:
    // options absent, or not a list, matches the open branch alone.
    let accepted = [
        json!({"archived": false, "description": "Size"}),
        json!({"options": {"value": "1-10"}}),
        json!({"options": "none", "archived": true}),
    ];
    for payload in &accepted {
        assert!(
            accepted_by(file, "update_data_attribute_request", payload),
            "{payload}"
        );
        round_trip::<UpdateDataAttributeRequest>(payload.clone());
    }
    // A valid list matches both branches, so oneOf refuses it: the premise
    // of the fixture, checked by the independent validator.
    let both = json!({"options": [{"value": "1-10"}, {"value": "11-50"}]});
    assert!(!accepted_by(file, "update_data_attribute_request", &both));
    // What the branch adds stays among the kept unknown properties.
    let request: UpdateDataAttributeRequest =
        round_trip(json!({"archived": true, "options": {"value": "1-10"}}));
    assert_eq!(request.archived, Some(true));
    assert_eq!(request.extra["options"], json!({"value": "1-10"}));

    // Alone, the branch is guaranteed and shapes the type.
    let list = json!({"archived": true, "options": [{"value": "1-10"}, {"value": "11-50"}]});
    assert!(accepted_by(file, "list_attribute_request", &list));
    let list: ListAttributeRequest = round_trip(list);
    assert_eq!(list.options.len(), 2);
    // So does it beside `{type: null}`, which means nullable.
    let holder: ListHolder = round_trip(json!({"list": {"options": ["a", "b"]}}));
    let Some(Nullable::Value(list)) = holder.list else {
        panic!("the list reads as a ListOptions")
    };
    assert_eq!(list.options.len(), 2);
    let holder: ListHolder = round_trip(json!({"list": null}));
    assert_eq!(holder.list, Some(Nullable::Null));

    // Beside an open branch, a `$ref` shapes nothing either: any value reads.
    for payload in [
        json!({"options": ["a"]}),
        json!({"options": 3}),
        json!("text"),
    ] {
        assert!(
            accepted_by(file, "options_or_anything", &payload),
            "{payload}"
        );
        round_trip::<OptionsOrAnything>(payload);
    }
}

#[test]
fn unevaluated_properties_close_a_struct_only_where_the_schema_tells_which() {
    use ft::unevaluated::*;
    let file = "types/unevaluated.json";
    // The properties of the merged `allOf` are the only ones evaluated: the
    // struct has no room for others, and the validator refuses them.
    let closed: ClosedAllOf = round_trip(json!({"id": "1", "name": "n"}));
    assert_eq!(closed.name.as_deref(), Some("n"));
    assert!(!accepted_by(
        file,
        "closed_all_of",
        &json!({"id": "1", "other": 1})
    ));
    // A schema for the others types them.
    let rest: TypedRest = round_trip(json!({"id": "1", "count": 2}));
    assert_eq!(rest.extra["count"], 2);
    assert!(!accepted_by(
        file,
        "typed_rest",
        &json!({"id": "1", "count": "2"})
    ));
    // A pattern, or a condition, evaluates names the schema does not list:
    // the struct keeps unknown properties, and every accepted payload reads.
    for (name, payload) in [
        ("closed_by_pattern", json!({"id": "1", "x-trace": "t"})),
        ("closed_by_condition", json!({"id": "1", "note": "n"})),
    ] {
        assert!(accepted_by(file, name, &payload), "{name} {payload}");
    }
    let pattern: ClosedByPattern = round_trip(json!({"id": "1", "x-trace": "t"}));
    assert_eq!(pattern.extra["x-trace"], "t");
    let condition: ClosedByCondition = round_trip(json!({"id": "1", "note": "n"}));
    assert_eq!(condition.extra["note"], "n");
    assert!(!accepted_by(
        file,
        "closed_by_condition",
        &json!({"id": "2", "note": "n"})
    ));
}

#[test]
fn recursion_is_boxed() {
    use ft::recursion::*;
    let filter: Filter = round_trip(
        json!({"operator": "AND", "value": [{"operator": "=", "value": "x"}], "parent": {"operator": "OR"}}),
    );
    assert!(filter.parent.is_some());
    let node: Node = round_trip(json!({"next": {"next": null}}));
    assert!(node.next.is_some());
}

#[test]
fn maps_and_closed_objects() {
    use ft::maps::*;
    let attributes: CustomAttributes = round_trip(json!({"plan": "pro", "seats": 5}));
    assert_eq!(attributes.len(), 2);
    round_trip::<Counts>(json!({}));
    let labelled: Labelled = round_trip(json!({"id": "1", "colour": "blue"}));
    assert_eq!(labelled.extra["colour"], "blue");
    round_trip::<Closed>(json!({"id": "1"}));
    assert!(serde_json::from_value::<Closed>(json!({"id": "1", "x": 1})).is_err());
}

#[test]
fn names_are_distinct_and_readable() {
    let (_, plan) = plan_fixture(&fixture("types/names.json"));
    let names: Vec<&str> = plan.types.iter().map(|t| t.name.as_str()).collect();
    assert!(names.contains(&"TicketType"), "{names:?}");
    assert!(names.contains(&"TicketTypeEnum"), "{names:?}");
    assert!(names.contains(&"Option2"), "{names:?}");
    assert!(names.contains(&"String2"), "{names:?}");
    let ticket = plan.def("ticket").unwrap();
    let types::TypeKind::Struct(s) = &ticket.kind else {
        panic!("ticket is a struct")
    };
    let fields: Vec<&str> = s.fields.iter().map(|f| f.rust_name.as_str()).collect();
    assert_eq!(
        fields,
        [
            "r#type",
            "self_",
            "r#match",
            "n2fa",
            "foo_bar",
            "foo_bar_2",
            "extra",
            "ticket_type"
        ]
    );
    assert_eq!(
        s.extra,
        types::Extra::Kept {
            field: "extra_2".into(),
            value: types::RustType::Value
        }
    );
    let ticket: ft::names::Ticket = round_trip(
        json!({"type": "ticket", "self": "s", "2fa": true, "fooBar": "a", "foo_bar": "b", "extra": "e", "more": 1}),
    );
    assert_eq!(ticket.extra, Some("e".into()));
    assert_eq!(ticket.extra_2["more"], 1);
}

#[test]
fn unsupported_constructs_are_errors_with_their_location() {
    let schema = json!({"$defs": {"odd": {"oneOf": [{"type": "string"}, {"type": "integer"}], "anyOf": [{"type": "string"}, {"type": "object"}]}}});
    let model = Model::parse(&schema).unwrap();
    let error = types::plan(&model).unwrap_err();
    assert_eq!(error.pointer, "/$defs/odd");
    assert_eq!(error.keyword, "oneOf");
    assert!(
        error.to_string().starts_with("#/$defs/odd: `oneOf`: "),
        "{error}"
    );
}

/// The payloads under `fixtures/payloads/`, named after their schema, and the
/// seed examples in ../shared when it is there.
fn seed_payloads() -> Vec<(String, Value)> {
    let mut payloads = Vec::new();
    for entry in std::fs::read_dir(fixture("payloads")).unwrap() {
        let path = entry.unwrap().path();
        let value: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        payloads.push((fixture_name(&path), value));
    }
    if let Some(shared) = shared_dir() {
        for entry in std::fs::read_dir(shared.join("seeds")).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for line in text.lines().filter(|l| l.trim_start().starts_with('{')) {
                let value: Value = serde_json::from_str(line).unwrap();
                let schema = match value["type"].as_str() {
                    Some("conversation_statistics") => "conversation_statistics",
                    _ => "convert_visitor_request",
                };
                payloads.push((schema.to_owned(), value));
            }
        }
    }
    payloads.sort_by(|a, b| a.0.cmp(&b.0));
    payloads
}

#[test]
fn seed_payloads_round_trip_through_the_generated_crate() {
    let payloads = seed_payloads();
    assert!(payloads.len() >= 2);
    for (schema, payload) in payloads {
        match schema.as_str() {
            "conversation_statistics" => {
                round_trip::<intercom_models::ConversationStatistics>(payload);
            }
            "convert_visitor_request" => {
                round_trip::<intercom_models::ConvertVisitorRequest>(payload);
            }
            other => panic!("no type for the payload fixture {other}"),
        }
    }
}

/// The property names of a JSON Schema object, sorted, and its required list.
fn shape_of(schema: &Value) -> (Vec<String>, Vec<String>) {
    let mut properties: Vec<String> = schema["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    properties.sort();
    let mut required: Vec<String> = schema["required"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    required.sort();
    (properties, required)
}

#[test]
fn schemars_sees_the_same_properties_as_schema_dir() {
    let text = std::fs::read_to_string(project_root().join("schema/intercom.schema.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    let model = Model::parse(&schema).unwrap();
    let plan = types::plan(&model).unwrap();
    let rust_schemas = intercom_models::rust_schemas();
    assert!(rust_schemas.len() > 300, "{}", rust_schemas.len());
    let mut plain_objects = 0;
    for (name, derived) in rust_schemas {
        let types::TypeKind::Struct(planned) = &plan.get(plan.defs[name]).kind else {
            continue;
        };
        let (properties, required) = shape_of(derived.as_value());
        // What the emitted serde attributes say, as schemars reads them…
        let mut planned_properties: Vec<String> =
            planned.fields.iter().map(|f| f.json_name.clone()).collect();
        planned_properties.sort();
        let mut planned_required: Vec<String> = planned
            .fields
            .iter()
            .filter(|f| f.required)
            .map(|f| f.json_name.clone())
            .collect();
        planned_required.sort();
        assert_eq!(properties, planned_properties, "properties of {name}");
        assert_eq!(required, planned_required, "required properties of {name}");
        // …and, for an object that merges nothing, what schema/ says.
        let keywords = model.keywords(model.def(name).unwrap()).unwrap();
        if keywords.all_of.is_empty() && keywords.any_of.is_empty() && keywords.one_of.is_empty() {
            plain_objects += 1;
            let mut expected_properties: Vec<String> =
                keywords.properties.iter().map(|(p, _)| p.clone()).collect();
            expected_properties.sort();
            let mut expected_required = keywords.required.clone();
            expected_required.sort();
            assert_eq!(
                properties, expected_properties,
                "properties of {name} in schema/"
            );
            assert_eq!(
                required, expected_required,
                "required properties of {name} in schema/"
            );
        }
    }
    assert!(plain_objects > 200, "{plain_objects}");
}
