//! The change engine: compares two models structurally, with `$ref`s
//! resolved, `allOf` merged and the spellings of nullable normalised, and
//! reports one change per place it happens.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::equality::Equality;
use super::flat::{Flat, discriminator_json, flatten, type_text};
use super::{Change, Kind};
use crate::model::{Branch, Model, NodeId, NodeKind};
use crate::source::escape_pointer_token;

/// How deep a comparison follows inline schemas and expanded references.
const MAX_DEPTH: usize = 64;

/// Where a comparison stands: the owning `$defs` entry and the pointer in it,
/// plus the node pointers on each side for positions.
#[derive(Clone)]
struct At {
    schema: String,
    pointer: String,
    old: String,
    new: String,
}

impl At {
    fn child(&self, suffix: &str, old: &Model, new: &Model, a: NodeId, b: NodeId) -> At {
        At {
            schema: self.schema.clone(),
            pointer: format!("{}{suffix}", self.pointer),
            old: old.node(a).pointer.clone(),
            new: new.node(b).pointer.clone(),
        }
    }
}

pub(super) struct Engine<'a> {
    pub old: &'a Model,
    pub new: &'a Model,
    changes: Vec<Change>,
    /// Old and new rename candidates found at the same object.
    renames: Vec<(usize, usize)>,
}

impl<'a> Engine<'a> {
    pub fn new(old: &'a Model, new: &'a Model) -> Self {
        Engine {
            old,
            new,
            changes: Vec::new(),
            renames: Vec::new(),
        }
    }

    fn push(&mut self, kind: Kind, at: &At, message: String, old: Value, new: Value) -> usize {
        self.changes.push(Change {
            kind,
            schema: at.schema.clone(),
            pointer: at.pointer.clone(),
            message,
            old,
            new,
            old_location: Some(at.old.clone()),
            new_location: Some(at.new.clone()),
            ..Change::default()
        });
        self.changes.len() - 1
    }

    /// Compares two `$defs` entries of the same name.
    pub fn compare_def(&mut self, name: &str, a: NodeId, b: NodeId) {
        let at = At {
            schema: name.to_string(),
            pointer: String::new(),
            old: self.old.node(a).pointer.clone(),
            new: self.new.node(b).pointer.clone(),
        };
        self.compare(&at, a, b, 0, true);
    }

    /// Compares two bodies named by their `$defs` entries, at an operation.
    pub fn same_target(&self, a: NodeId, b: NodeId) -> bool {
        Equality::new(self.old, self.new).equal(a, b)
    }

