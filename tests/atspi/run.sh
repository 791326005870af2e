#!/usr/bin/env bash
# Inside a fresh D-Bus session under Xvfb (scripts/test.sh starts both): the accessibility
# bus (at-spi2-core), the app on the demo sandbox with a data folder of its own, and
# tests/atspi/drive_app.py driving it over AT-SPI. Usage: run.sh APP_BINARY
set -euo pipefail
app_bin=$1
here=$(cd "$(dirname "$0")" && pwd)
/usr/libexec/at-spi-bus-launcher --launch-immediately &
launcher=$!
data=$(mktemp -d)
runtime=$(mktemp -d)
chmod 700 "$runtime"
cleanup() {
  kill "${app:-}" "$launcher" 2>/dev/null || true
  rm -rf "$data" "$runtime"
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
OKTA_STATSIG_TEAMS_DATA_DIR=$data XDG_RUNTIME_DIR=$runtime "$app_bin" --demo >"$data/app.log" 2>&1 &
app=$!
if ! timeout 180 /usr/bin/python3 "$here/drive_app.py"; then
  echo "--- the app's log:"
  cat "$data/app.log"
  exit 1
fi
