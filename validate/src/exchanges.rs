//! Recorded exchanges with the API, read from HAR 1.2 files (browsers,
//! proxies, test recorders) and from NDJSON, one exchange a line. Reading
//! only finds the exchanges, their bodies and where each sits in the file;
//! routing and checking them is `traffic`'s job.

use base64::Engine as _;
use intercom_runtime::Position;
use std::borrow::Cow;

use intercom_runtime::document::{Buffers, Document, Item, Members};
use intercom_runtime::json::{Json, JsonObject, Kind, Num};
use serde::Deserialize;
use serde_json::value::RawValue;

/// One request and its response, as recorded. It borrows from the text it
/// was read from (a HAR entry's parse, an NDJSON line): an exchange is
/// checked as it is read, and nothing of it is copied that need not be.
#[derive(Debug)]
pub struct Exchange<'a> {
    /// HAR: the index in `log.entries`; NDJSON: the line.
    pub entry: u64,
    /// Where the exchange starts in the file.
    pub line: u64,
    pub method: Cow<'a, str>,
    /// The URL or path as recorded.
    pub target: Cow<'a, str>,
    /// `None`: no response was recorded (HAR's status 0, or none given).
    pub status: Option<u16>,
    pub request: Option<Body<'a>>,
    pub response: Option<Body<'a>>,
}

impl Exchange<'_> {
    /// The exchange with everything it borrows copied.
    pub fn into_owned(self) -> Exchange<'static> {
        Exchange {
            entry: self.entry,
            line: self.line,
            method: Cow::Owned(self.method.into_owned()),
            target: Cow::Owned(self.target.into_owned()),
            status: self.status,
            request: self.request.map(Body::into_owned),
            response: self.response.map(Body::into_owned),
        }
    }
}

/// A body as recorded.
#[derive(Debug)]
pub struct Body<'a> {
    /// `None` where the recording gives none (NDJSON bodies are JSON values).
    pub media_type: Option<Cow<'a, str>>,
    /// As recorded, or decoded from base64.
    pub text: Cow<'a, [u8]>,
    /// Where the body's first character is in the file, when the body is
    /// written in it as JSON (NDJSON): errors inside it are placed in the
    /// file. `None` for HAR, whose bodies are strings: errors are placed in
    /// the body's own text.
    pub origin: Option<Position>,
    /// The text was read as text (a JSON string, a line that is UTF-8), so
    /// it is UTF-8 and need not be checked again; not when it was decoded
    /// from base64.
    pub utf8: bool,
    /// Why the recorded text could not be read (base64 that does not
    /// decode, an encoding HAR does not have): this side is reported so,
    /// and the exchange's other side is still checked.
    pub unreadable: Option<String>,
}

impl Body<'_> {
    fn into_owned(self) -> Body<'static> {
        Body {
            media_type: self.media_type.map(|m| Cow::Owned(m.into_owned())),
            text: Cow::Owned(self.text.into_owned()),
            origin: self.origin,
            utf8: self.utf8,
            unreadable: self.unreadable,
        }
    }

    /// Whether the body is JSON: its media type says so, or it has none
    /// because it was recorded as a JSON value.
    pub fn is_json(&self) -> bool {
        self.media_type
            .as_deref()
            .is_none_or(intercom_runtime::operations::is_json_media_type)
    }
}

/// What a file of exchanges could not give: an exchange (or the whole file)
/// that is not what HAR or the NDJSON form says it must be.
#[derive(Debug)]
pub struct ReadError {
    /// HAR: the entry's index; NDJSON: the line. `None`: the whole file.
    pub entry: Option<u64>,
    pub position: Position,
    pub message: String,
}

/// Each exchange of a file, or why it could not be read.
pub type Exchanges = Vec<Result<Exchange<'static>, ReadError>>;

/// Which of the two forms a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Har,
    Ndjson,
}

/// Tells HAR from NDJSON by the first bytes of a file (`FORM_PREFIX` of
/// them are enough): a HAR file is an object whose first key is `log` (HAR
/// has no other), pretty-printed or not; an NDJSON exchange never has `log`.
pub fn form(prefix: &[u8]) -> Form {
    let rest = prefix.trim_ascii_start();
    let Some(rest) = rest.strip_prefix(b"{") else {
        return Form::Ndjson;
    };
    let Some(rest) = rest.trim_ascii_start().strip_prefix(b"\"log\"") else {
        return Form::Ndjson;
    };
    if rest.trim_ascii_start().starts_with(b":") {
        Form::Har
    } else {
        Form::Ndjson
    }
}

/// The form a file's name says: `.har` is HAR, `.ndjson` and `.jsonl` are
/// NDJSON; `None` for any other name, whose form its first bytes tell. A
/// recording named `.har` that is not JSON, or not HAR, is then reported as
/// such instead of being read as lines that are not exchanges.
pub fn form_of_name(path: &std::path::Path) -> Option<Form> {
    let extension = path.extension()?.to_str()?;
    if extension.eq_ignore_ascii_case("har") {
        Some(Form::Har)
    } else if extension.eq_ignore_ascii_case("ndjson") || extension.eq_ignore_ascii_case("jsonl") {
        Some(Form::Ndjson)
    } else {
        None
    }
}

/// How many bytes `form` needs to look at.
pub const FORM_PREFIX: u64 = 256;

