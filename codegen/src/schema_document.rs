//! The envelope of the document `import` writes into `schema/` and `model`
//! reads back, as serde types: where the document came from
//! (`x-provenance`) and the operations it covers (`x-operations`). The
//! schemas under `$defs` stay `serde_json::Value`s, since JSON Schema is
//! open-ended.
//!
//! The fields are declared in the order the file writes them, and what is
//! empty or false is left out, so that the bytes of `schema/` do not change
//! when the reference does not.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The dialect an imported document declares.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The command an imported document names as its writer.
pub const IMPORT_COMMAND: &str = "cargo xtask import";

/// A whole imported document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchemaDocument {
    /// [`DIALECT`].
    #[serde(rename = "$schema")]
    pub dialect: String,
    /// The reference's title and version.
    pub title: String,
    #[serde(rename = "x-provenance")]
    pub provenance: Provenance,
    #[serde(rename = "x-operations")]
    pub operations: Vec<Operation>,
    /// One schema per component and per inline body, by name.
    #[serde(rename = "$defs")]
    pub defs: Map<String, Value>,
}

/// Where `cargo xtask import` took a document from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, expecting = "an object")]
pub struct Provenance {
    pub title: String,
    pub version: String,
    pub openapi: String,
    /// The reference's file name.
    pub source: String,
    pub sha256: String,
    /// `None` for `--all` (written `"all"`), else the names given to `--select`.
    #[serde(with = "selection")]
    pub selection: Option<Vec<String>>,
    /// [`IMPORT_COMMAND`].
    pub command: String,
    /// The overlays applied before the import, in order; left out when there
    /// are none, so that a reference without overlays imports to the bytes
    /// it always did.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overlays: Vec<AppliedOverlay>,
}

/// What applying one overlay did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedOverlay {
    /// The overlay's file name.
    pub file: String,
    pub sha256: String,
    pub title: String,
    pub version: String,
    pub actions: Vec<AppliedAction>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedAction {
    pub target: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// How many nodes the target selected when the action ran.
    pub matched: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(expecting = "an object")]
pub struct Operation {
    /// The reference's operationId, or one import derived from the method
    /// and path ([`derived_operation_id`]).
    #[serde(default)]
    pub operation_id: String,
    /// The reference gives no operationId.
    #[serde(default, skip_serializing_if = "is_false")]
    pub operation_id_derived: bool,
    pub method: String,
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<RequestBody>,
    /// Status code (`"200"`, `"4XX"`, `"default"`) and its body, in document
    /// order; written as an object keyed by the status.
    #[serde(default, with = "responses")]
    pub responses: Vec<Response>,
    /// Where the operation stands in the reference: a JSON pointer as a URI
    /// fragment (`#/paths/~1me/get`).
    #[serde(default)]
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// As written: `"200"`, `"4XX"`, `"default"`; the key of the response's
    /// entry, not a field of it.
    #[serde(skip)]
    pub status: String,
    /// A response has a body when its entry has a `content_type`.
    #[serde(flatten)]
    pub body: Option<Body>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestBody {
    #[serde(flatten)]
    pub body: Body,
    #[serde(default)]
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Body {
    pub content_type: String,
    /// The `$defs` entry of the body's schema, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
}

/// The operationId of an operation the reference gives none: its method and
/// path in lowerCamelCase (`GET /download/reporting_data/{job_identifier}` is
/// `getDownloadReportingDataJobIdentifier`), stable across versions.
pub fn derived_operation_id(method: &str, path: &str) -> String {
    use heck::ToLowerCamelCase;
    format!("{method} {path}").to_lower_camel_case()
}

fn is_false(flag: &bool) -> bool {
    !flag
}

/// `selection`: `"all"`, or the list of names.
mod selection {
    use std::fmt;

    use serde::de::{self, SeqAccess, Visitor};
    use serde::{Deserializer, Serialize, Serializer};

    const ALL: &str = "all";

    pub fn serialize<S: Serializer>(
        selection: &Option<Vec<String>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match selection {
            None => serializer.serialize_str(ALL),
            Some(names) => names.serialize(serializer),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Vec<String>>, D::Error> {
        struct Selection;
        impl<'de> Visitor<'de> for Selection {
            type Value = Option<Vec<String>>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "\"{ALL}\" or a list of names")
            }

            fn visit_str<E: de::Error>(self, word: &str) -> Result<Self::Value, E> {
                if word == ALL {
                    Ok(None)
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(word), &self))
                }
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element()? {
                    names.push(name);
                }
                Ok(Some(names))
            }
        }
        deserializer.deserialize_any(Selection)
    }
}

