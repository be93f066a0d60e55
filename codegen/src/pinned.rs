//! The reference this repository pins: the one OpenAPI file in
//! `reference/intercom-openapi/`. `cargo xtask import` reads it by default,
//! `cargo xtask upgrade` replaces it, and [`import`] imports it as that
//! command does by default (the overlays of `reference/overlays/` applied),
//! for the freshness test of `schema/` and the benchmarks.

use std::path::{Path, PathBuf};

use crate::import::{self, ImportError, Imported, Options, Selection};
use crate::overlay::{self, OverlayError, Unmatched};
use crate::source::{self, LoadError};

/// Where the pinned reference lives, relative to the workspace root.
pub const REFERENCE_DIR: &str = "reference/intercom-openapi";

#[derive(Debug, thiserror::Error)]
pub enum PinnedError {
    #[error("{}: cannot read the pinned reference's folder: {source}", dir.display())]
    Read {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{}: no pinned reference (a .yaml, .yml or .json file); pin one with `cargo xtask upgrade --spec FILE` or name one with `--spec FILE`",
        dir.display()
    )]
    Missing { dir: PathBuf },
    #[error(
        "{}: more than one pinned reference ({}); keep exactly one",
        dir.display(),
        names.join(", ")
    )]
    Several { dir: PathBuf, names: Vec<String> },
}

/// The folder that holds the pinned reference in the workspace at `root`.
pub fn reference_dir(root: &Path) -> PathBuf {
    root.join(REFERENCE_DIR)
}

/// The pinned reference of the workspace at `root`: the one file in
/// `reference/intercom-openapi/` that is YAML or JSON by its extension
/// (`LICENSE.md` and any README stand beside it).
pub fn reference(root: &Path) -> Result<PathBuf, PinnedError> {
    let dir = reference_dir(root);
    let entries = std::fs::read_dir(&dir).map_err(|source| PinnedError::Read {
        dir: dir.clone(),
        source,
    })?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file() && is_reference_file(path))
        .collect();
    found.sort();
    match found.len() {
        0 => Err(PinnedError::Missing { dir }),
        1 => Ok(found.remove(0)),
        _ => Err(PinnedError::Several {
            dir,
            names: found
                .iter()
                .filter_map(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .collect(),
        }),
    }
}

/// Whether `path` names a reference file by its extension.
pub fn is_reference_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace(files: &[&str]) -> PathBuf {
        let root = std::env::temp_dir().join(format!(
            "intercom-pinned-{}-{}",
            std::process::id(),
            files.join("-").replace(['/', '.'], "_")
        ));
        let _ = std::fs::remove_dir_all(&root);
        let dir = reference_dir(&root);
        std::fs::create_dir_all(&dir).unwrap();
        for file in files {
            std::fs::write(dir.join(file), "openapi: 3.0.1\n").unwrap();
        }
        root
    }

    #[test]
    fn the_one_reference_file_beside_the_licence() {
        let root = workspace(&["2.16.yaml", "LICENSE.md", "README.md"]);
        assert_eq!(
            reference(&root).unwrap(),
            reference_dir(&root).join("2.16.yaml")
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn none_or_several_is_an_error_that_says_what_to_do() {
        let root = workspace(&["LICENSE.md"]);
        let error = reference(&root).unwrap_err().to_string();
        assert!(error.contains("cargo xtask upgrade --spec FILE"), "{error}");
        std::fs::remove_dir_all(&root).unwrap();
        let root = workspace(&["2.15.yaml", "2.16.json"]);
        let error = reference(&root).unwrap_err().to_string();
        assert!(
            error.ends_with(
                "more than one pinned reference (2.15.yaml, 2.16.json); keep exactly one"
            ),
            "{error}"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }
}

/// What `cargo xtask import` with no arguments makes of the workspace at
/// `root`: the pinned reference, corrected by the overlays in
/// `reference/overlays/`, every schema imported.
#[derive(Debug)]
pub struct PinnedImport {
    /// The pinned reference's file.
    pub path: PathBuf,
    pub imported: Imported,
    /// Overlay actions that matched nothing: warnings, as the command prints them.
    pub unmatched: Vec<Unmatched>,
}

#[derive(Debug, thiserror::Error)]
pub enum PinnedImportError {
    #[error(transparent)]
    Pinned(#[from] PinnedError),
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Overlay(#[from] OverlayError),
    #[error(transparent)]
    Import(#[from] ImportError),
}

/// The pinned reference imported as `cargo xtask import` imports it by
/// default, for what must agree with the checked-in `schema/` (its
/// freshness test, the benchmarks' schema and payloads).
pub fn import(root: &Path) -> Result<PinnedImport, PinnedImportError> {
    let path = reference(root)?;
    let mut document = source::load(&path)?;
    let overlays = overlay::load_all(&overlay::folder(root)?)?;
    let unmatched = overlay::apply(&mut document, &overlays, false)?;
    let options = Options {
        selection: Selection::All,
        strict: false,
    };
    let imported = import::import(&document, &options)?;
    Ok(PinnedImport {
        path,
        imported,
        unmatched,
    })
}
