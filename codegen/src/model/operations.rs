//! `x-provenance` and `x-operations`: what `cargo xtask import` wrote beside
//! the schemas, read as they were written.

use serde_json::Value;

use super::ModelError;
use super::parse::invalid;

/// `x-provenance` and `x-operations` of a document, when it has them.
pub(super) fn read(document: &Value) -> Result<(Option<Provenance>, Vec<Operation>), ModelError> {
    let provenance = document
        .get("x-provenance")
        .map(parse_provenance)
        .transpose()?;
    let operations = match document.get("x-operations") {
        Some(ops) => parse_operations(ops)?,
        None => Vec::new(),
    };
    Ok((provenance, operations))
}

/// Where `cargo xtask import` took a document from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    pub title: String,
    pub version: String,
    pub openapi: String,
    pub source: String,
    pub sha256: String,
    /// `None` for `--all`, else the names given to `--select`.
    pub selection: Option<Vec<String>>,
    /// The overlays applied before the import, in order: file name and SHA-256.
    pub overlays: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The reference's operationId, or one import derived from the method and path.
    pub operation_id: String,
    /// The reference gives no operationId.
    pub operation_id_derived: bool,
    pub method: String,
    pub path: String,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    pub deprecated: bool,
    pub request: Option<RequestBody>,
    /// Status code (`"200"`, `"4XX"`, `"default"`) and its body, in document order.
    pub responses: Vec<Response>,
    /// The JSON pointer of the operation in the reference.
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// As written: `"200"`, `"4XX"`, `"default"`.
    pub status: String,
    pub description: Option<String>,
    pub body: Option<Body>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestBody {
    pub body: Body,
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    pub content_type: String,
    /// The `$defs` entry of the body's schema, when it has one.
    pub schema: Option<String>,
}

fn parse_provenance(raw: &Value) -> Result<Provenance, ModelError> {
    let text = |key: &str| {
        raw.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let selection = match raw.get("selection") {
        Some(Value::Array(names)) => Some(
            names
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
        ),
        _ => None,
    };
    if !raw.is_object() {
        return Err(invalid("", "x-provenance", "an object"));
    }
    Ok(Provenance {
        title: text("title"),
        version: text("version"),
        openapi: text("openapi"),
        source: text("source"),
        sha256: text("sha256"),
        selection,
        overlays: raw
            .get("overlays")
            .and_then(Value::as_array)
            .map(|overlays| {
                overlays
                    .iter()
                    .map(|overlay| {
                        let text = |key: &str| {
                            overlay
                                .get(key)
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_string()
                        };
                        (text("file"), text("sha256"))
                    })
                    .collect()
            })
            .unwrap_or_default(),
    })
}

fn parse_operations(raw: &Value) -> Result<Vec<Operation>, ModelError> {
    let Value::Array(entries) = raw else {
        return Err(invalid("", "x-operations", "a list of operations"));
    };
    let mut operations = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let pointer = format!("/x-operations/{i}");
        let text = |key: &str| entry.get(key).and_then(Value::as_str).map(str::to_string);
        let body = |raw: &Value| Body {
            content_type: raw
                .get("content_type")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            schema: raw
                .get("schema")
                .and_then(Value::as_str)
                .map(str::to_string),
        };
        let (Some(method), Some(path)) = (text("method"), text("path")) else {
            return Err(invalid(
                &pointer,
                "x-operations",
                "an operation with a method and a path",
            ));
        };
        let request = entry.get("request").map(|raw| RequestBody {
            body: body(raw),
            required: raw
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        });
        let responses = match entry.get("responses") {
            Some(Value::Object(map)) => map
                .iter()
                .map(|(status, raw)| {
                    let has_body = raw.get("content_type").is_some();
                    Response {
                        status: status.clone(),
                        description: raw
                            .get("description")
                            .and_then(Value::as_str)
                            .map(str::to_string),
                        body: has_body.then(|| body(raw)),
                    }
                })
                .collect(),
            _ => Vec::new(),
        };
        let flag = |key: &str| entry.get(key).and_then(Value::as_bool).unwrap_or(false);
        let tags = match entry.get("tags") {
            Some(Value::Array(tags)) => tags
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        };
        // Documents imported before every operation had an id: the same
        // derivation as import's.
        let (operation_id, operation_id_derived) = match text("operation_id") {
            Some(id) => (id, flag("operation_id_derived")),
            None => {
                use heck::ToLowerCamelCase;
                (format!("{method} {path}").to_lower_camel_case(), true)
            }
        };
        operations.push(Operation {
            operation_id,
            operation_id_derived,
            summary: text("summary"),
            tags,
            deprecated: flag("deprecated"),
            method,
            path,
            request,
            responses,
            source: text("source").unwrap_or_default(),
        });
    }
    Ok(operations)
}
