//! The planner: decides every type, field and variant of a model and its
//! name, top-level names first so a component keeps its natural name.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use super::CodegenError;
use super::cycles::box_cycles;
use super::ir::{
    Alternative, AlternativesDef, EnumDef, EnumVariant, Extra, Field, Plan, RustType, StructDef,
    TypeDef, TypeId, TypeKind,
};
use super::naming::{Case, Scope, recase};
use super::shape::{self, Choice, Shape, ShapeKind, is_plain_map};
use crate::model::{Discriminator, Keywords, Model, NodeId, ObjectParts};

/// Decides every type of `model`.
pub fn plan(model: &Model) -> Result<Plan, CodegenError> {
    let mut planner = Planner {
        model,
        types: Vec::new(),
        by_node: HashMap::new(),
        names: Scope::default(),
        in_progress: HashSet::new(),
    };
    // Top-level names first, so a component keeps its natural name and an
    // inline type that would take it gets another one.
    let mut defs = BTreeMap::new();
    let mut reserved = Vec::new();
    for (name, node) in &model.defs {
        let (base, _) = recase(name, Case::Type);
        let rust = planner.names.claim(&base, Case::Type);
        reserved.push((name.clone(), *node, rust));
    }
    for (name, node, rust) in reserved {
        let id = planner.reserve(node, rust, Some(name.clone()));
        defs.insert(name, id);
    }
    for (name, node) in &model.defs {
        planner.define(defs[name], *node)?;
    }
    let mut plan = Plan {
        types: planner.types,
        defs,
        by_node: planner.by_node,
    };
    box_cycles(&mut plan);
    Ok(plan)
}

struct Planner<'a> {
    model: &'a Model,
    types: Vec<TypeDef>,
    by_node: HashMap<NodeId, TypeId>,
    /// The names of the plan's types.
    names: Scope,
    in_progress: HashSet<NodeId>,
}

impl<'a> Planner<'a> {
    fn shape(&self, node: NodeId) -> Result<Shape, CodegenError> {
        shape::shape(self.model, node)
    }

    fn reserve(&mut self, node: NodeId, name: String, def_name: Option<String>) -> TypeId {
        let k = self.model.keywords(node);
        let id = TypeId(self.types.len());
        self.types.push(TypeDef {
            name,
            node,
            pointer: self.model.node(node).pointer.clone(),
            def_name,
            docs: k.and_then(docs_of),
            kind: TypeKind::Alias(RustType::Value),
        });
        self.by_node.insert(node, id);
        id
    }

    /// Fills in the type reserved for `node`.
    fn define(&mut self, id: TypeId, node: NodeId) -> Result<(), CodegenError> {
        if !self.in_progress.insert(node) {
            return Ok(());
        }
        let shape = self.shape(node)?;
        let name = self.types[id.0].name.clone();
        let kind = match shape.kind {
            ShapeKind::Object(object) if !is_plain_map(self.model, &object) => {
                TypeKind::Struct(self.struct_def(&name, &object)?)
            }
            ShapeKind::StringEnum(values) => TypeKind::StringEnum(string_enum(&values)),
            ShapeKind::IntegerEnum(values) => TypeKind::IntegerEnum(integer_enum(&values)),
            ShapeKind::Alternatives(choices) => {
                TypeKind::Alternatives(self.alternatives(&name, node, &choices)?)
            }
            kind => TypeKind::Alias(self.type_of_kind(kind, &name)?),
        };
        self.types[id.0].kind = kind;
        Ok(())
    }

    /// The Rust type of a node used inside another type; inline objects,
    /// enums and alternatives become named types called `hint`.
    fn rust_type(&mut self, node: NodeId, hint: &str) -> Result<(RustType, bool), CodegenError> {
        let shape = self.shape(node)?;
        // Several references to one schema that is not a `$defs` entry share its type.
        let node = self.model.follow_refs(node);
        let ty = match shape.kind {
            ShapeKind::Object(object) if !is_plain_map(self.model, &object) => {
                RustType::Named(self.inline(node, hint)?)
            }
            ShapeKind::StringEnum(_) | ShapeKind::IntegerEnum(_) | ShapeKind::Alternatives(_) => {
                RustType::Named(self.inline(node, hint)?)
            }
            kind => self.type_of_kind(kind, hint)?,
        };
        Ok((ty, shape.nullable))
    }

