//! `nullable: true`, which JSON Schema has no keyword for.

use serde_json::{Map, Value, json};

use super::Importer;

impl Importer<'_> {
    /// `nullable: true` in JSON Schema terms: `"null"` joins the type (and the
    /// enum); a schema whose applicators would reject `null` is wrapped in an
    /// `anyOf` with `{"type": "null"}`.
    pub(super) fn make_nullable(
        &mut self,
        mut schema: Map<String, Value>,
        out: &str,
    ) -> Map<String, Value> {
        let composed = ["$ref", "x-unresolved-ref", "allOf", "anyOf", "oneOf", "not"]
            .iter()
            .any(|k| schema.contains_key(*k));
        if composed {
            let mut outer = Map::new();
            for key in [
                "title",
                "description",
                "default",
                "examples",
                "deprecated",
                "readOnly",
                "writeOnly",
            ] {
                if let Some(value) = schema.remove(key) {
                    outer.insert(key.to_string(), value);
                }
            }
            // The origins recorded under `out` now belong one level down.
            let moved: Vec<(String, String)> = self
                .origins
                .range(out.to_string()..)
                .take_while(|(k, _)| k.starts_with(out))
                .filter(|(k, _)| k.len() == out.len() || k.as_bytes()[out.len()] == b'/')
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            for (key, origin) in moved {
                self.origins.remove(&key);
                let rest = &key[out.len()..];
                self.origins
                    .insert(format!("{out}/anyOf/0{rest}"), origin.clone());
                if rest.is_empty() {
                    self.origins.insert(key, origin);
                }
            }
            outer.insert(
                "anyOf".to_string(),
                json!([Value::Object(schema), {"type": "null"}]),
            );
            return outer;
        }
        match schema.get_mut("type") {
            Some(Value::String(single)) if single != "null" => {
                let single = single.clone();
                schema.insert("type".to_string(), json!([single, "null"]));
            }
            Some(Value::Array(types)) if !types.iter().any(|t| t == "null") => {
                types.push(json!("null"))
            }
            _ => {}
        }
        if let Some(Value::Array(values)) = schema.get_mut("enum")
            && !values.contains(&Value::Null)
        {
            values.push(Value::Null);
        }
        schema
    }
}
