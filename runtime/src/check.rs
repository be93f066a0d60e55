//! What generated validators call: the walk's state (where in the payload we
//! are, the errors so far, how deep we went) and the keyword checks that are
//! the same in every schema. Generated code decides which checks apply where;
//! this module knows how each one judges a value.

use std::cmp::Ordering;

use serde_json::{Map, Number, Value};

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
pub fn has_type(value: &Value, mask: u8) -> bool {
    let bit = match value {
        Value::Null => types::NULL,
        Value::Bool(_) => types::BOOLEAN,
        Value::Object(_) => types::OBJECT,
        Value::Array(_) => types::ARRAY,
        Value::String(_) => types::STRING,
        Value::Number(n) => {
            if mask & types::NUMBER != 0 {
                return true;
            }
            return mask & types::INTEGER != 0 && is_integer(n);
        }
    };
    mask & bit != 0
}

pub fn is_integer(n: &Number) -> bool {
    n.is_i64()
        || n.is_u64()
        || n.as_f64()
            .is_some_and(|f| f.is_finite() && f.fract() == 0.0)
}

/// The JSON type of a value, for messages.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Object(_) => "object",
        Value::Array(_) => "array",
        Value::Number(n) if is_integer(n) => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
    }
}

/// A value shortened for a message: at most about 80 characters, and never
/// more than a few levels deep, however large or deep the value is.
pub fn show(value: &Value) -> String {
    let mut out = String::new();
    write_short(value, 3, &mut out);
    if out.chars().count() > 80 {
        let cut: String = out.chars().take(77).collect();
        format!("{cut}...")
    } else {
        out
    }
}

fn write_short(value: &Value, depth: usize, out: &mut String) {
    if out.len() > 100 {
        return;
    }
    match value {
        Value::String(s) => {
            let short: String = s.chars().take(90).collect();
            out.push_str(&Value::String(short).to_string());
        }
        Value::Array(items) if depth == 0 => out.push_str(&format!("[…{} items]", items.len())),
        Value::Object(members) if depth == 0 => {
            out.push_str(&format!("{{…{} properties}}", members.len()))
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
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
        Value::Object(members) => {
            out.push('{');
            for (i, (key, member)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if out.len() > 100 {
                    out.push('…');
                    break;
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_short(member, depth - 1, out);
            }
            out.push('}');
        }
        scalar => out.push_str(&scalar.to_string()),
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
pub fn all_unique(items: &[Value]) -> bool {
    for (i, a) in items.iter().enumerate() {
        if items[i + 1..].iter().any(|b| equal(a, b)) {
            return false;
        }
    }
    true
}

/// Orders two JSON numbers exactly where both are integers, else as `f64`.
pub fn compare_numbers(a: &Number, b: &Number) -> Option<Ordering> {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return Some(x.cmp(&y));
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return Some(x.cmp(&y));
    }
    match (a.as_i64(), b.as_u64(), a.as_u64(), b.as_i64()) {
        // A negative i64 against a u64 beyond i64.
        (Some(_), Some(_), None, None) => return Some(Ordering::Less),
        (None, None, Some(_), Some(_)) => return Some(Ordering::Greater),
        _ => {}
    }
    a.as_f64()?.partial_cmp(&b.as_f64()?)
}

/// A bound from the schema (`minimum`, `maximum`…), written as generated code can.
#[derive(Debug, Clone, Copy)]
pub enum Bound {
    Int(i64),
    Uint(u64),
    Float(f64),
}

impl Bound {
    fn number(self) -> Option<Number> {
        match self {
            Bound::Int(i) => Some(Number::from(i)),
            Bound::Uint(u) => Some(Number::from(u)),
            Bound::Float(f) => Number::from_f64(f),
        }
    }

    /// `n` compared with this bound.
    pub fn compare(self, n: &Number) -> Option<Ordering> {
        compare_numbers(n, &self.number()?)
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
pub fn is_multiple_of(n: &Number, divisor: Bound) -> bool {
    match (n.as_i64(), n.as_u64(), divisor) {
        (Some(x), _, Bound::Int(d)) if d != 0 => x % d == 0,
        (_, Some(x), Bound::Uint(d)) if d != 0 => x % d == 0,
        (_, Some(x), Bound::Int(d)) if d > 0 => x % (d as u64) == 0,
        _ => {
            let (Some(x), Some(d)) = (n.as_f64(), divisor.number().and_then(|d| d.as_f64())) else {
                return false;
            };
            let quotient = x / d;
            if !quotient.is_finite() {
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
pub fn missing<'a>(object: &Map<String, Value>, required: &[&'a str]) -> Vec<&'a str> {
    required
        .iter()
        .copied()
        .filter(|name| !object.contains_key(*name))
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
