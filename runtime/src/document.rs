//! The bytes path's parse: one flat vector of small fixed-size nodes that
//! point into the input, instead of a `serde_json::Value` tree with a heap
//! allocation per string, key and container. Generated validators walk it
//! through [`Json`], the same code that walks a `Value`.
//!
//! A node is 16 bytes: what it is, where it starts in the input, and one
//! word of data. UTF-8 is checked only in strings with bytes beyond ASCII,
//! as the scan for their end finds them: outside strings, JSON is ASCII. Containers record where they end, so stepping over a member
//! is one index read. Strings without escapes are read from the input; only
//! strings with escapes are decoded, into one buffer for the document.

use std::borrow::Cow;
use std::cell::Cell;
use std::cmp::Ordering;

use serde_json::{Map, Value};

use crate::json::{Json, JsonArray, JsonObject, Kind, Num};
use crate::validate::{Position, SyntaxError};

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
            multiline: false,
        };
        parser.document()?;
        let (ascii, multiline) = (parser.ascii, parser.multiline);
        Ok(Document {
            bytes,
            nodes: &buffers.nodes,
            unescaped: &buffers.unescaped,
            ascii,
            multiline,
        })
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
    fn offset(&self, pointer: &str) -> Option<usize> {
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
    fn pointer(&self, target: usize) -> String {
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
                        let key = self.string(child);
                        if key.contains(['~', '/']) {
                            pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                        } else {
                            pointer.push_str(key);
                        }
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

/// One value of a [`Document`].
#[derive(Debug, Clone, Copy)]
pub struct Item<'d> {
    doc: &'d Document<'d>,
    at: usize,
}

impl<'d> Item<'d> {
    #[inline]
    fn node(self) -> Node {
        self.doc.nodes[self.at]
    }
}

impl<'d> Json<'d> for Item<'d> {
    type Object = Members<'d>;
    type Array = Items<'d>;

    const KNOWS_POINTER: bool = true;

    fn pointer(self) -> Option<String> {
        Some(self.doc.pointer(self.at))
    }

    #[inline]
    fn kind(self) -> Kind {
        match self.node().tag {
            tag::NULL => Kind::Null,
            tag::FALSE | tag::TRUE => Kind::Bool,
            tag::UINT | tag::INT | tag::FLOAT => Kind::Number,
            tag::STRING | tag::ESCAPED => Kind::String,
            tag::ARRAY => Kind::Array,
            _ => Kind::Object,
        }
    }

    #[inline]
    fn as_object(self) -> Option<Members<'d>> {
        let node = self.node();
        (node.tag == tag::OBJECT).then(|| Members {
            doc: self.doc,
            start: self.at + 1,
            end: node.high(),
            len: node.low(),
        })
    }

    #[inline]
    fn as_array(self) -> Option<Items<'d>> {
        let node = self.node();
        (node.tag == tag::ARRAY).then(|| Items {
            doc: self.doc,
            start: self.at + 1,
            end: node.high(),
            len: node.low(),
        })
    }

    #[inline]
    fn as_str(self) -> Option<&'d str> {
        match self.node().tag {
            tag::STRING | tag::ESCAPED => Some(self.doc.string(self.at)),
            _ => None,
        }
    }

    #[inline]
    fn as_bool(self) -> Option<bool> {
        match self.node().tag {
            tag::TRUE => Some(true),
            tag::FALSE => Some(false),
            _ => None,
        }
    }

    #[inline]
    fn as_number(self) -> Option<Num> {
        let node = self.node();
        match node.tag {
            tag::UINT => Some(Num::Uint(node.data)),
            tag::INT => Some(Num::Int(node.data as i64)),
            tag::FLOAT => Some(Num::Float(f64::from_bits(node.data))),
            _ => None,
        }
    }

    fn to_value(self) -> Value {
        match self.kind() {
            Kind::Null => Value::Null,
            Kind::Bool => Value::Bool(self.node().tag == tag::TRUE),
            Kind::Number => self
                .as_number()
                .and_then(Num::to_number)
                .map_or(Value::Null, Value::Number),
            Kind::String => Value::String(self.as_str().unwrap_or_default().to_owned()),
            Kind::Array => Value::Array(
                self.as_array()
                    .into_iter()
                    .flat_map(Items::items)
                    .map(Item::to_value)
                    .collect(),
            ),
            Kind::Object => {
                let mut map = Map::new();
                for (key, value) in self.as_object().into_iter().flat_map(Members::members) {
                    map.insert(key.to_owned(), value.to_value());
                }
                Value::Object(map)
            }
        }
    }

    #[inline]
    fn offset(self) -> Option<usize> {
        Some(self.node().start as usize)
    }

    fn equals(self, other: &Value) -> bool {
        match (self.kind(), other) {
            (Kind::Null, Value::Null) => true,
            (Kind::Bool, Value::Bool(b)) => (self.node().tag == tag::TRUE) == *b,
            (Kind::Number, Value::Number(b)) => self
                .as_number()
                .is_some_and(|a| a.compare(Num::from_number(b)) == Some(Ordering::Equal)),
            (Kind::String, Value::String(b)) => self.as_str() == Some(b.as_str()),
            (Kind::Array, Value::Array(b)) => self.as_array().is_some_and(|items| {
                items.len() == b.len() && items.items().zip(b).all(|(a, b)| a.equals(b))
            }),
            (Kind::Object, Value::Object(b)) => self.as_object().is_some_and(|members| {
                members.len() == b.len()
                    && members
                        .members()
                        .all(|(key, a)| b.get(key).is_some_and(|b| a.equals(b)))
            }),
            _ => false,
        }
    }
}

