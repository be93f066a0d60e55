//! An overlay document checked field by field, with the position of each
//! field it refuses.

use std::path::Path;

use serde_json::{Map, Value};
use serde_json_path::JsonPath;

use super::{Action, ActionKind, Overlay, OverlayError};
use crate::source::{self, Document, Position, escape_pointer_token};

/// Checks bytes read from `path` as an overlay document.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Overlay, OverlayError> {
    let document = source::parse(path, bytes)?;
    let text = String::from_utf8_lossy(bytes);
    Reader {
        document: &document,
        text: &text,
    }
    .overlay()
}

/// Checks an overlay document field by field, with the position of each.
struct Reader<'a> {
    document: &'a Document,
    text: &'a str,
}

const ROOT_FIELDS: &[&str] = &["overlay", "info", "extends", "actions"];
const INFO_FIELDS: &[&str] = &["title", "version", "description"];
const ACTION_FIELDS: &[&str] = &["target", "description", "update", "remove", "copy"];

impl Reader<'_> {
    fn invalid(&self, pointer: &str, message: impl Into<String>) -> OverlayError {
        OverlayError::Invalid {
            path: self.document.path.clone(),
            position: self
                .document
                .nearest_position(pointer)
                .unwrap_or(Position { line: 1, column: 1 }),
            message: message.into(),
        }
    }

    fn object<'v>(
        &self,
        value: &'v Value,
        pointer: &str,
        what: &str,
        fields: &[&str],
    ) -> Result<&'v Map<String, Value>, OverlayError> {
        let Value::Object(map) = value else {
            return Err(self.invalid(pointer, format!("expected {what}, an object")));
        };
        for key in map.keys() {
            if !fields.contains(&key.as_str()) && !key.starts_with("x-") {
                return Err(self.invalid(
                    &format!("{pointer}/{}", escape_pointer_token(key)),
                    format!(
                        "unknown field `{key}` in {what}: expected {} or an `x-` extension",
                        fields
                            .iter()
                            .map(|f| format!("`{f}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        Ok(map)
    }

    fn string(
        &self,
        map: &Map<String, Value>,
        pointer: &str,
        key: &str,
        what: &str,
    ) -> Result<Option<String>, OverlayError> {
        match map.get(key) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(self.invalid(
                &format!("{pointer}/{key}"),
                format!("expected `{key}` of {what} to be a string"),
            )),
        }
    }

    fn required_string(
        &self,
        map: &Map<String, Value>,
        pointer: &str,
        key: &str,
        what: &str,
    ) -> Result<String, OverlayError> {
        self.string(map, pointer, key, what)?
            .ok_or_else(|| self.invalid(pointer, format!("{what} has no `{key}`")))
    }

    fn overlay(&self) -> Result<Overlay, OverlayError> {
        let not_an_overlay = "not an Overlay document: expected an object with `overlay` (the Overlay Specification version), `info` and `actions`";
        let Value::Object(root) = &self.document.value else {
            return Err(self.invalid("", not_an_overlay));
        };
        for key in ["overlay", "info", "actions"] {
            if !root.contains_key(key) {
                return Err(self.invalid("", format!("{not_an_overlay}; `{key}` is missing")));
            }
        }
        let root = self.object(&self.document.value, "", "an Overlay document", ROOT_FIELDS)?;
        let spec_version = match &root["overlay"] {
            Value::String(version) => version.clone(),
            other => {
                return Err(self.invalid(
                    "/overlay",
                    format!(
                        "expected `overlay` to be a version string such as \"1.1.0\", found {other}"
                    ),
                ));
            }
        };
        let is_1_1 = if version_in(&spec_version, "1.0") {
            false
        } else if version_in(&spec_version, "1.1") {
            true
        } else {
            return Err(self.invalid(
                "/overlay",
                format!("unknown Overlay Specification version `{spec_version}`: expected 1.0.x or 1.1.x"),
            ));
        };
        let info = self.object(&root["info"], "/info", "the overlay's `info`", INFO_FIELDS)?;
        let title = self.required_string(info, "/info", "title", "the overlay's `info`")?;
        let version = match info.get("version") {
            Some(Value::String(text)) => text.clone(),
            // A bare `version: 1` in YAML is a number; it still names a version.
            Some(number @ Value::Number(_)) => number.to_string(),
            Some(_) => {
                return Err(self.invalid(
                    "/info/version",
                    "expected `version` of the overlay's `info` to be a string",
                ));
            }
            None => {
                return Err(self.invalid("/info", "the overlay's `info` has no `version`"));
            }
        };
        let Value::Array(raw_actions) = &root["actions"] else {
            return Err(self.invalid("/actions", "expected `actions` to be a list of actions"));
        };
        if raw_actions.is_empty() {
            return Err(self.invalid("/actions", "`actions` must hold at least one action"));
        }
        let actions = raw_actions
            .iter()
            .enumerate()
            .map(|(index, raw)| self.action(raw, &format!("/actions/{index}"), is_1_1))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Overlay {
            path: self.document.path.clone(),
            sha256: self.document.bytes_sha256.clone(),
            spec_version,
            title,
            version,
            actions,
            document: self.document.clone(),
        })
    }

    fn action(&self, raw: &Value, pointer: &str, is_1_1: bool) -> Result<Action, OverlayError> {
        let map = self.object(raw, pointer, "an action", ACTION_FIELDS)?;
        let target = self.required_string(map, pointer, "target", "the action")?;
        let target_path = self.json_path(&target, &format!("{pointer}/target"))?;
        let description = self.string(map, pointer, "description", "the action")?;
        let remove = match map.get("remove") {
            None => false,
            Some(Value::Bool(remove)) => *remove,
            Some(_) => {
                return Err(self.invalid(
                    &format!("{pointer}/remove"),
                    "expected `remove` to be true or false",
                ));
            }
        };
        let copy = self.string(map, pointer, "copy", "the action")?;
        if copy.is_some() && !is_1_1 {
            return Err(self.invalid(
                &format!("{pointer}/copy"),
                "`copy` is an action of Overlay 1.1; this document declares 1.0 (write `overlay: 1.1.0`)",
            ));
        }
        // The specification's precedence: `remove` over `update` over `copy`.
        let kind = if remove {
            ActionKind::Remove
        } else if map.contains_key("update") {
            ActionKind::Update
        } else if let Some(from) = copy {
            let copy_pointer = format!("{pointer}/copy");
            self.json_path(&from, &copy_pointer)?;
            ActionKind::Copy {
                from,
                position: self.position(&copy_pointer),
            }
        } else {
            return Err(self.invalid(
                pointer,
                "the action does nothing: expected `update`, `remove: true` or `copy`",
            ));
        };
        Ok(Action {
            position: self.position(pointer),
            target,
            description,
            kind,
            target_path,
            pointer: pointer.to_string(),
        })
    }

    fn position(&self, pointer: &str) -> Position {
        self.document
            .nearest_position(pointer)
            .unwrap_or(Position { line: 1, column: 1 })
    }

    fn json_path(&self, expression: &str, pointer: &str) -> Result<JsonPath, OverlayError> {
        JsonPath::parse(expression).map_err(|error| {
            // serde_json_path counts from 0 (its documentation says 1; its
            // parser points at the offending character counting from 0).
            let offset = error.position() + 1;
            let start = self.position(pointer);
            OverlayError::JsonPath {
                path: self.document.path.clone(),
                position: self.character_position(start, offset),
                expression: expression.to_string(),
                offset,
                message: error.message().to_string(),
            }
        })
    }

    /// The file position of the `offset`th character of a scalar that starts
    /// at `start`: on the same line, past an opening quote. Escapes in a
    /// quoted scalar or a scalar folded over lines make that a guess, so then
    /// it is the scalar's own position.
    fn character_position(&self, start: Position, offset: usize) -> Position {
        let Some(line) = self.text.lines().nth(start.line - 1) else {
            return start;
        };
        let rest: String = line.chars().skip(start.column - 1).collect();
        let quoted = rest.starts_with(['"', '\'']);
        if rest.contains('\\') || (quoted && rest.contains("''")) {
            return start;
        }
        let skip = usize::from(quoted);
        if rest.chars().count() < skip + offset {
            return start;
        }
        Position {
            line: start.line,
            column: start.column + skip + offset - 1,
        }
    }
}

fn version_in(version: &str, minor: &str) -> bool {
    version
        .strip_prefix(minor)
        .and_then(|rest| rest.strip_prefix('.'))
        .is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()))
}
