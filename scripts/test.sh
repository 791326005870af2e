#!/usr/bin/env bash
# The project's test command: installs what the tests need, then runs fmt, clippy, every
# test, and the independent SCIM compliance checker against the sandbox.
#   - Debian packages (apt-get, when missing): D-Bus + gnome-keyring for the OS keyring
#     test, Mesa for headless UI rendering, Xvfb + at-spi2-core + python3-pyatspi + xdotool for the
#     screen reader's path through the real app (tests/atspi/), dunst as the desktop
#     notification server the watcher's alerts reach (tests/cli_watch.rs, tests/alerts_ui.rs).
#   - A Python venv (.venv) with the independent peers: scim2-server, scim2-tester (SCIM)
#     and Okta's official Python SDK (PyPI `okta`), which drives the Okta emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

step() { printf '\n==> %s\n' "$*"; }

# Lean builds in CI (see ../shared/TOOLCHAIN.md): no incremental state, no debug info.
if [ "${CI:-}" = "true" ]; then
  export CARGO_INCREMENTAL=0 CARGO_PROFILE_DEV_DEBUG=0 CARGO_PROFILE_TEST_DEBUG=0
fi
export CARGO_TERM_COLOR=never

step "system packages"
packages=(dbus dbus-x11 gnome-keyring libegl1 libegl-mesa0 libgl1-mesa-dri mesa-vulkan-drivers libvulkan1 python3-venv desktop-file-utils appstream xvfb xauth python3-pyatspi at-spi2-core xdotool dunst)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "all present"
fi

step "python venv with the independent peers"
if [ ! -x .venv/bin/scim2-server ] || [ ! -x .venv/bin/scim ] || ! .venv/bin/python -c "import okta" 2>/dev/null; then
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check "scim2-server==0.8.3" "scim2-tester==0.5.2" "scim2-cli==0.6.0" "okta==3.4.6"
fi
export SCIM2_SERVER_BIN="$root/.venv/bin/scim2-server"

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --all-targets --quiet -- -D warnings

step "cargo doc (warnings denied)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet

# A private runtime dir silences a harmless Mesa warning and holds the keyring's socket.
XDG_RUNTIME_DIR=$(mktemp -d)
chmod 700 "$XDG_RUNTIME_DIR"
export XDG_RUNTIME_DIR
# Every file the app writes during the tests goes here (the token-leak test searches it).
OKTA_STATSIG_TEAMS_DATA_DIR=$(mktemp -d)
export OKTA_STATSIG_TEAMS_DATA_DIR

# The screenshots are compared, never rewritten, here: a set UPDATE_SNAPSHOTS would make
# every screenshot pass by overwriting it. Their checksums are checked after the tests.
unset UPDATE_SNAPSHOTS
shots_before=$(mktemp)
(cd screenshots && sha256sum -- * | sort) >"$shots_before"

step "cargo test (inside a D-Bus session with an unlocked gnome-keyring)"
# The daemon gets its own empty keyring folder, so a keyring left by an earlier run (with
# another password) cannot stay locked.
KEYRING_HOME=$(mktemp -d)
export KEYRING_HOME
dbus-run-session -- bash -c '
  eval "$(printf testpw | XDG_DATA_HOME="$KEYRING_HOME" gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
  export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
  export OST_REAL_KEYRING=1
  cargo test --lib --bins --tests --examples --no-fail-fast --quiet -- --skip soak_ --skip random_walk_in_ 2>&1
'

step "screenshots unchanged by the tests"
if ! (cd screenshots && sha256sum -- * | sort) | diff "$shots_before" - ; then
  echo "the tests changed or added files in screenshots/ (a screenshot differs from the app: see the .new.png and .diff.png files)"
  exit 1
fi
echo "unchanged"

step "criterion benches, run once each as tests"
cargo test --benches --quiet 2>&1

