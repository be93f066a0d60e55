//! Generates the types of every fixture under `fixtures/types/` into one
//! module per fixture, so that the tests compile what codegen makes of each
//! and read payloads with it.

use std::path::Path;

use intercom_codegen::{diff, generate, import, model::Model, output, overlay, source, types};
use quote::{format_ident, quote};

#[path = "src/diff_pairs.rs"]
mod diff_pairs;
#[path = "../fuzz/schema_gen.rs"]
mod schema_gen;
use diff_pairs::diff_pairs;

fn main() {
    let dir = Path::new("fixtures/types");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut fixtures = json_files(dir);
    fixtures.sort();
    let modules = fixtures.iter().map(|path| {
        println!("cargo::rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(path).expect("a fixture is readable");
        let schema: serde_json::Value = serde_json::from_str(&text).expect("a fixture is JSON");
        let model = Model::parse(&schema).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let plan = types::plan(&model).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let items = types::emit_items(&plan);
        let name = format_ident!("{}", path.file_stem().unwrap().to_string_lossy());
        quote! {
            #[allow(dead_code)]
            pub mod #name { #items }
        }
    });
    let file = output::render(quote!(#(#modules)*), "tests/fixtures/types").expect("renders");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out_dir).join("fixture_types.rs"), file)
        .expect("OUT_DIR is writable");

    // Each fixture under fixtures/validators: its types and validators, as a
    // small generated crate would hold them.
    let dir = Path::new("fixtures/validators");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut fixtures = json_files(dir);
    fixtures.sort();
    let modules = fixtures.iter().map(|path| {
        println!("cargo::rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(path).expect("a fixture is readable");
        let schema: serde_json::Value = serde_json::from_str(&text).expect("a fixture is JSON");
        let model = Model::parse(&schema).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let plan = types::plan(&model).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let types = types::emit_items(&plan);
        let validators = generate::validators_items(&model, &plan)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = format_ident!("{}", path.file_stem().unwrap().to_string_lossy());
        quote! {
            #[allow(dead_code)]
            pub mod #name {
                pub mod types { #types }
                pub mod validators { #validators }
            }
        }
    });
    let entries = fixtures.iter().map(|path| {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let name = format_ident!("{}", stem);
        quote!((#stem, #name::validators::SCHEMAS),)
    });
    let table = quote! {
        /// Each fixture's name and its schemas.
        pub static FIXTURES: &[(&str, &[intercom_runtime::SchemaEntry])] = &[#(#entries)*];
    };
    let file =
        output::render(quote!(#table #(#modules)*), "tests/fixtures/validators").expect("renders");
    std::fs::write(Path::new(&out_dir).join("fixture_validators.rs"), file)
        .expect("OUT_DIR is writable");

    // Each pair under fixtures/diff with an absorbed.json: the types of its
    // old and its new side, and a way to read a payload into the type of a
    // schema, so that tests can prove what the diff report says about them.
    let dir = Path::new("fixtures/diff");
    println!("cargo::rerun-if-changed={}", dir.display());
    // Only the pairs that prove absorbed changes need their types compiled.
    let pairs: Vec<_> = diff_pairs(dir)
        .into_iter()
        .filter(|pair| pair.join("absorbed.json").is_file())
        .collect();
    let relative = |pair: &Path| {
        pair.strip_prefix(dir)
            .expect("a pair lies under fixtures/diff")
            .to_string_lossy()
            .replace('\\', "/")
    };
    let entries = pairs.iter().map(|pair| {
        let relative = relative(pair);
        let name = format_ident!("{}", relative.replace('/', "__"));
        quote! {
            DiffPair {
                dir: #relative,
                old_round_trip: #name::old::round_trip,
                new_round_trip: #name::new::round_trip,
            },
        }
    });
    let table = quote! {
        /// A pair under fixtures/diff and what codegen makes of each side.
        pub struct DiffPair {
            /// The pair's directory, relative to `fixtures/diff`.
            pub dir: &'static str,
            pub old_round_trip: RoundTrip,
            pub new_round_trip: RoundTrip,
        }

        pub type RoundTrip =
            fn(&str, &serde_json::Value) -> Option<Result<(serde_json::Value, String), String>>;

        pub static PAIRS: &[DiffPair] = &[#(#entries)*];
    };
    let modules = pairs.iter().map(|pair| {
        let name = format_ident!("{}", relative(pair).replace('/', "__"));
        let sides = ["old", "new"].map(|side| {
            let path = pair.join(format!("{side}.yaml"));
            println!("cargo::rerun-if-changed={}", path.display());
            let loaded = diff::Side::load(&path, false)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let model = &loaded.model;
            let plan = types::plan(model).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let types = types::emit_items(&plan);
            let arms = plan.defs.iter().map(|(schema, id)| {
                let ty = format_ident!("{}", plan.get(*id).name);
                quote! {
                    #schema => Some(
                        serde_json::from_value::<types::#ty>(value.clone())
                            .map_err(|e| e.to_string())
                            .and_then(|read| {
                                let debug = format!("{read:?}");
                                serde_json::to_value(&read)
                                    .map(|written| (written, debug))
                                    .map_err(|e| e.to_string())
                            }),
                    ),
                }
            });
            let side = format_ident!("{side}");
            quote! {
                pub mod #side {
                    pub mod types { #types }

                    /// Reads `value` into the type of `schema` and writes it
                    /// back: the JSON written and the `Debug` of what was read.
                    pub fn round_trip(
                        schema: &str,
                        value: &serde_json::Value,
                    ) -> Option<Result<(serde_json::Value, String), String>> {
                        match schema {
                            #(#arms)*
                            _ => None,
                        }
                    }
                }
            }
        });
        quote! {
            // `kind__direction`, after the pair's directory.
            #[allow(dead_code, deprecated, non_snake_case)]
            pub mod #name { #(#sides)* }
        }
    });
    let file = output::render(quote!(#table #(#modules)*), "tests/fixtures/diff").expect("renders");
    std::fs::write(Path::new(&out_dir).join("fixture_diff.rs"), file).expect("OUT_DIR is writable");

    // The reference under fixtures/overlays as it is (`reference`) and with
    // each overlay beside it applied: types and validators of each.
    let dir = Path::new("fixtures/overlays");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut overlays: Vec<_> = yaml_files(dir)
        .into_iter()
        .filter(|path| path.file_stem().is_some_and(|s| s != "reference"))
        .collect();
    overlays.sort();
    let reference = dir.join("reference.yaml");
    let modules = std::iter::once(("reference".to_string(), None))
        .chain(overlays.iter().map(|path| {
            println!("cargo::rerun-if-changed={}", path.display());
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            (name, Some(path.clone()))
        }))
        .map(|(name, overlay_path)| {
            let schema = overlaid_schema(&reference, overlay_path.as_deref());
            let model = Model::parse(&schema).unwrap_or_else(|e| panic!("{name}: {e}"));
            let plan = types::plan(&model).unwrap_or_else(|e| panic!("{name}: {e}"));
            let types = types::emit_items(&plan);
            let validators =
                generate::validators_items(&model, &plan).unwrap_or_else(|e| panic!("{name}: {e}"));
            let name = format_ident!("{}", name);
            quote! {
                #[allow(dead_code)]
                pub mod #name {
                    pub mod types { #types }
                    pub mod validators { #validators }
                }
            }
        });
    let file = output::render(quote!(#(#modules)*), "tests/fixtures/overlays").expect("renders");
    std::fs::write(Path::new(&out_dir).join("fixture_overlays.rs"), file)
        .expect("OUT_DIR is writable");

    operations_fixtures(Path::new(&out_dir));
    fuzz_codegen_sample(Path::new(&out_dir));
}

/// Each reference under `fixtures/operations` as a small generated crate:
/// its types, validators and operations, side by side as in `generated/`.
fn operations_fixtures(out_dir: &Path) {
    let dir = Path::new("fixtures/operations");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut fixtures = yaml_files(dir);
    fixtures.sort();
    let modules = fixtures.iter().map(|path| {
        println!("cargo::rerun-if-changed={}", path.display());
        let document = source::load(path).unwrap_or_else(|e| panic!("{e}"));
        let options = import::Options {
            selection: import::Selection::All,
            strict: false,
        };
        let schema = import::import(&document, &options)
            .unwrap_or_else(|e| panic!("{e}"))
            .schema;
        let model = Model::parse(&schema).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let plan = types::plan(&model).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let types = types::emit_items(&plan);
        let validators = generate::validators_items(&model, &plan)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let operations = intercom_codegen::operations::emit(&model, &plan);
        let name = format_ident!("{}", path.file_stem().unwrap().to_string_lossy());
        quote! {
            #[allow(dead_code, deprecated)]
            pub mod #name {
                pub mod types { #types }
                pub mod validators { #validators }
                pub mod operations { #operations }
            }
        }
    });
    let file = output::render(quote!(#(#modules)*), "tests/fixtures/operations").expect("renders");
    std::fs::write(out_dir.join("fixture_operations.rs"), file).expect("OUT_DIR is writable");
}

/// How many of the codegen fuzz corpus's accepted documents are compiled.
const FUZZ_SAMPLE: usize = 16;

/// A sample of the documents in `fuzz/corpus/codegen` that codegen accepts,
/// spread over the corpus in file-name order: their types and validators, a
/// module each, so the test build proves that what the fuzzer reached
/// compiles, and `FUZZ_SAMPLES` lists each module's schemas.
fn fuzz_codegen_sample(out_dir: &Path) {
    let dir = Path::new("../fuzz/corpus/codegen");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("the codegen fuzz corpus is readable")
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    files.sort();
    let accepted: Vec<_> = files
        .iter()
        .filter_map(|path| {
            let bytes = std::fs::read(path).expect("a corpus file is readable");
            let schema = schema_gen::document(&mut arbitrary::Unstructured::new(&bytes)).ok()?;
            let model = Model::parse(&schema).ok()?;
            let plan = types::plan(&model).ok()?;
            let validators = generate::validators_items(&model, &plan).ok()?;
            let name = path.file_name()?.to_string_lossy().into_owned();
            Some((name, types::emit_items(&plan), validators))
        })
        .collect();
    let step = accepted.len().div_ceil(FUZZ_SAMPLE).max(1);
    let sample: Vec<_> = accepted.into_iter().step_by(step).collect();
    let modules = sample
        .iter()
        .enumerate()
        .map(|(i, (_, types, validators))| {
            let name = format_ident!("sample_{i}");
            quote! {
                #[allow(dead_code, deprecated, non_camel_case_types)]
                pub mod #name {
                    pub mod types { #types }
                    pub mod validators { #validators }
                }
            }
        });
    let entries = sample.iter().enumerate().map(|(i, (file, _, _))| {
        let name = format_ident!("sample_{i}");
        quote!((#file, #name::validators::SCHEMAS),)
    });
    let file = output::render(
        quote! {
            /// Each compiled corpus file's name and its schemas.
            pub static FUZZ_SAMPLES: &[(&str, &[intercom_runtime::SchemaEntry])] = &[#(#entries)*];
            #(#modules)*
        },
        "fuzz/corpus/codegen",
    )
    .expect("renders");
    std::fs::write(out_dir.join("fuzz_codegen_sample.rs"), file).expect("OUT_DIR is writable");
}

/// The JSON Schema that `cargo xtask import --spec reference --overlay
/// overlay` writes.
fn overlaid_schema(reference: &Path, overlay_path: Option<&Path>) -> serde_json::Value {
    let mut document = source::load(reference).expect("the fixture reference loads");
    if let Some(path) = overlay_path {
        let overlay = overlay::load(path).unwrap_or_else(|e| panic!("{e}"));
        overlay::apply(&mut document, &[overlay], true).unwrap_or_else(|e| panic!("{e}"));
    }
    let options = import::Options {
        selection: import::Selection::All,
        strict: true,
    };
    import::import(&document, &options)
        .unwrap_or_else(|e| panic!("{e}"))
        .schema
}

fn yaml_files(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .expect("the fixture directory is readable")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect()
}

fn json_files(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .expect("the fixture directory is readable")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect()
}
