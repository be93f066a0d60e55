//! The one check before anything is read: the document is OpenAPI 3.0.

use serde_json::Value;

use super::ImportError;
use crate::source::Document;

pub(super) fn check_version(doc: &Document) -> Result<(), ImportError> {
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

/// A scalar as text: a string as written, anything else as JSON (YAML reads
/// `version: 2.16` as a number).
pub(super) fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
