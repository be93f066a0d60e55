//! The bytes path's parse: one flat vector of nodes that borrows its strings
//! from the input, instead of a `serde_json::Value` tree with a heap
//! allocation per string, key and container. Generated validators walk it
//! through [`Json`], the same code that walks a `Value`.
//!
//! Containers record where they end, so stepping over a member is one index
//! read. Strings without escapes are slices of the input; only strings with
//! escapes are copied.

use std::borrow::Cow;
use std::cell::Cell;
use std::cmp::Ordering;

use serde_json::{Map, Value};

use crate::json::{Json, JsonArray, JsonObject, Kind, Num};
use crate::validate::{Position, SyntaxError};

/// How deeply containers may nest: `serde_json`'s limit, so both paths refuse
/// the same payloads.
pub const MAX_NESTING: usize = 128;

#[derive(Debug, Clone)]
enum Node<'a> {
    Null,
    Bool(bool),
    Number(Num),
    String(Cow<'a, str>),
    /// `end` is the index just past the container's last node. An object's
    /// members are a key node followed by the value's nodes.
    Array {
        len: usize,
        end: usize,
    },
    Object {
        len: usize,
        end: usize,
    },
}

/// A parsed JSON document that borrows from its input.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    bytes: &'a [u8],
    nodes: Vec<Node<'a>>,
    /// Where each node starts in `bytes` (a key: its opening quote), so an
    /// error's position is found by walking nodes, not by scanning text.
    offsets: Vec<usize>,
}

impl<'a> Document<'a> {
    /// Parses one JSON value (RFC 8259), with surrounding whitespace.
    pub fn parse(bytes: &'a [u8]) -> Result<Document<'a>, SyntaxError> {
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => {
                return Err(syntax_error(
                    bytes,
                    error.valid_up_to(),
                    "invalid UTF-8".to_owned(),
                ));
            }
        };
        let (mut nodes, mut offsets) = match SPARE.try_with(Cell::take).ok().flatten() {
            Some(spare) => (relabel(spare.nodes), spare.offsets),
            None => (Vec::new(), Vec::new()),
        };
        let estimate = bytes.len() / 8 + 1;
        nodes.reserve(estimate);
        offsets.reserve(estimate);
        let mut parser = Parser {
            text,
            bytes,
            at: 0,
            nodes,
            offsets,
        };
        parser.document()?;
        Ok(Document {
            bytes,
            nodes: parser.nodes,
            offsets: parser.offsets,
        })
    }

    /// The line and column where the value at the JSON pointer `pointer`
    /// starts; `None` when the document has no such value.
    pub fn position(&self, pointer: &str) -> Option<Position> {
        self.positions(&[pointer]).pop().flatten()
    }

    /// [`Document::position`] of each pointer, in one pass over the text
    /// however many there are.
    pub fn positions(&self, pointers: &[&str]) -> Vec<Option<Position>> {
        let offsets: Vec<Option<usize>> = pointers.iter().map(|p| self.offset(p)).collect();
        let mut order: Vec<usize> = (0..offsets.len())
            .filter(|i| offsets[*i].is_some())
            .collect();
        order.sort_by_key(|i| offsets[*i]);
        let mut positions = vec![None; offsets.len()];
        let mut cursor = Cursor::start();
        for i in order {
            positions[i] = offsets[i].map(|offset| cursor.advance_to(self.bytes, offset));
        }
        positions
    }

    /// The byte where the value at `pointer` starts.
    fn offset(&self, pointer: &str) -> Option<usize> {
        let mut at = 0;
        if !pointer.is_empty() {
            for token in pointer.strip_prefix('/')?.split('/') {
                let token = unescape_token(token);
                at = match self.nodes[at] {
                    Node::Object { end, .. } => {
                        let mut member = at + 1;
                        loop {
                            if member >= end {
                                return None;
                            }
                            match &self.nodes[member] {
                                Node::String(key) if *key == token => break member + 1,
                                _ => member = after(&self.nodes, member + 1),
                            }
                        }
                    }
                    Node::Array { len, .. } => {
                        let index: usize = token.parse().ok().filter(|i| *i < len)?;
                        (0..index).fold(at + 1, |item, _| after(&self.nodes, item))
                    }
                    _ => return None,
                };
            }
        }
        Some(self.offsets[at])
    }

    /// The document's value.
    pub fn root(&self) -> Item<'_> {
        Item {
            nodes: &self.nodes,
            at: 0,
        }
    }
}