/// Reads a HAR file as it streams in, handing each entry of `log.entries`
/// to `each` as soon as it is read: only one entry is held at a time, so a
/// file of any size is read in the memory of its largest entry. `Err` when
/// the file as a whole cannot be read (it is not HAR, or it is not JSON, or
/// it ends early); the entries before that point have been handed over.
pub fn read_har(
    input: impl std::io::BufRead,
    mut each: impl FnMut(Result<Exchange<'_>, ReadError>),
) -> Result<(), ReadError> {
    let mut scanner = Scanner {
        input,
        line: 1,
        column: 1,
        buffer: Vec::new(),
    };
    let mut found = false;
    // The entry's parse, kept from one entry to the next.
    let mut buffers = Buffers::default();
    scanner.object(
        |scanner, key| {
            if key != "log" {
                return scanner.skip_value(&format!("`{key}`"));
            }
            scanner.object(
                |scanner, key| {
                    if key != "entries" {
                        return scanner.skip_value(&format!("`log.{key}`"));
                    }
                    found = true;
                    let mut index = 0u64;
                    scanner.list("`log.entries`", |scanner| {
                        // Where the entry's `{` is, past the whitespace before it.
                        scanner.peek()?;
                        let at = scanner.position();
                        if !scanner.entry_in_place(index, at, &mut buffers, &mut each)? {
                            scanner.capture_value(|| format!("entries[{index}]"))?;
                            har_entry(index, at, &scanner.buffer, &mut buffers, &mut each);
                        }
                        index += 1;
                        Ok(())
                    })
                },
                "`log`",
            )
        },
        "a HAR file",
    )?;
    scanner.end()?;
    if !found {
        return Err(ReadError {
            entry: None,
            position: Position { line: 1, column: 1 },
            message: "not a HAR file: it has no `log.entries` (HAR 1.2 keeps the exchanges there)"
                .into(),
        });
    }
    Ok(())
}

/// A HAR body (`postData` or `content`) as its entry gives it.
struct HarBody<'a> {
    mime_type: Option<&'a str>,
    text: Option<&'a str>,
    encoding: Option<&'a str>,
}

/// One entry, read from its text, which starts at `at` in the file. The
/// entry is parsed once, by the runtime's document parser (which decodes
/// only the strings with escapes: the bodies), and only the fields HAR
/// routing and checking need are read from it; headers, cookies and
/// timings are passed over.
fn har_entry(
    index: u64,
    at: Position,
    text: &[u8],
    buffers: &mut Buffers,
    each: &mut impl FnMut(Result<Exchange<'_>, ReadError>),
) {
    let error = |position: Position, message: String| ReadError {
        entry: Some(index),
        position,
        message,
    };
    match Document::parse(text, buffers) {
        Ok(document) => har_document(index, at, &document, each),
        Err(syntax) => {
            // The parser's position is in the entry's text.
            let position = if syntax.position.line <= 1 {
                Position {
                    line: at.line,
                    column: at.column + syntax.position.column.saturating_sub(1),
                }
            } else {
                Position {
                    line: at.line + syntax.position.line - 1,
                    column: syntax.position.column,
                }
            };
            each(Err(error(
                position,
                format!("not a HAR entry: {}", syntax.message),
            )));
        }
    }
}

/// The exchange of an entry's parse, handed to `each`.
fn har_document(
    index: u64,
    at: Position,
    document: &Document<'_>,
    each: &mut impl FnMut(Result<Exchange<'_>, ReadError>),
) {
    each(
        entry_fields(document.root())
            .map(|mut exchange| {
                exchange.entry = index;
                exchange.line = at.line;
                exchange
            })
            .map_err(|message| ReadError {
                entry: Some(index),
                position: at,
                message,
            }),
    );
}

/// The members `keys` of an object (the first of each, if one is there
/// twice), found in one pass over its members: every entry is read this
/// way, and a lookup per key walked the members again for each.
fn members<'d, const N: usize>(object: Members<'d>, keys: [&str; N]) -> [Option<Item<'d>>; N] {
    let mut found = [None; N];
    for (name, value) in object.members() {
        if let Some(i) = keys.iter().position(|key| *key == name)
            && found[i].is_none()
        {
            found[i] = Some(value);
        }
    }
    found
}

/// `value`, the member `key` of the object at `parent` in the entry, as
/// `read` reads it: `None` when absent or `null`, an error naming the path
/// and `expected` when `read` cannot.
fn typed<'d, T>(
    value: Option<Item<'d>>,
    parent: &str,
    key: &str,
    expected: &str,
    read: impl FnOnce(Item<'d>) -> Option<T>,
) -> Result<Option<T>, String> {
    match value {
        None => Ok(None),
        Some(value) if value.kind() == Kind::Null => Ok(None),
        Some(value) => read(value).map(Some).ok_or_else(|| {
            format!(
                "`{}` is {}, expected {expected}",
                path(parent, key),
                kind_name(value)
            )
        }),
    }
}

fn object<'d>(
    value: Option<Item<'d>>,
    parent: &str,
    key: &str,
) -> Result<Option<Members<'d>>, String> {
    typed(value, parent, key, "an object", Item::as_object)
}

