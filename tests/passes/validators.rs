//! Validators: the checked-in crate's registry and error locations, a fixture
//! schema per keyword family validated through a generated crate-less path
//! (the model's verdicts compared with the `jsonschema` crate's), and input
//! that is deep, long or not JSON at all.

use intercom_codegen::model::Model;
use intercom_codegen::output;
use intercom_codegen::validators::{self, ValidatorOptions};
use intercom_models::{SCHEMAS, Validate, schema, schema_names, validate};
use intercom_runtime::Position;
use serde_json::{Value, json};

/// A fixture per keyword family (`fixtures/validators/<family>.json`): its
/// schemas, and in `x-cases` payloads for them. Each payload's errors must be
/// the same from a `Value` and from bytes (message for message, every one
/// placed), `is_valid` must agree, and the failing locations must be the
/// `jsonschema` crate's. The snapshot records the fixture, each case's errors,
/// then the validators codegen writes for it.
#[test]
fn keyword_families() {
    use intercom_tests::fixture_validators::FIXTURES;
    insta::glob!("../fixtures/validators", "*.json", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let document: Value = serde_json::from_str(&text).unwrap();
        let family = intercom_tests::fixture_name(path);
        let schemas = FIXTURES
            .iter()
            .find(|(name, _)| *name == family)
            .map(|(_, schemas)| *schemas)
            .unwrap_or_else(|| panic!("build.rs compiled {family}"));
        let mut report = String::new();
        for case in document["x-cases"]
            .as_array()
            .expect("x-cases lists the cases")
        {
            let (name, payload) = (case[0].as_str().unwrap(), &case[1]);
            let entry = schemas
                .iter()
                .find(|entry| entry.name == name)
                .unwrap_or_else(|| panic!("{family}: no schema {name}"));
            let ours = (entry.validate_value)(payload);
            assert_eq!(
                (entry.is_valid)(payload),
                ours.is_empty(),
                "{family}: {payload}"
            );
            let bytes = serde_json::to_vec_pretty(payload).unwrap();
            let from_bytes = (entry.validate_bytes)(&bytes).unwrap();
            let shown = |errors: &[intercom_runtime::ValidationError]| -> Vec<String> {
                errors.iter().map(|e| e.to_string()).collect()
            };
            assert_eq!(shown(&from_bytes), shown(&ours), "{family}: {payload}");
            assert!(from_bytes.iter().all(|e| e.position.is_some()));
            let mut with_ref = document.clone();
            with_ref["$ref"] = json!(format!("#/$defs/{name}"));
            let theirs = jsonschema::options()
                .should_validate_formats(true)
                .build(&with_ref)
                .unwrap();
            let locations = |mut found: Vec<String>| {
                found.sort();
                found.dedup();
                found
            };
            assert_eq!(
                locations(ours.iter().map(|e| e.instance_location.clone()).collect()),
                locations(
                    theirs
                        .iter_errors(payload)
                        .map(|e| e.instance_path().as_str().to_owned())
                        .collect()
                ),
                "{family}: {name} {payload}: ours {ours:#?}"
            );
            report.push_str(&format!("{name} {payload}\n"));
            if ours.is_empty() {
                report.push_str("    valid\n");
            }
            for error in &ours {
                report.push_str(&format!(
                    "    {} {}: {}\n",
                    if error.instance_location.is_empty() {
                        "(root)"
                    } else {
                        &error.instance_location
                    },
                    error.keyword_location,
                    error.message
                ));
            }
        }
        let model = Model::parse(&document).unwrap();
        let roots: Vec<_> = model.defs.iter().map(|(_, node)| *node).collect();
        let tokens = validators::emit(&model, &roots, &ValidatorOptions::default()).unwrap();
        let code =
            output::render(tokens, &format!("tests/fixtures/validators/{family}.json")).unwrap();
        insta::with_settings!({
            description => text,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("{report}\n{code}"));
        });
    });
}

/// A member that `unevaluatedProperties` or `unevaluatedItems` checks
/// against a schema fails where it stands, as through
/// `additionalProperties`: the `jsonschema` crate reports the object or the
/// array instead, so these cases are left out of the fixture's comparison.
#[test]
fn unevaluated_members_fail_where_they_stand() {
    use intercom_tests::fixture_validators::FIXTURES;
    let (_, schemas) = FIXTURES
        .iter()
        .find(|(name, _)| *name == "unevaluated")
        .expect("build.rs compiled the unevaluated fixture");
    let entry = |name: &str| {
        schemas
            .iter()
            .find(|entry| entry.name == name)
            .unwrap_or_else(|| panic!("no schema {name}"))
    };
    let errors = (entry("typed_rest").validate_value)(&json!({"id": "1", "count": "2"}));
    let found = locations(&errors);
    assert_eq!(
        found,
        [("/count", "#/$defs/typed_rest/unevaluatedProperties/type")]
    );
    let errors = (entry("tuple_rest").validate_value)(&json!(["a", true, "x"]));
    let found = locations(&errors);
    assert_eq!(found, [("/2", "#/$defs/tuple_rest/unevaluatedItems/type")]);
}

/// Each error's instance and keyword locations.
fn locations(errors: &[intercom_runtime::ValidationError]) -> Vec<(&str, &str)> {
    errors
        .iter()
        .map(|e| (e.instance_location.as_str(), e.keyword_location))
        .collect()
}