    fn compare(&mut self, at: &At, a: NodeId, b: NodeId, depth: usize, top: bool) {
        if depth > MAX_DEPTH {
            return;
        }
        let (fa, fb) = (flatten(self.old, a), flatten(self.new, b));
        // A `$ref` to a def: the def is compared on its own, once.
        if !top {
            match (&fa.reference, &fb.reference) {
                (Some(x), Some(y)) if x == y => {
                    self.nullability(at, &fa, &fb);
                    return;
                }
                (Some(x), Some(y)) => {
                    let ta = self.old.def(x);
                    let tb = self.new.def(y);
                    let same = match (ta, tb) {
                        (Some(ta), Some(tb)) => Equality::new(self.old, self.new).equal(ta, tb),
                        _ => false,
                    };
                    if !same {
                        self.push(
                            Kind::RefTargetChanged,
                            at,
                            format!("$ref target changed from `{x}` to `{y}`"),
                            json!(x),
                            json!(y),
                        );
                        return;
                    }
                    self.nullability(at, &fa, &fb);
                    return;
                }
                (Some(_), None) | (None, Some(_)) => {
                    if Equality::new(self.old, self.new).equal(a, b) {
                        return;
                    }
                    if fa.types != fb.types || fa.enum_values.is_some() != fb.enum_values.is_some()
                    {
                        let (ta, tb) = (type_text(&fa), type_text(&fb));
                        self.push(
                            Kind::TypeChanged,
                            at,
                            format!("type changed from {ta} to {tb}"),
                            json!(ta),
                            json!(tb),
                        );
                        self.nullability(at, &fa, &fb);
                        return;
                    }
                }
                (None, None) => {}
            }
        }
        self.nullability(at, &fa, &fb);
        if fa.types != fb.types {
            let (ta, tb) = (type_text(&fa), type_text(&fb));
            self.push(
                Kind::TypeChanged,
                at,
                format!("type changed from {ta} to {tb}"),
                json!(ta),
                json!(tb),
            );
            return;
        }
        match (&fa.enum_values, &fb.enum_values) {
            (Some(x), Some(y)) => {
                for removed in x.difference(y) {
                    self.push(
                        Kind::EnumValueRemoved,
                        at,
                        format!("enum value {removed} removed"),
                        serde_json::from_str(removed).unwrap_or(Value::Null),
                        Value::Null,
                    );
                }
                for added in y.difference(x) {
                    self.push(
                        Kind::EnumValueAdded,
                        at,
                        format!("enum value {added} added"),
                        Value::Null,
                        serde_json::from_str(added).unwrap_or(Value::Null),
                    );
                }
            }
            (None, Some(y)) => {
                let values: Vec<Value> = y
                    .iter()
                    .filter_map(|v| serde_json::from_str(v).ok())
                    .collect();
                self.push(
                    Kind::EnumConstrained,
                    at,
                    format!(
                        "value became constrained to an enum of {} values",
                        values.len()
                    ),
                    Value::Null,
                    Value::Array(values),
                );
            }
            (Some(x), None) => {
                let values: Vec<Value> = x
                    .iter()
                    .filter_map(|v| serde_json::from_str(v).ok())
                    .collect();
                self.push(
                    Kind::EnumUnconstrained,
                    at,
                    "value is no longer constrained to an enum".to_string(),
                    Value::Array(values),
                    Value::Null,
                );
            }
            (None, None) => {}
        }
        if fa.format != fb.format {
            self.push(
                Kind::FormatChanged,
                at,
                format!(
                    "format changed from {} to {}",
                    fa.format.as_deref().unwrap_or("none"),
                    fb.format.as_deref().unwrap_or("none")
                ),
                json!(fa.format),
                json!(fb.format),
            );
        }
        self.constraints(at, &fa, &fb);
        if fa.discriminator != fb.discriminator {
            self.push(
                Kind::DiscriminatorChanged,
                at,
                "discriminator or its mapping changed".to_string(),
                discriminator_json(&fa),
                discriminator_json(&fb),
            );
        }
        self.properties(at, &fa, &fb, depth);
        for (suffix, x, y) in [("/items", fa.items, fb.items)] {
            if let (Some(x), Some(y)) = (x, y) {
                let child = at.child(suffix, self.old, self.new, x, y);
                self.compare(&child, x, y, depth + 1, false);
            }
        }
        for (keyword, x, y) in [
            ("additionalProperties", fa.additional, fb.additional),
            (
                "unevaluatedProperties",
                fa.unevaluated_properties,
                fb.unevaluated_properties,
            ),
            (
                "unevaluatedItems",
                fa.unevaluated_items,
                fb.unevaluated_items,
            ),
        ] {
            self.others(at, keyword, (x, y), depth);
        }
        self.branches(at, &fa, &fb, depth);
    }

    fn nullability(&mut self, at: &At, fa: &Flat, fb: &Flat) {
        if fa.nullable != fb.nullable {
            let kind = if fb.nullable {
                Kind::BecameNullable
            } else {
                Kind::BecameNotNullable
            };
            let message = if fb.nullable {
                "became nullable"
            } else {
                "is no longer nullable"
            };
            self.push(
                kind,
                at,
                message.to_string(),
                json!(fa.nullable),
                json!(fb.nullable),
            );
        }
    }

