//! Overlays applied to a document, action by action, with the places of
//! what each action wrote recorded in the document.

use std::path::Path;
use std::sync::Arc;

use serde_json::Value;
use serde_json_path::JsonPath;

use super::merge::{Origin, Source, merge, shape};
use super::{Action, ActionKind, Overlay, OverlayError, Unmatched};
use crate::schema_document::{AppliedAction, AppliedOverlay};
use crate::source::{Document, Place, Position, escape_pointer_token};

/// Applies `overlays` to `document` in order, recording each in
/// `document.overlays`. Actions that match nothing are returned (under
/// `strict`, the first of them is an error instead).
pub fn apply(
    document: &mut Document,
    overlays: &[Overlay],
    strict: bool,
) -> Result<Vec<Unmatched>, OverlayError> {
    let mut unmatched = Vec::new();
    for overlay in overlays {
        let mut applied = AppliedOverlay {
            file: overlay
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            sha256: overlay.sha256.clone(),
            title: overlay.title.clone(),
            version: overlay.version.clone(),
            actions: Vec::new(),
        };
        let file: Arc<Path> = Arc::from(overlay.path.as_path());
        for action in &overlay.actions {
            let outcome = Applier {
                overlay,
                action,
                file: &file,
            }
            .run(document)?;
            if let Some(missed) = outcome.unmatched {
                if strict {
                    return Err(OverlayError::Unmatched(missed));
                }
                unmatched.push(missed);
            }
            applied.actions.push(AppliedAction {
                target: action.target.clone(),
                description: action.description.clone(),
                matched: outcome.matched,
            });
        }
        document.overlays.push(applied);
    }
    Ok(unmatched)
}

struct Outcome {
    matched: usize,
    unmatched: Option<Unmatched>,
}

/// One action applied to a document.
struct Applier<'a> {
    overlay: &'a Overlay,
    action: &'a Action,
    file: &'a Arc<Path>,
}

