#!/usr/bin/env bash
# Pack a release build as OUT/policylint-TAG-TARGET.tar.gz (the binary, the
# README and the licences, in a folder of that name) with its SHA-256 sum in
# OUT/policylint-TAG-TARGET.tar.gz.sha256: the names the action downloads.
# usage: package.sh TAG TARGET OUT   (after cargo build --release --target TARGET)
set -euo pipefail
if [ "$#" -ne 3 ]; then
  echo "usage: package.sh TAG TARGET OUT" >&2
  exit 2
fi
tag=$1 target=$2 out=$3
repo=$(cd "$(dirname "$0")/../.." && pwd)
exe=policylint
case "$target" in *windows*) exe=policylint.exe ;; esac
bin="${CARGO_TARGET_DIR:-$repo/target}/$target/release/$exe"
if [ ! -f "$bin" ]; then
  echo "no $bin: build it first (cargo build --release --target $target)" >&2
  exit 1
fi
name="policylint-$tag-$target"
mkdir -p "$out/$name"
cp "$bin" "$repo/README.md" "$repo/LICENSE-MIT" "$repo/LICENSE-APACHE" "$out/$name/"
# Relative names only: GNU tar on Windows reads C:\… as a remote host.
cd "$out"
tar -czf "$name.tar.gz" "$name"
rm -rf "$name"
if command -v sha256sum > /dev/null; then
  sha256sum "$name.tar.gz" > "$name.tar.gz.sha256"
else
  shasum -a 256 "$name.tar.gz" > "$name.tar.gz.sha256"
fi
cat "$name.tar.gz.sha256"
