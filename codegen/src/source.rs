//! Loading a YAML or JSON document into a `serde_json::Value`, keeping the line
//! and column of every node so that later passes can point at the input.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use serde_json::{Map, Number, Value};

/// A 1-based line and column in a source file (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Which syntax a document was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Yaml,
    Json,
}

/// A parsed document: its value, and where each node (by JSON pointer) starts.
#[derive(Debug, Clone)]
pub struct Document {
    pub path: PathBuf,
    pub syntax: Syntax,
    pub value: Value,
    pub bytes_sha256: String,
    positions: HashMap<String, Position>,
    /// Nodes an overlay wrote, by pointer: where in the overlay they were
    /// written from. Their old positions in this file are forgotten.
    written: HashMap<String, Place>,
    /// Problems that did not stop loading (a duplicated key, say).
    pub warnings: Vec<LoadWarning>,
    /// The overlays applied to `value`, in order (see [`crate::overlay`]).
    pub overlays: Vec<crate::schema_document::AppliedOverlay>,
}

/// A position in some file: where a node an overlay wrote came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub path: Arc<Path>,
    pub position: Position,
}

impl Document {
    /// Where the node at `pointer` (a JSON pointer, `""` for the root) starts.
    pub fn position(&self, pointer: &str) -> Option<Position> {
        self.positions.get(pointer).copied()
    }

    /// The position of `pointer`, or of its nearest ancestor that has one.
    pub fn nearest_position(&self, pointer: &str) -> Option<Position> {
        let mut pointer = pointer;
        loop {
            if let Some(position) = self.position(pointer) {
                return Some(position);
            }
            match pointer.rfind('/') {
                Some(slash) => pointer = &pointer[..slash],
                None => return None,
            }
        }
    }

    /// The file and position of the node at `pointer`, or of its nearest
    /// ancestor that has one: an overlay's file and line for a node an
    /// overlay wrote, this document's file otherwise.
    pub fn locate(&self, pointer: &str) -> (PathBuf, Option<Position>) {
        let mut pointer = pointer;
        loop {
            if let Some(place) = self.written.get(pointer) {
                return (place.path.to_path_buf(), Some(place.position));
            }
            if let Some(position) = self.position(pointer) {
                return (self.path.clone(), Some(position));
            }
            match pointer.rfind('/') {
                Some(slash) => pointer = &pointer[..slash],
                None => return (self.path.clone(), None),
            }
        }
    }

