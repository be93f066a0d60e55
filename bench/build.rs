//! The payloads the benchmarks measure `intercom-models` (the generated
//! crate of the pinned reference) on: every example of the pinned reference
//! bound to a `$defs` entry, and two lists of 1,000 items, with the imported
//! schema for the jsonschema crate.

use std::path::PathBuf;

use intercom_codegen::pinned;
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
    // As `cargo xtask import` imports it: the schema the generated crate was made from.
    let pinned = pinned::import(&root).unwrap_or_else(|e| panic!("{e}"));
    let (path, imported) = (pinned.path, pinned.imported);
    println!("cargo::rerun-if-changed={}", path.display());
    println!(
        "cargo::rerun-if-changed={}",
        root.join("reference/overlays").display()
    );
    let mut payloads: Vec<(String, Value)> = imported
        .examples
        .iter()
        .map(|e| (e.schema.clone(), e.value.clone()))
        .collect();
    let mut lists = Vec::new();
    for list in ["conversation_list", "ticket_list"] {
        if let Some(payload) = large_list(&payloads, list, 1000) {
            lists.push((list.to_owned(), payload));
        }
    }
    payloads.sort_by(|a, b| a.0.cmp(&b.0));
    let label = path
        .strip_prefix(&root)
        .unwrap_or(&path)
        .display()
        .to_string();
    let data = json!({
        "reference": label,
        "schema": imported.schema,
        "examples": payloads,
        "lists": lists,
    });
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    std::fs::write(out.join("payloads.json"), data.to_string()).unwrap();
}
