#!/usr/bin/env python3
"""Benchmark `policylint check` against ripgrep on a generated corpus.

usage: bench.py [--files N ...] [--repeat R] [--work DIR] [--rule-scale 1,5,10] [--markdown FILE]
                [--evidence]

For each corpus size (generated, deterministically, by ../shared/bench/make_corpus.py) it runs,
in pairs (A B A B …, so that both see the same machine state):
  A: policylint check --format json -jT CORPUS       (the full built-in pack)
  B: rg --no-config -c -e P1 … -e P12 CORPUS          (the 12 phrase rules of rules.tsv)
at T = 1 thread and T = all cores (rg gets the same -j), and reports the median wall time, the
ratio policylint/ripgrep, MB/s, files/s and peak RSS (from /usr/bin/time -v).
--rule-scale runs policylint with 1×, 5×, 10× as many rules (the pack plus synthetic rules made
from phrases of the seeds) on the first corpus size.
--evidence runs A as `check --evidence` (every requirement's state and evidence in the JSON).
--heavy N runs policylint on one single-line text of N, 2N and 4N copies of a sentence that is one
finding each (a window declared closed): time must grow linearly with the findings (at most 2.2×
and 4.5× the first time), however many are over the per-file cap.
Needs: cargo, python3, ripgrep (apt install ripgrep), /usr/bin/time (apt install time).
"""
import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "bench")


def corpus(work: str, files: int) -> tuple[str, int]:
    out = os.path.join(work, f"corpus-{files}")
    if not os.path.isdir(out):
        subprocess.run([sys.executable, os.path.join(SHARED, "make_corpus.py"), "--files", str(files),
                        "--out", out, "--seed", "1"], check=True, stdout=subprocess.DEVNULL)
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out) for f in fs)
    return out, size