/// The buffers of the last document dropped on this thread, for the next
/// one: validating many small payloads would otherwise spend a good part of
/// its time allocating and freeing them.
struct Spare {
    nodes: Vec<Node<'static>>,
    offsets: Vec<usize>,
}

thread_local! {
    static SPARE: Cell<Option<Spare>> = const { Cell::new(None) };
}

/// Larger buffers go back to the allocator, so that one huge payload does
/// not keep its memory.
const KEEP_NODES: usize = 1 << 16;

/// An emptied vector of nodes, for documents of another lifetime. Collecting
/// an empty vector into one of the same layout keeps its allocation.
fn relabel<'b>(mut nodes: Vec<Node<'_>>) -> Vec<Node<'b>> {
    nodes.clear();
    nodes
        .into_iter()
        .map(|_| unreachable!("the vector was cleared"))
        .collect()
}

impl Drop for Document<'_> {
    fn drop(&mut self) {
        if self.nodes.capacity() > KEEP_NODES {
            return;
        }
        let nodes = relabel(std::mem::take(&mut self.nodes));
        let mut offsets = std::mem::take(&mut self.offsets);
        offsets.clear();
        // During thread teardown there is nowhere to keep them: they are freed.
        let _ = SPARE.try_with(|spare| spare.set(Some(Spare { nodes, offsets })));
    }
}

/// One value of a [`Document`].
#[derive(Debug, Clone, Copy)]
pub struct Item<'d> {
    nodes: &'d [Node<'d>],
    at: usize,
}

/// After the value whose first node is at `at`.
#[inline]
fn after(nodes: &[Node<'_>], at: usize) -> usize {
    match nodes[at] {
        Node::Array { end, .. } | Node::Object { end, .. } => end,
        _ => at + 1,
    }
}

impl<'d> Json<'d> for Item<'d> {
    type Object = Members<'d>;
    type Array = Items<'d>;

    #[inline]
    fn kind(self) -> Kind {
        match self.nodes[self.at] {
            Node::Null => Kind::Null,
            Node::Bool(_) => Kind::Bool,
            Node::Number(_) => Kind::Number,
            Node::String(_) => Kind::String,
            Node::Array { .. } => Kind::Array,
            Node::Object { .. } => Kind::Object,
        }
    }

    #[inline]
    fn as_object(self) -> Option<Members<'d>> {
        match self.nodes[self.at] {
            Node::Object { len, end } => Some(Members {
                nodes: self.nodes,
                start: self.at + 1,
                end,
                len,
            }),
            _ => None,
        }
    }

    #[inline]
    fn as_array(self) -> Option<Items<'d>> {
        match self.nodes[self.at] {
            Node::Array { len, end } => Some(Items {
                nodes: self.nodes,
                start: self.at + 1,
                end,
                len,
            }),
            _ => None,
        }
    }

    #[inline]
    fn as_str(self) -> Option<&'d str> {
        match &self.nodes[self.at] {
            Node::String(s) => Some(s),
            _ => None,
        }
    }

    #[inline]
    fn as_number(self) -> Option<Num> {
        match self.nodes[self.at] {
            Node::Number(n) => Some(n),
            _ => None,
        }
    }

    fn to_value(self) -> Value {
        match &self.nodes[self.at] {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Number(n) => n.to_number().map_or(Value::Null, Value::Number),
            Node::String(s) => Value::String(s.to_string()),
            Node::Array { .. } => Value::Array(
                self.as_array()
                    .into_iter()
                    .flat_map(Items::items)
                    .map(Item::to_value)
                    .collect(),
            ),
            Node::Object { .. } => {
                let mut map = Map::new();
                for (key, value) in self.as_object().into_iter().flat_map(Members::members) {
                    map.insert(key.to_owned(), value.to_value());
                }
                Value::Object(map)
            }
        }
    }

    fn equals(self, other: &Value) -> bool {
        match (&self.nodes[self.at], other) {
            (Node::Null, Value::Null) => true,
            (Node::Bool(a), Value::Bool(b)) => a == b,
            (Node::Number(a), Value::Number(b)) => {
                a.compare(Num::from_number(b)) == Some(Ordering::Equal)
            }
            (Node::String(a), Value::String(b)) => a == b,
            (Node::Array { len, .. }, Value::Array(b)) => {
                *len == b.len()
                    && self
                        .as_array()
                        .into_iter()
                        .flat_map(Items::items)
                        .zip(b)
                        .all(|(a, b)| a.equals(b))
            }
            (Node::Object { len, .. }, Value::Object(b)) => {
                *len == b.len()
                    && self
                        .as_object()
                        .into_iter()
                        .flat_map(Members::members)
                        .all(|(key, a)| b.get(key).is_some_and(|b| a.equals(b)))
            }
            _ => false,
        }
    }
}

