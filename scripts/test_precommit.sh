#!/usr/bin/env bash
# Test the pre-commit hook for real: install pre-commit from PyPI into a
# temporary virtual environment, make a git repository with a compliant and
# a non-compliant policy and a .pre-commit-config.yaml pointing at this
# repository at HEAD, and run `pre-commit run --all-files`: it must fail on
# the bad policy with the finding in its output, and pass once it is fixed,
# with a bad policy left in a folder the configuration excludes. Then the
# diff hook: it must fail on a staged version that drops the contact window,
# note a new file, and pass once the window is back.
# pre-commit builds the hook with cargo (language: rust). HEAD must hold the
# code under test (commit first).
# usage: test_precommit.sh   (no arguments; pre-commit comes from PyPI)
set -euo pipefail
if [ "$#" -ne 0 ]; then
  echo "usage: test_precommit.sh (no arguments)" >&2
  exit 2
fi
repo=$(cd "$(dirname "$0")/.." && pwd)
rev=$(git -C "$repo" rev-parse HEAD)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check pre-commit
# Outputs live outside the project, so that they are never committed and
# checked as policies themselves.
export PRE_COMMIT_HOME="${PRE_COMMIT_HOME:-$work/cache}"

mkdir "$work/project"
cd "$work/project"
git init -q
git config user.email test@example.com
git config user.name test
cp "$repo/fixtures/compliant/privacy-policy.md" good.md
printf '# プライバシーポリシー\n\n当社は個人情報を適切に取り扱います。\n' > bad.md
# The README's snippet, as written, pointed at this repository at HEAD.
python3 "$repo/scripts/quickstart.py" pre-commit \
  | sed -e "s|^\(\s*- repo: \).*|\1$repo|" -e "s|^\(\s*rev: \).*|\1$rev|" > .pre-commit-config.yaml
cat .pre-commit-config.yaml
grep -q "repo: $repo" .pre-commit-config.yaml
git add -A
git commit -qm "policies"

passed=0
failed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }

set +e
"$work/venv/bin/pre-commit" run --all-files > "$work/out.txt" 2>&1
code=$?
set -e
cat "$work/out.txt"
[ "$code" -ne 0 ] && ok "the hook fails on the bad policy" || bad "the hook passed on the bad policy"
grep -q "appi/complaint-contact" "$work/out.txt" && ok "the finding is in the output" || bad "no finding in the output"
grep -q "bad.md" "$work/out.txt" && ok "the output names bad.md" || bad "bad.md is not named"

cp good.md bad.md
# A policy the configuration excludes is skipped even when pre-commit names
# it: it must not fail the hook.
mkdir legacy
printf '# 旧プライバシーポリシー\n\n当社は個人情報を適切に取り扱います。\n' > legacy/old.md
printf 'exclude = ["legacy/**"]\n' > policylint.toml
git add -A
git commit -qm "fix the policy; keep the old one, excluded"
set +e
"$work/venv/bin/pre-commit" run --all-files --verbose > "$work/out2.txt" 2>&1
code=$?
set -e
cat "$work/out2.txt"
[ "$code" -eq 0 ] && ok "the hook passes once the policy is fixed (the excluded one is not checked)" || bad "the hook still fails after the fix"
grep -q "legacy/old.md.*exclude" "$work/out2.txt" && ok "a note says the excluded file was not checked" || bad "no note for the excluded file"

# The diff hook: a staged version that drops the contact window fails it;
# a new file has nothing to compare (a note) and passes.
python3 - <<'PY'
import re
text = open("bad.md", encoding="utf-8").read()
# Drop the contact section (the last one) and what points to it.
text = re.split(r"\n## [0-9]+\. お問い合わせ窓口", text)[0] + "\n"
open("bad.md", "w", encoding="utf-8").write(text)
PY
printf '# お知らせ\n\n当社は個人情報を適切に取り扱います。\n' > new.md
git add -A
set +e
"$work/venv/bin/pre-commit" run policylint-diff --all-files > "$work/out3.txt" 2>&1
code=$?
set -e
cat "$work/out3.txt"
[ "$code" -ne 0 ] && ok "the diff hook fails on a dropped contact window" || bad "the diff hook passed a dropped contact window"
grep -q "appi/complaint-contact" "$work/out3.txt" && ok "the drop is in the output" || bad "no drop in the output"
grep -q "new.md is new in this commit" "$work/out3.txt" && ok "the new file is skipped with a note" || bad "no note for the new file"
git checkout -q HEAD -- bad.md
set +e
"$work/venv/bin/pre-commit" run policylint-diff --all-files > "$work/out4.txt" 2>&1
code=$?
set -e
cat "$work/out4.txt"
[ "$code" -eq 0 ] && ok "the diff hook passes once the window is back" || bad "the diff hook still fails"

echo "pre-commit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
