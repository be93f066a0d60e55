//! The HAR files of the `exchanges` benchmark, outside criterion: for a
//! profiler (one run is a repeatable count of instructions under callgrind)
//! and for the peak-memory measurement on a file of hundreds of megabytes.
//!
//! - `har write N FILE`: writes the benchmark's HAR with N exchanges (10,000
//!   is the benchmark's 14.4 MiB; 93,000 gives about 500 MB);
//! - `har check FILE [RUNS]`: checks FILE as `intercom-validate --exchanges`
//!   does (streamed from the file, every error collected), RUNS times; the
//!   last run's text report goes to stdout (to compare the reports of two
//!   builds), the others' to a sink.

use intercom_validate::report::{Reporter, Unrouted};
use intercom_validate::{Expect, Format, traffic};
use serde_json::Value;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["write", count, file] => {
            let data: Value = serde_json::from_str(intercom_bench::PAYLOADS)?;
            let (bytes, _) = intercom_bench::har(&data, count.parse()?);
            std::fs::write(file, bytes)?;
        }
        ["check", file, ref runs @ ..] => {
            let runs: usize = match runs {
                [] => 1,
                [runs] => runs.parse()?,
                _ => return Err("usage: har check FILE [RUNS]".into()),
            };
            for run in 0..runs {
                let out: Box<dyn std::io::Write> = if run + 1 == runs {
                    Box::new(std::io::stdout().lock())
                } else {
                    Box::new(std::io::sink())
                };
                let mut reporter =
                    Reporter::new(Format::Text, Expect::Valid, "exchanges", out).for_exchanges();
                traffic::check_file(
                    std::fs::File::open(file)?,
                    false,
                    file,
                    Unrouted::Ignore,
                    &mut reporter,
                )
                .map_err(|(_, message)| message)?;
                reporter.finish();
            }
        }
        _ => return Err("usage: har write N FILE | har check FILE [RUNS]".into()),
    }
    Ok(())
}
