#!/usr/bin/env python3
"""Run the steps of action.yml on this machine the way a GitHub runner does.

usage: run_locally.py --workspace DIR --runner-temp DIR [--input NAME=VALUE ...]

GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_PATH and GITHUB_ENV point at
files in the --runner-temp folder (RUNNER_TEMP; the caller removes it), whose
paths are printed as JSON on the last line of
standard output, with the exit code of each step. Expressions are allowed
only in `env:` values (`${{ inputs.NAME }}`, `${{ github.action_path }}`,
`${{ steps.ID.outputs.NAME }}`, and `github.action_ref` and
`github.action_repository`, empty here as for a local action); a `run:`
script that contains one is refused, since interpolating inputs into a
script is an injection hole. A `uses:` step (the build cache) cannot run
here and is skipped, with a note.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXPR = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workspace", required=True)
    ap.add_argument("--runner-temp", required=True)
    ap.add_argument("--input", action="append", default=[])
    args = ap.parse_args()
    with open(os.path.join(ROOT, "action.yml"), encoding="utf-8") as f:
        action = yaml.safe_load(f)
    inputs = {k: str(v.get("default", "")) for k, v in action.get("inputs", {}).items()}
    for item in args.input:
        name, _, value = item.partition("=")
        if name not in inputs:
            print(f"unknown input {name!r}", file=sys.stderr)
            return 2
        inputs[name] = value.replace("\\n", "\n")

    tmp = tempfile.mkdtemp(prefix="action-", dir=args.runner_temp)
    files = {k: os.path.join(tmp, k.lower()) for k in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_PATH", "GITHUB_ENV")}
    for path in files.values():
        open(path, "w").close()

    outputs: dict[str, dict[str, str]] = {}

    def evaluate(expr: str) -> str:
        if expr.startswith("inputs."):
            return inputs[expr[len("inputs."):]]
        if expr == "github.action_path":
            return ROOT
        if expr in ("github.action_ref", "github.action_repository"):
            return ""
        m = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr)
        if m:
            return outputs.get(m.group(1), {}).get(m.group(2), "")
        raise SystemExit(f"expression not supported here: {expr}")

    codes = []
    for step in action["runs"]["steps"]:
        if "uses" in step:
            print(f"skipped {step.get('name')!r}: uses {step['uses']}, not run locally", file=sys.stderr)
            continue
        run = step["run"]
        # What this step writes to GITHUB_OUTPUT are its outputs.
        start = os.path.getsize(files["GITHUB_OUTPUT"])
        if "${{" in run:
            raise SystemExit(f"step {step.get('name')!r} interpolates an expression into its script")
        env = dict(os.environ)
        env.update(files)
        env.update({"GITHUB_WORKSPACE": args.workspace, "GITHUB_ACTION_PATH": ROOT, "RUNNER_TEMP": tmp})
        with open(files["GITHUB_PATH"], encoding="utf-8") as f:
            extra = [line.strip() for line in f if line.strip()]
        env["PATH"] = os.pathsep.join(extra[::-1] + [env.get("PATH", "")])
        for k, v in (step.get("env") or {}).items():
            env[k] = EXPR.sub(lambda m: evaluate(m.group(1)), str(v))
        proc = subprocess.run(["bash", "-e", "-c", run], cwd=args.workspace, env=env)
        with open(files["GITHUB_OUTPUT"], encoding="utf-8") as f:
            f.seek(start)
            written = dict(line.rstrip("\n").partition("=")[::2] for line in f if "=" in line)
        outputs[step.get("id", "")] = written
        codes.append({"step": step.get("name"), "code": proc.returncode})
        if proc.returncode != 0:
            break
    print(json.dumps({"files": files, "steps": codes}))
    return codes[-1]["code"] if codes else 0


if __name__ == "__main__":
    sys.exit(main())
