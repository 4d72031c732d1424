#!/usr/bin/env bash
# Run the README's local and GitHub quick starts as written, in a fresh
# temporary directory. (The pre-commit one is run by test_precommit.sh.)
# usage: test_quickstart.sh POLICYLINT_BIN
set -euo pipefail
if [ "$#" -ne 1 ] || [ ! -x "$1" ]; then
  echo "usage: test_quickstart.sh POLICYLINT_BIN (an executable policylint)" >&2
  exit 2
fi
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/project/docs"
ln -s "$bin" "$work/bin/policylint"
cp "$repo/fixtures/compliant/privacy-policy.md" "$work/project/docs/privacy.md"
passed=0

echo "-- local"
python3 "$repo/scripts/quickstart.py" local > "$work/local.sh"
cat "$work/local.sh"
(cd "$work/project" && PATH="$work/bin:$PATH" bash -euo pipefail "$work/local.sh")
[ -f "$work/project/policylint.toml" ]
passed=$((passed + 1))

echo "-- github: the workflow's policylint step, through the action's own steps"
python3 - "$repo/scripts/quickstart.py" "$work/inputs.txt" <<'PY'
import subprocess, sys, yaml
text = subprocess.run([sys.executable, sys.argv[1], "github"], capture_output=True, text=True, check=True).stdout
steps = yaml.safe_load(text)["steps"]
step = next(s for s in steps if "policylint" in s.get("uses", "") and "codeql" not in s["uses"])
with open(sys.argv[2], "w") as f:
    for k, v in step.get("with", {}).items():
        f.write(f"--input\n{k}={v}\n")
PY
mapfile -t inputs < "$work/inputs.txt"
(cd "$work/project" && POLICYLINT_BIN="$work/bin/policylint" python3 "$repo/scripts/action/run_locally.py" --workspace "$work/project" --runner-temp "$work" "${inputs[@]}")
[ -f "$work/project/policylint.sarif" ]
passed=$((passed + 1))

echo "-- sets: a policy that leaves its address to the company profile, declared as one set"
mkdir -p "$work/sets/docs"
cp "$repo/fixtures/sets/full/policy.md" "$work/sets/docs/privacy.md"
cp "$repo/fixtures/sets/full/company.md" "$work/sets/docs/company.md"
python3 "$repo/scripts/quickstart.py" sets > "$work/sets.sh"
cat "$work/sets.sh"
# Page by page the policy's reference is a warning: the set is what passes.
if (cd "$work/sets" && "$work/bin/policylint" check docs --fail-level warning > /dev/null 2>&1); then
  echo "the pages pass one by one: the sets quick start shows nothing" >&2
  exit 1
fi
(cd "$work/sets" && PATH="$work/bin:$PATH" bash -euo pipefail "$work/sets.sh")
passed=$((passed + 1))

echo "quick starts: $passed passed, 0 failed"