fn string<'d>(value: Option<Item<'d>>, parent: &str, key: &str) -> Result<Option<&'d str>, String> {
    typed(value, parent, key, "a string", Item::as_str)
}

/// `request.postData`, from `request` and `postData`.
fn path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

fn kind_name(value: Item<'_>) -> &'static str {
    match value.kind() {
        Kind::Null => "null",
        Kind::Bool => "a boolean",
        Kind::Number => "a number",
        Kind::String => "a string",
        Kind::Array => "an array",
        Kind::Object => "an object",
    }
}

/// The body `value`, the member `key` of `parent`; `at` is its path in
/// the entry.
fn har_body_at<'d>(
    value: Option<Item<'d>>,
    parent: &str,
    key: &str,
    at: &str,
) -> Result<Option<HarBody<'d>>, String> {
    let Some(body) = object(value, parent, key)? else {
        return Ok(None);
    };
    let [mime_type, text, encoding] = members(body, ["mimeType", "text", "encoding"]);
    Ok(Some(HarBody {
        mime_type: string(mime_type, at, "mimeType")?,
        text: string(text, at, "text")?,
        encoding: string(encoding, at, "encoding")?,
    }))
}

/// The exchange an entry gives (its `entry` and `line` are the caller's).
fn entry_fields<'d>(entry: Item<'d>) -> Result<Exchange<'d>, String> {
    let missing = |what: &str| format!("`{what}` is missing (HAR 1.2 requires it)");
    let Some(entry) = entry.as_object() else {
        return Err(format!(
            "an entry is {}, expected an object",
            kind_name(entry)
        ));
    };
    let [request, response] = members(entry, ["request", "response"]);
    let request = object(request, "", "request")?.ok_or_else(|| missing("request"))?;
    let [method, url, post_data] = members(request, ["method", "url", "postData"]);
    let method = string(method, "request", "method")?.ok_or_else(|| missing("request.method"))?;
    let target = string(url, "request", "url")?.ok_or_else(|| missing("request.url"))?;
    let response = object(response, "", "response")?.ok_or_else(|| missing("response"))?;
    let [status, content] = members(response, ["status", "content"]);
    let status = match status {
        None => return Err(missing("response.status")),
        Some(status) => match status.as_number() {
            // HAR records a request that got no response with status 0.
            Some(Num::Uint(0)) => None,
            Some(Num::Uint(code @ 100..=599)) => Some(code as u16),
            _ => {
                return Err(format!(
                    "`response.status` is {}, expected an HTTP status code",
                    status.to_value()
                ));
            }
        },
    };
    let body = |body: Option<HarBody<'d>>, what: &str| match body {
        None => Ok(None),
        Some(body) => har_body(body, what),
    };
    let request_body = body(
        har_body_at(post_data, "request", "postData", "request.postData")?,
        "request.postData",
    )?;
    let response_body = match status {
        None => None,
        Some(_) => body(
            har_body_at(content, "response", "content", "response.content")?,
            "response.content",
        )?,
    };
    Ok(Exchange {
        entry: 0,
        line: 0,
        method: Cow::Borrowed(method),
        target: Cow::Borrowed(target),
        status,
        request: request_body,
        response: response_body,
    })
}

/// The structure of a HAR file around its entries, read as it streams in,
/// with the line and column of each byte; every value is checked to be JSON
/// by serde_json, one value at a time.
struct Scanner<R> {
    input: R,
    line: u64,
    column: u64,
    /// The text of the value `capture_value` read last.
    buffer: Vec<u8>,
}

impl<R: std::io::BufRead> Scanner<R> {
    fn position(&self) -> Position {
        Position {
            line: self.line,
            column: self.column,
        }
    }

    fn fail<T>(&self, message: String) -> Result<T, ReadError> {
        Err(ReadError {
            entry: None,
            position: self.position(),
            message,
        })
    }

    fn io(&self, error: std::io::Error) -> ReadError {
        ReadError {
            entry: None,
            position: self.position(),
            message: format!("cannot read: {error}"),
        }
    }

    /// The next byte that is not whitespace, not consumed.
    fn peek(&mut self) -> Result<Option<u8>, ReadError> {
        loop {
            let chunk = match self.input.fill_buf() {
                Ok(chunk) => chunk,
                Err(error) => return Err(self.io(error)),
            };
            if chunk.is_empty() {
                return Ok(None);
            }
            let spaces = chunk
                .iter()
                .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                .unwrap_or(chunk.len());
            count(&mut self.line, &mut self.column, &chunk[..spaces]);
            let found = chunk.get(spaces).copied();
            self.input.consume(spaces);
            if found.is_some() {
                return Ok(found);
            }
        }
    }

    fn expect(&mut self, byte: u8, what: &str) -> Result<(), ReadError> {
        match self.peek()? {
            Some(b) if b == byte => {
                self.input.consume(1);
                self.column += 1;
                Ok(())
            }
            Some(b) => self.fail(format!(
                "expected `{}` {what}, found `{}`",
                byte as char,
                (b as char).escape_default()
            )),
            None => self.fail(format!(
                "the file ends where `{}` {what} was expected (is it truncated?)",
                byte as char
            )),
        }
    }

