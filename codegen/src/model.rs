//! The typed model: a JSON Schema draft 2020-12 document parsed into an arena
//! of nodes, with every keyword typed and every `$ref` resolved to a node.
//!
//! Everything downstream (Rust types, validators, diff) reads this model and
//! never the raw JSON. Parsing is in two phases, as typify does it: first
//! every schema node gets its id, its base URI and its anchors; then each
//! `$ref` is resolved against them, so forward and cyclic references need no
//! special case.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde_json::{Map, Number, Value};

use crate::source::{escape_pointer_token, percent_decode, unescape_pointer_token};

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
}

#[derive(Debug, Clone)]
pub struct Node {
    /// Where the schema stands in the document (a JSON pointer, `""` for the root).
    pub pointer: String,
    pub kind: NodeKind,
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

/// OpenAPI's `discriminator`, kept by the importer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discriminator {
    pub property_name: String,
    /// Tag value to the schema it selects, in document order.
    pub mapping: Vec<(String, NodeId)>,
}

/// Every keyword of a schema object, typed. Keywords that are absent are
/// `None` or empty; `examples` and the annotations are kept for docs and diffs.
#[derive(Debug, Clone, Default)]
pub struct Keywords {
    // Core.
    pub id: Option<String>,
    pub anchor: Option<String>,
    pub reference: Option<Reference>,
    pub defs: Vec<(String, NodeId)>,
    pub comment: Option<String>,

    // Applicators.
    pub all_of: Vec<NodeId>,
    pub any_of: Vec<NodeId>,
    pub one_of: Vec<NodeId>,
    pub not: Option<NodeId>,
    pub if_: Option<NodeId>,
    pub then_: Option<NodeId>,
    pub else_: Option<NodeId>,
    pub dependent_schemas: Vec<(String, NodeId)>,
    pub prefix_items: Vec<NodeId>,
    pub items: Option<NodeId>,
    pub contains: Option<NodeId>,
    pub properties: Vec<(String, NodeId)>,
    pub pattern_properties: Vec<(String, NodeId)>,
    pub additional_properties: Option<NodeId>,
    pub property_names: Option<NodeId>,

    // Validation.
    /// `type`, in the order written; a single string is a list of one.
    pub types: Option<Vec<InstanceType>>,
    pub enum_values: Option<Vec<Value>>,
    pub const_value: Option<Value>,
    pub multiple_of: Option<Number>,
    pub maximum: Option<Number>,
    pub exclusive_maximum: Option<Number>,
    pub minimum: Option<Number>,
    pub exclusive_minimum: Option<Number>,
    pub max_length: Option<u64>,
    pub min_length: Option<u64>,
    pub pattern: Option<String>,
    pub max_items: Option<u64>,
    pub min_items: Option<u64>,
    pub unique_items: bool,
    pub max_contains: Option<u64>,
    pub min_contains: Option<u64>,
    pub max_properties: Option<u64>,
    pub min_properties: Option<u64>,
    pub required: Vec<String>,
    pub dependent_required: Vec<(String, Vec<String>)>,

    // Format, content and annotations.
    pub format: Option<String>,
    pub content_encoding: Option<String>,
    pub content_media_type: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub default: Option<Value>,
    pub examples: Vec<Value>,
    pub deprecated: bool,
    pub read_only: bool,
    pub write_only: bool,

    // OpenAPI, as carried over by the importer.
    pub discriminator: Option<Discriminator>,
    /// `x-unresolved-ref`: the importer could not resolve this reference, and
    /// the schema accepts any value.
    pub unresolved_ref: Option<String>,
}

