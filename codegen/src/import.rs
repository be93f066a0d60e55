//! The first pass: an OpenAPI 3.0 reference in, a JSON Schema draft 2020-12
//! document out (what `schema/` holds).
//!
//! The output has one `$defs` entry per component schema, named as the
//! reference names it, and one per inline request or response body, named
//! `<operationId>_request` and `<operationId>_response_<status>`. It records
//! its provenance (`x-provenance`) and the operations it covers
//! (`x-operations`).

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::{Path, PathBuf};

use heck::ToSnakeCase;
use serde_json::{Map, Value, json};

use crate::source::{
    Document, Position, escape_pointer_token, percent_decode, unescape_pointer_token,
};

/// The name of the file `import` writes into its output directory.
pub const SCHEMA_FILE: &str = "intercom.schema.json";

const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// What to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every component schema and every inline body of every operation.
    All,
    /// These schema names or operationIds, and everything they reference.
    Names(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct Options {
    pub selection: Selection,
    /// Turn an unresolvable `$ref` into an error instead of a warning.
    pub strict: bool,
}

/// The result of an import: the document for `schema/`, plus what the
/// reference holds beside it that later checks need.
#[derive(Debug, Clone)]
pub struct Imported {
    pub schema: Value,
    pub warnings: Vec<Warning>,
    /// Request and response examples of the operations, with the `$defs`
    /// entry each one is bound to.
    pub examples: Vec<BoundExample>,
    /// For every schema node of the output, by its JSON pointer in the output,
    /// the JSON pointer of the reference node it was derived from.
    pub origins: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BoundExample {
    /// The `$defs` entry the example must be valid against.
    pub schema: String,
    /// Where the example's value stands in the reference.
    pub pointer: String,
    pub position: Option<Position>,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub path: PathBuf,
    pub position: Option<Position>,
    pub pointer: String,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(position) = self.position {
            write!(f, ":{position}")?;
        }
        write!(
            f,
            ": {} (at {})",
            self.message,
            display_pointer(&self.pointer)
        )
    }
}

fn display_pointer(pointer: &str) -> String {
    format!("#{pointer}")
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}{}: {message}", path.display(), at(position))]
    Unsupported {
        path: PathBuf,
        position: Option<Position>,
        message: String,
    },
    #[error("{}{}: {expected} at {}", path.display(), at(position), display_pointer(pointer))]
    Malformed {
        path: PathBuf,
        position: Option<Position>,
        pointer: String,
        expected: String,
    },
    #[error("{}: unknown schema or operationId `{name}`{}", path.display(), suggest(suggestions))]
    UnknownName {
        path: PathBuf,
        name: String,
        suggestions: Vec<String>,
    },
    #[error(
        "{}{}: unresolved $ref `{reference}` at {}: the reference defines nothing there (without --strict this is a warning, and the schema accepts any value)",
        path.display(),
        at(position),
        display_pointer(pointer)
    )]
    UnresolvedRef {
        path: PathBuf,
        position: Option<Position>,
        pointer: String,
        reference: String,
    },
}

fn at(position: &Option<Position>) -> String {
    position.map(|p| format!(":{p}")).unwrap_or_default()
}

/// `; closest known names: a, b` for an error naming an unknown name, or
/// nothing when no known name is close.
pub(crate) fn suggest(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!("; closest known names: {}", suggestions.join(", "))
    }
}

/// The names closest to `name` among `known`, best first
/// (`intercom_runtime::suggest::closest`), owned for the error that lists them.
pub fn closest_names<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    intercom_runtime::suggest::closest(name, known)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// Imports `doc`, an OpenAPI 3.0 reference.
pub fn import(doc: &Document, options: &Options) -> Result<Imported, ImportError> {
    let mut importer = Importer::new(doc, options)?;
    importer.run()?;
    Ok(importer.finish())
}

/// Renders an imported document as the bytes `schema/` holds.
pub fn render(schema: &Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).expect("a Value always serializes");
    text.push('\n');
    text
}

/// Writes the document into `dir` as [`SCHEMA_FILE`] and returns the file written.
pub fn write(dir: &Path, schema: &Value) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(SCHEMA_FILE);
    std::fs::write(&path, render(schema))?;
    Ok(path)
}

/// One operation of the reference, as found before selection.
struct Operation {
    method: String,
    path: String,
    /// The reference's operationId, or one derived from the method and path.
    operation_id: String,
    /// The reference gives no operationId (2.14+ has reporting-export operations without one).
    operation_id_derived: bool,
    summary: Option<String>,
    tags: Vec<String>,
    deprecated: bool,
    pointer: String,
    request: Option<Body>,
    request_required: bool,
    responses: Vec<Response>,
}

struct Response {
    status: String,
    description: Option<String>,
    body: Option<Body>,
}

/// A request or response body: its media type and the schema it points at.
struct Body {
    content_type: String,
    target: BodySchema,
    /// Media-type examples: (pointer, value).
    examples: Vec<(String, Value)>,
}

enum BodySchema {
    /// The body is exactly a component schema (or a `$ref` to one).
    Component(String),
    /// An inline schema, imported as its own `$defs` entry.
    Inline { name: String, pointer: String },
    /// A media type with no schema.
    None,
}

struct Importer<'a> {
    doc: &'a Document,
    options: &'a Options,
    components: Map<String, Value>,
    operations: Vec<Operation>,
    /// `$defs` names of hoisted non-component `$ref` targets, by source pointer.
    hoisted: HashMap<String, String>,
    /// Every name taken so far in `$defs`, to keep derived names unique.
    taken: BTreeSet<String>,
    /// Definitions waiting to be converted: (name, source pointer).
    queue: VecDeque<(String, String)>,
    queued: BTreeSet<String>,
    defs: BTreeMap<String, Value>,
    warnings: Vec<Warning>,
    origins: BTreeMap<String, String>,
    included_operations: Vec<usize>,
}