    /// An object whose values `value` reads after each key.
    fn object(
        &mut self,
        mut value: impl FnMut(&mut Self, &str) -> Result<(), ReadError>,
        what: &str,
    ) -> Result<(), ReadError> {
        self.expect(b'{', &format!("to open {what}"))?;
        if self.peek()? == Some(b'}') {
            self.expect(b'}', "")?;
            return Ok(());
        }
        loop {
            if self.peek()? != Some(b'"') {
                return self.fail(format!("expected a key in {what}"));
            }
            self.capture_value(|| what.to_owned())?;
            let key: String = serde_json::from_slice(&self.buffer).map_err(|e| ReadError {
                entry: None,
                position: self.position(),
                message: format!("a key of {what} is not a JSON string: {e}"),
            })?;
            self.expect(b':', &format!("after the key `{key}`"))?;
            value(self, &key)?;
            match self.peek()? {
                Some(b',') => self.expect(b',', "")?,
                Some(b'}') => return self.expect(b'}', ""),
                Some(_) => return self.fail(format!("expected `,` or `}}` in {what}")),
                None => {
                    return self.fail(format!("the file ends inside {what} (is it truncated?)"));
                }
            }
        }
    }

    /// A list whose items `item` reads.
    fn list(
        &mut self,
        what: &str,
        mut item: impl FnMut(&mut Self) -> Result<(), ReadError>,
    ) -> Result<(), ReadError> {
        self.expect(b'[', &format!("to open {what}"))?;
        if self.peek()? == Some(b']') {
            return self.expect(b']', "");
        }
        loop {
            item(self)?;
            match self.peek()? {
                Some(b',') => self.expect(b',', "")?,
                Some(b']') => return self.expect(b']', ""),
                Some(_) => return self.fail(format!("expected `,` or `]` in {what}")),
                None => {
                    return self.fail(format!("the file ends inside {what} (is it truncated?)"));
                }
            }
        }
    }

    /// The entry at the front of the input, parsed where it lies in the
    /// input's buffer and handed to `each`, when all of it is there and it
    /// parses: most entries of a file, read without copying them out or
    /// scanning their brackets first. `false`, with nothing consumed, when
    /// not (an entry across the end of the buffer, or one that is not
    /// JSON): the caller captures it whole and parses that, which also
    /// gives an error its message. Only an object is taken here: the end
    /// of the buffer cannot cut it and leave something that parses.
    fn entry_in_place(
        &mut self,
        index: u64,
        at: Position,
        buffers: &mut Buffers,
        each: &mut impl FnMut(Result<Exchange<'_>, ReadError>),
    ) -> Result<bool, ReadError> {
        let chunk = match self.input.fill_buf() {
            Ok(chunk) => chunk,
            Err(error) => return Err(self.io(error)),
        };
        if chunk.first() != Some(&b'{') {
            return Ok(false);
        }
        let Ok((document, end)) = Document::parse_prefix(chunk, buffers) else {
            return Ok(false);
        };
        // The parser counted the entry's newlines: only its last line's
        // characters are left to count.
        let (line, column) = match document.newlines() {
            (0, _) => (
                self.line,
                self.column + intercom_runtime::scan::count(&chunk[..end]).0,
            ),
            (newlines, last_start) => (
                self.line + newlines,
                1 + intercom_runtime::scan::count(&chunk[last_start..end]).0,
            ),
        };
        har_document(index, at, &document, each);
        self.input.consume(end);
        (self.line, self.column) = (line, column);
        Ok(true)
    }

    /// Reads a value into `buffer`, checked to be JSON.
    fn skip_value(&mut self, what: &str) -> Result<(), ReadError> {
        let at = self.position();
        self.capture_value(|| what.to_owned())?;
        serde_json::from_slice::<serde::de::IgnoredAny>(&self.buffer)
            .map(|_| ())
            .map_err(|e| ReadError {
                entry: None,
                position: at,
                message: format!("{what} is not JSON: {e}"),
            })
    }

    /// The text of the next value, whole, into `buffer`: brackets matched
    /// outside strings, scanning the input a chunk at a time. What is inside
    /// is left for serde_json to check.
    fn capture_value(&mut self, what: impl Fn() -> String) -> Result<(), ReadError> {
        self.buffer.clear();
        let Some(first) = self.peek()? else {
            return self.fail(format!(
                "the file ends where {} was expected (is it truncated?)",
                what()
            ));
        };
        if matches!(first, b',' | b'}' | b']' | b':') {
            return self.fail(format!("expected {}, found `{}`", what(), first as char));
        }
        let scalar = !matches!(first, b'{' | b'[' | b'"');
        let mut state = Brackets::default();
        loop {
            let chunk = match self.input.fill_buf() {
                Ok(chunk) => chunk,
                Err(error) => return Err(self.io(error)),
            };
            if chunk.is_empty() {
                if scalar && !self.buffer.is_empty() {
                    return Ok(());
                }
                return self.fail(format!(
                    "the file ends inside {} (is it truncated?)",
                    what()
                ));
            }
            let end = match first {
                b'{' | b'[' => state.end(chunk),
                // Keys and short values: a byte at a time.
                b'"' => state.end_bytewise(chunk, 0),
                _ => chunk
                    .iter()
                    .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')),
            };
            let taken = end.unwrap_or(chunk.len());
            self.buffer.extend_from_slice(&chunk[..taken]);
            count(&mut self.line, &mut self.column, &chunk[..taken]);
            self.input.consume(taken);
            if end.is_some() {
                return Ok(());
            }
        }
    }

    /// After the top-level object: nothing but whitespace.
    fn end(&mut self) -> Result<(), ReadError> {
        match self.peek()? {
            None => Ok(()),
            Some(_) => self.fail("trailing characters after the HAR document".into()),
        }
    }
}

/// Where a JSON object, array or string ends, found a chunk of input at a
/// time. Most of a HAR is strings (bodies are JSON inside JSON strings, with
/// an escaped quote every few bytes), so the input is read 64 bytes at a
/// time as bit masks, as simdjson finds its structure: escaped characters
/// from runs of backslashes, the inside of strings as a prefix XOR of the
/// quotes that remain, and the brackets outside strings one bit at a time.
/// What lies between the brackets is left for the parser to check.
#[derive(Default)]
struct Brackets {
    depth: usize,
    /// All ones when the previous block ended inside a string.
    in_string: u64,
    /// 1 when the previous block ended in an odd run of backslashes.
    escaped: u64,
}

const EVEN_BITS: u64 = 0x5555_5555_5555_5555;

/// Each bit set from a set bit up to the next one (exclusive): the inside of
/// strings, given their unescaped quotes.
#[inline(always)]
fn prefix_xor(mut bits: u64) -> u64 {
    bits ^= bits << 1;
    bits ^= bits << 2;
    bits ^= bits << 4;
    bits ^= bits << 8;
    bits ^= bits << 16;
    bits ^= bits << 32;
    bits
}

impl Brackets {
    /// The characters escaped by a backslash in a block whose backslashes
    /// are `backslashes`, carrying a run that crosses into the next block.
    #[inline(always)]
    fn escaped(&mut self, backslashes: u64) -> u64 {
        let backslashes = backslashes & !self.escaped;
        let follows_escape = (backslashes << 1) | self.escaped;
        let odd_starts = backslashes & !EVEN_BITS & !follows_escape;
        let (even_starts, overflow) = odd_starts.overflowing_add(backslashes);
        self.escaped = u64::from(overflow);
        (EVEN_BITS ^ (even_starts << 1)) & follows_escape
    }

