use std::path::Path;

use serde_json::json;

use super::*;
use crate::source::{self, Document};

const REFERENCE: &str = "\
openapi: 3.0.1
info:
  title: t
  version: '1'
components:
  schemas:
    ticket:
      type: object
      required: [id, title]
      properties:
        id:
          type: integer
        title:
          type: string
        state:
          type: string
          enum: [open, closed]
";

fn reference() -> Document {
    source::parse(Path::new("ref.yaml"), REFERENCE.as_bytes()).unwrap()
}

fn overlay(text: &str) -> Overlay {
    parse(Path::new("fix.yaml"), text.as_bytes()).unwrap()
}

fn overlay_error(text: &str) -> String {
    parse(Path::new("fix.yaml"), text.as_bytes())
        .unwrap_err()
        .to_string()
}

fn applied(text: &str) -> (Document, Vec<Unmatched>) {
    let mut doc = reference();
    let unmatched = apply(&mut doc, &[overlay(text)], false).unwrap();
    (doc, unmatched)
}

#[test]
fn update_merges_objects_concatenates_arrays_and_replaces_primitives() {
    let (doc, unmatched) = applied(
        "overlay: 1.0.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.components.schemas.ticket\n  description: states the API sends\n  update:\n    properties:\n      state:\n        enum: [snoozed]\n        description: new\n",
    );
    assert!(unmatched.is_empty());
    assert_eq!(
        doc.value
            .pointer("/components/schemas/ticket/properties/state"),
        Some(
            &json!({"type": "string", "enum": ["open", "closed", "snoozed"], "description": "new"})
        )
    );
    let applied = &doc.overlays[0];
    assert_eq!(applied.file, "fix.yaml");
    assert_eq!(applied.actions[0].matched, 1);
    assert_eq!(
        applied.actions[0].description.as_deref(),
        Some("states the API sends")
    );
}

#[test]
fn written_nodes_are_located_in_the_overlay() {
    let (doc, _) = applied(
        "overlay: 1.0.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.components.schemas.ticket.properties.id\n  update:\n    type: intger\n",
    );
    let (path, position) = doc.locate("/components/schemas/ticket/properties/id/type");
    assert_eq!(path, Path::new("fix.yaml"));
    assert_eq!(
        position,
        Some(Position {
            line: 6,
            column: 11
        })
    );
    // What the overlay did not touch is still placed in the reference.
    let (path, position) = doc.locate("/components/schemas/ticket/properties/title/type");
    assert_eq!(path, Path::new("ref.yaml"));
    assert_eq!(
        position,
        Some(Position {
            line: 14,
            column: 17
        })
    );
}

#[test]
fn remove_takes_names_out_of_arrays_and_moves_the_positions_behind() {
    let (doc, _) = applied(
        "overlay: 1.0.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.components.schemas.ticket.required[?@ == 'id']\n  remove: true\n",
    );
    assert_eq!(
        doc.value.pointer("/components/schemas/ticket/required"),
        Some(&json!(["title"]))
    );
    // `title` was the second item: it is now the first, at its own column.
    assert_eq!(
        doc.position("/components/schemas/ticket/required/0"),
        Some(Position {
            line: 9,
            column: 22
        })
    );
    assert_eq!(doc.position("/components/schemas/ticket/required/1"), None);
}

#[test]
fn remove_of_several_items_of_one_array() {
    let (doc, _) = applied(
        "overlay: 1.1.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.components.schemas.ticket.required[*]\n  remove: true\n",
    );
    assert_eq!(
        doc.value.pointer("/components/schemas/ticket/required"),
        Some(&json!([]))
    );
}

#[test]
fn copy_merges_the_one_source_node_into_the_target() {
    let (doc, _) = applied(
        "overlay: 1.1.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.components.schemas\n  update: {ticket_v2: {}}\n- target: $.components.schemas.ticket_v2\n  copy: $.components.schemas.ticket\n",
    );
    assert_eq!(
        doc.value.pointer("/components/schemas/ticket_v2"),
        doc.value.pointer("/components/schemas/ticket")
    );
    let (path, position) = doc.locate("/components/schemas/ticket_v2/properties/id/type");
    assert_eq!(path, Path::new("fix.yaml"));
    assert_eq!(position, Some(Position { line: 7, column: 9 }));
}

#[test]
fn copy_is_refused_in_an_overlay_1_0_document() {
    let error = overlay_error(
        "overlay: 1.0.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.a\n  copy: $.b\n",
    );
    assert!(
        error.starts_with("fix.yaml:5:9: `copy` is an action of Overlay 1.1"),
        "{error}"
    );
}

#[test]
fn an_unmatched_target_is_a_warning_and_under_strict_an_error() {
    let text = "overlay: 1.0.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.components.schemas.gone\n  description: a fix Intercom made\n  update: {type: string}\n";
    let (doc, unmatched) = applied(text);
    assert_eq!(doc.value, reference().value);
    assert_eq!(
        unmatched[0].to_string(),
        "fix.yaml:4:3: the target `$.components.schemas.gone` matches nothing (a fix Intercom made)"
    );
    assert_eq!(doc.overlays[0].actions[0].matched, 0);
    let error = apply(&mut reference(), &[overlay(text)], true).unwrap_err();
    assert!(
        error.to_string().ends_with("(an error under --strict)"),
        "{error}"
    );
}

