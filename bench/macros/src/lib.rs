//! jsonschema-macros validators of the schemas the bench measures, written
//! by build.rs: one struct per schema, each compiled by the macro from the
//! imported schema with a root `$ref` to that schema's `$defs` entry.

#![forbid(unsafe_code)]

use serde_json::Value;

/// A compile-time validator of one schema.
pub struct MacroEntry {
    pub name: &'static str,
    /// The verdict alone.
    pub is_valid: fn(&Value) -> bool,
    /// How many errors `iter_errors` yields, all of them walked.
    pub count_errors: fn(&Value) -> usize,
}

include!(concat!(env!("OUT_DIR"), "/macros.rs"));

/// The validator of the schema named `name`.
pub fn macro_validator(name: &str) -> Option<&'static MacroEntry> {
    MACROS
        .binary_search_by(|entry| entry.name.cmp(name))
        .ok()
        .map(|i| &MACROS[i])
}