impl Applier<'_> {
    fn error(&self, pointer: &str, message: impl Into<String>) -> OverlayError {
        OverlayError::Apply {
            path: self.overlay.path.clone(),
            position: self.action.position,
            target: self.action.target.clone(),
            pointer: pointer.to_string(),
            message: message.into(),
        }
    }

    fn unmatched(&self, copy_from: Option<String>, position: Position) -> Unmatched {
        Unmatched {
            file: self.overlay.path.clone(),
            position,
            target: self.action.target.clone(),
            description: self.action.description.clone(),
            copy_from,
        }
    }

    fn run(&self, document: &mut Document) -> Result<Outcome, OverlayError> {
        let mut targets: Vec<Vec<Token>> = self
            .action
            .target_path
            .query_located(&document.value)
            .locations()
            .map(|location| location.iter().map(Token::from).collect())
            .collect();
        if targets.is_empty() {
            return Ok(Outcome {
                matched: 0,
                unmatched: Some(self.unmatched(None, self.action.position)),
            });
        }
        let matched = targets.len();
        match &self.action.kind {
            ActionKind::Remove => {
                // Last first, children before parents, so that removing one
                // node leaves the pointers of the others true.
                targets.sort_by(|a, b| b.cmp(a));
                targets.dedup();
                for tokens in &targets {
                    self.remove(document, tokens)?;
                }
            }
            ActionKind::Update => {
                let update_pointer = format!("{}/update", self.action.pointer);
                let value = self
                    .overlay
                    .document
                    .value
                    .pointer(&update_pointer)
                    .expect("an Update action has an `update` field");
                self.check_shapes(document, &targets)?;
                for tokens in &targets {
                    let source = Source::Update {
                        value,
                        pointer: update_pointer.clone(),
                    };
                    self.merge_at(document, tokens, &source)?;
                }
            }
            ActionKind::Copy { from, position } => {
                let path = JsonPath::parse(from).expect("checked when the overlay was read");
                let found = path.query(&document.value).all();
                let value = match found.as_slice() {
                    [] => {
                        return Ok(Outcome {
                            matched,
                            unmatched: Some(self.unmatched(Some(from.clone()), *position)),
                        });
                    }
                    [one] => (*one).clone(),
                    several => {
                        return Err(self.error(
                            "",
                            format!(
                                "the copy source `{from}` selects {} nodes; it must select exactly one",
                                several.len()
                            ),
                        ));
                    }
                };
                self.check_shapes(document, &targets)?;
                for tokens in &targets {
                    let source = Source::Copy {
                        value: &value,
                        position: *position,
                    };
                    self.merge_at(document, tokens, &source)?;
                }
            }
        }
        Ok(Outcome {
            matched,
            unmatched: None,
        })
    }

    fn check_shapes(
        &self,
        document: &Document,
        targets: &[Vec<Token>],
    ) -> Result<(), OverlayError> {
        let mut shapes = targets.iter().filter_map(|tokens| {
            document
                .value
                .pointer(&to_pointer(tokens))
                .map(|value| (shape(value), to_pointer(tokens)))
        });
        let Some((first, _)) = shapes.next() else {
            return Ok(());
        };
        match shapes.find(|(other, _)| *other != first) {
            Some((_, pointer)) => Err(self.error(
                &pointer,
                "the target selects nodes of different kinds; an update or copy needs all objects, all arrays or all primitives",
            )),
            None => Ok(()),
        }
    }

    fn remove(&self, document: &mut Document, tokens: &[Token]) -> Result<(), OverlayError> {
        let Some((last, parent_tokens)) = tokens.split_last() else {
            return Err(self.error("", "the document's root cannot be removed"));
        };
        let parent_pointer = to_pointer(parent_tokens);
        let pointer = to_pointer(tokens);
        let Some(parent) = document.value.pointer_mut(&parent_pointer) else {
            // Inside a node an earlier match of this action removed.
            return Ok(());
        };
        match (parent, last) {
            (Value::Object(map), Token::Name(name)) => {
                map.shift_remove(name);
                document.forget(&pointer);
            }
            (Value::Array(items), Token::Index(index)) if *index < items.len() => {
                items.remove(*index);
                document.forget(&pointer);
                document.shift_items(&parent_pointer, *index);
            }
            _ => {}
        }
        Ok(())
    }

    fn merge_at(
        &self,
        document: &mut Document,
        tokens: &[Token],
        source: &Source,
    ) -> Result<(), OverlayError> {
        let pointer = to_pointer(tokens);
        let Some(target) = document.value.pointer(&pointer) else {
            // Inside a node an earlier match of this action replaced.
            return Ok(());
        };
        // The whole node the merge writes is computed first, then the places
        // of what it wrote are recorded.
        let mut merged = target.clone();
        let mut written = Vec::new();
        merge(&mut merged, source, "", &mut written)
            .map_err(|(at, message)| self.error(&format!("{pointer}{at}"), message))?;
        *document
            .value
            .pointer_mut(&pointer)
            .expect("the target was just found") = merged;
        for (relative, origin) in written {
            let absolute = format!("{pointer}{relative}");
            document.forget(&absolute);
            self.mark(document, &absolute, &origin);
        }
        Ok(())
    }

    /// Records the overlay's places for the node at `pointer` and every node
    /// below it.
    fn mark(&self, document: &mut Document, pointer: &str, origin: &Origin) {
        match origin {
            Origin::Update(update_pointer) => {
                let places: Vec<(String, Position)> = self
                    .overlay
                    .document
                    .positions_under(update_pointer)
                    .map(|(rest, position)| (format!("{pointer}{rest}"), position))
                    .collect();
                for (written, position) in places {
                    document.mark_written(
                        written,
                        Place {
                            path: self.file.clone(),
                            position,
                        },
                    );
                }
            }
            Origin::Copy(position) => document.mark_written(
                pointer.to_string(),
                Place {
                    path: self.file.clone(),
                    position: *position,
                },
            ),
        }
    }
}

/// One step of a normalized path, ordered so that sorting puts a node after
/// its ancestors and array items in index order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Token {
    Name(String),
    Index(usize),
}

impl From<&serde_json_path::PathElement<'_>> for Token {
    fn from(element: &serde_json_path::PathElement<'_>) -> Self {
        match element {
            serde_json_path::PathElement::Name(name) => Token::Name((*name).to_string()),
            serde_json_path::PathElement::Index(index) => Token::Index(*index),
        }
    }
}

fn to_pointer(tokens: &[Token]) -> String {
    tokens
        .iter()
        .map(|token| match token {
            Token::Name(name) => format!("/{}", escape_pointer_token(name)),
            Token::Index(index) => format!("/{index}"),
        })
        .collect()
}