/// The members of an object of a [`Document`].
#[derive(Debug, Clone, Copy)]
pub struct Members<'d> {
    nodes: &'d [Node<'d>],
    start: usize,
    end: usize,
    len: usize,
}

impl<'d> JsonObject<'d> for Members<'d> {
    type Value = Item<'d>;

    #[inline]
    fn len(self) -> usize {
        self.len
    }

    #[inline]
    fn members(self) -> impl Iterator<Item = (&'d str, Item<'d>)> {
        let nodes = self.nodes;
        let end = self.end;
        let mut at = self.start;
        std::iter::from_fn(move || {
            if at >= end {
                return None;
            }
            let key = match &nodes[at] {
                Node::String(key) => key.as_ref(),
                _ => "",
            };
            let value = Item { nodes, at: at + 1 };
            at = after(nodes, at + 1);
            Some((key, value))
        })
    }
}

/// The items of an array of a [`Document`].
#[derive(Debug, Clone, Copy)]
pub struct Items<'d> {
    nodes: &'d [Node<'d>],
    start: usize,
    end: usize,
    len: usize,
}

impl<'d> JsonArray<'d> for Items<'d> {
    type Item = Item<'d>;

    #[inline]
    fn len(self) -> usize {
        self.len
    }

    #[inline]
    fn items(self) -> impl Iterator<Item = Item<'d>> {
        let nodes = self.nodes;
        let end = self.end;
        let mut at = self.start;
        std::iter::from_fn(move || {
            if at >= end {
                return None;
            }
            let item = Item { nodes, at };
            at = after(nodes, at);
            Some(item)
        })
    }
}

/// A JSON pointer token with `~1` and `~0` decoded.
fn unescape_token(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}

/// A place in a text with its line and column (in characters, from 1),
/// moved forward a byte at a time.
struct Cursor {
    at: usize,
    line: u64,
    column: u64,
}

impl Cursor {
    fn start() -> Cursor {
        Cursor {
            at: 0,
            line: 1,
            column: 1,
        }
    }

    fn advance_to(&mut self, bytes: &[u8], target: usize) -> Position {
        let target = target.clamp(self.at, bytes.len());
        for byte in &bytes[self.at..target] {
            if *byte == b'\n' {
                self.line += 1;
                self.column = 1;
            } else if byte & 0xC0 != 0x80 {
                // Characters, not bytes: a UTF-8 continuation byte adds none.
                self.column += 1;
            }
        }
        self.at = target;
        Position {
            line: self.line,
            column: self.column,
        }
    }
}

/// The error at byte `at` of `bytes`, with its line and column.
fn syntax_error(bytes: &[u8], at: usize, message: String) -> SyntaxError {
    SyntaxError {
        message,
        position: Cursor::start().advance_to(bytes, at),
    }
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    nodes: Vec<Node<'a>>,
    offsets: Vec<usize>,
}

/// An open container: its node and how many members or items it has so far.
struct Open {
    node: usize,
    len: usize,
    object: bool,
}

impl<'a> Parser<'a> {
    #[inline]
    fn push(&mut self, node: Node<'a>, start: usize) {
        self.nodes.push(node);
        self.offsets.push(start);
    }

