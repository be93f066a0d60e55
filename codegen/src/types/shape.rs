//! What a schema node means for its Rust type: the model's normalized
//! reading of the node (a bare `$ref` followed, `null` taken apart, `allOf`
//! parts merged) turned into a shape the planner names.

use serde_json::Value;

use super::CodegenError;
use super::ir::RustType;
use crate::model::{InstanceType, Keywords, Model, NodeId, NullBranch, ObjectParts, Precedence};

/// How many schemas deep a shape may follow references and parts.
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone)]
pub(super) struct Shape {
    pub(super) nullable: bool,
    pub(super) kind: ShapeKind,
}

#[derive(Debug, Clone)]
pub(super) enum ShapeKind {
    Any,
    /// A top-level `$defs` entry.
    Def(NodeId),
    Scalar(RustType),
    Array(Option<NodeId>),
    Object(ObjectParts),
    StringEnum(Vec<String>),
    IntegerEnum(Vec<i64>),
    Alternatives(Vec<Choice>),
}

/// One alternative of a type that has several.
#[derive(Debug, Clone)]
pub(super) enum Choice {
    /// A branch of `anyOf` or `oneOf`.
    Node(NodeId),
    /// One JSON type of a `type` list, with the node that lists it.
    Type(InstanceType, NodeId),
}

/// The shape of `node`.
pub(super) fn shape(model: &Model, node: NodeId) -> Result<Shape, CodegenError> {
    shape_at_depth(model, node, 0)
}

fn shape_at_depth(model: &Model, node: NodeId, depth: usize) -> Result<Shape, CodegenError> {
    let mut shape = shape_of_keywords(model, node, depth)?;
    close_unevaluated(model, node, &mut shape);
    Ok(shape)
}

/// `unevaluatedProperties` becomes the object's `additionalProperties`
/// (a struct that refuses unknown properties, for `false`) when the schema
/// alone tells which properties the object's parts evaluate, and they are
/// the object's own. Otherwise the type keeps unknown properties as they
/// are: the validator decides which it accepts, and nothing it accepts is lost.
fn close_unevaluated(model: &Model, node: NodeId, shape: &mut Shape) {
    let Some(k) = model.keywords(node) else {
        return;
    };
    let (Some(unevaluated), ShapeKind::Object(object)) =
        (k.unevaluated_properties, &mut shape.kind)
    else {
        return;
    };
    if object.additional.is_some() {
        return;
    }
    let Some(evaluated) = model.properties_evaluated(node) else {
        return;
    };
    if evaluated
        .iter()
        .all(|name| object.properties.iter().any(|(p, _)| p == name))
    {
        object.additional = Some(unevaluated);
    }
}