/// The members of an object of a [`Document`].
#[derive(Debug, Clone, Copy)]
pub struct Members<'d> {
    doc: &'d Document<'d>,
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
        MemberIter {
            doc: self.doc,
            at: self.start,
            end: self.end,
        }
    }
}

/// The walk over an object's members: generated validators run it for
/// every object, so it is kept small enough to inline.
struct MemberIter<'d> {
    doc: &'d Document<'d>,
    at: usize,
    end: usize,
}

impl<'d> Iterator for MemberIter<'d> {
    type Item = (&'d str, Item<'d>);

    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        if self.at >= self.end {
            return None;
        }
        let key = self.doc.string(self.at);
        let value = Item {
            doc: self.doc,
            at: self.at + 1,
        };
        self.at = self.doc.after(self.at + 1);
        Some((key, value))
    }
}

/// The items of an array of a [`Document`].
#[derive(Debug, Clone, Copy)]
pub struct Items<'d> {
    doc: &'d Document<'d>,
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
        ItemIter {
            doc: self.doc,
            at: self.start,
            end: self.end,
        }
    }
}

/// The walk over an array's items.
struct ItemIter<'d> {
    doc: &'d Document<'d>,
    at: usize,
    end: usize,
}

impl<'d> Iterator for ItemIter<'d> {
    type Item = Item<'d>;

    #[inline(always)]
    fn next(&mut self) -> Option<Item<'d>> {
        if self.at >= self.end {
            return None;
        }
        let item = Item {
            doc: self.doc,
            at: self.at,
        };
        self.at = self.doc.after(self.at);
        Some(item)
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

/// A place in a text with its line and column (in characters, from 1).
struct Cursor {
    at: usize,
    line: u64,
    column: u64,
    /// What is known of the text: where it is ASCII a character is a byte,
    /// and where it has no newline the line is 1 throughout.
    ascii: bool,
    multiline: bool,
}

/// How many characters (every byte but UTF-8 continuation bytes) and how
/// many newlines `bytes` holds, eight bytes at a time: finding an error's
/// column means counting every character before it on its line.
fn count(bytes: &[u8]) -> (u64, u64) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut continuations = 0u64;
    let mut newlines = 0u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        // 10xxxxxx: the high bit set and the next one clear.
        continuations += u64::from((word & !(word << 1) & HIGH).count_ones());
        // A byte of `word ^ newlines` is zero exactly where a newline is.
        let t = word ^ (ONES * u64::from(b'\n'));
        newlines += u64::from((!(((t & LOW) + LOW) | t) & HIGH).count_ones());
    }
    for byte in chunks.remainder() {
        continuations += u64::from(byte & 0xC0 == 0x80);
        newlines += u64::from(*byte == b'\n');
    }
    (bytes.len() as u64 - continuations, newlines)
}

impl Cursor {
    fn start() -> Cursor {
        Cursor {
            at: 0,
            line: 1,
            column: 1,
            ascii: false,
            multiline: true,
        }
    }

    fn advance_to(&mut self, bytes: &[u8], target: usize) -> Position {
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
fn syntax_error(bytes: &[u8], at: usize, message: String) -> SyntaxError {
    SyntaxError {
        message,
        position: Cursor::start().advance_to(bytes, at),
    }
}

/// No open container: the parser stands at the top level.
const TOP: usize = u32::MAX as usize;

/// Past any whitespace from `at`.
#[inline(always)]
fn skip_whitespace(bytes: &[u8], mut at: usize, multiline: &mut bool) -> usize {
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b' ' | b'\r' | b'\t' => at += 1,
            b'\n' => {
                *multiline = true;
                at += 1;
            }
            _ => break,
        }
    }
    at
}

