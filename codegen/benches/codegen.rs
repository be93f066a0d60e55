//! How long `cargo xtask codegen` takes on a whole reference version: the
//! newest file in ../shared/reference/intercom-openapi, imported with `--all`
//! once, then modelled, planned, emitted and printed in every iteration.
//! Without ../shared (a fresh clone) it measures the checked-in schema/.

use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use intercom_codegen::generate;
use intercom_codegen::import::{self, Options, Selection};
use intercom_codegen::source;

fn newest_reference() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference/intercom-openapi");
    source::newest_version(&dir)
}

fn codegen(c: &mut Criterion) {
    let (name, schema) = match newest_reference() {
        Some(path) => {
            let document = source::load(&path).expect("the reference loads");
            let options = Options {
                selection: Selection::All,
                strict: false,
            };
            let imported = import::import(&document, &options).expect("the reference imports");
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                imported.schema,
            )
        }
        None => {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema/intercom.schema.json");
            let text = std::fs::read_to_string(&path).expect("schema/ is checked in");
            (
                "schema/".to_owned(),
                serde_json::from_str(&text).expect("schema/ is JSON"),
            )
        }
    };
    let path = PathBuf::from(&name);
    c.bench_function(&format!("codegen {name} --all"), |b| {
        b.iter(|| generate::generate_from_value(&schema, &path, &name).expect("generates"))
    });
}

criterion_group!(benches, codegen);
criterion_main!(benches);
