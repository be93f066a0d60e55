//! The parser: RFC 8259 JSON into the document's flat nodes.

use super::locations::syntax_error;
#[cfg(target_arch = "x86_64")]
use super::text::decode_simple;
use super::text::{Lines, copy_plain, eight_digits, plain_end, skip_whitespace, utf8};
use super::{MAX_NESTING, Node, halves, tag};
use crate::validate::SyntaxError;

/// No open container: the parser stands at the top level.
const TOP: usize = u32::MAX as usize;

/// The parse of one document into its buffers. Positions are passed in
/// and handed back rather than kept in a field, so they stay in registers.
pub(super) struct Parser<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) nodes: &'a mut Vec<Node>,
    pub(super) unescaped: &'a mut String,
    pub(super) scratch: &'a mut Vec<u8>,
    /// No string so far has bytes beyond ASCII (outside strings, every
    /// byte is JSON punctuation, digits or whitespace).
    pub(super) ascii: bool,
    /// The newlines seen (between tokens: strings cannot hold one) by the
    /// keys' whitespace; `document` counts the rest and adds them.
    pub(super) lines: Lines,
    /// The value may be followed by anything: it is the first of the input,
    /// not the whole input.
    pub(super) prefix: bool,
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
        let next = skip_whitespace(self.bytes, next, &mut self.lines);
        match self.bytes.get(next) {
            Some(b':') => Ok(next + 1),
            None => self.error(next, "EOF while parsing an object"),
            Some(_) => self.error(next, "expected `:`"),
        }
    }

    /// The whole input as one value (with `prefix`, the value at its start),
    /// and where it ends, past the whitespace after it. Open containers are chained through
    /// their nodes: until it closes, a container's data holds the index of
    /// the container around it and that one's count so far, so the parse
    /// needs no stack of its own.
    pub(super) fn document(&mut self) -> Result<usize, SyntaxError> {
        let bytes = self.bytes;
        let mut at = 0;
        let mut open = TOP;
        let mut count = 0usize;
        let mut in_object = false;
        let mut depth = 0usize;
        let mut lines = Lines::default();
        'value: loop {
            at = skip_whitespace(bytes, at, &mut lines);
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
                    at = skip_whitespace(bytes, at + 1, &mut lines);
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
                at = skip_whitespace(bytes, at, &mut lines);
                if open == TOP {
                    if at < bytes.len() && !self.prefix {
                        return self.error(at, "trailing characters");
                    }
                    self.lines = self.lines.merge(lines);
                    return Ok(at);
                }
                match bytes.get(at) {
                    Some(b',') => {
                        at = skip_whitespace(bytes, at + 1, &mut lines);
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
        self.scratch.extend_from_slice(&self.bytes[start..at]);
        loop {
            #[cfg(target_arch = "x86_64")]
            {
                let (end, beyond) = decode_simple(self.bytes, at, self.scratch);
                at = end;
                beyond_ascii |= beyond;
            }
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
            if self.bytes[at] == b'"' {
                // Checked even when every run was ASCII: on ASCII the check
                // runs a word at a time, and it keeps a mistake in the
                // tracking of `beyond_ascii` from making a `str` of bytes
                // that are not UTF-8.
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
            let (end, beyond) = match letter {
                // The character is the letter itself: copied with the run
                // after it (most escapes of a body in a HAR are `\"`).
                b'"' | b'\\' | b'/' => copy_plain(self.bytes, at + 1, true, self.scratch),
                _ => {
                    at += 2;
                    match letter {
                        b'b' => self.scratch.push(0x08),
                        b'f' => self.scratch.push(0x0C),
                        b'n' => self.scratch.push(b'\n'),
                        b'r' => self.scratch.push(b'\r'),
                        b't' => self.scratch.push(b'\t'),
                        b'u' => {
                            let (c, next) = self.unicode_escape(at)?;
                            at = next;
                            let mut encoded = [0u8; 4];
                            self.scratch
                                .extend_from_slice(c.encode_utf8(&mut encoded).as_bytes());
                        }
                        _ => return self.error(at - 1, "invalid escape"),
                    }
                    copy_plain(self.bytes, at, false, self.scratch)
                }
            };
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