    /// Every recorded position at `pointer` and below it, as (the rest of
    /// the pointer after `pointer`, position).
    pub(crate) fn positions_under<'a>(
        &'a self,
        pointer: &'a str,
    ) -> impl Iterator<Item = (&'a str, Position)> + 'a {
        self.positions.iter().filter_map(move |(key, position)| {
            let rest = key.strip_prefix(pointer)?;
            (rest.is_empty() || rest.starts_with('/')).then_some((rest, *position))
        })
    }

    /// Forgets where the node at `pointer` and everything below it came from
    /// (it is about to be replaced or removed).
    pub(crate) fn forget(&mut self, pointer: &str) {
        let below = |key: &String| {
            key.strip_prefix(pointer)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        self.positions.retain(|key, _| !below(key));
        self.written.retain(|key, _| !below(key));
    }

    /// Records that an overlay wrote the node at `pointer`.
    pub(crate) fn mark_written(&mut self, pointer: String, place: Place) {
        self.written.insert(pointer, place);
    }

    /// After the item at `array/removed` is gone, the items behind it move
    /// one place forward, and so do their positions.
    pub(crate) fn shift_items(&mut self, array: &str, removed: usize) {
        let prefix = format!("{array}/");
        let moved = |key: &str| -> Option<String> {
            let rest = key.strip_prefix(&prefix)?;
            let (index, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let index: usize = index.parse().ok()?;
            (index > removed).then(|| format!("{prefix}{}{tail}", index - 1))
        };
        fn rekey<T>(map: &mut HashMap<String, T>, moved: &dyn Fn(&str) -> Option<String>) {
            let keys: Vec<String> = map.keys().filter(|k| moved(k).is_some()).cloned().collect();
            let mut entries: Vec<(String, T)> = keys
                .into_iter()
                .filter_map(|key| {
                    let value = map.remove(&key)?;
                    Some((moved(&key)?, value))
                })
                .collect();
            for (key, value) in entries.drain(..) {
                map.insert(key, value);
            }
        }
        rekey(&mut self.positions, &moved);
        rekey(&mut self.written, &moved);
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadWarning {
    pub position: Position,
    pub pointer: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{position}: {message}", path.display())]
    Syntax {
        path: PathBuf,
        position: Position,
        message: String,
    },
}

impl LoadError {
    pub fn path(&self) -> &Path {
        match self {
            LoadError::Read { path, .. } | LoadError::Syntax { path, .. } => path,
        }
    }
}

/// Reads and parses `path`. JSON is recognised by its first non-blank byte
/// (`{` or `[`), whatever the extension, so a `.yaml` file that holds JSON
/// still gets JSON error messages.
pub fn load(path: &Path) -> Result<Document, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(path, &bytes)
}

/// Parses bytes that were read from `path` (the path only names the source).
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Document, LoadError> {
    let bytes_sha256 = sha256_hex(bytes);
    let text = decode_utf8(path, bytes)?;
    let first = text.trim_start().as_bytes().first().copied();
    let (syntax, value, positions, warnings) = if matches!(first, Some(b'{' | b'[')) {
        let (value, positions) = parse_json(path, text)?;
        (Syntax::Json, value, positions, Vec::new())
    } else {
        let built = parse_yaml(path, text)?;
        (Syntax::Yaml, built.0, built.1, built.2)
    };
    Ok(Document {
        path: path.to_path_buf(),
        syntax,
        value,
        bytes_sha256,
        positions,
        written: HashMap::new(),
        warnings,
        overlays: Vec::new(),
    })
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn decode_utf8<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str, LoadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|error| {
        let valid = &bytes[..error.valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count()
            + 1;
        LoadError::Syntax {
            path: path.to_path_buf(),
            position: Position { line, column },
            message: "invalid UTF-8: expected a UTF-8 encoded text file".to_string(),
        }
    })
}

// ---------------------------------------------------------------------------
// JSON

fn parse_json(path: &Path, text: &str) -> Result<(Value, HashMap<String, Position>), LoadError> {
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

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn escape_pointer_token(token: &str) -> String {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1")
    } else {
        token.to_string()
    }
}

/// Undoes [`escape_pointer_token`].
pub fn unescape_pointer_token(token: &str) -> String {
    if token.contains('~') {
        token.replace("~1", "/").replace("~0", "~")
    } else {
        token.to_string()
    }
}

/// Decodes `%XX` escapes in a URI fragment (a `$ref` may percent-encode its pointer).
pub fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 3 <= bytes.len()
            && let Some(byte) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

// ---------------------------------------------------------------------------
// YAML

type Built = (Value, HashMap<String, Position>, Vec<LoadWarning>);

/// What libyaml reads and saphyr-parser refuses, and how the text is
/// rewritten so that saphyr-parser reads the same value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repair {
    /// A quoted scalar whose continuation lines are indented less than the
    /// block around it (YAML 1.2 forbids it; published references have it).
    /// Indenting them changes nothing in its value: a quoted scalar's line
    /// breaks fold and each continuation line's leading blanks are dropped.
    UnderIndentedQuote,
    /// A tab between `:` and its value (YAML 1.2 allows tabs as separation,
    /// saphyr-parser refuses this one). A space separates alike.
    TabAfterColon,
}

impl Repair {
    /// The repair for the error saphyr-parser gives with `info`.
    fn for_error(info: &str) -> Option<Repair> {
        match info {
            "invalid indentation in quoted scalar" => Some(Repair::UnderIndentedQuote),
            "':' must be followed by a valid YAML whitespace" => Some(Repair::TabAfterColon),
            _ => None,
        }
    }

    /// `text` rewritten where saphyr-parser stopped (`at`, a byte offset).
    fn apply(self, text: &str, at: usize) -> Option<String> {
        match self {
            Repair::UnderIndentedQuote => indent_quoted_scalar(text, at),
            Repair::TabAfterColon => {
                let separation = text[..at].trim_end_matches([' ', '\t']);
                if !separation.ends_with(':') || !text[separation.len()..at].contains('\t') {
                    return None;
                }
                let spaces = " ".repeat(at - separation.len());
                Some(format!("{separation}{spaces}{}", &text[at..]))
            }
        }
    }

    fn warning(self) -> &'static str {
        match self {
            Repair::UnderIndentedQuote => {
                "a quoted scalar's continuation lines are indented less than its block (YAML 1.2 forbids it); read as libyaml reads it"
            }
            Repair::TabAfterColon => {
                "a tab separates `:` from its value; read as libyaml reads it (saphyr-parser refuses it)"
            }
        }
    }
}

/// At most this many places are rewritten in one file, each a parse of the
/// whole text again.
const MAX_REPAIRS: usize = 1_000;

/// Parses YAML as libyaml, PyYAML and js-yaml read it: where saphyr-parser
/// refuses what they read (see [`Repair`]), the text is rewritten there,
/// without changing what it means, and parsed again. Each such place is a
/// warning.
fn parse_yaml(path: &Path, text: &str) -> Result<Built, LoadError> {
    let mut text = std::borrow::Cow::Borrowed(text);
    let mut repaired = Vec::new();
    loop {
        match build_yaml(path, &text) {
            Err(BuildFailure::Repairable {
                repair,
                char_index,
                error,
            }) if repaired.len() < MAX_REPAIRS => {
                let Some(at) = text.char_indices().nth(char_index).map(|(at, _)| at) else {
                    return Err(error);
                };
                let Some(rewritten) = repair.apply(&text, at) else {
                    return Err(error);
                };
                let LoadError::Syntax { position, .. } = &error else {
                    return Err(error);
                };
                repaired.push((repair, *position));
                text = std::borrow::Cow::Owned(rewritten);
            }
            Err(BuildFailure::Repairable { error, .. } | BuildFailure::Other(error)) => {
                return Err(error);
            }
            Ok((value, positions, mut warnings)) => {
                for (repair, position) in repaired {
                    let pointer = positions
                        .iter()
                        .filter(|(_, at)| at.line == position.line && at.column <= position.column)
                        .max_by_key(|(pointer, at)| {
                            (at.column, std::cmp::Reverse((*pointer).clone()))
                        })
                        .map(|(pointer, _)| pointer.clone())
                        .unwrap_or_default();
                    warnings.push(LoadWarning {
                        position,
                        pointer,
                        message: repair.warning().to_owned(),
                    });
                }
                return Ok((value, positions, warnings));
            }
        }
    }
}

enum BuildFailure {
    Repairable {
        repair: Repair,
        char_index: usize,
        error: LoadError,
    },
    Other(LoadError),
}

/// `text` with every continuation line of the quoted scalar whose opening
/// quote is at byte `start` indented past that quote's column; `None` when
/// the scalar does not end.
fn indent_quoted_scalar(text: &str, start: usize) -> Option<String> {
    let quote = *text.as_bytes().get(start)?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |at| at + 1);
    let indent = " ".repeat(text[line_start..start].chars().count() + 1);
    let mut out = String::with_capacity(text.len() + 256);
    out.push_str(&text[..=start]);
    let mut chars = text[start + 1..].char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' if quote == b'"' => {
                out.push(c);
                // An escaped character is copied as it is; an escaped line
                // break is a line break like any other.
                if let Some(&(_, next)) = chars.peek()
                    && next != '\n'
                    && next != '\r'
                {
                    out.push(next);
                    chars.next();
                }
            }
            '\'' if quote == b'\'' => {
                out.push(c);
                if chars.peek().is_some_and(|&(_, next)| next == '\'') {
                    out.push('\'');
                    chars.next();
                } else {
                    out.push_str(&text[start + 1 + at + 1..]);
                    return Some(out);
                }
            }
            '"' if quote == b'"' => {
                out.push_str(&text[start + 1 + at..]);
                return Some(out);
            }
            '\r' | '\n' => {
                out.push(c);
                if c == '\r' && chars.peek().is_some_and(|&(_, next)| next == '\n') {
                    out.push('\n');
                    chars.next();
                }
                out.push_str(&indent);
            }
            _ => out.push(c),
        }
    }
    None
}