    fn error<T>(&self, message: &str) -> Result<T, SyntaxError> {
        Err(syntax_error(self.bytes, self.at, message.to_owned()))
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    #[inline]
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.at += 1;
        }
    }

    /// An object key and its colon; the parser stands on the key's quote.
    fn key(&mut self) -> Result<(), SyntaxError> {
        if self.peek() != Some(b'"') {
            return match self.peek() {
                None => self.error("EOF while parsing an object"),
                Some(_) => self.error("key must be a string"),
            };
        }
        let start = self.at;
        self.at += 1;
        let key = self.string()?;
        self.push(Node::String(key), start);
        self.skip_whitespace();
        match self.peek() {
            Some(b':') => {
                self.at += 1;
                Ok(())
            }
            None => self.error("EOF while parsing an object"),
            Some(_) => self.error("expected `:`"),
        }
    }

    fn document(&mut self) -> Result<(), SyntaxError> {
        let mut open: Vec<Open> = Vec::new();
        'value: loop {
            self.skip_whitespace();
            let Some(byte) = self.peek() else {
                return self.error("EOF while parsing a value");
            };
            match byte {
                b'{' | b'[' => {
                    if open.len() >= MAX_NESTING {
                        return self.error("recursion limit exceeded");
                    }
                    let object = byte == b'{';
                    let node = self.nodes.len();
                    let container = if object {
                        Node::Object { len: 0, end: 0 }
                    } else {
                        Node::Array { len: 0, end: 0 }
                    };
                    self.push(container, self.at);
                    self.at += 1;
                    self.skip_whitespace();
                    let closing = if object { b'}' } else { b']' };
                    if self.peek() == Some(closing) {
                        self.at += 1;
                        let end = self.nodes.len();
                        self.nodes[node] = if object {
                            Node::Object { len: 0, end }
                        } else {
                            Node::Array { len: 0, end }
                        };
                    } else {
                        open.push(Open {
                            node,
                            len: 1,
                            object,
                        });
                        if object {
                            self.key()?;
                        }
                        continue 'value;
                    }
                }
                b'"' => {
                    let start = self.at;
                    self.at += 1;
                    let string = self.string()?;
                    self.push(Node::String(string), start);
                }
                b'-' | b'0'..=b'9' => {
                    let start = self.at;
                    let number = self.number()?;
                    self.push(Node::Number(number), start);
                }
                b't' => {
                    let start = self.at;
                    self.literal(b"true")?;
                    self.push(Node::Bool(true), start);
                }
                b'f' => {
                    let start = self.at;
                    self.literal(b"false")?;
                    self.push(Node::Bool(false), start);
                }
                b'n' => {
                    let start = self.at;
                    self.literal(b"null")?;
                    self.push(Node::Null, start);
                }
                _ => return self.error("expected value"),
            }
            // A value is complete: close the containers it completes, then
            // find where the next value starts.
            loop {
                self.skip_whitespace();
                let Some(top) = open.last_mut() else {
                    if self.at < self.bytes.len() {
                        return self.error("trailing characters");
                    }
                    return Ok(());
                };
                match self.peek() {
                    Some(b',') => {
                        self.at += 1;
                        top.len += 1;
                        self.skip_whitespace();
                        let closing = if top.object { b'}' } else { b']' };
                        if self.peek() == Some(closing) {
                            return self.error("trailing comma");
                        }
                        if top.object {
                            self.key()?;
                        }
                        continue 'value;
                    }
                    Some(b'}') if top.object => {}
                    Some(b']') if !top.object => {}
                    None if top.object => return self.error("EOF while parsing an object"),
                    None => return self.error("EOF while parsing a list"),
                    Some(_) if top.object => return self.error("expected `,` or `}`"),
                    Some(_) => return self.error("expected `,` or `]`"),
                }
                self.at += 1;
                let end = self.nodes.len();
                let Open { node, len, object } = open.pop().expect("checked above");
                self.nodes[node] = if object {
                    Node::Object { len, end }
                } else {
                    Node::Array { len, end }
                };
            }
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), SyntaxError> {
        for expected in word {
            if self.peek() != Some(*expected) {
                return if self.peek().is_none() {
                    self.error("EOF while parsing a value")
                } else {
                    self.error("expected ident")
                };
            }
            self.at += 1;
        }
        Ok(())
    }

    /// Moves to the next byte that ends a run of plain string characters:
    /// a quote, a backslash or a control character (or the end). Eight bytes
    /// at a time: strings are most of a payload's bytes.
    #[inline]
    fn skip_plain(&mut self) {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        // The lowest flagged byte is exact; flags above it may be spurious.
        let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
        while let Some(chunk) = self.bytes.get(self.at..self.at + 8) {
            let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
            let found = zero_byte(word ^ (ONES * u64::from(b'"')))
                | zero_byte(word ^ (ONES * u64::from(b'\\')))
                | (word.wrapping_sub(ONES * 0x20) & !word & HIGH);
            if found != 0 {
                self.at += (found.trailing_zeros() / 8) as usize;
                return;
            }
            self.at += 8;
        }
        while let Some(byte) = self.peek() {
            if byte == b'"' || byte == b'\\' || byte < 0x20 {
                return;
            }
            self.at += 1;
        }
    }

    /// A string's contents; the parser stands just after its opening quote.
    fn string(&mut self) -> Result<Cow<'a, str>, SyntaxError> {
        let start = self.at;
        loop {
            self.skip_plain();
            match self.peek() {
                Some(b'"') => {
                    let string = &self.text[start..self.at];
                    self.at += 1;
                    return Ok(Cow::Borrowed(string));
                }
                Some(b'\\') => break,
                Some(0..=0x1F) => {
                    return self
                        .error("control character (\\u0000-\\u001F) found while parsing a string");
                }
                Some(_) => self.at += 1,
                None => return self.error("EOF while parsing a string"),
            }
        }
        let mut owned = String::from(&self.text[start..self.at]);
        loop {
            let run = self.at;
            loop {
                self.skip_plain();
                match self.peek() {
                    Some(b'"' | b'\\') => break,
                    Some(0..=0x1F) => {
                        return self.error(
                            "control character (\\u0000-\\u001F) found while parsing a string",
                        );
                    }
                    Some(_) => self.at += 1,
                    None => return self.error("EOF while parsing a string"),
                }
            }
            owned.push_str(&self.text[run..self.at]);
            if self.peek() == Some(b'"') {
                self.at += 1;
                return Ok(Cow::Owned(owned));
            }
            // Past the backslash and the escape's letter.
            self.at += 1;
            let Some(letter) = self.peek() else {
                return self.error("EOF while parsing a string");
            };
            self.at += 1;
            let escaped = match letter {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => self.unicode_escape()?,
                _ => {
                    self.at -= 1;
                    return self.error("invalid escape");
                }
            };
            owned.push(escaped);
        }
    }

    /// Four hex digits, after `\u`.
    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let mut code = 0u32;
        for _ in 0..4 {
            let digit = match self.peek() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                None => return self.error("EOF while parsing a string"),
                Some(_) => return self.error("invalid escape"),
            };
            code = code * 16 + u32::from(digit);
            self.at += 1;
        }
        Ok(code)
    }

    /// The character of a `\u` escape, and of the low surrogate's escape
    /// that must follow a high one.
    fn unicode_escape(&mut self) -> Result<char, SyntaxError> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if self.bytes.get(self.at..self.at + 2) != Some(b"\\u") {
                    return self.error("lone leading surrogate in hex escape");
                }
                self.at += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return self.error("lone leading surrogate in hex escape");
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return self.error("lone trailing surrogate in hex escape"),
            code => code,
        };
        match char::from_u32(code) {
            Some(c) => Ok(c),
            None => self.error("invalid unicode code point"),
        }
    }

    /// A number, exact when it is an integer that fits 64 bits, else `f64`
    /// as `serde_json` reads it (`-0` too); beyond `f64` it is an error.
    fn number(&mut self) -> Result<Num, SyntaxError> {
        let start = self.at;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.at += 1;
        }
        let mut magnitude: u64 = 0;
        let mut overflow = false;
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => {
                while let Some(digit @ b'0'..=b'9') = self.peek() {
                    match magnitude
                        .checked_mul(10)
                        .and_then(|m| m.checked_add(u64::from(digit - b'0')))
                    {
                        Some(m) => magnitude = m,
                        None => overflow = true,
                    }
                    self.at += 1;
                }
            }
            None => return self.error("EOF while parsing a value"),
            Some(_) => return self.error("invalid number"),
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.at += 1;
            self.digits()?;
            float = true;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            self.digits()?;
            float = true;
        }
        if !float && !overflow {
            if !negative {
                return Ok(Num::Uint(magnitude));
            }
            if magnitude != 0 && magnitude <= i64::MAX as u64 + 1 {
                return Ok(Num::Int((magnitude as i64).wrapping_neg()));
            }
        }
        match self.text[start..self.at].parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Num::Float(f)),
            _ => {
                self.at = start;
                self.error("number out of range")
            }
        }
    }

    /// One or more digits.
    fn digits(&mut self) -> Result<(), SyntaxError> {
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return match self.peek() {
                None => self.error("EOF while parsing a value"),
                Some(_) => self.error("invalid number"),
            };
        }
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_as_serde_json(text: &str) {
        let document = Document::parse(text.as_bytes()).unwrap();
        let expected: Value = serde_json::from_str(text).unwrap();
        assert_eq!(document.root().to_value(), expected, "{text}");
        assert!(document.root().equals(&expected), "{text}");
    }

    #[test]
    fn the_next_document_reuses_the_buffers_of_the_last() {
        let text = "[1, 2, 3, [4, 5], {\"a\": 6}]";
        let first = Document::parse(text.as_bytes()).unwrap();
        let capacity = first.nodes.capacity();
        drop(first);
        let second = Document::parse(b"7").unwrap();
        assert_eq!(second.nodes.capacity(), capacity);
        assert_eq!(second.root().to_value(), serde_json::json!(7));
    }

    #[test]
    fn reads_what_serde_json_reads() {
        for text in [
            "null",
            " true ",
            "false",
            "0",
            "-0",
            "-1",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "1.5",
            "-2.5e-3",
            "1E+2",
            "123456789012345678901234567890",
            r#""plain""#,
            r#""esc\"aped\\ \/ \b\f\n\r\t \u00e9 \ud83d\ude00 é""#,
            "[]",
            "{}",
            "[1, [2, [3, []]], {}]",
            r#"{"a": {"b": [1, {"c": null}]}, "d": "e", "": 0}"#,
            "\n\t{ \"x\" : [ 1 , 2 ] }\r\n",
        ] {
            same_as_serde_json(text);
        }
    }

    #[test]
    fn strings_read_the_same_wherever_the_escape_falls() {
        // The scan reads eight bytes at a time: put the special byte at every offset.
        for before in 0..20 {
            for after in 0..12 {
                let plain = "a".repeat(before);
                let tail = "é".repeat(after);
                same_as_serde_json(&format!(r#""{plain}\n{tail}""#));
                same_as_serde_json(&format!(r#"["{plain}", "{tail}"]"#));
                let control = format!("\"{plain}\u{1}{tail}\"");
                let e = error(control.as_bytes());
                assert_eq!(e.position.column, before as u64 + 2, "{control:?}");
            }
        }
    }

    #[test]
    fn members_and_items_step_over_nested_values() {
        let text = r#"{"a": [1, [2, 3], {"x": 4}], "b": {"c": {}}, "d": 5}"#;
        let document = Document::parse(text.as_bytes()).unwrap();
        let object = document.root().as_object().unwrap();
        assert_eq!(object.len(), 3);
        let keys: Vec<&str> = object.members().map(|(key, _)| key).collect();
        assert_eq!(keys, ["a", "b", "d"]);
        assert!(object.contains_key("d") && !object.contains_key("x"));
        let (_, a) = object.members().next().unwrap();
        let items = a.as_array().unwrap();
        assert_eq!(items.len(), 3);
        let kinds: Vec<Kind> = items.items().map(Item::kind).collect();
        assert_eq!(kinds, [Kind::Number, Kind::Array, Kind::Object]);
        let (_, d) = object.members().nth(2).unwrap();
        assert_eq!(d.as_number(), Some(Num::Uint(5)));
    }

    fn error(text: &[u8]) -> SyntaxError {
        Document::parse(text).unwrap_err()
    }

    #[test]
    fn refuses_what_is_not_json_with_its_position() {
        let e = error(b"{\n  \"a\": tru }");
        assert_eq!((e.position.line, e.position.column), (2, 11), "{e}");
        let e = error(b"[1, 2");
        assert_eq!(e.message, "EOF while parsing a list");
        let e = error(b"{\"a\" 1}");
        assert_eq!(e.message, "expected `:`");
        let e = error(b"{\"a\": 1,\n}");
        assert_eq!(e.message, "trailing comma");
        assert_eq!((e.position.line, e.position.column), (2, 1));
        let e = error(b"[1] 2");
        assert_eq!(e.message, "trailing characters");
        let e = error(b"\"caf\xc3\xa9 \xff\"");
        assert_eq!(e.message, "invalid UTF-8");
        assert_eq!(e.position.column, 7);
        for bad in [
            &b""[..],
            b"01",
            b"1.",
            b"-",
            b"1e",
            b"[1,]",
            b"{\"a\":1,}",
            b"{1: 2}",
            b"\"\\x\"",
            b"\"\\ud800\"",
            b"\"\\udc00\"",
            b"\"a\nb\"",
            b"1e400",
            b"-1e400",
            b"nul",
            b"[}",
        ] {
            assert!(
                Document::parse(bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
            assert!(
                serde_json::from_slice::<Value>(bad).is_err(),
                "serde_json agrees: {}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn nesting_beyond_the_limit_is_an_error_not_a_crash() {
        let ok = format!("{}{}", "[".repeat(MAX_NESTING), "]".repeat(MAX_NESTING));
        assert!(Document::parse(ok.as_bytes()).is_ok());
        let deep = "[".repeat(100_000);
        let e = error(deep.as_bytes());
        assert_eq!(e.message, "recursion limit exceeded");
        assert_eq!(e.position.column, MAX_NESTING as u64 + 1);
    }
}
