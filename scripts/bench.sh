#!/usr/bin/env bash
# Benchmarks: builds in release, then prints one table of figures and targets.
#   scripts/bench.sh            the large fixture (100,000 users; about 15 minutes)
#   scripts/bench.sh --quick    a small fixture, to check the harness
#   scripts/bench.sh --quick --only import,pushes,watch,enterprise   just those sections
#   (sections: import plans health snapshots pushes watch logs okta_bulk enterprise ui)
# Criterion benches of the pure parts: cargo bench --bench pure
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
chmod 700 "$XDG_RUNTIME_DIR"
export XDG_RUNTIME_DIR
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(uname -sm)"
cargo build --release --quiet --bin okta-statsig-teams
# The sandbox the figures are measured against runs as its own process, from this build.
export BENCH_BIN="${BENCH_BIN:-${CARGO_TARGET_DIR:-target}/release/okta-statsig-teams}"
cargo run --release --quiet --example bench -- "$@"
