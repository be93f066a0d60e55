//! What a validation reports. Generated validators (in `generated/`) produce
//! these; `intercom-validate` and the xtask checks consume them. The walking
//! itself lives in generated code and in the support modules next to this one.

use std::fmt;

/// Line and column (both from 1) of a value in the input it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub line: u64,
    pub column: u64,
}

impl Position {
    /// The byte offset of a value in a document, before its line and column
    /// are known: line 0 never occurs in a real position.
    pub(crate) fn unplaced(offset: usize) -> Position {
        Position {
            line: 0,
            column: offset as u64,
        }
    }

    /// The byte offset of an [`unplaced`](Position::unplaced) position.
    pub(crate) fn offset(self) -> Option<usize> {
        (self.line == 0).then_some(self.column as usize)
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// One way in which a payload fails its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// JSON pointer to the failing value in the payload; empty for the payload itself.
    pub instance_location: String,
    /// Where the failing keyword stands in `schema/`, as a URI fragment:
    /// `#/$defs/ticket/properties/state/enum`.
    pub keyword_location: &'static str,
    /// The failing keyword, e.g. `enum`, `required`, `anyOf`.
    pub keyword: &'static str,
    /// What was expected and what was found, for a person to read.
    pub message: String,
    /// Where the failing value starts, when validating from bytes.
    pub position: Option<Position>,
    /// For an `anyOf`/`oneOf` that no alternative matches: the errors of the
    /// closest alternative, so one wrong field gives one error, not one per branch.
    pub context: Vec<ValidationError>,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.instance_location.is_empty() {
            "(root)"
        } else {
            &self.instance_location
        };
        write!(f, "{pointer}: {} ({})", self.message, self.keyword_location)
    }
}

/// Input that is not JSON at all (or too deep to be walked): no verdict is possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub position: Position,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.position, self.message)
    }
}

impl std::error::Error for SyntaxError {}

/// One schema of the generated crate, as its registry lists it. The generated
/// crate exports them sorted by name; `intercom-validate` and the xtask
/// checks look schemas up there.
#[derive(Clone, Copy)]
pub struct SchemaEntry {
    /// The name in `schema/` (`$defs`), e.g. `conversation_statistics`.
    pub name: &'static str,
    /// The generated Rust type for it, e.g. `ConversationStatistics`.
    pub rust_type: &'static str,
    /// Every error of a parsed payload.
    pub validate_value: fn(&serde_json::Value) -> Vec<ValidationError>,
    /// The verdict alone, stopping at the first error.
    pub is_valid: fn(&serde_json::Value) -> bool,
    /// Every error of a payload given as bytes, each with its line and column,
    /// walked on a flat parse that borrows from the bytes (no `serde_json::Value`).
    pub validate_bytes: fn(&[u8]) -> Result<Vec<ValidationError>, SyntaxError>,
}

impl fmt::Debug for SchemaEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SchemaEntry")
            .field("name", &self.name)
            .field("rust_type", &self.rust_type)
            .finish_non_exhaustive()
    }
}
