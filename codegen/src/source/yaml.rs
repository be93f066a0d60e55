//! YAML: a `serde_json::Value` built from saphyr-parser's events, with the
//! position of each node, anchors, aliases and merge keys, and bounds on
//! depth and on what aliases expand to.

use std::collections::HashMap;
use std::path::Path;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use serde_json::{Map, Value};

use super::repair::{MAX_REPAIRS, Repair};
use super::scalars::{is_special_float, resolve_plain};
use super::{LoadError, LoadWarning, Position, escape_pointer_token};

/// A built document: its value, where each node starts, and the warnings.
type Built = (Value, HashMap<String, Position>, Vec<LoadWarning>);

/// Parses YAML as libyaml, PyYAML and js-yaml read it: where saphyr-parser
/// refuses what they read (see [`Repair`]), the text is rewritten there,
/// without changing what it means, and parsed again. Each such place is a
/// warning.
pub(super) fn parse_yaml(path: &Path, text: &str) -> Result<Built, LoadError> {
    let mut text = std::borrow::Cow::Borrowed(text);
    let mut repaired = Vec::new();
    loop {
        match build_yaml(path, &text) {
            Err(BuildFailure::Repairable {
                repair,
                char_index,
                error,
            }) if repaired.len() < MAX_REPAIRS => {
                let Some(at) = text.char_indices().nth(char_index).map(|(at, _)| at) else {
                    return Err(error);
                };
                let Some(rewritten) = repair.apply(&text, at) else {
                    return Err(error);
                };
                let LoadError::Syntax { position, .. } = &error else {
                    return Err(error);
                };
                repaired.push((repair, *position));
                text = std::borrow::Cow::Owned(rewritten);
            }
            Err(BuildFailure::Repairable { error, .. } | BuildFailure::Other(error)) => {
                return Err(error);
            }
            Ok((value, positions, mut warnings)) => {
                for (repair, position) in repaired {
                    let pointer = positions
                        .iter()
                        .filter(|(_, at)| at.line == position.line && at.column <= position.column)
                        .max_by_key(|(pointer, at)| {
                            (at.column, std::cmp::Reverse((*pointer).clone()))
                        })
                        .map(|(pointer, _)| pointer.clone())
                        .unwrap_or_default();
                    warnings.push(LoadWarning {
                        position,
                        pointer,
                        message: repair.warning().to_owned(),
                    });
                }
                return Ok((value, positions, warnings));
            }
        }
    }
}

enum BuildFailure {
    Repairable {
        repair: Repair,
        char_index: usize,
        error: LoadError,
    },
    Other(LoadError),
}

fn build_yaml(path: &Path, text: &str) -> Result<Built, BuildFailure> {
    let mut builder = YamlBuilder {
        path,
        text,
        events: Parser::new_from_str(text),
        anchors: HashMap::new(),
        positions: HashMap::new(),
        warnings: Vec::new(),
        depth: 0,
        values: 0,
        value_limit: MIN_VALUE_LIMIT.max(text.len()),
        repairable: None,
    };
    match builder.document() {
        Ok(value) => Ok((value, builder.positions, builder.warnings)),
        Err(error) => Err(match builder.repairable {
            Some((repair, char_index)) => BuildFailure::Repairable {
                repair,
                char_index,
                error,
            },
            None => BuildFailure::Other(error),
        }),
    }
}

/// How deep YAML collections may nest: far beyond any reference (Intercom's
/// go about 20 deep), as deep as serde_json lets JSON go, and shallow enough
/// that building them recursively cannot overflow a thread's stack.
pub(super) const MAX_YAML_DEPTH: usize = 128;

/// The fewest values a YAML document may expand to through its aliases; a
/// longer text may expand to as many values as it has bytes, which no
/// document without aliases reaches. Without a bound, ten anchors of ten
/// aliases each ("billion laughs") expand to 10^10 values.
const MIN_VALUE_LIMIT: usize = 100_000;

