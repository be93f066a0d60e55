//! Rust types from the typed model, in two steps. [`plan`] decides every type,
//! field and variant and its name; [`emit`] turns the plan into tokens. The
//! plan is public because `cargo xtask diff` reports changes in the names and
//! types codegen really emits, and reads them here rather than guessing.
//!
//! The mapping (DESIGN.md, "Rust types"):
//! - an object is a struct that keeps unknown properties in `extra`;
//! - a string or integer `enum` is an enum with a catch-all variant;
//! - `oneOf`/`anyOf` of real alternatives is an enum whose deserializer picks
//!   the alternative that reads the value back exactly, guided by the
//!   discriminator or a constant `type`; alternatives that only list `required`
//!   properties are a constraint for the validator and shape no type;
//! - `allOf` is merged; a by-value cycle is broken with `Box`;
//! - optional is `Option<T>`, nullable and optional is `Option<Nullable<T>>`;
//! - `integer` with `format: date-time` or `timestamp` is a `Timestamp`,
//!   `number` is a `serde_json::Number` so `0` stays `0`.
//!
//! ```text
//! ir           the plan: types, fields, variants, Rust types
//! shape        what a schema node means for its type
//! planner      the plan of a model, names included
//! naming       recase, and the scopes that keep names apart
//! cycles       boxing the references that close a cycle
//! emit         the plan as tokens
//! serde_impls  the Serialize and Deserialize impls of structs and enums
//! ```

mod cycles;
mod emit;
mod ir;
mod naming;
mod planner;
mod serde_impls;
mod shape;

use crate::model::{Model, NodeId, display_pointer};

pub use emit::{emit, emit_file_docs, emit_items, emit_types};
pub use ir::{
    Alternative, AlternativesDef, EnumDef, EnumVariant, Extra, Field, Plan, RustType, StructDef,
    TypeDef, TypeId, TypeKind,
};
pub use planner::plan;

/// A construct codegen cannot map to a type without losing its meaning.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: `{keyword}`: {message}", display_pointer(pointer))]
pub struct CodegenError {
    pub pointer: String,
    pub keyword: String,
    pub message: String,
}

impl CodegenError {
    /// An error about `keyword` at the place of `node`.
    fn at(model: &Model, node: NodeId, keyword: &str, message: impl Into<String>) -> Self {
        CodegenError {
            pointer: model.node(node).pointer.clone(),
            keyword: keyword.to_owned(),
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests;
