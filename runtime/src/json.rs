//! What a generated validator needs to know about a JSON value, as a trait,
//! so that one generated walk serves two representations: a parsed
//! `serde_json::Value` and the [`Document`](crate::document::Document) the
//! bytes path builds without allocating a `Value`.

use std::cmp::Ordering;
use std::fmt;

use serde_json::{Map, Value};

/// The JSON type of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

/// A JSON number as the validators compare it: exact for integers that fit
/// 64 bits, `f64` otherwise (as `serde_json` without `arbitrary_precision`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Num {
    Uint(u64),
    Int(i64),
    Float(f64),
}

impl Num {
    pub fn from_number(n: &serde_json::Number) -> Num {
        if let Some(u) = n.as_u64() {
            Num::Uint(u)
        } else if let Some(i) = n.as_i64() {
            Num::Int(i)
        } else {
            Num::Float(n.as_f64().unwrap_or(f64::NAN))
        }
    }

    pub fn to_number(self) -> Option<serde_json::Number> {
        match self {
            Num::Uint(u) => Some(u.into()),
            Num::Int(i) => Some(i.into()),
            Num::Float(f) => serde_json::Number::from_f64(f),
        }
    }

    pub fn as_f64(self) -> f64 {
        match self {
            Num::Uint(u) => u as f64,
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }

    /// Whether the number is whole (`1.0` and `1e3` are).
    pub fn is_integer(self) -> bool {
        match self {
            Num::Uint(_) | Num::Int(_) => true,
            Num::Float(f) => f.is_finite() && f.fract() == 0.0,
        }
    }

    /// Orders two numbers exactly where both are integers, else as `f64`.
    pub fn compare(self, other: Num) -> Option<Ordering> {
        match (self, other) {
            (Num::Uint(a), Num::Uint(b)) => Some(a.cmp(&b)),
            (Num::Int(a), Num::Int(b)) => Some(a.cmp(&b)),
            // An `Int` is always negative: `Uint` holds the others.
            (Num::Int(_), Num::Uint(_)) => Some(Ordering::Less),
            (Num::Uint(_), Num::Int(_)) => Some(Ordering::Greater),
            (a, b) => a.as_f64().partial_cmp(&b.as_f64()),
        }
    }
}

impl fmt::Display for Num {
    /// As `serde_json` writes the number, so messages read the same on both paths.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Num::Uint(u) => write!(f, "{u}"),
            Num::Int(i) => write!(f, "{i}"),
            Num::Float(x) => match serde_json::Number::from_f64(*x) {
                Some(n) => write!(f, "{n}"),
                None => write!(f, "{x}"),
            },
        }
    }
}

/// A JSON value as generated validators read it. `'v` is how long the
/// strings it hands out live: the walk keeps them in instance paths.
pub trait Json<'v>: Copy {
    type Object: JsonObject<'v, Value = Self>;
    type Array: JsonArray<'v, Item = Self>;

    /// Whether a value knows its own JSON pointer ([`Json::pointer`]), so a
    /// walk that reports errors need not keep the path it took.
    const KNOWS_POINTER: bool = false;

    fn kind(self) -> Kind;
    fn as_object(self) -> Option<Self::Object>;
    fn as_array(self) -> Option<Self::Array>;
    fn as_str(self) -> Option<&'v str>;
    fn as_number(self) -> Option<Num>;
    fn as_bool(self) -> Option<bool>;
    /// The value as a `serde_json::Value`: for messages and the rare keywords
    /// that compare whole values (`uniqueItems`).
    fn to_value(self) -> Value;
    /// JSON Schema equality with a value from the schema (`enum`, `const`).
    fn equals(self, other: &Value) -> bool;
    /// Where the value starts in the bytes it was parsed from, when it knows.
    #[inline]
    fn offset(self) -> Option<usize> {
        None
    }

    /// The JSON pointer of the value in its document, when it knows.
    fn pointer(self) -> Option<String> {
        None
    }
}

pub trait JsonObject<'v>: Copy {
    type Value: Json<'v>;
    fn len(self) -> usize;
    fn is_empty(self) -> bool {
        self.len() == 0
    }
    /// The members in the payload's order.
    fn members(self) -> impl Iterator<Item = (&'v str, Self::Value)>;
    fn contains_key(self, name: &str) -> bool {
        self.members().any(|(key, _)| key == name)
    }
}

pub trait JsonArray<'v>: Copy {
    type Item: Json<'v>;
    fn len(self) -> usize;
    fn is_empty(self) -> bool {
        self.len() == 0
    }
    fn items(self) -> impl Iterator<Item = Self::Item>;
}

impl<'v> Json<'v> for &'v Value {
    type Object = &'v Map<String, Value>;
    type Array = &'v Vec<Value>;

    #[inline]
    fn kind(self) -> Kind {
        match self {
            Value::Null => Kind::Null,
            Value::Bool(_) => Kind::Bool,
            Value::Number(_) => Kind::Number,
            Value::String(_) => Kind::String,
            Value::Array(_) => Kind::Array,
            Value::Object(_) => Kind::Object,
        }
    }

    #[inline]
    fn as_object(self) -> Option<Self::Object> {
        self.as_object()
    }

    #[inline]
    fn as_array(self) -> Option<Self::Array> {
        self.as_array()
    }

    #[inline]
    fn as_str(self) -> Option<&'v str> {
        self.as_str()
    }

    #[inline]
    fn as_number(self) -> Option<Num> {
        match self {
            Value::Number(n) => Some(Num::from_number(n)),
            _ => None,
        }
    }

    #[inline]
    fn as_bool(self) -> Option<bool> {
        self.as_bool()
    }

    fn to_value(self) -> Value {
        self.clone()
    }

    fn equals(self, other: &Value) -> bool {
        crate::check::equal(self, other)
    }
}

impl<'v> JsonObject<'v> for &'v Map<String, Value> {
    type Value = &'v Value;

    #[inline]
    fn len(self) -> usize {
        Map::len(self)
    }

    #[inline]
    fn members(self) -> impl Iterator<Item = (&'v str, &'v Value)> {
        self.iter().map(|(key, value)| (key.as_str(), value))
    }

    /// Payload objects are mostly small, and comparing a few names costs
    /// less than hashing.
    #[inline]
    fn contains_key(self, name: &str) -> bool {
        if Map::len(self) <= 16 {
            self.keys().any(|key| key == name)
        } else {
            Map::contains_key(self, name)
        }
    }
}

impl<'v> JsonArray<'v> for &'v Vec<Value> {
    type Item = &'v Value;

    #[inline]
    fn len(self) -> usize {
        Vec::len(self)
    }

    #[inline]
    fn items(self) -> impl Iterator<Item = &'v Value> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_exactly_across_representations() {
        assert_eq!(Num::Int(-1).compare(Num::Uint(0)), Some(Ordering::Less));
        assert_eq!(
            Num::Uint(u64::MAX).compare(Num::Int(i64::MIN)),
            Some(Ordering::Greater)
        );
        assert_eq!(Num::Uint(2).compare(Num::Float(2.0)), Some(Ordering::Equal));
        assert_eq!(Num::Float(f64::NAN).compare(Num::Uint(1)), None);
        assert!(Num::Float(1.5e300).is_integer());
        assert!(!Num::Float(1.5).is_integer());
        assert_eq!(Num::Float(1e300).to_string(), "1e+300");
        assert_eq!(Num::Float(1.5).to_string(), "1.5");
    }
}
