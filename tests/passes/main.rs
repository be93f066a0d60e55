//! Snapshot tests of each pass on the fixtures in tests/fixtures.

mod diff;
mod fuzz_corpora;
mod import;
mod operations;
mod overlays;
mod serde_impls;
mod types;
mod validators;
mod yaml_oracle;
