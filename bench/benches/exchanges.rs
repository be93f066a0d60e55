//! Checking recorded traffic: a HAR file of 10,000 exchanges made from the
//! pinned reference's operations and examples (a request body where the
//! operation has one, a response body of the first documented status that
//! has an example), read four ways in one run:
//!
//! - `ours/check_file`: `intercom-validate --exchanges` as a library, the HAR
//!   streamed entry by entry, each body routed and validated from its bytes,
//!   every error collected (and written to a sink), with as many threads as
//!   the command line takes (two: one reads while the other checks, where
//!   the machine runs two at once);
//! - `ours/check_file/one_thread`: the same on the calling thread alone;
//! - `floor/value`: `serde_json::from_slice::<Value>` of the whole file, and
//!   nothing else;
//! - `peer/serde_jsonschema`: the HAR read with serde_json into its entries,
//!   each routed with the same router, each body parsed into a `Value` and
//!   validated with the `jsonschema` crate (validators built once, before
//!   the run), every error collected.

use std::collections::HashMap;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use intercom_bench::{PAYLOADS, har};
use intercom_validate::report::{Reporter, Unrouted};
use intercom_validate::traffic::{self, Threads};
use intercom_validate::{Expect, Format};
use serde::Deserialize;
use serde_json::{Value, json};

const EXCHANGES: usize = 10_000;

#[derive(Deserialize)]
struct PeerHar {
    log: PeerLog,
}

#[derive(Deserialize)]
struct PeerLog {
    entries: Vec<PeerEntry>,
}

#[derive(Deserialize)]
struct PeerEntry {
    request: PeerRequest,
    response: PeerResponse,
}

#[derive(Deserialize)]
struct PeerRequest {
    method: String,
    url: String,
    #[serde(rename = "postData")]
    post_data: Option<PeerBody>,
}

#[derive(Deserialize)]
struct PeerResponse {
    status: u16,
    content: Option<PeerBody>,
}

#[derive(Deserialize)]
struct PeerBody {
    text: Option<String>,
}

fn peer(bytes: &[u8], validators: &HashMap<&str, jsonschema::Validator>) -> usize {
    let har: PeerHar = serde_json::from_slice(bytes).unwrap();
    let mut errors = 0;
    for entry in &har.log.entries {
        let Some(route) = intercom_models::route(&entry.request.method, &entry.request.url) else {
            continue;
        };
        let operation = route.operation;
        let request = operation.request.and_then(|r| r.body.schema);
        let response = operation
            .response(entry.response.status)
            .and_then(|r| r.body?.schema);
        let sides = [
            (request, entry.request.post_data.as_ref()),
            (response, entry.response.content.as_ref()),
        ];
        for (schema, body) in sides {
            if let (Some(schema), Some(text)) = (schema, body.and_then(|b| b.text.as_ref())) {
                let value: Value = serde_json::from_str(text).unwrap();
                errors += validators[schema].iter_errors(&value).count();
            }
        }
    }
    errors
}

fn exchanges(c: &mut Criterion) {
    let data: Value = serde_json::from_str(PAYLOADS).unwrap();
    let (bytes, schemas) = har(&data, EXCHANGES);
    let registry = jsonschema::Registry::new()
        .add("urn:bench", data["schema"].clone())
        .unwrap()
        .prepare()
        .unwrap();
    let validators: HashMap<&str, jsonschema::Validator> = schemas
        .iter()
        .map(|name| {
            let validator = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .should_validate_formats(true)
                .with_registry(&registry)
                .build(&json!({"$ref": format!("urn:bench#/$defs/{name}")}))
                .expect("jsonschema compiles the schema");
            (*name, validator)
        })
        .collect();
    let ours = |threads| {
        let mut reporter = Reporter::new(Format::Text, Expect::Valid, "exchanges", std::io::sink())
            .for_exchanges();
        traffic::check_file(
            &bytes[..],
            None,
            "bench.har",
            Unrouted::Ignore,
            threads,
            &mut reporter,
        )
        .unwrap();
        reporter.finish()
    };
    // Both read every exchange; the run is not measuring an empty file.
    assert!(peer(&bytes, &validators) < usize::MAX);
    ours(Threads::One);
    let mut group = c.benchmark_group(format!("exchanges/har_{EXCHANGES}"));
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.sample_size(20);
    let threads = Threads::available();
    group.bench_function("ours/check_file", |b| b.iter(|| ours(threads)));
    group.bench_function("ours/check_file/one_thread", |b| {
        b.iter(|| ours(Threads::One))
    });
    group.bench_function("floor/value", |b| {
        b.iter(|| serde_json::from_slice::<Value>(&bytes).unwrap())
    });
    group.bench_function("peer/serde_jsonschema", |b| {
        b.iter(|| peer(&bytes, &validators))
    });
    group.finish();
}

criterion_group!(benches, exchanges);
criterion_main!(benches);
