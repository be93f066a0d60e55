//! Rust types from the typed model, in two steps. [`plan`] decides every type,
//! field and variant and its name; [`emit`] turns the plan into tokens. The
//! plan is public because `cargo xtask diff` reports changes in the names and
//! types codegen really emits, and reads them here rather than guessing.
//!
//! The mapping (DESIGN.md, "Rust types"):
//! - an object is a struct that keeps unknown properties in `extra`;
//! - a string or integer `enum` is an enum with a catch-all variant;
//! - `oneOf`/`anyOf` of real alternatives is an enum whose deserializer picks
//!   the alternative that reads the value back exactly, guided by the
//!   discriminator or a constant `type`; alternatives that only list `required`
//!   properties are a constraint for the validator and shape no type;
//! - `allOf` is merged; a by-value cycle is broken with `Box`;
//! - optional is `Option<T>`, nullable and optional is `Option<Nullable<T>>`;
//! - `integer` with `format: date-time` or `timestamp` is a `Timestamp`,
//!   `number` is a `serde_json::Number` so `0` stays `0`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::model::{InstanceType, Keywords, Model, NodeId, NodeKind, display_pointer};

/// A construct codegen cannot map to a type without losing its meaning.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: `{keyword}`: {message}", display_pointer(pointer))]
pub struct CodegenError {
    pub pointer: String,
    pub keyword: String,
    pub message: String,
}

/// Index of a type in [`Plan::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// Every type codegen emits, in the order it emits them.
#[derive(Debug, Clone)]
pub struct Plan {
    pub types: Vec<TypeDef>,
    /// The type each top-level `$defs` entry became.
    pub defs: BTreeMap<String, TypeId>,
    /// The named type a schema node became, for nodes that became one.
    pub by_node: HashMap<NodeId, TypeId>,
}

#[derive(Debug, Clone)]
pub struct TypeDef {
    /// The Rust name, as emitted.
    pub name: String,
    /// The schema node it was made from.
    pub node: NodeId,
    /// Its JSON pointer in `schema/`.
    pub pointer: String,
    /// The `$defs` entry, for top-level types.
    pub def_name: Option<String>,
    pub docs: Option<String>,
    pub kind: TypeKind,
}

#[derive(Debug, Clone)]
pub enum TypeKind {
    Struct(StructDef),
    /// A string `enum`.
    StringEnum(EnumDef<String>),
    /// An integer `enum`.
    IntegerEnum(EnumDef<i64>),
    /// `oneOf`/`anyOf` of alternatives, or a value of several JSON types.
    Alternatives(AlternativesDef),
    /// A `$defs` entry that is not an object, enum or alternatives: `pub type`.
    Alias(RustType),
}

impl TypeKind {
    /// What the kind is called in reports: `struct`, `enum`, `type`.
    pub fn describe(&self) -> &'static str {
        match self {
            TypeKind::Struct(_) => "struct",
            TypeKind::StringEnum(_) | TypeKind::IntegerEnum(_) | TypeKind::Alternatives(_) => {
                "enum"
            }
            TypeKind::Alias(_) => "type",
        }
    }
}

#[derive(Debug, Clone)]
pub struct StructDef {
    pub fields: Vec<Field>,
    pub extra: Extra,
    /// Structs are not `#[non_exhaustive]`: user code may build them with a
    /// literal, so a new field is a compile-breaking change.
    pub non_exhaustive: bool,
}

/// What happens to properties the schema does not name.
#[derive(Debug, Clone, PartialEq)]
pub enum Extra {
    /// Kept in a field of this name, values of this type (`additionalProperties` absent, `true` or a schema).
    Kept { field: String, value: RustType },
    /// `additionalProperties: false`: refused when reading.
    Refused,
}

