//! What an import gives: the document `schema/` holds, filled from the
//! collected operations and converted schemas, and its bytes.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use super::operations::{Body, BodySchema};
use super::version::scalar_text;
use super::{BoundExample, Imported, Importer, Selection, Warning, display_pointer};

/// The name of the file `import` writes into its output directory.
pub const SCHEMA_FILE: &str = "intercom.schema.json";

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

impl Importer<'_> {
    pub(super) fn finish(mut self) -> Imported {
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
