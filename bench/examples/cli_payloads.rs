//! Writes the payload files `bench/cli-peer.sh` times `intercom-validate`
//! and `jsonschema-cli` on, from the payloads the benchmarks use (the
//! examples and the lists of the pinned reference), into the folder given:
//!
//! - `ticket_list.json`: a list of 1,000 tickets, pretty-printed (3.6 MB);
//! - `ticket.ndjson`: the same 1,000 tickets, one a line;
//! - `tickets/NNNN.json`: the same 1,000 tickets, a file each;
//! - `small.json`: the smallest ticket example;
//! - `<schema>.schema.json`: the imported schema with a root `$ref` to that
//!   schema, for the peer, which takes a schema file.

use std::path::PathBuf;

use serde_json::{Value, json};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: cli_payloads OUT_DIR")?,
    );
    let data: Value = serde_json::from_str(intercom_bench::PAYLOADS)?;
    let list = data["lists"]
        .as_array()
        .and_then(|lists| lists.iter().find(|pair| pair[0] == "ticket_list"))
        .map(|pair| pair[1].clone())
        .ok_or("the pinned reference has no ticket_list example")?;
    let tickets = list["tickets"]
        .as_array()
        .ok_or("the ticket_list example has no tickets")?;
    std::fs::create_dir_all(out.join("tickets"))?;
    std::fs::write(
        out.join("ticket_list.json"),
        serde_json::to_string_pretty(&list)?,
    )?;
    let mut ndjson = String::new();
    for (i, ticket) in tickets.iter().enumerate() {
        ndjson.push_str(&serde_json::to_string(ticket)?);
        ndjson.push('\n');
        std::fs::write(
            out.join("tickets").join(format!("{i:04}.json")),
            serde_json::to_string_pretty(ticket)?,
        )?;
    }
    std::fs::write(out.join("ticket.ndjson"), ndjson)?;
    let smallest = tickets
        .iter()
        .min_by_key(|ticket| ticket.to_string().len())
        .ok_or("no ticket")?;
    std::fs::write(
        out.join("small.json"),
        serde_json::to_string_pretty(smallest)?,
    )?;
    for name in ["ticket_list", "ticket"] {
        let mut schema = data["schema"].clone();
        schema["$ref"] = json!(format!("#/$defs/{name}"));
        std::fs::write(
            out.join(format!("{name}.schema.json")),
            serde_json::to_string(&schema)?,
        )?;
    }
    Ok(())
}
