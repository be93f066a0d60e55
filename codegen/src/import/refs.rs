//! `$ref`s: to a component, to any other node of the reference (hoisted
//! into its own `$defs` entry), to nothing; and loops of bare `$ref`s.

use heck::ToSnakeCase;
use serde_json::Value;

use super::{ImportError, Importer, malformed};
use crate::source::{escape_pointer_token, percent_decode, unescape_pointer_token};

/// What a `$ref` of the reference becomes in the output.
pub(super) enum Reference {
    /// A `$ref` to the `$defs` entry of its target.
    Resolved(String),
    /// The reference as written: it points nowhere.
    Unresolved(String),
}

impl Importer<'_> {
    /// Schemas that are only a `$ref` to one another in a loop (a → b → a)
    /// never reach a schema: the reference's defect, which would stop
    /// codegen. The loop is cut where it closes, at the first of its schemas
    /// by name, whose `$ref` is kept aside as `x-invalid-$ref`: that schema
    /// accepts any value, and the others refer to it.
    pub(super) fn break_reference_loops(&mut self) -> Result<(), ImportError> {
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

    pub(super) fn convert_ref(
        &mut self,
        value: &Value,
        pointer: &str,
    ) -> Result<Reference, ImportError> {
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
