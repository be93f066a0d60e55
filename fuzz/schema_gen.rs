//! JSON Schema documents, in the form `schema/` holds, made from fuzz bytes:
//! the structure-aware input of the `codegen` target. Every keyword codegen
//! reads can appear, mostly well-formed and now and then malformed, with names
//! and texts chosen to collide once they are Rust identifiers and doc comments.
//! The tests crate replays the corpus through this file and compiles a sample
//! of what codegen makes of it.

use arbitrary::{Result, Unstructured};
use serde_json::{Map, Value, json};

const DEF_NAMES: &[&str] = &[
    "a",
    "b",
    "ticket",
    "Ticket",
    "ticket_list",
    "self",
    "type",
    "1",
    "a.b",
    "x y",
    "option",
    "value",
    "Nullable",
    "Timestamp",
    "result",
    "Error",
];
const PROPERTY_NAMES: &[&str] = &[
    "id", "type", "Type", "self", "crate", "r#type", "", "a-b", "1st", "é", "foo_bar", "fooBar",
    "FOO", "extra", "value", "Self", "_", "__", "super", "None", "Option", "String", "serde",
    "a/b", "~0", "$ref", "async",
];
const TYPES: &[&str] = &[
    "null", "boolean", "object", "array", "number", "string", "integer",
];
const PATTERNS: &[&str] = &[
    "^a+$",
    "(",
    "[a-z]{2,}",
    "(?=a)",
    "\\d",
    "^\\p{L}$",
    "a{1000000}",
    "",
    "^[^@]+@[^@]+$",
    "\\",
    "(a)\\1",
];
/// Formats codegen does not assert, beside those it does
/// (`intercom_codegen::validators::FORMATS`).
const OTHER_FORMATS: &[&str] = &["regex", "duration", "int64", "unix-timestamp", "unknown"];
const TEXTS: &[&str] = &[
    "plain",
    "*/ /*",
    "```rust\nfn x(\n```",
    "```\nnot rust {\n```",
    "<b>bold",
    "\u{0}",
    "line\nbreak\n\n\ttab",
    "[link](http://x) [broken]",
    "\\",
    "\"quoted\" 'single'",
    "#[attr] #![inner]",
    "`",
    "    indented code",
    "http://bare.url",
    "é ü 🦀",
];
const REFERENCES: &[&str] = &[
    "#",
    "#/$defs/missing",
    "#/properties/id",
    "other.json",
    "#/$defs/a/properties/id",
    "http://example.com/schema",
];
const METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "GET", "trace", "weird",
];
const PATHS: &[&str] = &[
    "/a",
    "/a/{id}",
    "/a/list",
    "/{x}/{x}",
    "",
    "/a b",
    "/a/{id}/b/{other_id}",
    "/",
    "/a/",
    "{id}",
];
const STATUSES: &[&str] = &["200", "201", "2XX", "default", "404", "99", "abc", "204"];
const CONTENT_TYPES: &[&str] = &["application/json", "text/plain", "application/problem+json"];

/// A whole document: `$defs` of up to five schemas, sometimes with operations.
pub fn document(u: &mut Unstructured) -> Result<Value> {
    let mut defs = Map::new();
    for _ in 0..u.int_in_range(1..=5)? {
        let name = *u.choose(DEF_NAMES)?;
        let schema = schema(u, 0)?;
        defs.insert(name.to_owned(), schema);
    }
    let names: Vec<String> = defs.keys().cloned().collect();
    let mut document = Map::new();
    document.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    if u.ratio(1, 4)? {
        document.insert("x-operations".into(), operations(u, &names)?);
    }
    document.insert("$defs".into(), Value::Object(defs));
    Ok(Value::Object(document))
}

fn schema(u: &mut Unstructured, depth: u32) -> Result<Value> {
    if u.ratio(1, 12)? {
        return Ok(Value::Bool(u.arbitrary()?));
    }
    let mut object = Map::new();
    let keywords = if depth >= 4 { 0..=2 } else { 0..=5 };
    for _ in 0..u.int_in_range(keywords)? {
        let (keyword, value) = keyword(u, depth)?;
        object.insert(keyword.to_owned(), value);
    }
    Ok(Value::Object(object))
}

