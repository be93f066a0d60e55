//! The reference's own defects: keywords whose values JSON Schema cannot
//! read. Each is a warning and set aside as `x-invalid-<keyword>`, or an
//! error under `--strict`.

use serde_json::{Map, Value};

use super::{ImportError, Importer, malformed};

/// How a defect that `--strict` refuses says what it is otherwise.
const STRICT_ONLY: &str = "without --strict this is a warning";

/// What the value of a JSON Schema assertion or annotation keyword must be,
/// when `value` is not that (the draft 2020-12 meta-schema's rules).
pub(super) fn keyword_defect(key: &str, value: &Value) -> Option<&'static str> {
    const TYPES: [&str; 7] = [
        "string", "number", "integer", "boolean", "array", "object", "null",
    ];
    let is_type = |v: &Value| v.as_str().is_some_and(|t| TYPES.contains(&t));
    let count = |v: &Value| {
        v.as_u64().is_some() || v.as_f64().is_some_and(|f| f >= 0.0 && f.fract() == 0.0)
    };
    let (valid, expected) = match key {
        "type" => (
            is_type(value)
                || value.as_array().is_some_and(|types| {
                    types.iter().all(is_type)
                        && types
                            .iter()
                            .filter_map(Value::as_str)
                            .collect::<std::collections::BTreeSet<_>>()
                            .len()
                            == types.len()
                }),
            "one of string, number, integer, boolean, array, object, null (or a list of them without repeats)",
        ),
        "required" => (
            value
                .as_array()
                .is_some_and(|names| names.iter().all(Value::is_string)),
            "a list of property names",
        ),
        "enum" => (value.is_array(), "a list of values"),
        "multipleOf" => (
            value.as_f64().is_some_and(|f| f > 0.0),
            "a number greater than 0",
        ),
        "maximum" | "minimum" | "exclusiveMaximum" | "exclusiveMinimum" => {
            (value.is_number(), "a number")
        }
        "maxLength" | "minLength" | "maxItems" | "minItems" | "maxContains" | "minContains"
        | "maxProperties" | "minProperties" => (count(value), "a non-negative integer"),
        "uniqueItems" | "readOnly" | "writeOnly" | "deprecated" => {
            (value.is_boolean(), "true or false")
        }
        "dependentRequired" => (
            value.as_object().is_some_and(|map| {
                map.values().all(|names| {
                    names
                        .as_array()
                        .is_some_and(|n| n.iter().all(Value::is_string))
                })
            }),
            "an object of lists of property names",
        ),
        "pattern" | "format" | "title" | "description" | "$comment" | "contentEncoding"
        | "contentMediaType" => (value.is_string(), "a string"),
        _ => return None,
    };
    (!valid).then_some(expected)
}

/// A value as a message shows it: its JSON, cut short.
pub(super) fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

impl Importer<'_> {
    /// A keyword of the reference that JSON Schema cannot read: an error under
    /// `strict`, else a warning, and the keyword is set aside in `schema` so
    /// that the rest of the schema is still generated.
    pub(super) fn defect(
        &mut self,
        pointer: &str,
        key: &str,
        value: &Value,
        message: &str,
        schema: &mut Map<String, Value>,
    ) -> Result<(), ImportError> {
        if self.options.strict {
            return Err(malformed(
                self.doc,
                pointer,
                &format!("{message} ({STRICT_ONLY} and the schema does not assert it)"),
            ));
        }
        self.set_aside(
            pointer,
            key,
            value,
            &format!("{message}; the schema does not assert it (kept as `x-invalid-{key}`)"),
            schema,
        );
        Ok(())
    }

    /// Keeps `value` of the keyword `key` in `schema` as `x-invalid-<key>`,
    /// where it asserts nothing, and says so at `pointer`.
    fn set_aside(
        &mut self,
        pointer: &str,
        key: &str,
        value: &Value,
        warning: &str,
        schema: &mut Map<String, Value>,
    ) {
        self.warn(pointer, warning);
        schema.insert(format!("x-invalid-{key}"), value.clone());
    }

    /// `error` when it is not a malformed value at or under the keyword
    /// `key` (at `pointer`) or when `strict`; else a warning, and the
    /// keyword kept aside as `x-invalid-<key>`, asserting nothing.
    pub(super) fn tolerate(
        &mut self,
        error: ImportError,
        key: &str,
        value: &Value,
        pointer: &str,
        result: &mut Map<String, Value>,
    ) -> Result<(), ImportError> {
        let ImportError::Malformed {
            pointer: at,
            expected,
            ..
        } = &error
        else {
            return Err(error);
        };
        let within = at == pointer || at.starts_with(&format!("{pointer}/"));
        if !within {
            return Err(error);
        }
        if self.options.strict {
            let mut error = error;
            // The innermost keyword names itself; outer ones pass it on.
            if let ImportError::Malformed { expected, .. } = &mut error
                && !expected.contains(STRICT_ONLY)
            {
                expected.push_str(&format!(
                    " ({STRICT_ONLY} and the schema does not assert `{key}`)"
                ));
            }
            return Err(error);
        }
        let found = self
            .doc
            .value
            .pointer(at)
            .map_or_else(String::new, |found| format!(", found {}", short(found)));
        let warning = format!(
            "{expected}{found}; the schema does not assert `{key}` (kept as `x-invalid-{key}`)"
        );
        let at = at.clone();
        self.set_aside(&at, key, value, &warning, result);
        Ok(())
    }
}
