//! The change engine: compares two models structurally, with `$ref`s
//! resolved, `allOf` merged and the spellings of nullable normalised.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::{Value, json};

use super::{Change, Direction, Kind};
use crate::model::{InstanceType, Keywords, Model, NodeId, NodeKind, owners};
use crate::source::escape_pointer_token;

/// How deep a comparison follows inline schemas and expanded references.
const MAX_DEPTH: usize = 64;

/// A schema node seen as a whole: itself and its `allOf` branches merged,
/// nullable taken out of `type`, `enum` and `anyOf`.
#[derive(Debug, Default)]
pub(crate) struct Flat {
    /// The `$defs` entry the node is a bare `$ref` to.
    pub reference: Option<String>,
    pub nullable: bool,
    /// `None` when the node says nothing about the type.
    pub types: Option<BTreeSet<InstanceType>>,
    /// Canonical JSON text of each value, without `null`.
    pub enum_values: Option<BTreeSet<String>>,
    pub format: Option<String>,
    pub properties: BTreeMap<String, NodeId>,
    pub required: BTreeSet<String>,
    pub items: Option<NodeId>,
    pub additional: Option<NodeId>,
    pub branches: Vec<NodeId>,
    pub discriminator: Option<(String, BTreeMap<String, String>)>,
    pub constraints: BTreeMap<&'static str, Value>,
}

pub(crate) fn flatten(model: &Model, id: NodeId) -> Flat {
    let mut flat = Flat::default();
    let mut seen = HashSet::new();
    merge(model, id, &mut flat, &mut seen, true);
    flat
}

fn def_of(model: &Model, target: NodeId) -> Option<String> {
    let pointer = &model.node(target).pointer;
    let name = pointer.strip_prefix("/$defs/")?;
    (!name.contains('/')).then(|| crate::source::unescape_pointer_token(name))
}

