//! Validating a payload given as bytes: parse, validate, and give each error
//! the line and column where its value starts.
//!
//! The payload is parsed into a [`Document`] (flat, borrowing its strings
//! from the bytes) rather than a `serde_json::Value`, and the generated walk
//! runs on that. The document knows where each of its values starts, and
//! the walk notes it in each error it records, so every error's line and
//! column come from one pass over the text.

use crate::document::{Document, Item};
use crate::validate::{Position, SyntaxError, ValidationError};

/// Parses `bytes` as one JSON document and validates it with `validate`.
///
/// `validate` is a function pointer so that this, the parse and the buffers'
/// reuse are compiled once, not once per schema of the generated crate.
pub fn validate_bytes(
    bytes: &[u8],
    validate: for<'d> fn(Item<'d>) -> Vec<ValidationError>,
) -> Result<Vec<ValidationError>, SyntaxError> {
    Document::with(bytes, |document| {
        let mut errors = validate(document.root());
        if !errors.is_empty() {
            place(document, &mut errors);
        }
        errors
    })
}

/// Gives every error (and those in its context) the line and column of its
/// value: the walk left each the byte where its value starts.
fn place(document: &Document<'_>, errors: &mut [ValidationError]) {
    fn positions<'e>(errors: &'e mut [ValidationError], into: &mut Vec<&'e mut Position>) {
        for error in errors {
            if let Some(position) = &mut error.position {
                into.push(position);
            }
            positions(&mut error.context, into);
        }
    }
    let mut all = Vec::new();
    positions(errors, &mut all);
    document.place(all.into_iter());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_know_where_each_value_starts() {
        let text = b"{\n  \"a\": [1, {\"b~/c\": \"x\"}],\n  \"d\": {\"e\": null}\n}";
        let mut buffers = crate::document::Buffers::default();
        let document = Document::parse(text, &mut buffers).unwrap();
        let locate = |pointer: &str| document.position(pointer);
        assert_eq!(locate(""), Some(Position { line: 1, column: 1 }));
        assert_eq!(
            locate("/a/1/b~0~1c"),
            Some(Position {
                line: 2,
                column: 21
            })
        );
        assert_eq!(
            locate("/d/e"),
            Some(Position {
                line: 3,
                column: 14
            })
        );
        assert_eq!(locate("/missing"), None);
        assert_eq!(
            document.positions(&["/d/e", "/missing", "", "/a/1/b~0~1c"]),
            [
                Some(Position {
                    line: 3,
                    column: 14
                }),
                None,
                Some(Position { line: 1, column: 1 }),
                Some(Position {
                    line: 2,
                    column: 21
                }),
            ],
            "the positions of several pointers, in the order asked"
        );
        assert_eq!(locate("/a/2"), None);
        assert_eq!(locate("/a/x"), None);
        assert_eq!(locate("/d/e/f"), None);
        let escaped = "{\"\\u0061\": 1, \"\u{e9}\": 2}".as_bytes();
        let mut buffers = crate::document::Buffers::default();
        let document = Document::parse(escaped, &mut buffers).unwrap();
        let locate = |pointer: &str| document.position(pointer);
        assert_eq!(
            locate("/a"),
            Some(Position {
                line: 1,
                column: 12
            })
        );
        assert_eq!(
            locate("/\u{e9}"),
            Some(Position {
                line: 1,
                column: 20
            })
        );
    }

    #[test]
    fn syntax_errors_carry_their_position() {
        let error = validate_bytes(b"{\n  \"a\": tru }", |_| Vec::new()).unwrap_err();
        assert_eq!(
            error.position,
            Position {
                line: 2,
                column: 11
            }
        );
        let deep = "[".repeat(100_000);
        let error = validate_bytes(deep.as_bytes(), |_| Vec::new()).unwrap_err();
        assert!(
            error.message.contains("recursion limit"),
            "{}",
            error.message
        );
        let error = validate_bytes(b"\"\xff\"", |_| Vec::new()).unwrap_err();
        assert_eq!(error.position.line, 1);
    }
}
