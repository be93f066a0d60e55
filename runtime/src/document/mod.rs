//! The bytes path's parse: one flat vector of small fixed-size nodes that
//! point into the input, instead of a `serde_json::Value` tree with a heap
//! allocation per string, key and container. Generated validators walk it
//! through [`Json`](crate::json::Json), the same code that walks a `Value`.
//!
//! A node is 16 bytes: what it is, where it starts in the input, and one
//! word of data. UTF-8 is checked only in strings with bytes beyond ASCII,
//! as the scan for their end finds them: outside strings, JSON is ASCII. Containers record where they end, so stepping over a member
//! is one index read. Strings without escapes are read from the input; only
//! strings with escapes are decoded, into one buffer for the document.
//!
//! Here: the nodes, the buffers and [`Document`] itself; `parser` fills
//! them, `text` steps over runs of plain bytes for it, `item` gives the
//! views validators walk, and `locations` turns bytes and pointers into
//! lines and columns.

use std::cell::Cell;

use crate::validate::{Position, SyntaxError};

mod item;
mod locations;
mod parser;
#[cfg(test)]
mod tests;
mod text;

pub use item::{Item, Items, Members};
use parser::Parser;

/// How deeply containers may nest: `serde_json`'s limit, so both paths refuse
/// the same payloads.
pub const MAX_NESTING: usize = 128;

/// What a node is.
mod tag {
    pub const NULL: u8 = 0;
    pub const FALSE: u8 = 1;
    pub const TRUE: u8 = 2;
    pub const UINT: u8 = 3;
    pub const INT: u8 = 4;
    pub const FLOAT: u8 = 5;
    /// A string read from the input as it stands.
    pub const STRING: u8 = 6;
    /// A string with escapes, decoded into the document's buffer.
    pub const ESCAPED: u8 = 7;
    pub const ARRAY: u8 = 8;
    pub const OBJECT: u8 = 9;
}

#[derive(Debug, Clone, Copy)]
struct Node {
    tag: u8,
    /// Where the value starts in the input (a key: its opening quote).
    start: u32,
    /// `STRING`: its length in bytes; `ESCAPED`: where it starts in the
    /// buffer (high half) and its length (low half); numbers: their bits;
    /// containers: the index just past their last node (high half) and how
    /// many members or items they have (low half). An object's members are
    /// a key node followed by the value's nodes.
    data: u64,
}

impl Node {
    #[inline]
    fn high(self) -> usize {
        (self.data >> 32) as usize
    }

    #[inline]
    fn low(self) -> usize {
        (self.data & 0xFFFF_FFFF) as usize
    }
}

#[inline]
fn halves(high: usize, low: usize) -> u64 {
    ((high as u64) << 32) | low as u64
}

/// The largest input a document can hold: node data keeps offsets in 32 bits.
pub const MAX_INPUT: usize = u32::MAX as usize;

/// The buffers a parse fills: kept from one payload to the next, since
/// validating many small payloads would otherwise spend a good part of its
/// time allocating and freeing them.
#[derive(Debug, Default)]
pub struct Buffers {
    nodes: Vec<Node>,
    /// The decoded strings that had escapes, one after another.
    unescaped: String,
    /// The string being decoded, checked as UTF-8 once it is whole.
    scratch: Vec<u8>,
}

/// A parsed JSON document: a view of its input and of the buffers the
/// parse filled.
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    /// The input. Every string node's bytes in it are UTF-8: the parser
    /// checked them (the rest of the input is JSON's ASCII punctuation,
    /// or the parse failed).
    bytes: &'a [u8],
    nodes: &'a [Node],
    unescaped: &'a str,
    /// Whether the input is all ASCII (the parser saw no string with more),
    /// and whether it has a newline.
    ascii: bool,
    multiline: bool,
    /// The input's newlines, counted by the parser.
    lines: text::Lines,
}

thread_local! {
    static SPARE: Cell<Buffers> = const {
        Cell::new(Buffers {
            nodes: Vec::new(),
            unescaped: String::new(),
            scratch: Vec::new(),
        })
    };
}

/// Larger buffers go back to the allocator, so that one huge payload does
/// not keep its memory.
const KEEP_NODES: usize = 1 << 16;

