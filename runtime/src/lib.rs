//! The run-time support of the generated crate (`generated/`): the pieces
//! generated code calls instead of repeating them in every type or validator,
//! and the few that the command lines (`cargo xtask`, `intercom-validate`)
//! share with it or with each other (`pointer`, `scan::position`, `suggest`,
//! `workflow`).

pub mod alternatives;
pub mod bytes;
pub mod check;
pub mod de;
pub mod document;
pub mod formats;
mod idna;
pub mod json;
pub mod nullable;
pub mod operations;
pub mod pointer;
pub mod scan;
pub mod ser;
pub mod suggest;
pub mod timestamp;
pub mod validate;
pub mod workflow;

/// A repeatable stream of pseudo-random numbers (xorshift64), for the
/// randomised tests that hold a fast way of doing a thing to a plain one.
#[cfg(test)]
pub(crate) fn xorshift(mut seed: u64) -> impl FnMut() -> u64 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    }
}

pub use nullable::Nullable;
pub use timestamp::Timestamp;
pub use validate::{Position, SchemaEntry, SyntaxError, ValidationError};
