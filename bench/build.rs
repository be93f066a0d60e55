//! Generates the types and validators of a whole reference version (the
//! newest in ../shared/reference/intercom-openapi, or the checked-in schema/
//! when ../shared is not there) and the payloads to measure them on: every
//! example bound to a `$defs` entry, and two lists of 1,000 items.

use std::path::PathBuf;

use intercom_codegen::import::{self, Options, Selection};
use intercom_codegen::model::Model;
use intercom_codegen::{generate, output, source, types};
use quote::quote;
use serde_json::{Value, json};

/// A list payload of `count` items, made from the largest example of `list`
/// by repeating the items of its first non-empty array property.
fn large_list(examples: &[(String, Value)], list: &str, count: usize) -> Option<Value> {
    let example = examples
        .iter()
        .filter(|(schema, _)| schema == list)
        .map(|(_, value)| value)
        .max_by_key(|value| value.to_string().len())?;
    let mut payload = example.clone();
    let object = payload.as_object_mut()?;
    let (_, items) = object
        .iter_mut()
        .find(|(_, v)| v.as_array().is_some_and(|a| !a.is_empty()))?;
    let seed = items.as_array()?.clone();
    *items = Value::Array((0..count).map(|i| seed[i % seed.len()].clone()).collect());
    Some(payload)
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("..");
    let (label, schema, mut payloads) =
        match source::newest_version(&root.join("../shared/reference/intercom-openapi")) {
            Some(path) => {
                println!("cargo::rerun-if-changed={}", path.display());
                let document = source::load(&path).expect("the reference loads");
                let options = Options {
                    selection: Selection::All,
                    strict: false,
                };
                let imported = import::import(&document, &options).expect("the reference imports");
                let payloads: Vec<(String, Value)> = imported
                    .examples
                    .iter()
                    .map(|e| (e.schema.clone(), e.value.clone()))
                    .collect();
                (path.display().to_string(), imported.schema, payloads)
            }
            None => {
                let path = root.join("schema/intercom.schema.json");
                println!("cargo::rerun-if-changed={}", path.display());
                let text = std::fs::read_to_string(&path).expect("schema/ is checked in");
                let schema: Value = serde_json::from_str(&text).expect("schema/ is JSON");
                let payloads = ["conversation_statistics", "convert_visitor_request"]
                    .iter()
                    .filter_map(|name| {
                        let example = schema["$defs"][name]["examples"].get(0)?.clone();
                        Some((name.to_string(), example))
                    })
                    .collect();
                ("schema/".to_owned(), schema, payloads)
            }
        };
    let mut lists = Vec::new();
    for list in ["conversation_list", "ticket_list"] {
        if let Some(payload) = large_list(&payloads, list, 1000) {
            lists.push((list.to_owned(), payload));
        }
    }
    payloads.sort_by(|a, b| a.0.cmp(&b.0));

    let model = Model::parse(&schema).expect("the schema models");
    let plan = types::plan(&model).expect("the schema plans");
    let types = types::emit_items(&plan);
    let validators = generate::validators_items(&model, &plan).expect("validators generate");
    let tokens = quote! {
        #[allow(clippy::all, dead_code, deprecated)]
        pub mod types { #types }
        #[allow(clippy::all, dead_code)]
        pub mod validators { #validators }
    };
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    std::fs::write(
        out.join("models.rs"),
        output::render(tokens, &label).expect("renders"),
    )
    .unwrap();
    let data = json!({
        "reference": label,
        "schema": schema,
        "examples": payloads,
        "lists": lists,
    });
    std::fs::write(out.join("payloads.json"), data.to_string()).unwrap();
}
