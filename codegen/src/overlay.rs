//! Overlays (OpenAPI Overlay Specification 1.0.0 and 1.1.0): small reviewed
//! documents of actions that correct the reference before it is imported,
//! where the live API differs from what Intercom's file says.
//!
//! An action selects nodes with an RFC 9535 JSONPath `target` (evaluated by
//! `serde_json_path`) and then merges an `update` into them, removes them, or
//! (1.1) merges into them a copy of the one node its `copy` path selects.
//! Actions run in order, each on the result of the ones before.
//!
//! Applying an overlay keeps locations true: every node an action writes is
//! recorded in the [`Document`] with its place in the overlay file, and the
//! reference's positions of nodes that were replaced or removed are
//! forgotten, so a later error about such a node names the overlay's line.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Map, Value};
use serde_json_path::JsonPath;

use crate::schema_document::{AppliedAction, AppliedOverlay};
use crate::source::{self, Document, LoadError, Place, Position, escape_pointer_token};

/// Where a workspace keeps its overlays, relative to its root.
pub const OVERLAY_DIR: &str = "reference/overlays";

/// One overlay document, checked and with its JSONPath expressions parsed.
#[derive(Debug, Clone)]
pub struct Overlay {
    pub path: PathBuf,
    pub sha256: String,
    /// The `overlay` field: `1.0.x` or `1.1.x`.
    pub spec_version: String,
    pub title: String,
    pub version: String,
    pub actions: Vec<Action>,
    /// The overlay as read, for the positions of what its updates write.
    document: Document,
}

/// One action of an overlay.
#[derive(Debug, Clone)]
pub struct Action {
    /// Where the action object starts in the overlay file.
    pub position: Position,
    pub target: String,
    pub description: Option<String>,
    pub kind: ActionKind,
    target_path: JsonPath,
    /// The action's pointer inside the overlay document (`/actions/3`).
    pointer: String,
}

#[derive(Debug, Clone)]
pub enum ActionKind {
    /// Merge the action's `update` value into every node the target selects.
    Update,
    /// Remove every node the target selects from its parent.
    Remove,
    /// Merge a copy of the one node `from` selects into every target node.
    Copy { from: String, position: Position },
}

/// An action whose target (or whose `copy` source) selects nothing: the
/// reference no longer has what the correction was written for, often
/// because Intercom corrected it itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmatched {
    pub file: PathBuf,
    pub position: Position,
    pub target: String,
    pub description: Option<String>,
    /// `Some` when it is the `copy` source that selects nothing.
    pub copy_from: Option<String>,
}

impl fmt::Display for Unmatched {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.file.display(), self.position)?;
        match &self.copy_from {
            Some(from) => write!(
                f,
                "the copy source `{from}` of the action on `{}` matches nothing",
                self.target
            )?,
            None => write!(f, "the target `{}` matches nothing", self.target)?,
        }
        if let Some(description) = &self.description {
            write!(f, " ({description})")?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OverlayError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("{}: cannot read the overlays' folder: {source}", dir.display())]
    Folder {
        dir: PathBuf,
        source: std::io::Error,
    },
    /// The document is not an Overlay, or a field of it is not what the
    /// specification says.
    #[error("{}:{position}: {message}", path.display())]
    Invalid {
        path: PathBuf,
        position: Position,
        message: String,
    },
    #[error(
        "{}:{position}: invalid JSONPath `{expression}`: at character {offset} of the expression: {message}",
        path.display()
    )]
    JsonPath {
        path: PathBuf,
        /// Of the offending character in the file, where it can be told.
        position: Position,
        expression: String,
        /// 1-based, in bytes of the expression.
        offset: usize,
        message: String,
    },
    /// An action cannot be applied to what its target selects.
    #[error("{}:{position}: the action on `{target}` cannot be applied at {pointer}: {message}", path.display(), pointer = display_pointer(pointer))]
    Apply {
        path: PathBuf,
        position: Position,
        target: String,
        pointer: String,
        message: String,
    },
    /// Under `--strict`, an action that matches nothing.
    #[error("{0} (an error under --strict)")]
    Unmatched(Unmatched),
}