/// The first byte from `at` that ends a run of plain string characters: a
/// quote, a backslash or a control character (or the end), and whether the
/// run has bytes beyond ASCII (to be checked as UTF-8). Strings are most of
/// a payload's bytes: sixteen are looked at in one step where the processor
/// has vector instructions every model has (SSE2 on x86_64), eight where not.
#[inline(always)]
fn plain_end(bytes: &[u8], at: usize) -> (usize, bool) {
    #[cfg(target_arch = "x86_64")]
    let (at, beyond_ascii) = match plain_end_sse2(bytes, at) {
        Ok(found) => return found,
        Err(rest) => rest,
    };
    #[cfg(not(target_arch = "x86_64"))]
    let (at, beyond_ascii) = match plain_end_swar(bytes, at) {
        Ok(found) => return found,
        Err(rest) => rest,
    };
    plain_end_bytewise(bytes, at, beyond_ascii)
}

/// [`plain_end`] a byte at a time, for the last few bytes of the input.
#[inline(always)]
fn plain_end_bytewise(bytes: &[u8], mut at: usize, mut beyond_ascii: bool) -> (usize, bool) {
    while let Some(&byte) = bytes.get(at) {
        if byte == b'"' || byte == b'\\' || byte < 0x20 {
            break;
        }
        beyond_ascii |= byte >= 0x80;
        at += 1;
    }
    (at, beyond_ascii)
}

/// [`plain_end`] sixteen bytes at a time: `Ok` with the end when it is
/// found, else `Err` with where fewer than sixteen bytes are left.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn plain_end_sse2(bytes: &[u8], mut at: usize) -> Result<(usize, bool), (usize, bool)> {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };
    let mut beyond_ascii = false;
    while let Some(chunk) = bytes.get(at..at + 16) {
        // SAFETY: SSE2 is part of every x86_64 processor, and the unaligned
        // load reads the sixteen bytes of `chunk`.
        let (stops, high) = unsafe {
            let word = _mm_loadu_si128(chunk.as_ptr().cast());
            let quote = _mm_cmpeq_epi8(word, _mm_set1_epi8(b'"' as i8));
            let backslash = _mm_cmpeq_epi8(word, _mm_set1_epi8(b'\\' as i8));
            // A signed comparison: below 0x20, and every byte from 0x80 too.
            let low = _mm_cmplt_epi8(word, _mm_set1_epi8(0x20));
            let high = _mm_movemask_epi8(word) as u32;
            let flagged = _mm_or_si128(_mm_or_si128(quote, backslash), low);
            (_mm_movemask_epi8(flagged) as u32 & !high, high)
        };
        if stops != 0 {
            let stop = stops.trailing_zeros();
            beyond_ascii |= high & ((1 << stop) - 1) != 0;
            return Ok((at + stop as usize, beyond_ascii));
        }
        beyond_ascii |= high != 0;
        at += 16;
    }
    Err((at, beyond_ascii))
}

/// [`plain_end`] eight bytes at a time in a `u64`.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
#[inline(always)]
fn plain_end_swar(bytes: &[u8], mut at: usize) -> Result<(usize, bool), (usize, bool)> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The lowest flagged byte is exact; flags above it may be spurious.
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let mut seen = 0u64;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let found = zero_byte(word ^ (ONES * u64::from(b'"')))
            | zero_byte(word ^ (ONES * u64::from(b'\\')))
            | (word.wrapping_sub(ONES * 0x20) & !word & HIGH);
        if found != 0 {
            let stop = found.trailing_zeros() / 8;
            let before = (1u64 << (8 * stop)).wrapping_sub(1);
            seen |= word & before;
            return Ok((at + stop as usize, seen & HIGH != 0));
        }
        seen |= word;
        at += 8;
    }
    Err((at, seen & HIGH != 0))
}

/// The value of eight ASCII digits, if `chunk` is eight of them.
#[inline(always)]
fn eight_digits(chunk: &[u8]) -> Option<u64> {
    let word = u64::from_le_bytes(chunk.try_into().ok()?);
    // Every byte from 0x30 to 0x39: its high half 3, and still 3 after adding 6.
    let high_halves = 0xF0F0_F0F0_F0F0_F0F0;
    let threes = 0x3030_3030_3030_3030;
    if word & high_halves != threes
        || word.wrapping_add(0x0606_0606_0606_0606) & high_halves != threes
    {
        return None;
    }
    // Pairs, then fours, then all eight, the first digit the most significant.
    let digits = word - threes;
    let pairs = (digits * 10 + (digits >> 8)) & 0x00FF_00FF_00FF_00FF;
    let fours = (pairs * 100 + (pairs >> 16)) & 0x0000_FFFF_0000_FFFF;
    Some((fours * 10_000 + (fours >> 32)) & 0xFFFF_FFFF)
}

/// The bytes from `start` to `end` as text, or the error at the first byte
/// that is not UTF-8.
fn utf8(bytes: &[u8], start: usize, end: usize) -> Result<&str, SyntaxError> {
    std::str::from_utf8(&bytes[start..end]).map_err(|error| {
        syntax_error(
            bytes,
            start + error.valid_up_to(),
            "invalid UTF-8".to_owned(),
        )
    })
}

