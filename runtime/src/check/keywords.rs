//! The keyword checks that judge a value the same way in every schema:
//! JSON Schema equality (`enum`, `const`, `uniqueItems`), bounds and
//! `multipleOf`, lengths, missing `required` properties, and the closest
//! alternative of an `anyOf`/`oneOf`.

use std::cmp::Ordering;

use serde_json::{Number, Value};

use crate::json::{Json, JsonArray, JsonObject, Num};

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
