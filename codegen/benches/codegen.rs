//! How long `cargo xtask codegen` takes on the whole pinned reference: the
//! checked-in `schema/` (all of it) read once, then modelled, planned,
//! emitted and printed in every iteration.

use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use intercom_codegen::generate;

// The allocator `cargo xtask` runs codegen with, so that this measures what
// the command does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn codegen(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema/intercom.schema.json");
    let text = std::fs::read_to_string(&path).expect("schema/ is checked in");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema/ is JSON");
    let version = schema["x-provenance"]["version"]
        .as_str()
        .unwrap_or("?")
        .to_owned();
    let label = PathBuf::from("schema/intercom.schema.json");
    c.bench_function(&format!("codegen {version} --all"), |b| {
        b.iter(|| {
            generate::generate_from_value(&schema, &label, "schema/intercom.schema.json")
                .expect("generates")
        })
    });
}

criterion_group!(benches, codegen);
criterion_main!(benches);