impl<'a> Document<'a> {
    /// Parses one JSON value (RFC 8259), with surrounding whitespace, into
    /// `buffers` (whatever they held before is dropped).
    pub fn parse(bytes: &'a [u8], buffers: &'a mut Buffers) -> Result<Document<'a>, SyntaxError> {
        Document::parse_from(bytes, buffers, false).map(|(document, _)| document)
    }

    /// Parses the JSON value at the start of `bytes` (after any whitespace),
    /// whatever follows it, and says where it ends (past the whitespace
    /// after it): a reader that streams a file of many values parses each
    /// where it lies in its buffer. The document's input is the bytes up
    /// to there. A value cut short by the end of `bytes` is an error, as is
    /// a number or literal that the end of `bytes` may have cut: the caller
    /// knows whether more input follows.
    pub fn parse_prefix(
        bytes: &'a [u8],
        buffers: &'a mut Buffers,
    ) -> Result<(Document<'a>, usize), SyntaxError> {
        Document::parse_from(bytes, buffers, true)
    }

    fn parse_from(
        bytes: &'a [u8],
        buffers: &'a mut Buffers,
        prefix: bool,
    ) -> Result<(Document<'a>, usize), SyntaxError> {
        if bytes.len() > MAX_INPUT {
            return Err(SyntaxError {
                message: format!(
                    "the payload is {} bytes; from bytes, at most {MAX_INPUT} can be validated",
                    bytes.len()
                ),
                position: Position { line: 1, column: 1 },
            });
        }
        buffers.nodes.clear();
        buffers.unescaped.clear();
        buffers.nodes.reserve(bytes.len() / 8 + 1);
        let mut parser = Parser {
            bytes,
            nodes: &mut buffers.nodes,
            unescaped: &mut buffers.unescaped,
            scratch: &mut buffers.scratch,
            ascii: true,
            lines: text::Lines::default(),
            prefix,
        };
        let end = parser.document()?;
        let (ascii, lines) = (parser.ascii, parser.lines);
        let document = Document {
            bytes: &bytes[..end],
            nodes: &buffers.nodes,
            unescaped: &buffers.unescaped,
            ascii,
            multiline: lines.newlines > 0,
            lines,
        };
        Ok((document, end))
    }

    /// Parses `bytes` into this thread's buffers and hands the document to
    /// `f`.
    pub fn with<R>(
        bytes: &[u8],
        f: impl for<'d> FnOnce(&Document<'d>) -> R,
    ) -> Result<R, SyntaxError> {
        // Taken out for the while, so a document parsed inside `f` finds
        // none and makes its own. During thread teardown there are none.
        let mut buffers = SPARE.try_with(Cell::take).unwrap_or_default();
        let result = Document::parse(bytes, &mut buffers).map(|document| f(&document));
        if buffers.nodes.capacity() <= KEEP_NODES
            && buffers.unescaped.capacity() <= KEEP_NODES * 16
            && buffers.scratch.capacity() <= KEEP_NODES * 16
        {
            let _ = SPARE.try_with(|spare| spare.set(buffers));
        }
        result
    }

    /// How many newlines the input has, and where its last line starts (0
    /// when it has one line): the parser counted them as it went, so a
    /// reader of a file of many values keeps its lines without a second
    /// pass over each.
    pub fn newlines(&self) -> (u64, usize) {
        (self.lines.newlines as u64, self.lines.last_start)
    }

    /// The document's value.
    pub fn root(&self) -> Item<'_> {
        Item { doc: self, at: 0 }
    }

    /// After the value whose first node is at `at`.
    #[inline(always)]
    fn after(&self, at: usize) -> usize {
        let node = self.nodes[at];
        if node.tag >= tag::ARRAY {
            node.high()
        } else {
            at + 1
        }
    }

    /// The string of the node at `at` (empty for a node that is no string).
    #[inline(always)]
    fn string(&self, at: usize) -> &str {
        let node = self.nodes[at];
        match node.tag {
            tag::STRING => {
                let start = node.start as usize + 1;
                let bytes = &self.bytes[start..start + node.data as usize];
                // SAFETY: the parser made this node only for bytes that are
                // ASCII or that `std::str::from_utf8` accepted (`Parser::string`).
                unsafe { std::str::from_utf8_unchecked(bytes) }
            }
            tag::ESCAPED => {
                let start = node.high();
                &self.unescaped[start..start + node.low()]
            }
            _ => "",
        }
    }
}