#[test]
fn the_registry_lists_every_schema_sorted() {
    let names: Vec<&str> = schema_names().collect();
    assert!(names.windows(2).all(|w| w[0] < w[1]), "sorted");
    for seed in [
        "conversation_response_time",
        "conversation_statistics",
        "convert_visitor_request",
    ] {
        assert!(names.contains(&seed), "{seed}");
    }
    let text =
        std::fs::read_to_string(intercom_tests::project_root().join("schema/intercom.schema.json"))
            .unwrap();
    let document: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(SCHEMAS.len(), document["$defs"].as_object().unwrap().len());
    assert_eq!(
        schema("convert_visitor_request").unwrap().rust_type,
        "ConvertVisitorRequest"
    );
    assert!(schema("nope").is_none());
    assert!(validate("nope", &json!({})).is_none());
}

#[test]
fn errors_carry_instance_and_keyword_locations() {
    let errors = validate(
        "conversation_statistics",
        &json!({"time_to_assignment": "x", "assigned_team_first_response_time": [{"team_id": "y"}]}),
    )
    .unwrap();
    let found = locations(&errors);
    assert_eq!(
        found,
        [
            (
                "/time_to_assignment",
                "#/$defs/conversation_statistics/properties/time_to_assignment/type"
            ),
            (
                "/assigned_team_first_response_time/0/team_id",
                "#/$defs/conversation_response_time/properties/team_id/type"
            ),
        ]
    );
    assert!(intercom_models::ConversationStatistics::is_valid(
        &json!({"count_reopens": 2})
    ));
    assert!(!intercom_models::ConversationStatistics::is_valid(
        &json!({"count_reopens": 2.5})
    ));
}

#[test]
fn alternatives_fail_once_with_the_closest_branch() {
    let errors = intercom_models::ConvertVisitorRequest::validate(
        &json!({"type": "user", "user": {"email": "a@example.com"}, "visitor": {"id": "1"}}),
    );
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].keyword, "anyOf");
    assert_eq!(errors[0].instance_location, "/user");
    assert_eq!(errors[0].context.len(), 1);
    assert_eq!(errors[0].context[0].keyword, "required");
}

#[test]
fn bytes_and_values_give_the_same_errors_with_positions() {
    let text = "{\n  \"type\": \"user\",\n  \"user\": {\"id\": 5},\n  \"visitor\": {}\n}";
    let from_bytes =
        intercom_models::ConvertVisitorRequest::validate_bytes(text.as_bytes()).unwrap();
    let from_value =
        intercom_models::ConvertVisitorRequest::validate(&serde_json::from_str(text).unwrap());
    let locations = |errors: &[intercom_runtime::ValidationError]| -> Vec<String> {
        errors.iter().map(|e| e.instance_location.clone()).collect()
    };
    assert_eq!(locations(&from_bytes), locations(&from_value));
    assert_eq!(from_bytes[0].instance_location, "/user/id");
    assert_eq!(
        from_bytes[0].position,
        Some(Position {
            line: 3,
            column: 18
        })
    );
    assert_eq!(from_bytes[1].instance_location, "/visitor");
    assert_eq!(
        from_bytes[1].position,
        Some(Position {
            line: 4,
            column: 14
        })
    );
}

#[test]
fn hostile_input_gives_errors_not_crashes() {
    let validate_bytes = schema("conversation_statistics").unwrap().validate_bytes;
    // 100,000 levels of nesting: refused by the parser's depth limit.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let error = validate_bytes(deep.as_bytes()).unwrap_err();
    assert!(
        error.message.contains("recursion limit"),
        "{}",
        error.message
    );
    // Invalid UTF-8 inside a string.
    assert!(validate_bytes(b"{\"type\": \"\xff\"}").is_err());
    // Numbers beyond u64 and beyond f64.
    let errors = validate_bytes(b"{\"count_reopens\": 123456789012345678901234567890}").unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    assert!(validate_bytes(b"{\"count_reopens\": 1e400}").is_err());
    let errors = validate_bytes(b"{\"count_reopens\": 1.5e300}").unwrap();
    assert!(
        errors.is_empty(),
        "a whole number written with an exponent is an integer: {errors:?}"
    );
    // A long string and a long array.
    let long = format!(
        "{{\"type\": \"{}\", \"assigned_team_first_response_time\": [{}]}}",
        "x".repeat(10_000_000),
        vec!["{}"; 200_000].join(",")
    );
    assert!(validate_bytes(long.as_bytes()).unwrap().is_empty());
}

#[test]
fn a_value_nested_deeper_than_the_limit_is_an_error() {
    use intercom_tests::fixture_validators::references::validators;
    // Built by hand: the parser would refuse it. Not with `json!`, which
    // would copy it through a recursive serializer.
    let mut value = serde_json::json!({"leaf": 1});
    for _ in 0..100_000 {
        let mut object = serde_json::Map::new();
        object.insert("children".into(), Value::Array(vec![value]));
        value = Value::Object(object);
    }
    let errors = validators::validate_tree(&value);
    let verdict = validators::is_valid_tree(&value);
    // serde_json drops a Value recursively; this one is too deep for that.
    std::mem::forget(value);
    assert!(!verdict);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].keyword, "depth");
    assert!(errors[0].message.contains("deeper than 256 levels"));
}
