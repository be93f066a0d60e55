//! Overlays: each fixture under `fixtures/overlays/` corrects the reference
//! beside it in one way. Snapshots show what the correction changes in the
//! imported schema and in the generated types; the tests below them show the
//! validator's verdict on a payload that uses it, before and after.

use std::path::Path;

use intercom_codegen::model::Model;
use intercom_codegen::{import, output, overlay, source, types};
use intercom_tests::fixture_overlays::{
    copy_schema, enum_value, reference, remove_property, unrequire, widen_type,
};
use intercom_tests::{fixture, fixture_name};
use quote::quote;
use serde_json::{Map, Value, json};

/// What `cargo xtask import --spec reference.yaml [--overlay OVERLAY]`
/// writes, with relative file names so that snapshots do not hold paths of
/// this machine.
fn import_overlaid(overlay_path: Option<&Path>) -> Value {
    let reference = fixture("overlays/reference.yaml");
    let bytes = std::fs::read(&reference).unwrap();
    let mut document =
        source::parse(Path::new("tests/fixtures/overlays/reference.yaml"), &bytes).unwrap();
    if let Some(path) = overlay_path {
        let name = Path::new("tests/fixtures/overlays").join(path.file_name().unwrap());
        let overlay = overlay::parse(&name, &std::fs::read(path).unwrap()).unwrap();
        let unmatched = overlay::apply(&mut document, &[overlay], true).unwrap();
        assert!(unmatched.is_empty());
    }
    let options = import::Options {
        selection: import::Selection::All,
        strict: true,
    };
    import::import(&document, &options).unwrap().schema
}

/// The type definitions (no impls) of the `$defs` entries in `names` and of
/// the inline types named after them.
fn type_definitions(schema: &Value, names: &[&str]) -> String {
    let model = Model::parse(schema).unwrap();
    let plan = types::plan(&model).unwrap();
    let rust_names: Vec<String> = plan
        .defs
        .iter()
        .filter(|(name, _)| names.contains(&name.as_str()))
        .map(|(_, id)| plan.get(*id).name.clone())
        .collect();
    definitions_where(&plan, |ident| {
        rust_names.iter().any(|name| ident.starts_with(name))
    })
}

/// The type definitions (no impls) of `plan` whose name `keep` accepts.
fn definitions_where(plan: &types::Plan, keep: impl Fn(&str) -> bool) -> String {
    let file: syn::File = syn::parse2(types::emit_items(plan)).unwrap();
    let items = file.items.into_iter().filter(|item| {
        let ident = match item {
            syn::Item::Struct(item) => &item.ident,
            syn::Item::Enum(item) => &item.ident,
            syn::Item::Type(item) => &item.ident,
            _ => return false,
        };
        keep(&ident.to_string())
    });
    output::render(quote!(#(#items)*), "tests/fixtures/overlays").unwrap()
}

#[test]
fn fixtures() {
    let before = import_overlaid(None);
    insta::glob!("../fixtures/overlays", "*.yaml", |path| {
        let name = fixture_name(path);
        let (schema, changed) = if name == "reference" {
            (before.clone(), before["$defs"].as_object().unwrap().clone())
        } else {
            let after = import_overlaid(Some(path));
            let mut changed = Map::new();
            let (old, new) = (&before["$defs"], &after["$defs"]);
            for (def, value) in new.as_object().unwrap() {
                if old.get(def) != Some(value) {
                    changed.insert(def.clone(), value.clone());
                }
            }
            for def in old.as_object().unwrap().keys() {
                if new.get(def).is_none() {
                    changed.insert(def.clone(), Value::Null);
                }
            }
            (after, changed)
        };
        let names: Vec<&str> = changed.keys().map(String::as_str).collect();
        let rendered = format!(
            "{}\n\n{}",
            serde_json::to_string_pretty(&json!({
                "overlays": schema["x-provenance"]["overlays"],
                "changed $defs": changed,
            }))
            .unwrap(),
            type_definitions(&schema, &names)
        );
        insta::with_settings!({
            description => std::fs::read_to_string(path).unwrap(),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(rendered);
        });
    });
}

/// A ticket payload as the live API sends it, with `fields` over a valid base.
fn ticket(fields: Value) -> Value {
    let mut payload = json!({"id": 1, "title": "Printer on fire", "state": "open"});
    for (key, value) in fields.as_object().unwrap() {
        payload[key] = value.clone();
    }
    payload
}

#[test]
fn widening_a_type_accepts_and_reads_an_id_sent_as_a_string() {
    let payload = ticket(json!({"id": "4211"}));
    assert!(!reference::validators::is_valid_ticket(&payload));
    assert!(serde_json::from_value::<reference::types::Ticket>(payload.clone()).is_err());
    assert!(widen_type::validators::is_valid_ticket(&payload));
    let read: widen_type::types::Ticket = serde_json::from_value(payload.clone()).unwrap();
    assert_eq!(read.id, widen_type::types::TicketId::String("4211".into()));
    assert_eq!(serde_json::to_value(&read).unwrap(), payload);
    // Integers still are ids.
    assert!(widen_type::validators::is_valid_ticket(&ticket(
        json!({"id": 7})
    )));
}

#[test]
fn removing_a_name_from_required_accepts_a_ticket_without_it() {
    let mut payload = ticket(json!({}));
    payload.as_object_mut().unwrap().remove("title");
    let errors = reference::validators::validate_ticket(&payload);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].keyword, "required");
    assert!(unrequire::validators::is_valid_ticket(&payload));
    let read: unrequire::types::Ticket = serde_json::from_value(payload.clone()).unwrap();
    assert_eq!(read.title, None);
    assert_eq!(serde_json::to_value(&read).unwrap(), payload);
}

