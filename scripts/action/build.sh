#!/usr/bin/env bash
# Step 1 of the GitHub Action: build policylint from the action's checkout
# with cargo (no download from outside the package registries), and put it
# on PATH for the next steps. POLICYLINT_BIN, when set, names a binary that
# was already built (local runs of the action's steps use it).
set -euo pipefail
: "${ACTION_PATH:?}" "${GITHUB_PATH:?}"
if [ -n "${POLICYLINT_BIN:-}" ]; then
  dirname -- "$POLICYLINT_BIN" >> "$GITHUB_PATH"
  exit 0
fi
root="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/policylint"
cargo install --locked --path "$ACTION_PATH" --root "$root"
printf '%s\n' "$root/bin" >> "$GITHUB_PATH"