fn display_pointer(pointer: &str) -> String {
    if pointer.is_empty() {
        "the document's root".to_string()
    } else {
        format!("#{pointer}")
    }
}

/// The overlay files of the workspace at `root`: the YAML and JSON files of
/// `reference/overlays/`, in file-name order (a README beside them is not
/// one). A workspace without the folder has none.
pub fn folder(root: &Path) -> Result<Vec<PathBuf>, OverlayError> {
    let dir = root.join(OVERLAY_DIR);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(OverlayError::Folder { dir, source }),
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.is_file()
                && matches!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "yml" | "json")
                )
        })
        .collect();
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    Ok(files)
}

/// Reads and checks the overlay at `path`.
pub fn load(path: &Path) -> Result<Overlay, OverlayError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(path, &bytes)
}

/// Reads each of `paths`, in the order given.
pub fn load_all(paths: &[PathBuf]) -> Result<Vec<Overlay>, OverlayError> {
    paths.iter().map(|path| load(path)).collect()
}

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

/// What a value from the overlay (or copied within the reference) writes,
/// and where the places of the nodes it writes come from.
enum Source<'a> {
    /// The action's `update`: each written node keeps its own line.
    Update { value: &'a Value, pointer: String },
    /// A copy: every node it writes is placed at the action's `copy` field.
    Copy {
        value: &'a Value,
        position: Position,
    },
}

impl Source<'_> {
    fn value(&self) -> &Value {
        match self {
            Source::Update { value, .. } | Source::Copy { value, .. } => value,
        }
    }

    fn child(&self, token: &str) -> Option<Source<'_>> {
        // `token` is already escaped as a JSON pointer's tokens are.
        let value = self.value().pointer(&format!("/{token}"))?;
        Some(match self {
            Source::Update { pointer, .. } => Source::Update {
                value,
                pointer: format!("{pointer}/{token}"),
            },
            Source::Copy { position, .. } => Source::Copy {
                value,
                position: *position,
            },
        })
    }
}

/// The kind of a node, as the specification sorts targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Object,
    Array,
    Primitive,
}

fn shape(value: &Value) -> Shape {
    match value {
        Value::Object(_) => Shape::Object,
        Value::Array(_) => Shape::Array,
        _ => Shape::Primitive,
    }
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

/// Where a node written by a merge comes from.
enum Origin {
    /// A pointer into the overlay document.
    Update(String),
    /// The position of a `copy` field.
    Copy(Position),
}

fn origin(source: &Source) -> Origin {
    match source {
        Source::Update { pointer, .. } => Origin::Update(pointer.clone()),
        Source::Copy { position, .. } => Origin::Copy(*position),
    }
}

/// Merges `source` into `target` as the specification says: properties only
/// in the target stay, properties only in the source are inserted, and for
/// properties in both a primitive replaces a primitive, arrays are
/// concatenated and objects merged again. A primitive target is replaced; an
/// array target gets an array concatenated or any other value appended.
/// Every node written is pushed on `written` (relative to the merge's root).
type MergeError = (String, String);

fn merge(
    target: &mut Value,
    source: &Source,
    at: &str,
    written: &mut Vec<(String, Origin)>,
) -> Result<(), MergeError> {
    match (target, source.value()) {
        (Value::Object(target), Value::Object(update)) => {
            for (key, _) in update {
                let token = escape_pointer_token(key);
                let child = source.child(&token).expect("the key is in the update");
                let child_at = format!("{at}/{token}");
                match target.get_mut(key) {
                    None => {
                        target.insert(key.clone(), child.value().clone());
                        written.push((child_at, origin(&child)));
                    }
                    Some(existing) => merge_property(existing, &child, &child_at, written)?,
                }
            }
            Ok(())
        }
        (Value::Array(items), Value::Array(_)) => {
            append_items(items, source, at, written);
            Ok(())
        }
        (Value::Array(items), value) => {
            written.push((format!("{at}/{}", items.len()), origin(source)));
            items.push(value.clone());
            Ok(())
        }
        (target @ (Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_)), value)
            if shape(value) == Shape::Primitive =>
        {
            *target = value.clone();
            written.push((at.to_string(), origin(source)));
            Ok(())
        }
        (target, value) => Err((
            at.to_string(),
            format!(
                "cannot merge {} into {}",
                kind_name(value),
                kind_name(target)
            ),
        )),
    }
}

