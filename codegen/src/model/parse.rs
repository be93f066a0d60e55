//! Parsing a document into the model, in two phases: every schema node gets
//! its id, base URI and anchors, then every `$ref` is resolved against them.

use std::collections::HashMap;

use serde_json::{Number, Value};

use super::uri::{has_scheme, relative_to, resolve_uri, split_fragment};
use super::vocabulary::Vocabularies;
use super::{
    Discriminator, DynamicReference, InstanceType, Keywords, Model, ModelError, Node, NodeId,
    NodeKind, Reference, Registry,
};
use crate::source::{escape_pointer_token, percent_decode};

/// Keywords of draft 2020-12 that change a verdict and that this project does
/// not implement. They are refused by name instead of being ignored.
const UNSUPPORTED: [(&str, &str); 1] = [("$recursiveRef", "it belongs to draft 2019-09")];

impl Model {
    /// Parses a JSON Schema document that references no other document.
    pub fn parse(document: &Value) -> Result<Model, ModelError> {
        Model::parse_with(document, None, &Registry::new())
    }

    /// Parses a JSON Schema document retrieved from `uri` (an absolute URI,
    /// the base of its relative references unless its root has an `$id`),
    /// whose `$ref`s and `$schema` may name the documents of `registry`.
    /// The nodes of those documents reached from this one join the model;
    /// their pointers say which document they stand in.
    pub fn parse_with(
        document: &Value,
        uri: Option<&str>,
        registry: &Registry,
    ) -> Result<Model, ModelError> {
        let main_uri = uri.unwrap_or(DEFAULT_BASE);
        if !has_scheme(main_uri) || main_uri.contains('#') {
            return Err(invalid(
                "",
                "$id",
                &format!("an absolute URI without a fragment for the document, not `{main_uri}`"),
            ));
        }
        let mut parser = Parser {
            document,
            registry,
            main_uri: main_uri.to_owned(),
            documents: HashMap::new(),
            roots: HashMap::from([(String::new(), main_uri.to_owned())]),
            vocabularies: Vocabularies::ALL,
            dialects: Vec::new(),
            nodes: Vec::new(),
            by_pointer: HashMap::new(),
            resources: HashMap::new(),
            anchors: HashMap::new(),
            dynamic_anchors: Vec::new(),
            pending_refs: Vec::new(),
            pending_dynamic_refs: Vec::new(),
            pending_mappings: Vec::new(),
        };
        let root = parser.parse_node(document, String::new(), main_uri)?;
        parser.resolve()?;
        let scope_resources = parser.resolve_dynamic()?;
        if let Some(looping) = dynamic_loop(&parser.nodes) {
            return Err(invalid(
                &parser.nodes[looping.index()].pointer,
                "$dynamicRef",
                "a target that does not apply this schema again to the same value (an endless loop)",
            ));
        }
        let defs = match &parser.nodes[root.index()].kind {
            NodeKind::Schema(keywords) => keywords.defs.clone(),
            NodeKind::Bool(_) => Vec::new(),
        };
        let (provenance, operations) = super::operations::read(document)?;
        Ok(Model {
            nodes: parser.nodes,
            root,
            defs,
            provenance,
            operations,
            scope_resources,
        })
    }
}

/// The retrieval URI of a document parsed without one.
const DEFAULT_BASE: &str = "urn:intercom-codegen:document";