/// The questions codegen and the diff ask of a schema's keywords. Each
/// destructures [`Keywords`] whole, with no `..`: a keyword added to the
/// struct is a compile error here until each question has its answer for it.
impl Keywords {
    /// Whether a value can fail these keywords: validators leave out the
    /// nodes that cannot. `asserted_formats` are the formats the validators
    /// check (the others are annotations).
    pub fn check_anything(&self, asserted_formats: &[&str]) -> bool {
        let Keywords {
            id: _,
            anchor: _,
            reference,
            defs: _,
            comment: _,
            all_of,
            any_of,
            one_of,
            not,
            if_,
            // Without `if`, `then` and `else` assert nothing.
            then_: _,
            else_: _,
            dependent_schemas,
            prefix_items,
            items,
            contains,
            properties,
            pattern_properties,
            additional_properties,
            property_names,
            types,
            enum_values,
            const_value,
            multiple_of,
            maximum,
            exclusive_maximum,
            minimum,
            exclusive_minimum,
            max_length,
            min_length,
            pattern,
            max_items,
            min_items,
            unique_items,
            // Without `contains`, the bounds on it assert nothing.
            max_contains: _,
            min_contains: _,
            max_properties,
            min_properties,
            required,
            dependent_required,
            format,
            content_encoding: _,
            content_media_type: _,
            title: _,
            description: _,
            default: _,
            examples: _,
            deprecated: _,
            read_only: _,
            write_only: _,
            // The tag's property is checked through the alternatives.
            discriminator: _,
            unresolved_ref,
        } = self;
        unresolved_ref.is_none()
            && (reference.is_some()
                || types.is_some()
                || enum_values.is_some()
                || const_value.is_some()
                || multiple_of.is_some()
                || maximum.is_some()
                || exclusive_maximum.is_some()
                || minimum.is_some()
                || exclusive_minimum.is_some()
                || max_length.is_some()
                || min_length.is_some()
                || pattern.is_some()
                || max_items.is_some()
                || min_items.is_some()
                || *unique_items
                || max_properties.is_some()
                || min_properties.is_some()
                || !required.is_empty()
                || !dependent_required.is_empty()
                || format
                    .as_deref()
                    .is_some_and(|f| asserted_formats.contains(&f))
                || !all_of.is_empty()
                || !any_of.is_empty()
                || !one_of.is_empty()
                || not.is_some()
                || if_.is_some()
                || !dependent_schemas.is_empty()
                || !prefix_items.is_empty()
                || items.is_some()
                || contains.is_some()
                || !properties.is_empty()
                || !pattern_properties.is_empty()
                || additional_properties.is_some()
                || property_names.is_some())
    }

    /// Whether these keywords give a value its Rust type, `$ref` aside: a
    /// node with none of them but a `$ref` is the type it refers to. The
    /// other assertions narrow the values of a type, not its shape.
    pub fn shape_type(&self) -> bool {
        let Keywords {
            id: _,
            anchor: _,
            reference: _,
            defs: _,
            comment: _,
            all_of,
            any_of,
            one_of,
            not: _,
            if_: _,
            then_: _,
            else_: _,
            dependent_schemas: _,
            prefix_items,
            items,
            contains: _,
            properties,
            pattern_properties: _,
            additional_properties,
            property_names: _,
            types,
            enum_values,
            const_value,
            multiple_of: _,
            maximum: _,
            exclusive_maximum: _,
            minimum: _,
            exclusive_minimum: _,
            max_length: _,
            min_length: _,
            pattern: _,
            max_items: _,
            min_items: _,
            unique_items: _,
            max_contains: _,
            min_contains: _,
            max_properties: _,
            min_properties: _,
            required: _,
            dependent_required: _,
            format: _,
            content_encoding: _,
            content_media_type: _,
            title: _,
            description: _,
            default: _,
            examples: _,
            deprecated: _,
            read_only: _,
            write_only: _,
            discriminator: _,
            unresolved_ref: _,
        } = self;
        types.is_some()
            || !properties.is_empty()
            || additional_properties.is_some()
            || items.is_some()
            || !prefix_items.is_empty()
            || enum_values.is_some()
            || const_value.is_some()
            || !all_of.is_empty()
            || !any_of.is_empty()
            || !one_of.is_empty()
    }

    /// Whether these keywords allow `null` and nothing else the diff and
    /// the nullable folding look at: `type: null` with no reference, no
    /// properties and no alternatives (the other keywords say nothing of a
    /// `null`).
    pub fn only_null(&self) -> bool {
        let Keywords {
            id: _,
            anchor: _,
            reference,
            defs: _,
            comment: _,
            all_of,
            any_of,
            one_of,
            not: _,
            if_: _,
            then_: _,
            else_: _,
            dependent_schemas: _,
            prefix_items: _,
            items: _,
            contains: _,
            properties,
            pattern_properties: _,
            additional_properties: _,
            property_names: _,
            types,
            enum_values: _,
            const_value: _,
            multiple_of: _,
            maximum: _,
            exclusive_maximum: _,
            minimum: _,
            exclusive_minimum: _,
            max_length: _,
            min_length: _,
            pattern: _,
            max_items: _,
            min_items: _,
            unique_items: _,
            max_contains: _,
            min_contains: _,
            max_properties: _,
            min_properties: _,
            required: _,
            dependent_required: _,
            format: _,
            content_encoding: _,
            content_media_type: _,
            title: _,
            description: _,
            default: _,
            examples: _,
            deprecated: _,
            read_only: _,
            write_only: _,
            discriminator: _,
            unresolved_ref: _,
        } = self;
        types.as_deref() == Some(&[InstanceType::Null][..])
            && reference.is_none()
            && properties.is_empty()
            && any_of.is_empty()
            && one_of.is_empty()
            && all_of.is_empty()
    }
}

/// The envelope of a document `cargo xtask import` wrote: `x-provenance`
/// and `x-operations`.
pub use crate::schema_document::{Body, Operation, Provenance, RequestBody, Response};

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
}

