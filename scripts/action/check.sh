#!/usr/bin/env bash
# The GitHub Action's check step: run `policylint check` once, for three
# reports of the same findings: the log in the chosen format (github:
# workflow commands that annotate the pull request), SARIF to a file, and a
# Markdown table for the job summary; and the HTML report with
# html-report: true (the next step uploads it). Inputs come in environment
# variables and are only ever used quoted.
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
html=""
case "${INPUT_HTML_REPORT:-false}" in
  true) html=${INPUT_HTML_FILE:-policylint-report.html} ;;
  false | "") ;;
  *)
    echo "::error::the html-report input is true or false" >&2
    exit 2
    ;;
esac
case "$html" in
  *$'\n'* | *$'\r'*)
    echo "::error::the html-file input must be one line" >&2
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
if [ -n "$html" ]; then
  # A report in a folder of its own needs no step before this one.
  mkdir -p -- "$(dirname -- "$html")"
  outputs+=(--output "html=$html")
fi
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
# Only a report that was written is named (the upload step skips otherwise).
if [ -n "$html" ] && [ -f "$html" ]; then
  printf 'html-file=%s\n' "$html" >> "$GITHUB_OUTPUT"
fi
exit "$code"
