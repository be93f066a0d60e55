//! `cargo xtask reference-check SPEC...`: the generated types against every
//! example the reference holds. Each reference file is imported whole and
//! generated into a module of one temporary crate (one build for all files,
//! in a target directory kept between runs); the crate reads each example
//! into its type and writes it back. An example the `jsonschema` crate finds
//! invalid against its own schema is the reference's error, not ours.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use intercom_codegen::generate::{self, Generated};
use intercom_codegen::import::{self, Options, Selection};
use intercom_codegen::model::NodeId;
use intercom_codegen::output;
use intercom_codegen::overlay;
use intercom_codegen::source::{self, escape_pointer_token};
use intercom_codegen::types::{self, TypeKind};
use intercom_codegen::validators::{self, ValidatorOptions};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Value, json};

use crate::{input_error, scratch_crate, toolkit_root};

/// One example, bound to the schema node it must match.
struct Example {
    /// Pointer of the schema node in the imported document.
    pointer: String,
    /// `FILE:LINE:COLUMN` of the example in the reference.
    location: String,
    value: Value,
}

/// One reference file, imported and planned.
struct Spec {
    path: PathBuf,
    module: String,
    schema: Value,
    generated: Generated,
    examples: Vec<Example>,
    /// The Rust type each example pointer reads into.
    targets: BTreeMap<String, TokenStream>,
}

#[derive(Default)]
struct Tally {
    examples: usize,
    reference_errors: usize,
    agree: usize,
    /// Examples whose errors from bytes (the `Document` walk) equal those of
    /// the `Value` walk, message for message.
    bytes_agree: usize,
    deserialized: usize,
    unchanged: usize,
    failures: Vec<String>,
}

