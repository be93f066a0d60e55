//! The HAR files of the `exchanges` benchmark, outside criterion: for a
//! profiler (one run is a repeatable count of instructions under callgrind)
//! and for the peak-memory measurement on a file of hundreds of megabytes.
//!
//! - `har write N FILE`: writes the benchmark's HAR with N exchanges (10,000
//!   is the benchmark's 14.4 MiB); beyond 10,000, the benchmark's entries
//!   are written again and again, a block of 10,000 at a time, so a file of
//!   hundreds of megabytes is written in the memory of one block (350,000:
//!   about 530 MB);
//! - `har check FILE [RUNS]`: checks FILE as `intercom-validate --exchanges`
//!   does (streamed from the file, every error collected), RUNS times; the
//!   last run's text report goes to stdout (to compare the reports of two
//!   builds), the others' to a sink.

use intercom_validate::report::{Reporter, Unrouted};
use intercom_validate::{Expect, Format, traffic};
use std::io::Write;

use serde_json::Value;

/// The benchmark's number of exchanges.
const BLOCK: usize = 10_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["write", count, file] => {
            let count: usize = count.parse()?;
            let data: Value = serde_json::from_str(intercom_bench::PAYLOADS)?;
            let (bytes, _) = intercom_bench::har(&data, count.min(BLOCK));
            if count <= BLOCK {
                std::fs::write(file, bytes)?;
                return Ok(());
            }
            if !count.is_multiple_of(BLOCK) {
                return Err(format!("beyond {BLOCK}, N is a multiple of {BLOCK}").into());
            }
            // The entries' text between the brackets of `log.entries`, as
            // the pretty printer indents it.
            let text = std::str::from_utf8(&bytes)?;
            let open = "\"entries\": [\n";
            let start = text.find(open).ok_or("no entries")? + open.len();
            let end = text.rfind("\n    ]").ok_or("no end of entries")?;
            let mut out = std::io::BufWriter::new(std::fs::File::create(file)?);
            out.write_all(&bytes[..start])?;
            for block in 0..count / BLOCK {
                if block > 0 {
                    out.write_all(b",\n")?;
                }
                out.write_all(&bytes[start..end])?;
            }
            out.write_all(&bytes[end..])?;
            out.flush()?;
        }
        ["check", file, ref runs @ ..] => {
            // `ONE_THREAD` set: read and check on one thread.
            let threads = if std::env::var_os("ONE_THREAD").is_some() {
                traffic::Threads::One
            } else {
                traffic::Threads::available()
            };
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
                    None,
                    file,
                    Unrouted::Ignore,
                    threads,
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
