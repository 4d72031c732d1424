#!/usr/bin/env python3
"""Test the GitHub Action by running its steps locally (scripts/action/run_locally.py).

usage: test_action.py POLICYLINT_BIN SARIF_SCHEMA

Checks the annotations, the job summary table, the SARIF file (against the
schema), the step output, that policylint runs once for all of them, the
HTML report (html-report: true) and its upload step, and that inputs and
file names holding $(…), ; and backticks execute nothing.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def counting(binary: str, tmp: str) -> tuple[str, str]:
    """A `policylint` that notes each call in a file, then runs BINARY."""
    calls = os.path.join(tmp, "calls")
    wrapper = os.path.join(tmp, "bin", "policylint")
    os.makedirs(os.path.dirname(wrapper))
    with open(wrapper, "w", encoding="utf-8") as f:
        f.write(f'#!/bin/sh\necho call >> "{calls}"\nexec "{binary}" "$@"\n')
    os.chmod(wrapper, 0o755)
    return wrapper, calls


def run_action(workspace: str, binary: str, inputs: dict) -> tuple[int, str, dict]:
    runner_temp = os.path.join(os.path.dirname(workspace), "runner")
    os.makedirs(runner_temp, exist_ok=True)
    cmd = [sys.executable, os.path.join(ROOT, "scripts/action/run_locally.py"), "--workspace", workspace,
           "--runner-temp", runner_temp]
    for k, v in inputs.items():
        cmd += ["--input", f"{k}={v}"]
    env = dict(os.environ, POLICYLINT_BIN=binary, NO_COLOR="1")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    last = proc.stdout.strip().splitlines()[-1]
    return proc.returncode, proc.stdout, json.loads(last)


def main() -> int:
    if len(sys.argv) != 3:
        print("usage: test_action.py POLICYLINT_BIN SARIF_SCHEMA", file=sys.stderr)
        return 2
    # Imported here so that a wrong call gets the usage line even without it.
    import jsonschema

    binary = os.path.abspath(sys.argv[1])
    with open(sys.argv[2], encoding="utf-8") as f:
        schema = json.load(f)
    # Everything the test writes is under one folder, removed at the end.
    root = tempfile.mkdtemp(prefix="test-action-")
    try:
        return run_all(binary, schema, jsonschema, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def run_all(binary: str, schema: dict, jsonschema, root: str) -> int:
    failures = []

    def check(cond: bool, what: str) -> None:
        print(("ok   " if cond else "FAIL ") + what)
        if not cond:
            failures.append(what)

    ws = os.path.join(root, "workspace")
    os.makedirs(ws)
    os.makedirs(os.path.join(ws, "docs"))
    shutil.copy(os.path.join(ROOT, "fixtures/compliant/privacy-policy.md"), os.path.join(ws, "docs/good.md"))
    with open(os.path.join(ws, "docs/bad.md"), "w", encoding="utf-8") as f:
        f.write("# プライバシーポリシー\n\n当社は個人情報を適切に取り扱います。\n")
    evil_name = "docs/p$(touch PWNED_FILE);`touch PWNED_TICK`.md"
    shutil.copy(os.path.join(ws, "docs/bad.md"), os.path.join(ws, evil_name))

    wrapper, calls = counting(binary, os.path.join(root, "calls"))
    code, out, info = run_action(ws, wrapper, {
        "paths": "docs\\n$(touch PWNED_INPUT)\\n; touch PWNED_SEMI\\n`touch PWNED_BACKTICK`",
        "sarif-file": "out`touch PWNED_SARIF`$(touch PWNED_SARIF2).sarif",
        "fail-level": "error",
    })
    # The strange inputs name paths that do not exist: not read, so the step
    # fails with the input-error code whatever the findings.
    check(code == 3, f"the step fails: paths that do not exist are input errors (exit {code})")
    with open(calls, encoding="utf-8") as f:
        n = len(f.read().splitlines())
    check(n == 1, f"one run of policylint gives the annotations, the summary and the SARIF ({n} runs)")
    check("::error file=docs/bad.md,line=1,col=3" in out, "annotations on docs/bad.md")
    check("file=docs/p$(touch PWNED_FILE);`touch PWNED_TICK`.md" in out, "the strange file name is checked, as a name")
    check("title=appi/complaint-contact::" in out, "the complaint-contact finding is annotated")
    check("docs/good.md" not in out.split("::error")[0] and "file=docs/good.md" not in out, "no finding on the compliant policy")
    with open(info["files"]["GITHUB_STEP_SUMMARY"], encoding="utf-8") as f:
        summary = f.read()
    check("| docs/bad.md | 1 | error | `appi/complaint-contact` |" in summary, "summary table row")
    with open(info["files"]["GITHUB_OUTPUT"], encoding="utf-8") as f:
        output = f.read()
    sarif_name = "out`touch PWNED_SARIF`$(touch PWNED_SARIF2).sarif"
    check(f"sarif-file={sarif_name}" in output, "the sarif-file output")
    sarif_path = os.path.join(ws, sarif_name)
    check(os.path.exists(sarif_path), "the SARIF file is written under its literal name")
    if os.path.exists(sarif_path):
        with open(sarif_path, encoding="utf-8") as f:
            log = json.load(f)
        errors = list(jsonschema.validators.validator_for(schema)(schema).iter_errors(log))
        check(not errors, "the SARIF validates against the schema" + (f": {errors[0].message}" if errors else ""))
    pwned = [n for n in os.listdir(ws) + os.listdir(os.getcwd()) if n.startswith("PWNED")]
    check(not pwned, f"nothing was executed from inputs or file names ({pwned})")

    code, out, _ = run_action(ws, binary, {"paths": "docs", "fail-level": "error"})
    check(code == 1, f"the step fails on the bad policy (exit {code})")

    code, out, _ = run_action(ws, binary, {"paths": "docs/good.md"})
    check(code == 0, f"the step passes on the compliant policy (exit {code})")

    # The HTML report: written by the same single run, named in the step's
    # output; the upload step (a `uses:` step, not run here) is configured
    # to take that file, also after a failing check.
    code, out, info = run_action(ws, wrapper, {"paths": "docs", "html-report": "true", "html-file": "reports/policy report.html"})
    with open(calls, encoding="utf-8") as f:
        n = len(f.read().splitlines())
    check(code == 1 and n == 2, f"with html-report, still one run, failing on the bad policy (exit {code}, {n - 1} more runs)")
    html_path = os.path.join(ws, "reports/policy report.html")
    html = open(html_path, encoding="utf-8").read() if os.path.exists(html_path) else ""
    check(html.startswith("<!DOCTYPE html>") and '<tr data-doc="docs/bad.md">' in html, "the HTML report is written, with a row for docs/bad.md")
    with open(info["files"]["GITHUB_OUTPUT"], encoding="utf-8") as f:
        output = f.read()
    check("html-file=reports/policy report.html\n" in output, "the html-file output")
    with open(os.path.join(ROOT, "action.yml"), encoding="utf-8") as f:
        import yaml
        action = yaml.safe_load(f)
    upload = [s for s in action["runs"]["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    check(len(upload) == 1 and upload[0]["with"]["path"] == "${{ steps.check.outputs.html-file }}"
          and "always()" in upload[0]["if"] and "inputs.html-report == 'true'" in upload[0]["if"],
          "the upload step takes the report, also when the check failed")
    check(action["outputs"]["html-file"]["value"] == "${{ steps.check.outputs.html-file }}", "the action's html-file output")
    code, out, info = run_action(ws, binary, {"paths": "docs/good.md"})
    with open(info["files"]["GITHUB_OUTPUT"], encoding="utf-8") as f:
        output = f.read()
    check(code == 0 and "html-file=" not in output and not os.path.exists(os.path.join(ws, "policylint-report.html")),
          "without html-report, no HTML report")
    code, out, info = run_action(ws, binary, {"paths": "docs/good.md", "html-report": "yes"})
    check(code == 2, f"an html-report that is not true or false is refused (exit {code})")

    # A line break in sarif-file would write a second output line.
    code, out, info = run_action(ws, binary, {"paths": "docs/good.md", "sarif-file": "a.sarif\\nforged=1"})
    with open(info["files"]["GITHUB_OUTPUT"], encoding="utf-8") as f:
        output = f.read()
    check(code != 0 and "forged" not in output, f"a sarif-file with a line break is refused (exit {code})")

    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