impl ModelError {
    /// The keyword the error is about.
    pub fn keyword(&self) -> &str {
        match self {
            ModelError::Invalid { keyword, .. } | ModelError::Unsupported { keyword, .. } => {
                keyword
            }
            ModelError::UnresolvedRef { .. } => "$ref",
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

/// A JSON pointer as a URI fragment, the way errors show it.
pub fn display_pointer(pointer: &str) -> String {
    format!("#{pointer}")
}

/// Keywords of draft 2020-12 that change a verdict and that this project does
/// not implement. They are refused by name instead of being ignored.
const UNSUPPORTED: [(&str, &str); 5] = [
    ("$dynamicRef", "dynamic scopes are not implemented"),
    ("$recursiveRef", "it belongs to draft 2019-09"),
    (
        "unevaluatedProperties",
        "annotation-dependent evaluation is not implemented",
    ),
    (
        "unevaluatedItems",
        "annotation-dependent evaluation is not implemented",
    ),
    ("$vocabulary", "custom vocabularies are not implemented"),
];

impl Model {
    /// Parses a JSON Schema document.
    pub fn parse(document: &Value) -> Result<Model, ModelError> {
        let mut parser = Parser {
            document,
            nodes: Vec::new(),
            by_pointer: HashMap::new(),
            resources: HashMap::new(),
            anchors: HashMap::new(),
            pending_refs: Vec::new(),
            pending_mappings: Vec::new(),
        };
        let root = parser.parse_node(document, String::new(), DEFAULT_BASE)?;
        parser.resolve()?;
        let defs = match &parser.nodes[root.index()].kind {
            NodeKind::Schema(keywords) => keywords.defs.clone(),
            NodeKind::Bool(_) => Vec::new(),
        };
        let provenance = document
            .get("x-provenance")
            .map(parse_provenance)
            .transpose()?;
        let operations = match document.get("x-operations") {
            Some(ops) => parse_operations(ops)?,
            None => Vec::new(),
        };
        Ok(Model {
            nodes: parser.nodes,
            root,
            defs,
            provenance,
            operations,
        })
    }

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
        children
    }
}

/// The one dialect this project reads.
const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

const DEFAULT_BASE: &str = "urn:intercom-codegen:document";

struct Parser<'a> {
    document: &'a Value,
    nodes: Vec<Node>,
    by_pointer: HashMap<String, NodeId>,
    /// Absolute URI of each schema resource (without fragment) to its root pointer.
    resources: HashMap<String, String>,
    /// `uri#anchor` to the node that declares it.
    anchors: HashMap<String, NodeId>,
    /// `$ref`s to resolve once every node is known: (node, base URI, written reference).
    pending_refs: Vec<(NodeId, String, String)>,
    /// Discriminator mappings to resolve: (node, index in mapping, base URI, reference).
    pending_mappings: Vec<(NodeId, usize, String, String)>,
}

impl Parser<'_> {
    fn parse_node(
        &mut self,
        value: &Value,
        pointer: String,
        base: &str,
    ) -> Result<NodeId, ModelError> {
        if let Some(&existing) = self.by_pointer.get(&pointer) {
            return Ok(existing);
        }
        let id = NodeId(self.nodes.len() as u32);
        self.by_pointer.insert(pointer.clone(), id);
        let map = match value {
            Value::Bool(b) => {
                self.nodes.push(Node {
                    pointer,
                    kind: NodeKind::Bool(*b),
                });
                return Ok(id);
            }
            Value::Object(map) => map,
            _ => {
                return Err(ModelError::Invalid {
                    pointer,
                    keyword: "schema".into(),
                    expected: "a schema: an object or a boolean".into(),
                });
            }
        };
        self.nodes.push(Node {
            pointer: pointer.clone(),
            kind: NodeKind::Bool(true),
        });
        let mut k = Keywords::default();

        // `$id` changes the base URI for this node and everything below it.
        let mut base = base.to_string();
        if let Some(raw) = map.get("$id") {
            let written = expect_string(raw, &pointer, "$id")?;
            let resolved = resolve_uri(&base, written);
            let (resource, _) = split_fragment(&resolved);
            base = resource.to_string();
            self.resources.insert(base.clone(), pointer.clone());
            k.id = Some(written.to_string());
        } else if pointer.is_empty() {
            self.resources.insert(base.clone(), pointer.clone());
        }
        if let Some(raw) = map.get("$anchor") {
            let anchor = expect_string(raw, &pointer, "$anchor")?;
            self.anchors.insert(format!("{base}#{anchor}"), id);
            k.anchor = Some(anchor.to_string());
        }
        // Without `$dynamicRef`, a dynamic anchor is an ordinary anchor for `$ref`.
        if let Some(raw) = map.get("$dynamicAnchor") {
            let anchor = expect_string(raw, &pointer, "$dynamicAnchor")?;
            self.anchors.entry(format!("{base}#{anchor}")).or_insert(id);
        }

        for (keyword, reason) in UNSUPPORTED {
            if map.contains_key(keyword) {
                return Err(ModelError::Unsupported {
                    pointer: pointer.clone(),
                    keyword: keyword.into(),
                    reason: reason.into(),
                });
            }
        }

        let at = |keyword: &str| format!("{pointer}/{}", escape_pointer_token(keyword));
        for (keyword, raw) in map {
            match keyword.as_str() {
                "$ref" => {
                    let written = expect_string(raw, &pointer, keyword)?;
                    self.pending_refs
                        .push((id, base.clone(), written.to_string()));
                }
                "$defs" => k.defs = self.schema_map(raw, &at(keyword), &base, keyword)?,
                "$comment" => k.comment = Some(expect_string(raw, &pointer, keyword)?.to_string()),
                "allOf" => k.all_of = self.schema_list(raw, &at(keyword), &base, keyword)?,
                "anyOf" => k.any_of = self.schema_list(raw, &at(keyword), &base, keyword)?,
                "oneOf" => k.one_of = self.schema_list(raw, &at(keyword), &base, keyword)?,
                "not" => k.not = Some(self.parse_node(raw, at(keyword), &base)?),
                "if" => k.if_ = Some(self.parse_node(raw, at(keyword), &base)?),
                "then" => k.then_ = Some(self.parse_node(raw, at(keyword), &base)?),
                "else" => k.else_ = Some(self.parse_node(raw, at(keyword), &base)?),
                "dependentSchemas" => {
                    k.dependent_schemas = self.schema_map(raw, &at(keyword), &base, keyword)?
                }
                "prefixItems" => {
                    k.prefix_items = self.schema_list(raw, &at(keyword), &base, keyword)?
                }
                "items" => k.items = Some(self.parse_node(raw, at(keyword), &base)?),
                "contains" => k.contains = Some(self.parse_node(raw, at(keyword), &base)?),
                "properties" => {
                    k.properties = self.schema_map(raw, &at(keyword), &base, keyword)?
                }
                "patternProperties" => {
                    k.pattern_properties = self.schema_map(raw, &at(keyword), &base, keyword)?;
                    for (pattern, _) in &k.pattern_properties {
                        check_pattern(pattern, &at(keyword), keyword)?;
                    }
                }
                "additionalProperties" => {
                    k.additional_properties = Some(self.parse_node(raw, at(keyword), &base)?)
                }
                "propertyNames" => {
                    k.property_names = Some(self.parse_node(raw, at(keyword), &base)?)
                }
                "type" => k.types = Some(parse_types(raw, &pointer)?),
                "enum" => match raw {
                    Value::Array(values) => k.enum_values = Some(values.clone()),
                    _ => return Err(invalid(&pointer, keyword, "a list of values")),
                },
                "const" => k.const_value = Some(raw.clone()),
                "multipleOf" => {
                    let n = expect_number(raw, &pointer, keyword)?;
                    if n.as_f64().is_none_or(|f| f <= 0.0) {
                        return Err(invalid(&pointer, keyword, "a number greater than 0"));
                    }
                    k.multiple_of = Some(n);
                }
                "maximum" => k.maximum = Some(expect_number(raw, &pointer, keyword)?),
                "exclusiveMaximum" => {
                    k.exclusive_maximum = Some(expect_number(raw, &pointer, keyword)?)
                }
                "minimum" => k.minimum = Some(expect_number(raw, &pointer, keyword)?),
                "exclusiveMinimum" => {
                    k.exclusive_minimum = Some(expect_number(raw, &pointer, keyword)?)
                }
                "maxLength" => k.max_length = Some(expect_count(raw, &pointer, keyword)?),
                "minLength" => k.min_length = Some(expect_count(raw, &pointer, keyword)?),
                "pattern" => {
                    let pattern = expect_string(raw, &pointer, keyword)?;
                    check_pattern(pattern, &pointer, keyword)?;
                    k.pattern = Some(pattern.to_string());
                }
                "maxItems" => k.max_items = Some(expect_count(raw, &pointer, keyword)?),
                "minItems" => k.min_items = Some(expect_count(raw, &pointer, keyword)?),
                "uniqueItems" => k.unique_items = expect_bool(raw, &pointer, keyword)?,
                "maxContains" => k.max_contains = Some(expect_count(raw, &pointer, keyword)?),
                "minContains" => k.min_contains = Some(expect_count(raw, &pointer, keyword)?),
                "maxProperties" => k.max_properties = Some(expect_count(raw, &pointer, keyword)?),
                "minProperties" => k.min_properties = Some(expect_count(raw, &pointer, keyword)?),
                "required" => k.required = expect_strings(raw, &pointer, keyword)?,
                "dependentRequired" => {
                    let Value::Object(entries) = raw else {
                        return Err(invalid(
                            &pointer,
                            keyword,
                            "an object of property name lists",
                        ));
                    };
                    for (name, names) in entries {
                        k.dependent_required
                            .push((name.clone(), expect_strings(names, &at(keyword), name)?));
                    }
                }
                "format" => k.format = Some(expect_string(raw, &pointer, keyword)?.to_string()),
                "contentEncoding" => {
                    k.content_encoding = Some(expect_string(raw, &pointer, keyword)?.to_string())
                }
                "contentMediaType" => {
                    k.content_media_type = Some(expect_string(raw, &pointer, keyword)?.to_string())
                }
                "title" => k.title = Some(expect_string(raw, &pointer, keyword)?.to_string()),
                "description" => {
                    k.description = Some(expect_string(raw, &pointer, keyword)?.to_string())
                }
                "default" => k.default = Some(raw.clone()),
                "examples" => match raw {
                    Value::Array(values) => k.examples = values.clone(),
                    _ => return Err(invalid(&pointer, keyword, "a list of values")),
                },
                "deprecated" => k.deprecated = expect_bool(raw, &pointer, keyword)?,
                "readOnly" => k.read_only = expect_bool(raw, &pointer, keyword)?,
                "writeOnly" => k.write_only = expect_bool(raw, &pointer, keyword)?,
                "discriminator" => {
                    k.discriminator = Some(self.discriminator(raw, id, &at(keyword), &base)?)
                }
                "x-unresolved-ref" => {
                    k.unresolved_ref = Some(expect_string(raw, &pointer, keyword)?.to_string())
                }
                "$schema" => {
                    let dialect = expect_string(raw, &pointer, keyword)?;
                    if dialect.trim_end_matches('#') != DRAFT_2020_12 {
                        return Err(ModelError::Unsupported {
                            pointer,
                            keyword: keyword.to_owned(),
                            reason: format!(
                                "only the draft 2020-12 dialect ({DRAFT_2020_12}) is implemented, not {dialect}"
                            ),
                        });
                    }
                }
                // Identity keywords, read above.
                "$id" | "$anchor" | "$dynamicAnchor" => {}
                // Anything else is an annotation with no effect on validation
                // (draft 2020-12 requires unknown keywords to be ignored).
                _ => {}
            }
        }
        self.nodes[id.index()].kind = NodeKind::Schema(Box::new(k));
        Ok(id)
    }

