//! A driver for callgrind: runs one path of the bench over one payload set a
//! few times, so that instruction counts can be compared from change to
//! change:
//! `valgrind --tool=callgrind --toggle-collect=profile::run target/release/examples/profile PATH SET [PASSES]`.
//!
//! PATH is one of `ours-is-valid`, `ours-errors`, `ours-bytes`, `ours-parse`,
//! `macros-is-valid`, `macros-errors`, `floor`; SET is `examples` or `lists`.
//!
//! PATH `times` times every path instead, PASSES rounds of one pass each, the
//! paths taking turns within a round (each round starting one path later), and prints each path's fastest and
//! median pass: on a machine shared with other work, the fastest of many
//! interleaved passes moves least from run to run.

use intercom_bench::{PAYLOADS, validators};
use intercom_bench_macros::macro_validator;
use serde_json::Value;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: profile PATH SET [PASSES]";
    let path = args.next().ok_or(usage)?;
    let set = args.next().ok_or(usage)?;
    let passes: usize = args.next().map_or(Ok(3), |n| n.parse())?;
    let data: Value = serde_json::from_str(PAYLOADS)?;
    let cases: Vec<_> = data[set.as_str()]
        .as_array()
        .ok_or("SET is examples or lists")?
        .iter()
        .filter_map(|pair| {
            let name = pair[0].as_str()?;
            Some((
                validators::schema(name)?,
                macro_validator(name)?,
                pair[1].clone(),
                serde_json::to_vec(&pair[1]).ok()?,
            ))
        })
        .collect();
    if path == "times" {
        return times(&cases, passes);
    }
    println!("{}", run(&path, &cases, passes)?);
    Ok(())
}

const PATHS: [&str; 7] = [
    "ours-is-valid",
    "macros-is-valid",
    "ours-errors",
    "macros-errors",
    "ours-bytes",
    "floor",
    "ours-parse",
];

fn times(cases: &[Case], rounds: usize) -> Result<(), Box<dyn std::error::Error>> {
    let mut taken = vec![Vec::with_capacity(rounds); PATHS.len()];
    for round in 0..rounds.max(1) {
        // Each path follows every other in turn: what ran before decides
        // which of a large payload's values are still in the caches.
        for turn in 0..PATHS.len() {
            let at = (round + turn) % PATHS.len();
            let start = std::time::Instant::now();
            std::hint::black_box(run(PATHS[at], cases, 1)?);
            taken[at].push(start.elapsed());
        }
    }
    for (path, taken) in PATHS.iter().zip(&mut taken) {
        taken.sort();
        println!(
            "{path:16} fastest {:>9.1} µs  median {:>9.1} µs",
            taken[0].as_secs_f64() * 1e6,
            taken[taken.len() / 2].as_secs_f64() * 1e6
        );
    }
    Ok(())
}

type Case = (
    &'static intercom_runtime::SchemaEntry,
    &'static intercom_bench_macros::MacroEntry,
    Value,
    Vec<u8>,
);

/// The measured part, apart so that callgrind can count it alone
/// (`--toggle-collect=profile::run`).
#[inline(never)]
fn run(path: &str, cases: &[Case], passes: usize) -> Result<usize, String> {
    let mut total = 0;
    for _ in 0..passes {
        for (ours, theirs, value, bytes) in cases {
            total += match path {
                "ours-is-valid" => usize::from((ours.is_valid)(value)),
                "ours-errors" => (ours.validate_value)(value).len(),
                "ours-bytes" => (ours.validate_bytes)(bytes).map_or(0, |e| e.len()),
                "ours-parse" => {
                    usize::from(intercom_runtime::document::Document::with(bytes, |_| ()).is_ok())
                }
                "macros-is-valid" => usize::from((theirs.is_valid)(value)),
                "macros-errors" => (theirs.count_errors)(value),
                "floor" => {
                    usize::from(serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok())
                }
                _ => return Err(format!("unknown PATH {path}")),
            };
        }
    }
    Ok(total)
}
