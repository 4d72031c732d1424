#!/usr/bin/env bash
# The action's install steps (scripts/action/version.sh, build.sh) without
# network or a build: a release archive made by scripts/release/package.sh
# from a stand-in binary is served from a file:// folder, and `cargo` is a
# stand-in that records its call. Checks: the release tag downloads, any
# other ref builds, a cached binary is used as it is, a bad checksum falls
# back to building, and the archive names agree between release and action.
# usage: test_install.sh   (no arguments)
set -euo pipefail
if [ "$#" -ne 0 ]; then
  echo "usage: test_install.sh (no arguments)" >&2
  exit 2
fi
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$repo/Cargo.toml" | head -n 1)
tag="v$version"
passed=0
failed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }
out_of() { sed -n "s/^$1=//p" "$2" | tail -n 1; }

echo "-- version.sh"
: > "$work/out"
ACTION_PATH="$repo" GITHUB_OUTPUT="$work/out" ACTION_REF="$tag" ACTION_REPOSITORY=o/r \
  bash "$repo/scripts/action/version.sh" > /dev/null
[ "$(out_of source "$work/out")" = release ] && [ "$(out_of tag "$work/out")" = "$tag" ] \
  && ok "at $tag: the release" || bad "at $tag: $(cat "$work/out")"
key=$(out_of key "$work/out")
: > "$work/out"
ACTION_PATH="$repo" GITHUB_OUTPUT="$work/out" ACTION_REF=main ACTION_REPOSITORY=o/r \
  bash "$repo/scripts/action/version.sh" > /dev/null
[ "$(out_of source "$work/out")" = build ] && ok "at main: built" || bad "at main: $(cat "$work/out")"
: > "$work/out"
ACTION_PATH="$repo" GITHUB_OUTPUT="$work/out" ACTION_REF= ACTION_REPOSITORY= \
  bash "$repo/scripts/action/version.sh" > /dev/null
[ "$(out_of source "$work/out")" = build ] && ok "no ref (a local action): built" || bad "no ref: $(cat "$work/out")"
mkdir "$work/src-copy"
cp -r "$repo/Cargo.toml" "$repo/Cargo.lock" "$repo/build.rs" "$repo/src" "$repo/rules" "$work/src-copy/"
echo "// changed" >> "$work/src-copy/src/lib.rs"
: > "$work/out"
ACTION_PATH="$work/src-copy" GITHUB_OUTPUT="$work/out" bash "$repo/scripts/action/version.sh" > /dev/null
changed=$(out_of key "$work/out")
[[ "$key" == "$tag-"* ]] && [[ "$changed" == "$tag-"* ]] && [ "$key" != "$changed" ] \
  && ok "the cache key is the version and the sources ($key, $changed)" || bad "cache keys $key, $changed"

echo "-- package.sh and build.sh"
target=x86_64-unknown-linux-gnu
mkdir -p "$work/target/$target/release" "$work/fake"
printf '#!/bin/sh\necho "policylint from the release"\n' > "$work/target/$target/release/policylint"
chmod +x "$work/target/$target/release/policylint"
CARGO_TARGET_DIR="$work/target" bash "$repo/scripts/release/package.sh" "$tag" "$target" "$work/releases/$tag" > /dev/null
[ -f "$work/releases/$tag/policylint-$tag-$target.tar.gz.sha256" ] && ok "package.sh writes the archive and its sum" \
  || bad "package.sh: $(ls "$work/releases/$tag")"
# A stand-in cargo: records the call, installs nothing.
printf '#!/bin/sh\necho "$*" >> "%s/cargo-calls"\n' "$work" > "$work/fake/cargo"
chmod +x "$work/fake/cargo"

install() { # SOURCE RUNNER_TEMP
  : > "$work/path"
  PATH="$work/fake:$PATH" ACTION_PATH="$repo" GITHUB_PATH="$work/path" RUNNER_TEMP="$2" \
    RUNNER_OS=Linux RUNNER_ARCH=X64 POLICYLINT_SOURCE="$1" POLICYLINT_TAG="$tag" \
    ACTION_REPOSITORY=o/r POLICYLINT_RELEASES="file://$work/releases" \
    bash "$repo/scripts/action/build.sh" > "$work/log" 2>&1
}
install release "$work/run1"
[ "$("$(cat "$work/path")/policylint")" = "policylint from the release" ] && [ ! -e "$work/cargo-calls" ] \
  && ok "a release downloads the binary, no build" || bad "release: $(cat "$work/log")"
install build "$work/run1"
grep -q "restored from the cache" "$work/log" && [ ! -e "$work/cargo-calls" ] \
  && ok "a cached binary is used, no build" || bad "cache: $(cat "$work/log")"
install build "$work/run2"
grep -q "^install --locked --path $repo --root $work/run2/policylint$" "$work/cargo-calls" 2> /dev/null \
  && ok "another ref builds the checkout with cargo install --locked" || bad "build: $(cat "$work/log")"
rm -f "$work/cargo-calls"
echo "0000  policylint-$tag-$target.tar.gz" > "$work/releases/$tag/policylint-$tag-$target.tar.gz.sha256"
install release "$work/run3"
grep -q "::warning::no release binary" "$work/log" && grep -q "^install --locked" "$work/cargo-calls" 2> /dev/null \
  && [ ! -e "$work/run3/policylint/bin/policylint" ] \
  && ok "a bad checksum is not installed: built instead, with a warning" || bad "bad sum: $(cat "$work/log")"

# The release workflow builds every target the action downloads.
for t in $(sed -n 's/.*) target=\([a-z0-9_-]*\) ;;$/\1/p' "$repo/scripts/action/build.sh"); do
  grep -q "target: $t$" "$repo/.github/workflows/release.yml" && ok "release.yml builds $t" || bad "release.yml lacks $t"
done

echo "install: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
