#!/usr/bin/env bash
# `policylint lsp` through a real LSP client: headless Neovim's built-in one
# (scripts/lsp/nvim_test.lua) opens a policy with a known defect and a rule
# file with a syntax error, sees each diagnostic on the right range, edits
# the text, and sees it go away.
# usage: test_lsp.sh PATH_TO_POLICYLINT   (nvim on PATH)
set -euo pipefail
if [ "$#" -ne 1 ] || [ ! -x "$1" ]; then
  echo "usage: test_lsp.sh PATH_TO_POLICYLINT (an executable; nvim on PATH)" >&2
  exit 2
fi
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
repo=$(cd "$(dirname "$0")/.." && pwd)
command -v nvim > /dev/null || { echo "test_lsp.sh: nvim is not installed" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/demo.rules" <<'RULES'
rule demo/contact {
  title "窓口"
  severity error
  require contact = "窓口" as "窓口"
  message "{missing}がありません"
}
RULES
printf 'builtin = false\npacks = ["demo.rules"]\n' > "$work/policylint.toml"
printf '# 𠮷田のポリシー\n\n𠮷田は情報を扱います。\n' > "$work/policy.md"
printf 'rule x/y {\n  title "t"\n  severity oops\n}\n' > "$work/broken.rules"
# The README's Neovim snippet, as written, with this build on PATH.
awk '/<!-- lsp:neovim -->/ {on = 1; next} on && /^```lua/ {next} on && /^```/ {exit} on {print}' \
  "$repo/README.md" > "$work/snippet.lua"
grep -q 'policylint' "$work/snippet.lua" || { echo "test_lsp.sh: no Neovim snippet in README.md" >&2; exit 1; }
mkdir -p "$work/bin"
ln -s "$bin" "$work/bin/policylint"
export PATH="$work/bin:$PATH"
# Neovim's own files (shada, logs) stay in the scratch folder.
export HOME="$work/home" XDG_STATE_HOME="$work/state" XDG_DATA_HOME="$work/data"
mkdir -p "$HOME"
code=0
(cd "$work" && SNIPPET="$work/snippet.lua" PROJECT="$work" timeout 120 \
  nvim --headless -u NONE -i NONE -c "luafile $repo/scripts/lsp/nvim_test.lua") \
  > "$work/out" 2>&1 || code=$?
cat "$work/out"
if [ "$code" -ne 0 ] || ! grep -q '^nvim: passed' "$work/out"; then
  echo "lsp: 0 passed, 1 failed"
  exit 1
fi
echo "lsp: 1 passed, 0 failed"
