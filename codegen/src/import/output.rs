//! What an import gives: the document `schema/` holds, its envelope
//! ([`crate::schema_document`]) filled from the collected operations and
//! the converted schemas, and its bytes.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::operations::{Body, Operation};
use super::version::scalar_text;
use super::{BoundExample, Imported, Importer, Selection, Warning, display_pointer};
use crate::schema_document::{self, Provenance, RequestBody, SchemaDocument};

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
        let operations: Vec<schema_document::Operation> = included
            .iter()
            .map(|&index| written_operation(&self.operations[index]))
            .collect();
        let examples = included
            .iter()
            .flat_map(|&index| self.bound_examples(&self.operations[index]))
            .collect();
        let info = self.doc.value.get("info");
        let title = info
            .and_then(|i| i.get("title"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
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
            Selection::All => None,
            Selection::Names(names) => Some(names.clone()),
        };
        let document = SchemaDocument {
            dialect: schema_document::DIALECT.to_string(),
            title: format!("{title} {version}").trim().to_string(),
            provenance: Provenance {
                title,
                version,
                openapi,
                source,
                sha256: self.doc.bytes_sha256.clone(),
                selection,
                command: schema_document::IMPORT_COMMAND.to_string(),
                overlays: self.doc.overlays.clone(),
            },
            operations,
            defs: std::mem::take(&mut self.defs).into_iter().collect(),
        };
        let schema = serde_json::to_value(&document).expect("the document serializes to JSON");
        let mut warnings = self.doc_warnings();
        warnings.append(&mut self.warnings);
        Imported {
            schema,
            warnings,
            examples,
            origins: self.origins,
        }
    }

    /// The examples of an operation's bodies, each bound to its body's schema.
    fn bound_examples(&self, op: &Operation) -> Vec<BoundExample> {
        let bodies = op
            .request
            .iter()
            .chain(op.responses.iter().filter_map(|r| r.body.as_ref()));
        let mut examples = Vec::new();
        for body in bodies {
            let Some(schema) = body.target.name() else {
                continue;
            };
            for (pointer, value) in &body.examples {
                examples.push(BoundExample {
                    schema: schema.to_string(),
                    pointer: pointer.clone(),
                    position: self.doc.position(pointer),
                    value: value.clone(),
                });
            }
        }
        examples
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

/// An operation as `x-operations` records it.
fn written_operation(op: &Operation) -> schema_document::Operation {
    schema_document::Operation {
        operation_id: op.operation_id.clone(),
        operation_id_derived: op.operation_id_derived,
        method: op.method.clone(),
        path: op.path.clone(),
        summary: op.summary.clone(),
        tags: op.tags.clone(),
        deprecated: op.deprecated,
        request: op.request.as_ref().map(|body| RequestBody {
            body: written_body(body),
            required: op.request_required,
        }),
        responses: op
            .responses
            .iter()
            .map(|response| schema_document::Response {
                status: response.status.clone(),
                body: response.body.as_ref().map(written_body),
                description: response.description.clone(),
            })
            .collect(),
        source: display_pointer(&op.pointer),
    }
}

fn written_body(body: &Body) -> schema_document::Body {
    schema_document::Body {
        content_type: body.content_type.clone(),
        schema: body.target.name().map(str::to_string),
    }
}
