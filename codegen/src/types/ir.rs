//! The plan codegen emits: every type, field and variant with its Rust name,
//! and the Rust types of fields and variants.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{Model, NodeId};

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
    /// The property name again, when the Rust name spells it differently
    /// and schemars must be told it.
    pub rename: Option<String>,
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
            RustType::Number => quote!(::serde_json::Number),
            RustType::Timestamp => quote!(::intercom_runtime::Timestamp),
            RustType::Value => quote!(::serde_json::Value),
            RustType::Object => quote!(::serde_json::Map<String, ::serde_json::Value>),
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
                quote!(::std::collections::BTreeMap<String, #inner>)
            }
            RustType::Option(inner) => {
                let inner = inner.tokens();
                quote!(Option<#inner>)
            }
            RustType::Nullable(inner) => {
                let inner = inner.tokens();
                quote!(::intercom_runtime::Nullable<#inner>)
            }
            RustType::Box(inner) => {
                let inner = inner.tokens();
                quote!(Box<#inner>)
            }
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
}
