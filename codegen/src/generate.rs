//! `cargo xtask codegen` as a function: `schema/` in, the source files of the
//! generated crate out. Reading, modelling, planning and printing are the
//! other modules; this one only strings them together and names the errors
//! after the file they are in.

use std::path::{Path, PathBuf};

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::import::SCHEMA_FILE;
use crate::model::{Model, ModelError};
use crate::operations;
use crate::output::{self, GeneratedFile, RenderError};
use crate::source::{self, LoadError};
use crate::types::{self, CodegenError, Plan, TypeKind};
use crate::validators::{self, ValidatorOptions};

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
            quote! { (#name, schemars::schema_for!(#ty)), }
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
        // Descriptions come from the API reference as written; rustdoc's and
        // clippy's opinions on their Markdown are not ours to fix.
        #![allow(
            rustdoc::bare_urls,
            rustdoc::broken_intra_doc_links,
            rustdoc::invalid_html_tags,
            rustdoc::invalid_rust_codeblocks,
            clippy::doc_lazy_continuation,
            clippy::doc_overindented_list_items,
            clippy::tabs_in_doc_comments
        )]
        #![forbid(unsafe_code)]

        pub mod operations;
        pub mod types;
        pub mod validators;

        pub use intercom_runtime::{
            Nullable, Position, SchemaEntry, SyntaxError, Timestamp, Validate, ValidationError,
        };
        pub use intercom_runtime::operations::{Operation, ResponseError, Route};
        pub use operations::{OPERATIONS, operation, route};
        pub use types::*;
        pub use validators::{SCHEMAS, schema, schema_names, validate};

        /// For each schema name, the JSON Schema that schemars derives from its
        /// Rust type: what the types promise, to compare with `schema/`. With
        /// the crate's `schemars` feature, which derives `schemars::JsonSchema`
        /// for every type.
        #[cfg(feature = "schemars")]
        pub fn rust_schemas() -> Vec<(&'static str, schemars::Schema)> {
            vec![#(#schemas)*]
        }
    }
}

/// The tokens of `validators.rs`: a function per schema node, then per
/// `$defs` entry the public functions, the `Validate` impl of its type, and
/// the registry.
pub fn validators_tokens(model: &Model, plan: &Plan) -> Result<TokenStream, CodegenError> {
    let items = validators_items(model, plan)?;
    Ok(quote! {
        //! Validators of every schema in `schema/`: JSON Schema draft 2020-12,
        //! every error with its instance location and its keyword's location.
        #![allow(clippy::all)]

        #items
    })
}

/// The items of `validators.rs` alone, for a caller that puts them in a
/// module of its own beside a `types` module.
pub fn validators_items(model: &Model, plan: &Plan) -> Result<TokenStream, CodegenError> {
    let roots: Vec<_> = model.defs.iter().map(|(_, node)| *node).collect();
    let functions = validators::emit(model, &roots, &ValidatorOptions::default())?;
    let mut public = Vec::new();
    let mut entries = Vec::new();
    for (name, id) in &plan.defs {
        let def = plan.get(*id);
        let node = model.def(name).expect("every planned def is in the model");
        let snake = def.name.to_snake_case();
        let validate = format_ident!("validate_{}", snake);
        let is_valid = format_ident!("is_valid_{}", snake);
        let validate_bytes = format_ident!("validate_bytes_{}", snake);
        let doc = format!(" Validates a payload against `{name}`, collecting every error.");
        let rust_type = &def.name;
        // A schema that accepts any value has no checks to call: its
        // functions ignore the payload rather than name an unused variable.
        let f = validators::checks_anything(model, node).then(|| validators::node_fn(node));
        let bytes_closure = validators::errors_from_bytes(f.as_ref());
        let (value, validate_body, is_valid_body) = match &f {
            Some(f) => (
                quote!(value),
                quote!(intercom_runtime::check::errors(|ctx| #f(value, ctx))),
                quote! {
                    let mut ctx = intercom_runtime::check::Ctx::verdict();
                    #f(value, &mut ctx);
                    ctx.is_valid()
                },
            ),
            None => (quote!(_), quote!(Vec::new()), quote!(true)),
        };
        public.push(quote! {
            #[doc = #doc]
            pub fn #validate(#value: &serde_json::Value) -> Vec<ValidationError> {
                #validate_body
            }

            #[doc = #doc]
            /// Stops at the first error.
            pub fn #is_valid(#value: &serde_json::Value) -> bool {
                #is_valid_body
            }

            #[doc = #doc]
            /// From bytes, with the line and column of each error, without
            /// building a `serde_json::Value`.
            pub fn #validate_bytes(bytes: &[u8]) -> Result<Vec<ValidationError>, SyntaxError> {
                intercom_runtime::bytes::validate_bytes(bytes, #bytes_closure)
            }
        });
        if !matches!(def.kind, TypeKind::Alias(_)) {
            let ty = format_ident!("{}", def.name);
            public.push(quote! {
                impl intercom_runtime::Validate for super::types::#ty {
                    const SCHEMA: &'static str = #name;

                    fn validate(value: &serde_json::Value) -> Vec<ValidationError> {
                        #validate(value)
                    }

                    fn is_valid(value: &serde_json::Value) -> bool {
                        #is_valid(value)
                    }

                    fn validate_bytes(bytes: &[u8]) -> Result<Vec<ValidationError>, SyntaxError> {
                        #validate_bytes(bytes)
                    }
                }
            });
        }
        entries.push(quote! {
            SchemaEntry {
                name: #name,
                rust_type: #rust_type,
                validate_value: #validate,
                is_valid: #is_valid,
                validate_bytes: #validate_bytes,
            },
        });
    }
    Ok(quote! {
        use intercom_runtime::{SchemaEntry, SyntaxError, ValidationError};

        /// Every schema, sorted by name.
        pub static SCHEMAS: &[SchemaEntry] = &[#(#entries)*];

        /// The schema called `name`.
        pub fn schema(name: &str) -> Option<&'static SchemaEntry> {
            SCHEMAS
                .binary_search_by(|entry| entry.name.cmp(name))
                .ok()
                .map(|index| &SCHEMAS[index])
        }

        /// The names of every schema, sorted.
        pub fn schema_names() -> impl Iterator<Item = &'static str> {
            SCHEMAS.iter().map(|entry| entry.name)
        }

        /// Every error of `value` against the schema called `name`, or `None`
        /// when there is no such schema.
        pub fn validate(name: &str, value: &serde_json::Value) -> Option<Vec<ValidationError>> {
            schema(name).map(|entry| (entry.validate_value)(value))
        }

        #(#public)*

        #functions
    })
}