fn merge(model: &Model, id: NodeId, flat: &mut Flat, seen: &mut HashSet<NodeId>, top: bool) {
    if !seen.insert(id) {
        return;
    }
    let Some(k) = model.keywords(id) else {
        return;
    };
    if let Some(reference) = &k.reference {
        if top && !k.shape_type() {
            flat.reference = def_of(model, reference.target);
        }
        merge(model, reference.target, flat, seen, false);
    }
    if let Some(types) = &k.types {
        let set: BTreeSet<InstanceType> = types
            .iter()
            .copied()
            .filter(|t| *t != InstanceType::Null)
            .collect();
        if types.contains(&InstanceType::Null) {
            flat.nullable = true;
        }
        if !set.is_empty() || flat.types.is_none() {
            flat.types = Some(match flat.types.take() {
                Some(old) if !set.is_empty() && !old.is_empty() => {
                    old.intersection(&set).copied().collect()
                }
                Some(old) if set.is_empty() => old,
                _ => set,
            });
        }
    }
    let enum_from = |values: &[Value], flat: &mut Flat| {
        let mut set = BTreeSet::new();
        for value in values {
            if value.is_null() {
                flat.nullable = true;
            } else {
                set.insert(value.to_string());
            }
        }
        flat.enum_values = Some(match flat.enum_values.take() {
            Some(old) => old.intersection(&set).cloned().collect(),
            None => set,
        });
    };
    if let Some(values) = &k.enum_values {
        enum_from(values, flat);
    }
    if let Some(value) = &k.const_value {
        enum_from(std::slice::from_ref(value), flat);
    }
    if flat.format.is_none() {
        flat.format.clone_from(&k.format);
    }
    for (name, child) in &k.properties {
        flat.properties.entry(name.clone()).or_insert(*child);
    }
    flat.required.extend(k.required.iter().cloned());
    if flat.items.is_none() {
        flat.items = k.items;
    }
    if flat.additional.is_none() {
        flat.additional = k.additional_properties;
    }
    for (name, value) in [
        ("maxLength", k.max_length.map(Value::from)),
        ("minLength", k.min_length.map(Value::from)),
        ("maximum", k.maximum.clone().map(Value::Number)),
        ("minimum", k.minimum.clone().map(Value::Number)),
        (
            "exclusiveMaximum",
            k.exclusive_maximum.clone().map(Value::Number),
        ),
        (
            "exclusiveMinimum",
            k.exclusive_minimum.clone().map(Value::Number),
        ),
        ("maxItems", k.max_items.map(Value::from)),
        ("minItems", k.min_items.map(Value::from)),
        ("pattern", k.pattern.clone().map(Value::String)),
    ] {
        if let Some(value) = value {
            flat.constraints.entry(name).or_insert(value);
        }
    }
    if let (Some(d), None) = (&k.discriminator, &flat.discriminator) {
        let mapping = d
            .mapping
            .iter()
            .map(|(tag, target)| {
                (
                    tag.clone(),
                    def_of(model, *target).unwrap_or_else(|| model.node(*target).pointer.clone()),
                )
            })
            .collect();
        flat.discriminator = Some((d.property_name.clone(), mapping));
    }
    // `anyOf`/`oneOf` with a `{type: null}` branch is how nullable is spelled
    // beside a `$ref`: the other branch is the schema.
    for alternatives in [&k.any_of, &k.one_of] {
        if alternatives.is_empty() {
            continue;
        }
        let (nulls, others): (Vec<NodeId>, Vec<NodeId>) = alternatives
            .iter()
            .partition(|b| model.keywords(**b).is_some_and(Keywords::only_null));
        if !nulls.is_empty() {
            flat.nullable = true;
        }
        if others.len() == 1 && !nulls.is_empty() {
            let only = others[0];
            if top
                && flat.reference.is_none()
                && k.properties.is_empty()
                && k.types.is_none()
                && let Some(r) = model.keywords(only).and_then(|k| k.reference.as_ref())
            {
                flat.reference = def_of(model, r.target);
            }
            merge(model, only, flat, seen, top && k.properties.is_empty());
        } else {
            flat.branches.extend(others);
        }
    }
    for branch in &k.all_of {
        let lone = k.all_of.len() == 1 && k.properties.is_empty() && k.types.is_none();
        merge(model, *branch, flat, seen, top && lone);
    }
}

/// Structural equality, coinductive over cycles.
pub(crate) struct Equality<'a> {
    pub old: &'a Model,
    pub new: &'a Model,
    assumed: HashSet<(NodeId, NodeId)>,
}

impl<'a> Equality<'a> {
    pub fn new(old: &'a Model, new: &'a Model) -> Self {
        Equality {
            old,
            new,
            assumed: HashSet::new(),
        }
    }

    pub fn equal(&mut self, a: NodeId, b: NodeId) -> bool {
        if !self.assumed.insert((a, b)) {
            return true;
        }
        let (fa, fb) = (flatten(self.old, a), flatten(self.new, b));
        let same = fa.nullable == fb.nullable
            && fa.types == fb.types
            && fa.enum_values == fb.enum_values
            && fa.format == fb.format
            && fa.required == fb.required
            && fa.constraints == fb.constraints
            && fa.discriminator.as_ref().map(|d| &d.0) == fb.discriminator.as_ref().map(|d| &d.0)
            && fa.properties.keys().eq(fb.properties.keys())
            && fa.branches.len() == fb.branches.len()
            && self.optional(fa.items, fb.items)
            && self.optional(fa.additional, fb.additional)
            && fa
                .properties
                .values()
                .zip(fb.properties.values())
                .all(|(x, y)| self.equal(*x, *y));
        let same = same && {
            // Branches in any order.
            let mut unused: Vec<NodeId> = fb.branches.clone();
            fa.branches
                .iter()
                .all(|x| match unused.iter().position(|y| self.equal(*x, *y)) {
                    Some(i) => {
                        unused.remove(i);
                        true
                    }
                    None => false,
                })
        };
        if !same {
            self.assumed.remove(&(a, b));
        }
        same
    }

