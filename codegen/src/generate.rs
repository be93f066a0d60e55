//! `cargo xtask codegen` as a function: `schema/` in, the source files of the
//! generated crates out. Reading, modelling, planning and printing are the
//! other modules; this one strings them together, shares the emitting and
//! printing among the cores in parts of files, and names the errors after
//! the file they are in.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::import::SCHEMA_FILE;
use crate::model::{Model, ModelError, Registry, RegistryError};
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
    /// Paths relative to the generated crate's root: `src/lib.rs`,
    /// `types/src/types.rs`.
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
    #[error(transparent)]
    Siblings(#[from] SiblingError),
}

/// Why the documents beside a schema could not be registered.
#[derive(Debug, thiserror::Error)]
pub enum SiblingError {
    #[error("{}: cannot list the directory: {source}", path.display())]
    List {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("{}: {source}", path.display())]
    Registry {
        path: PathBuf,
        source: RegistryError,
    },
}

/// The `file:` URI of an absolute path, each byte outside the unreserved
/// characters and `/` percent-encoded.
pub fn file_uri(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut uri = String::from("file://");
    if !text.starts_with('/') {
        uri.push('/');
    }
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'/' | b':' | b'-' | b'.' | b'_' | b'~') {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

/// The schema file's URI, and the registry of the other `.json` files of its
/// directory, each by its `file:` URI (and by its root `$id`, if it has
/// one): what a `$ref` such as `common.schema.json#/$defs/person` reaches.
pub fn schema_documents(schema_file: &Path) -> Result<(String, Registry), SiblingError> {
    let dir = schema_file.parent().unwrap_or(Path::new("."));
    let listing_error = |source| SiblingError::List {
        path: dir.to_path_buf(),
        source,
    };
    // Canonical, so that a relative or symlinked `--schema` names the files
    // as the documents' own relative references do.
    let dir = std::fs::canonicalize(dir).map_err(listing_error)?;
    let main = schema_file.file_name().unwrap_or_default();
    let mut siblings: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(listing_error)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.is_file()
                && path.extension().is_some_and(|e| e == "json")
                && path.file_name() != Some(main)
        })
        .collect();
    siblings.sort();
    let mut registry = Registry::new();
    for path in siblings {
        let document = source::load(&path)?;
        registry
            .insert(&file_uri(&path), document.value)
            .map_err(|source| SiblingError::Registry { path, source })?;
    }
    Ok((file_uri(&dir.join(main)), registry))
}

/// The schema file inside a `schema/` directory.
pub fn schema_file(schema_dir: &Path) -> PathBuf {
    schema_dir.join(SCHEMA_FILE)
}

/// Generates the crate's sources from `schema_dir/intercom.schema.json`,
/// whose `$ref`s may reach the other `.json` files of `schema_dir`.
/// `label` is how the headers name the schema (`schema/intercom.schema.json`).
pub fn generate(schema_dir: &Path, label: &str) -> Result<Generated, GenerateError> {
    let path = schema_file(schema_dir);
    let document = source::load(&path)?;
    let (uri, registry) = schema_documents(&path)?;
    generate_with(&document.value, &path, label, Some(&uri), &registry)
}

/// As [`generate`], for a schema already in memory that references no
/// other document; `path` names it in errors.
pub fn generate_from_value(
    schema: &serde_json::Value,
    path: &Path,
    label: &str,
) -> Result<Generated, GenerateError> {
    generate_with(schema, path, label, None, &Registry::new())
}

/// As [`generate`], for a schema in memory retrieved from `uri`, whose
/// `$ref`s may reach the documents of `registry`.
pub fn generate_with(
    schema: &serde_json::Value,
    path: &Path,
    label: &str,
    uri: Option<&str>,
    registry: &Registry,
) -> Result<Generated, GenerateError> {
    let model =
        Model::parse_with(schema, uri, registry).map_err(|source| GenerateError::Model {
            path: path.to_path_buf(),
            source,
        })?;
    let plan = types::plan(&model).map_err(|source| GenerateError::Codegen {
        path: path.to_path_buf(),
        source,
    })?;
    let parts = parts(&model, &plan);
    let printed = print_parts(&parts, &model, &plan, path);
    let mut contents: Vec<String> = FILES
        .iter()
        .map(|_| format!("{}\n", output::header(label)))
        .collect();
    // The first error in the order of `parts` (validators first), whichever
    // thread met it first.
    for (part, text) in parts.iter().zip(printed) {
        contents[part.file()].push_str(&text?);
    }
    let files = FILES
        .iter()
        .zip(contents)
        .map(|(path, contents)| GeneratedFile {
            path: PathBuf::from(path),
            contents,
        })
        .collect();
    Ok(Generated { model, plan, files })
}