    fn schema_list(
        &mut self,
        raw: &Value,
        pointer: &str,
        base: &str,
        keyword: &str,
    ) -> Result<Vec<NodeId>, ModelError> {
        let Value::Array(items) = raw else {
            return Err(invalid(
                parent(pointer),
                keyword,
                "a non-empty list of schemas",
            ));
        };
        if items.is_empty() {
            return Err(invalid(
                parent(pointer),
                keyword,
                "a non-empty list of schemas",
            ));
        }
        items
            .iter()
            .enumerate()
            .map(|(i, item)| self.parse_node(item, format!("{pointer}/{i}"), base))
            .collect()
    }

    fn schema_map(
        &mut self,
        raw: &Value,
        pointer: &str,
        base: &str,
        keyword: &str,
    ) -> Result<Vec<(String, NodeId)>, ModelError> {
        let Value::Object(entries) = raw else {
            return Err(invalid(
                parent(pointer),
                keyword,
                "an object whose values are schemas",
            ));
        };
        let mut parsed = Vec::with_capacity(entries.len());
        for (name, value) in entries {
            let id = self.parse_node(
                value,
                format!("{pointer}/{}", escape_pointer_token(name)),
                base,
            )?;
            parsed.push((name.clone(), id));
        }
        Ok(parsed)
    }

