#!/usr/bin/env bash
# Inside a fresh D-Bus session under Xvfb (scripts/test.sh starts both): the accessibility
# bus (at-spi2-core), then the app twice, each with a home and a data folder of its own,
# driven over AT-SPI by tests/atspi/drive_app.py: first started without --demo (the
# first-use wizard), then on the demo sandbox (the workflow). Usage: run.sh APP_BINARY
set -euo pipefail
app_bin=$1
here=$(cd "$(dirname "$0")" && pwd)
/usr/libexec/at-spi-bus-launcher --launch-immediately &
launcher=$!
scratch=$(mktemp -d)
cleanup() {
  kill "${app:-}" "$launcher" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT
# Wait for the bus, then tell applications a screen reader is listening (AccessKit starts
# only then).
for _ in $(seq 1 50); do
  dbus-send --session --dest=org.a11y.Bus /org/a11y/bus \
    org.freedesktop.DBus.Properties.Set string:org.a11y.Status string:IsEnabled \
    variant:boolean:true 2>/dev/null && break
  sleep 0.1
done

# drive NAME [APP_ARGS...] -- [SCRIPT_ARGS...]: the app on a fresh home, driven by the script.
drive() {
  local name=$1
  shift
  local args=()
  while [ "$1" != "--" ]; do
    args+=("$1")
    shift
  done
  shift
  local dir=$scratch/$name
  mkdir -p "$dir/home" "$dir/data" "$dir/runtime"
  chmod 700 "$dir/runtime"
  HOME=$dir/home OKTA_STATSIG_TEAMS_DATA_DIR=$dir/data XDG_RUNTIME_DIR=$dir/runtime \
    "$app_bin" "${args[@]}" >"$dir/app.log" 2>&1 &
  app=$!
  if ! timeout 180 /usr/bin/python3 "$here/drive_app.py" "$@"; then
    echo "--- the app's log ($name):"
    cat "$dir/app.log"
    exit 1
  fi
  kill "$app" 2>/dev/null || true
  wait "$app" 2>/dev/null || true
  app=
}

drive first-use -- first-use
drive demo --demo --
