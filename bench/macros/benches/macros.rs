//! Validating payloads: our generated validators against jsonschema-macros
//! 0.60.2, the compile-time validators of the `jsonschema` crate, and the
//! serde `IgnoredAny` floor, on the payloads of the workspace's bench
//! (`intercom-bench`: every example of the pinned reference, and lists of
//! 1,000 conversations and tickets), in one run.
//!
//! ```sh
//! cd bench/macros && cargo bench
//! # shorter: cargo bench -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! A workspace of its own (the macro needs the `jsonschema` 0.60 runtime, the
//! workspace pins 0.61), so it builds into its own `target/`; with
//! `CARGO_TARGET_DIR=../../target` it reuses the workspace's build.
//!
//! - `ours/value/is_valid`, `ours/value/errors`: generated validators on a parsed `Value`;
//! - `macros/value/is_valid`, `macros/value/errors`: the macro's `is_valid`, and its `iter_errors` walked to the end;
//! - `ours/bytes/errors`: from bytes to every error with its line and column;
//! - `macros/bytes/errors`: `serde_json::from_slice::<Value>` then the macro's `iter_errors`;
//! - `floor/bytes/ignored_any`: `serde_json::from_slice::<IgnoredAny>`, reading the bytes and nothing more;
//! - `ours/bytes/parse`: the part of `ours/bytes/errors` that parses the bytes into a `Document`.
//!
//! The macro is given the same imported schema as the `jsonschema` crate in
//! the workspace's bench, formats asserted, less one thing: a `format` beside
//! a `type` array without `"string"` (`type: [integer, null]` with
//! `format: date-time`, 32 places in 2.16) is dropped, because the macro's
//! code for it does not compile (E0277, `bool | Value`). Such a `format`
//! asserts nothing, since the formats of this schema constrain strings alone,
//! and the run checks first that both sides give every payload the same verdict.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use intercom_bench::{PAYLOADS, validators};
use intercom_bench_macros::{DROPPED_FORMATS, MacroEntry, macro_validator};
use intercom_runtime::SchemaEntry;
use serde_json::Value;

struct Case {
    ours: &'static SchemaEntry,
    theirs: &'static MacroEntry,
    value: Value,
    bytes: Vec<u8>,
}

fn cases(data: &Value, key: &str) -> Vec<Case> {
    data[key]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|pair| {
            let name = pair[0].as_str()?;
            Some(Case {
                ours: validators::schema(name)?,
                theirs: macro_validator(name)?,
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
        b.iter(|| cases.iter().filter(|c| (c.ours.is_valid)(&c.value)).count())
    });
    group.bench_function("macros/value/is_valid", |b| {
        b.iter(|| {
            cases
                .iter()
                .filter(|c| (c.theirs.is_valid)(&c.value))
                .count()
        })
    });
    group.bench_function("ours/value/errors", |b| {
        b.iter(|| {
            cases
                .iter()
                .map(|c| (c.ours.validate_value)(&c.value).len())
                .sum::<usize>()
        })
    });
    group.bench_function("macros/value/errors", |b| {
        b.iter(|| {
            cases
                .iter()
                .map(|c| (c.theirs.count_errors)(&c.value))
                .sum::<usize>()
        })
    });
    group.bench_function("ours/bytes/errors", |b| {
        b.iter(|| {
            cases
                .iter()
                .map(|c| (c.ours.validate_bytes)(&c.bytes).map_or(0, |e| e.len()))
                .sum::<usize>()
        })
    });
    group.bench_function("macros/bytes/errors", |b| {
        b.iter(|| {
            cases
                .iter()
                .map(|c| {
                    let value: Value = serde_json::from_slice(&c.bytes).unwrap();
                    (c.theirs.count_errors)(&value)
                })
                .sum::<usize>()
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
    group.bench_function("ours/bytes/parse", |b| {
        b.iter(|| {
            cases
                .iter()
                .filter(|c| intercom_runtime::document::Document::with(&c.bytes, |_| ()).is_ok())
                .count()
        })
    });
    group.finish();
}

fn validate(c: &mut Criterion) {
    let data: Value = serde_json::from_str(PAYLOADS).unwrap();
    let examples = cases(&data, "examples");
    let lists = cases(&data, "lists");
    // Both sides measure every payload, and agree on each.
    assert_eq!(examples.len(), data["examples"].as_array().unwrap().len());
    assert_eq!(lists.len(), data["lists"].as_array().unwrap().len());
    for case in examples.iter().chain(&lists) {
        assert_eq!(
            (case.ours.is_valid)(&case.value),
            (case.theirs.is_valid)(&case.value),
            "verdicts differ on an example of {}",
            case.theirs.name
        );
    }
    eprintln!(
        "{}: {} examples ({} bytes, {} invalid), {} lists ({} bytes); the macro's schema lost {} formats",
        data["reference"].as_str().unwrap_or_default(),
        examples.len(),
        examples.iter().map(|c| c.bytes.len()).sum::<usize>(),
        examples
            .iter()
            .filter(|c| !(c.ours.is_valid)(&c.value))
            .count(),
        lists.len(),
        lists.iter().map(|c| c.bytes.len()).sum::<usize>(),
        DROPPED_FORMATS,
    );
    group(c, "examples", &examples);
    group(c, "lists", &lists);
}

criterion_group!(benches, validate);
criterion_main!(benches);