fn build_yaml(path: &Path, text: &str) -> Result<Built, BuildFailure> {
    let mut builder = YamlBuilder {
        path,
        text,
        events: Parser::new_from_str(text),
        anchors: HashMap::new(),
        positions: HashMap::new(),
        warnings: Vec::new(),
        depth: 0,
        values: 0,
        value_limit: MIN_VALUE_LIMIT.max(text.len()),
        repairable: None,
    };
    match builder.document() {
        Ok(value) => Ok((value, builder.positions, builder.warnings)),
        Err(error) => Err(match builder.repairable {
            Some((repair, char_index)) => BuildFailure::Repairable {
                repair,
                char_index,
                error,
            },
            None => BuildFailure::Other(error),
        }),
    }
}

/// How deep YAML collections may nest: far beyond any reference (Intercom's
/// go about 20 deep), as deep as serde_json lets JSON go, and shallow enough
/// that building them recursively cannot overflow a thread's stack.
const MAX_YAML_DEPTH: usize = 128;

/// The fewest values a YAML document may expand to through its aliases; a
/// longer text may expand to as many values as it has bytes, which no
/// document without aliases reaches. Without a bound, ten anchors of ten
/// aliases each ("billion laughs") expand to 10^10 values.
const MIN_VALUE_LIMIT: usize = 100_000;