    fn type_of_kind(&mut self, kind: ShapeKind, hint: &str) -> Result<RustType, CodegenError> {
        Ok(match kind {
            ShapeKind::Any => RustType::Value,
            ShapeKind::Def(node) => {
                let id = self.by_node[&node];
                RustType::Named(self.types[id.0].name.clone())
            }
            ShapeKind::Scalar(ty) => ty,
            ShapeKind::Array(items) => match items {
                Some(items) => {
                    let (inner, nullable) = self.rust_type(items, &format!("{hint}Item"))?;
                    RustType::Vec(Box::new(option_if(inner, nullable)))
                }
                None => RustType::Vec(Box::new(RustType::Value)),
            },
            ShapeKind::Object(object) => match object.additional_schema(self.model) {
                Some(values) => {
                    let (inner, nullable) = self.rust_type(values, &format!("{hint}Value"))?;
                    RustType::Map(Box::new(option_if(inner, nullable)))
                }
                _ => RustType::Object,
            },
            ShapeKind::StringEnum(_) | ShapeKind::IntegerEnum(_) | ShapeKind::Alternatives(_) => {
                unreachable!("named by the caller")
            }
        })
    }

    /// The named type for an inline node, made once.
    fn inline(&mut self, node: NodeId, hint: &str) -> Result<String, CodegenError> {
        if let Some(id) = self.by_node.get(&node) {
            return Ok(self.types[id.0].name.clone());
        }
        let suffix = match self.shape(node)?.kind {
            ShapeKind::StringEnum(_) | ShapeKind::IntegerEnum(_) => "Enum",
            ShapeKind::Alternatives(_) => "Alternatives",
            _ => "Object",
        };
        let name = self.names.claim_with_suffix(hint, suffix, Case::Type);
        let id = self.reserve(node, name.clone(), None);
        self.define(id, node)?;
        Ok(name)
    }

    fn struct_def(&mut self, name: &str, object: &ObjectParts) -> Result<StructDef, CodegenError> {
        let mut fields = Vec::new();
        let mut used = Scope::default();
        for (json_name, node) in &object.properties {
            let hint = format!("{name}{}", recase(json_name, Case::Type).0);
            let (inner, nullable) = self.rust_type(*node, &hint)?;
            let required = object.required.contains(json_name);
            let ty = match (required, nullable) {
                (true, false) => inner,
                (true, true) | (false, false) => RustType::Option(Box::new(inner)),
                (false, true) => RustType::Option(Box::new(RustType::Nullable(Box::new(inner)))),
            };
            let keywords = self.model.keywords(*node);
            let (base, renamed) = recase(json_name, Case::Field);
            let rust_name = used.claim(&base, Case::Field);
            let rename = if rust_name == base {
                renamed
            } else {
                Some(json_name.clone())
            };
            fields.push(Field {
                json_name: json_name.clone(),
                rust_name,
                rename,
                ty,
                required,
                nullable,
                node: *node,
                pointer: self.model.node(*node).pointer.clone(),
                docs: keywords.and_then(docs_of),
                deprecated: keywords.is_some_and(|k| k.deprecated),
            });
        }
        let extra = if object.refuses_additional(self.model) {
            Extra::Refused
        } else {
            let value = match object.additional_schema(self.model) {
                Some(node) => {
                    let (inner, nullable) = self.rust_type(node, &format!("{name}Value"))?;
                    option_if(inner, nullable)
                }
                None => RustType::Value,
            };
            let field = used.claim("extra", Case::Field);
            Extra::Kept { field, value }
        };
        Ok(StructDef {
            fields,
            extra,
            non_exhaustive: false,
        })
    }

    fn alternatives(
        &mut self,
        name: &str,
        node: NodeId,
        choices: &[Choice],
    ) -> Result<AlternativesDef, CodegenError> {
        let discriminator = self
            .model
            .keywords(node)
            .and_then(|k| k.discriminator.clone());
        let mut used = Scope::default();
        let mut variants = Vec::new();
        for choice in choices {
            let (variant_name, ty, branch_node) = match choice {
                Choice::Type(instance, owner) => {
                    let k = self.model.keywords(*owner).cloned().unwrap_or_default();
                    let kind = shape::single_type(*instance, &k);
                    let (type_name, _) = recase(instance.name(), Case::Type);
                    let hint = format!("{name}{type_name}");
                    let ty = match kind {
                        ShapeKind::Object(object) if !is_plain_map(self.model, &object) => {
                            return Err(CodegenError::at(
                                self.model,
                                *owner,
                                "type",
                                "an object with properties among several types is not supported",
                            ));
                        }
                        kind => self.type_of_kind(kind, &hint)?,
                    };
                    (type_name, ty, *owner)
                }
                Choice::Node(branch) => {
                    let label = self.branch_label(*branch)?;
                    let hint = format!("{name}{label}");
                    let (ty, nullable) = self.rust_type(*branch, &hint)?;
                    (label, option_if(ty, nullable), *branch)
                }
            };
            let tag = match choice {
                Choice::Node(_) => self.tag_of(branch_node, discriminator.as_ref())?,
                Choice::Type(..) => None,
            };
            variants.push(Alternative {
                name: used.claim(&variant_name, Case::Variant),
                ty,
                node: branch_node,
                tag,
            });
        }
        let catch_all = used.claim("Unknown", Case::Variant);
        Ok(AlternativesDef {
            variants,
            catch_all,
            non_exhaustive: true,
        })
    }