    fn optional(&mut self, a: Option<NodeId>, b: Option<NodeId>) -> bool {
        match (a, b) {
            (None, None) => true,
            (Some(x), Some(y)) => self.equal(x, y),
            _ => false,
        }
    }
}

/// Who reaches each `$defs` entry: operation labels and directions.
#[derive(Debug, Default, Clone)]
pub(crate) struct Reach {
    pub operations: BTreeSet<String>,
    pub request: bool,
    pub response: bool,
}

/// The `$defs` entries each entry references, directly.
pub(crate) fn ref_graph(model: &Model) -> BTreeMap<String, BTreeSet<String>> {
    let owner = owners(model);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, _) in &model.defs {
        graph.entry(name.clone()).or_default();
    }
    for (i, node) in model.nodes.iter().enumerate() {
        let NodeKind::Schema(k) = &node.kind else {
            continue;
        };
        let Some(from) = owner.get(&NodeId(i as u32)) else {
            continue;
        };
        let mut targets: Vec<NodeId> = k.reference.iter().map(|r| r.target).collect();
        if let Some(d) = &k.discriminator {
            targets.extend(d.mapping.iter().map(|(_, t)| *t));
        }
        for target in targets {
            if let Some(to) = owner.get(&target) {
                graph.entry(from.clone()).or_default().insert(to.clone());
            }
        }
    }
    graph
}

pub(crate) fn closure(
    graph: &BTreeMap<String, BTreeSet<String>>,
    roots: impl IntoIterator<Item = String>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = roots.into_iter().collect();
    while let Some(name) = stack.pop() {
        if seen.insert(name.clone()) {
            stack.extend(graph.get(&name).into_iter().flatten().cloned());
        }
    }
    seen
}

/// The key operations are matched by: method and path, with every path
/// parameter reduced to its position.
pub(crate) fn operation_key(method: &str, path: &str) -> String {
    let mut key = method.to_uppercase();
    key.push(' ');
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '{' => {
                depth += 1;
                if depth == 1 {
                    key.push_str("{}");
                }
            }
            '}' => depth -= 1,
            _ if depth > 0 => {}
            _ => key.push(c),
        }
    }
    key
}

pub(crate) fn reach(
    model: &Model,
    graph: &BTreeMap<String, BTreeSet<String>>,
) -> BTreeMap<String, Reach> {
    let mut reach: BTreeMap<String, Reach> = BTreeMap::new();
    for op in &model.operations {
        let label = format!("{} {}", op.method.to_uppercase(), op.path);
        if let Some(schema) = op.request.as_ref().and_then(|r| r.body.schema.clone()) {
            for def in closure(graph, [schema]) {
                let entry = reach.entry(def).or_default();
                entry.request = true;
                entry.operations.insert(format!("{label} request"));
            }
        }
        for response in &op.responses {
            let status = &response.status;
            if let Some(schema) = response.body.as_ref().and_then(|b| b.schema.clone()) {
                for def in closure(graph, [schema]) {
                    let entry = reach.entry(def).or_default();
                    entry.response = true;
                    entry.operations.insert(format!("{label} {status}"));
                }
            }
        }
    }
    reach
}

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

pub(crate) struct Engine<'a> {
    pub old: &'a Model,
    pub new: &'a Model,
    pub changes: Vec<Change>,
    /// Old and new rename candidates found at the same object.
    renames: Vec<(usize, usize)>,
}

