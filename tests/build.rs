//! Generates the types of every fixture under `fixtures/types/` into one
//! module per fixture, so that the tests compile what codegen makes of each
//! and read payloads with it.

use std::path::Path;

use intercom_codegen::{generate, model::Model, output, types};
use quote::{format_ident, quote};

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
            #[allow(clippy::large_enum_variant, clippy::enum_variant_names, dead_code)]
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
            #[allow(clippy::all, dead_code)]
            pub mod #name {
                pub mod types { #types }
                pub mod validators { #validators }
            }
        }
    });
    let file = output::render(quote!(#(#modules)*), "tests/fixtures/validators").expect("renders");
    std::fs::write(Path::new(&out_dir).join("fixture_validators.rs"), file)
        .expect("OUT_DIR is writable");
}

fn json_files(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .expect("the fixture directory is readable")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect()
}