/// The parse of one document into its buffers. Positions are passed in
/// and handed back rather than kept in a field, so they stay in registers.
struct Parser<'a> {
    bytes: &'a [u8],
    nodes: &'a mut Vec<Node>,
    unescaped: &'a mut String,
    scratch: &'a mut Vec<u8>,
    /// No string so far has bytes beyond ASCII (outside strings, every
    /// byte is JSON punctuation, digits or whitespace).
    ascii: bool,
    /// A newline was seen (between tokens: strings cannot hold one).
    multiline: bool,
}

impl<'a> Parser<'a> {
    #[inline(always)]
    fn push(&mut self, tag: u8, start: usize, data: u64) {
        self.nodes.push(Node {
            tag,
            start: start as u32,
            data,
        });
    }

    #[cold]
    fn error<T>(&self, at: usize, message: &str) -> Result<T, SyntaxError> {
        Err(syntax_error(self.bytes, at, message.to_owned()))
    }

    /// An object key and its colon, from the key's quote at `at`; where the
    /// member's value may start.
    #[inline(always)]
    fn key(&mut self, at: usize) -> Result<usize, SyntaxError> {
        match self.bytes.get(at) {
            Some(b'"') => {}
            None => return self.error(at, "EOF while parsing an object"),
            Some(_) => return self.error(at, "key must be a string"),
        }
        let (tag, data, next) = self.string(at + 1)?;
        self.push(tag, at, data);
        if self.bytes.get(next) == Some(&b':') {
            return Ok(next + 1);
        }
        let next = skip_whitespace(self.bytes, next, &mut self.multiline);
        match self.bytes.get(next) {
            Some(b':') => Ok(next + 1),
            None => self.error(next, "EOF while parsing an object"),
            Some(_) => self.error(next, "expected `:`"),
        }
    }

