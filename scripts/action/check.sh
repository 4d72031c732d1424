#!/usr/bin/env bash
# Step 2 of the GitHub Action: run `policylint check` three ways: SARIF to a
# file, a Markdown table to the job summary, and the log in the chosen
# format (github: workflow commands that annotate the pull request). Inputs
# come in environment variables and are only ever used quoted.
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

policylint check "${common[@]}" --format sarif --output "$INPUT_SARIF_FILE" --fail-level never -- "${paths[@]}"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  policylint check "${common[@]}" --format markdown --fail-level never -- "${paths[@]}" >> "$GITHUB_STEP_SUMMARY"
fi
printf 'sarif-file=%s\n' "$INPUT_SARIF_FILE" >> "$GITHUB_OUTPUT"
policylint check "${common[@]}" --format "$INPUT_FORMAT" --fail-level "$INPUT_FAIL_LEVEL" -- "${paths[@]}"
