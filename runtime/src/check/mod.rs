//! What generated validators call: the walk's state (where in the payload we
//! are, the errors so far, how deep we went) and the keyword checks that are
//! the same in every schema. Generated code decides which checks apply where;
//! this module knows how each one judges a value.

use std::cmp::Ordering;

use serde_json::{Number, Value};

use crate::json::{Json, JsonArray, JsonObject, Kind, Num};
use crate::pointer::escape_token;

use crate::validate::{Position, ValidationError};

/// How deep a payload may nest before validation gives up with an error
/// instead of risking the stack.
pub const MAX_DEPTH: usize = 256;

/// One step into a payload.
#[derive(Debug, Clone)]
enum Segment<'v> {
    Key(&'v str),
    Index(usize),
}

/// What a walk records of the errors it meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Every error, with its message and locations.
    All,
    /// How many errors there are and how deep the deepest stands, without
    /// writing any of them: enough to pick the closest `anyOf`/`oneOf`
    /// alternative before walking only that one in full.
    Tally,
    /// Whether there is an error at all: the walk stops at the first.
    Verdict,
}

/// What a context's walk had counted before a walk of another mode ran on it.
#[derive(Debug, Clone, Copy)]
struct Saved {
    mode: Mode,
    failures: usize,
    deepest: usize,
    too_deep: bool,
}

/// The state of one validation.
#[derive(Debug)]
pub struct Ctx<'v> {
    path: Vec<Segment<'v>>,
    /// The errors recorded so far. A walk on a [`Document`](crate::document::Document)
    /// gives each the byte where its value starts, as a position on line 0,
    /// until `bytes::validate_bytes` turns them into lines and columns.
    pub errors: Vec<ValidationError>,
    mode: Mode,
    depth: usize,
    /// Errors met by a walk that does not write them (`Tally`, `Verdict`).
    failures: usize,
    /// `Tally`: how deep the deepest error stands (`depth` counts the
    /// instance path's segments: every step into the payload is one).
    deepest: usize,
    /// A walk that does not write its errors still reports "too deep" once.
    too_deep: bool,
}

impl<'v> Ctx<'v> {
    fn new(mode: Mode, depth: usize) -> Self {
        Ctx {
            path: Vec::new(),
            errors: Vec::new(),
            mode,
            depth,
            failures: 0,
            deepest: 0,
            too_deep: false,
        }
    }

    /// Collects every error.
    pub fn all() -> Self {
        Ctx::new(Mode::All, 0)
    }

    /// Stops at the first error.
    pub fn verdict() -> Self {
        Ctx::new(Mode::Verdict, 0)
    }

    /// A context for walking a subschema on the same value in full: same
    /// place, no errors yet.
    pub fn branch(&self) -> Self {
        Ctx {
            path: self.path.clone(),
            ..Ctx::new(self.mode, self.depth)
        }
    }

