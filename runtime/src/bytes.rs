//! Validating a payload given as bytes: parse, validate, and give each error
//! the line and column where its value starts.
//!
//! The payload is parsed into a [`Document`] (flat, borrowing its strings
//! from the bytes) rather than a `serde_json::Value`, and the generated walk
//! runs on that. The positions come from a second, allocation-free scan that
//! only runs when there are errors to place.

use crate::document::{Document, Item};
use crate::validate::{Position, SyntaxError, ValidationError};

/// Parses `bytes` as one JSON document and validates it with `validate`.
pub fn validate_bytes(
    bytes: &[u8],
    validate: impl for<'d> FnOnce(Item<'d>) -> Vec<ValidationError>,
) -> Result<Vec<ValidationError>, SyntaxError> {
    let document = Document::parse(bytes)?;
    let mut errors = validate(document.root());
    place(bytes, &mut errors);
    Ok(errors)
}

/// A serde_json error as a syntax error with its position.
pub fn syntax_error(error: &serde_json::Error) -> SyntaxError {
    let message = error.to_string();
    // serde_json appends " at line L column C"; the position carries it.
    let message = match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message,
    };
    SyntaxError {
        message,
        position: Position {
            line: error.line() as u64,
            column: error.column() as u64,
        },
    }
}

/// Gives every error (and those in its context) the position of its value.
pub fn place(bytes: &[u8], errors: &mut [ValidationError]) {
    for error in errors {
        error.position = locate(bytes, &error.instance_location);
        place(bytes, &mut error.context);
    }
}

/// Where the value at `pointer` starts in the JSON text `bytes`.
pub fn locate(bytes: &[u8], pointer: &str) -> Option<Position> {
    let mut scanner = Scanner { bytes, at: 0 };
    scanner.skip_whitespace();
    if !pointer.is_empty() {
        for token in pointer.strip_prefix('/')?.split('/') {
            let token = token.replace("~1", "/").replace("~0", "~");
            scanner.enter(&token)?;
        }
    }
    Some(scanner.position())
}

struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn position(&self) -> Position {
        let before = &self.bytes[..self.at.min(self.bytes.len())];
        let line = before.iter().filter(|b| **b == b'\n').count() as u64 + 1;
        let line_start = before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        // Characters, not bytes: every byte that does not continue a UTF-8 sequence.
        let column = before[line_start..]
            .iter()
            .filter(|b| (**b & 0xC0) != 0x80)
            .count() as u64
            + 1;
        Position { line, column }
    }

    /// Moves from the value here to its member `token`.
    fn enter(&mut self, token: &str) -> Option<()> {
        match self.peek()? {
            b'{' => {
                self.at += 1;
                loop {
                    self.skip_whitespace();
                    if self.peek()? == b'}' {
                        return None;
                    }
                    let is_token = self.key_is(token)?;
                    self.skip_whitespace();
                    (self.peek()? == b':').then_some(())?;
                    self.at += 1;
                    self.skip_whitespace();
                    if is_token {
                        return Some(());
                    }
                    self.skip_value()?;
                    self.skip_whitespace();
                    if self.peek()? == b',' {
                        self.at += 1;
                    }
                }
            }
            b'[' => {
                let index: usize = token.parse().ok()?;
                self.at += 1;
                for _ in 0..index {
                    self.skip_whitespace();
                    self.skip_value()?;
                    self.skip_whitespace();
                    (self.peek()? == b',').then_some(())?;
                    self.at += 1;
                }
                self.skip_whitespace();
                Some(())
            }
            _ => None,
        }
    }

    /// Whether the key here is `token`; a key without escapes is compared
    /// as it stands, without decoding it.
    fn key_is(&mut self, token: &str) -> Option<bool> {
        let start = self.at;
        self.skip_string()?;
        let quoted = &self.bytes[start..self.at];
        let inner = &quoted[1..quoted.len() - 1];
        if !inner.contains(&b'\\') {
            return Some(inner == token.as_bytes());
        }
        let key: String = serde_json::from_slice(quoted).ok()?;
        Some(key == token)
    }

    fn skip_string(&mut self) -> Option<()> {
        (self.peek()? == b'"').then_some(())?;
        self.at += 1;
        loop {
            match self.peek()? {
                b'"' => {
                    self.at += 1;
                    return Some(());
                }
                b'\\' => self.at += 2,
                _ => self.at += 1,
            }
        }
    }

    /// Skips one value; nesting is counted, not recursed into.
    fn skip_value(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            self.skip_whitespace();
            match self.peek()? {
                b'"' => self.skip_string()?,
                b'{' | b'[' => {
                    depth += 1;
                    self.at += 1;
                    continue;
                }
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    self.at += 1;
                }
                b',' | b':' if depth > 0 => {
                    self.at += 1;
                    continue;
                }
                _ => {
                    while self.peek().is_some_and(|b| {
                        !matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                    }) {
                        self.at += 1;
                    }
                }
            }
            if depth == 0 {
                return Some(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_values_by_pointer() {
        let text = b"{\n  \"a\": [1, {\"b~/c\": \"x\"}],\n  \"d\": {\"e\": null}\n}";
        assert_eq!(locate(text, ""), Some(Position { line: 1, column: 1 }));
        assert_eq!(
            locate(text, "/a/1/b~0~1c"),
            Some(Position {
                line: 2,
                column: 21
            })
        );
        assert_eq!(
            locate(text, "/d/e"),
            Some(Position {
                line: 3,
                column: 14
            })
        );
        assert_eq!(locate(text, "/missing"), None);
        let escaped = "{\"\\u0061\": 1, \"\u{e9}\": 2}".as_bytes();
        assert_eq!(
            locate(escaped, "/a"),
            Some(Position {
                line: 1,
                column: 12
            })
        );
        assert_eq!(
            locate(escaped, "/\u{e9}"),
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
