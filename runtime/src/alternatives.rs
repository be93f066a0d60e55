//! What a generated enum of `oneOf`/`anyOf` alternatives calls to pick its
//! variant. Each alternative is tried on the parsed value; one is taken only
//! when it gives back exactly the value it was read from, so picking never
//! loses data, and a value no alternative reproduces is kept whole.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Whether `value` is an object whose `property` is one of `allowed`: the
/// tag (discriminator or constant `type`) that selects an alternative.
pub fn has_tag(value: &Value, property: &str, allowed: &[&str]) -> bool {
    value
        .get(property)
        .and_then(Value::as_str)
        .is_some_and(|tag| allowed.contains(&tag))
}

/// `value` read as `T`, if that reads it completely: serializing the result
/// gives `value` back.
pub fn read_exactly<T>(value: &Value) -> Option<T>
where
    T: for<'de> Deserialize<'de> + Serialize,
{
    let read = T::deserialize(value).ok()?;
    let written = serde_json::to_value(&read).ok()?;
    (written == *value).then_some(read)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Named {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    }

    #[test]
    fn a_lossy_reading_is_refused() {
        assert_eq!(
            read_exactly::<Named>(&json!({"name": "a"})),
            Some(Named {
                name: Some("a".into())
            })
        );
        // `null` would come back absent: not this alternative.
        assert_eq!(read_exactly::<Named>(&json!({"name": null})), None);
        assert!(has_tag(&json!({"type": "a"}), "type", &["a", "b"]));
        assert!(!has_tag(&json!({"type": 1}), "type", &["a"]));
    }
}