    /// The length of the object or array in `chunk` when it ends there,
    /// counted from the start of the chunk; `None` when it goes on past it.
    fn end(&mut self, chunk: &[u8]) -> Option<usize> {
        let mut at = 0;
        while let Some(block) = chunk.get(at..at + 64) {
            let block: &[u8; 64] = block.try_into().expect("64 bytes");
            let masks = intercom_runtime::scan::block_masks(block);
            let escaped = self.escaped(masks.backslashes);
            let quotes = masks.quotes & !escaped;
            let inside = prefix_xor(quotes) ^ self.in_string;
            self.in_string = ((inside as i64) >> 63) as u64;
            let plain = !(inside | escaped);
            let opens = masks.opens & plain;
            let closes = masks.closes & plain;
            let mut structural = opens | closes;
            while structural != 0 {
                let bit = structural.trailing_zeros();
                if opens >> bit & 1 == 1 {
                    self.depth += 1;
                } else {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        return Some(at + bit as usize + 1);
                    }
                }
                structural &= structural - 1;
            }
            at += 64;
        }
        self.end_bytewise(chunk, at)
    }

    /// The tail of a chunk shorter than a block, a byte at a time, with the
    /// same state.
    fn end_bytewise(&mut self, chunk: &[u8], from: usize) -> Option<usize> {
        for (i, &b) in chunk.iter().enumerate().skip(from) {
            if self.escaped == 1 {
                self.escaped = 0;
                continue;
            }
            if self.in_string != 0 {
                match b {
                    b'\\' => self.escaped = 1,
                    b'"' => {
                        self.in_string = 0;
                        if self.depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                continue;
            }
            match b {
                // Invalid outside a string, and read as the blocks read it.
                b'\\' => self.escaped = 1,
                b'"' => self.in_string = u64::MAX,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
        }
        None
    }
}

/// Moves a line and column (in characters) over `bytes`. Only the newlines
/// are counted up to the last line: a HAR's bodies are long strings on lines
/// of their own, and counting their characters too cost eight times as many
/// instructions as finding the newlines at memchr's speed.
fn count(line: &mut u64, column: &mut u64, bytes: &[u8]) {
    use intercom_runtime::scan::count;
    match memchr::memrchr(b'\n', bytes) {
        Some(last) => {
            *line += 1 + memchr::memchr_iter(b'\n', &bytes[..last]).count() as u64;
            *column = 1 + count(&bytes[last + 1..]).0;
        }
        None => *column += count(bytes).0,
    }
}

/// A HAR body (`postData` or `content`): its text, decoded from base64 when
/// `encoding` says so; `None` when it has no text or an empty one.
fn har_body<'a>(body: HarBody<'a>, at: &str) -> Result<Option<Body<'a>>, String> {
    let Some(text) = body.text else {
        return Ok(None);
    };
    let unreadable = |why: String| {
        Ok(Some(Body {
            media_type: body.mime_type.map(Cow::Borrowed),
            text: Cow::Borrowed(&[][..]),
            origin: None,
            utf8: false,
            unreadable: Some(why),
        }))
    };
    let (text, utf8) = match body.encoding {
        None | Some("") => (Cow::Borrowed(text.as_bytes()), true),
        Some("base64") => match base64::engine::general_purpose::STANDARD.decode(text.trim()) {
            Ok(decoded) => (Cow::Owned(decoded), false),
            Err(error) => {
                return unreadable(format!(
                    "`{at}.text` is not base64, as `encoding` says: {error}"
                ));
            }
        },
        Some(other) => {
            return unreadable(format!(
                "`{at}.encoding` is `{other}`; the bodies HAR records are as they are or in base64"
            ));
        }
    };
    if text.is_empty() {
        return Ok(None);
    }
    Ok(Some(Body {
        media_type: body.mime_type.map(Cow::Borrowed),
        text,
        origin: None,
        utf8,
        unreadable: None,
    }))
}

/// The fields of an NDJSON exchange; bodies stay as written in the line.
#[derive(Deserialize)]
struct Line<'a> {
    #[serde(borrow)]
    method: Cow<'a, str>,
    #[serde(borrow)]
    url: Option<Cow<'a, str>>,
    #[serde(borrow)]
    path: Option<Cow<'a, str>>,
    status: Option<u16>,
    #[serde(borrow, default)]
    request: Option<&'a RawValue>,
    #[serde(borrow, default)]
    response: Option<&'a RawValue>,
}

