//! `cargo xtask conformance --suite DIR`: the JSON Schema Test Suite (draft
//! 2020-12) through generated validators. Every test group's schema is
//! modelled and generated into a module of one crate (built once, in
//! `target/conformance`), which then gives its verdict on each test's data,
//! both collecting every error and stopping at the first. A schema the
//! generator refuses is skipped, and the refused keyword is named. The
//! suite's `remotes/` are what `http://localhost:1234/` serves, and the draft
//! 2020-12 metaschemas are the copies the `referencing` crate bundles, all
//! through the model's registry: nothing is fetched.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use intercom_codegen::model::{Model, Registry};
use intercom_codegen::output;
use intercom_codegen::validators::{self, ValidatorOptions};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Value, json};

use crate::{input_error, scratch_crate, toolkit_root};

struct SuiteFile {
    name: String,
    groups: Vec<Group>,
}

struct Group {
    description: String,
    /// The generated functions, or the keyword the generator refused.
    generated: Result<TokenStream, String>,
    tests: Vec<(String, Value, bool)>,
}

pub fn run(suite: &Path) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let tests_dir = suite.join("tests").join("draft2020-12");
    let mut paths: Vec<(PathBuf, bool)> = std::fs::read_dir(&tests_dir)
        .with_context(|| format!("{}: not a JSON Schema Test Suite checkout", suite.display()))
        .map_err(input_error)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        // The required format.json expects `format` to be an annotation.
        .map(|path| (path, false))
        .collect();
    paths.sort();
    // The optional format tests of the formats the validators assert.
    for format in validators::FORMATS {
        paths.push((
            tests_dir
                .join("optional")
                .join("format")
                .join(format!("{format}.json")),
            true,
        ));
    }
    let registry = remotes(&suite.join("remotes")).map_err(input_error)?;
    let mut files = Vec::new();
    for (path, assert_formats) in &paths {
        files.push(load(&tests_dir, path, *assert_formats, &registry).map_err(input_error)?);
    }

    let binary = build(&toolkit_root().join("target").join("conformance"), &files)?;
    let requests: Vec<Value> = files
        .iter()
        .enumerate()
        .flat_map(|(f, file)| {
            file.groups.iter().enumerate().flat_map(move |(g, group)| {
                let runs = group.generated.is_ok();
                group
                    .tests
                    .iter()
                    .filter(move |_| runs)
                    .map(move |(_, data, _)| json!([f, g, data]))
            })
        })
        .collect();
    let answers: Vec<Value> = scratch_crate::ask(&binary, Value::Array(requests))?
        .into_iter()
        .map(|a| {
            if a.is_null() {
                json!([null, null, null])
            } else {
                a
            }
        })
        .collect();
    let mut answers = answers.into_iter();

    let expected = Expected::load()?;
    let mut listed_seen = std::collections::BTreeSet::new();
    let (mut passed, mut failed, mut expected_failures) = (0, 0, 0);
    let mut by_reason: BTreeMap<&str, usize> = BTreeMap::new();
    let mut problems = Vec::new();
    println!(
        "{:<44} {:>7} {:>7} {:>8}",
        "file", "passed", "failed", "expected"
    );
    for file in &files {
        let (mut p, mut f, mut x) = (0, 0, 0);
        for group in &file.groups {
            let case = format!("{} / {}", file.name, group.description);
            let listed = expected.reason(&file.name, &group.description);
            if listed.is_some() {
                listed_seen.insert((file.name.clone(), group.description.clone()));
            }
            let mut group_failures = Vec::new();
            match &group.generated {
                Err(keyword) => {
                    group_failures.push(format!("  the generator refuses `{keyword}` in {case}"));
                }
                Ok(_) => {
                    for (description, _, valid) in &group.tests {
                        let answer = answers
                            .next()
                            .context("the suite crate answered too few tests")?;
                        let all = answer[0].as_bool();
                        let first = answer[1].as_bool();
                        let from_bytes = answer[2].as_bool();
                        if all == Some(*valid)
                            && first == Some(*valid)
                            && from_bytes == Some(*valid)
                        {
                            p += 1;
                        } else {
                            group_failures.push(format!(
                                "  FAILED {case} / {description}: expected {}, got {} (every error), {} (first error) and {} (from bytes)",
                                verdict(Some(*valid)),
                                verdict(all),
                                verdict(first),
                                verdict(from_bytes)
                            ));
                        }
                    }
                }
            }
            // A refused group fails all its tests; a generated one those listed.
            let failing = match group.generated {
                Err(_) => group.tests.len(),
                Ok(_) => group_failures.len(),
            };
            match (listed, group_failures.is_empty()) {
                (Some(reason), false) => {
                    x += failing;
                    *by_reason.entry(reason).or_default() += failing;
                }
                (Some(_), true) => problems.push(format!(
                    "  NOW PASSES {case}: take it out of xtask/conformance-expected.json"
                )),
                (None, false) => {
                    f += failing;
                    problems.extend(group_failures);
                }
                (None, true) => {}
            }
        }
        println!("{:<44} {:>7} {:>7} {:>8}", file.name, p, f, x);
        passed += p;
        failed += f;
        expected_failures += x;
    }
    for (file, group) in expected.groups() {
        if !listed_seen.contains(&(file.to_owned(), group.to_owned())) {
            problems.push(format!(
                "  NOT IN THE SUITE {file} / {group}: xtask/conformance-expected.json lists a group the suite does not have"
            ));
        }
    }
    for line in &problems {
        println!("{line}");
    }
    if !by_reason.is_empty() {
        println!("expected to fail, by reason (xtask/conformance-expected.json):");
        for (reason, count) in &by_reason {
            println!("  {count:>4}  {reason}");
        }
    }
    println!(
        "{passed} passed, {failed} failed, {expected_failures} expected to fail ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
    Ok(if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The suite's groups this project does not pass yet, each with its reason:
/// `xtask/conformance-expected.json`, compiled in. A listed group that
/// passes, an unlisted one that fails and a listed one the suite does not
/// have are all failures of the run, so the list stays exact.
struct Expected {
    reasons: BTreeMap<String, String>,
    /// (file, group description) to the reason's key.
    groups: Vec<(String, String, String)>,
}

impl Expected {
    fn load() -> anyhow::Result<Expected> {
        let what = "xtask/conformance-expected.json";
        let file: Value = serde_json::from_str(include_str!("../conformance-expected.json"))
            .with_context(|| format!("{what}: not JSON"))?;
        let reasons: BTreeMap<String, String> = file["reasons"]
            .as_object()
            .with_context(|| format!("{what}: `reasons` is an object of texts"))?
            .iter()
            .map(|(key, text)| (key.clone(), text.as_str().unwrap_or_default().to_owned()))
            .collect();
        let mut groups = Vec::new();
        for (i, entry) in file["groups"]
            .as_array()
            .with_context(|| format!("{what}: `groups` is a list"))?
            .iter()
            .enumerate()
        {
            let field = |k: usize| entry.get(k).and_then(Value::as_str).map(str::to_owned);
            let (Some(name), Some(group), Some(reason)) = (field(0), field(1), field(2)) else {
                anyhow::bail!("{what}: /groups/{i}: expected [file, group description, reason]");
            };
            anyhow::ensure!(
                reasons.contains_key(&reason),
                "{what}: /groups/{i}: {name} / {group}: no reason `{reason}` in `reasons`"
            );
            groups.push((name, group, reason));
        }
        Ok(Expected { reasons, groups })
    }

    fn reason(&self, file: &str, group: &str) -> Option<&str> {
        self.groups
            .iter()
            .find(|(f, g, _)| f == file && g == group)
            .map(|(_, _, key)| self.reasons[key].as_str())
    }

    fn groups(&self) -> impl Iterator<Item = (&str, &str)> {
        self.groups.iter().map(|(f, g, _)| (f.as_str(), g.as_str()))
    }
}

fn verdict(valid: Option<bool>) -> &'static str {
    match valid {
        Some(true) => "valid",
        Some(false) => "invalid",
        None => "no answer",
    }
}

/// The URI the suite's tests retrieve its remotes from.
const REMOTES_URI: &str = "http://localhost:1234/";

/// Every `.json` under `dir`, registered as `http://localhost:1234/<its path
/// under dir>`, as the suite's README asks a test runner to serve them.
fn remotes(dir: &Path) -> anyhow::Result<Registry> {
    let mut registry = Registry::new();
    let mut stack = vec![dir.to_path_buf()];
    let mut files = Vec::new();
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current)
            .with_context(|| format!("{}: cannot read the suite's remotes", current.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        let document: Value =
            serde_json::from_str(&text).with_context(|| format!("{}: not JSON", path.display()))?;
        let relative = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        registry
            .insert(&format!("{REMOTES_URI}{relative}"), document)
            .with_context(|| format!("{}", path.display()))?;
    }
    // The suite's groups that validate schemas against the metaschema expect
    // it to be known without fetching it: the copy the `referencing` crate
    // (the `jsonschema` crate's) bundles, under the `$id` each part declares.
    use referencing::meta;
    for part in [
        &meta::DRAFT202012,
        &meta::DRAFT202012_CORE,
        &meta::DRAFT202012_APPLICATOR,
        &meta::DRAFT202012_UNEVALUATED,
        &meta::DRAFT202012_VALIDATION,
        &meta::DRAFT202012_META_DATA,
        &meta::DRAFT202012_FORMAT_ANNOTATION,
        &meta::DRAFT202012_FORMAT_ASSERTION,
        &meta::DRAFT202012_CONTENT,
    ] {
        let document: &Value = part;
        let id = document["$id"]
            .as_str()
            .context("a bundled metaschema declares its $id")?;
        registry
            .insert(id, document.clone())
            .with_context(|| format!("the bundled metaschema {id}"))?;
    }
    Ok(registry)
}

fn load(
    tests_dir: &Path,
    path: &Path,
    assert_formats: bool,
    registry: &Registry,
) -> anyhow::Result<SuiteFile> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let groups: Value =
        serde_json::from_str(&text).with_context(|| format!("{}: not JSON", path.display()))?;
    let name = path
        .strip_prefix(tests_dir)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned();
    let options = ValidatorOptions { assert_formats };
    let mut loaded = Vec::new();
    for group in groups
        .as_array()
        .context("a suite file is an array of groups")?
    {
        let tests = group["tests"]
            .as_array()
            .map(|tests| {
                tests
                    .iter()
                    .map(|t| {
                        (
                            t["description"].as_str().unwrap_or_default().to_owned(),
                            t["data"].clone(),
                            t["valid"].as_bool().unwrap_or_default(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let generated = match Model::parse_with(&group["schema"], None, registry) {
            Err(error) => Err(error.keyword().to_owned()),
            Ok(model) => validators::emit(&model, &[model.root], &options)
                .map(|functions| {
                    let root = validators::checks_anything(&model, model.root).then(|| {
                        let f = validators::node_fn(model.root);
                        (
                            quote!(#f(value, &mut all);),
                            (quote!(#f(value, &mut first);), f),
                        )
                    });
                    let (all, rest) = root.unzip();
                    let (first, from_bytes) = rest.unzip();
                    let from_bytes = validators::errors_from_bytes(from_bytes.as_ref());
                    quote! {
                        #functions
                        /// Every error, the first error, and every error
                        /// from the payload's bytes: three walks that must agree.
                        pub fn verdicts(value: &serde_json::Value) -> (bool, bool, bool) {
                            let mut all = intercom_runtime::check::Ctx::all();
                            #all
                            let mut first = intercom_runtime::check::Ctx::verdict();
                            #first
                            let bytes = serde_json::to_vec(value).expect("a Value serializes");
                            let from_bytes = intercom_runtime::bytes::validate_bytes(&bytes, #from_bytes);
                            (all.is_valid(), first.is_valid(), from_bytes.is_ok_and(|errors| errors.is_empty()))
                        }
                    }
                })
                .map_err(|error| error.keyword),
        };
        loaded.push(Group {
            description: group["description"].as_str().unwrap_or_default().to_owned(),
            generated,
            tests,
        });
    }
    Ok(SuiteFile {
        name,
        groups: loaded,
    })
}

fn build(work: &Path, files: &[SuiteFile]) -> anyhow::Result<PathBuf> {
    let mut sources = Vec::new();
    let mut file_arms = Vec::new();
    let mut modules = Vec::new();
    for (f, file) in files.iter().enumerate() {
        let module = format_ident!("file_{}", f);
        let mut groups = Vec::new();
        let mut arms = Vec::new();
        for (g, group) in file.groups.iter().enumerate() {
            if let Ok(functions) = &group.generated {
                let name = format_ident!("group_{}", g);
                groups.push(quote! {
                    pub mod #name {
                        #![allow(unused_variables, unused_mut, clippy::all)]
                        #functions
                    }
                });
                arms.push(quote!(#g => Some(#name::verdicts(value)),));
            }
        }
        let tokens = quote! {
            #(#groups)*
            #[allow(unused_variables)]
            pub fn verdicts(group: usize, value: &serde_json::Value) -> Option<(bool, bool, bool)> {
                match group {
                    #(#arms)*
                    _ => None,
                }
            }
        };
        sources.push((
            format!("src/file_{f}.rs"),
            output::render(tokens, &file.name)?,
        ));
        modules.push(module.clone());
        file_arms.push(quote!(#f => #module::verdicts(*group, value),));
    }
    let main = quote! {
        #(mod #modules;)*

        fn main() {
            let requests: Vec<(usize, usize, serde_json::Value)> =
                serde_json::from_reader(std::io::stdin().lock()).expect("requests on stdin");
            let answers: Vec<Option<(bool, bool, bool)>> = requests
                .iter()
                .map(|(file, group, value)| match file {
                    #(#file_arms)*
                    _ => None,
                })
                .collect();
            serde_json::to_writer(std::io::stdout().lock(), &answers).expect("answers on stdout");
        }
    };
    sources.push((
        "src/main.rs".to_owned(),
        output::render(main, "the JSON Schema Test Suite")?,
    ));
    scratch_crate::build(work, "conformance", &sources, &[])
}