#[test]
fn an_invalid_json_path_names_the_character() {
    let error = overlay_error(
        "overlay: 1.0.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.components[schemas\n  remove: true\n",
    );
    assert!(
        error.starts_with("fix.yaml:4:23: invalid JSONPath `$.components[schemas`: at character 13 of the expression:"),
        "{error}"
    );
    let quoted = overlay_error(
        "overlay: 1.0.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: '$..[?@.x =]'\n  remove: true\n",
    );
    assert!(quoted.starts_with("fix.yaml:4:"), "{quoted}");
}

#[test]
fn a_document_that_is_not_an_overlay_is_refused_with_its_position() {
    let error = overlay_error("openapi: 3.0.1\ninfo: {title: t, version: '1'}\n");
    assert!(
        error.starts_with("fix.yaml:1:1: not an Overlay document"),
        "{error}"
    );
    assert!(error.ends_with("`overlay` is missing"), "{error}");
    let error = overlay_error("overlay: 2.0.0\ninfo: {title: t, version: 1.0.0}\nactions: []\n");
    assert_eq!(
        error,
        "fix.yaml:1:10: unknown Overlay Specification version `2.0.0`: expected 1.0.x or 1.1.x"
    );
    let error = overlay_error("overlay: 1.0.0\ninfo: {title: t, version: 1.0.0}\nactions: []\n");
    assert_eq!(
        error,
        "fix.yaml:3:10: `actions` must hold at least one action"
    );
    let error = overlay_error(
        "overlay: 1.0.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.a\n  updates: {}\n",
    );
    assert!(
        error.starts_with("fix.yaml:5:12: unknown field `updates`"),
        "{error}"
    );
}

#[test]
fn an_incompatible_merge_is_an_error_naming_the_action() {
    let mut doc = reference();
    let error = apply(
        &mut doc,
        &[overlay(
            "overlay: 1.0.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.components.schemas.ticket\n  update: {required: {id: true}}\n",
        )],
        false,
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "fix.yaml:4:3: the action on `$.components.schemas.ticket` cannot be applied at #/components/schemas/ticket/required: cannot merge an object into an array (the specification calls this combination incompatible)"
    );
}

#[test]
fn a_primitive_target_is_replaced_and_mixed_targets_are_refused() {
    let (doc, _) = applied(
        "overlay: 1.1.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.components.schemas.ticket.properties.title.type\n  update: integer\n",
    );
    assert_eq!(
        doc.value
            .pointer("/components/schemas/ticket/properties/title/type"),
        Some(&json!("integer"))
    );
    let error = apply(
        &mut reference(),
        &[overlay(
            "overlay: 1.1.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.components.schemas.ticket[*]\n  update: {x: 1}\n",
        )],
        false,
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("selects nodes of different kinds"),
        "{error}"
    );
}

#[test]
fn a_copy_source_must_select_one_node() {
    let error = apply(
        &mut reference(),
        &[overlay(
            "overlay: 1.1.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.components.schemas.ticket\n  copy: $.components.schemas.ticket.properties.*\n",
        )],
        false,
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("selects 3 nodes; it must select exactly one"),
        "{error}"
    );
    let (doc, unmatched) = applied(
        "overlay: 1.1.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.components.schemas.ticket\n  copy: $.components.schemas.gone\n",
    );
    assert_eq!(doc.value, reference().value);
    assert_eq!(
        unmatched[0].to_string(),
        "fix.yaml:5:9: the copy source `$.components.schemas.gone` of the action on `$.components.schemas.ticket` matches nothing"
    );
}

#[test]
fn a_json_overlay_reads_as_a_yaml_one_does() {
    let json = overlay(
        "{\"overlay\": \"1.0.0\", \"info\": {\"title\": \"t\", \"version\": \"1\"},\n \"actions\": [{\"target\": \"$.info\", \"update\": {\"title\": \"u\"}}]}",
    );
    let mut doc = reference();
    apply(&mut doc, &[json], false).unwrap();
    assert_eq!(doc.value["info"]["title"], "u");
    assert_eq!(
        doc.locate("/info/title"),
        (
            PathBuf::from("fix.yaml"),
            Some(Position {
                line: 2,
                column: 55
            })
        )
    );
}

#[test]
fn the_folder_lists_overlays_in_file_name_order() {
    let root = tempfile::tempdir().unwrap();
    assert!(folder(root.path()).unwrap().is_empty());
    let dir = root.path().join(OVERLAY_DIR);
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["20-b.yaml", "README.md", "10-a.json", "3-c.yml"] {
        std::fs::write(dir.join(name), "").unwrap();
    }
    let names: Vec<String> = folder(root.path())
        .unwrap()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["10-a.json", "20-b.yaml", "3-c.yml"]);
}
