#!/usr/bin/env python3
"""Write out the examples of a documentation page and check its fragments.

usage: docs_examples.py PAGE DIR

In PAGE (Markdown), a fenced block right after `<!-- example:PATH -->` is
written to DIR/PATH; one after `<!-- example:run -->` is appended to
DIR/run.sh (the commands, run by test_docs_examples.sh); one after
`<!-- example:part-of:PATH -->` must be a part of the file written to PATH:
its lines, stripped of indentation, appear there in order. Exits with 1
naming the block that is not.
"""
import os
import re
import sys

BLOCK = re.compile(r"<!-- example:([^ ]+) -->\s*```[a-z]*\n(.*?)```", re.S)


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    page, out = sys.argv[1], sys.argv[2]
    with open(page, encoding="utf-8") as f:
        text = f.read()
    files, parts, runs = {}, [], []
    for m in BLOCK.finditer(text):
        name, body = m.group(1), m.group(2)
        line = text.count("\n", 0, m.start()) + 1
        if name == "run":
            runs.append(body)
        elif name.startswith("part-of:"):
            parts.append((line, name[len("part-of:"):], body))
        else:
            files[name] = body
    if not runs:
        print(f"{page}: no <!-- example:run --> block", file=sys.stderr)
        return 1
    for name, body in files.items():
        path = os.path.join(out, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(body)
    with open(os.path.join(out, "run.sh"), "w", encoding="utf-8") as f:
        f.write("".join(runs))
    failed = 0
    for line, name, body in parts:
        if name not in files:
            print(f"{page}:{line}: part of {name}, which no example writes", file=sys.stderr)
            failed += 1
            continue
        whole = iter(l.strip() for l in files[name].splitlines())
        # `in` on an iterator consumes it: each line must come after the last.
        missing = [l for l in (l.strip() for l in body.splitlines()) if l and l not in whole]
        if missing:
            print(f"{page}:{line}: not in {name} as written: {missing[0]!r}", file=sys.stderr)
            failed += 1
    print(f"{page}: {len(files)} files, {len(parts)} fragments checked, {len(runs)} command blocks")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