    /// The whole input as one value. Open containers are chained through
    /// their nodes: until it closes, a container's data holds the index of
    /// the container around it and that one's count so far, so the parse
    /// needs no stack of its own.
    fn document(&mut self) -> Result<(), SyntaxError> {
        let bytes = self.bytes;
        let mut at = 0;
        let mut open = TOP;
        let mut count = 0usize;
        let mut in_object = false;
        let mut depth = 0usize;
        let mut multiline = false;
        'value: loop {
            at = skip_whitespace(bytes, at, &mut multiline);
            let start = at;
            let Some(&byte) = bytes.get(at) else {
                return self.error(at, "EOF while parsing a value");
            };
            match byte {
                b'"' => {
                    let (tag, data, next) = self.string(at + 1)?;
                    self.push(tag, start, data);
                    at = next;
                }
                b'-' | b'0'..=b'9' => {
                    let (tag, data, next) = self.number(at)?;
                    self.push(tag, start, data);
                    at = next;
                }
                b'{' | b'[' => {
                    if depth >= MAX_NESTING {
                        return self.error(at, "recursion limit exceeded");
                    }
                    let object = byte == b'{';
                    let (tag, closing) = if object {
                        (tag::OBJECT, b'}')
                    } else {
                        (tag::ARRAY, b']')
                    };
                    let node = self.nodes.len();
                    self.push(tag, start, halves(open, count));
                    at = skip_whitespace(bytes, at + 1, &mut multiline);
                    if bytes.get(at) == Some(&closing) {
                        at += 1;
                        self.nodes[node].data = halves(self.nodes.len(), 0);
                    } else {
                        depth += 1;
                        open = node;
                        count = 1;
                        in_object = object;
                        if object {
                            at = self.key(at)?;
                        }
                        continue 'value;
                    }
                }
                b't' => {
                    at = self.literal(at, b"true")?;
                    self.push(tag::TRUE, start, 0);
                }
                b'f' => {
                    at = self.literal(at, b"false")?;
                    self.push(tag::FALSE, start, 0);
                }
                b'n' => {
                    at = self.literal(at, b"null")?;
                    self.push(tag::NULL, start, 0);
                }
                _ => return self.error(at, "expected value"),
            }
            // A value is complete: close the containers it completes, then
            // find where the next value starts.
            loop {
                at = skip_whitespace(bytes, at, &mut multiline);
                if open == TOP {
                    if at < bytes.len() {
                        return self.error(at, "trailing characters");
                    }
                    self.multiline |= multiline;
                    return Ok(());
                }
                match bytes.get(at) {
                    Some(b',') => {
                        at = skip_whitespace(bytes, at + 1, &mut multiline);
                        count += 1;
                        let closing = if in_object { b'}' } else { b']' };
                        if bytes.get(at) == Some(&closing) {
                            return self.error(at, "trailing comma");
                        }
                        if in_object {
                            at = self.key(at)?;
                        }
                        continue 'value;
                    }
                    Some(b'}') if in_object => {}
                    Some(b']') if !in_object => {}
                    None if in_object => return self.error(at, "EOF while parsing an object"),
                    None => return self.error(at, "EOF while parsing a list"),
                    Some(_) if in_object => return self.error(at, "expected `,` or `}`"),
                    Some(_) => return self.error(at, "expected `,` or `]`"),
                }
                at += 1;
                let outer = self.nodes[open];
                self.nodes[open].data = halves(self.nodes.len(), count);
                open = outer.high();
                count = outer.low();
                depth -= 1;
                if open != TOP {
                    in_object = self.nodes[open].tag == tag::OBJECT;
                }
            }
        }
    }

    /// `word` at `at`; where it ends.
    #[inline(always)]
    fn literal(&self, at: usize, word: &[u8]) -> Result<usize, SyntaxError> {
        if self.bytes.get(at..at + word.len()) == Some(word) {
            return Ok(at + word.len());
        }
        self.bad_literal(at, word)
    }

    #[cold]
    fn bad_literal(&self, mut at: usize, word: &[u8]) -> Result<usize, SyntaxError> {
        for expected in word {
            match self.bytes.get(at) {
                None => return self.error(at, "EOF while parsing a value"),
                Some(byte) if byte != expected => return self.error(at, "expected ident"),
                Some(_) => at += 1,
            }
        }
        Ok(at)
    }

    /// A string's tag and data, and where it ends, from just after its
    /// opening quote at `at`.
    #[inline(always)]
    fn string(&mut self, at: usize) -> Result<(u8, u64, usize), SyntaxError> {
        let (end, beyond_ascii) = plain_end(self.bytes, at);
        if self.bytes.get(end) == Some(&b'"') {
            if beyond_ascii {
                // `Document::string` relies on this check.
                utf8(self.bytes, at, end)?;
                self.ascii = false;
            }
            return Ok((tag::STRING, (end - at) as u64, end + 1));
        }
        self.escaped(at, end, beyond_ascii)
    }

    /// A string that is not plain text from `start` to its closing quote:
    /// decoded into the document's buffer. `at` is where the plain text stops.
    #[cold]
    fn escaped(
        &mut self,
        start: usize,
        mut at: usize,
        mut beyond_ascii: bool,
    ) -> Result<(u8, u64, usize), SyntaxError> {
        // Decoded into `scratch` and checked as UTF-8 once whole: a string
        // with escapes is mostly short runs between them (JSON inside a
        // JSON string has one every few bytes). Escapes decode to whole
        // characters, so the decoded string is UTF-8 exactly when every run
        // of the input is.
        self.scratch.clear();
        let mut run = start;
        loop {
            match self.bytes.get(at) {
                Some(b'"' | b'\\') => {}
                Some(_) => {
                    return self.error(
                        at,
                        "control character (\\u0000-\\u001F) found while parsing a string",
                    );
                }
                None => return self.error(at, "EOF while parsing a string"),
            }
            self.scratch.extend_from_slice(&self.bytes[run..at]);
            if self.bytes[at] == b'"' {
                let text = match std::str::from_utf8(self.scratch) {
                    Ok(text) => text,
                    Err(_) => return Err(self.invalid_utf8(start, at)),
                };
                self.ascii &= !beyond_ascii;
                let from = self.unescaped.len();
                self.unescaped.push_str(text);
                return Ok((tag::ESCAPED, halves(from, text.len()), at + 1));
            }
            // The escape's letter, after the backslash.
            let Some(&letter) = self.bytes.get(at + 1) else {
                return self.error(at + 1, "EOF while parsing a string");
            };
            at += 2;
            let byte = match letter {
                b'"' => b'"',
                b'\\' => b'\\',
                b'/' => b'/',
                b'b' => 0x08,
                b'f' => 0x0c,
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                b'u' => {
                    let (c, next) = self.unicode_escape(at)?;
                    at = next;
                    let mut encoded = [0u8; 4];
                    self.scratch
                        .extend_from_slice(c.encode_utf8(&mut encoded).as_bytes());
                    run = at;
                    let (end, beyond) = plain_end(self.bytes, at);
                    at = end;
                    beyond_ascii |= beyond;
                    continue;
                }
                _ => return self.error(at - 1, "invalid escape"),
            };
            self.scratch.push(byte);
            run = at;
            let (end, beyond) = plain_end(self.bytes, at);
            at = end;
            beyond_ascii |= beyond;
        }
    }

    /// The error of a string from `start` to its closing quote at `end`
    /// whose runs between escapes are not all UTF-8: at the first bad byte.
    #[cold]
    fn invalid_utf8(&self, start: usize, end: usize) -> SyntaxError {
        let mut run = start;
        while run < end {
            let stop = self.bytes[run..end]
                .iter()
                .position(|&b| b == b'\\')
                .map_or(end, |offset| run + offset);
            if let Err(error) = utf8(self.bytes, run, stop) {
                return error;
            }
            // Past the escape: `\uXXXX` or a backslash and its letter.
            run = match self.bytes.get(stop + 1) {
                Some(b'u') => stop + 6,
                _ => stop + 2,
            };
        }
        syntax_error(self.bytes, start, "invalid UTF-8".to_owned())
    }

    /// Four hex digits at `at`.
    fn hex4(&self, at: usize) -> Result<u32, SyntaxError> {
        let mut code = 0u32;
        for i in at..at + 4 {
            let digit = match self.bytes.get(i) {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                None => return self.error(i, "EOF while parsing a string"),
                Some(_) => return self.error(i, "invalid escape"),
            };
            code = code * 16 + u32::from(digit);
        }
        Ok(code)
    }

    /// The character of a `\u` escape whose digits start at `at` (and of the
    /// low surrogate's escape that must follow a high one), and where it ends.
    fn unicode_escape(&self, at: usize) -> Result<(char, usize), SyntaxError> {
        let first = self.hex4(at)?;
        let mut at = at + 4;
        let code = match first {
            0xD800..=0xDBFF => {
                if self.bytes.get(at..at + 2) != Some(b"\\u") {
                    return self.error(at, "lone leading surrogate in hex escape");
                }
                let second = self.hex4(at + 2)?;
                at += 6;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return self.error(at, "lone leading surrogate in hex escape");
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return self.error(at, "lone trailing surrogate in hex escape"),
            code => code,
        };
        match char::from_u32(code) {
            Some(c) => Ok((c, at)),
            None => self.error(at, "invalid unicode code point"),
        }
    }

    /// A number at `at`, exact when it is an integer that fits 64 bits, else
    /// `f64` as `serde_json` reads it (`-0` too), and where it ends; beyond
    /// `f64` it is an error.
    #[inline(always)]
    fn number(&self, start: usize) -> Result<(u8, u64, usize), SyntaxError> {
        let bytes = self.bytes;
        let negative = bytes[start] == b'-';
        let mut at = start + usize::from(negative);
        let mut magnitude: u64 = 0;
        let mut overflow = false;
        match bytes.get(at) {
            Some(b'0') => at += 1,
            Some(b'1'..=b'9') => {
                let first = at;
                // Timestamps and ids are most of a payload's numbers: their
                // digits eight at a time.
                while at - first + 8 < 19
                    && let Some(eight) = bytes.get(at..at + 8).and_then(eight_digits)
                {
                    magnitude = magnitude * 100_000_000 + eight;
                    at += 8;
                }
                while let Some(&digit @ b'0'..=b'9') = bytes.get(at) {
                    let digit = u64::from(digit - b'0');
                    // Nineteen digits always fit 64 bits.
                    if at - first < 19 {
                        magnitude = magnitude * 10 + digit;
                    } else {
                        match magnitude.checked_mul(10).and_then(|m| m.checked_add(digit)) {
                            Some(m) => magnitude = m,
                            None => overflow = true,
                        }
                    }
                    at += 1;
                }
            }
            None => return self.error(at, "EOF while parsing a value"),
            Some(_) => return self.error(at, "invalid number"),
        }
        if let Some(b'.' | b'e' | b'E') = bytes.get(at) {
            return self.float(start, at);
        }
        if !overflow {
            if !negative {
                return Ok((tag::UINT, magnitude, at));
            }
            if magnitude != 0 && magnitude <= i64::MAX as u64 + 1 {
                return Ok((tag::INT, (magnitude as i64).wrapping_neg() as u64, at));
            }
        }
        self.float(start, at)
    }

    /// A number with a fraction or an exponent (or beyond 64 bits), read as
    /// `f64`; `at` is where its integer part ends.
    #[cold]
    fn float(&self, start: usize, mut at: usize) -> Result<(u8, u64, usize), SyntaxError> {
        if self.bytes.get(at) == Some(&b'.') {
            at = self.digits(at + 1)?;
        }
        if let Some(b'e' | b'E') = self.bytes.get(at) {
            at += 1;
            if let Some(b'+' | b'-') = self.bytes.get(at) {
                at += 1;
            }
            at = self.digits(at)?;
        }
        match utf8(self.bytes, start, at)?.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok((tag::FLOAT, f.to_bits(), at)),
            _ => self.error(start, "number out of range"),
        }
    }

    /// One or more digits at `at`; where they end.
    fn digits(&self, mut at: usize) -> Result<usize, SyntaxError> {
        match self.bytes.get(at) {
            Some(b'0'..=b'9') => {}
            None => return self.error(at, "EOF while parsing a value"),
            Some(_) => return self.error(at, "invalid number"),
        }
        while let Some(b'0'..=b'9') = self.bytes.get(at) {
            at += 1;
        }
        Ok(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document that owns its buffers, for tests that look at one at a time.
    fn parse(text: &[u8]) -> Document<'static> {
        Document::parse(text.to_vec().leak(), Box::leak(Box::default())).unwrap()
    }

    fn same_as_serde_json(text: &str) {
        let document = parse(text.as_bytes());
        let expected: Value = serde_json::from_str(text).unwrap();
        assert_eq!(document.root().to_value(), expected, "{text}");
        assert!(document.root().equals(&expected), "{text}");
    }

    #[test]
    fn characters_and_newlines_are_counted_wherever_they_fall() {
        let text = "a\né\n\u{1f600}bc\n\n€ x\n".repeat(5);
        for start in 0..text.len() {
            for end in start..text.len() {
                let run = &text.as_bytes()[start..end];
                let characters = run.iter().filter(|b| **b & 0xC0 != 0x80).count() as u64;
                let newlines = run.iter().filter(|b| **b == b'\n').count() as u64;
                assert_eq!(count(run), (characters, newlines), "{start}..{end}");
            }
        }
    }

    #[test]
    fn ascii_texts_are_placed_as_any_text_is() {
        for text in [
            r#"{"a": [1, {"b": "x"}], "c": null}"#,
            "{\n  \"a\": [1,\n {\"b\": \"x\"}],\r\n\t\"c\": null\n}\n",
            "\n\n[\n]",
        ] {
            let bytes = text.as_bytes();
            let document = parse(bytes);
            assert!(document.ascii);
            assert_eq!(document.multiline, text.contains('\n'));
            let mut fast = Cursor {
                ascii: true,
                multiline: document.multiline,
                ..Cursor::start()
            };
            let mut slow = Cursor::start();
            for offset in 0..=bytes.len() {
                assert_eq!(
                    fast.advance_to(bytes, offset),
                    slow.advance_to(bytes, offset),
                    "{text:?} at {offset}"
                );
            }
        }
    }

    #[test]
    fn the_next_document_reuses_the_buffers_of_the_last() {
        let text = "[1, 2, 3, [4, 5], {\"a\": 6}]";
        let spare = |look: fn(&Buffers) -> usize| {
            SPARE.with(|spare| {
                let buffers = spare.take();
                let seen = look(&buffers);
                spare.set(buffers);
                seen
            })
        };
        Document::with(text.as_bytes(), |first| assert_eq!(first.nodes.len(), 10)).unwrap();
        let buffer = spare(|buffers| buffers.nodes.as_ptr() as usize);
        let value = Document::with(b"7", |second| {
            assert_eq!(second.nodes.as_ptr() as usize, buffer);
            second.root().to_value()
        });
        assert_eq!(value.unwrap(), serde_json::json!(7));
        // A document parsed while another is in use gets buffers of its own.
        let inner = Document::with(b"[1]", |_| {
            Document::with(b"[2, 3]", |inner| inner.nodes.len())
        });
        assert_eq!(inner.unwrap().unwrap(), 3);
        let huge = format!("[{}0]", "0,".repeat(KEEP_NODES));
        Document::with(huge.as_bytes(), |_| ()).unwrap();
        assert_eq!(
            spare(|buffers| buffers.nodes.capacity()),
            0,
            "a huge payload's buffers are freed"
        );
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
    fn eight_digits_are_read_at_once() {
        assert_eq!(eight_digits(b"12345678"), Some(12_345_678));
        assert_eq!(eight_digits(b"00000009"), Some(9));
        assert_eq!(eight_digits(b"99999999"), Some(99_999_999));
        for bad in [
            &b"1234567a"[..],
            b"/2345678",
            b":2345678",
            b"1234 678",
            b"1234567",
        ] {
            assert_eq!(eight_digits(bad), None, "{}", String::from_utf8_lossy(bad));
        }
        for text in [
            "1663597223",
            "123456789012345678",
            "1234567890123456789",
            "12345678901234567890",
            "-9223372036854775808",
            "18446744073709551615",
            "18446744073709551616",
            "100000000",
            "12345678.5",
            "87654321e2",
        ] {
            same_as_serde_json(text);
            same_as_serde_json(&format!("[{text}, {{\"n\": {text}}}]"));
        }
    }

    #[test]
    fn every_scan_for_a_string_end_agrees_with_the_bytewise_one() {
        let alphabet: [&[u8]; 7] = [
            b"a",
            b"\"",
            b"\\",
            b"\x01",
            b"\x1f",
            "é".as_bytes(),
            b"\x7f",
        ];
        for length in 0..40 {
            for (i, special) in alphabet.iter().enumerate() {
                for at in 0..length {
                    let mut text: Vec<u8> = std::iter::repeat_n(b'x', length).collect();
                    text.splice(at..at + 1, special.iter().copied());
                    let expected = plain_end_bytewise(&text, 0, false);
                    let widened = |scan: Result<(usize, bool), (usize, bool)>| match scan {
                        Ok(found) => found,
                        Err((rest, beyond)) => plain_end_bytewise(&text, rest, beyond),
                    };
                    assert_eq!(
                        widened(plain_end_swar(&text, 0)),
                        expected,
                        "{i} at {at} of {length}"
                    );
                    #[cfg(target_arch = "x86_64")]
                    assert_eq!(
                        widened(plain_end_sse2(&text, 0)),
                        expected,
                        "{i} at {at} of {length}"
                    );
                    assert_eq!(plain_end(&text, 0), expected);
                }
            }
        }
    }

    #[test]
    fn utf8_is_checked_in_every_string_wherever_the_bad_byte_falls() {
        let bad: [&[u8]; 6] = [
            b"\xff",
            b"\xc3",
            b"\xe2\x82",
            b"\xc0\x80",
            b"\xed\xa0\x80",
            b"\xf4\x90\x80\x80",
        ];
        for before in 0..18 {
            let plain = "a".repeat(before);
            for sequence in bad {
                for (open, close) in [
                    ("\"", "\""),
                    ("{\"", "\": 1}"),
                    ("[\"\\n", "\"]"),
                    ("\"\\t", "x\\n\""),
                ] {
                    let mut text = Vec::new();
                    text.extend_from_slice(open.as_bytes());
                    text.extend_from_slice(plain.as_bytes());
                    let bad_at = text.len();
                    text.extend_from_slice(sequence);
                    text.extend_from_slice("é".as_bytes());
                    text.extend_from_slice(close.as_bytes());
                    let e = error(&text);
                    assert_eq!(
                        e.message,
                        "invalid UTF-8",
                        "{}",
                        String::from_utf8_lossy(&text)
                    );
                    let characters = text[..bad_at].iter().filter(|b| **b & 0xC0 != 0x80).count();
                    assert_eq!(e.position.column, characters as u64 + 1);
                    assert!(serde_json::from_slice::<Value>(&text).is_err());
                }
                // Outside a string, a byte beyond ASCII is no JSON at all.
                let mut text = b"[1, ".to_vec();
                text.extend_from_slice(sequence);
                text.push(b']');
                assert!(Document::parse(&text, &mut Buffers::default()).is_err());
            }
            for good in [
                "é",
                "€",
                "\u{1f600}",
                "\u{7ff}\u{800}\u{ffff}\u{10000}\u{10ffff}",
            ] {
                same_as_serde_json(&format!(
                    r#"{{"{plain}{good}": "{good}{plain}", "k": ["\n{plain}{good}"]}}"#
                ));
            }
        }
    }

    #[test]
    fn every_value_knows_its_pointer() {
        fn walk(item: Item<'_>, pointer: String, seen: &mut usize) {
            assert_eq!(item.pointer().as_deref(), Some(pointer.as_str()));
            *seen += 1;
            if let Some(members) = item.as_object() {
                for (key, value) in members.members() {
                    let token = key.replace('~', "~0").replace('/', "~1");
                    walk(value, format!("{pointer}/{token}"), seen);
                }
            }
            if let Some(items) = item.as_array() {
                for (i, value) in items.items().enumerate() {
                    walk(value, format!("{pointer}/{i}"), seen);
                }
            }
        }
        let text = r#"{"a": [1, [2, [], {}], {"x/y": {"~": null}}], "": {"b": [true]}, "c\u0041": "d", "e": {}}"#;
        let mut seen = 0;
        walk(parse(text.as_bytes()).root(), String::new(), &mut seen);
        assert_eq!(seen, 15);
        let mut seen = 0;
        walk(parse(b"[[[]], 5]").root(), String::new(), &mut seen);
        assert_eq!(seen, 4);
    }

    #[test]
    fn members_and_items_step_over_nested_values() {
        let text = r#"{"a": [1, [2, 3], {"x": 4}], "b": {"c": {}}, "d": 5}"#;
        let document = parse(text.as_bytes());
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
        Document::parse(text, &mut Buffers::default()).unwrap_err()
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
                Document::parse(bad, &mut Buffers::default()).is_err(),
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
        assert!(Document::parse(ok.as_bytes(), &mut Buffers::default()).is_ok());
        let deep = "[".repeat(100_000);
        let e = error(deep.as_bytes());
        assert_eq!(e.message, "recursion limit exceeded");
        assert_eq!(e.position.column, MAX_NESTING as u64 + 1);
    }
}