    fn constraints(&mut self, at: &At, fa: &Flat, fb: &Flat) {
        let keys: BTreeSet<&&str> = fa.constraints.keys().chain(fb.constraints.keys()).collect();
        for key in keys {
            let (x, y) = (fa.constraints.get(*key), fb.constraints.get(*key));
            if x == y {
                continue;
            }
            let tightened = match (x, y) {
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(x), Some(y)) => match (x.as_f64(), y.as_f64()) {
                    (Some(x), Some(y)) if key.starts_with("max") || key.ends_with("Maximum") => {
                        y < x
                    }
                    (Some(x), Some(y)) => y > x,
                    // A changed pattern: counted as a tightening, to be safe.
                    _ => true,
                },
                (None, None) => continue,
            };
            self.push_constraint(
                at,
                key,
                tightened,
                (
                    x.map_or("none".to_string(), Value::to_string),
                    x.cloned().unwrap_or(Value::Null),
                ),
                (
                    y.map_or("none".to_string(), Value::to_string),
                    y.cloned().unwrap_or(Value::Null),
                ),
            );
        }
    }

    /// A constraint `keyword` that changed from `before` to `after`, each
    /// as the report's text and as its value.
    fn push_constraint(
        &mut self,
        at: &At,
        keyword: &str,
        tightened: bool,
        (before_text, before): (String, Value),
        (after_text, after): (String, Value),
    ) {
        let (kind, verb) = if tightened {
            (Kind::ConstraintTightened, "tightened")
        } else {
            (Kind::ConstraintLoosened, "loosened")
        };
        let message = format!("`{keyword}` {verb}: {before_text} → {after_text}");
        self.push(kind, at, message, before, after);
    }

    /// A keyword for the members no other keyword names
    /// (`additionalProperties`, `unevaluatedProperties`, `unevaluatedItems`):
    /// closed (`false`) or open, then its schema.
    fn others(
        &mut self,
        at: &At,
        keyword: &str,
        (x, y): (Option<NodeId>, Option<NodeId>),
        depth: usize,
    ) {
        let closed = |model: &Model, id: Option<NodeId>| {
            id.is_some_and(|id| matches!(model.node(id).kind, NodeKind::Bool(false)))
        };
        let (ca, cb) = (closed(self.old, x), closed(self.new, y));
        if ca != cb {
            self.push_constraint(
                at,
                keyword,
                cb,
                ((!ca).to_string(), json!(!ca)),
                ((!cb).to_string(), json!(!cb)),
            );
            return;
        }
        if let (Some(x), Some(y)) = (x, y) {
            let child = at.child(&format!("/{keyword}"), self.old, self.new, x, y);
            self.compare(&child, x, y, depth + 1, false);
        }
    }

    fn branches(&mut self, at: &At, fa: &Flat, fb: &Flat, depth: usize) {
        if fa.branches.is_empty() && fb.branches.is_empty() {
            return;
        }
        let mut unmatched_new: Vec<Branch> = fb.branches.clone();
        let mut unmatched_old: Vec<Branch> = Vec::new();
        for x in &fa.branches {
            let found = unmatched_new
                .iter()
                .position(|y| Equality::new(self.old, self.new).equal(x.node, y.node));
            match found {
                Some(p) => {
                    unmatched_new.remove(p);
                }
                None => unmatched_old.push(*x),
            }
        }
        // A `$ref` branch to the same schema on both sides is the same
        // branch: what changed inside that schema is reported there.
        unmatched_old.retain(|x| {
            let Some(name) = flatten(self.old, x.node).reference else {
                return true;
            };
            let same = unmatched_new
                .iter()
                .position(|y| flatten(self.new, y.node).reference.as_ref() == Some(&name));
            match same {
                Some(p) => {
                    unmatched_new.remove(p);
                    false
                }
                None => true,
            }
        });
        // A branch changed in place when both sides lost and gained one
        // branch that is the same `$ref` or the same position.
        if let ([x], [y]) = (&unmatched_old[..], &unmatched_new[..]) {
            let child = at.child(&y.suffix(), self.old, self.new, x.node, y.node);
            self.compare(&child, x.node, y.node, depth + 1, false);
            return;
        }
        for x in unmatched_old {
            let description = type_text(&flatten(self.old, x.node));
            let mut at = at.clone();
            at.pointer = format!("{}{}", at.pointer, x.suffix());
            at.old = self.old.node(x.node).pointer.clone();
            self.push(
                Kind::BranchRemoved,
                &at,
                format!("oneOf/anyOf branch {description} removed"),
                json!(description),
                Value::Null,
            );
        }
        for y in unmatched_new {
            let description = type_text(&flatten(self.new, y.node));
            let mut at = at.clone();
            at.pointer = format!("{}{}", at.pointer, y.suffix());
            at.new = self.new.node(y.node).pointer.clone();
            self.push(
                Kind::BranchAdded,
                &at,
                format!("oneOf/anyOf branch {description} added"),
                Value::Null,
                json!(description),
            );
        }
    }

    fn properties(&mut self, at: &At, fa: &Flat, fb: &Flat, depth: usize) {
        let mut removed = Vec::new();
        let mut added = Vec::new();
        for (name, x) in &fa.properties {
            let suffix = format!("/properties/{}", escape_pointer_token(name));
            match fb.properties.get(name) {
                Some(y) => {
                    let child = at.child(&suffix, self.old, self.new, *x, *y);
                    let (ra, rb) = (fa.required.contains(name), fb.required.contains(name));
                    if ra != rb {
                        let kind = if rb {
                            Kind::BecameRequired
                        } else {
                            Kind::BecameOptional
                        };
                        let message = if rb {
                            "became required"
                        } else {
                            "became optional"
                        };
                        self.push(kind, &child, message.to_string(), json!(ra), json!(rb));
                    }
                    self.compare(&child, *x, *y, depth + 1, false);
                }
                None => {
                    let mut child = at.clone();
                    child.pointer = format!("{}{suffix}", at.pointer);
                    child.old = self.old.node(*x).pointer.clone();
                    let required = fa.required.contains(name);
                    let index = self.push(
                        Kind::PropertyRemoved,
                        &child,
                        format!(
                            "{} property `{name}` removed",
                            if required { "required" } else { "optional" }
                        ),
                        json!({"required": required, "type": type_text(&flatten(self.old, *x))}),
                        Value::Null,
                    );
                    self.changes[index].verdict_inputs.was_required = required;
                    removed.push((index, *x));
                }
            }
        }
        for (name, y) in &fb.properties {
            if fa.properties.contains_key(name) {
                continue;
            }
            let suffix = format!("/properties/{}", escape_pointer_token(name));
            let mut child = at.clone();
            child.pointer = format!("{}{suffix}", at.pointer);
            child.new = self.new.node(*y).pointer.clone();
            let required = fb.required.contains(name);
            let kind = if required {
                Kind::PropertyAddedRequired
            } else {
                Kind::PropertyAddedOptional
            };
            // The old model keeps unknown properties unless the old object
            // refuses them, or types them with a schema the new one differs from.
            let refused = fa.additional.and_then(|x| match self.old.node(x).kind {
                NodeKind::Bool(true) => None,
                NodeKind::Bool(false) => Some("the old object refuses unknown properties"),
                _ => (!Equality::new(self.old, self.new).equal(x, *y))
                    .then_some("the old object's `additionalProperties` schema differs"),
            });
            let index = self.push(
                kind,
                &child,
                format!(
                    "{} property `{name}` added{}",
                    if required { "required" } else { "optional" },
                    refused.map(|why| format!(" ({why})")).unwrap_or_default()
                ),
                Value::Null,
                json!({"required": required, "type": type_text(&flatten(self.new, *y))}),
            );
            self.changes[index].verdict_inputs.refused_by_old_model = refused.is_some();
            added.push((index, *y));
        }
        // Rename hints: one removal and one addition with the same schema.
        for (r, x) in &removed {
            let candidates: Vec<usize> = added
                .iter()
                .filter(|(_, y)| Equality::new(self.old, self.new).equal(*x, *y))
                .map(|(a, _)| *a)
                .collect();
            if let [a] = candidates[..] {
                self.renames.push((*r, a));
            }
        }
        // Required-list entries for properties declared nowhere are ignored:
        // without a property the model reads them as any value either way.
    }

    pub fn finish(mut self) -> Vec<Change> {
        for (removed, added) in std::mem::take(&mut self.renames) {
            let to = self.changes[added].pointer.clone();
            let from = self.changes[removed].pointer.clone();
            self.changes[removed].renamed_to = Some(to);
            self.changes[added].renamed_from = Some(from);
        }
        self.changes
    }
}
