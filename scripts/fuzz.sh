#!/usr/bin/env bash
# The long fuzzing run: a million mutated inputs for each loader (project
# file, history index and snapshots, JSONL, brat, CoNLL, document text).
# Findings go to target/fuzz-findings/; exit status 1 if there are any.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release --no-default-features --example fuzz -- "$@"
