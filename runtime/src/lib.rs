//! The run-time support of the generated crate (`generated/`): the pieces
//! generated code calls instead of repeating them in every type or validator.

pub mod validate;

pub use validate::{Position, SchemaEntry, SyntaxError, ValidationError};