/// The files of the generated crates, relative to the root of
/// `intercom-models`, in the order [`Generated::files`] lists them.
///
/// The types, the validators and the operations are crates of their own
/// under it, so that cargo compiles them side by side: none of the three
/// needs the validators, and the validators need none of them (on 2.16, the
/// types and the validators each took about half of the one crate's build).
/// `intercom-models` puts them together under the module paths a single crate
/// would have (`types`, `validators`, `operations`), and each file of theirs
/// reads as that module of one crate, which is how the tests compile the
/// fixtures' code.
const FILES: [&str; 7] = [
    "src/lib.rs",
    "types/src/lib.rs",
    "types/src/types.rs",
    "validators/src/lib.rs",
    "validators/src/validators.rs",
    "operations/src/lib.rs",
    "operations/src/operations.rs",
];

/// How many of the plan's types one part of `types.rs` holds. Emitting and
/// printing a few types at a time keeps their tokens and syntax trees in
/// the cache (measured on 2.16: 16 at a time took 15% less time than all
/// 776 at once, 8 or 4 no less than 16), and the parts even out the threads.
const TYPES_PER_PART: usize = 16;

/// How many operations' modules one part of `operations.rs` holds, for the
/// same reasons.
const OPERATIONS_PER_PART: usize = 16;

/// A piece of one generated file, emitted and printed on whichever thread
/// takes it: token streams are not `Send`, so a part is emitted where it is
/// printed, and only its text crosses threads.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Validators,
    OperationsRegistry,
    Operations(Range<usize>),
    Lib,
    Roots(Root),
    TypesDocs,
    Types(Range<usize>),
}

/// The root of a crate under `intercom-models`, which declares its one module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Root {
    Types,
    Validators,
    Operations,
}

impl Part {
    /// The index in [`FILES`] of the file the part is a piece of.
    fn file(&self) -> usize {
        match self {
            Part::Lib => 0,
            Part::Roots(Root::Types) => 1,
            Part::TypesDocs | Part::Types(_) => 2,
            Part::Roots(Root::Validators) => 3,
            Part::Validators => 4,
            Part::Roots(Root::Operations) => 5,
            Part::OperationsRegistry | Part::Operations(_) => 6,
        }
    }
}

/// The parts in the order threads take them: the largest first
/// (`validators.rs` is emitted in one piece because its functions are found
/// by a walk over the calls), then the small ones that fill the time the
/// other threads spend on it. The parts of one file are in the file's order.
fn parts(model: &Model, plan: &Plan) -> Vec<Part> {
    let mut parts = vec![Part::Validators, Part::OperationsRegistry];
    parts.extend(ranges(model.operations.len(), OPERATIONS_PER_PART).map(Part::Operations));
    parts.extend([
        Part::Lib,
        Part::Roots(Root::Types),
        Part::Roots(Root::Validators),
        Part::Roots(Root::Operations),
        Part::TypesDocs,
    ]);
    parts.extend(ranges(plan.types.len(), TYPES_PER_PART).map(Part::Types));
    parts
}

/// `0..len` cut into consecutive ranges of `per` (the last may be shorter).
fn ranges(len: usize, per: usize) -> impl Iterator<Item = Range<usize>> {
    (0..len)
        .step_by(per)
        .map(move |start| start..(start + per).min(len))
}