    /// Whether `walk` finds no error, asked as a verdict (no path, no
    /// messages, stopping at the first error). The walk runs on this
    /// context, switched to a verdict for the while: trying an alternative
    /// costs no context of its own.
    #[inline(always)]
    pub fn is_valid_by(&mut self, walk: impl FnOnce(&mut Ctx<'v>)) -> bool {
        let saved = self.switch(Mode::Verdict);
        walk(self);
        let valid = self.failures == 0;
        self.restore(saved);
        valid
    }

    /// How close `walk` comes to finding no error: its errors counted and
    /// how deep they stand, none written (see [`closest`]).
    #[inline(always)]
    pub fn distance_by(&mut self, walk: impl FnOnce(&mut Ctx<'v>)) -> (usize, usize) {
        let saved = self.switch(Mode::Tally);
        walk(self);
        let distance = (self.failures, usize::MAX - self.deepest);
        self.restore(saved);
        distance
    }

    /// Starts a walk of another mode on this context; what it replaces.
    #[inline(always)]
    fn switch(&mut self, mode: Mode) -> Saved {
        let saved = Saved {
            mode: self.mode,
            failures: self.failures,
            deepest: self.deepest,
            too_deep: self.too_deep,
        };
        self.mode = mode;
        self.failures = 0;
        self.deepest = 0;
        self.too_deep = false;
        saved
    }

    #[inline(always)]
    fn restore(&mut self, saved: Saved) {
        self.mode = saved.mode;
        self.failures = saved.failures;
        self.deepest = saved.deepest;
        self.too_deep = saved.too_deep;
    }

    /// Whether this walk reports errors (rather than only a verdict or a
    /// tally): the closest alternative of an `anyOf`/`oneOf` is then walked
    /// again in full to give its errors.
    #[inline]
    pub fn wants_errors(&self) -> bool {
        self.mode == Mode::All
    }

    /// Whether the walk should stop: an error was found and only the verdict is wanted.
    #[inline]
    pub fn done(&self) -> bool {
        self.mode == Mode::Verdict && self.failures != 0
    }

    #[inline]
    pub fn is_valid(&self) -> bool {
        self.failures == 0 && self.errors.is_empty()
    }

    /// Steps into the member `key` of the current object, whose value is
    /// `child`; `false` (after recording an error) when that is too deep.
    #[inline(always)]
    pub fn enter_key(
        &mut self,
        key: &'v str,
        child: impl Json<'v>,
        keyword_location: &'static str,
    ) -> bool {
        self.enter(Segment::Key(key), child, keyword_location)
    }

    /// Steps into the item `index` of the current array, whose value is `child`.
    #[inline(always)]
    pub fn enter_index(
        &mut self,
        index: usize,
        child: impl Json<'v>,
        keyword_location: &'static str,
    ) -> bool {
        self.enter(Segment::Index(index), child, keyword_location)
    }

    #[inline(always)]
    fn enter<J: Json<'v>>(
        &mut self,
        segment: Segment<'v>,
        child: J,
        keyword_location: &'static str,
    ) -> bool {
        if self.depth >= MAX_DEPTH {
            self.fail_too_deep(segment, child, keyword_location);
            return false;
        }
        self.depth += 1;
        if self.mode == Mode::All && !J::KNOWS_POINTER {
            self.push(segment);
        }
        true
    }

    /// Only full walks keep the instance path, and those are only for
    /// invalid payloads: the step is a call, not code in every member's arm.
    #[inline(never)]
    fn push(&mut self, segment: Segment<'v>) {
        self.path.push(segment);
    }

    /// Steps back out of the member or item entered last, whose value is `child`.
    #[inline(always)]
    pub fn leave<J: Json<'v>>(&mut self, child: J) {
        let _ = child;
        self.depth -= 1;
        if self.mode == Mode::All && !J::KNOWS_POINTER {
            self.pop();
        }
    }

    #[inline(never)]
    fn pop(&mut self) {
        self.path.pop();
    }

