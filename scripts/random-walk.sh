#!/usr/bin/env bash
# The random walk, longer than CI runs it: seeded sequences of what an admin clicks and what
# the servers do, against the real app headless, its engine and the sandbox on loopback,
# with the app's promises checked after every step (tests/random_walk).
#   scripts/random-walk.sh                      100 sequences per push mode
#   scripts/random-walk.sh --cases 5000         5,000 sequences per push mode
#   scripts/random-walk.sh --steps 60           longer sequences
#   scripts/random-walk.sh --mode okta|direct   one push mode only
#   scripts/random-walk.sh --threads 6          sequences side by side (4 by default)
#   RANDOM_WALK_SEED=N scripts/random-walk.sh   replays the sequence of seed N (a failure
#                                               prints its seed and this line)
set -euo pipefail
cd "$(dirname "$0")/.."
cases=""
steps=""
modes=""
while [ $# -gt 0 ]; do
  case "$1" in
    --cases) cases="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --mode) modes="$2"; shift 2 ;;
    --threads) export RANDOM_WALK_THREADS="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)"; exit 2 ;;
  esac
done
if [ -z "$cases" ] && [ -z "${RANDOM_WALK_SEED:-}" ]; then cases=100; fi
[ -n "$cases" ] && export RANDOM_WALK_CASES="$cases"
[ -n "$steps" ] && export RANDOM_WALK_STEPS="$steps"
[ -n "$modes" ] && export RANDOM_WALK_MODES="$modes"
# A replay of one seed runs alone; more sequences run side by side.
[ -n "${RANDOM_WALK_SEED:-}" ] && [ -z "$cases" ] || export RANDOM_WALK_THREADS="${RANDOM_WALK_THREADS:-4}"
# The walk uses the in-memory keyring and its own data folders; nothing here needs D-Bus.
exec cargo test --quiet --test random_walk -- --nocapture --test-threads=1