impl Extra {
    /// The field that keeps unknown properties and its type, when they are kept.
    pub fn field(&self) -> Option<(&str, RustType)> {
        match self {
            Extra::Kept { field, value } => {
                let ty = match value {
                    RustType::Value => RustType::Object,
                    value => RustType::Map(Box::new(value.clone())),
                };
                Some((field, ty))
            }
            Extra::Refused => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    /// The property name in JSON.
    pub json_name: String,
    /// The Rust field name as emitted (`r#type` for `type`).
    pub rust_name: String,
    /// The field's type as written in the struct, e.g. `Option<Nullable<String>>`.
    pub ty: RustType,
    pub required: bool,
    pub nullable: bool,
    /// The property's schema node and pointer.
    pub node: NodeId,
    pub pointer: String,
    pub docs: Option<String>,
    pub deprecated: bool,
}

#[derive(Debug, Clone)]
pub struct EnumDef<T> {
    pub variants: Vec<EnumVariant<T>>,
    /// The variant that keeps values this version does not know.
    pub catch_all: String,
    pub non_exhaustive: bool,
}

#[derive(Debug, Clone)]
pub struct EnumVariant<T> {
    pub name: String,
    pub value: T,
}

#[derive(Debug, Clone)]
pub struct AlternativesDef {
    pub variants: Vec<Alternative>,
    /// The variant that keeps a value no alternative reads exactly.
    pub catch_all: String,
    pub non_exhaustive: bool,
}

#[derive(Debug, Clone)]
pub struct Alternative {
    pub name: String,
    pub ty: RustType,
    /// The branch node.
    pub node: NodeId,
    /// `(property, values)`: tried only when the value's property is one of these.
    pub tag: Option<(String, Vec<String>)>,
}

/// A Rust type as it appears in a field or variant.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RustType {
    String,
    Bool,
    I64,
    /// `serde_json::Number`: keeps integers and decimals apart.
    Number,
    Timestamp,
    /// Any JSON value.
    Value,
    /// A JSON object of anything.
    Object,
    Named(String),
    Vec(Box<RustType>),
    Map(Box<RustType>),
    Option(Box<RustType>),
    Nullable(Box<RustType>),
    Box(Box<RustType>),
}

impl RustType {
    /// The named type inside, if any (through `Option`, `Vec`, `Box`…).
    pub fn named(&self) -> Option<&str> {
        match self {
            RustType::Named(name) => Some(name),
            RustType::Vec(inner)
            | RustType::Map(inner)
            | RustType::Option(inner)
            | RustType::Nullable(inner)
            | RustType::Box(inner) => inner.named(),
            _ => None,
        }
    }