struct Parser<'a> {
    /// The document being parsed; its pointers are plain JSON pointers.
    document: &'a Value,
    registry: &'a Registry,
    main_uri: String,
    /// The other documents reached so far, by the prefix of their nodes'
    /// pointers (`other.json#`, or an absolute `http://host/other.json#`).
    documents: HashMap<String, &'a Value>,
    /// The pointer of each document's root to its retrieval URI.
    roots: HashMap<String, String>,
    /// The vocabularies of the schema being parsed, from the nearest `$schema`.
    vocabularies: Vocabularies,
    /// The vocabularies each node was parsed with, by [`NodeId`].
    dialects: Vec<Vocabularies>,
    nodes: Vec<Node>,
    by_pointer: HashMap<String, NodeId>,
    /// Absolute URI of each schema resource (without fragment) to its root pointer.
    resources: HashMap<String, String>,
    /// `uri#anchor` to the node that declares it.
    anchors: HashMap<String, NodeId>,
    /// Every `$dynamicAnchor`: (its name, the root of its resource, the node).
    dynamic_anchors: Vec<(String, NodeId, NodeId)>,
    /// `$ref`s to resolve once every node is known: (node, base URI, written reference).
    pending_refs: Vec<(NodeId, String, String)>,
    /// `$dynamicRef`s, the same, resolved once every `$ref` is.
    pending_dynamic_refs: Vec<(NodeId, String, String)>,
    /// Discriminator mappings to resolve: (node, index in mapping, base URI, reference).
    pending_mappings: Vec<(NodeId, usize, String, String)>,
}

impl<'a> Parser<'a> {
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
        // A document's root is the resource it was retrieved as, whatever its `$id`.
        if let Some(uri) = self.roots.get(&pointer).cloned() {
            self.resources.insert(uri, pointer.clone());
        }
        let map = match value {
            Value::Bool(b) => {
                let resource = self.resource_of(base, id);
                self.nodes.push(Node {
                    pointer,
                    kind: NodeKind::Bool(*b),
                    resource,
                });
                self.dialects.push(self.vocabularies);
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
            resource: id,
        });
        let mut k = Keywords::default();

        // `$schema` chooses the vocabularies of this node and everything below it.
        let outer_vocabularies = self.vocabularies;
        if let Some(raw) = map.get("$schema") {
            let dialect = expect_string(raw, &pointer, "$schema")?;
            self.vocabularies = Vocabularies::of_dialect(dialect, self.registry, &pointer)?;
        }
        self.dialects.push(self.vocabularies);

        // `$id` changes the base URI for this node and everything below it.
        let mut base = base.to_string();
        if let Some(raw) = map.get("$id") {
            let written = expect_string(raw, &pointer, "$id")?;
            let resolved = resolve_uri(&base, written);
            let (resource, _) = split_fragment(&resolved);
            base = resource.to_string();
            self.resources.insert(base.clone(), pointer.clone());
            k.id = Some(written.to_string());
        }
        self.nodes[id.index()].resource = self.resource_of(&base, id);
        if let Some(raw) = map.get("$anchor") {
            let anchor = expect_string(raw, &pointer, "$anchor")?;
            self.anchors.insert(format!("{base}#{anchor}"), id);
            k.anchor = Some(anchor.to_string());
        }
        // A dynamic anchor is also an ordinary anchor, for `$ref`.
        if let Some(raw) = map.get("$dynamicAnchor") {
            let anchor = expect_string(raw, &pointer, "$dynamicAnchor")?;
            self.anchors.entry(format!("{base}#{anchor}")).or_insert(id);
            let resource = self.nodes[id.index()].resource;
            self.dynamic_anchors
                .push((anchor.to_string(), resource, id));
            k.dynamic_anchor = Some(anchor.to_string());
        }

        for (keyword, reason) in UNSUPPORTED {
            if map.contains_key(keyword) && self.vocabularies.enables(keyword) {
                return Err(ModelError::Unsupported {
                    pointer: pointer.clone(),
                    keyword: keyword.into(),
                    reason: reason.into(),
                });
            }
        }

