//! The passes of the Intercom schema toolkit, one module each:
//!
//! ```text
//! source   YAML or JSON, with the line and column of every node
//!   -> import   OpenAPI 3.0 -> JSON Schema 2020-12 (what schema/ holds)
//!   -> model    every schema node typed, every $ref resolved
//! ```
//!
//! `xtask` is a thin command-line shell over this crate; tests call it directly.

pub mod diff;
pub mod import;
pub mod model;
pub mod pattern;
pub mod source;