fn keyword(u: &mut Unstructured, depth: u32) -> Result<(&'static str, Value)> {
    // Now and then a keyword's value is of the wrong kind: codegen must name it.
    if u.ratio(1, 24)? {
        let keyword = *u.choose(&[
            "type",
            "required",
            "enum",
            "properties",
            "items",
            "allOf",
            "$ref",
            "minLength",
            "pattern",
            "additionalProperties",
            "minimum",
            "discriminator",
        ])?;
        return Ok((keyword, value(u)?));
    }
    let deeper = depth + 1;
    Ok(match u.int_in_range(0..=34)? {
        0..=3 => ("type", types(u)?),
        4..=6 => ("properties", properties(u, deeper)?),
        7 | 8 => ("required", names(u)?),
        9 => (
            "additionalProperties",
            if u.arbitrary()? {
                Value::Bool(u.arbitrary()?)
            } else {
                schema(u, deeper)?
            },
        ),
        10 => ("items", schema(u, deeper)?),
        11 => ("prefixItems", schemas(u, deeper)?),
        12 => ("enum", values(u)?),
        13 => ("const", value(u)?),
        14 => ("allOf", schemas(u, deeper)?),
        15 => ("anyOf", schemas(u, deeper)?),
        16 => ("oneOf", schemas(u, deeper)?),
        17 => (
            *u.choose(&[
                "not",
                "if",
                "then",
                "else",
                "contains",
                "propertyNames",
                "unevaluatedProperties",
                "unevaluatedItems",
            ])?,
            schema(u, deeper)?,
        ),
        18 => ("$ref", reference(u)?),
        19 => (
            *u.choose(&[
                "minimum",
                "maximum",
                "exclusiveMinimum",
                "exclusiveMaximum",
                "multipleOf",
            ])?,
            number(u)?,
        ),
        20 => (
            *u.choose(&[
                "minLength",
                "maxLength",
                "minItems",
                "maxItems",
                "minProperties",
                "maxProperties",
                "minContains",
                "maxContains",
            ])?,
            json!(*u.choose(&[0u64, 1, 2, 3, 1000, u64::MAX])?),
        ),
        21 => ("pattern", json!(*u.choose(PATTERNS)?)),
        22 => (
            "format",
            json!(if u.arbitrary()? {
                *u.choose(&intercom_codegen::validators::FORMATS)?
            } else {
                *u.choose(OTHER_FORMATS)?
            }),
        ),
        23 => ("uniqueItems", Value::Bool(u.arbitrary()?)),
        24 => {
            let mut map = Map::new();
            for _ in 0..u.int_in_range(0..=2)? {
                map.insert((*u.choose(PROPERTY_NAMES)?).to_owned(), names(u)?);
            }
            ("dependentRequired", Value::Object(map))
        }
        25 => ("dependentSchemas", properties(u, deeper)?),
        26 => {
            let mut map = Map::new();
            for _ in 0..u.int_in_range(0..=2)? {
                map.insert((*u.choose(PATTERNS)?).to_owned(), schema(u, deeper)?);
            }
            ("patternProperties", Value::Object(map))
        }
        27 => (
            *u.choose(&["description", "title", "$comment"])?,
            json!(*u.choose(TEXTS)?),
        ),
        28 => (*u.choose(&["default", "examples"])?, value(u)?),
        29 => (
            *u.choose(&["deprecated", "readOnly", "writeOnly"])?,
            Value::Bool(u.arbitrary()?),
        ),
        30 => ("discriminator", discriminator(u)?),
        31 => ("x-unresolved-ref", json!("#/components/schemas/gone")),
        32 => ("$defs", properties(u, deeper)?),
        33 => (
            *u.choose(&["$id", "$anchor"])?,
            json!(*u.choose(&["a", "http://example.com/a", "#a", "b.json"])?),
        ),
        // A dynamic reference bookended by an anchor of the same name, or not.
        _ => {
            if u.arbitrary()? {
                ("$dynamicAnchor", json!(*u.choose(&["node", "meta"])?))
            } else {
                (
                    "$dynamicRef",
                    json!(*u.choose(&["#node", "#meta", "#/$defs/a"])?),
                )
            }
        }
    })
}

fn types(u: &mut Unstructured) -> Result<Value> {
    if u.arbitrary()? {
        return Ok(json!(*u.choose(TYPES)?));
    }
    let mut list = Vec::new();
    for _ in 0..u.int_in_range(0..=3)? {
        list.push(json!(*u.choose(TYPES)?));
    }
    Ok(Value::Array(list))
}

fn properties(u: &mut Unstructured, depth: u32) -> Result<Value> {
    let mut map = Map::new();
    for _ in 0..u.int_in_range(0..=4)? {
        map.insert((*u.choose(PROPERTY_NAMES)?).to_owned(), schema(u, depth)?);
    }
    Ok(Value::Object(map))
}