/// The exchange on one NDJSON line (`number` counts from 1), trailing
/// line break included or not.
pub fn read_ndjson_line<'a>(number: u64, line: &'a [u8]) -> Result<Exchange<'a>, ReadError> {
    let error = |position: Position, message: String| ReadError {
        entry: Some(number),
        position,
        message,
    };
    let text = std::str::from_utf8(line).map_err(|e| {
        error(
            column_at(number, line, e.valid_up_to()),
            format!("invalid UTF-8 (byte 0x{:02X})", line[e.valid_up_to()]),
        )
    })?;
    let text = text.trim_end_matches(['\n', '\r']);
    let expected = "expected an object {\"method\", \"url\" or \"path\", \"status\", \"request\", \"response\"}";
    let start = text.len() - text.trim_ascii_start().len();
    if !text[start..].starts_with('{') {
        return Err(error(
            column_at(number, line, start),
            format!("not an exchange: {expected}"),
        ));
    }
    let parsed: Line = serde_json::from_str(text).map_err(|e| {
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message);
        error(
            Position {
                line: number,
                column: e.column() as u64,
            },
            format!("not an exchange ({message}); {expected}"),
        )
    })?;
    let start = Position {
        line: number,
        column: 1,
    };
    let target = match (parsed.url, parsed.path) {
        // Both, naming the same path: the URL (a route ignores the host).
        (Some(url), Some(path))
            if intercom_runtime::operations::request_path(&url)
                != intercom_runtime::operations::request_path(&path) =>
        {
            return Err(error(
                start,
                format!(
                    "the exchange's `url` ({url}) and `path` ({path}) name different paths; give one"
                ),
            ));
        }
        (Some(url), _) => url,
        (None, Some(path)) => path,
        (None, None) => {
            return Err(error(
                start,
                "the exchange has neither `url` nor `path`".into(),
            ));
        }
    };
    let body = |raw: Option<&'a RawValue>| -> Option<Body<'a>> {
        raw.filter(|raw| raw.get() != "null").map(|raw| {
            let offset = raw.get().as_ptr() as usize - text.as_ptr() as usize;
            Body {
                media_type: None,
                text: Cow::Borrowed(raw.get().as_bytes()),
                origin: Some(column_at(number, line, offset)),
                utf8: true,
                unreadable: None,
            }
        })
    };
    let request = body(parsed.request);
    let response = body(parsed.response);
    if response.is_some() && parsed.status.is_none() {
        return Err(error(
            start,
            "the exchange has a `response` but no `status`".into(),
        ));
    }
    Ok(Exchange {
        entry: number,
        line: number,
        method: parsed.method,
        target,
        status: parsed.status,
        request,
        response,
    })
}

