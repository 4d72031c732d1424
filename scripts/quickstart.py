#!/usr/bin/env python3
"""Print a quick-start block of the README.

usage: quickstart.py NAME   (local, pre-commit, github or sets)

The block is the fenced code block right after `<!-- quickstart:NAME -->`.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

NAMES = ("local", "pre-commit", "github", "sets")
if len(sys.argv) != 2 or sys.argv[1] not in NAMES:
    print("usage: quickstart.py NAME   (local, pre-commit, github or sets)", file=sys.stderr)
    sys.exit(2)
with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
    readme = f.read()
m = re.search(r"<!-- quickstart:" + re.escape(sys.argv[1]) + r" -->\s*```[a-z]*\n(.*?)```", readme, re.S)
if not m:
    sys.exit(f"no quick start {sys.argv[1]!r} in README.md")
sys.stdout.write(m.group(1))