/// Every part printed, in the order of `parts`, on as many threads as the
/// machine has (at most 4: `validators.rs` alone is a third of the work).
/// Each thread takes the next part not yet taken, so which thread prints a
/// part varies from run to run, and the text of each does not.
fn print_parts(
    parts: &[Part],
    model: &Model,
    plan: &Plan,
    path: &Path,
) -> Vec<Result<String, GenerateError>> {
    let next = AtomicUsize::new(0);
    let work = || {
        let mut printed = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(part) = parts.get(index) else {
                return printed;
            };
            printed.push((index, print_part(part, model, plan, path)));
        }
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let mut printed: Vec<(usize, Result<String, GenerateError>)> = std::thread::scope(|scope| {
        let others: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut printed = work();
        for other in others {
            printed.extend(
                other
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
        printed
    });
    printed.sort_by_key(|(index, _)| *index);
    printed.into_iter().map(|(_, text)| text).collect()
}

fn print_part(
    part: &Part,
    model: &Model,
    plan: &Plan,
    path: &Path,
) -> Result<String, GenerateError> {
    let tokens = match part {
        Part::Validators => {
            validators_tokens(model, plan).map_err(|source| GenerateError::Codegen {
                path: path.to_path_buf(),
                source,
            })?
        }
        Part::OperationsRegistry => operations::emit_registry(model),
        Part::Operations(range) => operations::emit_modules(model, plan, range.clone()),
        Part::Lib => lib_tokens(model, plan),
        Part::Roots(root) => root_tokens(*root),
        Part::TypesDocs => types::emit_file_docs(),
        Part::Types(range) => types::emit_types(&plan.types[range.clone()]),
    };
    Ok(output::print(tokens)?)
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
    let validate_trait = crate::validators::validate_trait(plan);
    quote! {
        //! Rust types for the Intercom REST API, one per schema in `schema/`.
        #![doc = #origin]
        //!
        //! Reading a payload and writing it back gives the same JSON: unknown
        //! properties are kept in each struct's `extra`, unknown enum values in
        //! the enum's catch-all variant, and an absent property stays apart
        //! from a `null` one (`Option<Nullable<T>>`).
        //!
        //! The modules `types`, `validators` and `operations` are crates of
        //! their own, generated with this one, so that cargo compiles them side
        //! by side; depend on this crate, which puts them together.
        #![forbid(unsafe_code)]

        #[doc(inline)]
        pub use ::intercom_models_operations::operations;
        #[doc(inline)]
        pub use ::intercom_models_types::types;
        #[doc(inline)]
        pub use ::intercom_models_validators::validators;

        pub use ::intercom_runtime::{
            Nullable, Position, SchemaEntry, SyntaxError, Timestamp, ValidationError,
        };
        pub use ::intercom_runtime::operations::{Operation, ResponseError, Route};
        pub use operations::{OPERATIONS, operation, route};
        pub use types::*;
        pub use validators::{SCHEMAS, schema, schema_names, validate};

        #validate_trait

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

/// The root of one of the crates that `intercom-models` puts together.
fn root_tokens(root: Root) -> TokenStream {
    match root {
        Root::Types => quote! {
            //! The types of `intercom-models`, a crate of their own so that they
            //! compile beside the validators; use them through `intercom-models`.
            #![forbid(unsafe_code)]

            pub mod types;
        },
        Root::Validators => quote! {
            //! The validators of `intercom-models`, a crate of their own so that
            //! they compile beside the types; use them through `intercom-models`.
            #![forbid(unsafe_code)]

            pub mod validators;
        },
        Root::Operations => quote! {
            //! The operations of `intercom-models`, a crate of their own so that
            //! they compile beside the validators; use them through
            //! `intercom-models`.
            #![forbid(unsafe_code)]

            // Where the operations' modules find the types (`super::super::types`),
            // as in one crate.
            use ::intercom_models_types::types;

            pub mod operations;
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_escape_what_a_uri_cannot_hold() {
        assert_eq!(
            file_uri(Path::new("/a b/ü#1?.json")),
            "file:///a%20b/%C3%BC%231%3F.json"
        );
        assert_eq!(
            file_uri(Path::new("/s/x-1_2.~json")),
            "file:///s/x-1_2.~json"
        );
    }

    #[test]
    fn the_json_files_beside_the_schema_are_registered_by_their_uris_and_ids() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        write("intercom.schema.json", r#"{"$ref": "common.json"}"#);
        write("common.json", r#"{"type": "string"}"#);
        write("named.json", r#"{"$id": "https://example.com/named.json"}"#);
        write("notes.yaml", "not: json");
        std::fs::create_dir(dir.path().join("nested")).unwrap();
        write("nested/deeper.json", "{}");
        let (uri, registry) = schema_documents(&schema_file(dir.path())).unwrap();
        let canonical = std::fs::canonicalize(dir.path()).unwrap();
        assert_eq!(uri, file_uri(&canonical.join("intercom.schema.json")));
        assert_eq!(registry.len(), 2);
        let common = file_uri(&canonical.join("common.json"));
        assert_eq!(registry.get(&common).map(|(u, _)| u), Some(common.as_str()));
        let named = file_uri(&canonical.join("named.json"));
        assert_eq!(
            registry
                .get("https://example.com/named.json")
                .map(|(u, _)| u),
            Some(named.as_str())
        );
        // The schema reaches the file beside it.
        let generated = generate(dir.path(), "schema").unwrap();
        let model = &generated.model;
        let reference = model.keywords(model.root).unwrap().reference.as_ref();
        let target = reference.unwrap().target;
        assert_eq!(model.node(target).pointer, "common.json#");

        write("broken.json", "{");
        let error = schema_documents(&schema_file(dir.path())).unwrap_err();
        assert!(error.to_string().contains("broken.json"), "{error}");
    }
}