    /// The one error of a payload that nests too deep, at the value that does.
    #[cold]
    fn fail_too_deep<J: Json<'v>>(
        &mut self,
        segment: Segment<'v>,
        child: J,
        keyword_location: &'static str,
    ) {
        let reported = match self.mode {
            Mode::All => self.errors.iter().any(|e| e.keyword == "depth"),
            Mode::Tally | Mode::Verdict => self.too_deep,
        };
        if reported {
            return;
        }
        self.too_deep = true;
        self.depth += 1;
        let tracked = self.mode == Mode::All && !J::KNOWS_POINTER;
        if tracked {
            self.path.push(segment);
        }
        self.fail(child, keyword_location, "depth", || {
            format!("the payload nests deeper than {MAX_DEPTH} levels")
        });
        if tracked {
            self.path.pop();
        }
        self.depth -= 1;
    }

    /// The JSON pointer of the current place.
    pub fn pointer(&self) -> String {
        use std::fmt::Write;
        let room = self
            .path
            .iter()
            .map(|segment| match segment {
                Segment::Key(key) => key.len() + 1,
                Segment::Index(_) => 6,
            })
            .sum();
        let mut pointer = String::with_capacity(room);
        for segment in &self.path {
            pointer.push('/');
            match segment {
                Segment::Key(key) => pointer.push_str(&escape_token(key)),
                Segment::Index(index) => {
                    let _ = write!(pointer, "{index}");
                }
            }
        }
        pointer
    }

    /// Records an error at the current place. The message is only written
    /// when errors are reported: a walk that only wants a verdict or a tally
    /// counts the error and writes nothing.
    #[cold]
    #[inline(never)]
    pub fn fail(
        &mut self,
        value: impl Json<'v>,
        keyword_location: &'static str,
        keyword: &'static str,
        message: impl FnOnce() -> String,
    ) {
        if self.mode == Mode::All {
            let message = message();
            self.record(value, keyword_location, keyword, message, Vec::new());
        } else {
            self.count();
        }
    }

    /// A `type` that does not match: `expected string, found integer 5`.
    /// The common failures have their own calls, so that each call site
    /// passes a few constants instead of carrying code of its own to write
    /// the message. Every failure is a call out of line: the walk's code
    /// stays small, which matters more than the call when payloads of many
    /// schemas take turns in the instruction cache.
    #[cold]
    #[inline(never)]
    pub fn fail_type(
        &mut self,
        value: impl Json<'v>,
        keyword_location: &'static str,
        expected: &'static str,
    ) {
        self.fail(value, keyword_location, "type", || {
            type_mismatch(expected, value)
        });
    }

    /// An error whose message shows the value between `before` and `after`.
    #[cold]
    #[inline(never)]
    pub fn fail_showing(
        &mut self,
        value: impl Json<'v>,
        keyword_location: &'static str,
        keyword: &'static str,
        before: &'static str,
        after: &'static str,
    ) {
        self.fail(value, keyword_location, keyword, || {
            describe(before, value, after)
        });
    }

    /// An error whose message names a property: `before`, `name`, `after`.
    #[cold]
    #[inline(never)]
    pub fn fail_naming(
        &mut self,
        value: impl Json<'v>,
        keyword_location: &'static str,
        keyword: &'static str,
        before: &'static str,
        name: &str,
        after: &'static str,
    ) {
        self.fail(value, keyword_location, keyword, || {
            [before, name, after].concat()
        });
    }

    /// An error of a walk that does not write its errors.
    #[inline]
    fn count(&mut self) {
        self.failures += 1;
        self.deepest = self.deepest.max(self.depth);
    }

    /// [`Ctx::fail`] with the errors of the closest alternative as context.
    pub fn fail_with_context(
        &mut self,
        value: impl Json<'v>,
        keyword_location: &'static str,
        keyword: &'static str,
        message: String,
        context: Vec<ValidationError>,
    ) {
        if self.mode == Mode::All {
            self.record(value, keyword_location, keyword, message, context);
        } else {
            self.count();
        }
    }

    #[cold]
    #[inline(never)]
    fn record(
        &mut self,
        value: impl Json<'v>,
        keyword_location: &'static str,
        keyword: &'static str,
        message: String,
        context: Vec<ValidationError>,
    ) {
        let offset = value.offset();
        self.errors.push(ValidationError {
            instance_location: value.pointer().unwrap_or_else(|| self.pointer()),
            keyword_location,
            keyword,
            message,
            position: offset.map(Position::unplaced),
            context,
        });
    }
}

/// Every error `walk` finds. Most payloads are valid, and a verdict-only
/// walk writes no instance paths and stops early, so the verdict comes
/// first; only an invalid payload is walked again in full.
#[inline]
pub fn errors<'v>(walk: impl Fn(&mut Ctx<'v>)) -> Vec<ValidationError> {
    let mut verdict = Ctx::verdict();
    walk(&mut verdict);
    if verdict.is_valid() {
        return Vec::new();
    }
    let mut all = Ctx::all();
    walk(&mut all);
    all.errors
}