step "random walk: seeded sequences of clicks and server faults, promises checked after every step"
# Bounded for CI (RANDOM_WALK_CASES sequences per push mode); scripts/random-walk.sh runs
# more, and a failure prints the seed that replays it.
walk_start=$SECONDS
# Sequences run four at a time, each on its own sandbox (they spend much of their time
# waiting on the engine and Okta's push worker).
RANDOM_WALK_CASES=${RANDOM_WALK_CASES:-100} RANDOM_WALK_THREADS=${RANDOM_WALK_THREADS:-4} cargo test --quiet --test random_walk -- --nocapture --test-threads=1 2>&1
echo "random walk: $((SECONDS - walk_start)) s"

step "soak: seeded pushes through the sandbox with faults injected (loopback, bounded)"
cargo test --quiet --test soak -- --nocapture 2>&1

# scim2-tester twice: against `sandbox --generic-scim` every check passes; against the
# Statsig emulator (Statsig's own rules) only the failures listed and explained in
# scripts/scim-compliance.py happen. Each run passes at least its minimum of checks.
bin="${CARGO_TARGET_DIR:-$root/target}/debug/okta-statsig-teams"
[ -x "$bin" ] || cargo build --quiet
for mode in generic strict; do
  step "scim2-tester against the sandbox ($mode)"
  flags=()
  [ "$mode" = generic ] && flags=(--generic-scim)
  out=$(mktemp)
  "$bin" sandbox "${flags[@]}" --statsig-token compliance-token >"$out" 2>/dev/null &
  sandbox_pid=$!
  trap 'kill $sandbox_pid 2>/dev/null || true' EXIT
  for _ in $(seq 1 50); do grep -q '^statsig_scim_url=' "$out" && break; sleep 0.1; done
  url=$(sed -n 's/^statsig_scim_url=//p' "$out")
  [ -n "$url" ] || { echo "the sandbox did not start"; exit 1; }
  report=$(mktemp)
  # The tester exits non-zero on any failure; the judge below decides which are expected.
  SCIM_CLI_HEADERS="Authorization: Bearer compliance-token" .venv/bin/scim --url "$url" test >"$report" 2>&1 || true
  if ! .venv/bin/python scripts/scim-compliance.py "$mode" "$report"; then
    cat "$report"
    echo "scim2-tester found the sandbox ($mode) wrong"
    exit 1
  fi
  kill $sandbox_pid 2>/dev/null || true
  trap - EXIT
done

step "Okta's Python SDK (okta 3.4.6) against the sandbox's Okta emulator"
out=$(mktemp)
"$bin" sandbox --okta-token sdk-okta-token --statsig-token sdk-statsig-token --okta-push-delay-ms 300 >"$out" 2>/dev/null &
sandbox_pid=$!
trap 'kill $sandbox_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do grep -q '^okta_url=' "$out" && break; sleep 0.1; done
report=$(mktemp)
if OKTA_TESTING_TESTINGDISABLEHTTPSCHECK=true \
  OKTA_URL=$(sed -n 's/^okta_url=//p' "$out") OKTA_TOKEN=sdk-okta-token \
  STATSIG_URL=$(sed -n 's/^statsig_scim_url=//p' "$out") STATSIG_TOKEN=sdk-statsig-token \
  .venv/bin/python tests/okta_sdk/drive_sandbox.py >"$report" 2>&1; then
  tail -n 1 "$report"
else
  cat "$report"
  echo "Okta's Python SDK found the emulator wrong"
  exit 1
fi
kill $sandbox_pid 2>/dev/null || true
trap - EXIT

step "a screen reader's path: the real app driven over AT-SPI under Xvfb"
# The system python has pyatspi (python3-pyatspi); the venv's does not.
report=$(mktemp)
if ! xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- tests/atspi/run.sh "$bin" >"$report" 2>&1; then
  cat "$report"
  echo "a screen reader could not do the workflow"
  exit 1
fi
tail -n 1 "$report"

step "packages: the .deb and the tarball, unpacked and checked"
# The debug build already made above is packaged, so nothing is compiled twice.
PACKAGE_PROFILE=dev scripts/package.sh >/dev/null
scripts/check-package.sh
echo
echo "all checks passed"