pub fn run(specs: &[PathBuf], overlay_files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let overlays = crate::load_overlays(overlay_files)?;
    let mut loaded = Vec::new();
    for (index, path) in specs.iter().enumerate() {
        loaded.push(load(path, index, &overlays).map_err(input_error)?);
    }
    let work = toolkit_root().join("target").join("reference-check");
    let binary = build_crate(&work, &loaded)?;
    println!(
        "built the types of {} reference file(s) in {:.1} s",
        loaded.len(),
        started.elapsed().as_secs_f64()
    );

    let requests: Vec<Value> = loaded
        .iter()
        .enumerate()
        .flat_map(|(index, spec)| {
            spec.examples
                .iter()
                .map(move |e| json!([index, e.pointer, e.value]))
        })
        .collect();
    let answers = scratch_crate::ask(&binary, Value::Array(requests))?;
    let mut answers = answers.into_iter();

    let mut passed = 0;
    let mut failed = 0;
    let header = [
        "file",
        "schemas",
        "types",
        "examples",
        "ref-errors",
        "agree",
        "from-bytes",
        "deserialized",
        "round-trip",
        "failures",
    ];
    println!(
        "{:<12} {:>8} {:>6} {:>9} {:>10} {:>6} {:>10} {:>12} {:>10} {:>8}",
        header[0],
        header[1],
        header[2],
        header[3],
        header[4],
        header[5],
        header[6],
        header[7],
        header[8],
        header[9]
    );
    let mut details = Vec::new();
    for spec in &loaded {
        let verdicts = ReferenceVerdicts::new(&spec.schema)?;
        let mut tally = Tally::default();
        for example in &spec.examples {
            let answer = answers
                .next()
                .context("the check crate answered too few examples")?;
            tally.examples += 1;
            let theirs = verdicts.errors(&example.pointer, &example.value)?;
            let their_locations: BTreeSet<&str> = theirs.iter().map(|(l, _)| l.as_str()).collect();
            let our_locations: BTreeSet<&str> = answer["locations"]
                .as_array()
                .map(|l| l.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let our_verdict = answer["verdict"].as_bool().unwrap_or(false);
            let mut example_failed = false;
            if our_locations != their_locations || our_verdict != theirs.is_empty() {
                example_failed = true;
                tally.failures.push(format!(
                    "  FAILED {}: #{}: the validators disagree: ours {:?} (verdict {}), jsonschema {:?}; ours say {:?}",
                    example.location, example.pointer, our_locations, our_verdict, their_locations, answer["messages"]
                ));
            } else {
                tally.agree += 1;
            }
            if answer["bytes_agree"].as_bool() == Some(true) {
                tally.bytes_agree += 1;
            } else {
                example_failed = true;
                tally.failures.push(format!(
                    "  FAILED {}: #{}: from bytes the errors differ: {:?}, from a Value {:?}",
                    example.location, example.pointer, answer["bytes_messages"], answer["messages"]
                ));
            }
            if let Some((location, message)) = theirs.first() {
                tally.reference_errors += 1;
                details.push(format!(
                    "  reference error: {}: does not match its own schema #{}: {message} at {location:?}",
                    example.location, example.pointer
                ));
            } else {
                match answer["error"].as_str() {
                    Some(error) => {
                        example_failed = true;
                        tally.failures.push(format!(
                            "  FAILED {}: #{} is valid but does not read: {error}",
                            example.location, example.pointer
                        ))
                    }
                    None => {
                        tally.deserialized += 1;
                        if answer["written"] == example.value {
                            tally.unchanged += 1;
                        } else {
                            example_failed = true;
                            tally.failures.push(format!(
                                "  FAILED {}: #{} changes in a round trip: {} became {}",
                                example.location,
                                example.pointer,
                                truncate(&example.value.to_string()),
                                truncate(&answer["written"].to_string())
                            ));
                        }
                    }
                }
            }
            if example_failed {
                failed += 1;
            } else {
                passed += 1;
            }
        }
        println!(
            "{:<12} {:>8} {:>6} {:>9} {:>10} {:>6} {:>10} {:>12} {:>10} {:>8}",
            spec.path.file_name().unwrap_or_default().to_string_lossy(),
            spec.generated.plan.defs.len(),
            spec.generated.plan.types.len(),
            tally.examples,
            tally.reference_errors,
            tally.agree,
            tally.bytes_agree,
            tally.deserialized,
            tally.unchanged,
            tally.failures.len()
        );
        details.extend(tally.failures);
    }
    for line in &details {
        println!("{line}");
    }
    println!(
        "{passed} passed, {failed} failed ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn truncate(text: &str) -> String {
    if text.chars().count() > 160 {
        let cut: String = text.chars().take(160).collect();
        format!("{cut}…")
    } else {
        text.to_owned()
    }
}

fn load(path: &Path, index: usize, overlays: &[overlay::Overlay]) -> anyhow::Result<Spec> {
    let mut document = source::load(path)?;
    // The same corrections as the pinned reference gets, so that the check
    // judges what the toolkit generates; a target missing in this version is
    // only a warning.
    for action in overlay::apply(&mut document, overlays, false)? {
        eprintln!("warning: {action} in {}", path.display());
    }
    let imported = import::import(
        &document,
        &Options {
            selection: Selection::All,
            strict: false,
        },
    )?;
    let label = path.display().to_string();
    let generated = generate::generate_from_value(&imported.schema, path, &label)?;

    let mut examples = Vec::new();
    let location = |position: Option<source::Position>| match position {
        Some(p) => format!("{}:{}", path.display(), p),
        None => path.display().to_string(),
    };
    // Request and response examples, bound to their body's schema.
    for example in &imported.examples {
        examples.push(Example {
            pointer: format!("/$defs/{}", escape_pointer_token(&example.schema)),
            location: location(example.position),
            value: example.value.clone(),
        });
    }
    // `example` on a schema or a property, carried into `examples`.
    let mut targets = BTreeMap::new();
    let plan = &generated.plan;
    for (name, id) in &plan.defs {
        let def = plan.get(*id);
        let ident = format_ident!("{}", def.name);
        targets.insert(
            format!("/$defs/{}", escape_pointer_token(name)),
            quote!(Option<#ident>),
        );
        if let TypeKind::Struct(s) = &def.kind {
            for field in &s.fields {
                targets.insert(field.pointer.clone(), field.ty.tokens());
            }
        }
    }
    for (index, node) in generated.model.nodes.iter().enumerate() {
        let Some(keywords) = generated.model.keywords(NodeId(index as u32)) else {
            continue;
        };
        if keywords.examples.is_empty() || !targets.contains_key(&node.pointer) {
            continue;
        }
        let origin = imported.origins.get(&node.pointer);
        let position = origin.and_then(|o| {
            document
                .position(&format!("{o}/example"))
                .or_else(|| document.position(&format!("{o}/examples")))
                .or_else(|| document.nearest_position(o))
        });
        for value in &keywords.examples {
            examples.push(Example {
                pointer: node.pointer.clone(),
                location: location(position),
                value: value.clone(),
            });
        }
    }
    examples.retain(|e| targets.contains_key(&e.pointer));
    let module = format!("spec_{index}");
    Ok(Spec {
        path: path.to_path_buf(),
        module,
        schema: imported.schema,
        generated,
        examples,
        targets,
    })
}

fn module_tokens(spec: &Spec) -> anyhow::Result<TokenStream> {
    let model = &spec.generated.model;
    let items = types::emit_items(&spec.generated.plan);
    let by_pointer: HashMap<&str, NodeId> = model
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| (node.pointer.as_str(), NodeId(i as u32)))
        .collect();
    let roots: Vec<NodeId> = spec
        .targets
        .keys()
        .filter_map(|pointer| by_pointer.get(pointer.as_str()).copied())
        .collect();
    let functions = validators::emit(model, &roots, &ValidatorOptions::default())?;
    // A function per schema, not one `match` holding them all: rustc's type
    // checking of one function grows faster than its size, and one
    // function of ~400 arms took most of the crate's build.
    let mut checks = Vec::new();
    let mut arms = Vec::new();
    for (index, (pointer, ty)) in spec.targets.iter().enumerate() {
        let f = by_pointer
            .get(pointer.as_str())
            .filter(|node| validators::checks_anything(model, **node))
            .map(|node| validators::node_fn(*node));
        let validate = f.as_ref().map(|f| quote!(#f(value, &mut ctx);));
        let verdict = f.as_ref().map(|f| quote!(#f(value, &mut verdict);));
        let from_bytes = validators::errors_from_bytes(f.as_ref());
        let check = format_ident!("check_{}", index);
        checks.push(quote! {
            fn #check(value: &serde_json::Value) -> Answer {
                let mut ctx = intercom_runtime::check::Ctx::all();
                #validate
                let mut verdict = intercom_runtime::check::Ctx::verdict();
                #verdict
                let bytes = serde_json::to_vec_pretty(value).expect("a Value serializes");
                let from_bytes = intercom_runtime::bytes::validate_bytes(&bytes, #from_bytes)
                .map_err(|error| error.to_string());
                (round_trip::<#ty>(value), ctx.errors, verdict.is_valid(), from_bytes)
            }
        });
        arms.push(quote!(#pointer => Some(#check(value)),));
    }
    Ok(quote! {
        #![allow(clippy::all, dead_code, unused_imports, unused_mut, deprecated)]
        #items

        fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(
            value: &serde_json::Value,
        ) -> Result<serde_json::Value, String> {
            let read: T = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
            serde_json::to_value(&read).map_err(|e| e.to_string())
        }

        type Answer = (
            Result<serde_json::Value, String>,
            Vec<intercom_runtime::ValidationError>,
            bool,
            Result<Vec<intercom_runtime::ValidationError>, String>,
        );

        pub fn check(pointer: &str, value: &serde_json::Value) -> Option<Answer> {
            match pointer {
                #(#arms)*
                _ => None,
            }
        }

        #(#checks)*

        #functions
    })
}

fn main_tokens(specs: &[Spec]) -> TokenStream {
    let modules: Vec<_> = specs
        .iter()
        .map(|s| format_ident!("{}", s.module))
        .collect();
    let indices = 0..specs.len();
    quote! {
        fn main() {
            let requests: Vec<(usize, String, serde_json::Value)> =
                serde_json::from_reader(std::io::stdin().lock()).expect("requests on stdin");
            let answers: Vec<serde_json::Value> = requests
                .iter()
                .map(|(spec, pointer, value)| {
                    let answer = match spec {
                        #(#indices => #modules::check(pointer, value),)*
                        _ => None,
                    };
                    match answer {
                        Some((read, errors, verdict, from_bytes)) => {
                            let locations: Vec<&str> =
                                errors.iter().map(|e| e.instance_location.as_str()).collect();
                            let messages: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
                            let bytes_messages: Vec<String> = match &from_bytes {
                                Ok(errors) => errors.iter().map(|e| e.to_string()).collect(),
                                Err(error) => vec![format!("syntax error: {error}")],
                            };
                            let bytes_agree = from_bytes.is_ok() && bytes_messages == messages;
                            match read {
                                Ok(written) => serde_json::json!({
                                    "written": written, "locations": locations, "messages": messages, "verdict": verdict,
                                    "bytes_agree": bytes_agree, "bytes_messages": bytes_messages
                                }),
                                Err(error) => serde_json::json!({
                                    "error": error, "locations": locations, "messages": messages, "verdict": verdict,
                                    "bytes_agree": bytes_agree, "bytes_messages": bytes_messages
                                }),
                            }
                        }
                        None => serde_json::json!({ "error": "no type for this schema", "locations": [], "verdict": true, "bytes_agree": true }),
                    }
                })
                .collect();
            serde_json::to_writer(std::io::stdout().lock(), &answers).expect("answers on stdout");
        }
    }
}

/// Writes the check crate (only the files that changed, so cargo rebuilds
/// only what it must) and builds it; returns the binary.
fn build_crate(work: &Path, specs: &[Spec]) -> anyhow::Result<PathBuf> {
    let mut parts = Vec::new();
    for spec in specs {
        let text = output::render(module_tokens(spec)?, &spec.path.display().to_string())?;
        parts.push(scratch_crate::Part {
            name: spec.module.clone(),
            files: vec![("src/lib.rs".to_owned(), text)],
        });
    }
    let sources = vec![(
        "src/main.rs".to_owned(),
        output::render(main_tokens(specs), "the reference files given")?,
    )];
    scratch_crate::build(work, "reference-check", &sources, &parts)
}

/// The independent verdict: the `jsonschema` crate, with formats asserted,
/// on the imported schema.
struct ReferenceVerdicts {
    registry: jsonschema::Registry<'static>,
    validators: std::cell::RefCell<HashMap<String, std::rc::Rc<jsonschema::Validator>>>,
}

const DOCUMENT_URI: &str = "urn:intercom:reference-check";

impl ReferenceVerdicts {
    fn new(schema: &Value) -> anyhow::Result<Self> {
        let registry = jsonschema::Registry::new()
            .add(DOCUMENT_URI, schema.clone())?
            .prepare()?;
        Ok(ReferenceVerdicts {
            registry,
            validators: Default::default(),
        })
    }

    /// Every error the `jsonschema` crate finds: instance location and message.
    fn errors(&self, pointer: &str, value: &Value) -> anyhow::Result<Vec<(String, String)>> {
        let validator = {
            let mut cache = self.validators.borrow_mut();
            match cache.get(pointer) {
                Some(v) => v.clone(),
                None => {
                    let validator = jsonschema::options()
                        .with_draft(jsonschema::Draft::Draft202012)
                        .should_validate_formats(true)
                        .with_registry(&self.registry)
                        .build(&json!({ "$ref": format!("{DOCUMENT_URI}#{pointer}") }))
                        .map_err(|e| {
                            anyhow::anyhow!("jsonschema cannot compile #{pointer}: {e}")
                        })?;
                    let validator = std::rc::Rc::new(validator);
                    cache.insert(pointer.to_owned(), validator.clone());
                    validator
                }
            }
        };
        Ok(validator
            .iter_errors(value)
            .map(|e| (e.instance_path().as_str().to_owned(), e.to_string()))
            .collect())
    }
}