/// JSON types as bits, for `type` checks.
pub mod types {
    pub const NULL: u8 = 1;
    pub const BOOLEAN: u8 = 2;
    pub const OBJECT: u8 = 4;
    pub const ARRAY: u8 = 8;
    pub const NUMBER: u8 = 16;
    pub const STRING: u8 = 32;
    pub const INTEGER: u8 = 64;
}

/// Whether `value` has one of the types in `mask` (`integer` includes `1.0`).
#[inline]
pub fn has_type<'v>(value: impl Json<'v>, mask: u8) -> bool {
    let bit = match value.kind() {
        Kind::Null => types::NULL,
        Kind::Bool => types::BOOLEAN,
        Kind::Object => types::OBJECT,
        Kind::Array => types::ARRAY,
        Kind::String => types::STRING,
        Kind::Number => {
            if mask & types::NUMBER != 0 {
                return true;
            }
            return mask & types::INTEGER != 0 && value.as_number().is_some_and(Num::is_integer);
        }
    };
    mask & bit != 0
}

/// The check of a schema that says only `type`, where the schema is used:
/// most schemas of a real reference are such leaves, and a function of
/// their own for each would be code to compile and a call to make.
#[inline]
pub fn expect_type<'v, J: Json<'v>>(
    value: J,
    ctx: &mut Ctx<'v>,
    mask: u8,
    keyword_location: &'static str,
    expected: &'static str,
) {
    if !has_type(value, mask) {
        ctx.fail_type(value, keyword_location, expected);
    }
}

/// The JSON type of a value, for messages.
pub fn type_name<'v>(value: impl Json<'v>) -> &'static str {
    match value.kind() {
        Kind::Null => "null",
        Kind::Bool => "boolean",
        Kind::Object => "object",
        Kind::Array => "array",
        Kind::Number if value.as_number().is_some_and(Num::is_integer) => "integer",
        Kind::Number => "number",
        Kind::String => "string",
    }
}

/// About how many bytes [`show`] writes: messages are allocated once, with room for it.
const SHOWN_BYTES: usize = 128;

/// A value shortened for a message: at most about 80 characters, and never
/// more than a few levels deep, however large or deep the value is.
pub fn show<'v>(value: impl Json<'v>) -> String {
    let mut out = String::with_capacity(SHOWN_BYTES);
    show_into(value, &mut out);
    out
}

/// `before`, the value as [`show`] writes it, then `after`: a message in
/// one allocation.
pub fn describe<'v>(before: &str, value: impl Json<'v>, after: &str) -> String {
    let mut out = String::with_capacity(before.len() + SHOWN_BYTES + after.len());
    out.push_str(before);
    show_into(value, &mut out);
    out.push_str(after);
    out
}

/// The message of a `type` that does not match: `expected string, found integer 5`.
pub fn type_mismatch<'v>(expected: &str, value: impl Json<'v>) -> String {
    let found = type_name(value);
    let mut out = String::with_capacity(16 + expected.len() + found.len() + SHOWN_BYTES);
    out.push_str("expected ");
    out.push_str(expected);
    out.push_str(", found ");
    out.push_str(found);
    out.push(' ');
    show_into(value, &mut out);
    out
}

/// Appends [`show`]'s text to `out`.
fn show_into<'v>(value: impl Json<'v>, out: &mut String) {
    let start = out.len();
    write_short(value, 3, start, out);
    let shown = &out[start..];
    // At most 80 bytes are at most 80 characters, and in ASCII a
    // character is a byte.
    if shown.len() <= 80 {
        return;
    }
    let cut = if shown.is_ascii() {
        77
    } else if shown.char_indices().nth(80).is_some() {
        shown
            .char_indices()
            .nth(77)
            .map_or(shown.len(), |(at, _)| at)
    } else {
        return;
    };
    out.truncate(start + cut);
    out.push_str("...");
}

