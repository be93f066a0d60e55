//! The payloads the benchmarks measure the generated crate (`intercom-models`,
//! the whole pinned reference) on, as build.rs wrote them.

#![forbid(unsafe_code)]

pub use intercom_models::validators;

/// The reference the models come from, its imported schema, its examples
/// (`[schema, payload]`) and the large lists.
pub const PAYLOADS: &str = include_str!(concat!(env!("OUT_DIR"), "/payloads.json"));
