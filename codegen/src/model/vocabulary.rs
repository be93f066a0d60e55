//! Dialects: which vocabularies, and so which keywords, a schema's `$schema`
//! switches on. Draft 2020-12 switches on all of those this project knows; a
//! metaschema from the registry switches on those its `$vocabulary` lists.
//! A keyword whose vocabulary is off is an unknown keyword: an annotation
//! that asserts nothing and applies nothing.

use serde_json::Value;

use super::uri::split_fragment;
use super::{ModelError, Registry};

/// The one dialect this project reads without a metaschema.
pub(super) const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

const VOCABULARY_BASE: &str = "https://json-schema.org/draft/2020-12/vocab/";

/// The vocabularies of draft 2020-12 this project implements, each with
/// its keywords. The core vocabulary (`$id`, `$ref`, `$defs`...) is always
/// on: without it nothing else could be read.
const VOCABULARIES: [(&str, &[&str]); 6] = [
    (
        "applicator",
        &[
            "prefixItems",
            "items",
            "contains",
            "additionalProperties",
            "properties",
            "patternProperties",
            "dependentSchemas",
            "propertyNames",
            "if",
            "then",
            "else",
            "allOf",
            "anyOf",
            "oneOf",
            "not",
        ],
    ),
    (
        "unevaluated",
        &["unevaluatedItems", "unevaluatedProperties"],
    ),
    (
        "validation",
        &[
            "type",
            "const",
            "enum",
            "multipleOf",
            "maximum",
            "exclusiveMaximum",
            "minimum",
            "exclusiveMinimum",
            "maxLength",
            "minLength",
            "pattern",
            "maxItems",
            "minItems",
            "uniqueItems",
            "maxContains",
            "minContains",
            "maxProperties",
            "minProperties",
            "required",
            "dependentRequired",
        ],
    ),
    (
        "meta-data",
        &[
            "title",
            "description",
            "default",
            "deprecated",
            "readOnly",
            "writeOnly",
            "examples",
        ],
    ),
    ("format-annotation", &["format"]),
    (
        "content",
        &["contentEncoding", "contentMediaType", "contentSchema"],
    ),
];

/// A set of [`VOCABULARIES`], one bit each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Vocabularies(u8);

impl Vocabularies {
    /// Draft 2020-12 as its own metaschema declares it.
    pub(super) const ALL: Vocabularies = Vocabularies((1 << VOCABULARIES.len()) - 1);

    /// Whether `keyword` means what its vocabulary says. Keywords of no
    /// vocabulary (core, OpenAPI's, unknown ones) are not switched off here.
    pub(super) fn enables(self, keyword: &str) -> bool {
        self == Vocabularies::ALL
            || VOCABULARIES
                .iter()
                .position(|(_, keywords)| keywords.contains(&keyword))
                .is_none_or(|bit| self.0 & (1 << bit) != 0)
    }

    /// The vocabularies of the dialect `$schema` names, at `pointer`.
    pub(super) fn of_dialect(
        dialect: &str,
        registry: &Registry,
        pointer: &str,
    ) -> Result<Vocabularies, ModelError> {
        let mut uri = dialect;
        // A metaschema without `$vocabulary` has those of its own `$schema`;
        // the bound stops metaschemas that name each other.
        for _ in 0..8 {
            let (resource, fragment) = split_fragment(uri);
            if resource == DRAFT_2020_12 && fragment.is_none_or(str::is_empty) {
                return Ok(Vocabularies::ALL);
            }
            let unsupported = |reason: String| ModelError::Unsupported {
                pointer: pointer.to_owned(),
                keyword: "$schema".into(),
                reason,
            };
            let metaschema = match fragment {
                None | Some("") => registry.get(resource).map(|(_, document)| document),
                Some(_) => None,
            };
            let Some(metaschema) = metaschema else {
                let through = if uri == dialect {
                    String::new()
                } else {
                    format!(" (the `$schema` of the metaschema {dialect} leads there)")
                };
                return Err(unsupported(format!(
                    "only the draft 2020-12 dialect ({DRAFT_2020_12}) and the metaschemas registered beside the schema are read, not {uri}{through}"
                )));
            };
            let Some(declared) = metaschema.get("$vocabulary") else {
                match metaschema.get("$schema").and_then(Value::as_str) {
                    Some(next) => {
                        uri = next;
                        continue;
                    }
                    None => {
                        return Err(unsupported(format!(
                            "the metaschema {uri} declares neither `$vocabulary` nor `$schema`"
                        )));
                    }
                }
            };
            return Vocabularies::declared(declared, uri, pointer);
        }
        Err(ModelError::Unsupported {
            pointer: pointer.to_owned(),
            keyword: "$schema".into(),
            reason: format!(
                "the metaschemas {dialect} leads to name each other's `$schema` without declaring `$vocabulary`"
            ),
        })
    }

    /// The vocabularies a metaschema's `$vocabulary` declares: those it
    /// lists are on, whether required or not; one it requires and this
    /// project does not know is an error; one it does not require and this
    /// project does not know is left out, as the specification allows.
    fn declared(
        declared: &Value,
        metaschema: &str,
        pointer: &str,
    ) -> Result<Vocabularies, ModelError> {
        let Value::Object(entries) = declared else {
            return Err(ModelError::Invalid {
                pointer: pointer.to_owned(),
                keyword: "$schema".into(),
                expected: format!(
                    "a metaschema whose `$vocabulary` is an object of vocabulary URIs to true or false ({metaschema})"
                ),
            });
        };
        let mut on = 0;
        for (vocabulary, required) in entries {
            let Some(required) = required.as_bool() else {
                return Err(ModelError::Invalid {
                    pointer: pointer.to_owned(),
                    keyword: "$schema".into(),
                    expected: format!(
                        "a metaschema whose `$vocabulary` maps each vocabulary to true or false, not {required} for {vocabulary} ({metaschema})"
                    ),
                });
            };
            let known = vocabulary.strip_prefix(VOCABULARY_BASE).and_then(|name| {
                VOCABULARIES
                    .iter()
                    .position(|(known, _)| *known == name)
                    .map(Some)
                    .or_else(|| (name == "core").then_some(None))
            });
            match known {
                Some(Some(bit)) => on |= 1 << bit,
                Some(None) => {}
                None if required => {
                    return Err(ModelError::Unsupported {
                        pointer: pointer.to_owned(),
                        keyword: "$schema".into(),
                        reason: format!(
                            "the metaschema {metaschema} requires the vocabulary {vocabulary}, which this project does not implement"
                        ),
                    });
                }
                None => {}
            }
        }
        Ok(Vocabularies(on))
    }
}
