//! The operations of the reference, collected before selection: their
//! method, path and operationId, and the schema and examples of each request
//! and response body.

use heck::ToSnakeCase;
use serde_json::Value;

use super::{ImportError, Importer, malformed};
use crate::schema_document::derived_operation_id;
use crate::source::{escape_pointer_token, unescape_pointer_token};

const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation of the reference, as found before selection.
pub(super) struct Operation {
    pub(super) method: String,
    pub(super) path: String,
    /// The reference's operationId, or one derived from the method and path.
    pub(super) operation_id: String,
    /// The reference gives no operationId (2.14+ has reporting-export operations without one).
    pub(super) operation_id_derived: bool,
    pub(super) summary: Option<String>,
    pub(super) tags: Vec<String>,
    pub(super) deprecated: bool,
    pub(super) pointer: String,
    pub(super) request: Option<Body>,
    pub(super) request_required: bool,
    pub(super) responses: Vec<Response>,
}

pub(super) struct Response {
    pub(super) status: String,
    pub(super) description: Option<String>,
    pub(super) body: Option<Body>,
}

/// A request or response body: its media type and the schema it points at.
pub(super) struct Body {
    pub(super) content_type: String,
    pub(super) target: BodySchema,
    /// Media-type examples: (pointer, value).
    pub(super) examples: Vec<(String, Value)>,
}

pub(super) enum BodySchema {
    /// The body is exactly a component schema (or a `$ref` to one).
    Component(String),
    /// An inline schema, imported as its own `$defs` entry.
    Inline { name: String, pointer: String },
    /// A media type with no schema.
    None,
}

impl BodySchema {
    /// The `$defs` entry of the body's schema, when it has one.
    pub(super) fn name(&self) -> Option<&str> {
        match self {
            BodySchema::Component(name) | BodySchema::Inline { name, .. } => Some(name),
            BodySchema::None => None,
        }
    }
}

impl<'a> Importer<'a> {
    pub(super) fn collect_operations(&mut self) -> Result<(), ImportError> {
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
