//! Writes the input of jsonschema-macros: the imported schema of the pinned
//! reference, as the workspace's bench gives it to the `jsonschema` crate,
//! and one `#[jsonschema::validator]` struct for each schema that an example
//! or a list of the bench is bound to.
//!
//! One change to the schema, for the macro only: a `format` beside a `type`
//! array without `"string"` (in 2.16, `type: [integer, null]` with
//! `format: date-time`, 32 places) is dropped, since the macro's code for it
//! does not compile (E0277, `bool | Value`). It asserts nothing there: the
//! formats this schema names constrain strings alone, so every verdict stays
//! what it was.

use std::collections::BTreeSet;
use std::path::PathBuf;

use intercom_codegen::pinned;
use proc_macro2::Literal;
use quote::{format_ident, quote};
use serde_json::Value;

/// Drops each `format` whose node's `type` is an array without `"string"`,
/// and returns how many it dropped.
fn drop_non_string_formats(node: &mut Value) -> usize {
    match node {
        Value::Object(object) => {
            let mut dropped = 0;
            let non_string = object
                .get("type")
                .and_then(Value::as_array)
                .is_some_and(|types| !types.iter().any(|t| t == "string"));
            if non_string && object.shift_remove("format").is_some() {
                dropped += 1;
            }
            dropped
                + object
                    .values_mut()
                    .map(drop_non_string_formats)
                    .sum::<usize>()
        }
        Value::Array(items) => items.iter_mut().map(drop_non_string_formats).sum(),
        _ => 0,
    }
}

/// `conversation_list` → `ConversationList`.
fn camel(name: &str) -> String {
    name.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = manifest.join("../..");
    // As `cargo xtask import` imports it: the schema our validators were made from.
    let pinned = pinned::import(&root).unwrap_or_else(|e| panic!("{e}"));
    let (path, imported) = (pinned.path, pinned.imported);
    println!("cargo::rerun-if-changed={}", path.display());
    println!("cargo::rerun-if-changed={}", root.join("reference/overlays").display());
    let mut schema = imported.schema;
    let dropped = drop_non_string_formats(&mut schema);
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let schema_path = out.join("macro_schema.json");
    std::fs::write(&schema_path, schema.to_string()).unwrap();

    // The examples name every schema the bench measures (the lists are
    // examples of `conversation_list` and `ticket_list` made longer).
    let names: BTreeSet<&str> = imported
        .examples
        .iter()
        .map(|e| e.schema.as_str())
        .filter(|name| schema["$defs"].get(*name).is_some())
        .collect();
    let schema_path = Literal::string(schema_path.to_str().expect("OUT_DIR is UTF-8"));
    let structs = names.iter().map(|name| {
        let ident = format_ident!("{}", camel(name));
        let root = Literal::string(&format!(r##"{{"$ref":"urn:bench#/$defs/{name}"}}"##));
        quote! {
            #[::jsonschema::validator(
                schema = #root,
                resources = { "urn:bench" => { path = #schema_path } },
                draft = Draft202012,
                validate_formats = true
            )]
            pub struct #ident;
        }
    });
    let entries = names.iter().map(|name| {
        let ident = format_ident!("{}", camel(name));
        quote! {
            MacroEntry {
                name: #name,
                is_valid: #ident::is_valid,
                count_errors: |value| #ident::iter_errors(value).count(),
            }
        }
    });
    let dropped = Literal::usize_unsuffixed(dropped);
    let code = quote! {
        /// How many `format`s the macro's copy of the schema lost (build.rs).
        pub const DROPPED_FORMATS: usize = #dropped;
        #(#structs)*
        /// One validator per schema, sorted by name.
        pub static MACROS: &[MacroEntry] = &[#(#entries),*];
    };
    std::fs::write(out.join("macros.rs"), code.to_string()).unwrap();
}