#[test]
fn adding_an_enum_value_gives_it_a_variant() {
    let payload = ticket(json!({"state": "snoozed"}));
    let errors = reference::validators::validate_ticket(&payload);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].keyword, "enum");
    // Before, the lossless model kept it in the catch-all; now it is named.
    let before: reference::types::Ticket = serde_json::from_value(payload.clone()).unwrap();
    assert_eq!(
        before.state,
        Some(reference::types::TicketState::Other("snoozed".into()))
    );
    assert!(enum_value::validators::is_valid_ticket(&payload));
    let after: enum_value::types::Ticket = serde_json::from_value(payload.clone()).unwrap();
    assert_eq!(after.state, Some(enum_value::types::TicketState::Snoozed));
}

#[test]
fn removing_a_property_leaves_what_is_sent_under_its_name_to_extra() {
    let payload = ticket(json!({"legacy_code": "L-17"}));
    let errors = reference::validators::validate_ticket(&payload);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        errors[0].keyword_location,
        "#/$defs/ticket/properties/legacy_code/type"
    );
    assert!(remove_property::validators::is_valid_ticket(&payload));
    let read: remove_property::types::Ticket = serde_json::from_value(payload.clone()).unwrap();
    assert_eq!(read.extra.get("legacy_code"), Some(&json!("L-17")));
    assert_eq!(serde_json::to_value(&read).unwrap(), payload);
}

#[test]
fn copying_a_schema_gives_a_second_schema_and_type_of_the_same_shape() {
    assert!(reference::validators::schema("ticket_draft").is_none());
    let entry = copy_schema::validators::schema("ticket_draft").unwrap();
    assert_eq!(entry.rust_type, "TicketDraft");
    let payload = ticket(json!({}));
    assert!(copy_schema::validators::is_valid_ticket_draft(&payload));
    let missing_id = json!({"title": "x"});
    assert_eq!(
        copy_schema::validators::is_valid_ticket_draft(&missing_id),
        copy_schema::validators::is_valid_ticket(&missing_id)
    );
    assert!(!copy_schema::validators::is_valid_ticket_draft(&missing_id));
    let read: copy_schema::types::TicketDraft = serde_json::from_value(payload.clone()).unwrap();
    assert_eq!(serde_json::to_value(&read).unwrap(), payload);
}

#[test]
fn an_error_about_a_node_an_overlay_wrote_names_the_overlay() {
    let reference = fixture("overlays/reference.yaml");
    let mut document = source::load(&reference).unwrap();
    let path = fixture("overlays/bad/malformed_keyword.yaml");
    let overlay = overlay::load(&path).unwrap();
    overlay::apply(&mut document, &[overlay], false).unwrap();
    let options = import::Options {
        selection: import::Selection::All,
        strict: false,
    };
    let imported = import::import(&document, &options).unwrap();
    let warnings: Vec<String> = imported.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [format!(
            "{}:8:17: `required` must be a list of property names, found \"yes-please\"; the schema does not assert it (kept as `x-invalid-required`) (at #/components/schemas/ticket/properties/title/required)",
            path.display()
        )]
    );
}

/// The README's worked example, on the pinned reference.
#[test]
fn the_worked_example_widens_team_assignee_id_of_2_16() {
    let mut document = source::load(
        &intercom_codegen::pinned::reference(&intercom_tests::project_root()).unwrap(),
    )
    .unwrap();
    let path = fixture("overlays/intercom-2.16/team-assignee-id.yaml");
    let overlay = overlay::load(&path).unwrap();
    let unmatched = overlay::apply(&mut document, &[overlay], true).unwrap();
    assert!(unmatched.is_empty());
    let options = import::Options {
        selection: import::Selection::All,
        strict: false,
    };
    let schema = import::import(&document, &options).unwrap().schema;
    let property = &schema["$defs"]["conversation"]["properties"]["team_assignee_id"];
    assert_eq!(
        property["oneOf"],
        json!([{"type": "integer"}, {"type": "string", "pattern": "^[0-9]+$"}])
    );
    assert!(property.get("type").is_none());
    let model = Model::parse(&schema).unwrap();
    let plan = types::plan(&model).unwrap();
    let field = definitions_where(&plan, |ident| ident == "Conversation")
        .lines()
        .find(|line| line.contains("pub team_assignee_id"))
        .unwrap()
        .trim()
        .to_string();
    assert_eq!(
        field,
        "pub team_assignee_id: Option<ConversationTeamAssigneeId>,"
    );
    insta::assert_snapshot!(definitions_where(&plan, |ident| {
        ident == "ConversationTeamAssigneeId"
    }));
}
