#!/usr/bin/env python3
"""Agreement of policylint with the corpus's document-set labels.

The corpus (../shared/corpus) labels some policies spread over several pages
as one document: tables keyed "set:NN_slug" in labels*.toml, whose members
are the files docs/NN_slug__*. This script writes a temporary configuration
declaring each set (`[[sets]]`, inference off), runs `policylint check
--format json` once over every member, maps each set's findings (over all its
members) to label items exactly as the corpus's score.py does (imported from
it, not copied), and prints the agreement per item and overall. For
comparison it does the same with the members checked one by one (no set):
a defect is then predicted when any page has the finding.

usage: score_sets.py [--bin PATH] [--corpus DIR] [--verbose]
"""
import argparse
import glob
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import tomllib
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
USAGE = "usage: score_sets.py [--bin PATH] [--corpus DIR] [--verbose]"

# The main page of a set goes first (its settings apply to the set).
MAIN_PARTS = ("privacy-policy", "policy", "privacy")


class Parser(argparse.ArgumentParser):
    def error(self, message):
        print(USAGE, file=sys.stderr)
        print(f"score_sets.py: {message}", file=sys.stderr)
        sys.exit(2)


def load_score(corpus):
    path = os.path.join(corpus, "score.py")
    spec = importlib.util.spec_from_file_location("corpus_score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def set_labels(corpus):
    """The set tables, overlaid like score.py overlays documents."""
    labels = {}
    for path in sorted(glob.glob(os.path.join(corpus, "labels*.toml"))):
        with open(path, "rb") as f:
            labels.update(tomllib.load(f))
    for path in sorted(glob.glob(os.path.join(corpus, "v2", "*.toml"))):
        with open(path, "rb") as f:
            for name, extra in tomllib.load(f).items():
                labels.setdefault(name, {}).update(extra)
    sets = {k[len("set:"):]: v for k, v in labels.items() if k.startswith("set:")}
    for lab in sets.values():
        # As score.py's load_labels does for a document.
        tba = lab.get("tba_applies", "unknown")
        lab["_tba_scored"] = bool(lab.get("mentions_tracking", False)) and tba is not False
    return sets


def members(corpus, prefix):
    files = sorted(glob.glob(os.path.join(corpus, "docs", prefix + "__*")))
    part = lambda f: os.path.basename(f).split("__", 1)[1].rsplit(".", 1)[0]
    return sorted(files, key=lambda f: (part(f) not in MAIN_PARTS, f))


def toml_str(s):
    return json.dumps(s, ensure_ascii=False)


def run(binary, config, files):
    p = subprocess.run([binary, "check", "--config", config, "--format", "json", *files],
                       capture_output=True, text=True)
    if p.returncode not in (0, 1):
        print(p.stderr[-2000:], file=sys.stderr)
        print(f"policylint check exited {p.returncode}", file=sys.stderr)
        sys.exit(1)
    return json.loads(p.stdout)


def found_by_set(out, owner):
    """{set: {rule: set(missing)}} over each set's members, as score.py maps."""
    found = defaultdict(dict)
    for d in out.get("diagnostics", []):
        if d.get("severity") == "info" or d.get("suppressed"):
            continue
        name = owner.get(os.path.basename(d["path"]))
        if name is not None:
            found[name].setdefault(d["rule"], set()).update(d.get("missing") or [])
    return found


def report(title, conf):
    print(title)
    print(f"  {'item':36} agree/n   tp fp fn tn")
    tot = [0, 0, 0, 0]
    for item, c in conf.items():
        n = sum(c)
        if n == 0:
            continue
        tot = [a + b for a, b in zip(tot, c)]
        print(f"  {item:36} {c[0] + c[3]:3}/{n:<3}  {c[0]:3}{c[1]:3}{c[2]:3}{c[3]:3}")
    tp, fp, fn, tn = tot
    n = sum(tot)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    print(f"  overall agreement {tp + tn}/{n} = {(tp + tn) / n if n else 0:.3f}; "
          f"defects: precision {prec:.3f} recall {rec:.3f} F1 {f1:.3f}")


def main():
    ap = Parser(usage=USAGE[len("usage: "):])
    ap.add_argument("--bin", default=os.environ.get("POLICYLINT", "target/release/policylint"))
    ap.add_argument("--corpus", default=os.path.join(HERE, "..", "..", "shared", "corpus"))
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    if not os.path.isfile(os.path.join(a.corpus, "score.py")):
        ap.error(f"no score.py in the corpus folder {a.corpus}")
    if not os.access(a.bin, os.X_OK):
        ap.error(f"not an executable: {a.bin}")

    score = load_score(a.corpus)
    labels = set_labels(a.corpus)
    sets = {name: members(a.corpus, name) for name in labels}
    sets = {k: v for k, v in sets.items() if v}
    labels = {k: v for k, v in labels.items() if k in sets}
    owner = {os.path.basename(f): name for name, fs in sets.items() for f in fs}
    files = [f for fs in sets.values() for f in fs]

    with tempfile.TemporaryDirectory() as tmp:
        with_sets = os.path.join(tmp, "sets.toml")
        with open(with_sets, "w", encoding="utf-8") as f:
            f.write("infer-sets = false\n")
            for name, fs in sets.items():
                paths = ", ".join(toml_str(os.path.abspath(p)) for p in fs)
                f.write(f"\n[[sets]]\nname = {toml_str(name)}\npaths = [{paths}]\n")
        alone = os.path.join(tmp, "alone.toml")
        with open(alone, "w", encoding="utf-8") as f:
            f.write("infer-sets = false\n")
        as_sets = found_by_set(run(a.bin, with_sets, files), owner)
        one_by_one = found_by_set(run(a.bin, alone, files), owner)

    print(f"{len(sets)} document sets, {len(files)} pages: "
          + ", ".join(f"{k} ({len(v)})" for k, v in sets.items()))
    if a.verbose:
        print("disagreements, each set evaluated as one:")
    conf = score.score(score.ITEMS, labels, as_sets, a.verbose)
    if a.verbose:
        print("disagreements, pages checked one by one:")
    conf_alone = score.score(score.ITEMS, labels, one_by_one, a.verbose)
    report("each set evaluated as one document:", conf)
    report("the same pages checked one by one (a defect when any page has it):", conf_alone)


if __name__ == "__main__":
    main()
