//! Reading and writing payloads with the generated types: the lists of 1,000
//! conversations and tickets that `validate` measures too, from bytes into
//! their type (`from_slice`) and back (`to_vec`), beside reading the same
//! bytes into a `serde_json::Value` for scale.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use intercom_bench::PAYLOADS;
use intercom_models::types;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn group<T: DeserializeOwned + Serialize>(c: &mut Criterion, name: &str, payload: &Value) {
    let bytes = serde_json::to_vec(payload).unwrap();
    let read: T = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        &serde_json::to_value(&read).unwrap(),
        payload,
        "{name} round-trips"
    );
    let mut group = c.benchmark_group(format!("types/{name}"));
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("from_slice", |b| {
        b.iter(|| serde_json::from_slice::<T>(&bytes).unwrap())
    });
    group.bench_function("to_vec", |b| b.iter(|| serde_json::to_vec(&read).unwrap()));
    group.bench_function("from_slice::<Value>", |b| {
        b.iter(|| serde_json::from_slice::<Value>(&bytes).unwrap())
    });
    group.finish();
}

fn types(c: &mut Criterion) {
    let data: Value = serde_json::from_str(PAYLOADS).unwrap();
    for pair in data["lists"].as_array().into_iter().flatten() {
        match pair[0].as_str() {
            Some("conversation_list") => {
                group::<types::ConversationList>(c, "conversation_list", &pair[1])
            }
            Some("ticket_list") => group::<types::TicketList>(c, "ticket_list", &pair[1]),
            _ => {}
        }
    }
}

criterion_group!(benches, types);
criterion_main!(benches);
