//! Snapshot tests of each pass on the fixtures in tests/fixtures.

mod import;
mod types;
mod validators;