impl<'a> Importer<'a> {
    fn new(doc: &'a Document, options: &'a Options) -> Result<Self, ImportError> {
        check_version(doc)?;
        let components = match doc.value.pointer("/components/schemas") {
            None => Map::new(),
            Some(Value::Object(map)) => map.clone(),
            Some(_) => {
                return Err(malformed(
                    doc,
                    "/components/schemas",
                    "expected a mapping of schemas",
                ));
            }
        };
        let mut importer = Importer {
            doc,
            options,
            taken: components.keys().cloned().collect(),
            components,
            operations: Vec::new(),
            hoisted: HashMap::new(),
            queue: VecDeque::new(),
            queued: BTreeSet::new(),
            defs: BTreeMap::new(),
            warnings: Vec::new(),
            origins: BTreeMap::new(),
            included_operations: Vec::new(),
        };
        importer.collect_operations()?;
        Ok(importer)
    }

    fn collect_operations(&mut self) -> Result<(), ImportError> {
        let paths = match self.doc.value.get("paths") {
            None => return Ok(()),
            Some(Value::Object(paths)) => paths,
            Some(_) => return Err(malformed(self.doc, "/paths", "expected a mapping of paths")),
        };
        for (path, item) in paths {
            let item_pointer = format!("/paths/{}", escape_pointer_token(path));
            let (item, item_pointer) = self.follow(item, &item_pointer);
            let Some(item) = item.as_object() else {
                return Err(malformed(
                    self.doc,
                    &item_pointer,
                    "expected a path item mapping",
                ));
            };
            for method in HTTP_METHODS {
                let Some(op) = item.get(method) else { continue };
                let pointer = format!("{item_pointer}/{method}");
                let mut operation = self.collect_operation(method, path, op, pointer)?;
                self.make_id_unique(&mut operation);
                self.operations.push(operation);
            }
        }
        Ok(())
    }

    /// Gives an operation whose operationId an earlier one has (the reference is
    /// wrong, but it has happened) the first free `<id>_<n>`, with a warning,
    /// so the registry can be looked up by id.
    fn make_id_unique(&mut self, operation: &mut Operation) {
        let taken = |id: &str| self.operations.iter().any(|op| op.operation_id == id);
        if !taken(&operation.operation_id) {
            return;
        }
        let mut n = 2;
        while taken(&format!("{}_{n}", operation.operation_id)) {
            n += 1;
        }
        let unique = format!("{}_{n}", operation.operation_id);
        let message = format!(
            "operationId `{}` is used by an earlier operation; this one is registered as `{unique}`",
            operation.operation_id
        );
        self.warn(&format!("{}/operationId", operation.pointer), &message);
        operation.operation_id = unique;
    }

    fn collect_operation(
        &mut self,
        method: &str,
        path: &str,
        op: &Value,
        pointer: String,
    ) -> Result<Operation, ImportError> {
        let Some(op) = op.as_object() else {
            return Err(malformed(
                self.doc,
                &pointer,
                "expected an operation mapping",
            ));
        };
        let given_id = op
            .get("operationId")
            .and_then(Value::as_str)
            .map(str::to_string);
        let operation_id_derived = given_id.is_none();
        let operation_id = given_id.unwrap_or_else(|| derived_operation_id(method, path));
        let stem = operation_id.to_snake_case();
        let text = |key: &str| op.get(key).and_then(Value::as_str).map(str::to_string);
        let tags = match op.get("tags") {
            Some(Value::Array(tags)) => tags
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        };
        let deprecated = op
            .get("deprecated")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let mut request = None;
        let mut request_required = false;
        if let Some(body) = op.get("requestBody") {
            let (body, body_pointer) = self.follow(body, &format!("{pointer}/requestBody"));
            request_required = body
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            request = self.collect_body(body, &body_pointer, &format!("{stem}_request"))?;
        }
        let mut responses = Vec::new();
        if let Some(map) = op.get("responses") {
            let Some(map) = map.as_object() else {
                return Err(malformed(
                    self.doc,
                    &format!("{pointer}/responses"),
                    "expected a mapping of responses",
                ));
            };
            for (status, response) in map {
                let response_pointer =
                    format!("{pointer}/responses/{}", escape_pointer_token(status));
                let (response, response_pointer) = self.follow(response, &response_pointer);
                let name = format!("{stem}_response_{}", status.to_lowercase());
                let body = self.collect_body(response, &response_pointer, &name)?;
                let description = response
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                responses.push(Response {
                    status: status.clone(),
                    description,
                    body,
                });
            }
        }
        Ok(Operation {
            method: method.to_string(),
            path: path.to_string(),
            operation_id,
            operation_id_derived,
            summary: text("summary"),
            tags,
            deprecated,
            pointer,
            request,
            request_required,
            responses,
        })
    }

