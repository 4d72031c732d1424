#!/usr/bin/env bash
# Step 3 of the GitHub Action (after the cache of step 2): put policylint on
# PATH for the next steps: the binary the cache restored; else, when step 1
# chose the release, the release's binary (its SHA-256 checked); else (or
# when the download fails) built from the action's checkout with cargo.
# POLICYLINT_BIN, when set, names a binary that was already built (local
# runs of the action's steps use it).
set -euo pipefail
: "${ACTION_PATH:?}" "${GITHUB_PATH:?}"
if [ -n "${POLICYLINT_BIN:-}" ]; then
  dirname -- "$POLICYLINT_BIN" >> "$GITHUB_PATH"
  exit 0
fi
root="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/policylint"
exe=policylint
[ "${RUNNER_OS:-}" = Windows ] && exe=policylint.exe

# The release archive for this runner, as .github/workflows/release.yml names
# it; other runners (Linux on ARM) build from source.
target=
case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  Linux/X64) target=x86_64-unknown-linux-gnu ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
esac

download() {
  [ -n "$target" ] || return 1
  local name="policylint-$POLICYLINT_TAG-$target"
  # POLICYLINT_RELEASES (tests: a file:// folder) stands in for GitHub's.
  local base="${POLICYLINT_RELEASES:-https://github.com/$ACTION_REPOSITORY/releases/download}"
  local url="$base/$POLICYLINT_TAG/$name.tar.gz"
  local tmp
  tmp=$(mktemp -d)
  # Relative names only: GNU tar on Windows reads C:\… as a remote host.
  (
    cd "$tmp"
    curl -fsSL --retry 3 -o "$name.tar.gz" "$url" \
      && curl -fsSL --retry 3 -o "$name.tar.gz.sha256" "$url.sha256" \
      && if command -v sha256sum > /dev/null; then sha256sum -c "$name.tar.gz.sha256"; else shasum -a 256 -c "$name.tar.gz.sha256"; fi \
      && tar -xzf "$name.tar.gz"
  ) || {
    rm -rf "$tmp"
    return 1
  }
  mkdir -p "$root/bin"
  mv "$tmp/$name/$exe" "$root/bin/$exe"
  rm -rf "$tmp"
  echo "policylint $POLICYLINT_TAG: the release binary for $target"
}

if [ -x "$root/bin/$exe" ]; then
  echo "policylint: restored from the cache"
elif [ "${POLICYLINT_SOURCE:-build}" = release ] && download; then
  :
else
  if [ "${POLICYLINT_SOURCE:-build}" = release ]; then
    echo "::warning::no release binary of policylint ${POLICYLINT_TAG:-} for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}; building from source"
  fi
  cargo install --locked --path "$ACTION_PATH" --root "$root"
fi
printf '%s\n' "$root/bin" >> "$GITHUB_PATH"
