#!/usr/bin/env bash
# Mutation testing: how strong the tests of the rules the app's safety rests on are.
# cargo-mutants changes the code one small way at a time (a condition flipped, a result
# replaced, an operator swapped) and runs the library's tests; each change they do not
# catch is a gap, killed with a test or explained.
#   scripts/mutants.sh                        the files below
#   scripts/mutants.sh src/model/names.rs     only the files named
# Files: the name parser, plans, the rules (what may be linked or created, the deletion
# guard, the confirm word, what a retry may fix), push rules, the snapshot comparison, and
# the retry loop. Results go to mutants.out/ (outcomes.json, caught.txt, missed.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
if ! cargo mutants --version >/dev/null 2>&1; then
  cargo install --locked cargo-mutants
fi
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  files=(src/model/rules.rs src/model/plan.rs src/model/names.rs src/model/push_rule.rs
    src/model/compare.rs src/net/retry.rs)
fi
args=()
for f in "${files[@]}"; do
  [ -f "$f" ] || { echo "no such file: $f"; exit 2; }
  args+=(--file "$f")
done
# The library's own tests (unit and property tests of these modules), built and run with
# --lib: a mutant in pure code that only an end-to-end test would notice is a gap in the
# unit tests (and each mutant rebuilds the library alone, not every test binary).
# MUTANTS_IN_PLACE=1 mutates this tree itself with its warm target/ (much faster; edit
# nothing while it runs: each file is put back after its mutant).
[ "${MUTANTS_IN_PLACE:-}" = 1 ] && args+=(--in-place)
status=0
cargo mutants --no-shuffle "${args[@]}" --cargo-arg=--lib || status=$?
if [ -f mutants.out/outcomes.json ]; then
  caught=$(wc -l <mutants.out/caught.txt)
  missed=$(wc -l <mutants.out/missed.txt)
  timeouts=$(wc -l <mutants.out/timeout.txt 2>/dev/null || echo 0)
  viable=$((caught + missed + timeouts))
  if [ "$viable" -gt 0 ]; then
    echo "mutation score: $((100 * (caught + timeouts) / viable))% of $viable viable mutants caught ($missed missed)"
  fi
fi
exit $status
