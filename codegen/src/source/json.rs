//! JSON: serde_json's value, and the position of each of its nodes.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use super::{LoadError, Position, escape_pointer_token};

pub(super) fn parse_json(
    path: &Path,
    text: &str,
) -> Result<(Value, HashMap<String, Position>), LoadError> {
    let value: Value = serde_json::from_str(text).map_err(|error| LoadError::Syntax {
        path: path.to_path_buf(),
        position: Position {
            line: error.line(),
            column: error.column(),
        },
        message: format!("invalid JSON: {}", strip_serde_position(&error.to_string())),
    })?;
    let mut positions = HashMap::new();
    let mut indexer = JsonIndexer {
        text: text.as_bytes(),
        offset: 0,
        line: 1,
        line_start: 0,
        counted: (0, 0),
        positions: &mut positions,
    };
    indexer.value(String::new());
    Ok((value, positions))
}

/// serde_json appends " at line L column C" to its messages; we print the
/// position ourselves in the `file:line:column:` prefix.
fn strip_serde_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

/// Walks JSON text that serde_json has already accepted and records where each
/// node starts. It trusts the syntax, so it never has to report an error.
struct JsonIndexer<'a> {
    text: &'a [u8],
    offset: usize,
    line: usize,
    line_start: usize,
    /// The characters of the current line before a byte offset in it, as
    /// last counted: each position counts on from there, so a document on
    /// one long line (as minified JSON is) is not counted again per value.
    counted: (usize, usize),
    positions: &'a mut HashMap<String, Position>,
}

impl JsonIndexer<'_> {
    fn skip_blank(&mut self) {
        while let Some(&b) = self.text.get(self.offset) {
            match b {
                b'\n' => {
                    self.offset += 1;
                    self.line += 1;
                    self.line_start = self.offset;
                }
                b' ' | b'\t' | b'\r' => self.offset += 1,
                _ => break,
            }
        }
    }

    fn position(&mut self) -> Position {
        let (mut from, mut chars) = self.counted;
        if from < self.line_start || from > self.offset {
            (from, chars) = (self.line_start, 0);
        }
        // The text is UTF-8: a character is a byte that does not continue one.
        chars += self.text[from..self.offset]
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count();
        self.counted = (self.offset, chars);
        Position {
            line: self.line,
            column: chars + 1,
        }
    }

    fn value(&mut self, pointer: String) {
        self.skip_blank();
        let position = self.position();
        self.positions.insert(pointer.clone(), position);
        match self.text.get(self.offset) {
            Some(b'{') => {
                self.offset += 1;
                loop {
                    self.skip_blank();
                    match self.text.get(self.offset) {
                        Some(b'}') => {
                            self.offset += 1;
                            return;
                        }
                        Some(b',') => self.offset += 1,
                        Some(b'"') => {
                            let key = self.string();
                            self.skip_blank();
                            self.offset += 1; // the colon
                            self.value(format!("{pointer}/{}", escape_pointer_token(&key)));
                        }
                        _ => return,
                    }
                }
            }
            Some(b'[') => {
                self.offset += 1;
                let mut index = 0usize;
                loop {
                    self.skip_blank();
                    match self.text.get(self.offset) {
                        Some(b']') => {
                            self.offset += 1;
                            return;
                        }
                        Some(b',') => self.offset += 1,
                        Some(_) => {
                            self.value(format!("{pointer}/{index}"));
                            index += 1;
                        }
                        None => return,
                    }
                }
            }
            Some(b'"') => {
                self.string();
            }
            Some(_) => {
                while let Some(&b) = self.text.get(self.offset) {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n') {
                        break;
                    }
                    self.offset += 1;
                }
            }
            None => {}
        }
    }

    /// Consumes a string token and returns its decoded text.
    fn string(&mut self) -> String {
        let start = self.offset;
        self.offset += 1;
        while let Some(&b) = self.text.get(self.offset) {
            self.offset += 1;
            match b {
                b'\\' => self.offset += 1,
                b'"' => break,
                _ => {}
            }
        }
        let token = std::str::from_utf8(&self.text[start..self.offset]).unwrap_or("\"\"");
        serde_json::from_str(token).unwrap_or_default()
    }
}