    fn discriminator(
        &mut self,
        raw: &Value,
        id: NodeId,
        pointer: &str,
        base: &str,
    ) -> Result<Discriminator, ModelError> {
        let property_name = raw
            .get("propertyName")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                invalid(
                    pointer,
                    "propertyName",
                    "the name of the discriminating property",
                )
            })?
            .to_string();
        let mut mapping = Vec::new();
        if let Some(entries) = raw.get("mapping") {
            let Value::Object(entries) = entries else {
                return Err(invalid(
                    pointer,
                    "mapping",
                    "an object of values to schema references",
                ));
            };
            for (index, (tag, target)) in entries.iter().enumerate() {
                let target = expect_string(target, &format!("{pointer}/mapping"), tag)?;
                self.pending_mappings
                    .push((id, index, base.to_string(), target.to_string()));
                // Placeholder until resolution; every entry is replaced.
                mapping.push((tag.clone(), id));
            }
        }
        Ok(Discriminator {
            property_name,
            mapping,
        })
    }

    fn resolve(&mut self) -> Result<(), ModelError> {
        for (id, base, written) in std::mem::take(&mut self.pending_refs) {
            let pointer = self.nodes[id.index()].pointer.clone();
            let target = self.lookup(&base, &written, &format!("{pointer}/$ref"))?;
            if let NodeKind::Schema(k) = &mut self.nodes[id.index()].kind {
                k.reference = Some(Reference { written, target });
            }
        }
        for (id, index, base, written) in std::mem::take(&mut self.pending_mappings) {
            let pointer = format!("{}/discriminator/mapping", self.nodes[id.index()].pointer);
            let target = self.lookup(&base, &written, &pointer)?;
            if let NodeKind::Schema(k) = &mut self.nodes[id.index()].kind
                && let Some(discriminator) = &mut k.discriminator
            {
                discriminator.mapping[index].1 = target;
            }
        }
        // Targets parsed during lookup may hold references of their own.
        if !self.pending_refs.is_empty() {
            return self.resolve();
        }
        Ok(())
    }

    /// Finds the node a reference points to, parsing it if it stands somewhere
    /// no schema keyword reached (inside an unknown keyword, say).
    fn lookup(&mut self, base: &str, written: &str, at: &str) -> Result<NodeId, ModelError> {
        let resolved = resolve_uri(base, written);
        let (resource, fragment) = split_fragment(&resolved);
        let unresolved = || ModelError::UnresolvedRef {
            pointer: at.to_string(),
            reference: written.to_string(),
        };
        let Some(root_pointer) = self.resources.get(resource).cloned() else {
            let remote = !resource.starts_with(DEFAULT_BASE);
            return Err(if remote {
                ModelError::Unsupported {
                    pointer: at.to_string(),
                    keyword: "$ref".into(),
                    reason: format!(
                        "`{written}` points into another document; only references within the document are supported"
                    ),
                }
            } else {
                unresolved()
            });
        };
        let fragment = percent_decode(fragment.unwrap_or(""));
        if !fragment.is_empty() && !fragment.starts_with('/') {
            return self
                .anchors
                .get(&format!("{resource}#{fragment}"))
                .copied()
                .ok_or_else(unresolved);
        }
        let pointer = format!("{root_pointer}{fragment}");
        if let Some(&id) = self.by_pointer.get(&pointer) {
            return Ok(id);
        }
        let value = self.document.pointer(&pointer).ok_or_else(unresolved)?;
        if !(value.is_object() || value.is_boolean()) {
            return Err(unresolved());
        }
        self.parse_node(value, pointer, resource)
    }
}

