//! Validating payloads: our generated validators against the `jsonschema`
//! crate, on the same payloads in one run (every example of the newest
//! reference version, and lists of 1,000 conversations and tickets).
//!
//! - `ours/value/is_valid`, `ours/value/errors`: generated validators on a parsed `Value`;
//! - `jsonschema/value/is_valid`, `jsonschema/value/errors`: the jsonschema crate, validators built once;
//! - `ours/bytes/errors`: from bytes to every error with its line and column;
//! - `jsonschema/bytes/errors`: `serde_json::from_slice::<Value>` then the jsonschema crate, what CI pays today;
//! - `floor/bytes/ignored_any`: `serde_json::from_slice::<IgnoredAny>`, reading the bytes and nothing more;
//! - `ours/bytes/parse`: the part of `ours/bytes/errors` that parses the bytes into a `Document`.

use std::collections::HashMap;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use intercom_bench::{PAYLOADS, validators};
use intercom_runtime::SchemaEntry;
use serde_json::{Value, json};

struct Case {
    entry: &'static SchemaEntry,
    theirs: std::rc::Rc<jsonschema::Validator>,
    value: Value,
    bytes: Vec<u8>,
}

fn cases(
    data: &Value,
    key: &str,
    theirs: &mut HashMap<String, std::rc::Rc<jsonschema::Validator>>,
    registry: &jsonschema::Registry,
) -> Vec<Case> {
    data[key]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|pair| {
            let name = pair[0].as_str()?;
            let entry = validators::schema(name)?;
            let validator = theirs
                .entry(name.to_owned())
                .or_insert_with(|| {
                    std::rc::Rc::new(
                        jsonschema::options()
                            .with_draft(jsonschema::Draft::Draft202012)
                            .should_validate_formats(true)
                            .with_registry(registry)
                            .build(&json!({"$ref": format!("urn:bench#/$defs/{name}")}))
                            .expect("jsonschema compiles the schema"),
                    )
                })
                .clone();
            Some(Case {
                entry,
                theirs: validator,
                value: pair[1].clone(),
                bytes: serde_json::to_vec(&pair[1]).unwrap(),
            })
        })
        .collect()
}

fn group(c: &mut Criterion, name: &str, cases: &[Case]) {
    if cases.is_empty() {
        return;
    }
    let total: usize = cases.iter().map(|c| c.bytes.len()).sum();
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(total as u64));
    group.bench_function("ours/value/is_valid", |b| {
        b.iter(|| {
            cases
                .iter()
                .filter(|c| (c.entry.is_valid)(&c.value))
                .count()
        })
    });
    group.bench_function("ours/value/errors", |b| {
        b.iter(|| {
            cases
                .iter()
                .map(|c| (c.entry.validate_value)(&c.value).len())
                .sum::<usize>()
        })
    });
    group.bench_function("jsonschema/value/is_valid", |b| {
        b.iter(|| cases.iter().filter(|c| c.theirs.is_valid(&c.value)).count())
    });
    group.bench_function("jsonschema/value/errors", |b| {
        b.iter(|| {
            cases
                .iter()
                .map(|c| c.theirs.iter_errors(&c.value).count())
                .sum::<usize>()
        })
    });
    group.bench_function("ours/bytes/errors", |b| {
        b.iter(|| {
            cases
                .iter()
                .map(|c| (c.entry.validate_bytes)(&c.bytes).map_or(0, |e| e.len()))
                .sum::<usize>()
        })
    });
    group.bench_function("jsonschema/bytes/errors", |b| {
        b.iter(|| {
            cases
                .iter()
                .map(|c| {
                    let value: Value = serde_json::from_slice(&c.bytes).unwrap();
                    c.theirs.iter_errors(&value).count()
                })
                .sum::<usize>()
        })
    });
    group.bench_function("ours/bytes/parse", |b| {
        b.iter(|| {
            cases
                .iter()
                .filter(|c| intercom_runtime::document::Document::with(&c.bytes, |_| ()).is_ok())
                .count()
        })
    });
    group.bench_function("floor/bytes/ignored_any", |b| {
        b.iter(|| {
            cases
                .iter()
                .filter(|c| serde_json::from_slice::<serde::de::IgnoredAny>(&c.bytes).is_ok())
                .count()
        })
    });
    group.finish();
}

fn validate(c: &mut Criterion) {
    let data: Value = serde_json::from_str(PAYLOADS).unwrap();
    let registry = jsonschema::Registry::new()
        .add("urn:bench", data["schema"].clone())
        .unwrap()
        .prepare()
        .unwrap();
    let mut theirs = HashMap::new();
    let examples = cases(&data, "examples", &mut theirs, &registry);
    let lists = cases(&data, "lists", &mut theirs, &registry);
    // The two validators agree on every payload measured.
    for case in examples.iter().chain(&lists) {
        assert_eq!(
            (case.entry.is_valid)(&case.value),
            case.theirs.is_valid(&case.value)
        );
    }
    eprintln!(
        "{}: {} examples ({} bytes), {} lists ({} bytes)",
        data["reference"].as_str().unwrap_or_default(),
        examples.len(),
        examples.iter().map(|c| c.bytes.len()).sum::<usize>(),
        lists.len(),
        lists.iter().map(|c| c.bytes.len()).sum::<usize>()
    );
    group(c, "examples", &examples);
    group(c, "lists", &lists);
}

criterion_group!(benches, validate);
criterion_main!(benches);