struct YamlBuilder<'input, 'p> {
    path: &'p Path,
    /// The text parsed, for the names of aliases in messages.
    text: &'input str,
    events: Parser<'input, saphyr_parser::StrInput<'input>>,
    /// Each anchor's value and the number of values it holds.
    anchors: HashMap<usize, (Value, usize)>,
    positions: HashMap<String, Position>,
    warnings: Vec<LoadWarning>,
    depth: usize,
    /// Values built so far, aliases counted at their full size.
    values: usize,
    value_limit: usize,
    /// When parsing stopped where a [`Repair`] applies: which, and where
    /// (in characters).
    repairable: Option<(Repair, usize)>,
}

fn position_of(span: &Span) -> Position {
    Position {
        line: span.start.line(),
        column: span.start.col() + 1,
    }
}

impl<'input> YamlBuilder<'input, '_> {
    fn next(&mut self) -> Result<(Event<'input>, Span), LoadError> {
        match self.events.next_event() {
            Some(Ok(event)) => Ok(event),
            Some(Err(error)) => {
                self.repairable =
                    Repair::for_error(error.info()).map(|repair| (repair, error.marker().index()));
                Err(LoadError::Syntax {
                    path: self.path.to_path_buf(),
                    position: Position {
                        line: error.marker().line(),
                        column: error.marker().col() + 1,
                    },
                    message: format!("invalid YAML: {}", error.info()),
                })
            }
            None => Err(self.error_at(None, "unexpected end of the YAML stream")),
        }
    }

    /// The `*name` that stands at `span`.
    fn alias_name(&self, span: &Span) -> String {
        self.text
            .chars()
            .skip(span.start.index())
            .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ']' | '}'))
            .collect()
    }

    fn error_at(&self, span: Option<&Span>, message: &str) -> LoadError {
        LoadError::Syntax {
            path: self.path.to_path_buf(),
            position: span.map_or(Position { line: 1, column: 1 }, position_of),
            message: message.to_string(),
        }
    }

    fn document(&mut self) -> Result<Value, LoadError> {
        let mut value = None;
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::DocumentStart(_) => {
                    if value.is_some() {
                        return Err(self.error_at(
                            Some(&span),
                            "expected a single YAML document, found a second one",
                        ));
                    }
                    let (first, first_span) = self.next()?;
                    value = Some(self.node(first, first_span, String::new())?);
                }
                Event::StreamEnd => {
                    return value.ok_or_else(|| self.error_at(None, "the file holds no document"));
                }
                _ => return Err(self.error_at(Some(&span), "unexpected YAML event")),
            }
        }
    }

    fn node(
        &mut self,
        event: Event<'input>,
        span: Span,
        pointer: String,
    ) -> Result<Value, LoadError> {
        self.positions.insert(pointer.clone(), position_of(&span));
        let first_value = self.values;
        self.values += 1;
        if matches!(event, Event::SequenceStart(..) | Event::MappingStart(..)) {
            self.depth += 1;
            if self.depth > MAX_YAML_DEPTH {
                return Err(self.error_at(
                    Some(&span),
                    &format!("the YAML nests deeper than {MAX_YAML_DEPTH} levels"),
                ));
            }
        }
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let value = self.scalar(&text, style, tag.as_deref(), &span)?;
                self.remember(anchor, &value, first_value);
                Ok(value)
            }
            Event::Alias(anchor) => {
                let Some((value, size)) = self.anchors.get(&anchor) else {
                    return Err(self.error_at(Some(&span), "alias to an unknown anchor"));
                };
                // The alias itself was counted above; its value holds `size`.
                self.values += size - 1;
                if self.values > self.value_limit {
                    return Err(self.error_at(
                        Some(&span),
                        &format!(
                            "the alias `{}` expands the document to more than {} values (nested anchors and aliases, as in \"billion laughs\")",
                            self.alias_name(&span),
                            self.value_limit
                        ),
                    ));
                }
                Ok(value.clone())
            }
            Event::SequenceStart(anchor, _) => {
                let mut items = Vec::new();
                loop {
                    let (event, span) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    let item_pointer = format!("{pointer}/{}", items.len());
                    items.push(self.node(event, span, item_pointer)?);
                }
                let value = Value::Array(items);
                self.remember(anchor, &value, first_value);
                self.depth -= 1;
                Ok(value)
            }
            Event::MappingStart(anchor, _) => {
                let mut map = Map::new();
                let mut merged = Map::new();
                loop {
                    let (event, key_span) = self.next()?;
                    let key = match event {
                        Event::MappingEnd => break,
                        Event::Scalar(text, style, _, _) => {
                            if text == "<<" && style == ScalarStyle::Plain {
                                let (event, span) = self.next()?;
                                let merge = self.node(event, span, format!("{pointer}/<<"))?;
                                self.merge_into(&mut merged, merge, &key_span)?;
                                continue;
                            }
                            text.into_owned()
                        }
                        _ => {
                            return Err(self.error_at(
                                Some(&key_span),
                                "expected a scalar mapping key, found a collection",
                            ));
                        }
                    };
                    let value_pointer = format!("{pointer}/{}", escape_pointer_token(&key));
                    let (event, span) = self.next()?;
                    let value = self.node(event, span, value_pointer.clone())?;
                    if map.insert(key.clone(), value).is_some() {
                        self.warnings.push(LoadWarning {
                            position: position_of(&key_span),
                            pointer: value_pointer,
                            message: format!("duplicate key `{key}`: the last value is used"),
                        });
                    }
                }
                for (key, value) in merged {
                    map.entry(key).or_insert(value);
                }
                let value = Value::Object(map);
                self.remember(anchor, &value, first_value);
                self.depth -= 1;
                Ok(value)
            }
            _ => Err(self.error_at(Some(&span), "unexpected YAML event")),
        }
    }

    fn merge_into(
        &self,
        merged: &mut Map<String, Value>,
        merge: Value,
        span: &Span,
    ) -> Result<(), LoadError> {
        match merge {
            Value::Object(map) => {
                for (key, value) in map {
                    merged.entry(key).or_insert(value);
                }
                Ok(())
            }
            Value::Array(items) => {
                for item in items {
                    self.merge_into(merged, item, span)?;
                }
                Ok(())
            }
            _ => Err(self.error_at(Some(span), "a merge key `<<` must be given a mapping")),
        }
    }

    /// Keeps `value`, the values built since `first_value`, for the aliases of `anchor`.
    fn remember(&mut self, anchor: usize, value: &Value, first_value: usize) {
        if anchor != 0 {
            self.anchors
                .insert(anchor, (value.clone(), self.values - first_value));
        }
    }

    /// Resolves a scalar by the YAML 1.2 core schema.
    fn scalar(
        &self,
        text: &str,
        style: ScalarStyle,
        tag: Option<&saphyr_parser::Tag>,
        span: &Span,
    ) -> Result<Value, LoadError> {
        if let Some(tag) = tag
            && tag.is_yaml_core_schema()
        {
            return match tag.suffix.as_str() {
                "str" => Ok(Value::String(text.to_string())),
                "null" => Ok(Value::Null),
                "bool" => resolve_plain(text)
                    .filter(Value::is_boolean)
                    .ok_or_else(|| self.error_at(Some(span), "expected a boolean after !!bool")),
                "int" | "float" => resolve_plain(text).filter(Value::is_number).ok_or_else(|| {
                    self.error_at(Some(span), "expected a number after !!int or !!float")
                }),
                _ => Ok(Value::String(text.to_string())),
            };
        }
        if style != ScalarStyle::Plain {
            return Ok(Value::String(text.to_string()));
        }
        match resolve_plain(text) {
            Some(value) => Ok(value),
            None if is_special_float(text) => Err(self.error_at(
                Some(span),
                &format!("`{text}` is a YAML float that JSON cannot represent"),
            )),
            None => Ok(Value::String(text.to_string())),
        }
    }
}
