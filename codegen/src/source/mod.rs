//! Loading a YAML or JSON document into a `serde_json::Value`, keeping the line
//! and column of every node so that later passes can point at the input.
//!
//! JSON is read by serde_json and then walked once for positions (`json`);
//! YAML is built from saphyr-parser's events (`yaml`), with the core
//! schema's scalars (`scalars`) and the rewrites that make it read what
//! libyaml reads (`repair`). `pointer` escapes JSON pointer tokens, and
//! `versions` finds references by their version-numbered file names.

mod json;
mod pointer;
mod repair;
mod scalars;
mod versions;
mod yaml;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use json::parse_json;
use yaml::parse_yaml;

pub use pointer::{escape_pointer_token, percent_decode, unescape_pointer_token};
pub use versions::{newest_version, versions};

/// A 1-based line and column in a source file (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Which syntax a document was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Yaml,
    Json,
}

/// A parsed document: its value, and where each node (by JSON pointer) starts.
#[derive(Debug, Clone)]
pub struct Document {
    pub path: PathBuf,
    pub syntax: Syntax,
    pub value: Value,
    pub bytes_sha256: String,
    positions: HashMap<String, Position>,
    /// Nodes an overlay wrote, by pointer: where in the overlay they were
    /// written from. Their old positions in this file are forgotten.
    written: HashMap<String, Place>,
    /// Problems that did not stop loading (a duplicated key, say).
    pub warnings: Vec<LoadWarning>,
    /// The overlays applied to `value`, in order (see [`crate::overlay`]).
    pub overlays: Vec<crate::schema_document::AppliedOverlay>,
}

/// A position in some file: where a node an overlay wrote came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub path: Arc<Path>,
    pub position: Position,
}

impl Document {
    /// Where the node at `pointer` (a JSON pointer, `""` for the root) starts.
    pub fn position(&self, pointer: &str) -> Option<Position> {
        self.positions.get(pointer).copied()
    }

    /// The position of `pointer`, or of its nearest ancestor that has one.
    pub fn nearest_position(&self, pointer: &str) -> Option<Position> {
        let mut pointer = pointer;
        loop {
            if let Some(position) = self.position(pointer) {
                return Some(position);
            }
            match pointer.rfind('/') {
                Some(slash) => pointer = &pointer[..slash],
                None => return None,
            }
        }
    }

    /// The file and position of the node at `pointer`, or of its nearest
    /// ancestor that has one: an overlay's file and line for a node an
    /// overlay wrote, this document's file otherwise.
    pub fn locate(&self, pointer: &str) -> (PathBuf, Option<Position>) {
        let mut pointer = pointer;
        loop {
            if let Some(place) = self.written.get(pointer) {
                return (place.path.to_path_buf(), Some(place.position));
            }
            if let Some(position) = self.position(pointer) {
                return (self.path.clone(), Some(position));
            }
            match pointer.rfind('/') {
                Some(slash) => pointer = &pointer[..slash],
                None => return (self.path.clone(), None),
            }
        }
    }

    /// Every recorded position at `pointer` and below it, as (the rest of
    /// the pointer after `pointer`, position).
    pub(crate) fn positions_under<'a>(
        &'a self,
        pointer: &'a str,
    ) -> impl Iterator<Item = (&'a str, Position)> + 'a {
        self.positions.iter().filter_map(move |(key, position)| {
            let rest = key.strip_prefix(pointer)?;
            (rest.is_empty() || rest.starts_with('/')).then_some((rest, *position))
        })
    }

    /// Forgets where the node at `pointer` and everything below it came from
    /// (it is about to be replaced or removed).
    pub(crate) fn forget(&mut self, pointer: &str) {
        let below = |key: &String| {
            key.strip_prefix(pointer)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        self.positions.retain(|key, _| !below(key));
        self.written.retain(|key, _| !below(key));
    }

    /// Records that an overlay wrote the node at `pointer`.
    pub(crate) fn mark_written(&mut self, pointer: String, place: Place) {
        self.written.insert(pointer, place);
    }

    /// After the item at `array/removed` is gone, the items behind it move
    /// one place forward, and so do their positions.
    pub(crate) fn shift_items(&mut self, array: &str, removed: usize) {
        let prefix = format!("{array}/");
        let moved = |key: &str| -> Option<String> {
            let rest = key.strip_prefix(&prefix)?;
            let (index, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let index: usize = index.parse().ok()?;
            (index > removed).then(|| format!("{prefix}{}{tail}", index - 1))
        };
        fn rekey<T>(map: &mut HashMap<String, T>, moved: &dyn Fn(&str) -> Option<String>) {
            let keys: Vec<String> = map.keys().filter(|k| moved(k).is_some()).cloned().collect();
            let mut entries: Vec<(String, T)> = keys
                .into_iter()
                .filter_map(|key| {
                    let value = map.remove(&key)?;
                    Some((moved(&key)?, value))
                })
                .collect();
            for (key, value) in entries.drain(..) {
                map.insert(key, value);
            }
        }
        rekey(&mut self.positions, &moved);
        rekey(&mut self.written, &moved);
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadWarning {
    pub position: Position,
    pub pointer: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{position}: {message}", path.display())]
    Syntax {
        path: PathBuf,
        position: Position,
        message: String,
    },
}

impl LoadError {
    pub fn path(&self) -> &Path {
        match self {
            LoadError::Read { path, .. } | LoadError::Syntax { path, .. } => path,
        }
    }
}

/// Reads and parses `path`. JSON is recognised by its first non-blank byte
/// (`{` or `[`), whatever the extension, so a `.yaml` file that holds JSON
/// still gets JSON error messages.
pub fn load(path: &Path) -> Result<Document, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(path, &bytes)
}

/// Parses bytes that were read from `path` (the path only names the source).
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Document, LoadError> {
    let bytes_sha256 = sha256_hex(bytes);
    let text = decode_utf8(path, bytes)?;
    let first = text.trim_start().as_bytes().first().copied();
    let (syntax, value, positions, warnings) = if matches!(first, Some(b'{' | b'[')) {
        let (value, positions) = parse_json(path, text)?;
        (Syntax::Json, value, positions, Vec::new())
    } else {
        let built = parse_yaml(path, text)?;
        (Syntax::Yaml, built.0, built.1, built.2)
    };
    Ok(Document {
        path: path.to_path_buf(),
        syntax,
        value,
        bytes_sha256,
        positions,
        written: HashMap::new(),
        warnings,
        overlays: Vec::new(),
    })
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn decode_utf8<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str, LoadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|error| {
        let at = intercom_runtime::scan::position(bytes, error.valid_up_to());
        LoadError::Syntax {
            path: path.to_path_buf(),
            position: Position {
                line: at.line as usize,
                column: at.column as usize,
            },
            message: "invalid UTF-8: expected a UTF-8 encoded text file".to_string(),
        }
    })
}
