#!/usr/bin/env bash
# 1,000 killed saves: `marginalia annotate` and `marginalia export` killed
# with SIGKILL at random moments of a run; after each kill the project must
# load, validate and hold every annotation a run reported as added, its
# history must read, and the export must be absent or whole.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release --no-default-features --test suite -- --ignored --exact crash_safety::a_thousand_killed_annotate_and_export_runs --nocapture
