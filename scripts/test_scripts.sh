#!/usr/bin/env bash
# The helper scripts, called wrongly, answer with a usage line on stderr and
# exit 2: no traceback, no unbound-variable message, no run with defaults.
# usage: test_scripts.sh   (no arguments; run with python3 and node on PATH)
set -euo pipefail
if [ "$#" -ne 0 ]; then
  echo "usage: test_scripts.sh (no arguments)" >&2
  exit 2
fi
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

# Each case: a script and the wrong arguments it is called with.
check() {
  local script=$1
  shift
  local code=0
  case "$script" in
    *.py) (cd "$work" && python3 "$repo/$script" "$@") > "$work/out" 2> "$work/err" || code=$? ;;
    *.sh) (cd "$work" && bash "$repo/$script" "$@") > "$work/out" 2> "$work/err" || code=$? ;;
    *.cjs) (cd "$work" && node "$repo/$script" "$@") > "$work/out" 2> "$work/err" || code=$? ;;
  esac
  if [ "$code" -eq 2 ] && grep -q '^usage: ' "$work/err" && ! grep -q 'Traceback\|unbound variable' "$work/err"; then
    echo "ok   $script $*"
    passed=$((passed + 1))
  else
    echo "FAIL $script $* (exit $code):"
    cat "$work/err"
    failed=$((failed + 1))
  fi
}

check scripts/quickstart.py
check scripts/test_lsp.sh
check scripts/test_lsp.sh /no/such/policylint
check scripts/quickstart.py nosuch
check scripts/validate_sarif.py
check scripts/docs_examples.py
check scripts/bench.py --no-such-option
check scripts/score_sets.py --no-such-option
check scripts/score_sets.py extra
check scripts/score_sets.py --corpus "$work/no-such-corpus"
check scripts/actionlint.cjs
check scripts/action/run_locally.py
check scripts/test_action.py
check scripts/test_action.py only-one
check scripts/test_quickstart.sh
check scripts/test_quickstart.sh "$work/no-such-binary"
check scripts/test_docs_examples.sh
check scripts/test_html_report.sh
check scripts/test_html_report.sh "$work/no-such-binary"
check scripts/test_precommit.sh extra
check scripts/test_scripts.sh extra
check scripts/test_install.sh extra
check scripts/release/check_tag.sh
check scripts/release/package.sh v0 x86_64-unknown-linux-gnu

# .ci/run in a clone with no ../shared beside it: one line, before any build.
mkdir -p "$work/clone/.ci"
cp "$repo/.ci/run" "$work/clone/.ci/run"
code=0
bash "$work/clone/.ci/run" > "$work/out" 2> "$work/err" || code=$?
if [ "$code" -eq 1 ] && [ ! -s "$work/out" ] && [ "$(wc -l < "$work/err")" -eq 1 ] \
  && grep -q '^missing: ../shared/schemas/sarif-schema-2.1.0.json ../shared/corpus/score.py (CI runs' "$work/err"; then
  echo "ok   .ci/run without ../shared"
  passed=$((passed + 1))
else
  echo "FAIL .ci/run without ../shared (exit $code):"
  cat "$work/out" "$work/err"
  failed=$((failed + 1))
fi

echo "scripts: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