def timed(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS in KiB of one run."""
    proc = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = rss = None
    for line in proc.stderr.splitlines():
        line = line.strip()
        if line.startswith("Elapsed (wall clock) time"):
            t = line.rsplit(" ", 1)[1]
            parts = [float(p) for p in t.split(":")]
            wall = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
        elif line.startswith("Maximum resident set size"):
            rss = int(line.rsplit(" ", 1)[1])
    if wall is None or rss is None:
        raise SystemExit(f"could not time {cmd}: {proc.stderr[-500:]}")
    return wall, rss


def rg_patterns() -> list[str]:
    pats = []
    with open(os.path.join(SHARED, "rules.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            pats.append(line.rstrip("\n").split("\t")[2])
    return pats


def synthetic_pack(work: str, n_rules: int) -> str:
    """`n_rules` extra rules whose patterns are phrases of the seeds: the same kind of work as
    the real pack (literals in the automaton, regexes with a literal prefix)."""
    out = os.path.join(work, f"synthetic-{n_rules}")
    os.makedirs(out, exist_ok=True)
    text = ""
    seeds = os.path.join(ROOT, "fixtures", "seeds")
    for name in sorted(os.listdir(seeds)):
        if name.endswith(".txt"):
            with open(os.path.join(seeds, name), encoding="utf-8") as f:
                text += f.read()
    words = sorted(set(re.findall(r"[\u3040-\u30ff\u4e00-\u9fff]{3,6}", text)))
    rnd = random.Random(n_rules)
    lines = []
    for i in range(n_rules):
        a, b, c, d = rnd.sample(words, 4)
        lines.append(f'''rule synthetic/r{i} {{
  severity info
  message.ja "{{missing}}"
  message.en "{{missing}}"
  when mentions "{a}"
  in section of "{a}" {{
    require all {{
      e1 = "{b}"
      e2 = /{c}[^。]{{0,20}}{d}/
    }}
  }}
}}
''')
    with open(os.path.join(out, "synthetic.rules"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    return out


def median_pairs(cmd_a, cmd_b, repeat):
    a, b = [], []
    for _ in range(repeat):
        a.append(timed(cmd_a))
        if cmd_b:
            b.append(timed(cmd_b))
    ma = (statistics.median(x[0] for x in a), max(x[1] for x in a))
    mb = (statistics.median(x[0] for x in b), max(x[1] for x in b)) if b else None
    return ma, mb


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, action="append")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "policylint-bench"))
    ap.add_argument("--rule-scale", default="")
    ap.add_argument("--markdown")
    ap.add_argument("--heavy", type=int, default=25000)
    # Each requirement's state and evidence (`check --evidence`): what it costs over `check`.
    ap.add_argument("--evidence", action="store_true")
    args = ap.parse_args()
    sizes = args.files or [1000, 20000]
    os.makedirs(args.work, exist_ok=True)
    subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
    bin_ = os.path.join(target, "release", "policylint")
    cores = os.cpu_count() or 1
    pats = [x for p in rg_patterns() for x in ("-e", p)]
    rows = []
    for n in sizes:
        path, size = corpus(args.work, n)
        for t in sorted({1, cores}):
            a = [bin_, "check", "--format", "json", "--fail-level", "never", f"-j{t}", path]
            if args.evidence:
                a.append("--evidence")
            b = ["rg", "--no-config", "-c", f"-j{t}"] + pats + [path]
            (pw, prss), (rw, rrss) = median_pairs(a, b, args.repeat)
            rows.append((n, size, t, pw, prss, rw, rrss))
            print(f"{n} files {size / 1e6:.0f} MB -j{t}: policylint {pw:.2f}s {size / 1e6 / pw:.1f} MB/s "
                  f"{n / pw:.0f} files/s {prss / 1024:.0f} MiB | rg {rw:.2f}s {rrss / 1024:.0f} MiB | ratio {pw / rw:.1f}",
                  flush=True)
    scale_rows = []
    if args.rule_scale:
        path, size = corpus(args.work, sizes[0])
        base = len(subprocess.run([bin_, "rules"], capture_output=True, text=True).stdout.splitlines()) - 1
        for k in [int(x) for x in args.rule_scale.split(",")]:
            extra = base * (k - 1)
            cmd = [bin_, "check", "--format", "json", "--fail-level", "never", f"-j{cores}", path]
            if extra:
                cmd += ["--rules", synthetic_pack(args.work, extra)]
            (w, rss), _ = median_pairs(cmd, None, args.repeat)
            scale_rows.append((k, base + extra, w, rss))
            print(f"{k}x rules ({base + extra}): {w:.2f}s {rss / 1024:.0f} MiB", flush=True)
    heavy_rows = []
    if args.heavy:
        for k in (1, 2, 4):
            path = os.path.join(args.work, f"heavy-{k}.txt")
            with open(path, "w", encoding="utf-8") as f:
                f.write("個人情報の窓口は閉鎖しました。" * (args.heavy * k))
            cmd = [bin_, "check", "--format", "json", "--fail-level", "never", "-j1", path]
            (w, rss), _ = median_pairs(cmd, None, args.repeat)
            heavy_rows.append((args.heavy * k, os.path.getsize(path), w, rss))
            print(f"findings-heavy {args.heavy * k} findings, {os.path.getsize(path) / 1e6:.1f} MB on one line: "
                  f"{w:.2f}s ({w / heavy_rows[0][2]:.2f}x the first) {rss / 1024:.0f} MiB", flush=True)
    one = {(n, t): pw for n, _, t, pw, *_ in rows}
    for n in sizes:
        if (n, 1) in one and (n, cores) in one and cores > 1:
            print(f"{n} files: {cores} threads are {one[(n, 1)] / one[(n, cores)]:.2f}x faster than 1", flush=True)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(f"Machine: {machine()}\n\n")
            f.write("| files | MB | threads | policylint s | MB/s | files/s | peak RSS MiB | ripgrep s | "
                    "ripgrep RSS MiB | ratio | speedup vs 1 thread |\n")
            f.write("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
            for n, size, t, pw, prss, rw, rrss in rows:
                speed = f"{one[(n, 1)] / pw:.2f}×" if (n, 1) in one else ""
                f.write(f"| {n} | {size / 1e6:.0f} | {t} | {pw:.2f} | {size / 1e6 / pw:.1f} | {n / pw:.0f} | "
                        f"{prss / 1024:.0f} | {rw:.2f} | {rrss / 1024:.0f} | {pw / rw:.1f} | {speed} |\n")
            if scale_rows:
                base_w = scale_rows[0][2]
                f.write(f"\nRule scaling on the {sizes[0]}-file corpus, {cores} threads:\n\n")
                f.write("| rules | count | seconds | time vs 1× | peak RSS MiB |\n|---:|---:|---:|---:|---:|\n")
                for k, count, w, rss in scale_rows:
                    f.write(f"| {k}× | {count} | {w:.2f} | {w / base_w:.2f}× | {rss / 1024:.0f} |\n")
            if heavy_rows:
                f.write("\nFindings-heavy: one line of repeated findings, 1 thread:\n\n")
                f.write("| findings | MB | seconds | time vs first | peak RSS MiB |\n|---:|---:|---:|---:|---:|\n")
                for n, size, w, rss in heavy_rows:
                    f.write(f"| {n} | {size / 1e6:.1f} | {w:.2f} | {w / heavy_rows[0][2]:.2f}× | {rss / 1024:.0f} |\n")
    return 0


def machine() -> str:
    """CPU model, cores, memory, kernel, compiler and ripgrep versions."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo", encoding="utf-8") as f:
            mem = int(f.readline().split()[1]) / 1024 / 1024
    except OSError:
        mem = 0
    def version(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0]
        except (OSError, IndexError):
            return "?"
    return (f"{model}, {os.cpu_count()} cores, {mem:.0f} GiB, Linux {os.uname().release}; "
            f"{version(['rustc', '--version'])}; {version(['rg', '--version'])}")


if __name__ == "__main__":
    sys.exit(main())
