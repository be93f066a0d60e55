//! Flattening: a schema node seen as a whole by the diff, over the model's
//! normalized reading of each node it merges (its `$ref` target, its `allOf`
//! parts, the one branch beside a `{type: null}` one).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::{Value, json};

use crate::model::{
    Branch, Folded, InstanceType, Model, NodeId, NullBranch, ObjectParts, Precedence,
};

/// A schema node seen as a whole: itself and its `allOf` branches merged,
/// nullable taken out of `type`, `enum` and `anyOf`.
#[derive(Debug, Default)]
pub(super) struct Flat {
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
    pub unevaluated_properties: Option<NodeId>,
    pub unevaluated_items: Option<NodeId>,
    pub branches: Vec<Branch>,
    pub discriminator: Option<(String, BTreeMap<String, String>)>,
    pub constraints: BTreeMap<&'static str, Value>,
}

pub(super) fn flatten(model: &Model, id: NodeId) -> Flat {
    let mut merger = Merger {
        model,
        flat: Flat::default(),
        object: ObjectParts::default(),
        seen: HashSet::new(),
    };
    merger.merge(id, true);
    let Merger {
        mut flat, object, ..
    } = merger;
    flat.properties = object.properties.into_iter().collect();
    flat.required = object.required;
    flat.additional = object.additional;
    flat
}

/// The nodes merged so far. What the first merged node says of a keyword
/// wins, but for `type` and `enum`, which narrow each other.
struct Merger<'m> {
    model: &'m Model,
    flat: Flat,
    object: ObjectParts,
    seen: HashSet<NodeId>,
}

impl Merger<'_> {
    fn merge(&mut self, id: NodeId, top: bool) {
        if !self.seen.insert(id) {
            return;
        }
        let model = self.model;
        let Some(normalized) = model.normalized(id, NullBranch::OnlyNull) else {
            return;
        };
        let k = normalized.keywords;
        if let Some(reference) = &k.reference {
            if top && let Some(target) = normalized.bare_ref {
                self.flat.reference = model.def_name_of(target);
            }
            self.merge(reference.target, false);
        }
        let flat = &mut self.flat;
        if let Some(types) = &normalized.types {
            let set: BTreeSet<InstanceType> = types.rest.iter().copied().collect();
            if types.null {
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
        for values in [&normalized.enum_values, &normalized.const_value]
            .into_iter()
            .flatten()
        {
            narrow_enum(flat, values);
        }
        if flat.format.is_none() {
            flat.format.clone_from(&k.format);
        }
        self.object.merge(ObjectParts::of(k), Precedence::First);
        if flat.items.is_none() {
            flat.items = k.items;
        }
        if flat.unevaluated_properties.is_none() {
            flat.unevaluated_properties = k.unevaluated_properties;
        }
        if flat.unevaluated_items.is_none() {
            flat.unevaluated_items = k.unevaluated_items;
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
                        model
                            .def_name_of(*target)
                            .unwrap_or_else(|| model.node(*target).pointer.clone()),
                    )
                })
                .collect();
            flat.discriminator = Some((d.property_name.clone(), mapping));
        }
        // `anyOf`/`oneOf` with a `{type: null}` branch is how nullable is spelled
        // beside a `$ref`: the other branch is the schema.
        for alternatives in [&normalized.any_of, &normalized.one_of] {
            if alternatives.null {
                self.flat.nullable = true;
            }
            if let [only] = alternatives.rest[..]
                && alternatives.null
            {
                if top
                    && self.flat.reference.is_none()
                    && k.properties.is_empty()
                    && k.types.is_none()
                    && let Some(r) = model.keywords(only.node).and_then(|k| k.reference.as_ref())
                {
                    self.flat.reference = model.def_name_of(r.target);
                }
                self.merge(only.node, top && k.properties.is_empty());
            } else {
                self.flat.branches.extend(alternatives.rest.iter().copied());
            }
        }
        for branch in &k.all_of {
            let lone = k.all_of.len() == 1 && k.properties.is_empty() && k.types.is_none();
            self.merge(*branch, top && lone);
        }
    }
}

/// `enum` (or `const`) values narrow those merged before them.
fn narrow_enum(flat: &mut Flat, values: &Folded<&Value>) {
    if values.null {
        flat.nullable = true;
    }
    let set: BTreeSet<String> = values.rest.iter().map(|value| value.to_string()).collect();
    flat.enum_values = Some(match flat.enum_values.take() {
        Some(old) => old.intersection(&set).cloned().collect(),
        None => set,
    });
}

/// How a report names the type of a flattened node: `$ref thing`,
/// `string|integer`, `string enum`, `any`.
pub(super) fn type_text(flat: &Flat) -> String {
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

pub(super) fn discriminator_json(flat: &Flat) -> Value {
    match &flat.discriminator {
        None => Value::Null,
        Some((property, mapping)) => json!({"propertyName": property, "mapping": mapping}),
    }
}