struct YamlBuilder<'input, 'p> {
    path: &'p Path,
    /// The text parsed, for the names of aliases in messages.
    text: &'input str,
    events: Parser<'input, saphyr_parser::StrInput<'input>>,
    /// Each anchor's value and the number of values it holds.
    anchors: HashMap<usize, (Value, usize)>,
    positions: HashMap<String, Position>,
    warnings: Vec<LoadWarning>,
    depth: usize,
    /// Values built so far, aliases counted at their full size.
    values: usize,
    value_limit: usize,
    /// When parsing stopped where a [`Repair`] applies: which, and where
    /// (in characters).
    repairable: Option<(Repair, usize)>,
}

fn position_of(span: &Span) -> Position {
    Position {
        line: span.start.line(),
        column: span.start.col() + 1,
    }
}

impl<'input> YamlBuilder<'input, '_> {
    fn next(&mut self) -> Result<(Event<'input>, Span), LoadError> {
        match self.events.next_event() {
            Some(Ok(event)) => Ok(event),
            Some(Err(error)) => {
                self.repairable =
                    Repair::for_error(error.info()).map(|repair| (repair, error.marker().index()));
                Err(LoadError::Syntax {
                    path: self.path.to_path_buf(),
                    position: Position {
                        line: error.marker().line(),
                        column: error.marker().col() + 1,
                    },
                    message: format!("invalid YAML: {}", error.info()),
                })
            }
            None => Err(self.error_at(None, "unexpected end of the YAML stream")),
        }
    }

    /// The `*name` that stands at `span`.
    fn alias_name(&self, span: &Span) -> String {
        self.text
            .chars()
            .skip(span.start.index())
            .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ']' | '}'))
            .collect()
    }

    fn error_at(&self, span: Option<&Span>, message: &str) -> LoadError {
        LoadError::Syntax {
            path: self.path.to_path_buf(),
            position: span.map_or(Position { line: 1, column: 1 }, position_of),
            message: message.to_string(),
        }
    }

    fn document(&mut self) -> Result<Value, LoadError> {
        let mut value = None;
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::DocumentStart(_) => {
                    if value.is_some() {
                        return Err(self.error_at(
                            Some(&span),
                            "expected a single YAML document, found a second one",
                        ));
                    }
                    let (first, first_span) = self.next()?;
                    value = Some(self.node(first, first_span, String::new())?);
                }
                Event::StreamEnd => {
                    return value.ok_or_else(|| self.error_at(None, "the file holds no document"));
                }
                _ => return Err(self.error_at(Some(&span), "unexpected YAML event")),
            }
        }
    }

    fn node(
        &mut self,
        event: Event<'input>,
        span: Span,
        pointer: String,
    ) -> Result<Value, LoadError> {
        self.positions.insert(pointer.clone(), position_of(&span));
        let first_value = self.values;
        self.values += 1;
        if matches!(event, Event::SequenceStart(..) | Event::MappingStart(..)) {
            self.depth += 1;
            if self.depth > MAX_YAML_DEPTH {
                return Err(self.error_at(
                    Some(&span),
                    &format!("the YAML nests deeper than {MAX_YAML_DEPTH} levels"),
                ));
            }
        }
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let value = self.scalar(&text, style, tag.as_deref(), &span)?;
                self.remember(anchor, &value, first_value);
                Ok(value)
            }
            Event::Alias(anchor) => {
                let Some((value, size)) = self.anchors.get(&anchor) else {
                    return Err(self.error_at(Some(&span), "alias to an unknown anchor"));
                };
                // The alias itself was counted above; its value holds `size`.
                self.values += size - 1;
                if self.values > self.value_limit {
                    return Err(self.error_at(
                        Some(&span),
                        &format!(
                            "the alias `{}` expands the document to more than {} values (nested anchors and aliases, as in \"billion laughs\")",
                            self.alias_name(&span),
                            self.value_limit
                        ),
                    ));
                }
                Ok(value.clone())
            }
            Event::SequenceStart(anchor, _) => {
                let mut items = Vec::new();
                loop {
                    let (event, span) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    let item_pointer = format!("{pointer}/{}", items.len());
                    items.push(self.node(event, span, item_pointer)?);
                }
                let value = Value::Array(items);
                self.remember(anchor, &value, first_value);
                self.depth -= 1;
                Ok(value)
            }
            Event::MappingStart(anchor, _) => {
                let mut map = Map::new();
                let mut merged = Map::new();
                loop {
                    let (event, key_span) = self.next()?;
                    let key = match event {
                        Event::MappingEnd => break,
                        Event::Scalar(text, style, _, _) => {
                            if text == "<<" && style == ScalarStyle::Plain {
                                let (event, span) = self.next()?;
                                let merge = self.node(event, span, format!("{pointer}/<<"))?;
                                self.merge_into(&mut merged, merge, &key_span)?;
                                continue;
                            }
                            text.into_owned()
                        }
                        _ => {
                            return Err(self.error_at(
                                Some(&key_span),
                                "expected a scalar mapping key, found a collection",
                            ));
                        }
                    };
                    let value_pointer = format!("{pointer}/{}", escape_pointer_token(&key));
                    let (event, span) = self.next()?;
                    let value = self.node(event, span, value_pointer.clone())?;
                    if map.insert(key.clone(), value).is_some() {
                        self.warnings.push(LoadWarning {
                            position: position_of(&key_span),
                            pointer: value_pointer,
                            message: format!("duplicate key `{key}`: the last value is used"),
                        });
                    }
                }
                for (key, value) in merged {
                    map.entry(key).or_insert(value);
                }
                let value = Value::Object(map);
                self.remember(anchor, &value, first_value);
                self.depth -= 1;
                Ok(value)
            }
            _ => Err(self.error_at(Some(&span), "unexpected YAML event")),
        }
    }

    fn merge_into(
        &self,
        merged: &mut Map<String, Value>,
        merge: Value,
        span: &Span,
    ) -> Result<(), LoadError> {
        match merge {
            Value::Object(map) => {
                for (key, value) in map {
                    merged.entry(key).or_insert(value);
                }
                Ok(())
            }
            Value::Array(items) => {
                for item in items {
                    self.merge_into(merged, item, span)?;
                }
                Ok(())
            }
            _ => Err(self.error_at(Some(span), "a merge key `<<` must be given a mapping")),
        }
    }

    /// Keeps `value`, the values built since `first_value`, for the aliases of `anchor`.
    fn remember(&mut self, anchor: usize, value: &Value, first_value: usize) {
        if anchor != 0 {
            self.anchors
                .insert(anchor, (value.clone(), self.values - first_value));
        }
    }

    /// Resolves a scalar by the YAML 1.2 core schema.
    fn scalar(
        &self,
        text: &str,
        style: ScalarStyle,
        tag: Option<&saphyr_parser::Tag>,
        span: &Span,
    ) -> Result<Value, LoadError> {
        if let Some(tag) = tag
            && tag.is_yaml_core_schema()
        {
            return match tag.suffix.as_str() {
                "str" => Ok(Value::String(text.to_string())),
                "null" => Ok(Value::Null),
                "bool" => resolve_plain(text)
                    .filter(Value::is_boolean)
                    .ok_or_else(|| self.error_at(Some(span), "expected a boolean after !!bool")),
                "int" | "float" => resolve_plain(text).filter(Value::is_number).ok_or_else(|| {
                    self.error_at(Some(span), "expected a number after !!int or !!float")
                }),
                _ => Ok(Value::String(text.to_string())),
            };
        }
        if style != ScalarStyle::Plain {
            return Ok(Value::String(text.to_string()));
        }
        match resolve_plain(text) {
            Some(value) => Ok(value),
            None if is_special_float(text) => Err(self.error_at(
                Some(span),
                &format!("`{text}` is a YAML float that JSON cannot represent"),
            )),
            None => Ok(Value::String(text.to_string())),
        }
    }
}

