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

/// The envelope of a document `cargo xtask import` wrote: `x-provenance`
/// and `x-operations`.
pub use crate::schema_document::{Body, Operation, Provenance, RequestBody, Response};

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