    /// Follows `$ref`s between non-schema objects (a response, a request body,
    /// an example), returning the object and the pointer where it stands.
    fn follow<'v>(&self, mut value: &'v Value, pointer: &str) -> (&'v Value, String)
    where
        'a: 'v,
    {
        let mut pointer = pointer.to_string();
        for _ in 0..32 {
            let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let Some(target) = reference
                .strip_prefix('#')
                .and_then(|p| self.doc.value.pointer(p))
            else {
                break;
            };
            pointer = reference[1..].to_string();
            value = target;
        }
        (value, pointer)
    }

    fn collect_body(
        &mut self,
        body: &Value,
        pointer: &str,
        name: &str,
    ) -> Result<Option<Body>, ImportError> {
        let Some(content) = body.get("content") else {
            return Ok(None);
        };
        let Some(content) = content.as_object() else {
            return Err(malformed(
                self.doc,
                &format!("{pointer}/content"),
                "expected a mapping of media types",
            ));
        };
        let chosen = content
            .iter()
            .find(|(media, _)| is_json_media_type(media))
            .or_else(|| {
                content
                    .iter()
                    .find(|(_, media)| media.get("schema").is_some())
            });
        let Some((content_type, media)) = chosen else {
            return Ok(None);
        };
        let media_pointer = format!("{pointer}/content/{}", escape_pointer_token(content_type));
        let mut examples = Vec::new();
        if let Some(example) = media.get("example") {
            examples.push((format!("{media_pointer}/example"), example.clone()));
        }
        if let Some(Value::Object(named)) = media.get("examples") {
            for (key, example) in named {
                let example_pointer =
                    format!("{media_pointer}/examples/{}", escape_pointer_token(key));
                let (example, example_pointer) = self.follow(example, &example_pointer);
                if let Some(value) = example.get("value") {
                    examples.push((format!("{example_pointer}/value"), value.clone()));
                }
            }
        }
        let target = match media.get("schema") {
            None => BodySchema::None,
            Some(schema) => {
                let schema_pointer = format!("{media_pointer}/schema");
                match self.component_behind(schema) {
                    Some(component) => BodySchema::Component(component),
                    None => BodySchema::Inline {
                        name: self.unique_body_name(name),
                        pointer: schema_pointer,
                    },
                }
            }
        };
        Ok(Some(Body {
            content_type: content_type.clone(),
            target,
            examples,
        }))
    }

    /// The component a body schema is equivalent to, if it is a bare `$ref`
    /// or a one-branch `oneOf`/`anyOf`/`allOf` of one.
    fn component_behind(&self, schema: &Value) -> Option<String> {
        let map = schema.as_object()?;
        let annotation = |key: &str| {
            matches!(key, "description" | "title" | "example" | "examples") || key.starts_with("x-")
        };
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            if map.keys().all(|k| k == "$ref" || annotation(k)) {
                let name = reference.strip_prefix("#/components/schemas/")?;
                let name = unescape_pointer_token(name);
                return self.components.contains_key(&name).then_some(name);
            }
            return None;
        }
        for keyword in ["oneOf", "anyOf", "allOf"] {
            if let Some(Value::Array(branches)) = map.get(keyword)
                && branches.len() == 1
                && map.keys().all(|k| k == keyword || annotation(k))
            {
                return self.component_behind(&branches[0]);
            }
        }
        None
    }

    /// An inline body's name; one that a component already has gets `_body`.
    fn unique_body_name(&mut self, name: &str) -> String {
        if self.taken.contains(name) {
            self.unique_name(&format!("{name}_body"))
        } else {
            self.unique_name(name)
        }
    }

    fn unique_name(&mut self, name: &str) -> String {
        let mut candidate = name.to_string();
        let mut n = 2;
        while self.taken.contains(&candidate) {
            candidate = format!("{name}_{n}");
            n += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }

    fn run(&mut self) -> Result<(), ImportError> {
        match &self.options.selection {
            Selection::All => {
                let names: Vec<String> = self.components.keys().cloned().collect();
                for name in names {
                    self.enqueue_component(&name);
                }
                for index in 0..self.operations.len() {
                    self.include_operation(index);
                }
            }
            Selection::Names(names) => {
                for name in names {
                    if self.components.contains_key(name) {
                        self.enqueue_component(name);
                        continue;
                    }
                    let found: Vec<usize> = (0..self.operations.len())
                        .filter(|&i| self.operations[i].operation_id == *name)
                        .collect();
                    if found.is_empty() {
                        let known = self
                            .components
                            .keys()
                            .map(String::as_str)
                            .chain(self.operations.iter().map(|op| op.operation_id.as_str()));
                        return Err(ImportError::UnknownName {
                            path: self.doc.path.clone(),
                            name: name.clone(),
                            suggestions: closest_names(name, known),
                        });
                    }
                    for index in found {
                        self.include_operation(index);
                    }
                }
            }
        }
        while let Some((name, pointer)) = self.queue.pop_front() {
            let schema = self
                .doc
                .value
                .pointer(&pointer)
                .cloned()
                .unwrap_or(Value::Bool(true));
            let out_pointer = format!("/$defs/{}", escape_pointer_token(&name));
            let converted = self.convert(&schema, &pointer, &out_pointer)?;
            self.defs.insert(name, converted);
        }
        self.break_reference_loops()
    }

    /// Schemas that are only a `$ref` to one another in a loop (a → b → a)
    /// never reach a schema: the reference's defect, which would stop
    /// codegen. The loop is cut where it closes, at the first of its schemas
    /// by name, whose `$ref` is kept aside as `x-invalid-$ref`: that schema
    /// accepts any value, and the others refer to it.
    fn break_reference_loops(&mut self) -> Result<(), ImportError> {
        let names: Vec<String> = self.defs.keys().cloned().collect();
        for start in names {
            let mut chain = vec![start.clone()];
            let mut current = start.clone();
            while let Some(next) = self.defs.get(&current).and_then(only_reference) {
                if let Some(at) = chain.iter().position(|name| *name == next) {
                    let mut members = chain[at..].to_vec();
                    members.sort();
                    let cut = members[0].clone();
                    let mut path = chain[at..].to_vec();
                    path.push(next);
                    let pointer = self
                        .origins
                        .get(&format!("/$defs/{}", escape_pointer_token(&cut)))
                        .cloned()
                        .unwrap_or_default();
                    if let Some(Value::Object(mut schema)) = self.defs.remove(&cut)
                        && let Some(reference) = schema.remove("$ref")
                    {
                        self.defect(
                            &format!("{pointer}/$ref"),
                            "$ref",
                            &reference,
                            &format!(
                                "`$ref`s loop without reaching a schema ({})",
                                path.join(" → ")
                            ),
                            &mut schema,
                        )?;
                        self.defs.insert(cut, Value::Object(schema));
                    }
                    break;
                }
                chain.push(next.clone());
                current = next;
            }
        }
        Ok(())
    }

    fn enqueue_component(&mut self, name: &str) {
        let pointer = format!("/components/schemas/{}", escape_pointer_token(name));
        self.enqueue(name.to_string(), pointer);
    }

    fn enqueue(&mut self, name: String, pointer: String) {
        if self.queued.insert(name.clone()) {
            self.queue.push_back((name, pointer));
        }
    }

    fn include_operation(&mut self, index: usize) {
        if self.included_operations.contains(&index) {
            return;
        }
        self.included_operations.push(index);
        let op = &self.operations[index];
        let mut wanted = Vec::new();
        let bodies = op
            .request
            .iter()
            .chain(op.responses.iter().filter_map(|r| r.body.as_ref()));
        for body in bodies {
            match &body.target {
                BodySchema::Component(name) => wanted.push((
                    name.clone(),
                    format!("/components/schemas/{}", escape_pointer_token(name)),
                )),
                BodySchema::Inline { name, pointer } => {
                    wanted.push((name.clone(), pointer.clone()))
                }
                BodySchema::None => {}
            }
        }
        for (name, pointer) in wanted {
            self.enqueue(name, pointer);
        }
    }

    /// Converts one OpenAPI schema object into JSON Schema 2020-12.
    fn convert(&mut self, schema: &Value, pointer: &str, out: &str) -> Result<Value, ImportError> {
        self.origins.insert(out.to_string(), pointer.to_string());
        let map = match schema {
            Value::Bool(_) => return Ok(schema.clone()),
            Value::Object(map) => map,
            _ => {
                return Err(malformed(
                    self.doc,
                    pointer,
                    "expected a schema (a mapping)",
                ));
            }
        };
        let mut result = Map::new();
        let mut nullable = false;
        let mut exclusive_maximum = false;
        let mut exclusive_minimum = false;
        for (key, value) in map {
            let child = format!("{pointer}/{}", escape_pointer_token(key));
            let child_out = format!("{out}/{}", escape_pointer_token(key));
            // A keyword whose value is not what it must be (a number where a
            // schema belongs, a list where a map does) is the reference's
            // defect: set aside with a warning, or refused under --strict.
            let outcome = (|| -> Result<(), ImportError> {
                match key.as_str() {
                    "$ref" => {
                        let converted = self.convert_ref(value, &child)?;
                        match converted {
                            Reference::Resolved(target) => {
                                result.insert(key.clone(), Value::String(target));
                            }
                            Reference::Unresolved(reference) => {
                                result.insert(
                                    "x-unresolved-ref".to_string(),
                                    Value::String(reference),
                                );
                                result.insert(
                                    "$comment".to_string(),
                                    Value::String(
                                        "the reference points nowhere; this schema accepts any value"
                                            .to_string(),
                                    ),
                                );
                            }
                        }
                    }
                    "nullable" => nullable = value.as_bool().unwrap_or(false),
                    "example" => append_example(&mut result, value.clone()),
                    "examples" => match value {
                        Value::Array(values) => {
                            for value in values {
                                append_example(&mut result, value.clone());
                            }
                        }
                        other => append_example(&mut result, other.clone()),
                    },
                    "exclusiveMaximum" | "exclusiveMinimum" if value.is_boolean() => {
                        let flag = value.as_bool() == Some(true);
                        if key == "exclusiveMaximum" {
                            exclusive_maximum = flag;
                        } else {
                            exclusive_minimum = flag;
                        }
                    }
                    "properties" | "patternProperties" | "dependentSchemas" | "$defs"
                    | "definitions" => {
                        let Some(children) = value.as_object() else {
                            return Err(malformed(
                                self.doc,
                                &child,
                                "expected a mapping of schemas",
                            ));
                        };
                        let mut converted = Map::new();
                        for (name, subschema) in children {
                            let token = escape_pointer_token(name);
                            let sub = self.convert(
                                subschema,
                                &format!("{child}/{token}"),
                                &format!("{child_out}/{token}"),
                            )?;
                            converted.insert(name.clone(), sub);
                        }
                        let key = if key == "definitions" {
                            "$defs"
                        } else {
                            key.as_str()
                        };
                        result.insert(key.to_string(), Value::Object(converted));
                    }
                    "items" if value.is_array() => {
                        // OpenAPI 3.0 forbids the array form; draft 2020-12 spells it prefixItems.
                        let converted =
                            self.convert_list(value, &child, &format!("{out}/prefixItems"))?;
                        result.insert("prefixItems".to_string(), converted);
                    }
                    "items"
                    | "additionalProperties"
                    | "not"
                    | "propertyNames"
                    | "contains"
                    | "if"
                    | "then"
                    | "else"
                    | "unevaluatedProperties"
                    | "unevaluatedItems" => {
                        let converted = self.convert(value, &child, &child_out)?;
                        result.insert(key.clone(), converted);
                    }
                    "allOf" | "anyOf" | "oneOf" | "prefixItems" => {
                        let converted = self.convert_list(value, &child, &child_out)?;
                        result.insert(key.clone(), converted);
                    }
                    "discriminator" => {
                        let converted = self.convert_discriminator(value, &child)?;
                        result.insert(key.clone(), converted);
                    }
                    "required" | "type" | "enum" | "const" | "multipleOf" | "maximum"
                    | "minimum" | "exclusiveMaximum" | "exclusiveMinimum" | "maxLength"
                    | "minLength" | "pattern" | "maxItems" | "minItems" | "uniqueItems"
                    | "maxContains" | "minContains" | "maxProperties" | "minProperties"
                    | "dependentRequired" | "format" | "default" | "title" | "description"
                    | "readOnly" | "writeOnly" | "deprecated" | "$comment" | "contentEncoding"
                    | "contentMediaType" => match keyword_defect(key, value) {
                        None => {
                            result.insert(key.clone(), value.clone());
                        }
                        Some(expected) => self.defect(
                            &child,
                            key,
                            value,
                            &format!("`{key}` must be {expected}, found {}", short(value)),
                            &mut result,
                        )?,
                    },
                    // Documentation-only OpenAPI keywords and vendor extensions.
                    "xml" | "externalDocs" => {}
                    _ if key.starts_with("x-") => {}
                    _ => self.warn(
                        &child,
                        &format!("unknown schema keyword `{key}` is dropped"),
                    ),
                }
                Ok(())
            })();
            if let Err(error) = outcome {
                self.tolerate(error, key, value, &child, &mut result)?;
            }
        }
        if exclusive_maximum && let Some(maximum) = result.remove("maximum") {
            result.insert("exclusiveMaximum".to_string(), maximum);
        }
        if exclusive_minimum && let Some(minimum) = result.remove("minimum") {
            result.insert("exclusiveMinimum".to_string(), minimum);
        }
        if nullable {
            result = self.make_nullable(result, out);
        }
        Ok(Value::Object(result))
    }

    fn convert_list(
        &mut self,
        value: &Value,
        pointer: &str,
        out: &str,
    ) -> Result<Value, ImportError> {
        let Some(items) = value.as_array() else {
            return Err(malformed(self.doc, pointer, "expected a list of schemas"));
        };
        let mut converted = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            converted.push(self.convert(item, &format!("{pointer}/{i}"), &format!("{out}/{i}"))?);
        }
        Ok(Value::Array(converted))
    }

    /// `nullable: true` in JSON Schema terms: `"null"` joins the type (and the
    /// enum); a schema whose applicators would reject `null` is wrapped in an
    /// `anyOf` with `{"type": "null"}`.
    fn make_nullable(&mut self, mut schema: Map<String, Value>, out: &str) -> Map<String, Value> {
        let composed = ["$ref", "x-unresolved-ref", "allOf", "anyOf", "oneOf", "not"]
            .iter()
            .any(|k| schema.contains_key(*k));
        if composed {
            let mut outer = Map::new();
            for key in [
                "title",
                "description",
                "default",
                "examples",
                "deprecated",
                "readOnly",
                "writeOnly",
            ] {
                if let Some(value) = schema.remove(key) {
                    outer.insert(key.to_string(), value);
                }
            }
            // The origins recorded under `out` now belong one level down.
            let moved: Vec<(String, String)> = self
                .origins
                .range(out.to_string()..)
                .take_while(|(k, _)| k.starts_with(out))
                .filter(|(k, _)| k.len() == out.len() || k.as_bytes()[out.len()] == b'/')
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            for (key, origin) in moved {
                self.origins.remove(&key);
                let rest = &key[out.len()..];
                self.origins
                    .insert(format!("{out}/anyOf/0{rest}"), origin.clone());
                if rest.is_empty() {
                    self.origins.insert(key, origin);
                }
            }
            outer.insert(
                "anyOf".to_string(),
                json!([Value::Object(schema), {"type": "null"}]),
            );
            return outer;
        }
        match schema.get_mut("type") {
            Some(Value::String(single)) if single != "null" => {
                let single = single.clone();
                schema.insert("type".to_string(), json!([single, "null"]));
            }
            Some(Value::Array(types)) if !types.iter().any(|t| t == "null") => {
                types.push(json!("null"))
            }
            _ => {}
        }
        if let Some(Value::Array(values)) = schema.get_mut("enum")
            && !values.contains(&Value::Null)
        {
            values.push(Value::Null);
        }
        schema
    }

    fn convert_discriminator(
        &mut self,
        value: &Value,
        pointer: &str,
    ) -> Result<Value, ImportError> {
        let Some(map) = value.as_object() else {
            return Err(malformed(
                self.doc,
                pointer,
                "expected a discriminator mapping",
            ));
        };
        let mut result = Map::new();
        for (key, value) in map {
            match key.as_str() {
                "propertyName" => {
                    result.insert(key.clone(), value.clone());
                }
                "mapping" => {
                    let Some(mapping) = value.as_object() else {
                        return Err(malformed(
                            self.doc,
                            &format!("{pointer}/mapping"),
                            "expected a mapping of values to schemas",
                        ));
                    };
                    let mut converted = Map::new();
                    for (tag, target) in mapping {
                        let target_pointer =
                            format!("{pointer}/mapping/{}", escape_pointer_token(tag));
                        let Some(target) = target.as_str() else {
                            return Err(malformed(
                                self.doc,
                                &target_pointer,
                                "expected a schema reference",
                            ));
                        };
                        // OpenAPI allows a bare component name here.
                        let reference = if target.contains('#') || target.contains('/') {
                            target.to_string()
                        } else {
                            format!("#/components/schemas/{}", escape_pointer_token(target))
                        };
                        let converted_target = match self
                            .convert_ref(&Value::String(reference), &target_pointer)?
                        {
                            Reference::Resolved(target) | Reference::Unresolved(target) => target,
                        };
                        converted.insert(tag.clone(), Value::String(converted_target));
                    }
                    result.insert(key.clone(), Value::Object(converted));
                }
                _ => {}
            }
        }
        Ok(Value::Object(result))
    }

    fn convert_ref(&mut self, value: &Value, pointer: &str) -> Result<Reference, ImportError> {
        let Some(reference) = value.as_str() else {
            return Err(malformed(
                self.doc,
                pointer,
                "expected `$ref` to be a string",
            ));
        };
        if let Some(name) = reference.strip_prefix("#/components/schemas/") {
            let name = unescape_pointer_token(name);
            if !name.contains('/') && self.components.contains_key(&name) {
                let target = format!("#/$defs/{}", escape_pointer_token(&name));
                self.enqueue_component(&name);
                return Ok(Reference::Resolved(target));
            }
        }
        let target_pointer = reference.strip_prefix('#').map(percent_decode);
        let resolves = target_pointer
            .as_deref()
            .and_then(|p| self.doc.value.pointer(p))
            .is_some_and(|target| target.is_object() || target.is_boolean());
        if !resolves {
            if self.options.strict {
                let (path, position) = self.doc.locate(pointer);
                return Err(ImportError::UnresolvedRef {
                    path,
                    position,
                    pointer: pointer.to_string(),
                    reference: reference.to_string(),
                });
            }
            self.warn(
                pointer,
                &format!("unresolved $ref `{reference}`: imported as a schema that accepts any value, marked `x-unresolved-ref`"),
            );
            return Ok(Reference::Unresolved(reference.to_string()));
        }
        let target_pointer = target_pointer.unwrap_or_default();
        let name = match self.hoisted.get(&target_pointer) {
            Some(name) => name.clone(),
            None => {
                let stem = target_pointer
                    .trim_start_matches("/components/schemas/")
                    .trim_start_matches("/components/")
                    .split('/')
                    .map(unescape_pointer_token)
                    .collect::<Vec<_>>()
                    .join("_")
                    .to_snake_case();
                let name = self.unique_name(&stem);
                self.hoisted.insert(target_pointer.clone(), name.clone());
                name
            }
        };
        self.enqueue(name.clone(), target_pointer);
        Ok(Reference::Resolved(format!(
            "#/$defs/{}",
            escape_pointer_token(&name)
        )))
    }

    /// A keyword of the reference that JSON Schema cannot read: an error under
    /// `strict`, else a warning, and the keyword is set aside in `schema` so
    /// that the rest of the schema is still generated.
    fn defect(
        &mut self,
        pointer: &str,
        key: &str,
        value: &Value,
        message: &str,
        schema: &mut Map<String, Value>,
    ) -> Result<(), ImportError> {
        if self.options.strict {
            return Err(malformed(
                self.doc,
                pointer,
                &format!("{message} ({STRICT_ONLY} and the schema does not assert it)"),
            ));
        }
        self.set_aside(
            pointer,
            key,
            value,
            &format!("{message}; the schema does not assert it (kept as `x-invalid-{key}`)"),
            schema,
        );
        Ok(())
    }

    /// Keeps `value` of the keyword `key` in `schema` as `x-invalid-<key>`,
    /// where it asserts nothing, and says so at `pointer`.
    fn set_aside(
        &mut self,
        pointer: &str,
        key: &str,
        value: &Value,
        warning: &str,
        schema: &mut Map<String, Value>,
    ) {
        self.warn(pointer, warning);
        schema.insert(format!("x-invalid-{key}"), value.clone());
    }

    /// `error` when it is not a malformed value at or under the keyword
    /// `key` (at `pointer`) or when `strict`; else a warning, and the
    /// keyword kept aside as `x-invalid-<key>`, asserting nothing.
    fn tolerate(
        &mut self,
        error: ImportError,
        key: &str,
        value: &Value,
        pointer: &str,
        result: &mut Map<String, Value>,
    ) -> Result<(), ImportError> {
        let ImportError::Malformed {
            pointer: at,
            expected,
            ..
        } = &error
        else {
            return Err(error);
        };
        let within = at == pointer || at.starts_with(&format!("{pointer}/"));
        if !within {
            return Err(error);
        }
        if self.options.strict {
            let mut error = error;
            // The innermost keyword names itself; outer ones pass it on.
            if let ImportError::Malformed { expected, .. } = &mut error
                && !expected.contains(STRICT_ONLY)
            {
                expected.push_str(&format!(
                    " ({STRICT_ONLY} and the schema does not assert `{key}`)"
                ));
            }
            return Err(error);
        }
        let found = self
            .doc
            .value
            .pointer(at)
            .map_or_else(String::new, |found| format!(", found {}", short(found)));
        let warning = format!(
            "{expected}{found}; the schema does not assert `{key}` (kept as `x-invalid-{key}`)"
        );
        let at = at.clone();
        self.set_aside(&at, key, value, &warning, result);
        Ok(())
    }

    fn warn(&mut self, pointer: &str, message: &str) {
        let (path, position) = self.doc.locate(pointer);
        self.warnings.push(Warning {
            path,
            position,
            pointer: pointer.to_string(),
            message: message.to_string(),
        });
    }

    fn finish(mut self) -> Imported {
        let mut included = self.included_operations.clone();
        included.sort_unstable();
        let mut operations = Vec::new();
        let mut examples = Vec::new();
        for index in included {
            let op = &self.operations[index];
            let mut entry = Map::new();
            entry.insert("operation_id".into(), json!(op.operation_id));
            if op.operation_id_derived {
                entry.insert("operation_id_derived".into(), json!(true));
            }
            entry.insert("method".into(), json!(op.method));
            entry.insert("path".into(), json!(op.path));
            if let Some(summary) = &op.summary {
                entry.insert("summary".into(), json!(summary));
            }
            if !op.tags.is_empty() {
                entry.insert("tags".into(), json!(op.tags));
            }
            if op.deprecated {
                entry.insert("deprecated".into(), json!(true));
            }
            if let Some(body) = &op.request {
                let mut request = body_entry(body);
                request.insert("required".into(), json!(op.request_required));
                entry.insert("request".into(), Value::Object(request));
            }
            let mut responses = Map::new();
            for response in &op.responses {
                let mut written = response.body.as_ref().map(body_entry).unwrap_or_default();
                if let Some(description) = &response.description {
                    written.insert("description".into(), json!(description));
                }
                responses.insert(response.status.clone(), Value::Object(written));
            }
            entry.insert("responses".into(), Value::Object(responses));
            entry.insert("source".into(), json!(display_pointer(&op.pointer)));
            operations.push(Value::Object(entry));
            let bodies = op
                .request
                .iter()
                .chain(op.responses.iter().filter_map(|r| r.body.as_ref()));
            for body in bodies {
                let schema = match &body.target {
                    BodySchema::Component(name) | BodySchema::Inline { name, .. } => name,
                    BodySchema::None => continue,
                };
                for (pointer, value) in &body.examples {
                    examples.push(BoundExample {
                        schema: schema.clone(),
                        pointer: pointer.clone(),
                        position: self.doc.position(pointer),
                        value: value.clone(),
                    });
                }
            }
        }
        let info = self.doc.value.get("info");
        let title = info
            .and_then(|i| i.get("title"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let version = info
            .and_then(|i| i.get("version"))
            .map(scalar_text)
            .unwrap_or_default();
        let openapi = self
            .doc
            .value
            .get("openapi")
            .map(scalar_text)
            .unwrap_or_default();
        let source = self
            .doc
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let selection = match &self.options.selection {
            Selection::All => json!("all"),
            Selection::Names(names) => json!(names),
        };
        let defs: Map<String, Value> = std::mem::take(&mut self.defs).into_iter().collect();
        let mut provenance = json!({
            "title": title,
            "version": version,
            "openapi": openapi,
            "source": source,
            "sha256": self.doc.bytes_sha256,
            "selection": selection,
            "command": "cargo xtask import",
        });
        // Only when there are some, so that a reference without overlays
        // imports to the bytes it always did.
        if !self.doc.overlays.is_empty() {
            provenance["overlays"] =
                Value::Array(self.doc.overlays.iter().map(|o| o.to_json()).collect());
        }
        let schema = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": format!("{title} {version}").trim(),
            "x-provenance": provenance,
            "x-operations": operations,
            "$defs": defs,
        });
        let mut warnings = self.doc_warnings();
        warnings.append(&mut self.warnings);
        Imported {
            schema,
            warnings,
            examples,
            origins: self.origins,
        }
    }

    fn doc_warnings(&self) -> Vec<Warning> {
        self.doc
            .warnings
            .iter()
            .map(|w| Warning {
                path: self.doc.path.clone(),
                position: Some(w.position),
                pointer: w.pointer.clone(),
                message: w.message.clone(),
            })
            .collect()
    }
}

