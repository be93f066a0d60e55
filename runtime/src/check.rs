//! What generated validators call: the walk's state (where in the payload we
//! are, the errors so far, how deep we went) and the keyword checks that are
//! the same in every schema. Generated code decides which checks apply where;
//! this module knows how each one judges a value.

use std::cmp::Ordering;

use serde_json::{Number, Value};

use crate::json::{Json, JsonArray, JsonObject, Kind, Num};

use crate::validate::ValidationError;

/// How deep a payload may nest before validation gives up with an error
/// instead of risking the stack.
pub const MAX_DEPTH: usize = 256;

/// One step into a payload.
#[derive(Debug, Clone)]
enum Segment<'v> {
    Key(&'v str),
    Index(usize),
}

/// The state of one validation.
#[derive(Debug)]
pub struct Ctx<'v> {
    path: Vec<Segment<'v>>,
    pub errors: Vec<ValidationError>,
    /// Stop at the first error: only the verdict is wanted.
    first_only: bool,
    depth: usize,
}

impl<'v> Ctx<'v> {
    /// Collects every error.
    pub fn all() -> Self {
        Ctx {
            path: Vec::new(),
            errors: Vec::new(),
            first_only: false,
            depth: 0,
        }
    }

    /// Stops at the first error.
    pub fn verdict() -> Self {
        Ctx {
            first_only: true,
            ..Ctx::all()
        }
    }

    /// A context for trying a subschema on the same value: same place, no errors yet.
    pub fn branch(&self) -> Self {
        Ctx {
            path: self.path.clone(),
            errors: Vec::new(),
            first_only: self.first_only,
            depth: self.depth,
        }
    }

    /// A branch that only wants the verdict. It keeps no path: a verdict
    /// needs no instance locations.
    pub fn probe(&self) -> Self {
        Ctx {
            path: Vec::new(),
            errors: Vec::new(),
            first_only: true,
            depth: self.depth,
        }
    }

    /// Whether this walk reports errors (rather than only a verdict): the
    /// alternatives of `anyOf`/`oneOf` are then tried again in full to give
    /// the closest one's errors.
    #[inline]
    pub fn wants_errors(&self) -> bool {
        !self.first_only
    }

    /// Whether the walk should stop: an error was found and only the verdict is wanted.
    #[inline]
    pub fn done(&self) -> bool {
        self.first_only && !self.errors.is_empty()
    }

    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }

    /// Goes one level deeper; `false` (after recording an error) when too deep.
    #[inline]
    pub fn enter(&mut self, keyword_location: &'static str) -> bool {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.depth -= 1;
            if self.errors.iter().all(|e| e.keyword != "depth") {
                self.fail(keyword_location, "depth", || {
                    format!("the payload nests deeper than {MAX_DEPTH} levels")
                });
            }
            return false;
        }
        true
    }

    #[inline]
    pub fn leave(&mut self) {
        self.depth -= 1;
    }

    #[inline]
    pub fn push_key(&mut self, key: &'v str) {
        if !self.first_only {
            self.path.push(Segment::Key(key));
        }
    }

    #[inline]
    pub fn push_index(&mut self, index: usize) {
        if !self.first_only {
            self.path.push(Segment::Index(index));
        }
    }

    #[inline]
    pub fn pop(&mut self) {
        if !self.first_only {
            self.path.pop();
        }
    }

    /// The JSON pointer of the current place.
    pub fn pointer(&self) -> String {
        let mut pointer = String::new();
        for segment in &self.path {
            pointer.push('/');
            match segment {
                Segment::Key(key) => {
                    pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                }
                Segment::Index(index) => pointer.push_str(&index.to_string()),
            }
        }
        pointer
    }

    /// Records an error at the current place. The message is only written
    /// when errors are reported: a verdict-only walk records a bare error
    /// (no message, no locations), which is all `is_valid` looks at.
    #[cold]
    pub fn fail(
        &mut self,
        keyword_location: &'static str,
        keyword: &'static str,
        message: impl FnOnce() -> String,
    ) {
        if self.first_only {
            self.fail_bare(keyword);
        } else {
            self.fail_with_context(keyword_location, keyword, message(), Vec::new());
        }
    }

    /// The error of a verdict-only walk.
    #[cold]
    fn fail_bare(&mut self, keyword: &'static str) {
        self.errors.push(ValidationError {
            instance_location: String::new(),
            keyword_location: String::new(),
            keyword,
            message: String::new(),
            position: None,
            context: Vec::new(),
        });
    }

    #[cold]
    pub fn fail_with_context(
        &mut self,
        keyword_location: &'static str,
        keyword: &'static str,
        message: String,
        context: Vec<ValidationError>,
    ) {
        if self.first_only {
            self.fail_bare(keyword);
            return;
        }
        self.errors.push(ValidationError {
            instance_location: self.pointer(),
            keyword_location: keyword_location.to_owned(),
            keyword,
            message,
            position: None,
            context,
        });
    }

    /// Takes in the errors of a branch that applies in full (`allOf`, `then`).
    pub fn absorb(&mut self, branch: Ctx<'_>) {
        self.errors.extend(branch.errors);
    }
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

/// A value shortened for a message: at most about 80 characters, and never
/// more than a few levels deep, however large or deep the value is.
pub fn show<'v>(value: impl Json<'v>) -> String {
    let mut out = String::new();
    write_short(value, 3, &mut out);
    if out.chars().count() > 80 {
        let cut: String = out.chars().take(77).collect();
        format!("{cut}...")
    } else {
        out
    }
}

/// A string as JSON writes it (quoted and escaped).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn write_short<'v>(value: impl Json<'v>, depth: usize, out: &mut String) {
    if out.len() > 100 {
        return;
    }
    match value.kind() {
        Kind::String => {
            let short: String = value
                .as_str()
                .unwrap_or_default()
                .chars()
                .take(90)
                .collect();
            out.push_str(&quoted(&short));
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
                if out.len() > 100 {
                    out.push('…');
                    break;
                }
                write_short(item, depth - 1, out);
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
                if out.len() > 100 {
                    out.push('…');
                    break;
                }
                out.push_str(&quoted(key));
                out.push(':');
                write_short(member, depth - 1, out);
            }
            out.push('}');
        }
        Kind::Number => {
            if let Some(n) = value.as_number() {
                out.push_str(&n.to_string());
            }
        }
        Kind::Bool | Kind::Null => out.push_str(&value.to_value().to_string()),
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

/// Of the error lists of the alternatives tried, the closest: fewest errors,
/// and among those the one whose errors stand deepest in the payload.
pub fn closest(branches: Vec<Vec<ValidationError>>) -> Vec<ValidationError> {
    branches
        .into_iter()
        .min_by_key(|errors| {
            let depth = errors
                .iter()
                .map(|e| e.instance_location.matches('/').count())
                .max()
                .unwrap_or(0);
            (errors.len(), usize::MAX - depth)
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

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