fn schemas(u: &mut Unstructured, depth: u32) -> Result<Value> {
    let mut list = Vec::new();
    for _ in 0..u.int_in_range(0..=3)? {
        list.push(schema(u, depth)?);
    }
    Ok(Value::Array(list))
}

fn names(u: &mut Unstructured) -> Result<Value> {
    let mut list = Vec::new();
    for _ in 0..u.int_in_range(0..=3)? {
        list.push(json!(*u.choose(PROPERTY_NAMES)?));
    }
    Ok(Value::Array(list))
}

fn reference(u: &mut Unstructured) -> Result<Value> {
    Ok(if u.ratio(3, 4)? {
        json!(format!("#/$defs/{}", u.choose(DEF_NAMES)?))
    } else {
        json!(*u.choose(REFERENCES)?)
    })
}

fn number(u: &mut Unstructured) -> Result<Value> {
    Ok(match u.int_in_range(0..=9)? {
        0 => json!(0),
        1 => json!(-1),
        2 => json!(1.5),
        3 => json!(0.1),
        4 => json!(3),
        5 => json!(u64::MAX),
        6 => json!(i64::MIN),
        7 => json!(1e308),
        8 => json!(-0.0),
        _ => json!(u.arbitrary::<i32>()?),
    })
}

fn value(u: &mut Unstructured) -> Result<Value> {
    Ok(match u.int_in_range(0..=11)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => number(u)?,
        3 => json!(*u.choose(PROPERTY_NAMES)?),
        4 => json!(*u.choose(TEXTS)?),
        5 => json!([]),
        6 => json!({}),
        7 => json!({ "a": 1, "type": "x" }),
        8 => json!([1, "a", null]),
        9 => json!("2024-01-01T00:00:00Z"),
        10 => json!(*u.choose(TYPES)?),
        _ => values(u)?,
    })
}

fn values(u: &mut Unstructured) -> Result<Value> {
    let mut list = Vec::new();
    for _ in 0..u.int_in_range(0..=4)? {
        list.push(match u.int_in_range(0..=4)? {
            0 => Value::Null,
            1 => number(u)?,
            2 => json!(*u.choose(PROPERTY_NAMES)?),
            3 => json!(*u.choose(TEXTS)?),
            _ => Value::Bool(u.arbitrary()?),
        });
    }
    Ok(Value::Array(list))
}

fn discriminator(u: &mut Unstructured) -> Result<Value> {
    let mut mapping = Map::new();
    for _ in 0..u.int_in_range(0..=3)? {
        mapping.insert((*u.choose(PROPERTY_NAMES)?).to_owned(), reference(u)?);
    }
    Ok(json!({
        "propertyName": *u.choose(PROPERTY_NAMES)?,
        "mapping": mapping,
    }))
}

fn operations(u: &mut Unstructured, defs: &[String]) -> Result<Value> {
    let mut list = Vec::new();
    for _ in 0..u.int_in_range(0..=4)? {
        let mut operation = Map::new();
        if u.ratio(3, 4)? {
            operation.insert(
                "operation_id".into(),
                json!(*u.choose(&[
                    "listA", "getA", "list_a", "", "listA", "1x", "self", "get A"
                ])?),
            );
        }
        operation.insert("method".into(), json!(*u.choose(METHODS)?));
        operation.insert("path".into(), json!(*u.choose(PATHS)?));
        if u.arbitrary()? {
            operation.insert("summary".into(), json!(*u.choose(TEXTS)?));
        }
        if u.arbitrary()? {
            operation.insert("deprecated".into(), Value::Bool(true));
        }
        if u.arbitrary()? {
            operation.insert("request".into(), body(u, defs)?);
        }
        let mut responses = Map::new();
        for _ in 0..u.int_in_range(0..=3)? {
            let mut response = if u.arbitrary()? {
                body(u, defs)?
            } else {
                json!({})
            };
            response["description"] = json!(*u.choose(TEXTS)?);
            responses.insert((*u.choose(STATUSES)?).to_owned(), response);
        }
        operation.insert("responses".into(), Value::Object(responses));
        list.push(Value::Object(operation));
    }
    Ok(Value::Array(list))
}

fn body(u: &mut Unstructured, defs: &[String]) -> Result<Value> {
    let mut body = Map::new();
    body.insert("content_type".into(), json!(*u.choose(CONTENT_TYPES)?));
    if !defs.is_empty() && u.ratio(3, 4)? {
        body.insert("schema".into(), json!(u.choose(defs)?));
    } else if u.arbitrary()? {
        body.insert("schema".into(), json!("missing"));
    }
    body.insert("required".into(), Value::Bool(u.arbitrary()?));
    Ok(Value::Object(body))
}
