//! Reading one side of a diff: a reference file (imported in memory) or a
//! `schema/` directory written by `cargo xtask import`. Both end as a [`Model`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::generate::{SiblingError, schema_documents};
use crate::import::{self, Options, Selection, Warning};
use crate::model::{Model, ModelError};
use crate::overlay::{self, Overlay, OverlayError, Unmatched};
use crate::source::{self, Document, LoadError, Position};

/// One side of a diff, typed and resolved.
pub struct Side {
    /// The file or directory the user named.
    pub input: PathBuf,
    /// The file positions refer to: the reference, or `intercom.schema.json`.
    pub file: PathBuf,
    pub model: Model,
    /// The reference document, when the side is a reference file.
    document: Option<Document>,
    /// The written `intercom.schema.json`, when the side is a directory.
    schema_document: Option<Document>,
    /// Output pointer to reference pointer (reference inputs only).
    origins: BTreeMap<String, String>,
    pub warnings: Vec<Warning>,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadSideError {
    #[error("{}: no such file or directory", path.display())]
    Missing { path: PathBuf },
    #[error(transparent)]
    Source(#[from] LoadError),
    #[error(transparent)]
    Import(#[from] import::ImportError),
    #[error(transparent)]
    Overlay(#[from] OverlayError),
    #[error(
        "{}: not a schema/ directory written by `cargo xtask import`: it has no {}",
        path.display(),
        import::SCHEMA_FILE
    )]
    NotImportOutput { path: PathBuf },
    #[error("{}: {source}", path.display())]
    Model { path: PathBuf, source: ModelError },
    #[error(transparent)]
    Siblings(#[from] SiblingError),
}

impl Side {
    /// Loads a reference file or an import output directory.
    pub fn load(input: &Path, strict: bool) -> Result<Side, LoadSideError> {
        Side::load_overlaid(input, strict, &[]).map(|(side, _)| side)
    }

    /// Loads a reference file with `overlays` applied before the import, or
    /// an import output directory (whose overlays, if any, were applied when
    /// it was written: `overlays` do not apply to it). Also returns the
    /// overlay actions that matched nothing.
    pub fn load_overlaid(
        input: &Path,
        strict: bool,
        overlays: &[Overlay],
    ) -> Result<(Side, Vec<Unmatched>), LoadSideError> {
        if input.is_dir() {
            let file = input.join(import::SCHEMA_FILE);
            if !file.is_file() {
                return Err(LoadSideError::NotImportOutput {
                    path: input.to_path_buf(),
                });
            }
            let doc = source::load(&file)?;
            // As codegen reads it: with the documents beside it.
            let (uri, registry) = schema_documents(&file)?;
            let model = Model::parse_with(&doc.value, Some(&uri), &registry).map_err(|source| {
                LoadSideError::Model {
                    path: file.clone(),
                    source,
                }
            })?;
            let side = Side {
                input: input.to_path_buf(),
                file,
                model,
                document: None,
                schema_document: Some(doc),
                origins: BTreeMap::new(),
                warnings: Vec::new(),
            };
            return Ok((side, Vec::new()));
        }
        if !input.exists() {
            return Err(LoadSideError::Missing {
                path: input.to_path_buf(),
            });
        }
        Side::from_reference_overlaid(source::load(input)?, strict, overlays)
    }

    /// [`Side::from_reference`] with `overlays` applied to `doc` first.
    pub fn from_reference_overlaid(
        mut doc: Document,
        strict: bool,
        overlays: &[Overlay],
    ) -> Result<(Side, Vec<Unmatched>), LoadSideError> {
        let unmatched = overlay::apply(&mut doc, overlays, strict)?;
        Ok((Side::from_reference(doc, strict)?, unmatched))
    }

    /// A side from a reference file already read (`cargo xtask upgrade`
    /// diffs and pins the same bytes): imported in memory, all of it, as
    /// [`Side::load`] does. Errors and positions name `doc.path`.
    pub fn from_reference(doc: Document, strict: bool) -> Result<Side, LoadSideError> {
        let options = Options {
            selection: Selection::All,
            strict,
        };
        let imported = import::import(&doc, &options)?;
        let model = Model::parse(&imported.schema).map_err(|source| LoadSideError::Model {
            path: doc.path.clone(),
            source,
        })?;
        Ok(Side {
            input: doc.path.clone(),
            file: doc.path.clone(),
            model,
            document: Some(doc),
            schema_document: None,
            origins: imported.origins,
            warnings: imported.warnings,
        })
    }

    /// The line and column of a schema pointer (a pointer into the imported
    /// document) in the file this side was read from, or of its nearest
    /// enclosing node.
    pub fn position(&self, pointer: &str) -> Option<Position> {
        self.place(pointer).map(|(_, position)| position)
    }

    /// The file and position of a schema pointer, or of its nearest
    /// enclosing node: the overlay's file and line for a node an overlay
    /// wrote, else the file this side was read from.
    pub fn place(&self, pointer: &str) -> Option<(PathBuf, Position)> {
        if let Some(doc) = &self.schema_document {
            return doc
                .nearest_position(pointer)
                .map(|position| (self.file.clone(), position));
        }
        let doc = self.document.as_ref()?;
        // The origin of the node, or of its nearest enclosing node.
        let mut current = pointer.to_string();
        loop {
            if let Some(origin) = self.origins.get(&current) {
                let (file, position) = doc.locate(origin);
                return position.map(|position| (file, position));
            }
            let cut = current.rfind('/')?;
            current.truncate(cut);
        }
    }

    /// The line and column of an operation (its reference pointer).
    pub fn operation_position(&self, source_pointer: &str) -> Option<Position> {
        self.operation_place(source_pointer)
            .map(|(_, position)| position)
    }

    /// The file and position of an operation (its reference pointer).
    pub fn operation_place(&self, source_pointer: &str) -> Option<(PathBuf, Position)> {
        if let Some(doc) = &self.document {
            let (file, position) = doc.locate(source_pointer);
            return position.map(|position| (file, position));
        }
        let doc = self.schema_document.as_ref()?;
        doc.nearest_position("/x-operations")
            .map(|position| (self.file.clone(), position))
    }
}