/// The merge of a property that both sides have.
fn merge_property(
    existing: &mut Value,
    child: &Source,
    at: &str,
    written: &mut Vec<(String, Origin)>,
) -> Result<(), MergeError> {
    match (shape(existing), shape(child.value())) {
        (Shape::Object, Shape::Object) => merge(existing, child, at, written),
        (Shape::Array, Shape::Array) => {
            let Value::Array(items) = existing else {
                unreachable!("the shape is an array")
            };
            append_items(items, child, at, written);
            Ok(())
        }
        (Shape::Primitive, Shape::Primitive) => {
            *existing = child.value().clone();
            written.push((at.to_string(), origin(child)));
            Ok(())
        }
        _ => Err((
            at.to_string(),
            format!(
                "cannot merge {} into {} (the specification calls this combination incompatible)",
                kind_name(child.value()),
                kind_name(existing)
            ),
        )),
    }
}

fn append_items(
    items: &mut Vec<Value>,
    source: &Source,
    at: &str,
    written: &mut Vec<(String, Origin)>,
) {
    let Value::Array(update) = source.value() else {
        return;
    };
    for index in 0..update.len() {
        let child = source
            .child(&index.to_string())
            .expect("the index is in the update");
        written.push((format!("{at}/{}", items.len()), origin(&child)));
        items.push(child.value().clone());
    }
}

