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
//!
//! `read` checks an overlay document field by field; `apply` runs its
//! actions on a document, and `merge` is the specification's merge of an
//! update or a copy into a target.

mod apply;
mod merge;
mod read;

#[cfg(test)]
mod tests;

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json_path::JsonPath;

use crate::source::{Document, LoadError, Position};

pub use apply::apply;
pub use read::parse;

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