fn shape_of_keywords(model: &Model, node: NodeId, depth: usize) -> Result<Shape, CodegenError> {
    if depth > MAX_DEPTH {
        return Err(CodegenError::at(
            model,
            node,
            "$ref",
            "references loop without reaching a schema",
        ));
    }
    let any = Shape {
        nullable: false,
        kind: ShapeKind::Any,
    };
    let Some(normalized) = model.normalized(node, NullBranch::ShapesNothingElse) else {
        return Ok(any);
    };
    let k = normalized.keywords;
    if k.unresolved_ref.is_some() {
        return Ok(any);
    }
    if let Some(target) = normalized.bare_ref {
        let target_shape = if model.def_name_of(target).is_some() {
            Shape {
                nullable: shape_at_depth(model, target, depth + 1)?.nullable,
                kind: ShapeKind::Def(target),
            }
        } else {
            shape_at_depth(model, target, depth + 1)?
        };
        return Ok(target_shape);
    }
    if k.reference.is_some() {
        return Err(CodegenError::at(
            model,
            node,
            "$ref",
            "a `$ref` beside keywords that shape the type is not supported; wrap them in `allOf`",
        ));
    }
    let mut nullable = false;
    if let Some(types) = &normalized.types
        && types.null
    {
        nullable = true;
        if types.rest.is_empty() {
            return Ok(Shape {
                nullable: true,
                kind: ShapeKind::Any,
            });
        }
    }
    let types = normalized.types.as_ref().map(|types| types.rest.as_slice());

    // anyOf / oneOf: drop `{type: null}` branches (nullable) and branches
    // that only add constraints (the validator's business). A branch that
    // only adds constraints may still accept what the type-shaping
    // branches refuse (`{title: "other type"}` accepts anything): it is
    // `open`, and then a lone shaping branch is not guaranteed (below).
    let (keyword, branches) = match (k.one_of.is_empty(), k.any_of.is_empty()) {
        (false, true) => ("oneOf", &normalized.one_of),
        (true, false) => ("anyOf", &normalized.any_of),
        (false, false) => {
            return Err(CodegenError::at(
                model,
                node,
                "oneOf",
                "`oneOf` beside `anyOf` in one schema is not supported",
            ));
        }
        (true, true) => ("", &normalized.one_of),
    };
    nullable |= branches.null;
    let mut alternatives = Vec::new();
    let mut open = false;
    for branch in &branches.rest {
        match model.keywords(branch.node) {
            Some(bk) if !(bk.shape_type() || bk.reference.is_some()) => open = true,
            _ => alternatives.push(branch.node),
        }
    }
    // A lone shaping branch beside an open one is not guaranteed: a payload
    // may match the open branch alone (an `options` object where the
    // shaping branch wants a list), and the type must still read it. The
    // type is then what the schema's own keywords say; what the branch
    // would have added stays among the kept unknown properties.
    if alternatives.len() == 1 && open {
        alternatives.clear();
    }
    // `type: object` beside a single `allOf` or alternative adds nothing to its shape.
    let own_shapes = types.is_some_and(|t| t != [InstanceType::Object])
        || !k.properties.is_empty()
        || k.additional_properties.is_some();
    if alternatives.len() > 1 {
        if !k.all_of.is_empty() {
            return Err(CodegenError::at(
                model,
                node,
                keyword,
                "alternatives beside `allOf` are not supported",
            ));
        }
        return Ok(Shape {
            nullable,
            kind: ShapeKind::Alternatives(alternatives.into_iter().map(Choice::Node).collect()),
        });
    }
    // One alternative left: it is the type, merged with what stands beside it.
    let mut parts: Vec<NodeId> = k.all_of.clone();
    parts.extend(alternatives);

    if !parts.is_empty() {
        if parts.len() == 1 && !own_shapes && k.enum_values.is_none() {
            let mut shape = shape_at_depth(model, parts[0], depth + 1)?;
            shape.nullable |= nullable;
            return Ok(shape);
        }
        // Merge objects; the schema's own keywords last, as the more
        // specific description.
        let mut merged = ObjectParts::default();
        for part in &parts {
            let shape = shape_at_depth(model, *part, depth + 1)?;
            match object_of(model, &shape, depth)? {
                Some(object) => merged.merge(object, Precedence::Last),
                None => {
                    return Err(CodegenError::at(
                        model,
                        *part,
                        "allOf",
                        "only objects can be merged into one type",
                    ));
                }
            }
        }
        merged.merge(ObjectParts::of(k), Precedence::Last);
        return Ok(Shape {
            nullable,
            kind: ShapeKind::Object(merged),
        });
    }

    if let Some(values) = &normalized.enum_values {
        nullable |= values.null;
        let mut strings = Vec::new();
        let mut integers = Vec::new();
        let mut others = 0;
        for value in &values.rest {
            match value {
                Value::String(s) => strings.push(s.clone()),
                Value::Number(n) if n.as_i64().is_some() => {
                    integers.push(n.as_i64().unwrap_or_default())
                }
                _ => others += 1,
            }
        }
        let kind = match (strings.is_empty(), integers.is_empty(), others) {
            (false, true, 0) => ShapeKind::StringEnum(strings),
            (true, false, 0) => ShapeKind::IntegerEnum(integers),
            (true, true, 0) => ShapeKind::Any,
            // Values of several kinds: a `Value` keeps them all; the validator checks them.
            _ => ShapeKind::Any,
        };
        return Ok(Shape { nullable, kind });
    }
    if let Some(constant) = &normalized.const_value {
        nullable |= constant.null;
        let kind = match constant.rest.first() {
            Some(Value::String(_)) => ShapeKind::Scalar(RustType::String),
            Some(Value::Bool(_)) => ShapeKind::Scalar(RustType::Bool),
            _ => ShapeKind::Any,
        };
        return Ok(Shape { nullable, kind });
    }

    let kind = match types {
        Some([single]) => single_type(*single, k),
        Some(many) => {
            let mut list: Vec<InstanceType> = many.to_vec();
            if list.contains(&InstanceType::Number) {
                list.retain(|t| *t != InstanceType::Integer);
            }
            if list.len() == 1 {
                single_type(list[0], k)
            } else {
                ShapeKind::Alternatives(list.into_iter().map(|t| Choice::Type(t, node)).collect())
            }
        }
        None => {
            if !k.properties.is_empty() || k.additional_properties.is_some() {
                ShapeKind::Object(ObjectParts::of(k))
            } else if k.items.is_some() {
                ShapeKind::Array(k.items)
            } else {
                ShapeKind::Any
            }
        }
    };
    Ok(Shape { nullable, kind })
}

/// The shape of one JSON type, with the keywords that go with it.
pub(super) fn single_type(instance: InstanceType, k: &Keywords) -> ShapeKind {
    match instance {
        InstanceType::Object => ShapeKind::Object(ObjectParts::of(k)),
        InstanceType::Array => ShapeKind::Array(k.items),
        InstanceType::String => ShapeKind::Scalar(RustType::String),
        InstanceType::Boolean => ShapeKind::Scalar(RustType::Bool),
        InstanceType::Number => ShapeKind::Scalar(RustType::Number),
        InstanceType::Integer => match k.format.as_deref() {
            Some("date-time" | "timestamp" | "unix-time") => ShapeKind::Scalar(RustType::Timestamp),
            _ => ShapeKind::Scalar(RustType::I64),
        },
        InstanceType::Null => ShapeKind::Any,
    }
}

/// The object a shape stands for, following `$defs` entries.
pub(super) fn object_of(
    model: &Model,
    shape: &Shape,
    depth: usize,
) -> Result<Option<ObjectParts>, CodegenError> {
    Ok(match &shape.kind {
        ShapeKind::Object(object) => Some(object.clone()),
        ShapeKind::Any => Some(ObjectParts::default()),
        ShapeKind::Def(node) => {
            let inner = shape_at_depth(model, *node, depth + 1)?;
            object_of(model, &inner, depth + 1)?
        }
        _ => None,
    })
}

/// An object with no named properties and a schema for the others is a map.
pub(super) fn is_plain_map(model: &Model, object: &ObjectParts) -> bool {
    object.properties.is_empty() && !object.refuses_additional(model)
}