fn is_special_float(text: &str) -> bool {
    matches!(
        text,
        ".inf"
            | ".Inf"
            | ".INF"
            | "+.inf"
            | "+.Inf"
            | "+.INF"
            | "-.inf"
            | "-.Inf"
            | "-.INF"
            | ".nan"
            | ".NaN"
            | ".NAN"
    )
}

/// The YAML 1.2 core schema for plain scalars; `None` means "a string".
fn resolve_plain(text: &str) -> Option<Value> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    let bytes = text.as_bytes();
    let digits = bytes
        .strip_prefix(b"-")
        .or_else(|| bytes.strip_prefix(b"+"))
        .unwrap_or(bytes);
    if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) {
        let unsigned = text.trim_start_matches('+');
        if let Ok(n) = unsigned.parse::<u64>() {
            return Some(Value::Number(n.into()));
        }
        if let Ok(n) = unsigned.parse::<i64>() {
            return Some(Value::Number(n.into()));
        }
        return unsigned
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number);
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return u64::from_str_radix(hex, 16)
            .ok()
            .map(|n| Value::Number(n.into()));
    }
    if let Some(octal) = text.strip_prefix("0o") {
        return u64::from_str_radix(octal, 8)
            .ok()
            .map(|n| Value::Number(n.into()));
    }
    if is_yaml_float(text) {
        return text
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number);
    }
    None
}

/// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_yaml_float(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = usize::from(matches!(bytes.first(), Some(b'-' | b'+')));
    let integer_start = i;
    while bytes.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let mut mantissa_digits = i - integer_start;
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        let fraction_start = i;
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        mantissa_digits += i - fraction_start;
    }
    if mantissa_digits == 0 {
        return false;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let exponent_start = i;
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == exponent_start {
            return false;
        }
    }
    i == bytes.len()
}

/// The file in `dir` whose name is the highest version number (`2.13.yaml`
/// over `2.9.yaml`): the newest reference, for benchmarks.
pub fn newest_version(dir: &Path) -> Option<PathBuf> {
    versions(dir).pop()
}

/// The files in `dir` named by a version number (`2.9.yaml`), oldest first
/// by number, not by name.
pub fn versions(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<(Vec<u64>, PathBuf)> = entries
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let stem = path.file_stem()?.to_str()?;
            let version = stem
                .split('.')
                .map(str::parse)
                .collect::<Result<Vec<u64>, _>>()
                .ok()?;
            Some((version, path))
        })
        .collect();
    files.sort();
    files.into_iter().map(|(_, path)| path).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Document {
        parse(Path::new("t.yaml"), text.as_bytes()).unwrap()
    }

    #[test]
    fn yaml_scalars_follow_the_core_schema() {
        let doc = yaml("a: 1\nb: '2.13'\nc: 1.5\nd: ~\ne: yes\nf: true\ng: -3\nh: 1e3\n200: x\n");
        assert_eq!(
            doc.value,
            serde_json::json!({"a": 1, "b": "2.13", "c": 1.5, "d": null, "e": "yes", "f": true, "g": -3, "h": 1000.0, "200": "x"})
        );
    }

    #[test]
    fn yaml_positions_are_recorded_per_pointer() {
        let doc = yaml("paths:\n  \"/a/{id}\":\n    get:\n      x: [1, 2]\n");
        assert_eq!(
            doc.position("/paths/~1a~1{id}/get"),
            Some(Position { line: 4, column: 7 })
        );
        assert_eq!(
            doc.position("/paths/~1a~1{id}/get/x/1"),
            Some(Position {
                line: 4,
                column: 14
            })
        );
        assert_eq!(
            doc.nearest_position("/paths/~1a~1{id}/get/missing"),
            doc.position("/paths/~1a~1{id}/get")
        );
    }

    /// The error that parsing `text` as the file `name` ends in, with its
    /// position and message.
    fn syntax_error(name: &str, text: impl AsRef<[u8]>) -> (LoadError, Position, String) {
        let error = parse(Path::new(name), text.as_ref()).unwrap_err();
        let LoadError::Syntax {
            position, message, ..
        } = &error
        else {
            panic!("not a syntax error: {error}")
        };
        let (position, message) = (*position, message.clone());
        (error, position, message)
    }

    #[test]
    fn yaml_anchors_and_merge_keys_resolve() {
        let doc = yaml("base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\n");
        assert_eq!(doc.value["derived"], serde_json::json!({"y": 3, "x": 1}));
    }

    #[test]
    fn yaml_aliases_that_expand_without_bound_are_refused_where_they_cross_it() {
        // Ten anchors, each a list of ten aliases of the one before: 10^10 values.
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..10 {
            let aliases = vec![format!("*a{}", level - 1); 10].join(", ");
            text.push_str(&format!("a{level}: &a{level} [{aliases}]\n"));
        }
        let (error, position, message) = syntax_error("laughs.yaml", text.as_bytes());
        assert!(message.contains("billion laughs"), "{message}");
        assert!(
            message.starts_with("the alias `*a"),
            "names the alias: {message}"
        );
        assert!(position.line > 1 && position.line <= 10, "{error}");

        // Aliases that stay within the bound still resolve.
        let doc = yaml("a: &a [1, 2]\nb: [*a, *a, *a]\n");
        assert_eq!(doc.value["b"], serde_json::json!([[1, 2], [1, 2], [1, 2]]));
    }

    #[test]
    fn yaml_nesting_deeper_than_the_limit_is_an_error_not_a_stack_overflow() {
        let text: String = (0..MAX_YAML_DEPTH + 50)
            .map(|depth| format!("{}- \n", "  ".repeat(depth)))
            .collect();
        let (error, position, message) = syntax_error("deep.yaml", text.as_bytes());
        assert!(message.contains("nests deeper than 128"), "{message}");
        assert_eq!(position.line, MAX_YAML_DEPTH + 1, "{error}");
        let shallow: String = (0..100)
            .map(|depth| format!("{}- \n", "  ".repeat(depth)))
            .collect();
        assert!(parse(Path::new("shallow.yaml"), shallow.as_bytes()).is_ok());
    }

    #[test]
    fn yaml_quoted_scalars_indented_less_than_their_block_read_as_libyaml_reads_them() {
        // Each value is what PyYAML (and libyaml, js-yaml) read.
        let text = "a:\n  b: \"one\n two\\\n three\"\n  c: 'it''s\n folded'\n  d: \"x\ry\"\n  e: \"kept\"\n";
        let doc = yaml(text);
        assert_eq!(
            doc.value,
            serde_json::json!({"a": {"b": "one twothree", "c": "it's folded", "d": "x y", "e": "kept"}})
        );
        let warnings: Vec<(Position, &str)> = doc
            .warnings
            .iter()
            .map(|w| (w.position, w.pointer.as_str()))
            .collect();
        assert_eq!(
            warnings,
            [
                (Position { line: 2, column: 6 }, "/a/b"),
                (Position { line: 5, column: 6 }, "/a/c"),
                (Position { line: 7, column: 6 }, "/a/d"),
            ]
        );
        assert!(
            doc.warnings[0]
                .message
                .contains("indented less than its block")
        );
        // The positions of what follows stay those of the file (where YAML
        // counts the lone carriage return as a line break).
        assert_eq!(doc.positions["/a/e"], Position { line: 9, column: 6 });

        let unterminated = parse(Path::new("open.yaml"), b"a:\n  b: \"one\n two\n").unwrap_err();
        assert!(
            unterminated
                .to_string()
                .starts_with("open.yaml:2:6: invalid YAML"),
            "{unterminated}"
        );
    }

    #[test]
    fn yaml_a_tab_after_a_colon_separates_as_libyaml_reads_it() {
        let doc = yaml("a:\t1\nb: \"x\ty\"\nc:\t\tword\n");
        assert_eq!(
            doc.value,
            serde_json::json!({"a": 1, "b": "x\ty", "c": "word"})
        );
        let warnings: Vec<(Position, &str)> = doc
            .warnings
            .iter()
            .map(|w| (w.position, w.pointer.as_str()))
            .collect();
        assert_eq!(
            warnings,
            [
                (Position { line: 1, column: 4 }, "/a"),
                (Position { line: 3, column: 5 }, "/c"),
            ]
        );
    }

    #[test]
    fn yaml_duplicate_keys_warn_and_keep_the_last() {
        let doc = yaml("a: 1\na: 2\n");
        assert_eq!(doc.value, serde_json::json!({"a": 2}));
        assert_eq!(doc.warnings.len(), 1);
        assert_eq!(doc.warnings[0].position, Position { line: 2, column: 1 });
    }

    #[test]
    fn yaml_syntax_errors_have_line_and_column() {
        let (error, position, message) = syntax_error("bad.yaml", b"a: 1\nb: [1, 2\nc: 3\n");
        assert!(position.line >= 2, "{error}");
        assert!(message.starts_with("invalid YAML"), "{message}");
        assert!(error.to_string().starts_with("bad.yaml:"), "{error}");
    }

    #[test]
    fn minified_json_is_indexed_by_characters_along_its_one_line() {
        let doc = parse(
            Path::new("t.json"),
            "{\"é\":[1,{\"ü\":2}],\"b\":{\"c\":[3,4]}}\n{}".as_bytes(),
        );
        assert!(doc.is_err(), "two documents are refused");
        let doc = parse(
            Path::new("t.json"),
            "{\"é\":[1,{\"ü\":2}],\"b\":{\"c\":[3,4]}}".as_bytes(),
        )
        .unwrap();
        let at = |pointer: &str| doc.position(pointer).map(|p| (p.line, p.column));
        assert_eq!(at("/é/1/ü"), Some((1, 14)));
        assert_eq!(at("/b"), Some((1, 22)));
        assert_eq!(at("/b/c/1"), Some((1, 30)));
        assert_eq!(at("/é/0"), Some((1, 7)), "the first item, asked for last");
    }

    #[test]
    fn json_is_recognised_and_indexed() {
        let doc = parse(
            Path::new("t.yaml"),
            b"{\n  \"a\": {\"b/c\": [true, null]}\n}",
        )
        .unwrap();
        assert_eq!(doc.syntax, Syntax::Json);
        assert_eq!(
            doc.position("/a/b~1c/1"),
            Some(Position {
                line: 2,
                column: 23
            })
        );
    }

    #[test]
    fn json_syntax_errors_have_line_and_column() {
        let error = parse(Path::new("bad.json"), b"{\n  \"a\": 1,\n}").unwrap_err();
        assert_eq!(
            error.to_string(),
            "bad.json:3:1: invalid JSON: trailing comma"
        );
    }

    #[test]
    fn invalid_utf8_names_its_position() {
        let error = parse(Path::new("bad.yaml"), b"a: 1\nb: \xff\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "bad.yaml:2:4: invalid UTF-8: expected a UTF-8 encoded text file"
        );
    }
}