/// Writes `s` as JSON writes a string (quoted and escaped, as `serde_json` does).
fn write_quoted(s: &str, out: &mut String) {
    use std::fmt::Write;
    out.push('"');
    if !s
        .bytes()
        .any(|byte| byte < 0x20 || byte == b'"' || byte == b'\\')
    {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut plain = 0;
    for (at, byte) in s.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..0x20 => "",
            _ => continue,
        };
        out.push_str(&s[plain..at]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{byte:04x}");
        } else {
            out.push_str(escape);
        }
        plain = at + 1;
    }
    out.push_str(&s[plain..]);
    out.push('"');
}

/// Writes `value` at the end of `out`, which held `start` bytes before it.
fn write_short<'v>(value: impl Json<'v>, depth: usize, start: usize, out: &mut String) {
    let full = |out: &String| out.len() - start > 100;
    if full(out) {
        return;
    }
    match value.kind() {
        Kind::String => {
            let s = value.as_str().unwrap_or_default();
            let short = if s.len() <= 90 {
                s
            } else {
                s.char_indices().nth(90).map_or(s, |(at, _)| &s[..at])
            };
            write_quoted(short, out);
        }
        Kind::Array => {
            let Some(items) = value.as_array() else {
                return;
            };
            if depth == 0 {
                out.push_str(&format!("[…{} items]", items.len()));
                return;
            }
            out.push('[');
            for (i, item) in items.items().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if full(out) {
                    out.push('…');
                    break;
                }
                write_short(item, depth - 1, start, out);
            }
            out.push(']');
        }
        Kind::Object => {
            let Some(members) = value.as_object() else {
                return;
            };
            if depth == 0 {
                out.push_str(&format!("{{…{} properties}}", members.len()));
                return;
            }
            out.push('{');
            for (i, (key, member)) in members.members().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if full(out) {
                    out.push('…');
                    break;
                }
                write_quoted(key, out);
                out.push(':');
                write_short(member, depth - 1, start, out);
            }
            out.push('}');
        }
        Kind::Number => {
            if let Some(n) = value.as_number() {
                use std::fmt::Write;
                let _ = write!(out, "{n}");
            }
        }
        Kind::Bool => out.push_str(if value.as_bool() == Some(true) {
            "true"
        } else {
            "false"
        }),
        Kind::Null => out.push_str("null"),
    }
}

/// JSON Schema equality: numbers by value (`1` equals `1.0`), objects by
/// members whatever their order.
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => compare_numbers(x, y) == Some(Ordering::Equal),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| equal(v, w)))
        }
        _ => a == b,
    }
}

/// Whether every item of `items` differs from every other.
pub fn all_unique<'v>(items: impl JsonArray<'v>) -> bool {
    let items: Vec<Value> = items.items().map(Json::to_value).collect();
    for (i, a) in items.iter().enumerate() {
        if items[i + 1..].iter().any(|b| equal(a, b)) {
            return false;
        }
    }
    true
}

/// Orders two JSON numbers exactly where both are integers, else as `f64`.
pub fn compare_numbers(a: &Number, b: &Number) -> Option<Ordering> {
    Num::from_number(a).compare(Num::from_number(b))
}

/// A bound from the schema (`minimum`, `maximum`…), written as generated code can.
#[derive(Debug, Clone, Copy)]
pub enum Bound {
    Int(i64),
    Uint(u64),
    Float(f64),
}

impl Bound {
    fn num(self) -> Num {
        match self {
            Bound::Int(i) if i >= 0 => Num::Uint(i as u64),
            Bound::Int(i) => Num::Int(i),
            Bound::Uint(u) => Num::Uint(u),
            Bound::Float(f) => Num::Float(f),
        }
    }

