//! The passes of the Intercom schema toolkit, one module each:
//!
//! ```text
//! source   YAML or JSON, with the line and column of every node
//!   -> overlay  corrections (OpenAPI Overlay 1.0/1.1) applied to the reference
//!   -> import   OpenAPI 3.0 -> JSON Schema 2020-12 (what schema/ holds)
//!   -> model    every schema node typed, every $ref resolved
//!   -> types    the plan of Rust types (names, fields, variants), then tokens
//!   -> validators  a validating function per schema node, then tokens
//!   -> operations  the registry, routing and typed responses of x-operations
//!   -> output   tokens -> syn -> prettyplease -> files
//! generate     strings the passes together for `cargo xtask codegen`
//! pinned       the reference this repository pins, in reference/
//! schema_document  the envelope of schema/ (x-provenance, x-operations) as
//!              serde types: import writes it, model reads it back
//! ```
//!
//! `xtask` is a thin command-line shell over this crate; tests call it directly.

#![forbid(unsafe_code)]

pub mod diff;
pub mod docs;
pub mod generate;
pub mod import;
pub mod model;
pub mod operations;
pub mod output;
pub mod overlay;
pub mod pattern;
pub mod pinned;
pub mod schema_document;
pub mod source;
pub mod types;
pub mod validators;
