#!/usr/bin/env bash
# Run the examples of docs/writing-rules.md as written, in a fresh temporary
# directory: the files its marked blocks write, then its commands, with
# POLICYLINT_BIN as `policylint` on PATH. (scripts/docs_examples.py says how
# blocks are marked.)
# usage: test_docs_examples.sh POLICYLINT_BIN
set -euo pipefail
if [ "$#" -ne 1 ] || [ ! -x "$1" ]; then
  echo "usage: test_docs_examples.sh POLICYLINT_BIN (an executable policylint)" >&2
  exit 2
fi
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/project"
ln -s "$bin" "$work/bin/policylint"
for page in docs/writing-rules.md; do
  echo "-- $page"
  rm -rf "$work/project" && mkdir "$work/project"
  python3 "$repo/scripts/docs_examples.py" "$repo/$page" "$work/project"
  cat "$work/project/run.sh"
  (cd "$work/project" && PATH="$work/bin:$PATH" bash -euo pipefail run.sh)
done
echo "docs examples: passed"
