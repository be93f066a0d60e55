//! One OpenAPI 3.0 schema object converted into JSON Schema 2020-12,
//! keyword by keyword.

use serde_json::{Map, Value};

use super::defects::{keyword_defect, short};
use super::refs::Reference;
use super::{ImportError, Importer, malformed};
use crate::source::escape_pointer_token;

impl Importer<'_> {
    /// Converts one OpenAPI schema object into JSON Schema 2020-12.
    pub(super) fn convert(
        &mut self,
        schema: &Value,
        pointer: &str,
        out: &str,
    ) -> Result<Value, ImportError> {
        self.origins.insert(out.to_string(), pointer.to_string());
        let map = match schema {
            Value::Bool(_) => return Ok(schema.clone()),
            Value::Object(map) => map,
            _ => {
                return Err(malformed(
                    self.doc,
                    pointer,
                    "expected a schema (a mapping)",
                ));
            }
        };
        let mut result = Map::new();
        let mut nullable = false;
        let mut exclusive_maximum = false;
        let mut exclusive_minimum = false;
        for (key, value) in map {
            let child = format!("{pointer}/{}", escape_pointer_token(key));
            let child_out = format!("{out}/{}", escape_pointer_token(key));
            // A keyword whose value is not what it must be (a number where a
            // schema belongs, a list where a map does) is the reference's
            // defect: set aside with a warning, or refused under --strict.
            let outcome = (|| -> Result<(), ImportError> {
                match key.as_str() {
                    "$ref" => {
                        let converted = self.convert_ref(value, &child)?;
                        match converted {
                            Reference::Resolved(target) => {
                                result.insert(key.clone(), Value::String(target));
                            }
                            Reference::Unresolved(reference) => {
                                result.insert(
                                    "x-unresolved-ref".to_string(),
                                    Value::String(reference),
                                );
                                result.insert(
                                    "$comment".to_string(),
                                    Value::String(
                                        "the reference points nowhere; this schema accepts any value"
                                            .to_string(),
                                    ),
                                );
                            }
                        }
                    }
                    "nullable" => nullable = value.as_bool().unwrap_or(false),
                    "example" => append_example(&mut result, value.clone()),
                    "examples" => match value {
                        Value::Array(values) => {
                            for value in values {
                                append_example(&mut result, value.clone());
                            }
                        }
                        other => append_example(&mut result, other.clone()),
                    },
                    "exclusiveMaximum" | "exclusiveMinimum" if value.is_boolean() => {
                        let flag = value.as_bool() == Some(true);
                        if key == "exclusiveMaximum" {
                            exclusive_maximum = flag;
                        } else {
                            exclusive_minimum = flag;
                        }
                    }
                    "properties" | "patternProperties" | "dependentSchemas" | "$defs"
                    | "definitions" => {
                        let Some(children) = value.as_object() else {
                            return Err(malformed(
                                self.doc,
                                &child,
                                "expected a mapping of schemas",
                            ));
                        };
                        let mut converted = Map::new();
                        for (name, subschema) in children {
                            let token = escape_pointer_token(name);
                            let sub = self.convert(
                                subschema,
                                &format!("{child}/{token}"),
                                &format!("{child_out}/{token}"),
                            )?;
                            converted.insert(name.clone(), sub);
                        }
                        let key = if key == "definitions" {
                            "$defs"
                        } else {
                            key.as_str()
                        };
                        result.insert(key.to_string(), Value::Object(converted));
                    }
                    "items" if value.is_array() => {
                        // OpenAPI 3.0 forbids the array form; draft 2020-12 spells it prefixItems.
                        let converted =
                            self.convert_list(value, &child, &format!("{out}/prefixItems"))?;
                        result.insert("prefixItems".to_string(), converted);
                    }
                    "items"
                    | "additionalProperties"
                    | "not"
                    | "propertyNames"
                    | "contains"
                    | "if"
                    | "then"
                    | "else"
                    | "unevaluatedProperties"
                    | "unevaluatedItems" => {
                        let converted = self.convert(value, &child, &child_out)?;
                        result.insert(key.clone(), converted);
                    }
                    "allOf" | "anyOf" | "oneOf" | "prefixItems" => {
                        let converted = self.convert_list(value, &child, &child_out)?;
                        result.insert(key.clone(), converted);
                    }
                    "discriminator" => {
                        let converted = self.convert_discriminator(value, &child)?;
                        result.insert(key.clone(), converted);
                    }
                    "required" | "type" | "enum" | "const" | "multipleOf" | "maximum"
                    | "minimum" | "exclusiveMaximum" | "exclusiveMinimum" | "maxLength"
                    | "minLength" | "pattern" | "maxItems" | "minItems" | "uniqueItems"
                    | "maxContains" | "minContains" | "maxProperties" | "minProperties"
                    | "dependentRequired" | "format" | "default" | "title" | "description"
                    | "readOnly" | "writeOnly" | "deprecated" | "$comment" | "contentEncoding"
                    | "contentMediaType" => match keyword_defect(key, value) {
                        None => {
                            result.insert(key.clone(), value.clone());
                        }
                        Some(expected) => self.defect(
                            &child,
                            key,
                            value,
                            &format!("`{key}` must be {expected}, found {}", short(value)),
                            &mut result,
                        )?,
                    },
                    // Documentation-only OpenAPI keywords and vendor extensions.
                    "xml" | "externalDocs" => {}
                    _ if key.starts_with("x-") => {}
                    _ => self.warn(
                        &child,
                        &format!("unknown schema keyword `{key}` is dropped"),
                    ),
                }
                Ok(())
            })();
            if let Err(error) = outcome {
                self.tolerate(error, key, value, &child, &mut result)?;
            }
        }
        if exclusive_maximum && let Some(maximum) = result.remove("maximum") {
            result.insert("exclusiveMaximum".to_string(), maximum);
        }
        if exclusive_minimum && let Some(minimum) = result.remove("minimum") {
            result.insert("exclusiveMinimum".to_string(), minimum);
        }
        if nullable {
            result = self.make_nullable(result, out);
        }
        Ok(Value::Object(result))
    }

    fn convert_list(
        &mut self,
        value: &Value,
        pointer: &str,
        out: &str,
    ) -> Result<Value, ImportError> {
        let Some(items) = value.as_array() else {
            return Err(malformed(self.doc, pointer, "expected a list of schemas"));
        };
        let mut converted = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            converted.push(self.convert(item, &format!("{pointer}/{i}"), &format!("{out}/{i}"))?);
        }
        Ok(Value::Array(converted))
    }

    fn convert_discriminator(
        &mut self,
        value: &Value,
        pointer: &str,
    ) -> Result<Value, ImportError> {
        let Some(map) = value.as_object() else {
            return Err(malformed(
                self.doc,
                pointer,
                "expected a discriminator mapping",
            ));
        };
        let mut result = Map::new();
        for (key, value) in map {
            match key.as_str() {
                "propertyName" => {
                    result.insert(key.clone(), value.clone());
                }
                "mapping" => {
                    let Some(mapping) = value.as_object() else {
                        return Err(malformed(
                            self.doc,
                            &format!("{pointer}/mapping"),
                            "expected a mapping of values to schemas",
                        ));
                    };
                    let mut converted = Map::new();
                    for (tag, target) in mapping {
                        let target_pointer =
                            format!("{pointer}/mapping/{}", escape_pointer_token(tag));
                        let Some(target) = target.as_str() else {
                            return Err(malformed(
                                self.doc,
                                &target_pointer,
                                "expected a schema reference",
                            ));
                        };
                        // OpenAPI allows a bare component name here.
                        let reference = if target.contains('#') || target.contains('/') {
                            target.to_string()
                        } else {
                            format!("#/components/schemas/{}", escape_pointer_token(target))
                        };
                        let converted_target = match self
                            .convert_ref(&Value::String(reference), &target_pointer)?
                        {
                            Reference::Resolved(target) | Reference::Unresolved(target) => target,
                        };
                        converted.insert(tag.clone(), Value::String(converted_target));
                    }
                    result.insert(key.clone(), Value::Object(converted));
                }
                _ => {}
            }
        }
        Ok(Value::Object(result))
    }
}

fn append_example(schema: &mut Map<String, Value>, example: Value) {
    match schema
        .entry("examples")
        .or_insert_with(|| Value::Array(Vec::new()))
    {
        Value::Array(values) => values.push(example),
        _ => unreachable!("examples is only ever written as an array"),
    }
}
