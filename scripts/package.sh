#!/usr/bin/env bash
# Builds the packages into target/package/: a Debian package (cargo-deb) and a plain
# tarball, each with the binary, the desktop entry, the icons, the AppStream metainfo,
# shell completions, the man page, the README and the licence.
#
#   scripts/package.sh            a release build, then both packages
#   PACKAGE_PROFILE=dev scripts/package.sh
#                                 packages the debug build instead (the package test in
#                                 scripts/test.sh uses it, so CI builds nothing twice)
#
# cargo-deb is installed (`cargo install cargo-deb --locked`) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=${PACKAGE_PROFILE:-release}
case "$profile" in
  release) out_dir=target/release ;;
  dev) out_dir=target/debug ;;
  *) echo "PACKAGE_PROFILE must be release or dev, not '$profile'" >&2; exit 2 ;;
esac
name=okta-statsig-teams
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
arch=$(dpkg --print-architecture 2>/dev/null || uname -m)
pkg=target/package

echo "==> building the binary ($profile)"
cargo build --quiet --profile "$profile" --bin "$name"
bin="$out_dir/$name"

echo "==> completions and man page, from the command-line definition"
mkdir -p "$pkg/completions"
"$bin" completions bash > "$pkg/completions/$name.bash"
"$bin" completions zsh > "$pkg/completions/_$name"
"$bin" completions fish > "$pkg/completions/$name.fish"
"$bin" man | gzip -9n > "$pkg/$name.1.gz"

echo "==> Debian package (cargo-deb)"
if ! cargo deb --version >/dev/null 2>&1; then
  cargo install cargo-deb --locked --quiet
fi
# Cargo.toml's assets name target/release/; cargo-deb reads the chosen profile's folder.
cargo deb --no-build --profile "$profile" --output "$pkg/" --quiet >/dev/null
deb=$(ls -t "$pkg"/${name}_"$version"-*_*.deb | head -1)

echo "==> tarball"
stage="$pkg/$name-$version-$arch"
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/share/applications" "$stage/share/metainfo" \
  "$stage/share/man/man1" "$stage/share/doc/$name" "$stage/share/completions"
cp "$bin" "$stage/bin/"
cp assets/*.desktop "$stage/share/applications/"
cp assets/*.metainfo.xml "$stage/share/metainfo/"
cp -r assets/icons "$stage/share/"
cp "$pkg/$name.1.gz" "$stage/share/man/man1/"
cp "$pkg"/completions/* "$stage/share/completions/"
cp README.md LICENSE "$stage/share/doc/$name/"
tar -C "$pkg" -czf "$stage.tar.gz" "$(basename "$stage")"
rm -rf "$stage"

echo "$deb"
echo "$stage.tar.gz"