    /// The type as tokens, with the paths generated code uses.
    pub fn tokens(&self) -> TokenStream {
        match self {
            RustType::String => quote!(String),
            RustType::Bool => quote!(bool),
            RustType::I64 => quote!(i64),
            RustType::Number => quote!(serde_json::Number),
            RustType::Timestamp => quote!(intercom_runtime::Timestamp),
            RustType::Value => quote!(serde_json::Value),
            RustType::Object => quote!(serde_json::Map<String, serde_json::Value>),
            RustType::Named(name) => {
                let ident = format_ident!("{}", name);
                quote!(#ident)
            }
            RustType::Vec(inner) => {
                let inner = inner.tokens();
                quote!(Vec<#inner>)
            }
            RustType::Map(inner) => {
                let inner = inner.tokens();
                quote!(std::collections::BTreeMap<String, #inner>)
            }
            RustType::Option(inner) => {
                let inner = inner.tokens();
                quote!(Option<#inner>)
            }
            RustType::Nullable(inner) => {
                let inner = inner.tokens();
                quote!(intercom_runtime::Nullable<#inner>)
            }
            RustType::Box(inner) => {
                let inner = inner.tokens();
                quote!(Box<#inner>)
            }
        }
    }

    fn map_named(&mut self, boxed: &dyn Fn(&str) -> bool) {
        match self {
            RustType::Named(name) if boxed(name) => {
                *self = RustType::Box(Box::new(RustType::Named(name.clone())));
            }
            RustType::Option(inner) | RustType::Nullable(inner) => inner.map_named(boxed),
            _ => {}
        }
    }
}

/// As written in Rust source, short paths: `Option<Nullable<Vec<Tag>>>`.
impl fmt::Display for RustType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RustType::String => f.write_str("String"),
            RustType::Bool => f.write_str("bool"),
            RustType::I64 => f.write_str("i64"),
            RustType::Number => f.write_str("Number"),
            RustType::Timestamp => f.write_str("Timestamp"),
            RustType::Value => f.write_str("Value"),
            RustType::Object => f.write_str("Map<String, Value>"),
            RustType::Named(name) => f.write_str(name),
            RustType::Vec(inner) => write!(f, "Vec<{inner}>"),
            RustType::Map(inner) => write!(f, "BTreeMap<String, {inner}>"),
            RustType::Option(inner) => write!(f, "Option<{inner}>"),
            RustType::Nullable(inner) => write!(f, "Nullable<{inner}>"),
            RustType::Box(inner) => write!(f, "Box<{inner}>"),
        }
    }
}

impl Plan {
    pub fn get(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// The type emitted for a top-level `$defs` entry.
    pub fn def(&self, name: &str) -> Option<&TypeDef> {
        self.defs.get(name).map(|id| self.get(*id))
    }

    pub fn by_name(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name == name)
    }

    /// The named type made from the node at `pointer`, if one was.
    pub fn type_at(&self, model: &Model, pointer: &str) -> Option<&TypeDef> {
        let node = model.at_pointer(pointer)?;
        self.by_node.get(&node).map(|id| self.get(*id))
    }

    /// The struct field made from the property schema at `pointer`, with its struct.
    pub fn field_at(&self, pointer: &str) -> Option<(&TypeDef, &Field)> {
        self.types.iter().find_map(|t| match &t.kind {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .find(|f| f.pointer == pointer)
                .map(|f| (t, f)),
            _ => None,
        })
    }
}

/// Decides every type of `model`.
pub fn plan(model: &Model) -> Result<Plan, CodegenError> {
    let mut planner = Planner {
        model,
        types: Vec::new(),
        by_node: HashMap::new(),
        taken: HashSet::new(),
        in_progress: HashSet::new(),
    };
    // Top-level names first, so a component keeps its natural name and an
    // inline type that would take it gets another one.
    let mut defs = BTreeMap::new();
    let mut reserved = Vec::new();
    for (name, node) in &model.defs {
        let rust = planner.unique_name(&type_name(name), "");
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

/// What a schema node means for its type, once references are followed,
/// `allOf` merged and the spellings of `null` taken apart.
#[derive(Debug, Clone)]
struct Shape {
    nullable: bool,
    kind: ShapeKind,
}

#[derive(Debug, Clone)]
enum ShapeKind {
    Any,
    /// A top-level `$defs` entry.
    Def(NodeId),
    Scalar(RustType),
    Array(Option<NodeId>),
    Object(ObjectShape),
    StringEnum(Vec<String>),
    IntegerEnum(Vec<i64>),
    Alternatives(Vec<Branch>),
}

#[derive(Debug, Clone, Default)]
struct ObjectShape {
    properties: Vec<(String, NodeId)>,
    required: BTreeSet<String>,
    /// `None`: not said (anything is allowed); `Some(None)`: `false`; `Some(Some(n))`: a schema.
    additional: Option<Option<NodeId>>,
}

#[derive(Debug, Clone)]
enum Branch {
    Node(NodeId),
    /// One JSON type of a `type` list.
    Type(InstanceType, NodeId),
}

struct Planner<'a> {
    model: &'a Model,
    types: Vec<TypeDef>,
    by_node: HashMap<NodeId, TypeId>,
    taken: HashSet<String>,
    in_progress: HashSet<NodeId>,
}

impl<'a> Planner<'a> {
    fn error(&self, node: NodeId, keyword: &str, message: impl Into<String>) -> CodegenError {
        CodegenError {
            pointer: self.model.node(node).pointer.clone(),
            keyword: keyword.to_owned(),
            message: message.into(),
        }
    }

    fn is_def(&self, node: NodeId) -> bool {
        self.model.defs.iter().any(|(_, id)| *id == node)
    }

    fn shape(&self, node: NodeId) -> Result<Shape, CodegenError> {
        self.shape_at_depth(node, 0)
    }

    fn shape_at_depth(&self, node: NodeId, depth: usize) -> Result<Shape, CodegenError> {
        if depth > 64 {
            return Err(self.error(node, "$ref", "references loop without reaching a schema"));
        }
        let any = Shape {
            nullable: false,
            kind: ShapeKind::Any,
        };
        let Some(k) = self.model.keywords(node) else {
            return Ok(any);
        };
        if k.unresolved_ref.is_some() {
            return Ok(any);
        }
        if let Some(reference) = &k.reference
            && !k.shape_type()
        {
            let target = reference.target;
            let target_shape = if self.is_def(target) {
                Shape {
                    nullable: self.shape_at_depth(target, depth + 1)?.nullable,
                    kind: ShapeKind::Def(target),
                }
            } else {
                self.shape_at_depth(target, depth + 1)?
            };
            return Ok(target_shape);
        }
        if k.reference.is_some() {
            return Err(self.error(
                node,
                "$ref",
                "a `$ref` beside keywords that shape the type is not supported; wrap them in `allOf`",
            ));
        }
        let mut nullable = false;
        let mut types: Option<Vec<InstanceType>> = k.types.clone();
        if let Some(list) = &mut types
            && list.contains(&InstanceType::Null)
        {
            list.retain(|t| *t != InstanceType::Null);
            nullable = true;
            if list.is_empty() {
                return Ok(Shape {
                    nullable: true,
                    kind: ShapeKind::Any,
                });
            }
        }

        // anyOf / oneOf: drop `{type: null}` branches (nullable) and branches
        // that only add constraints (the validator's business). A branch that
        // only adds constraints may still accept what the type-shaping
        // branches refuse (`{title: "other type"}` accepts anything): it is
        // `open`, and then a lone shaping branch is not guaranteed (below).
        let (keyword, branches) = match (k.one_of.is_empty(), k.any_of.is_empty()) {
            (false, true) => ("oneOf", &k.one_of),
            (true, false) => ("anyOf", &k.any_of),
            (false, false) => {
                return Err(self.error(
                    node,
                    "oneOf",
                    "`oneOf` beside `anyOf` in one schema is not supported",
                ));
            }
            (true, true) => ("", &k.one_of),
        };
        let mut alternatives = Vec::new();
        let mut open = false;
        for branch in branches {
            let Some(bk) = self.model.keywords(*branch) else {
                alternatives.push(*branch);
                continue;
            };
            if bk.types.as_deref() == Some(&[InstanceType::Null]) && !shapes_type_besides_type(bk) {
                nullable = true;
            } else if bk.shape_type() || bk.reference.is_some() {
                alternatives.push(*branch);
            } else {
                open = true;
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
        let own_shapes = types
            .as_deref()
            .is_some_and(|t| t != [InstanceType::Object])
            || !k.properties.is_empty()
            || k.additional_properties.is_some();
        if alternatives.len() > 1 {
            if !k.all_of.is_empty() {
                return Err(self.error(
                    node,
                    keyword,
                    "alternatives beside `allOf` are not supported",
                ));
            }
            return Ok(Shape {
                nullable,
                kind: ShapeKind::Alternatives(alternatives.into_iter().map(Branch::Node).collect()),
            });
        }
        // One alternative left: it is the type, merged with what stands beside it.
        let mut parts: Vec<NodeId> = k.all_of.clone();
        parts.extend(alternatives);

        if !parts.is_empty() {
            if parts.len() == 1 && !own_shapes && k.enum_values.is_none() {
                let mut shape = self.shape_at_depth(parts[0], depth + 1)?;
                shape.nullable |= nullable;
                return Ok(shape);
            }
            // Merge objects.
            let mut merged = ObjectShape::default();
            for part in &parts {
                let shape = self.shape_at_depth(*part, depth + 1)?;
                match self.object_of(&shape, depth)? {
                    Some(object) => merge_object(&mut merged, object),
                    None => {
                        return Err(self.error(
                            *part,
                            "allOf",
                            "only objects can be merged into one type",
                        ));
                    }
                }
            }
            merge_object(&mut merged, self.own_object(k));
            return Ok(Shape {
                nullable,
                kind: ShapeKind::Object(merged),
            });
        }

        if let Some(values) = &k.enum_values {
            let mut strings = Vec::new();
            let mut integers = Vec::new();
            let mut others = 0;
            for value in values {
                match value {
                    Value::Null => nullable = true,
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
        if let Some(constant) = &k.const_value {
            let kind = match constant {
                Value::String(_) => ShapeKind::Scalar(RustType::String),
                Value::Bool(_) => ShapeKind::Scalar(RustType::Bool),
                Value::Null => {
                    nullable = true;
                    ShapeKind::Any
                }
                _ => ShapeKind::Any,
            };
            return Ok(Shape { nullable, kind });
        }

        let kind = match types.as_deref() {
            Some([single]) => self.single_type(*single, k),
            Some(many) => {
                let mut list: Vec<InstanceType> = many.to_vec();
                if list.contains(&InstanceType::Number) {
                    list.retain(|t| *t != InstanceType::Integer);
                }
                if list.len() == 1 {
                    self.single_type(list[0], k)
                } else {
                    ShapeKind::Alternatives(
                        list.into_iter().map(|t| Branch::Type(t, node)).collect(),
                    )
                }
            }
            None => {
                if !k.properties.is_empty() || k.additional_properties.is_some() {
                    ShapeKind::Object(self.own_object(k))
                } else if k.items.is_some() {
                    ShapeKind::Array(k.items)
                } else {
                    ShapeKind::Any
                }
            }
        };
        Ok(Shape { nullable, kind })
    }

    fn single_type(&self, instance: InstanceType, k: &Keywords) -> ShapeKind {
        match instance {
            InstanceType::Object => ShapeKind::Object(self.own_object(k)),
            InstanceType::Array => ShapeKind::Array(k.items),
            InstanceType::String => ShapeKind::Scalar(RustType::String),
            InstanceType::Boolean => ShapeKind::Scalar(RustType::Bool),
            InstanceType::Number => ShapeKind::Scalar(RustType::Number),
            InstanceType::Integer => match k.format.as_deref() {
                Some("date-time" | "timestamp" | "unix-time") => {
                    ShapeKind::Scalar(RustType::Timestamp)
                }
                _ => ShapeKind::Scalar(RustType::I64),
            },
            InstanceType::Null => ShapeKind::Any,
        }
    }

    fn own_object(&self, k: &Keywords) -> ObjectShape {
        let additional = k
            .additional_properties
            .map(|node| match self.model.node(node).kind {
                NodeKind::Bool(false) => None,
                _ => Some(node),
            });
        ObjectShape {
            properties: k.properties.clone(),
            required: k.required.iter().cloned().collect(),
            additional,
        }
    }

    /// The object a shape stands for, following `$defs` entries.
    fn object_of(&self, shape: &Shape, depth: usize) -> Result<Option<ObjectShape>, CodegenError> {
        Ok(match &shape.kind {
            ShapeKind::Object(object) => Some(object.clone()),
            ShapeKind::Any => Some(ObjectShape::default()),
            ShapeKind::Def(node) => {
                let inner = self.shape_at_depth(*node, depth + 1)?;
                self.object_of(&inner, depth + 1)?
            }
            _ => None,
        })
    }

    fn unique_name(&mut self, base: &str, suffix: &str) -> String {
        let base = if base.is_empty() { "Type" } else { base };
        let mut candidate = base.to_owned();
        if self.taken.contains(&candidate) && !suffix.is_empty() {
            candidate = format!("{base}{suffix}");
        }
        let mut n = 2;
        while self.taken.contains(&candidate) || is_reserved_type_name(&candidate) {
            candidate = format!("{base}{suffix}{n}");
            n += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
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
            ShapeKind::Object(object) if !is_plain_map(&object) => {
                TypeKind::Struct(self.struct_def(&name, &object)?)
            }
            ShapeKind::StringEnum(values) => TypeKind::StringEnum(string_enum(&values)),
            ShapeKind::IntegerEnum(values) => TypeKind::IntegerEnum(integer_enum(&values)),
            ShapeKind::Alternatives(branches) => {
                TypeKind::Alternatives(self.alternatives(&name, node, &branches)?)
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
        let node = self.resolve_ref(node);
        let ty = match shape.kind {
            ShapeKind::Object(object) if !is_plain_map(&object) => {
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
            ShapeKind::Object(object) => match object.additional {
                Some(Some(values)) => {
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
        let name = self.unique_name(hint, suffix);
        let id = self.reserve(node, name.clone(), None);
        self.define(id, node)?;
        Ok(name)
    }

    fn struct_def(&mut self, name: &str, object: &ObjectShape) -> Result<StructDef, CodegenError> {
        let mut fields = Vec::new();
        let mut used = HashSet::new();
        for (json_name, node) in &object.properties {
            let hint = format!("{name}{}", type_name(json_name));
            let (inner, nullable) = self.rust_type(*node, &hint)?;
            let required = object.required.contains(json_name);
            let ty = match (required, nullable) {
                (true, false) => inner,
                (true, true) | (false, false) => RustType::Option(Box::new(inner)),
                (false, true) => RustType::Option(Box::new(RustType::Nullable(Box::new(inner)))),
            };
            let keywords = self.model.keywords(*node);
            fields.push(Field {
                json_name: json_name.clone(),
                rust_name: unique_field_name(&field_name(json_name), &mut used),
                ty,
                required,
                nullable,
                node: *node,
                pointer: self.model.node(*node).pointer.clone(),
                docs: keywords.and_then(docs_of),
                deprecated: keywords.is_some_and(|k| k.deprecated),
            });
        }
        let extra = match object.additional {
            Some(None) => Extra::Refused,
            additional => {
                let value = match additional {
                    Some(Some(node)) => {
                        let (inner, nullable) = self.rust_type(node, &format!("{name}Value"))?;
                        option_if(inner, nullable)
                    }
                    _ => RustType::Value,
                };
                let field = unique_field_name("extra", &mut used);
                Extra::Kept { field, value }
            }
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
        branches: &[Branch],
    ) -> Result<AlternativesDef, CodegenError> {
        let discriminator = self
            .model
            .keywords(node)
            .and_then(|k| k.discriminator.clone());
        let mut used = HashSet::new();
        let mut variants = Vec::new();
        for branch in branches {
            let (variant_name, ty, branch_node) = match branch {
                Branch::Type(instance, owner) => {
                    let k = self.model.keywords(*owner).cloned().unwrap_or_default();
                    let kind = self.single_type(*instance, &k);
                    let hint = format!("{name}{}", type_name(instance.name()));
                    let ty = match kind {
                        ShapeKind::Object(object) if !is_plain_map(&object) => {
                            return Err(self.error(
                                *owner,
                                "type",
                                "an object with properties among several types is not supported",
                            ));
                        }
                        kind => self.type_of_kind(kind, &hint)?,
                    };
                    (type_name(instance.name()), ty, *owner)
                }
                Branch::Node(branch) => {
                    let label = self.branch_label(*branch)?;
                    let hint = format!("{name}{label}");
                    let (ty, nullable) = self.rust_type(*branch, &hint)?;
                    (label, option_if(ty, nullable), *branch)
                }
            };
            let tag = match branch {
                Branch::Node(_) => self.tag_of(branch_node, discriminator.as_ref())?,
                Branch::Type(..) => None,
            };
            variants.push(Alternative {
                name: unique_variant_name(&variant_name, &mut used),
                ty,
                node: branch_node,
                tag,
            });
        }
        let catch_all = unique_variant_name("Unknown", &mut used);
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
                let name = type_name(title);
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
        discriminator: Option<&crate::model::Discriminator>,
    ) -> Result<Option<(String, Vec<String>)>, CodegenError> {
        let target = self.resolve_ref(branch);
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
            if let Some((name, _)) = self.model.defs.iter().find(|(_, id)| *id == target) {
                return Ok(Some((
                    discriminator.property_name.clone(),
                    vec![name.clone()],
                )));
            }
        }
        let shape = self.shape(branch)?;
        let Some(object) = self.object_of(&shape, 0)? else {
            return Ok(None);
        };
        for (property, node) in &object.properties {
            if !object.required.contains(property) {
                continue;
            }
            let Some(k) = self.model.keywords(self.resolve_ref(*node)) else {
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

    fn resolve_ref(&self, mut node: NodeId) -> NodeId {
        for _ in 0..64 {
            match self.model.keywords(node) {
                Some(k) if !k.shape_type() => match &k.reference {
                    Some(reference) => node = reference.target,
                    None => return node,
                },
                _ => return node,
            }
        }
        node
    }
}

fn shapes_type_besides_type(k: &Keywords) -> bool {
    let mut without_type = k.clone();
    without_type.types = None;
    without_type.shape_type() || k.reference.is_some()
}

fn merge_object(into: &mut ObjectShape, from: ObjectShape) {
    for (name, node) in from.properties {
        match into.properties.iter_mut().find(|(n, _)| *n == name) {
            // The later, more specific description of a property wins.
            Some(existing) => existing.1 = node,
            None => into.properties.push((name, node)),
        }
    }
    into.required.extend(from.required);
    if from.additional.is_some() {
        into.additional = from.additional;
    }
}

/// An object with no named properties and a schema for the others is a map.
fn is_plain_map(object: &ObjectShape) -> bool {
    object.properties.is_empty() && !matches!(object.additional, Some(None))
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
    let mut used = HashSet::new();
    let mut variants = Vec::new();
    let mut seen = HashSet::new();
    for value in values {
        if !seen.insert(value.clone()) {
            continue;
        }
        variants.push(EnumVariant {
            name: unique_variant_name(&variant_name(value), &mut used),
            value: value.clone(),
        });
    }
    let catch_all = ["Other", "Unknown", "UnknownValue"]
        .into_iter()
        .find(|name| !used.contains(*name))
        .map_or_else(|| unique_variant_name("Other", &mut used), str::to_owned);
    EnumDef {
        variants,
        catch_all,
        non_exhaustive: true,
    }
}

fn integer_enum(values: &[i64]) -> EnumDef<i64> {
    let mut used = HashSet::new();
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
            name: unique_variant_name(&base, &mut used),
            value: *value,
        });
    }
    let catch_all = unique_variant_name("Other", &mut used);
    EnumDef {
        variants,
        catch_all,
        non_exhaustive: true,
    }
}

/// A type name from a schema name: `conversation_statistics` → `ConversationStatistics`.
pub fn type_name(name: &str) -> String {
    let camel = sanitize(name).to_upper_camel_case();
    match camel.chars().next() {
        Some(c) if c.is_ascii_digit() => format!("N{camel}"),
        _ => camel,
    }
}

/// Operators and other symbols, spelled so a variant can be named after them.
fn symbol_name(value: &str) -> Option<&'static str> {
    Some(match value {
        "=" => "Equals",
        "!=" => "NotEquals",
        "<" => "LessThan",
        "<=" => "LessThanOrEquals",
        ">" => "GreaterThan",
        ">=" => "GreaterThanOrEquals",
        "~" => "Contains",
        "!~" => "NotContains",
        "^" => "StartsWith",
        "$" => "EndsWith",
        "*" => "Any",
        "+" => "Plus",
        "-" => "Minus",
        "" => "Empty",
        _ => return None,
    })
}

fn variant_name(value: &str) -> String {
    if let Some(name) = symbol_name(value) {
        return name.to_owned();
    }
    let name = type_name(value);
    if name.is_empty() {
        // Symbols we have no word for: spell them by code point.
        let spelled: String = value
            .chars()
            .map(|c| format!("U{:04X}", c as u32))
            .collect();
        return spelled;
    }
    name
}

/// Words separated the way heck understands: everything that is not a letter
/// or digit separates words.
fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

fn field_name(json_name: &str) -> String {
    let snake = sanitize(json_name).to_snake_case();
    let snake = if snake.is_empty() {
        "field".to_owned()
    } else if snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n{snake}")
    } else {
        snake
    };
    match snake.as_str() {
        // These cannot be raw identifiers.
        "self" | "super" | "crate" => format!("{snake}_"),
        _ if syn::parse_str::<Ident>(&snake).is_err() => format!("r#{snake}"),
        _ => snake,
    }
}

fn unique_field_name(base: &str, used: &mut HashSet<String>) -> String {
    let mut candidate = base.to_owned();
    let mut n = 2;
    while used.contains(&candidate) {
        candidate = format!("{base}_{n}");
        n += 1;
    }
    used.insert(candidate.clone());
    candidate
}

fn unique_variant_name(base: &str, used: &mut HashSet<String>) -> String {
    let base = if base == "Self" { "SelfValue" } else { base };
    let mut candidate = base.to_owned();
    let mut n = 2;
    while used.contains(&candidate) {
        candidate = format!("{base}{n}");
        n += 1;
    }
    used.insert(candidate.clone());
    candidate
}

/// Names the generated crate's own items, or std's prelude, already use.
fn is_reserved_type_name(name: &str) -> bool {
    matches!(
        name,
        "Self"
            | "Option"
            | "Some"
            | "None"
            | "Result"
            | "Ok"
            | "Err"
            | "Vec"
            | "String"
            | "Box"
            | "Value"
            | "Map"
            | "Number"
            | "Timestamp"
            | "Nullable"
            | "BTreeMap"
    )
}

/// The identifier for a name the plan made, `r#type` included.
fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The named type a field holds without indirection, if any.
fn held_by_value(ty: &RustType) -> Option<String> {
    match ty {
        RustType::Named(name) => Some(name.clone()),
        RustType::Option(inner) | RustType::Nullable(inner) => held_by_value(inner),
        _ => None,
    }
}

/// Boxes each by-value reference that closes a cycle of types, so every type
/// has a size. Through `Vec` and maps there is already an indirection.
fn box_cycles(plan: &mut Plan) {
    let index: HashMap<String, usize> = plan
        .types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    let edges: Vec<Vec<usize>> = plan
        .types
        .iter()
        .map(|t| {
            let members: Vec<&RustType> = match &t.kind {
                TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).collect(),
                TypeKind::Alternatives(a) => a.variants.iter().map(|v| &v.ty).collect(),
                TypeKind::Alias(ty) => vec![ty],
                _ => Vec::new(),
            };
            members
                .into_iter()
                .filter_map(held_by_value)
                .filter_map(|name| index.get(&name).copied())
                .collect()
        })
        .collect();
    let reaches = |from: usize, to: usize| -> bool {
        let mut stack = vec![from];
        let mut seen = HashSet::new();
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n) {
                stack.extend(edges[n].iter().copied());
            }
        }
        false
    };
    for i in 0..plan.types.len() {
        let boxed = |name: &str| index.get(name).is_some_and(|&target| reaches(target, i));
        match &mut plan.types[i].kind {
            TypeKind::Struct(s) => {
                for field in &mut s.fields {
                    field.ty.map_named(&boxed);
                }
            }
            TypeKind::Alternatives(a) => {
                for variant in &mut a.variants {
                    variant.ty.map_named(&boxed);
                }
            }
            _ => {}
        }
    }
}

mod serde_impls;

/// The tokens of `types.rs`: every type of the plan, in plan order.
pub fn emit(plan: &Plan) -> TokenStream {
    let items = emit_items(plan);
    quote! {
        //! The types of every schema in `schema/`, one per `$defs` entry and
        //! one per inline object, enum or set of alternatives.
        #![allow(clippy::large_enum_variant, clippy::enum_variant_names)]
        #items
    }
}

/// The items alone, for a caller that puts them in a module of its own.
pub fn emit_items(plan: &Plan) -> TokenStream {
    let items = plan.types.iter().map(emit_type);
    quote!(#(#items)*)
}

fn doc_attrs(docs: Option<&str>) -> TokenStream {
    let Some(docs) = docs else {
        return TokenStream::new();
    };
    let lines = docs.lines().map(|line| {
        let line = format!(" {}", line.trim_end());
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

fn emit_type(def: &TypeDef) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let mut docs = def.docs.clone().unwrap_or_default();
    let origin = match &def.def_name {
        Some(def_name) => format!("Schema `{def_name}`."),
        None => format!("At `{}`.", display_pointer(&def.pointer)),
    };
    if docs.is_empty() {
        docs = origin;
    } else {
        docs = format!("{docs}\n\n{origin}");
    }
    let doc = doc_attrs(Some(&docs));
    match &def.kind {
        TypeKind::Struct(s) => emit_struct(&name, &doc, s),
        TypeKind::StringEnum(e) => emit_string_enum(&name, &doc, e),
        TypeKind::IntegerEnum(e) => emit_integer_enum(&name, &doc, e),
        TypeKind::Alternatives(a) => emit_alternatives(&name, &doc, a),
        TypeKind::Alias(ty) => {
            let ty = ty.tokens();
            quote! { #doc pub type #name = #ty; }
        }
    }
}

fn emit_struct(name: &Ident, doc: &TokenStream, s: &StructDef) -> TokenStream {
    let fields = s.fields.iter().map(|field| {
        let ident = ident(&field.rust_name);
        let ty = field.ty.tokens();
        let doc = doc_attrs(field.docs.as_deref());
        let json_name = &field.json_name;
        let unraw = field.rust_name.trim_start_matches("r#");
        let deprecated = field.deprecated.then(|| quote!(#[deprecated]));
        // What schemars needs to know of the field; serde's impls are below.
        let mut schemars = Vec::new();
        if unraw != json_name {
            schemars.push(quote!(rename = #json_name));
        }
        match (field.required, field.nullable) {
            (true, false) => {}
            (true, true) => schemars.push(quote!(required)),
            (false, _) => schemars.push(quote!(default, skip_serializing_if = "Option::is_none")),
        }
        let schemars = (!schemars.is_empty())
            .then(|| quote!(#[cfg_attr(feature = "schemars", schemars(#(#schemars),*))]));
        quote! { #doc #deprecated #schemars pub #ident: #ty, }
    });
    let (extra, closed) = match s.extra.field() {
        Some((field, ty)) => {
            let ident = ident(field);
            let ty = ty.tokens();
            (
                quote! {
                    /// Properties the schema does not name, kept as they came.
                    #[cfg_attr(feature = "schemars", schemars(flatten))]
                    pub #ident: #ty,
                },
                quote!(),
            )
        }
        None => (quote!(), quote!(, schemars(deny_unknown_fields))),
    };
    let allow_deprecated = s
        .fields
        .iter()
        .any(|f| f.deprecated)
        .then(|| quote!(#[allow(deprecated)]));
    let impls = serde_impls::struct_impls(name, s);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema) #closed)]
        #allow_deprecated
        pub struct #name {
            #(#fields)*
            #extra
        }

        #impls
    }
}

fn emit_string_enum(name: &Ident, doc: &TokenStream, e: &EnumDef<String>) -> TokenStream {
    let variants = e.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let value = &v.value;
        let doc = format!(" `{value}`");
        quote! { #[doc = #doc] #[cfg_attr(feature = "schemars", schemars(rename = #value))] #ident, }
    });
    let as_str = e.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let value = &v.value;
        quote! { Self::#ident => #value, }
    });
    let catch_all = format_ident!("{}", e.catch_all);
    let impls = serde_impls::string_enum_impls(name, e);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the schema does not list, kept as it came.
            #[cfg_attr(feature = "schemars", schemars(untagged))]
            #catch_all(String),
        }

        impl #name {
            /// The value as written in JSON.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::#catch_all(value) => value,
                }
            }
        }

        #impls
    }
}

fn emit_integer_enum(name: &Ident, doc: &TokenStream, e: &EnumDef<i64>) -> TokenStream {
    let variants = e.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let doc = format!(" `{}`", v.value);
        quote! { #[doc = #doc] #ident, }
    });
    let to_value = e.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let value = v.value;
        quote! { Self::#ident => #value, }
    });
    let from_value = e.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let value = v.value;
        quote! { #value => Self::#ident, }
    });
    let values = e.variants.iter().map(|v| v.value);
    let catch_all = format_ident!("{}", e.catch_all);
    let schema_name = name.to_string();
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the schema does not list, kept as it came.
            #catch_all(i64),
        }

        impl #name {
            /// The value as written in JSON.
            pub fn value(self) -> i64 {
                match self {
                    #(#to_value)*
                    Self::#catch_all(value) => value,
                }
            }

            pub fn from_value(value: i64) -> Self {
                match value {
                    #(#from_value)*
                    other => Self::#catch_all(other),
                }
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <i64 as serde::Deserialize>::deserialize(deserializer).map(Self::from_value)
            }
        }

        #[cfg(feature = "schemars")]
        impl schemars::JsonSchema for #name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                #schema_name.into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "integer", "enum": [#(#values),*] })
            }
        }
    }
}

fn emit_alternatives(name: &Ident, doc: &TokenStream, a: &AlternativesDef) -> TokenStream {
    let variants = a.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let ty = v.ty.tokens();
        quote! { #ident(#ty), }
    });
    // Tagged alternatives are tried first, each only where its tag matches.
    let mut order: Vec<&Alternative> = a.variants.iter().filter(|v| v.tag.is_some()).collect();
    order.extend(a.variants.iter().filter(|v| v.tag.is_none()));
    let attempts = order.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let ty = v.ty.tokens();
        let tag = v.tag.as_ref().map(|(property, values)| {
            quote! { intercom_runtime::alternatives::has_tag(&value, #property, &[#(#values),*]) && }
        });
        quote! {
            if #tag let Some(read) = intercom_runtime::alternatives::read_exactly::<#ty>(&value) {
                return Ok(Self::#ident(read));
            }
        }
    });
    let catch_all = format_ident!("{}", a.catch_all);
    // Written as its alternative is, as `#[serde(untagged)]` wrote it.
    let serialize = a.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        quote! { Self::#ident(value) => serde::Serialize::serialize(value, serializer), }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema), schemars(untagged))]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value none of the alternatives reads exactly, kept as it came.
            #catch_all(serde_json::Value),
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#serialize)*
                    Self::#catch_all(value) => serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                #(#attempts)*
                Ok(Self::#catch_all(value))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_well() {
        assert_eq!(
            type_name("conversation_statistics"),
            "ConversationStatistics"
        );
        assert_eq!(type_name("2fa"), "N2fa");
        assert_eq!(variant_name("!~"), "NotContains");
        assert_eq!(variant_name("$"), "EndsWith");
        assert_eq!(variant_name("in_app"), "InApp");
        assert_eq!(variant_name("§"), "U00A7");
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("1st"), "n1st");
        assert_eq!(field_name("x-y.z"), "x_y_z");
        assert_eq!(ident("r#type").to_string(), "r#type");
    }

    #[test]
    fn rust_types_display_as_written() {
        let ty = RustType::Option(Box::new(RustType::Nullable(Box::new(RustType::Vec(
            Box::new(RustType::Named("Tag".into())),
        )))));
        assert_eq!(ty.to_string(), "Option<Nullable<Vec<Tag>>>");
    }
}
