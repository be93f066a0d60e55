//! The typed model: a JSON Schema draft 2020-12 document parsed into an arena
//! of nodes, with every keyword typed and every `$ref` resolved to a node.
//!
//! Everything downstream (Rust types, validators, diff) reads this model and
//! never the raw JSON. Parsing is in two phases, as typify does it: first
//! every schema node gets its id, its base URI and its anchors; then each
//! `$ref` is resolved against them, so forward and cyclic references need no
//! special case.
//!
//! ```text
//! mod         the arena (Model, Node, NodeId), its errors and its lookups
//! keywords    Keywords, and the questions codegen and the diff ask of them
//! parse       schema/ JSON -> Model, in the two phases
//! registry    the other documents a `$ref` or `$schema` may name
//! vocabulary  the keywords a `$schema` switches on
//! uri         the RFC 3986 resolution `$ref` and `$id` need
//! normalize   one reading of a node for the planner and the diff
//! evaluation  which properties a node evaluates, where the schema tells
//! operations  x-provenance and x-operations
//! ```

mod evaluation;
mod keywords;
mod normalize;
mod operations;
mod parse;
mod registry;
mod uri;
mod vocabulary;

use std::collections::BTreeMap;
use std::fmt;

use crate::source::escape_pointer_token;

pub use keywords::Keywords;

pub use normalize::{Branch, Folded, Normalized, NullBranch, ObjectParts, Precedence};
pub use operations::{Body, Operation, Provenance, RequestBody, Response};
pub use registry::{Registry, RegistryError};
pub use uri::resolve_uri;

/// Index of a node in [`Model::nodes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub u32);

impl NodeId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A parsed schema document.
#[derive(Debug, Clone)]
pub struct Model {
    pub nodes: Vec<Node>,
    pub root: NodeId,
    /// The top-level `$defs`, in document order: the schemas an import made.
    pub defs: Vec<(String, NodeId)>,
    /// `x-provenance` of a document written by `cargo xtask import`.
    pub provenance: Option<Provenance>,
    /// `x-operations` of a document written by `cargo xtask import`.
    pub operations: Vec<Operation>,
    /// The roots of the schema resources that enter the dynamic scope: those
    /// declaring a `$dynamicAnchor` that some `$dynamicRef` looks for. Empty
    /// for a document without such a `$dynamicRef`.
    pub scope_resources: std::collections::BTreeSet<NodeId>,
}

#[derive(Debug, Clone)]
pub struct Node {
    /// Where the schema stands: a JSON pointer into the parsed document
    /// (`""` for its root), or, for a node of another document of the
    /// registry, that document's URI and a fragment
    /// (`http://localhost:1234/integer.json#/type`; `other.json#/$defs/a`
    /// when it stands beside the parsed one). [`display_pointer`] shows both.
    pub pointer: String,
    pub kind: NodeKind,
    /// The root of the schema resource the node belongs to (the nearest
    /// schema with `$id`, or the document's root).
    pub resource: NodeId,
}

#[derive(Debug, Clone)]
pub enum NodeKind {
    /// `true` accepts everything, `false` nothing.
    Bool(bool),
    Schema(Box<Keywords>),
}

/// The JSON types of the `type` keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InstanceType {
    Null,
    Boolean,
    Object,
    Array,
    Number,
    String,
    Integer,
}

impl InstanceType {
    pub fn name(self) -> &'static str {
        match self {
            InstanceType::Null => "null",
            InstanceType::Boolean => "boolean",
            InstanceType::Object => "object",
            InstanceType::Array => "array",
            InstanceType::Number => "number",
            InstanceType::String => "string",
            InstanceType::Integer => "integer",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "null" => InstanceType::Null,
            "boolean" => InstanceType::Boolean,
            "object" => InstanceType::Object,
            "array" => InstanceType::Array,
            "number" => InstanceType::Number,
            "string" => InstanceType::String,
            "integer" => InstanceType::Integer,
            _ => return None,
        })
    }
}

impl fmt::Display for InstanceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A resolved `$ref`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The reference as written.
    pub written: String,
    pub target: NodeId,
}

/// A resolved `$dynamicRef`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynamicReference {
    /// The reference as written.
    pub written: String,
    /// Where it points as a `$ref` would.
    pub target: NodeId,
    /// When `target` declares the `$dynamicAnchor` the fragment names (the
    /// reference is dynamic): each schema resource that declares that anchor
    /// and the schema that does, by resource. The outermost of them in the
    /// dynamic scope is the target; `target` when none is in it.
    pub dynamic: Vec<(NodeId, NodeId)>,
}

