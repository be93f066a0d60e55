#!/usr/bin/env bash
# intercom-validate against jsonschema-cli, the peer command line, on the
# same payload files (issue 20 item 3). Installs nothing; needs on PATH:
#   hyperfine                 (Debian: apt-get install hyperfine)
#   jsonschema-cli 0.60.2     (cargo install jsonschema-cli --version 0.60.2 --locked)
# or the peer's path in $PEER. Both are run with formats asserted, offline.
# Usage: bench/cli-peer.sh [RUNS]   (default 30 runs a case)
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-30}
peer=${PEER:-jsonschema-cli}
for tool in hyperfine "$peer"; do
  command -v "$tool" > /dev/null || { echo "cli-peer: $tool is not on PATH (see the header of $0)" >&2; exit 2; }
done

cargo build --quiet --release -p intercom-validate
ours=target/release/intercom-validate
dir=target/cli-peer
cargo run --quiet --release -p intercom-bench --example cli_payloads -- "$dir"

# The peer takes the files as one list of instances; so does ours.
files=$(ls "$dir"/tickets/*.json | tr '\n' ' ')

case_pair() {
  local name=$1 ours_args=$2 peer_args=$3
  printf '%s ' "$name"
  hyperfine -N --warmup 3 --runs "$runs" --export-json "$dir/$name.json" \
    -n ours "$ours $ours_args" \
    -n jsonschema-cli "$peer validate --assert-format --offline $peer_args" > /dev/null
  # Medians, and the peer's median over ours.
  python3 - "$dir/$name.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
ours, peer = results["ours"]["median"], results["jsonschema-cli"]["median"]
print(f"| ours | {ours * 1000:.1f} ms | jsonschema-cli | {peer * 1000:.1f} ms | {peer / ours:.1f}x |")
PY
}

case_pair big-file "--schema ticket_list $dir/ticket_list.json" \
  "$dir/ticket_list.schema.json -i $dir/ticket_list.json"
case_pair small-file "--schema ticket $dir/small.json" \
  "$dir/ticket.schema.json -i $dir/small.json"
case_pair many-files "--schema ticket $files" \
  "$dir/ticket.schema.json -i $files"
# The peer reads no NDJSON: the same tickets as a file each.
case_pair ndjson-vs-files "--schema ticket --ndjson $dir/ticket.ndjson" \
  "$dir/ticket.schema.json -i $files"