fn parent(pointer: &str) -> &str {
    pointer.rfind('/').map_or("", |slash| &pointer[..slash])
}

fn invalid(pointer: &str, keyword: &str, expected: &str) -> ModelError {
    ModelError::Invalid {
        pointer: pointer.to_string(),
        keyword: keyword.to_string(),
        expected: expected.to_string(),
    }
}

fn expect_string<'v>(raw: &'v Value, pointer: &str, keyword: &str) -> Result<&'v str, ModelError> {
    raw.as_str()
        .ok_or_else(|| invalid(pointer, keyword, "a string"))
}

fn expect_bool(raw: &Value, pointer: &str, keyword: &str) -> Result<bool, ModelError> {
    raw.as_bool()
        .ok_or_else(|| invalid(pointer, keyword, "true or false"))
}

fn expect_number(raw: &Value, pointer: &str, keyword: &str) -> Result<Number, ModelError> {
    match raw {
        Value::Number(n) => Ok(n.clone()),
        _ => Err(invalid(pointer, keyword, "a number")),
    }
}

/// A non-negative integer; `2.0` counts as `2`, as the specification allows.
fn expect_count(raw: &Value, pointer: &str, keyword: &str) -> Result<u64, ModelError> {
    let expected = || invalid(pointer, keyword, "a non-negative integer");
    match raw {
        Value::Number(n) => match n.as_u64() {
            Some(count) => Ok(count),
            None => match n.as_f64() {
                Some(f) if f >= 0.0 && f.fract() == 0.0 && f < u64::MAX as f64 => Ok(f as u64),
                _ => Err(expected()),
            },
        },
        _ => Err(expected()),
    }
}

fn expect_strings(raw: &Value, pointer: &str, keyword: &str) -> Result<Vec<String>, ModelError> {
    let expected = || invalid(pointer, keyword, "a list of strings");
    let Value::Array(items) = raw else {
        return Err(expected());
    };
    items
        .iter()
        .map(|item| item.as_str().map(str::to_string).ok_or_else(expected))
        .collect()
}