    /// A readable variant name for a branch: its `$defs` name, its title, or its kind.
    fn branch_label(&self, branch: NodeId) -> Result<String, CodegenError> {
        if let Some(k) = self.model.keywords(branch) {
            if let Some(reference) = &k.reference
                && let Some(id) = self.by_node.get(&reference.target)
            {
                return Ok(self.types[id.0].name.clone());
            }
            if let Some(title) = &k.title {
                let (name, _) = recase(title, Case::Type);
                if !name.is_empty() {
                    return Ok(name);
                }
            }
        }
        let shape = self.shape(branch)?;
        Ok(match shape.kind {
            ShapeKind::Any => "Value".to_owned(),
            ShapeKind::Def(node) => self.types[self.by_node[&node].0].name.clone(),
            ShapeKind::Scalar(ty) => match ty {
                RustType::String => "String",
                RustType::Bool => "Boolean",
                RustType::I64 => "Integer",
                RustType::Number => "Number",
                RustType::Timestamp => "Timestamp",
                _ => "Value",
            }
            .to_owned(),
            ShapeKind::Array(_) => "Array".to_owned(),
            ShapeKind::Object(_) => "Object".to_owned(),
            ShapeKind::StringEnum(_) | ShapeKind::IntegerEnum(_) => "Enum".to_owned(),
            ShapeKind::Alternatives(_) => "Alternatives".to_owned(),
        })
    }

    /// The tag that selects a branch: its discriminator value, or a required
    /// property whose `enum` allows a single string.
    fn tag_of(
        &self,
        branch: NodeId,
        discriminator: Option<&Discriminator>,
    ) -> Result<Option<(String, Vec<String>)>, CodegenError> {
        let target = self.model.follow_refs(branch);
        if let Some(discriminator) = discriminator {
            let mapped: Vec<String> = discriminator
                .mapping
                .iter()
                .filter(|(_, node)| *node == target || *node == branch)
                .map(|(value, _)| value.clone())
                .collect();
            if !mapped.is_empty() {
                return Ok(Some((discriminator.property_name.clone(), mapped)));
            }
            if let Some(name) = self.model.def_name_of(target) {
                return Ok(Some((discriminator.property_name.clone(), vec![name])));
            }
        }
        let shape = self.shape(branch)?;
        let Some(object) = shape::object_of(self.model, &shape, 0)? else {
            return Ok(None);
        };
        for (property, node) in &object.properties {
            if !object.required.contains(property) {
                continue;
            }
            let Some(k) = self.model.keywords(self.model.follow_refs(*node)) else {
                continue;
            };
            let values: Option<Vec<String>> = match (&k.const_value, &k.enum_values) {
                (Some(Value::String(s)), _) => Some(vec![s.clone()]),
                (None, Some(values)) if values.len() == 1 => {
                    values[0].as_str().map(|s| vec![s.to_owned()])
                }
                _ => None,
            };
            if let Some(values) = values {
                return Ok(Some((property.clone(), values)));
            }
        }
        Ok(None)
    }
}

fn option_if(ty: RustType, nullable: bool) -> RustType {
    if nullable {
        RustType::Option(Box::new(ty))
    } else {
        ty
    }
}

fn docs_of(k: &Keywords) -> Option<String> {
    let parts: Vec<&str> = [k.title.as_deref(), k.description.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let mut parts = parts;
    parts.dedup();
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

fn string_enum(values: &[String]) -> EnumDef<String> {
    let mut used = Scope::default();
    let mut variants = Vec::new();
    let mut seen = HashSet::new();
    for value in values {
        if !seen.insert(value.clone()) {
            continue;
        }
        variants.push(EnumVariant {
            name: used.claim(&recase(value, Case::Variant).0, Case::Variant),
            value: value.clone(),
        });
    }
    let catch_all = ["Other", "Unknown", "UnknownValue"]
        .into_iter()
        .find(|name| !used.contains(name))
        .map_or_else(|| used.claim("Other", Case::Variant), str::to_owned);
    EnumDef {
        variants,
        catch_all,
        non_exhaustive: true,
    }
}

fn integer_enum(values: &[i64]) -> EnumDef<i64> {
    let mut used = Scope::default();
    let mut variants = Vec::new();
    let mut seen = HashSet::new();
    for value in values {
        if !seen.insert(*value) {
            continue;
        }
        let base = if *value < 0 {
            format!("Minus{}", value.unsigned_abs())
        } else {
            format!("Value{value}")
        };
        variants.push(EnumVariant {
            name: used.claim(&base, Case::Variant),
            value: *value,
        });
    }
    let catch_all = used.claim("Other", Case::Variant);
    EnumDef {
        variants,
        catch_all,
        non_exhaustive: true,
    }
}