/// The line and column of byte `offset` of a line (columns in characters).
fn column_at(number: u64, line: &[u8], offset: usize) -> Position {
    Position {
        line: number,
        column: intercom_runtime::scan::position(line, offset).column,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HAR: &str = r#"{
  "log": {
    "version": "1.2",
    "entries": [
      {
        "request": {"method": "POST", "url": "https://api.intercom.io/contacts",
          "postData": {"mimeType": "application/json", "text": "{\"role\": \"user\"}"}},
        "response": {"status": 200,
          "content": {"mimeType": "application/json", "text": "eyJ0eXBlIjogImNvbnRhY3QifQ==", "encoding": "base64"}}
      },
      {
        "request": {"method": "GET", "url": "https://api.intercom.io/me"},
        "response": {"status": 0, "content": {"mimeType": "", "text": ""}}
      },
      {
        "request": {"url": "https://api.intercom.io/me"},
        "response": {"status": 200}
      }
    ]
  }
}"#;

    fn har(text: &str) -> (Exchanges, Result<(), ReadError>) {
        let mut entries = Vec::new();
        let result = read_har(text.as_bytes(), |entry| {
            entries.push(entry.map(Exchange::into_owned));
        });
        (entries, result)
    }

    #[test]
    fn har_entries_with_their_lines_bodies_and_errors() {
        assert_eq!(form(HAR.as_bytes()), Form::Har);
        let (exchanges, result) = har(HAR);
        result.unwrap();
        assert_eq!(exchanges.len(), 3);
        let first = exchanges[0].as_ref().unwrap();
        assert_eq!((first.entry, first.line), (0, 5));
        assert_eq!(first.method, "POST");
        assert_eq!(first.status, Some(200));
        assert_eq!(
            first.request.as_ref().unwrap().text.as_ref(),
            br#"{"role": "user"}"#
        );
        // Decoded from base64.
        assert_eq!(
            first.response.as_ref().unwrap().text.as_ref(),
            br#"{"type": "contact"}"#
        );
        let second = exchanges[1].as_ref().unwrap();
        assert_eq!((second.status, second.request.is_none()), (None, true));
        assert!(second.response.is_none());
        let third = exchanges[2].as_ref().unwrap_err();
        assert_eq!(third.entry, Some(2));
        assert_eq!(third.position.line, 15);
        assert_eq!(
            third.message,
            "`request.method` is missing (HAR 1.2 requires it)"
        );
    }

    #[test]
    fn a_file_that_is_not_har() {
        let error = har(r#"{"log": {}}"#).1.unwrap_err();
        assert!(
            error.message.contains("no `log.entries`"),
            "{}",
            error.message
        );
        let error = har(r#"{"log": {"entries": [}"#).1.unwrap_err();
        assert_eq!((error.position.line, error.position.column), (1, 22));
        assert_eq!(error.message, "expected entries[0], found `}`");
        let (entries, result) = har(r#"{"log": {"entries": [{"request": {}}, {"requ"#);
        assert_eq!(entries.len(), 1);
        assert_eq!(
            result.unwrap_err().message,
            "the file ends inside entries[1] (is it truncated?)"
        );
        let error = har(r#"{"log": {"entries": []}, "pages": [tru]}"#)
            .1
            .unwrap_err();
        assert!(
            error.message.starts_with("`pages` is not JSON"),
            "{}",
            error.message
        );
        assert_eq!(
            form(b"{\"method\": \"GET\", \"path\": \"/me\"}\n"),
            Form::Ndjson
        );
        assert_eq!(form(b"  {\n  \"log\" : {"), Form::Har);
    }

    #[test]
    fn entries_that_are_not_har_entries() {
        let (entries, result) = har(concat!(
            "{\"log\": {\"entries\": [\n",
            "  {\"request\": {\"method\": 1}},\n",
            "  {\"request\": {\"method\": \"GET\", \"url\": \"/me\"}, \"response\": {\"status\": 200, ",
            "\"content\": {\"text\": \"%%\", \"encoding\": \"base64\"}}}\n",
            "]}}"
        ));
        result.unwrap();
        let first = entries[0].as_ref().unwrap_err();
        assert_eq!(first.position.line, 2);
        assert!(
            first
                .message
                .starts_with("`request.method` is a number, expected a string"),
            "{}",
            first.message
        );
        // A body that does not decode is that side's finding; the exchange
        // is still read, so that its other side is checked.
        let second = entries[1].as_ref().unwrap();
        assert_eq!(second.line, 3);
        let why = second
            .response
            .as_ref()
            .and_then(|body| body.unreadable.as_deref());
        assert!(
            why.is_some_and(|why| why.starts_with("`response.content.text` is not base64")),
            "{why:?}"
        );
    }

    /// The block scan finds the same end as a byte at a time, however the
    /// input is cut into chunks: runs of backslashes and quotes that cross
    /// the 64-byte blocks included.
    #[test]
    fn brackets_end_where_a_byte_at_a_time_ends() {
        let alphabet = b"\\\"{}[]a ";
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for case in 0..3000 {
            let len = 1 + (next() % 400) as usize;
            let mut input = vec![b'{'];
            input.extend((0..len).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]));
            if case % 3 == 0 {
                input.extend_from_slice(&[b'}'; 40]);
            }
            let expected = Brackets::default().end_bytewise(&input, 0);
            for chunk in [1, 7, 63, 64, 65, 130, 1000] {
                let mut state = Brackets::default();
                let mut found = None;
                for (i, piece) in input.chunks(chunk).enumerate() {
                    if let Some(end) = state.end(piece) {
                        found = Some(i * chunk + end);
                        break;
                    }
                }
                assert_eq!(
                    found,
                    expected,
                    "chunks of {chunk}: {}",
                    String::from_utf8_lossy(&input)
                );
            }
        }
    }

    /// A HAR read through buffers of any size gives what it gives read in
    /// one: most entries are parsed where they lie in the buffer, those
    /// across its end (all of them, in buffers this small) are captured.
    #[test]
    fn entries_read_the_same_whatever_the_buffer_holds() {
        let texts = [
            HAR,
            r#"{"log": {"entries": [{"request": {"method": "GET", "url": "/me"}, "response": {"status": 200, "content": {"text": "{\"a\": \"\\u00e9\\n\"}"}}}, 7, {"request": {}}, {"requ"#,
            "{\"log\": {\"entries\": [{\"request\": {\"method\": \"GET\", \"url\": tru}}, {\"request\": {\"method\": \"GET\", \"url\": \"/me\"}, \"response\": {\"status\": 0}}]}}",
        ];
        for text in texts {
            let whole = format!("{:?}", har(text));
            for capacity in [1, 2, 7, 16, 64, 100, 333] {
                let mut entries = Vec::new();
                let result = read_har(
                    std::io::BufReader::with_capacity(capacity, text.as_bytes()),
                    |entry| entries.push(entry.map(Exchange::into_owned)),
                );
                assert_eq!(
                    format!("{:?}", (entries, result)),
                    whole,
                    "buffers of {capacity}: {text}"
                );
            }
        }
    }

    /// Bodies with escapes of every kind (`\"`, `\n`, `\/`, `\u00e9`, a
    /// surrogate pair, and the body's own `\/`) are decoded to their text,
    /// and errors after the escapes are placed in that text.
    #[test]
    fn bodies_with_escapes_are_checked_with_positions_in_their_own_text() {
        use crate::report::{Reporter, Unrouted};
        use crate::{Expect, Format, traffic};
        let bodies = [
            "{\"type\": \"list\",\n \"data\": [{\"type\": \"tag\", \"name\": \"é😀\\/\", \"id\": tru}]}",
            "{\"type\": \"list\",\n\t\"data\": [{\"type\": \"tag\", \"name\": \"\\\"é😀\\/\", \"id\": 1}]}",
        ];
        let entries: Vec<String> = bodies
            .iter()
            .map(|body| {
                let text = serde_json::to_string(body)
                    .unwrap()
                    .replace('é', "\\u00e9")
                    .replace('😀', "\\ud83d\\ude00")
                    .replace('/', "\\/");
                format!(
                    r#"{{"request": {{"method": "GET", "url": "https://api.intercom.io/tags"}}, "response": {{"status": 200, "content": {{"mimeType": "application/json", "text": {text}}}}}}}"#
                )
            })
            .collect();
        let text = format!(
            "{{\"log\": {{\"entries\": [\n{}\n]}}}}",
            entries.join(",\n")
        );
        let (exchanges, result) = har(&text);
        result.unwrap();
        for (exchange, body) in exchanges.iter().zip(bodies) {
            let decoded = &exchange.as_ref().unwrap().response.as_ref().unwrap().text;
            assert_eq!(std::str::from_utf8(decoded).unwrap(), body);
        }
        // Columns count characters of the body's line: `é` and `😀` are one each.
        let column = |body: &str, what: &str| {
            let line = body.lines().nth(1).unwrap();
            1 + line[..line.find(what).unwrap()].chars().count()
        };
        let mut out = Vec::new();
        let mut reporter =
            Reporter::new(Format::Text, Expect::Valid, "exchanges", &mut out).for_exchanges();
        traffic::check_file(
            text.as_bytes(),
            None,
            "t.har",
            Unrouted::Warn,
            traffic::Threads::One,
            &mut reporter,
        )
        .unwrap();
        reporter.finish();
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[..2],
            [
                format!(
                    "t.har:2: error: entries[0] GET /tags listTags response 200: body 2:{}: invalid JSON: expected ident",
                    column(bodies[0], "tru}") + 3
                ),
                format!(
                    "t.har:3: entries[1] GET /tags listTags response 200: body 2:{}: /data/0/id: expected string, found integer 1 (#/$defs/tag/properties/id/type)",
                    column(bodies[1], "1}")
                ),
            ],
            "{out}"
        );
    }

    #[test]
    fn ndjson_bodies_keep_their_place_in_the_line() {
        let line = "{\"method\": \"POST\", \"path\": \"/contacts\", \"status\": 200, \"request\": {\"é\": 1}, \"response\": null}\n";
        let exchange = read_ndjson_line(4, line.as_bytes()).unwrap();
        let request = exchange.request.unwrap();
        assert_eq!(request.text, "{\"é\": 1}".as_bytes());
        assert_eq!(
            request.origin,
            Some(Position {
                line: 4,
                column: 67
            })
        );
        assert!(request.is_json());
        assert!(exchange.response.is_none());
        let error = read_ndjson_line(2, b"{\"method\": \"GET\"}").unwrap_err();
        assert_eq!(error.message, "the exchange has neither `url` nor `path`");
        let both =
            br#"{"method": "GET", "url": "https://api.intercom.io/tags?x=1", "path": "/tags"}"#;
        assert_eq!(
            read_ndjson_line(2, both).unwrap().target,
            "https://api.intercom.io/tags?x=1"
        );
        let error = read_ndjson_line(
            2,
            br#"{"method": "GET", "url": "https://api.intercom.io/tags", "path": "/me"}"#,
        )
        .unwrap_err();
        assert_eq!(
            error.message,
            "the exchange's `url` (https://api.intercom.io/tags) and `path` (/me) name different paths; give one"
        );
        let error = read_ndjson_line(
            3,
            b"{\"method\": \"GET\", \"path\": \"/me\", \"response\": {}}",
        )
        .unwrap_err();
        assert_eq!(
            error.message,
            "the exchange has a `response` but no `status`"
        );
        let error = read_ndjson_line(5, b"{\"method\": 1}").unwrap_err();
        assert_eq!(error.position.line, 5);
        assert!(
            error.message.starts_with("not an exchange"),
            "{}",
            error.message
        );
    }
}