fn parse_types(raw: &Value, pointer: &str) -> Result<Vec<InstanceType>, ModelError> {
    let expected = || {
        invalid(
            pointer,
            "type",
            "a JSON type name or a list of them (null, boolean, object, array, number, string, integer)",
        )
    };
    match raw {
        Value::String(name) => Ok(vec![InstanceType::parse(name).ok_or_else(expected)?]),
        Value::Array(names) => names
            .iter()
            .map(|name| {
                name.as_str()
                    .and_then(InstanceType::parse)
                    .ok_or_else(expected)
            })
            .collect(),
        _ => Err(expected()),
    }
}

/// Refuses patterns our validators could not run, at parse time, with the
/// place they stand.
fn check_pattern(pattern: &str, pointer: &str, keyword: &str) -> Result<(), ModelError> {
    match regex::Regex::new(&crate::pattern::translate(pattern)) {
        Ok(_) => Ok(()),
        Err(error) => Err(ModelError::Unsupported {
            pointer: pointer.to_string(),
            keyword: keyword.to_string(),
            reason: format!("the regular expression `{pattern}` cannot be compiled: {error}"),
        }),
    }
}

fn parse_provenance(raw: &Value) -> Result<Provenance, ModelError> {
    serde::Deserialize::deserialize(raw).map_err(|error| {
        invalid(
            "",
            "x-provenance",
            &format!("the provenance `cargo xtask import` writes ({error})"),
        )
    })
}

fn parse_operations(raw: &Value) -> Result<Vec<Operation>, ModelError> {
    let Value::Array(entries) = raw else {
        return Err(invalid("", "x-operations", "a list of operations"));
    };
    let mut operations = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let mut operation: Operation = serde::Deserialize::deserialize(entry).map_err(|error| {
            invalid(
                &format!("/x-operations/{i}"),
                "x-operations",
                &format!("an operation as `cargo xtask import` writes it ({error})"),
            )
        })?;
        // Documents imported before every operation had an id: the same
        // derivation as import's.
        if entry.get("operation_id").is_none() {
            operation.operation_id =
                crate::schema_document::derived_operation_id(&operation.method, &operation.path);
            operation.operation_id_derived = true;
        }
        operations.push(operation);
    }
    Ok(operations)
}

// ---------------------------------------------------------------------------
// URIs: just enough of RFC 3986 to resolve `$ref` against `$id`.

fn split_fragment(uri: &str) -> (&str, Option<&str>) {
    match uri.find('#') {
        Some(hash) => (&uri[..hash], Some(&uri[hash + 1..])),
        None => (uri, None),
    }
}

fn has_scheme(uri: &str) -> bool {
    let Some(colon) = uri.find(':') else {
        return false;
    };
    let scheme = &uri[..colon];
    !scheme.is_empty()
        && scheme.as_bytes()[0].is_ascii_alphabetic()
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// Resolves `reference` against `base` (RFC 3986, section 5.2).
pub fn resolve_uri(base: &str, reference: &str) -> String {
    if has_scheme(reference) {
        return remove_dot_segments_in(reference);
    }
    let (base_resource, _) = split_fragment(base);
    if reference.is_empty() {
        return base_resource.to_string();
    }
    if reference.starts_with('#') {
        return format!("{base_resource}{reference}");
    }
    let scheme_end = base_resource.find(':').map_or(0, |c| c + 1);
    let scheme = &base_resource[..scheme_end];
    let rest = &base_resource[scheme_end..];
    if let Some(authority_ref) = reference.strip_prefix("//") {
        return format!("{scheme}//{authority_ref}");
    }
    let (authority, path) = match rest.strip_prefix("//") {
        Some(after) => match after.find('/') {
            Some(slash) => (&rest[..slash + 2], &after[slash..]),
            None => (rest, ""),
        },
        None => ("", rest),
    };
    let path = path.split(['?']).next().unwrap_or("");
    let merged = if reference.starts_with('/') {
        reference.to_string()
    } else if reference.starts_with('?') {
        format!("{path}{reference}")
    } else if !authority.is_empty() && path.is_empty() {
        format!("/{reference}")
    } else {
        match path.rfind('/') {
            Some(slash) => format!("{}{reference}", &path[..=slash]),
            None => reference.to_string(),
        }
    };
    format!("{scheme}{authority}{}", remove_dot_segments(&merged))
}

fn remove_dot_segments_in(uri: &str) -> String {
    let scheme_end = uri.find(':').map_or(0, |c| c + 1);
    let (scheme, rest) = uri.split_at(scheme_end);
    let Some(after) = rest.strip_prefix("//") else {
        return uri.to_string();
    };
    let (authority, path) = match after.find('/') {
        Some(slash) => (&after[..slash], &after[slash..]),
        None => return uri.to_string(),
    };
    format!("{scheme}//{authority}{}", remove_dot_segments(path))
}

fn remove_dot_segments(path: &str) -> String {
    let (path, suffix) = match path.find(['#', '?']) {
        Some(i) => path.split_at(i),
        None => (path, ""),
    };
    if !path.contains("./") && !path.ends_with("/.") && !path.ends_with("/..") {
        return format!("{path}{suffix}");
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "." => {}
            ".." => {
                if segments.len() > 1 {
                    segments.pop();
                }
            }
            _ => segments.push(segment),
        }
    }
    let mut joined = segments.join("/");
    if path.ends_with("/.") || path.ends_with("/..") {
        joined.push('/');
    }
    format!("{joined}{suffix}")
}

