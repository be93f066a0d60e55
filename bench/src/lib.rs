//! The payloads the benchmarks measure the generated crate (`intercom-models`,
//! the whole pinned reference) on, as build.rs wrote them.

#![forbid(unsafe_code)]

use std::collections::HashMap;

pub use intercom_models::validators;
use serde_json::{Value, json};

/// The reference the models come from, its imported schema, its examples
/// (`[schema, payload]`) and the large lists.
pub const PAYLOADS: &str = include_str!(concat!(env!("OUT_DIR"), "/payloads.json"));

/// A HAR file of `exchanges` exchanges made from the pinned reference's
/// operations and examples (a request body where the operation has one, a
/// response body of the first documented status that has an example),
/// pretty-printed as browsers write it, and the schemas its bodies are
/// checked against. `data` is [`PAYLOADS`], parsed.
pub fn har(data: &Value, exchanges: usize) -> (Vec<u8>, Vec<&'static str>) {
    let mut examples: HashMap<&str, &Value> = HashMap::new();
    for pair in data["examples"].as_array().unwrap() {
        examples
            .entry(pair[0].as_str().unwrap())
            .or_insert(&pair[1]);
    }
    let mut templates = Vec::new();
    let mut schemas = Vec::new();
    for operation in intercom_models::OPERATIONS {
        let Some((status, schema, body)) = operation.responses.iter().find_map(|response| {
            let schema = response.body?.schema?;
            Some((
                response.status.parse::<u16>().ok()?,
                schema,
                examples.get(schema)?,
            ))
        }) else {
            continue;
        };
        let path: String = operation
            .path
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') {
                    "123"
                } else {
                    segment
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        let mut request = json!({
            "method": operation.method,
            "url": format!("https://api.intercom.io{path}"),
            "headers": [{"name": "Intercom-Version", "value": "2.16"}],
        });
        if let Some(body) = &operation.request
            && let Some(schema) = body.body.schema
            && let Some(example) = examples.get(schema)
        {
            request["postData"] =
                json!({"mimeType": "application/json", "text": example.to_string()});
            schemas.push(schema);
        }
        schemas.push(schema);
        templates.push(json!({
            "startedDateTime": "2026-12-01T10:00:00.000Z",
            "time": 12,
            "request": request,
            "response": {
                "status": status,
                "headers": [{"name": "Content-Type", "value": "application/json"}],
                "content": {"mimeType": "application/json", "text": body.to_string()},
            },
            "timings": {"send": 0, "wait": 10, "receive": 2},
        }));
    }
    let entries: Vec<&Value> = (0..exchanges)
        .map(|i| &templates[i % templates.len()])
        .collect();
    let har = json!({"log": {"version": "1.2", "creator": {"name": "bench", "version": "1"}, "entries": entries}});
    (serde_json::to_vec_pretty(&har).unwrap(), schemas)
}
