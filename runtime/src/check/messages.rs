//! The text of error messages: values shown short (at most about 80
//! characters, a few levels deep), strings quoted as JSON writes them.

use super::types::type_name;
use crate::json::{Json, JsonArray, JsonObject, Kind};

/// About how many bytes [`show`] writes: messages are allocated once, with room for it.
const SHOWN_BYTES: usize = 128;

/// A value shortened for a message: at most about 80 characters, and never
/// more than a few levels deep, however large or deep the value is.
pub fn show<'v>(value: impl Json<'v>) -> String {
    let mut out = String::with_capacity(SHOWN_BYTES);
    show_into(value, &mut out);
    out
}

/// `before`, the value as [`show`] writes it, then `after`: a message in
/// one allocation.
pub fn describe<'v>(before: &str, value: impl Json<'v>, after: &str) -> String {
    let mut out = String::with_capacity(before.len() + SHOWN_BYTES + after.len());
    out.push_str(before);
    show_into(value, &mut out);
    out.push_str(after);
    out
}

/// The message of a `type` that does not match: `expected string, found integer 5`.
pub fn type_mismatch<'v>(expected: &str, value: impl Json<'v>) -> String {
    let found = type_name(value);
    let mut out = String::with_capacity(16 + expected.len() + found.len() + SHOWN_BYTES);
    out.push_str("expected ");
    out.push_str(expected);
    out.push_str(", found ");
    out.push_str(found);
    out.push(' ');
    show_into(value, &mut out);
    out
}

/// Appends [`show`]'s text to `out`.
fn show_into<'v>(value: impl Json<'v>, out: &mut String) {
    let start = out.len();
    write_short(value, 3, start, out);
    let shown = &out[start..];
    // At most 80 bytes are at most 80 characters, and in ASCII a
    // character is a byte.
    if shown.len() <= 80 {
        return;
    }
    let cut = if shown.is_ascii() {
        77
    } else if shown.char_indices().nth(80).is_some() {
        shown
            .char_indices()
            .nth(77)
            .map_or(shown.len(), |(at, _)| at)
    } else {
        return;
    };
    out.truncate(start + cut);
    out.push_str("...");
}

/// Writes `s` as JSON writes a string (quoted and escaped, as `serde_json` does).
fn write_quoted(s: &str, out: &mut String) {
    use std::fmt::Write;
    out.push('"');
    if !s
        .bytes()
        .any(|byte| byte < 0x20 || byte == b'"' || byte == b'\\')
    {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut plain = 0;
    for (at, byte) in s.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..0x20 => "",
            _ => continue,
        };
        out.push_str(&s[plain..at]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{byte:04x}");
        } else {
            out.push_str(escape);
        }
        plain = at + 1;
    }
    out.push_str(&s[plain..]);
    out.push('"');
}

/// Writes `value` at the end of `out`, which held `start` bytes before it.
fn write_short<'v>(value: impl Json<'v>, depth: usize, start: usize, out: &mut String) {
    let full = |out: &String| out.len() - start > 100;
    if full(out) {
        return;
    }
    match value.kind() {
        Kind::String => {
            let s = value.as_str().unwrap_or_default();
            let short = if s.len() <= 90 {
                s
            } else {
                s.char_indices().nth(90).map_or(s, |(at, _)| &s[..at])
            };
            write_quoted(short, out);
        }
        Kind::Array => {
            let Some(items) = value.as_array() else {
                return;
            };
            if depth == 0 {
                out.push_str(&format!("[…{} items]", items.len()));
                return;
            }
            out.push('[');
            for (i, item) in items.items().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if full(out) {
                    out.push('…');
                    break;
                }
                write_short(item, depth - 1, start, out);
            }
            out.push(']');
        }
        Kind::Object => {
            let Some(members) = value.as_object() else {
                return;
            };
            if depth == 0 {
                out.push_str(&format!("{{…{} properties}}", members.len()));
                return;
            }
            out.push('{');
            for (i, (key, member)) in members.members().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if full(out) {
                    out.push('…');
                    break;
                }
                write_quoted(key, out);
                out.push(':');
                write_short(member, depth - 1, start, out);
            }
            out.push('}');
        }
        Kind::Number => {
            if let Some(n) = value.as_number() {
                use std::fmt::Write;
                let _ = write!(out, "{n}");
            }
        }
        Kind::Bool => out.push_str(if value.as_bool() == Some(true) {
            "true"
        } else {
            "false"
        }),
        Kind::Null => out.push_str("null"),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    #[test]
    fn strings_in_messages_are_escaped_as_serde_json_escapes_them() {
        let every: String = (0u32..0x100).filter_map(char::from_u32).collect();
        for s in [every.as_str(), "", "plain", "a\"b\\c", "\u{1f600}\u{7f}"] {
            let mut out = String::new();
            write_quoted(s, &mut out);
            assert_eq!(out, serde_json::to_string(s).unwrap());
        }
    }

    #[test]
    fn shown_values_are_cut_at_80_characters() {
        let long = Value::String("é".repeat(200));
        let shown = show(&long);
        assert_eq!(shown.chars().count(), 80);
        assert!(
            shown.starts_with("\"éé") && shown.ends_with("é..."),
            "{shown}"
        );
        let exact = Value::String("x".repeat(78));
        assert_eq!(show(&exact).chars().count(), 80);
        assert!(!show(&exact).ends_with("..."));
    }
}
