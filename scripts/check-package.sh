#!/usr/bin/env bash
# Checks the packages scripts/package.sh made: the .deb unpacked into a scratch root
# (dpkg-deb -x) has every file where the desktop expects it, the desktop entry and the
# AppStream metainfo validate, the packaged binary runs, and the tarball holds the same.
set -euo pipefail
cd "$(dirname "$0")/.."
name=okta-statsig-teams
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
deb=$(ls -t target/package/${name}_"$version"-*_*.deb | head -1)
tarball=$(ls -t target/package/$name-"$version"-*.tar.gz | head -1)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root"
id=io.github.oktastatsigteams.OktaStatsigTeams
expected=(
  usr/bin/$name
  usr/share/applications/$id.desktop
  usr/share/metainfo/$id.metainfo.xml
  usr/share/icons/hicolor/scalable/apps/$name.svg
  usr/share/man/man1/$name.1.gz
  usr/share/bash-completion/completions/$name
  usr/share/zsh/vendor-completions/_$name
  usr/share/fish/vendor_completions.d/$name.fish
  usr/share/doc/$name/copyright
  usr/share/doc/$name/README.md
)
for size in 16 32 48 64 128 256 512; do
  expected+=(usr/share/icons/hicolor/${size}x${size}/apps/$name.png)
done
for f in "${expected[@]}"; do
  [ -s "$root/$f" ] || { echo "missing from the package: /$f"; exit 1; }
done
desktop-file-validate "$root/usr/share/applications/$id.desktop"
appstreamcli validate --no-net "$root/usr/share/metainfo/$id.metainfo.xml" >/dev/null
grep -qx "Icon=$name" "$root/usr/share/applications/$id.desktop"
grep -q "^Exec=$name" "$root/usr/share/applications/$id.desktop"
dpkg-deb -f "$deb" Package Version Depends | sed 's/^/  /'
said=$("$root/usr/bin/$name" --version)
[ "$said" = "$name $version" ] || { echo "the packaged binary said: $said"; exit 1; }
zcat "$root/usr/share/man/man1/$name.1.gz" | grep -q "^.TH $name 1"
listing=$(tar -tzf "$tarball")
for f in bin/$name share/applications/$id.desktop share/metainfo/$id.metainfo.xml \
  share/icons/hicolor/256x256/apps/$name.png share/man/man1/$name.1.gz share/doc/$name/LICENSE; do
  grep -q "/$f\$" <<<"$listing" || { echo "missing from the tarball: $f"; exit 1; }
done
echo "package ok: $(basename "$deb") ($(du -h "$deb" | cut -f1)), $(basename "$tarball"); ${#expected[@]} files where the desktop expects them; the packaged binary says \"$said\""