fn kind_name(value: &Value) -> &'static str {
    match value {
        Value::Object(_) => "an object",
        Value::Array(_) => "an array",
        Value::String(_) => "a string",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a boolean",
        Value::Null => "null",
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const REFERENCE: &str = "\
openapi: 3.0.1
info:
  title: t
  version: '1'
components:
  schemas:
    ticket:
      type: object
      required: [id, title]
      properties:
        id:
          type: integer
        title:
          type: string
        state:
          type: string
          enum: [open, closed]
";

    fn reference() -> Document {
        source::parse(Path::new("ref.yaml"), REFERENCE.as_bytes()).unwrap()
    }

    fn overlay(text: &str) -> Overlay {
        parse(Path::new("fix.yaml"), text.as_bytes()).unwrap()
    }

    fn overlay_error(text: &str) -> String {
        parse(Path::new("fix.yaml"), text.as_bytes())
            .unwrap_err()
            .to_string()
    }

    fn applied(text: &str) -> (Document, Vec<Unmatched>) {
        let mut doc = reference();
        let unmatched = apply(&mut doc, &[overlay(text)], false).unwrap();
        (doc, unmatched)
    }

    #[test]
    fn update_merges_objects_concatenates_arrays_and_replaces_primitives() {
        let (doc, unmatched) = applied(
            "overlay: 1.0.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.components.schemas.ticket\n  description: states the API sends\n  update:\n    properties:\n      state:\n        enum: [snoozed]\n        description: new\n",
        );
        assert!(unmatched.is_empty());
        assert_eq!(
            doc.value
                .pointer("/components/schemas/ticket/properties/state"),
            Some(
                &json!({"type": "string", "enum": ["open", "closed", "snoozed"], "description": "new"})
            )
        );
        let applied = &doc.overlays[0];
        assert_eq!(applied.file, "fix.yaml");
        assert_eq!(applied.actions[0].matched, 1);
        assert_eq!(
            applied.actions[0].description.as_deref(),
            Some("states the API sends")
        );
    }

    #[test]
    fn written_nodes_are_located_in_the_overlay() {
        let (doc, _) = applied(
            "overlay: 1.0.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.components.schemas.ticket.properties.id\n  update:\n    type: intger\n",
        );
        let (path, position) = doc.locate("/components/schemas/ticket/properties/id/type");
        assert_eq!(path, Path::new("fix.yaml"));
        assert_eq!(
            position,
            Some(Position {
                line: 6,
                column: 11
            })
        );
        // What the overlay did not touch is still placed in the reference.
        let (path, position) = doc.locate("/components/schemas/ticket/properties/title/type");
        assert_eq!(path, Path::new("ref.yaml"));
        assert_eq!(
            position,
            Some(Position {
                line: 14,
                column: 17
            })
        );
    }

    #[test]
    fn remove_takes_names_out_of_arrays_and_moves_the_positions_behind() {
        let (doc, _) = applied(
            "overlay: 1.0.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.components.schemas.ticket.required[?@ == 'id']\n  remove: true\n",
        );
        assert_eq!(
            doc.value.pointer("/components/schemas/ticket/required"),
            Some(&json!(["title"]))
        );
        // `title` was the second item: it is now the first, at its own column.
        assert_eq!(
            doc.position("/components/schemas/ticket/required/0"),
            Some(Position {
                line: 9,
                column: 22
            })
        );
        assert_eq!(doc.position("/components/schemas/ticket/required/1"), None);
    }

    #[test]
    fn remove_of_several_items_of_one_array() {
        let (doc, _) = applied(
            "overlay: 1.1.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.components.schemas.ticket.required[*]\n  remove: true\n",
        );
        assert_eq!(
            doc.value.pointer("/components/schemas/ticket/required"),
            Some(&json!([]))
        );
    }

    #[test]
    fn copy_merges_the_one_source_node_into_the_target() {
        let (doc, _) = applied(
            "overlay: 1.1.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.components.schemas\n  update: {ticket_v2: {}}\n- target: $.components.schemas.ticket_v2\n  copy: $.components.schemas.ticket\n",
        );
        assert_eq!(
            doc.value.pointer("/components/schemas/ticket_v2"),
            doc.value.pointer("/components/schemas/ticket")
        );
        let (path, position) = doc.locate("/components/schemas/ticket_v2/properties/id/type");
        assert_eq!(path, Path::new("fix.yaml"));
        assert_eq!(position, Some(Position { line: 7, column: 9 }));
    }

    #[test]
    fn copy_is_refused_in_an_overlay_1_0_document() {
        let error = overlay_error(
            "overlay: 1.0.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.a\n  copy: $.b\n",
        );
        assert!(
            error.starts_with("fix.yaml:5:9: `copy` is an action of Overlay 1.1"),
            "{error}"
        );
    }

    #[test]
    fn an_unmatched_target_is_a_warning_and_under_strict_an_error() {
        let text = "overlay: 1.0.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.components.schemas.gone\n  description: a fix Intercom made\n  update: {type: string}\n";
        let (doc, unmatched) = applied(text);
        assert_eq!(doc.value, reference().value);
        assert_eq!(
            unmatched[0].to_string(),
            "fix.yaml:4:3: the target `$.components.schemas.gone` matches nothing (a fix Intercom made)"
        );
        assert_eq!(doc.overlays[0].actions[0].matched, 0);
        let error = apply(&mut reference(), &[overlay(text)], true).unwrap_err();
        assert!(
            error.to_string().ends_with("(an error under --strict)"),
            "{error}"
        );
    }

    #[test]
    fn an_invalid_json_path_names_the_character() {
        let error = overlay_error(
            "overlay: 1.0.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.components[schemas\n  remove: true\n",
        );
        assert!(
            error.starts_with("fix.yaml:4:23: invalid JSONPath `$.components[schemas`: at character 13 of the expression:"),
            "{error}"
        );
        let quoted = overlay_error(
            "overlay: 1.0.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: '$..[?@.x =]'\n  remove: true\n",
        );
        assert!(quoted.starts_with("fix.yaml:4:"), "{quoted}");
    }

    #[test]
    fn a_document_that_is_not_an_overlay_is_refused_with_its_position() {
        let error = overlay_error("openapi: 3.0.1\ninfo: {title: t, version: '1'}\n");
        assert!(
            error.starts_with("fix.yaml:1:1: not an Overlay document"),
            "{error}"
        );
        assert!(error.ends_with("`overlay` is missing"), "{error}");
        let error =
            overlay_error("overlay: 2.0.0\ninfo: {title: t, version: 1.0.0}\nactions: []\n");
        assert_eq!(
            error,
            "fix.yaml:1:10: unknown Overlay Specification version `2.0.0`: expected 1.0.x or 1.1.x"
        );
        let error =
            overlay_error("overlay: 1.0.0\ninfo: {title: t, version: 1.0.0}\nactions: []\n");
        assert_eq!(
            error,
            "fix.yaml:3:10: `actions` must hold at least one action"
        );
        let error = overlay_error(
            "overlay: 1.0.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.a\n  updates: {}\n",
        );
        assert!(
            error.starts_with("fix.yaml:5:12: unknown field `updates`"),
            "{error}"
        );
    }

    #[test]
    fn an_incompatible_merge_is_an_error_naming_the_action() {
        let mut doc = reference();
        let error = apply(
            &mut doc,
            &[overlay(
                "overlay: 1.0.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.components.schemas.ticket\n  update: {required: {id: true}}\n",
            )],
            false,
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "fix.yaml:4:3: the action on `$.components.schemas.ticket` cannot be applied at #/components/schemas/ticket/required: cannot merge an object into an array (the specification calls this combination incompatible)"
        );
    }

    #[test]
    fn a_primitive_target_is_replaced_and_mixed_targets_are_refused() {
        let (doc, _) = applied(
            "overlay: 1.1.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.components.schemas.ticket.properties.title.type\n  update: integer\n",
        );
        assert_eq!(
            doc.value
                .pointer("/components/schemas/ticket/properties/title/type"),
            Some(&json!("integer"))
        );
        let error = apply(
            &mut reference(),
            &[overlay(
                "overlay: 1.1.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.components.schemas.ticket[*]\n  update: {x: 1}\n",
            )],
            false,
        )
        .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("selects nodes of different kinds"),
            "{error}"
        );
    }

    #[test]
    fn a_copy_source_must_select_one_node() {
        let error = apply(
            &mut reference(),
            &[overlay(
                "overlay: 1.1.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.components.schemas.ticket\n  copy: $.components.schemas.ticket.properties.*\n",
            )],
            false,
        )
        .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("selects 3 nodes; it must select exactly one"),
            "{error}"
        );
        let (doc, unmatched) = applied(
            "overlay: 1.1.0\ninfo: {title: t, version: 1.0.0}\nactions:\n- target: $.components.schemas.ticket\n  copy: $.components.schemas.gone\n",
        );
        assert_eq!(doc.value, reference().value);
        assert_eq!(
            unmatched[0].to_string(),
            "fix.yaml:5:9: the copy source `$.components.schemas.gone` of the action on `$.components.schemas.ticket` matches nothing"
        );
    }

    #[test]
    fn a_json_overlay_reads_as_a_yaml_one_does() {
        let json = overlay(
            "{\"overlay\": \"1.0.0\", \"info\": {\"title\": \"t\", \"version\": \"1\"},\n \"actions\": [{\"target\": \"$.info\", \"update\": {\"title\": \"u\"}}]}",
        );
        let mut doc = reference();
        apply(&mut doc, &[json], false).unwrap();
        assert_eq!(doc.value["info"]["title"], "u");
        assert_eq!(
            doc.locate("/info/title"),
            (
                PathBuf::from("fix.yaml"),
                Some(Position {
                    line: 2,
                    column: 55
                })
            )
        );
    }

    #[test]
    fn the_folder_lists_overlays_in_file_name_order() {
        let root = tempfile::tempdir().unwrap();
        assert!(folder(root.path()).unwrap().is_empty());
        let dir = root.path().join(OVERLAY_DIR);
        std::fs::create_dir_all(&dir).unwrap();
        for name in ["20-b.yaml", "README.md", "10-a.json", "3-c.yml"] {
            std::fs::write(dir.join(name), "").unwrap();
        }
        let names: Vec<String> = folder(root.path())
            .unwrap()
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["10-a.json", "20-b.yaml", "3-c.yml"]);
    }
}