enum Reference {
    Resolved(String),
    Unresolved(String),
}

/// The operationId of an operation the reference gives none: its method and
/// path in lowerCamelCase (`GET /download/reporting_data/{job_identifier}` is
/// `getDownloadReportingDataJobIdentifier`), stable across versions.
fn derived_operation_id(method: &str, path: &str) -> String {
    use heck::ToLowerCamelCase;
    format!("{method} {path}").to_lower_camel_case()
}

fn body_entry(body: &Body) -> Map<String, Value> {
    let mut entry = Map::new();
    entry.insert("content_type".into(), json!(body.content_type));
    match &body.target {
        BodySchema::Component(name) | BodySchema::Inline { name, .. } => {
            entry.insert("schema".into(), json!(name));
        }
        BodySchema::None => {}
    }
    entry
}

fn append_example(schema: &mut Map<String, Value>, example: Value) {
    match schema
        .entry("examples")
        .or_insert_with(|| Value::Array(Vec::new()))
    {
        Value::Array(values) => values.push(example),
        _ => unreachable!("examples is only ever written as an array"),
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn is_json_media_type(media: &str) -> bool {
    let essence = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
}

/// How a defect that `--strict` refuses says what it is otherwise.
const STRICT_ONLY: &str = "without --strict this is a warning";

/// What the value of a JSON Schema assertion or annotation keyword must be,
/// when `value` is not that (the draft 2020-12 meta-schema's rules).
fn keyword_defect(key: &str, value: &Value) -> Option<&'static str> {
    const TYPES: [&str; 7] = [
        "string", "number", "integer", "boolean", "array", "object", "null",
    ];
    let is_type = |v: &Value| v.as_str().is_some_and(|t| TYPES.contains(&t));
    let count = |v: &Value| {
        v.as_u64().is_some() || v.as_f64().is_some_and(|f| f >= 0.0 && f.fract() == 0.0)
    };
    let (valid, expected) = match key {
        "type" => (
            is_type(value)
                || value.as_array().is_some_and(|types| {
                    types.iter().all(is_type)
                        && types
                            .iter()
                            .filter_map(Value::as_str)
                            .collect::<std::collections::BTreeSet<_>>()
                            .len()
                            == types.len()
                }),
            "one of string, number, integer, boolean, array, object, null (or a list of them without repeats)",
        ),
        "required" => (
            value
                .as_array()
                .is_some_and(|names| names.iter().all(Value::is_string)),
            "a list of property names",
        ),
        "enum" => (value.is_array(), "a list of values"),
        "multipleOf" => (
            value.as_f64().is_some_and(|f| f > 0.0),
            "a number greater than 0",
        ),
        "maximum" | "minimum" | "exclusiveMaximum" | "exclusiveMinimum" => {
            (value.is_number(), "a number")
        }
        "maxLength" | "minLength" | "maxItems" | "minItems" | "maxContains" | "minContains"
        | "maxProperties" | "minProperties" => (count(value), "a non-negative integer"),
        "uniqueItems" | "readOnly" | "writeOnly" | "deprecated" => {
            (value.is_boolean(), "true or false")
        }
        "dependentRequired" => (
            value.as_object().is_some_and(|map| {
                map.values().all(|names| {
                    names
                        .as_array()
                        .is_some_and(|n| n.iter().all(Value::is_string))
                })
            }),
            "an object of lists of property names",
        ),
        "pattern" | "format" | "title" | "description" | "$comment" | "contentEncoding"
        | "contentMediaType" => (value.is_string(), "a string"),
        _ => return None,
    };
    (!valid).then_some(expected)
}

/// The `$defs` name a converted schema refers to when a `$ref` is all it
/// asserts (annotations beside it are allowed).
fn only_reference(schema: &Value) -> Option<String> {
    let schema = schema.as_object()?;
    let target = schema.get("$ref")?.as_str()?.strip_prefix("#/$defs/")?;
    let annotations_only = schema.keys().all(|key| {
        matches!(
            key.as_str(),
            "$ref"
                | "title"
                | "description"
                | "$comment"
                | "examples"
                | "default"
                | "deprecated"
                | "readOnly"
                | "writeOnly"
        ) || key.starts_with("x-")
    });
    annotations_only.then(|| unescape_pointer_token(target))
}

/// A value as a message shows it: its JSON, cut short.
fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

fn malformed(doc: &Document, pointer: &str, expected: &str) -> ImportError {
    let (path, position) = doc.locate(pointer);
    ImportError::Malformed {
        path,
        position,
        pointer: pointer.to_string(),
        expected: expected.to_string(),
    }
}

fn check_version(doc: &Document) -> Result<(), ImportError> {
    let unsupported = |pointer: &str, message: String| {
        let (path, position) = doc.locate(pointer);
        ImportError::Unsupported {
            path,
            position,
            message,
        }
    };
    const SUPPORTED: &str = "this importer reads OpenAPI 3.0.x documents";
    if !doc.value.is_object() {
        return Err(unsupported(
            "",
            format!("not an OpenAPI document: expected a mapping at the top level; {SUPPORTED}"),
        ));
    }
    if let Some(swagger) = doc.value.get("swagger") {
        return Err(unsupported(
            "/swagger",
            format!(
                "Swagger {} is not supported: {SUPPORTED}; convert the document to OpenAPI 3.0 first",
                scalar_text(swagger)
            ),
        ));
    }
    match doc.value.get("openapi") {
        None => Err(unsupported(
            "",
            format!("not an OpenAPI document: there is no `openapi` field; {SUPPORTED}"),
        )),
        Some(Value::String(version)) if version.starts_with("3.0.") || version == "3.0" => Ok(()),
        Some(version) => Err(unsupported(
            "/openapi",
            format!(
                "OpenAPI {} is not supported: {SUPPORTED}",
                scalar_text(version)
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn import_text(text: &str, selection: Selection) -> Result<Imported, ImportError> {
        let doc = crate::source::parse(Path::new("spec.yaml"), text.as_bytes()).unwrap();
        import(
            &doc,
            &Options {
                selection,
                strict: false,
            },
        )
    }

    const HEADER: &str = "openapi: 3.0.1\ninfo: {title: T, version: '1.0'}\n";

    #[test]
    fn nullable_joins_the_type_and_the_enum() {
        let spec = format!(
            "{HEADER}components:\n  schemas:\n    a: {{type: string, enum: [x, y], nullable: true}}\n"
        );
        let imported = import_text(&spec, Selection::All).unwrap();
        assert_eq!(
            imported.schema["$defs"]["a"],
            json!({"type": ["string", "null"], "enum": ["x", "y", null]})
        );
    }

    #[test]
    fn nullable_beside_a_ref_becomes_an_any_of() {
        let spec = format!(
            "{HEADER}components:\n  schemas:\n    a: {{type: object}}\n    b:\n      properties:\n        p: {{$ref: '#/components/schemas/a', nullable: true, description: D}}\n"
        );
        let imported = import_text(&spec, Selection::All).unwrap();
        assert_eq!(
            imported.schema["$defs"]["b"]["properties"]["p"],
            json!({"description": "D", "anyOf": [{"$ref": "#/$defs/a"}, {"type": "null"}]})
        );
        assert_eq!(
            imported
                .origins
                .get("/$defs/b/properties/p/anyOf/0")
                .map(String::as_str),
            Some("/components/schemas/b/properties/p")
        );
    }

    #[test]
    fn keywords_json_schema_cannot_read_are_dropped_with_a_warning_or_refused_under_strict() {
        let spec = format!(
            "{HEADER}components:\n  schemas:\n    a:\n      type: object\n      properties:\n        id: {{type: strin}}\n        n: {{type: integer, minimum: '3', maxLength: -1}}\n        t: {{type: [string, string]}}\n        ok: {{type: [string, 'null'], minimum: 1.5, maxItems: 2.0}}\n"
        );
        let imported = import_text(&spec, Selection::All).unwrap();
        let properties = &imported.schema["$defs"]["a"]["properties"];
        assert_eq!(properties["id"], json!({"x-invalid-type": "strin"}));
        assert_eq!(
            properties["n"],
            json!({"type": "integer", "x-invalid-minimum": "3", "x-invalid-maxLength": -1})
        );
        assert_eq!(
            properties["t"],
            json!({"x-invalid-type": ["string", "string"]})
        );
        assert_eq!(
            properties["ok"],
            json!({"type": ["string", "null"], "minimum": 1.5, "maxItems": 2.0})
        );
        let warnings: Vec<String> = imported.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(warnings.len(), 4, "{warnings:#?}");
        assert!(
            warnings[0].starts_with("spec.yaml:8:20: `type` must be one of string, number,"),
            "{warnings:#?}"
        );
        assert!(
            warnings[0].contains(
                "found \"strin\"; the schema does not assert it (kept as `x-invalid-type`)"
            ),
            "{warnings:#?}"
        );
        assert!(
            warnings[1].contains("`minimum` must be a number, found \"3\""),
            "{warnings:#?}"
        );
        assert!(
            warnings[2].contains("`maxLength` must be a non-negative integer, found -1"),
            "{warnings:#?}"
        );

        let doc = crate::source::parse(Path::new("spec.yaml"), spec.as_bytes()).unwrap();
        let strict = Options {
            selection: Selection::All,
            strict: true,
        };
        let error = import(&doc, &strict).unwrap_err().to_string();
        assert!(
            error.starts_with("spec.yaml:8:20: `type` must be"),
            "{error}"
        );
        assert!(
            error.ends_with("at #/components/schemas/a/properties/id/type"),
            "{error}"
        );
    }

    #[test]
    fn malformed_applicators_are_set_aside_with_a_warning_or_refused_under_strict() {
        let spec = format!(
            "{HEADER}components:\n  schemas:\n    a:\n      type: object\n      properties:\n        p: {{items: 5, type: array}}\n        q: {{$ref: 7}}\n        r: {{allOf: [1]}}\n        s: {{properties: 3, required: [1]}}\n"
        );
        let imported = import_text(&spec, Selection::All).unwrap();
        let properties = &imported.schema["$defs"]["a"]["properties"];
        assert_eq!(
            properties["p"],
            json!({"x-invalid-items": 5, "type": "array"})
        );
        assert_eq!(properties["q"], json!({"x-invalid-$ref": 7}));
        assert_eq!(properties["r"], json!({"x-invalid-allOf": [1]}));
        assert_eq!(
            properties["s"],
            json!({"x-invalid-properties": 3, "x-invalid-required": [1]})
        );
        let warnings: Vec<String> = imported.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            warnings[0],
            "spec.yaml:8:20: expected a schema (a mapping), found 5; the schema does not assert `items` (kept as `x-invalid-items`) (at #/components/schemas/a/properties/p/items)"
        );
        assert_eq!(warnings.len(), 5, "{warnings:#?}");

        let doc = crate::source::parse(Path::new("spec.yaml"), spec.as_bytes()).unwrap();
        let strict = Options {
            selection: Selection::All,
            strict: true,
        };
        let error = import(&doc, &strict).unwrap_err().to_string();
        assert_eq!(
            error,
            "spec.yaml:8:20: expected a schema (a mapping) (without --strict this is a warning and the schema does not assert `items`) at #/components/schemas/a/properties/p/items"
        );
    }

    #[test]
    fn exclusive_bounds_become_numbers() {
        let spec = format!(
            "{HEADER}components:\n  schemas:\n    a: {{type: integer, maximum: 5, exclusiveMaximum: true, minimum: 1, exclusiveMinimum: false}}\n"
        );
        let imported = import_text(&spec, Selection::All).unwrap();
        assert_eq!(
            imported.schema["$defs"]["a"],
            json!({"type": "integer", "minimum": 1, "exclusiveMaximum": 5})
        );
    }

    #[test]
    fn selection_brings_references_along_and_nothing_else() {
        let spec = format!(
            "{HEADER}components:\n  schemas:\n    a: {{properties: {{b: {{$ref: '#/components/schemas/b'}}}}}}\n    b: {{type: string}}\n    c: {{type: string}}\n"
        );
        let imported = import_text(&spec, Selection::Names(vec!["a".into()])).unwrap();
        let names: Vec<&String> = imported.schema["$defs"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(names, ["a", "b"]);
    }

    #[test]
    fn unknown_names_suggest_close_ones() {
        let spec = format!(
            "{HEADER}components:\n  schemas:\n    contact: {{type: object}}\n    company: {{type: object}}\n"
        );
        let error = import_text(&spec, Selection::Names(vec!["contacts".into()])).unwrap_err();
        assert_eq!(
            error.to_string(),
            "spec.yaml: unknown schema or operationId `contacts`; closest known names: contact"
        );
    }

    #[test]
    fn swagger_and_openapi_31_are_refused_by_name() {
        let error = import_text("swagger: '2.0'\n", Selection::All).unwrap_err();
        assert!(
            error.to_string().contains("Swagger 2.0 is not supported"),
            "{error}"
        );
        let error = import_text("openapi: 3.1.0\n", Selection::All).unwrap_err();
        assert!(
            error.to_string().contains("OpenAPI 3.1.0 is not supported"),
            "{error}"
        );
    }
}