fn type_text(flat: &Flat) -> String {
    let base = match (&flat.reference, &flat.types) {
        (Some(r), _) => format!("$ref {r}"),
        (None, None) => "any".to_string(),
        (None, Some(t)) if t.is_empty() => "any".to_string(),
        (None, Some(t)) => t.iter().map(|t| t.name()).collect::<Vec<_>>().join("|"),
    };
    if flat.enum_values.is_some() && flat.reference.is_none() {
        format!("{base} enum")
    } else {
        base
    }
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
        self.additional(at, &fa, &fb, depth);
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
            let kind = if tightened {
                Kind::ConstraintTightened
            } else {
                Kind::ConstraintLoosened
            };
            let verb = if tightened { "tightened" } else { "loosened" };
            self.push(
                kind,
                at,
                format!(
                    "`{key}` {verb}: {} → {}",
                    x.map_or("none".to_string(), Value::to_string),
                    y.map_or("none".to_string(), Value::to_string)
                ),
                x.cloned().unwrap_or(Value::Null),
                y.cloned().unwrap_or(Value::Null),
            );
        }
    }

    fn additional(&mut self, at: &At, fa: &Flat, fb: &Flat, depth: usize) {
        let closed = |model: &Model, id: Option<NodeId>| {
            id.is_some_and(|id| matches!(model.node(id).kind, NodeKind::Bool(false)))
        };
        let (ca, cb) = (
            closed(self.old, fa.additional),
            closed(self.new, fb.additional),
        );
        if ca != cb {
            let kind = if cb {
                Kind::ConstraintTightened
            } else {
                Kind::ConstraintLoosened
            };
            let verb = if cb { "tightened" } else { "loosened" };
            self.push(
                kind,
                at,
                format!("`additionalProperties` {verb}: {} → {}", !ca, !cb),
                json!(!ca),
                json!(!cb),
            );
            return;
        }
        if let (Some(x), Some(y)) = (fa.additional, fb.additional) {
            let child = at.child("/additionalProperties", self.old, self.new, x, y);
            self.compare(&child, x, y, depth + 1, false);
        }
    }

    fn branches(&mut self, at: &At, fa: &Flat, fb: &Flat, depth: usize) {
        if fa.branches.is_empty() && fb.branches.is_empty() {
            return;
        }
        let mut unmatched_new: Vec<(usize, NodeId)> =
            fb.branches.iter().copied().enumerate().collect();
        let mut unmatched_old = Vec::new();
        for (i, x) in fa.branches.iter().enumerate() {
            let found = unmatched_new
                .iter()
                .position(|(_, y)| Equality::new(self.old, self.new).equal(*x, *y));
            match found {
                Some(p) => {
                    unmatched_new.remove(p);
                }
                None => unmatched_old.push((i, *x)),
            }
        }
        // A `$ref` branch to the same schema on both sides is the same
        // branch: what changed inside that schema is reported there.
        unmatched_old.retain(|(_, x)| {
            let Some(name) = flatten(self.old, *x).reference else {
                return true;
            };
            let same = unmatched_new
                .iter()
                .position(|(_, y)| flatten(self.new, *y).reference.as_ref() == Some(&name));
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
        if unmatched_old.len() == 1 && unmatched_new.len() == 1 {
            let ((i, x), (j, y)) = (unmatched_old[0], unmatched_new[0]);
            let child = at.child(&format!("/oneOf/{j}"), self.old, self.new, x, y);
            let _ = i;
            self.compare(&child, x, y, depth + 1, false);
            return;
        }
        for (i, x) in unmatched_old {
            let description = type_text(&flatten(self.old, x));
            let mut at = at.clone();
            at.pointer = format!("{}/oneOf/{i}", at.pointer);
            at.old = self.old.node(x).pointer.clone();
            self.push(
                Kind::BranchRemoved,
                &at,
                format!("oneOf/anyOf branch {description} removed"),
                json!(description),
                Value::Null,
            );
        }
        for (j, y) in unmatched_new {
            let description = type_text(&flatten(self.new, y));
            let mut at = at.clone();
            at.pointer = format!("{}/oneOf/{j}", at.pointer);
            at.new = self.new.node(y).pointer.clone();
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
                    self.changes[index].was_required = required;
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
            self.changes[index].refused_by_old_model = refused.is_some();
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

fn discriminator_json(flat: &Flat) -> Value {
    match &flat.discriminator {
        None => Value::Null,
        Some((property, mapping)) => json!({"propertyName": property, "mapping": mapping}),
    }
}

/// The verdict of a change kind used in one direction.
pub(crate) fn directional(kind: Kind, request: bool, change: &Change) -> super::Verdict {
    use super::Verdict::{Absorbed, Breaking, NonBreaking};
    match (kind, request) {
        (Kind::PropertyAddedOptional, true) => NonBreaking,
        (Kind::PropertyAddedOptional | Kind::PropertyAddedRequired, false) => {
            if change.refused_by_old_model {
                Breaking
            } else {
                Absorbed
            }
        }
        (Kind::PropertyAddedRequired, true) => Breaking,
        (Kind::PropertyRemoved, true) => Breaking,
        (Kind::PropertyRemoved, false) => {
            if change.was_required {
                Breaking
            } else {
                NonBreaking
            }
        }
        (Kind::BecameRequired, true) | (Kind::BecameOptional, false) => Breaking,
        (Kind::BecameRequired, false) | (Kind::BecameOptional, true) => NonBreaking,
        (Kind::BecameNullable, false) | (Kind::BecameNotNullable, true) => Breaking,
        (Kind::BecameNullable, true) | (Kind::BecameNotNullable, false) => NonBreaking,
        (Kind::TypeChanged | Kind::RefTargetChanged | Kind::FormatChanged, _) => Breaking,
        (Kind::DiscriminatorChanged, _) => Breaking,
        (Kind::EnumValueRemoved, true) => Breaking,
        (Kind::EnumValueRemoved, false) => NonBreaking,
        (Kind::EnumValueAdded, true) => NonBreaking,
        (Kind::EnumValueAdded, false) => Absorbed,
        (Kind::EnumConstrained, true) => Breaking,
        (Kind::EnumConstrained, false) => NonBreaking,
        (Kind::EnumUnconstrained, true) => NonBreaking,
        (Kind::EnumUnconstrained, false) => Absorbed,
        (Kind::BranchAdded, true) | (Kind::BranchRemoved, false) => NonBreaking,
        (Kind::BranchAdded, false) | (Kind::BranchRemoved, true) => Breaking,
        (Kind::ConstraintTightened, true) | (Kind::ConstraintLoosened, false) => Breaking,
        (Kind::ConstraintTightened, false) | (Kind::ConstraintLoosened, true) => NonBreaking,
        (Kind::SchemaAdded, _) => NonBreaking,
        (Kind::SchemaRemoved, _) => Breaking,
        (Kind::OperationAdded, _) => NonBreaking,
        (Kind::OperationRemoved, _) => Breaking,
        (Kind::RequestBodyAdded, _) => {
            if change.was_required {
                Breaking
            } else {
                NonBreaking
            }
        }
        (Kind::RequestBodyRemoved | Kind::RequestBodyRequired, _) => Breaking,
        (Kind::ResponseStatusAdded, _) => {
            if change.success_status {
                Breaking
            } else {
                NonBreaking
            }
        }
        (Kind::ResponseStatusRemoved, _) => NonBreaking,
    }
}

/// The reach of every `$defs` entry on one side, for directions.
pub(crate) fn all_reach(
    model: &Model,
) -> (BTreeMap<String, BTreeSet<String>>, BTreeMap<String, Reach>) {
    let graph = ref_graph(model);
    let reach = reach(model, &graph);
    (graph, reach)
}

pub(crate) fn direction_of(reach: Option<&Reach>) -> Direction {
    match reach {
        Some(r) if r.request && r.response => Direction::Both,
        Some(r) if r.request => Direction::Request,
        Some(r) if r.response => Direction::Response,
        _ => Direction::None,
    }
}