/// OpenAPI's `discriminator`, kept by the importer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discriminator {
    pub property_name: String,
    /// Tag value to the schema it selects, in document order.
    pub mapping: Vec<(String, NodeId)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error("{}: `{keyword}`: expected {expected}", display_pointer(pointer))]
    Invalid {
        pointer: String,
        keyword: String,
        expected: String,
    },
    #[error(
        "{}: the keyword `{keyword}` is not supported{}",
        display_pointer(pointer),
        reason_suffix(reason)
    )]
    Unsupported {
        pointer: String,
        keyword: String,
        reason: String,
    },
    #[error(
        "{}: `$ref` `{reference}` points to nothing in this document",
        display_pointer(pointer)
    )]
    UnresolvedRef { pointer: String, reference: String },
    #[error(
        "{}: `$ref` `{reference}` points into {uri}, a document nothing registers (references reach this document and the documents registered beside it; nothing is fetched)",
        display_pointer(pointer)
    )]
    UnknownDocument {
        pointer: String,
        reference: String,
        uri: String,
    },
    #[error(
        "{}: `$ref` `{reference}` points to nothing in {uri}",
        display_pointer(pointer)
    )]
    UnresolvedInDocument {
        pointer: String,
        reference: String,
        uri: String,
    },
}

impl ModelError {
    /// The keyword the error is about.
    pub fn keyword(&self) -> &str {
        match self {
            ModelError::Invalid { keyword, .. } | ModelError::Unsupported { keyword, .. } => {
                keyword
            }
            ModelError::UnresolvedRef { .. }
            | ModelError::UnknownDocument { .. }
            | ModelError::UnresolvedInDocument { .. } => "$ref",
        }
    }
}

fn reason_suffix(reason: &str) -> String {
    if reason.is_empty() {
        String::new()
    } else {
        format!(": {reason}")
    }
}

/// A node's pointer the way errors and keyword locations show it: a JSON
/// pointer into the parsed document as a URI fragment (`#/$defs/a`), and
/// the pointer of a node of another document as it is (it has its URI).
pub fn display_pointer(pointer: &str) -> String {
    if pointer.is_empty() || pointer.starts_with('/') {
        format!("#{pointer}")
    } else {
        pointer.to_owned()
    }
}

impl Model {
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    /// The keywords of a node, or `None` for a boolean schema.
    pub fn keywords(&self, id: NodeId) -> Option<&Keywords> {
        match &self.node(id).kind {
            NodeKind::Schema(keywords) => Some(keywords),
            NodeKind::Bool(_) => None,
        }
    }

    /// The top-level `$defs` entry called `name`.
    pub fn def(&self, name: &str) -> Option<NodeId> {
        self.defs.iter().find(|(n, _)| n == name).map(|(_, id)| *id)
    }

    /// The node at a JSON pointer, if a schema stands there.
    pub fn at_pointer(&self, pointer: &str) -> Option<NodeId> {
        self.nodes
            .iter()
            .position(|node| node.pointer == pointer)
            .map(|i| NodeId(i as u32))
    }

    /// The subschemas of a node, with the pointer suffix that reaches each.
    pub fn children(&self, id: NodeId) -> Vec<(String, NodeId)> {
        let Some(k) = self.keywords(id) else {
            return Vec::new();
        };
        let mut children = Vec::new();
        let map =
            |children: &mut Vec<(String, NodeId)>, keyword: &str, entries: &[(String, NodeId)]| {
                for (name, child) in entries {
                    children.push((format!("/{keyword}/{}", escape_pointer_token(name)), *child));
                }
            };
        let list = |children: &mut Vec<(String, NodeId)>, keyword: &str, entries: &[NodeId]| {
            for (i, child) in entries.iter().enumerate() {
                children.push((format!("/{keyword}/{i}"), *child));
            }
        };
        let single =
            |children: &mut Vec<(String, NodeId)>, keyword: &str, entry: Option<NodeId>| {
                if let Some(child) = entry {
                    children.push((format!("/{keyword}"), child));
                }
            };
        map(&mut children, "$defs", &k.defs);
        list(&mut children, "allOf", &k.all_of);
        list(&mut children, "anyOf", &k.any_of);
        list(&mut children, "oneOf", &k.one_of);
        single(&mut children, "not", k.not);
        single(&mut children, "if", k.if_);
        single(&mut children, "then", k.then_);
        single(&mut children, "else", k.else_);
        map(&mut children, "dependentSchemas", &k.dependent_schemas);
        list(&mut children, "prefixItems", &k.prefix_items);
        single(&mut children, "items", k.items);
        single(&mut children, "contains", k.contains);
        map(&mut children, "properties", &k.properties);
        map(&mut children, "patternProperties", &k.pattern_properties);
        single(
            &mut children,
            "additionalProperties",
            k.additional_properties,
        );
        single(&mut children, "propertyNames", k.property_names);
        single(&mut children, "unevaluatedItems", k.unevaluated_items);
        single(
            &mut children,
            "unevaluatedProperties",
            k.unevaluated_properties,
        );
        children
    }
}

/// Groups the nodes of a model by the top-level `$defs` entry they belong to.
pub fn owners(model: &Model) -> BTreeMap<NodeId, String> {
    let mut owners = BTreeMap::new();
    for (name, id) in &model.defs {
        let prefix = format!("/$defs/{}", escape_pointer_token(name));
        for (i, node) in model.nodes.iter().enumerate() {
            if node.pointer == prefix || node.pointer.starts_with(&format!("{prefix}/")) {
                owners.insert(NodeId(i as u32), name.clone());
            }
        }
        owners.insert(*id, name.clone());
    }
    owners
}

#[cfg(test)]
mod tests;