/// `responses`: an object keyed by status, read into a list in its order.
mod responses {
    use std::fmt;

    use serde::de::{MapAccess, Visitor};
    use serde::{Deserializer, Serializer};

    use super::Response;

    pub fn serialize<S: Serializer>(
        responses: &[Response],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_map(
            responses
                .iter()
                .map(|response| (&response.status, response)),
        )
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<Response>, D::Error> {
        struct ByStatus;
        impl<'de> Visitor<'de> for ByStatus {
            type Value = Vec<Response>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of responses by status")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut responses = Vec::new();
                while let Some((status, mut response)) = map.next_entry::<String, Response>()? {
                    response.status = status;
                    responses.push(response);
                }
                Ok(responses)
            }
        }
        deserializer.deserialize_map(ByStatus)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The document `schema/` holds reads into these types and writes back
    /// to the same bytes: every field is here, in its order.
    #[test]
    fn the_checked_in_schema_round_trips_byte_for_byte() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../schema")
            .join(crate::import::SCHEMA_FILE);
        let text = std::fs::read_to_string(path).unwrap();
        let document: SchemaDocument = serde_json::from_str(&text).unwrap();
        let value = serde_json::to_value(&document).unwrap();
        assert_eq!(crate::import::render(&value), text);
    }

    #[test]
    fn a_response_without_a_content_type_has_no_body() {
        let operation: Operation = serde_json::from_value(serde_json::json!({
            "method": "get",
            "path": "/a",
            "responses": {"204": {"description": "none"}, "200": {"content_type": "application/json"}}
        }))
        .unwrap();
        let statuses: Vec<(&str, bool)> = operation
            .responses
            .iter()
            .map(|response| (response.status.as_str(), response.body.is_some()))
            .collect();
        assert_eq!(statuses, [("204", false), ("200", true)]);
    }

    #[test]
    fn model_names_the_operation_it_cannot_read() {
        let error = crate::model::Model::parse(&serde_json::json!({
            "x-operations": [{"method": "get", "path": "/a"}, {"path": "/b"}]
        }))
        .unwrap_err();
        assert_eq!(error.keyword(), "x-operations");
        assert_eq!(
            error.to_string(),
            "#/x-operations/1: `x-operations`: expected an operation as `cargo xtask import` writes it (missing field `method`)"
        );
    }

    #[test]
    fn model_gives_an_operation_without_an_id_the_derived_one() {
        let model = crate::model::Model::parse(&serde_json::json!({
            "x-operations": [{"method": "get", "path": "/download/{job_identifier}"}]
        }))
        .unwrap();
        let operation = &model.operations[0];
        assert_eq!(operation.operation_id, "getDownloadJobIdentifier");
        assert!(operation.operation_id_derived);
    }

    #[test]
    fn a_selection_is_all_or_names() {
        let read = |selection: Value| {
            serde_json::from_value::<Provenance>(serde_json::json!({ "selection": selection }))
                .map(|provenance| provenance.selection)
                .map_err(|error| error.to_string())
        };
        assert_eq!(read("all".into()), Ok(None));
        assert_eq!(
            read(serde_json::json!(["a", "b"])),
            Ok(Some(vec!["a".to_owned(), "b".to_owned()]))
        );
        assert_eq!(
            read("some".into()),
            Err("invalid value: string \"some\", expected \"all\" or a list of names".to_owned())
        );
    }
}
