#!/usr/bin/env bash
# The last step of the GitHub Action: run `policylint check` once, for three
# reports of the same findings: the log in the chosen format (github:
# workflow commands that annotate the pull request), SARIF to a file, and a
# Markdown table for the job summary. Inputs come in environment variables
# and are only ever used quoted.
set -uo pipefail
: "${INPUT_FAIL_LEVEL:?}" "${INPUT_FORMAT:?}" "${INPUT_SARIF_FILE:?}" "${GITHUB_OUTPUT:?}"

paths=()
while IFS= read -r line; do
  [ -n "${line//[[:space:]]/}" ] && paths+=("$line")
done <<< "${INPUT_PATHS:-.}"
[ "${#paths[@]}" -gt 0 ] || paths=(.)

# The output is written to $GITHUB_OUTPUT as `name=value`: a line break in the
# value would let it set other outputs.
case "$INPUT_SARIF_FILE" in
  *$'\n'* | *$'\r'*)
    echo "::error::the sarif-file input must be one line" >&2
    exit 2
    ;;
esac

common=()
if [ -n "${INPUT_CONFIG:-}" ]; then
  common+=(--config "$INPUT_CONFIG")
fi

# `sarif=` makes the input a path whatever it holds (even `=` or a leading
# word); the summary is written beside, then appended, so that whatever the
# step summary already holds stays.
outputs=(--output "sarif=$INPUT_SARIF_FILE")
summary=""
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  summary=$(mktemp "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/policylint-summary.XXXXXX")
  outputs+=(--output "markdown=$summary")
fi
policylint check "${common[@]}" --format "$INPUT_FORMAT" "${outputs[@]}" \
  --fail-level "$INPUT_FAIL_LEVEL" -- "${paths[@]}"
code=$?
if [ -n "$summary" ]; then
  cat -- "$summary" >> "$GITHUB_STEP_SUMMARY"
  rm -f -- "$summary"
fi
printf 'sarif-file=%s\n' "$INPUT_SARIF_FILE" >> "$GITHUB_OUTPUT"
exit "$code"
