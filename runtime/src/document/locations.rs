//! Where a document's values are: the line and column of a byte, of a JSON
//! pointer, and the pointer of a node.

use super::{Document, tag};
use crate::pointer::{escape_token, unescape_token};
use crate::scan::{self, count};
use crate::validate::{Position, SyntaxError};

impl<'a> Document<'a> {
    /// The line and column where the value at the JSON pointer `pointer`
    /// starts; `None` when the document has no such value.
    pub fn position(&self, pointer: &str) -> Option<Position> {
        self.positions(&[pointer]).pop().flatten()
    }

    /// [`Document::position`] of each pointer, in one pass over the text
    /// however many there are.
    pub fn positions(&self, pointers: &[&str]) -> Vec<Option<Position>> {
        let mut positions: Vec<Option<Position>> = pointers
            .iter()
            .map(|p| self.offset(p).map(Position::unplaced))
            .collect();
        self.place(positions.iter_mut().flatten());
        positions
    }

    /// Turns byte offsets ([`Position::unplaced`]) into lines and columns,
    /// in one pass over the text.
    pub(crate) fn place<'p>(&self, positions: impl Iterator<Item = &'p mut Position>) {
        let mut unplaced: Vec<&mut Position> = positions.filter(|p| p.offset().is_some()).collect();
        unplaced.sort_by_key(|p| p.column);
        let mut cursor = Cursor {
            ascii: self.ascii,
            multiline: self.multiline,
            ..Cursor::start()
        };
        for position in unplaced {
            let offset = position.column as usize;
            *position = cursor.advance_to(self.bytes, offset);
        }
    }

    /// The byte where the value at `pointer` starts.
    pub(super) fn offset(&self, pointer: &str) -> Option<usize> {
        let mut at = 0;
        if !pointer.is_empty() {
            for token in pointer.strip_prefix('/')?.split('/') {
                let token = unescape_token(token);
                let node = self.nodes[at];
                at = match node.tag {
                    tag::OBJECT => {
                        let end = node.high();
                        let mut member = at + 1;
                        loop {
                            if member >= end {
                                return None;
                            }
                            if self.string(member) == token {
                                break member + 1;
                            }
                            member = self.after(member + 1);
                        }
                    }
                    tag::ARRAY => {
                        let index: usize = token.parse().ok().filter(|i| *i < node.low())?;
                        (0..index).fold(at + 1, |item, _| self.after(item))
                    }
                    _ => return None,
                };
            }
        }
        Some(self.nodes[at].start as usize)
    }

    /// The JSON pointer of the value whose node is at `target`: down from
    /// the root, into the member or item whose nodes hold it.
    pub(super) fn pointer(&self, target: usize) -> String {
        use std::fmt::Write;
        let mut pointer = String::new();
        let mut at = 0;
        while at < target {
            let node = self.nodes[at];
            let mut child = at + 1;
            match node.tag {
                tag::OBJECT => loop {
                    let value = child + 1;
                    let next = self.after(value);
                    if target < next || next >= node.high() {
                        pointer.push('/');
                        pointer.push_str(&escape_token(self.string(child)));
                        at = value;
                        break;
                    }
                    child = next;
                },
                tag::ARRAY => {
                    let mut index = 0;
                    loop {
                        let next = self.after(child);
                        if target < next || next >= node.high() {
                            let _ = write!(pointer, "/{index}");
                            at = child;
                            break;
                        }
                        child = next;
                        index += 1;
                    }
                }
                // Only containers hold other nodes.
                _ => break,
            }
        }
        pointer
    }
}

/// A place in a text with its line and column (in characters, from 1).
pub(super) struct Cursor {
    pub(super) at: usize,
    pub(super) line: u64,
    pub(super) column: u64,
    /// What is known of the text: where it is ASCII a character is a byte,
    /// and where it has no newline the line is 1 throughout.
    pub(super) ascii: bool,
    pub(super) multiline: bool,
}

impl Cursor {
    pub(super) fn start() -> Cursor {
        Cursor {
            at: 0,
            line: 1,
            column: 1,
            ascii: false,
            multiline: true,
        }
    }

    pub(super) fn advance_to(&mut self, bytes: &[u8], target: usize) -> Position {
        let target = target.clamp(self.at, bytes.len());
        let run = &bytes[self.at..target];
        let (characters, newlines) = match (self.ascii, self.multiline) {
            (true, false) => (run.len() as u64, 0),
            (true, true) => (
                run.len() as u64,
                run.iter().filter(|byte| **byte == b'\n').count() as u64,
            ),
            (false, _) => count(run),
        };
        if newlines == 0 {
            self.column += characters;
        } else {
            let last = run.iter().rposition(|byte| *byte == b'\n').unwrap_or(0);
            self.line += newlines;
            let tail = &run[last + 1..];
            self.column = 1 + if self.ascii {
                tail.len() as u64
            } else {
                count(tail).0
            };
        }
        self.at = target;
        Position {
            line: self.line,
            column: self.column,
        }
    }
}

/// The error at byte `at` of `bytes`, with its line and column.
pub(super) fn syntax_error(bytes: &[u8], at: usize, message: String) -> SyntaxError {
    SyntaxError {
        message,
        position: scan::position(bytes, at),
    }
}
