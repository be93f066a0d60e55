//! The first pass: an OpenAPI 3.0 reference in, a JSON Schema draft 2020-12
//! document out (what `schema/` holds).
//!
//! The output has one `$defs` entry per component schema, named as the
//! reference names it, and one per inline request or response body, named
//! `<operationId>_request` and `<operationId>_response_<status>`. It records
//! its provenance (`x-provenance`) and the operations it covers
//! (`x-operations`).
//!
//! The pass reads the version (`version`), collects the operations and their
//! bodies (`operations`), converts each selected schema (`convert`, with
//! `nullable` and `refs`), reports the reference's own defects (`defects`)
//! and fills the document `schema/` holds (`output`).

mod convert;
mod defects;
mod nullable;
mod operations;
mod output;
mod refs;
mod version;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::PathBuf;

use serde_json::{Map, Value};

use crate::source::{Document, Position, escape_pointer_token};

use operations::{BodySchema, Operation};
pub use output::{SCHEMA_FILE, render, write};
use version::check_version;

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

    fn warn(&mut self, pointer: &str, message: &str) {
        let (path, position) = self.doc.locate(pointer);
        self.warnings.push(Warning {
            path,
            position,
            pointer: pointer.to_string(),
            message: message.to_string(),
        });
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