    /// `n` compared with this bound.
    #[inline]
    pub fn compare(self, n: Num) -> Option<Ordering> {
        n.compare(self.num())
    }
}

impl std::fmt::Display for Bound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Bound::Int(i) => write!(f, "{i}"),
            Bound::Uint(u) => write!(f, "{u}"),
            Bound::Float(x) => write!(f, "{x}"),
        }
    }
}

/// Whether `n` is a multiple of `divisor`.
pub fn is_multiple_of(n: Num, divisor: Bound) -> bool {
    match (n, divisor.num()) {
        (Num::Uint(x), Num::Uint(d)) if d != 0 => x % d == 0,
        (Num::Int(x), Num::Uint(d)) if d != 0 => x.unsigned_abs() % d == 0,
        (Num::Uint(x), Num::Int(d)) => x % d.unsigned_abs() == 0,
        (Num::Int(x), Num::Int(d)) => x.unsigned_abs() % d.unsigned_abs() == 0,
        (n, d) => {
            let (x, d) = (n.as_f64(), d.as_f64());
            let quotient = x / d;
            if !quotient.is_finite() || d == 0.0 {
                return false;
            }
            // Decimal divisors (0.01) are not exact in binary: allow for rounding.
            (quotient - quotient.round()).abs() < 1e-9 * quotient.abs().max(1.0)
        }
    }
}

/// Length in code points, as `minLength` and `maxLength` count.
#[inline]
pub fn length(s: &str) -> u64 {
    s.chars().count() as u64
}

/// The properties named in `required` that `object` lacks.
pub fn missing<'v, 'a>(object: impl JsonObject<'v>, required: &[&'a str]) -> Vec<&'a str> {
    required
        .iter()
        .copied()
        .filter(|name| !object.contains_key(name))
        .collect()
}

/// The index of the closest alternative by [`Ctx::distance_by`] (fewer
/// errors first, then errors that stand deeper): the first of the nearest.
pub fn closest(distances: &[(usize, usize)]) -> usize {
    let mut best = 0;
    for (i, distance) in distances.iter().enumerate() {
        if *distance < distances[best] {
            best = i;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_in_messages_are_escaped_as_serde_json_escapes_them() {
        let every: String = (0u32..0x100).filter_map(char::from_u32).collect();
        for s in [every.as_str(), "", "plain", "a\"b\\c", "\u{1f600}\u{7f}"] {
            let mut out = String::new();
            write_quoted(s, &mut out);
            assert_eq!(out, serde_json::to_string(s).unwrap());
        }
    }

    #[test]
    fn shown_values_are_cut_at_80_characters() {
        let long = Value::String("é".repeat(200));
        let shown = show(&long);
        assert_eq!(shown.chars().count(), 80);
        assert!(
            shown.starts_with("\"éé") && shown.ends_with("é..."),
            "{shown}"
        );
        let exact = Value::String("x".repeat(78));
        assert_eq!(show(&exact).chars().count(), 80);
        assert!(!show(&exact).ends_with("..."));
    }

    #[test]
    fn the_closest_alternative_is_the_first_of_the_nearest() {
        assert_eq!(closest(&[(2, 5), (1, 9), (1, 3), (1, 3)]), 2);
        assert_eq!(closest(&[(0, usize::MAX)]), 0);
    }

    #[test]
    fn missing_names_the_absent_required_properties_in_small_and_large_objects() {
        for size in [0usize, 3, 16, 17, 40] {
            let mut object = serde_json::Map::new();
            for i in 0..size {
                object.insert(format!("p{i}"), Value::Null);
            }
            let required = ["p0", "p2", "p16", "q"];
            let expected: Vec<&str> = required
                .iter()
                .copied()
                .filter(|name| match name.strip_prefix('p') {
                    Some(i) => i.parse::<usize>().unwrap() >= size,
                    None => true,
                })
                .collect();
            assert_eq!(missing(&object, &required), expected, "size {size}");
        }
    }
}