        let at = |keyword: &str| format!("{pointer}/{}", escape_pointer_token(keyword));
        for (keyword, raw) in map {
            // Outside the dialect's vocabularies, a keyword is an unknown one.
            if !self.vocabularies.enables(keyword) {
                continue;
            }
            match keyword.as_str() {
                "$ref" => {
                    let written = expect_string(raw, &pointer, keyword)?;
                    self.pending_refs
                        .push((id, base.clone(), written.to_string()));
                }
                "$dynamicRef" => {
                    let written = expect_string(raw, &pointer, keyword)?;
                    self.pending_dynamic_refs
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
                "unevaluatedItems" => {
                    k.unevaluated_items = Some(self.parse_node(raw, at(keyword), &base)?)
                }
                "unevaluatedProperties" => {
                    k.unevaluated_properties = Some(self.parse_node(raw, at(keyword), &base)?)
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
                // Read above, before the keywords it switches on or off.
                "$schema" => {}
                // Identity keywords, read above.
                "$id" | "$anchor" | "$dynamicAnchor" => {}
                // Anything else is an annotation with no effect on validation
                // (draft 2020-12 requires unknown keywords to be ignored).
                _ => {}
            }
        }
        self.nodes[id.index()].kind = NodeKind::Schema(Box::new(k));
        self.vocabularies = outer_vocabularies;
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

    /// The root of the resource whose base URI is `base`.
    fn resource_of(&self, base: &str, fallback: NodeId) -> NodeId {
        self.resources
            .get(base)
            .and_then(|pointer| self.by_pointer.get(pointer))
            .copied()
            .unwrap_or(fallback)
    }

    /// Resolves each `$dynamicRef` as a `$ref` would, then, where its first
    /// target declares the `$dynamicAnchor` its fragment names, lists every
    /// resource that declares that anchor: those enter the dynamic scope.
    fn resolve_dynamic(&mut self) -> Result<std::collections::BTreeSet<NodeId>, ModelError> {
        let mut resolved = Vec::new();
        // A target parsed here may hold references of its own.
        while !self.pending_dynamic_refs.is_empty() {
            for (id, base, written) in std::mem::take(&mut self.pending_dynamic_refs) {
                let pointer = self.nodes[id.index()].pointer.clone();
                let target = self.lookup(&base, &written, &format!("{pointer}/$dynamicRef"))?;
                resolved.push((id, written, target));
            }
            self.resolve()?;
        }
        let mut scope_resources = std::collections::BTreeSet::new();
        for (id, written, target) in resolved {
            let (_, fragment) = split_fragment(&written);
            let anchor = fragment.filter(|f| !f.is_empty() && !f.starts_with('/'));
            let bookended = anchor.is_some_and(|anchor| {
                matches!(&self.nodes[target.index()].kind,
                    NodeKind::Schema(k) if k.dynamic_anchor.as_deref() == Some(anchor))
            });
            let mut dynamic: Vec<(NodeId, NodeId)> = Vec::new();
            if bookended && let Some(anchor) = anchor {
                for (name, resource, node) in &self.dynamic_anchors {
                    if name == anchor && !dynamic.iter().any(|(r, _)| r == resource) {
                        dynamic.push((*resource, *node));
                    }
                }
                dynamic.sort();
                scope_resources.extend(dynamic.iter().map(|(resource, _)| *resource));
            }
            if let NodeKind::Schema(k) = &mut self.nodes[id.index()].kind {
                k.dynamic_reference = Some(DynamicReference {
                    written,
                    target,
                    dynamic,
                });
            }
        }
        Ok(scope_resources)
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
    /// no schema keyword reached (inside an unknown keyword, say), and
    /// parsing the registered document it points into the first time.
    fn lookup(&mut self, base: &str, written: &str, at: &str) -> Result<NodeId, ModelError> {
        let resolved = resolve_uri(base, written);
        let (resource, fragment) = split_fragment(&resolved);
        if !self.resources.contains_key(resource) {
            self.load(resource, written, at)?;
        }
        let root_pointer = self.resources.get(resource).cloned();
        let in_main = root_pointer
            .as_ref()
            .is_none_or(|p| p.is_empty() || p.starts_with('/'));
        let unresolved = || {
            if in_main {
                ModelError::UnresolvedRef {
                    pointer: at.to_string(),
                    reference: written.to_string(),
                }
            } else {
                ModelError::UnresolvedInDocument {
                    pointer: at.to_string(),
                    reference: written.to_string(),
                    uri: resource.to_string(),
                }
            }
        };
        let root_pointer = root_pointer.ok_or_else(unresolved)?;
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
        let value = self.value_at(&pointer).ok_or_else(unresolved)?;
        if !(value.is_object() || value.is_boolean()) {
            return Err(unresolved());
        }
        // The vocabularies of the resource the node stands in.
        let outer_vocabularies = self.vocabularies;
        if let Some(&root) = self.by_pointer.get(&root_pointer)
            && let Some(&vocabularies) = self.dialects.get(root.index())
        {
            self.vocabularies = vocabularies;
        }
        let parsed = self.parse_node(value, pointer, resource);
        self.vocabularies = outer_vocabularies;
        parsed
    }

    /// Parses the registered document `resource` names, from its root, so
    /// that its `$id`s and anchors are known; an error naming `resource`
    /// when nothing registers it.
    fn load(&mut self, resource: &str, written: &str, at: &str) -> Result<(), ModelError> {
        let Some((uri, document)) = self.registry.get(resource) else {
            return Err(ModelError::UnknownDocument {
                pointer: at.to_string(),
                reference: written.to_string(),
                uri: resource.to_string(),
            });
        };
        let prefix = format!("{}#", relative_to(&self.main_uri, uri));
        if self.documents.contains_key(&prefix) {
            // Parsed already, and `resource` is none of its resources.
            return Ok(());
        }
        self.documents.insert(prefix.clone(), document);
        self.roots.insert(prefix.clone(), uri.to_owned());
        // A document's dialect is its own, not the referring one's.
        let outer_vocabularies = std::mem::replace(&mut self.vocabularies, Vocabularies::ALL);
        let parsed = self.parse_node(document, prefix, uri);
        self.vocabularies = outer_vocabularies;
        parsed.map(|_| ())
    }

    /// The JSON at a node's pointer, in whichever document it names.
    fn value_at(&self, pointer: &str) -> Option<&'a Value> {
        if pointer.is_empty() || pointer.starts_with('/') {
            return self.document.pointer(pointer);
        }
        let hash = pointer.find('#')?;
        let (prefix, fragment) = pointer.split_at(hash + 1);
        self.documents.get(prefix)?.pointer(fragment)
    }
}

/// A schema whose `$dynamicRef` comes back to it through subschemas applied
/// to the same value (`$ref`, `$dynamicRef`, `allOf`, `not`, `if`, …):
/// checking a value against it would never end, and its validator would
/// call itself unconditionally. Loops of `$ref` alone are refused where the
/// types are planned, which does not follow `$dynamicRef`.
fn dynamic_loop(nodes: &[Node]) -> Option<NodeId> {
    let in_place = |node: NodeId| -> Vec<NodeId> {
        let NodeKind::Schema(k) = &nodes[node.index()].kind else {
            return Vec::new();
        };
        let mut children = k.annotating_subschemas(true);
        children.extend(k.not);
        children
    };
    (0..nodes.len())
        .map(|index| NodeId(index as u32))
        .find(|&start| {
            let NodeKind::Schema(k) = &nodes[start.index()].kind else {
                return false;
            };
            let Some(reference) = &k.dynamic_reference else {
                return false;
            };
            let mut seen = std::collections::HashSet::new();
            let mut stack = vec![reference.target];
            stack.extend(reference.dynamic.iter().map(|(_, target)| *target));
            while let Some(node) = stack.pop() {
                if node == start {
                    return true;
                }
                if seen.insert(node) {
                    stack.extend(in_place(node));
                }
            }
            false
        })
}

fn parent(pointer: &str) -> &str {
    pointer.rfind('/').map_or("", |slash| &pointer[..slash])
}

pub(super) fn invalid(pointer: &str, keyword: &str, expected: &str) -> ModelError {
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
