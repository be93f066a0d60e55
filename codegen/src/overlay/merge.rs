//! The Overlay Specification's merge of a value into a target node, and
//! where each node it writes comes from.

use serde_json::Value;

use crate::source::{Position, escape_pointer_token};

/// What a value from the overlay (or copied within the reference) writes,
/// and where the places of the nodes it writes come from.
pub(super) enum Source<'a> {
    /// The action's `update`: each written node keeps its own line.
    Update { value: &'a Value, pointer: String },
    /// A copy: every node it writes is placed at the action's `copy` field.
    Copy {
        value: &'a Value,
        position: Position,
    },
}

impl Source<'_> {
    fn value(&self) -> &Value {
        match self {
            Source::Update { value, .. } | Source::Copy { value, .. } => value,
        }
    }

    fn child(&self, token: &str) -> Option<Source<'_>> {
        // `token` is already escaped as a JSON pointer's tokens are.
        let value = self.value().pointer(&format!("/{token}"))?;
        Some(match self {
            Source::Update { pointer, .. } => Source::Update {
                value,
                pointer: format!("{pointer}/{token}"),
            },
            Source::Copy { position, .. } => Source::Copy {
                value,
                position: *position,
            },
        })
    }
}

/// The kind of a node, as the specification sorts targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    Object,
    Array,
    Primitive,
}

pub(super) fn shape(value: &Value) -> Shape {
    match value {
        Value::Object(_) => Shape::Object,
        Value::Array(_) => Shape::Array,
        _ => Shape::Primitive,
    }
}

/// Where a node written by a merge comes from.
pub(super) enum Origin {
    /// A pointer into the overlay document.
    Update(String),
    /// The position of a `copy` field.
    Copy(Position),
}

fn origin(source: &Source) -> Origin {
    match source {
        Source::Update { pointer, .. } => Origin::Update(pointer.clone()),
        Source::Copy { position, .. } => Origin::Copy(*position),
    }
}

/// Where a merge failed (relative to its root) and why.
type MergeError = (String, String);

/// Merges `source` into `target` as the specification says: properties only
/// in the target stay, properties only in the source are inserted, and for
/// properties in both a primitive replaces a primitive, arrays are
/// concatenated and objects merged again. A primitive target is replaced; an
/// array target gets an array concatenated or any other value appended.
/// Every node written is pushed on `written` (relative to the merge's root).
pub(super) fn merge(
    target: &mut Value,
    source: &Source,
    at: &str,
    written: &mut Vec<(String, Origin)>,
) -> Result<(), MergeError> {
    match (target, source.value()) {
        (Value::Object(target), Value::Object(update)) => {
            for (key, _) in update {
                let token = escape_pointer_token(key);
                let child = source.child(&token).expect("the key is in the update");
                let child_at = format!("{at}/{token}");
                match target.get_mut(key) {
                    None => {
                        target.insert(key.clone(), child.value().clone());
                        written.push((child_at, origin(&child)));
                    }
                    Some(existing) => merge_property(existing, &child, &child_at, written)?,
                }
            }
            Ok(())
        }
        (Value::Array(items), Value::Array(_)) => {
            append_items(items, source, at, written);
            Ok(())
        }
        (Value::Array(items), value) => {
            written.push((format!("{at}/{}", items.len()), origin(source)));
            items.push(value.clone());
            Ok(())
        }
        (target @ (Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_)), value)
            if shape(value) == Shape::Primitive =>
        {
            *target = value.clone();
            written.push((at.to_string(), origin(source)));
            Ok(())
        }
        (target, value) => Err((
            at.to_string(),
            format!(
                "cannot merge {} into {}",
                kind_name(value),
                kind_name(target)
            ),
        )),
    }
}

/// The merge of a property that both sides have.
fn merge_property(
    existing: &mut Value,
    child: &Source,
    at: &str,
    written: &mut Vec<(String, Origin)>,
) -> Result<(), MergeError> {
    match (shape(existing), shape(child.value())) {
        (Shape::Object, Shape::Object) => merge(existing, child, at, written),
        (Shape::Array, Shape::Array) => {
            let Value::Array(items) = existing else {
                unreachable!("the shape is an array")
            };
            append_items(items, child, at, written);
            Ok(())
        }
        (Shape::Primitive, Shape::Primitive) => {
            *existing = child.value().clone();
            written.push((at.to_string(), origin(child)));
            Ok(())
        }
        _ => Err((
            at.to_string(),
            format!(
                "cannot merge {} into {} (the specification calls this combination incompatible)",
                kind_name(child.value()),
                kind_name(existing)
            ),
        )),
    }
}

fn append_items(
    items: &mut Vec<Value>,
    source: &Source,
    at: &str,
    written: &mut Vec<(String, Origin)>,
) {
    let Value::Array(update) = source.value() else {
        return;
    };
    for index in 0..update.len() {
        let child = source
            .child(&index.to_string())
            .expect("the index is in the update");
        written.push((format!("{at}/{}", items.len()), origin(&child)));
        items.push(child.value().clone());
    }
}

fn kind_name(value: &Value) -> &'static str {
    match value {
        Value::Object(_) => "an object",
        Value::Array(_) => "an array",
        Value::String(_) => "a string",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a boolean",
        Value::Null => "null",
    }
}