/// The `$defs` name a `#/$defs/NAME` reference points at.
pub fn def_name(reference: &str) -> Option<String> {
    let name = reference.strip_prefix("#/$defs/")?;
    (!name.contains('/')).then(|| unescape_pointer_token(name))
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

/// Reads a value as an object, for callers that build schemas by hand.
pub fn as_object(value: &Value) -> Option<&Map<String, Value>> {
    value.as_object()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_resolve_forwards_and_in_cycles() {
        let model = Model::parse(&json!({
            "$defs": {
                "a": {"properties": {"next": {"$ref": "#/$defs/b"}}},
                "b": {"properties": {"back": {"$ref": "#/$defs/a"}}}
            }
        }))
        .unwrap();
        let a = model.def("a").unwrap();
        let b = model.def("b").unwrap();
        let next = model.keywords(a).unwrap().properties[0].1;
        assert_eq!(
            model
                .keywords(next)
                .unwrap()
                .reference
                .as_ref()
                .unwrap()
                .target,
            b
        );
        let back = model.keywords(b).unwrap().properties[0].1;
        assert_eq!(
            model
                .keywords(back)
                .unwrap()
                .reference
                .as_ref()
                .unwrap()
                .target,
            a
        );
    }

    #[test]
    fn ids_and_anchors_scope_references() {
        let model = Model::parse(&json!({
            "$id": "http://example.com/root.json",
            "$defs": {
                "a": {"$id": "folder/", "$defs": {"b": {"$anchor": "here", "type": "integer"}}},
                "use": {"$ref": "folder/#here"},
                "byPointer": {"$ref": "folder/#/$defs/b"}
            }
        }))
        .unwrap();
        let b = model.at_pointer("/$defs/a/$defs/b").unwrap();
        for name in ["use", "byPointer"] {
            let node = model.def(name).unwrap();
            assert_eq!(
                model
                    .keywords(node)
                    .unwrap()
                    .reference
                    .as_ref()
                    .unwrap()
                    .target,
                b,
                "{name}"
            );
        }
    }

    #[test]
    fn references_into_unknown_keywords_are_parsed_on_demand() {
        let model =
            Model::parse(&json!({"x-elsewhere": {"type": "string"}, "$ref": "#/x-elsewhere"}))
                .unwrap();
        let target = model
            .keywords(model.root)
            .unwrap()
            .reference
            .as_ref()
            .unwrap()
            .target;
        assert_eq!(model.node(target).pointer, "/x-elsewhere");
    }

    #[test]
    fn unsupported_keywords_are_refused_with_their_place() {
        let error =
            Model::parse(&json!({"$defs": {"a": {"unevaluatedProperties": false}}})).unwrap_err();
        assert_eq!(
            error.to_string(),
            "#/$defs/a: the keyword `unevaluatedProperties` is not supported: annotation-dependent evaluation is not implemented"
        );
    }

    #[test]
    fn dangling_references_are_errors() {
        let error =
            Model::parse(&json!({"properties": {"a": {"$ref": "#/$defs/missing"}}})).unwrap_err();
        assert_eq!(
            error.to_string(),
            "#/properties/a/$ref: `$ref` `#/$defs/missing` points to nothing in this document"
        );
    }

    #[test]
    fn counts_accept_integral_floats() {
        let model = Model::parse(&json!({"maxLength": 2.0})).unwrap();
        assert_eq!(model.keywords(model.root).unwrap().max_length, Some(2));
        assert!(Model::parse(&json!({"maxLength": 2.5})).is_err());
    }

    #[test]
    fn uris_resolve_per_rfc_3986() {
        assert_eq!(resolve_uri("http://a/b/c/d;p?q", "g"), "http://a/b/c/g");
        assert_eq!(resolve_uri("http://a/b/c/d;p?q", "../g"), "http://a/b/g");
        assert_eq!(resolve_uri("http://a/b/c/d", "/g"), "http://a/g");
        assert_eq!(resolve_uri("http://a/b/c/d", "#f"), "http://a/b/c/d#f");
        assert_eq!(resolve_uri("urn:x:y", "#/a"), "urn:x:y#/a");
        assert_eq!(resolve_uri("http://a", "b.json"), "http://a/b.json");
    }
}
