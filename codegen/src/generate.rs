//! `cargo xtask codegen` as a function: `schema/` in, the source files of the
//! generated crate out. Reading, modelling, planning and printing are the
//! other modules; this one only strings them together and names the errors
//! after the file they are in.

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::import::SCHEMA_FILE;
use crate::model::{Model, ModelError};
use crate::operations;
use crate::output::{self, GeneratedFile, RenderError};
use crate::source::{self, LoadError};
use crate::types::{self, CodegenError, Plan, TypeKind};

/// How `validators.rs` is made, for callers that build it alone (the tests'
/// fixture crates).
pub use crate::validators::{validators_items, validators_tokens};

/// What one run of codegen made, with the passes' results for callers that
/// need more than the files (reference-check, diff).
#[derive(Debug)]
pub struct Generated {
    pub model: Model,
    pub plan: Plan,
    /// Paths relative to the generated crate's root: `src/lib.rs`, `src/types.rs`.
    pub files: Vec<GeneratedFile>,
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("{0}")]
    Load(#[from] LoadError),
    #[error("{}: not a schema: {source}", path.display())]
    Model { path: PathBuf, source: ModelError },
    #[error("{}: {source}", path.display())]
    Codegen { path: PathBuf, source: CodegenError },
    #[error("{0}")]
    Render(#[from] RenderError),
}

/// The schema file inside a `schema/` directory.
pub fn schema_file(schema_dir: &Path) -> PathBuf {
    schema_dir.join(SCHEMA_FILE)
}

/// Generates the crate's sources from `schema_dir/intercom.schema.json`.
/// `label` is how the headers name the schema (`schema/intercom.schema.json`).
pub fn generate(schema_dir: &Path, label: &str) -> Result<Generated, GenerateError> {
    let path = schema_file(schema_dir);
    let document = source::load(&path)?;
    generate_from_value(&document.value, &path, label)
}

/// As [`generate`], for a schema already in memory; `path` names it in errors.
pub fn generate_from_value(
    schema: &serde_json::Value,
    path: &Path,
    label: &str,
) -> Result<Generated, GenerateError> {
    let model = Model::parse(schema).map_err(|source| GenerateError::Model {
        path: path.to_path_buf(),
        source,
    })?;
    let plan = types::plan(&model).map_err(|source| GenerateError::Codegen {
        path: path.to_path_buf(),
        source,
    })?;
    // validators.rs is the largest file: it is emitted and printed on a
    // thread of its own while this one does the rest (token streams are not
    // `Send`, so each thread prints what it emits).
    let (validators, others) = std::thread::scope(|scope| {
        let validators = scope.spawn(|| -> Result<String, GenerateError> {
            let tokens =
                validators_tokens(&model, &plan).map_err(|source| GenerateError::Codegen {
                    path: path.to_path_buf(),
                    source,
                })?;
            Ok(output::render(tokens, label)?)
        });
        let others = (|| -> Result<[String; 3], GenerateError> {
            Ok([
                output::render(lib_tokens(&model, &plan), label)?,
                output::render(types::emit(&plan), label)?,
                output::render(operations::emit(&model, &plan), label)?,
            ])
        })();
        let validators = validators
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (validators, others)
    });
    let validators = validators?;
    let [lib, types, operations] = others?;
    let files = vec![
        GeneratedFile {
            path: PathBuf::from("src/lib.rs"),
            contents: lib,
        },
        GeneratedFile {
            path: PathBuf::from("src/types.rs"),
            contents: types,
        },
        GeneratedFile {
            path: PathBuf::from("src/validators.rs"),
            contents: validators,
        },
        GeneratedFile {
            path: PathBuf::from("src/operations.rs"),
            contents: operations,
        },
    ];
    Ok(Generated { model, plan, files })
}

fn lib_tokens(model: &Model, plan: &Plan) -> TokenStream {
    let origin = match &model.provenance {
        Some(p) => {
            let mut origin = format!(
                " Generated from {} (API version {}), `{}`, SHA-256 `{}`",
                p.title, p.version, p.source, p.sha256
            );
            if !p.overlays.is_empty() {
                let overlays: Vec<String> = p
                    .overlays
                    .iter()
                    .map(|overlay| format!("`{}` (SHA-256 `{}`)", overlay.file, overlay.sha256))
                    .collect();
                origin.push_str(&format!(
                    ", corrected by the overlays {}",
                    overlays.join(", ")
                ));
            }
            origin.push('.');
            origin
        }
        None => " Generated from a JSON Schema document.".to_owned(),
    };
    let schemas = plan.defs.iter().filter_map(|(name, id)| {
        let def = plan.get(*id);
        // Aliases are other types under a second name: schemars sees the first.
        (!matches!(def.kind, TypeKind::Alias(_))).then(|| {
            let ty = format_ident!("{}", def.name);
            quote! { (#name, ::schemars::schema_for!(#ty)), }
        })
    });
    quote! {
        //! Rust types for the Intercom REST API, one per schema in `schema/`.
        #![doc = #origin]
        //!
        //! Reading a payload and writing it back gives the same JSON: unknown
        //! properties are kept in each struct's `extra`, unknown enum values in
        //! the enum's catch-all variant, and an absent property stays apart
        //! from a `null` one (`Option<Nullable<T>>`).
        #![forbid(unsafe_code)]

        pub mod operations;
        pub mod types;
        pub mod validators;

        pub use ::intercom_runtime::{
            Nullable, Position, SchemaEntry, SyntaxError, Timestamp, Validate, ValidationError,
        };
        pub use ::intercom_runtime::operations::{Operation, ResponseError, Route};
        pub use operations::{OPERATIONS, operation, route};
        pub use types::*;
        pub use validators::{SCHEMAS, schema, schema_names, validate};

        /// For each schema name, the JSON Schema that schemars derives from its
        /// Rust type: what the types promise, to compare with `schema/`. With
        /// the crate's `schemars` feature, which derives `schemars::JsonSchema`
        /// for every type.
        #[cfg(feature = "schemars")]
        pub fn rust_schemas() -> Vec<(&'static str, ::schemars::Schema)> {
            vec![#(#schemas)*]
        }
    }
}
