#!/usr/bin/env bash
# The HTML compliance report, loaded in headless Chromium: the report of the
# seeds and fixtures/report is rendered (a screenshot is taken) and its DOM,
# after the page's own script ran, is checked: one matrix row per document,
# the statuses the JSON report of the same run implies, and the <script>
# written in a document did not run (the title and the body are untouched).
# usage: test_html_report.sh POLICYLINT_BINARY [OUT_DIR]
#   OUT_DIR keeps report.html, dom.html and screenshot.png (default: a
#   temporary directory, removed). Needs chromium (/usr/bin/chromium or on
#   PATH) and python3; .ci/run installs chromium.
set -euo pipefail
if [ "$#" -lt 1 ] || [ "$#" -gt 2 ] || [ ! -x "$1" ]; then
  echo "usage: test_html_report.sh POLICYLINT_BINARY [OUT_DIR]" >&2
  exit 2
fi
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
repo=$(cd "$(dirname "$0")/.." && pwd)
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  echo "test_html_report.sh: chromium is not installed (apt-get install -y chromium)" >&2
  exit 1
fi
if [ "$#" -eq 2 ]; then
  out=$2
  mkdir -p "$out"
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
else
  out=$(mktemp -d)
  scratch=$out
  trap 'rm -rf "$out"' EXIT
fi

cd "$repo"
"$bin" check fixtures/seeds fixtures/report --format json --fail-level never \
  --output "html=$out/report.html" > "$out/report.json"

# A fresh profile, nothing fetched, nothing kept.
browse() {
  rm -rf "$scratch/profile"
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$scratch/profile" "$@" 2> "$scratch/chromium.log"
}
browse --window-size=1280,1600 --screenshot="$out/screenshot.png" "file://$out/report.html" > /dev/null
browse --dump-dom "file://$out/report.html" > "$out/dom.html"
# A matrix cell's link opens the collapsed section it points into.
browse --dump-dom "file://$out/report.html#d2-operator" > "$scratch/linked.html"

python3 - "$out/report.json" "$out/dom.html" "$out/screenshot.png" "$scratch/linked.html" <<'PY'
import json, re, sys
from html.parser import HTMLParser

report = json.load(open(sys.argv[1], encoding="utf-8"))
dom = open(sys.argv[2], encoding="utf-8").read()
png = open(sys.argv[3], "rb").read()
failed = []

def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failed.append(what)

class Page(HTMLParser):
    """The rows and cells of the matrix, the title, and what the injected
    script would have added."""
    def __init__(self):
        super().__init__()
        self.rows, self.title, self.in_title, self.ids = [], "", False, set()
        self.scripts = 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "tr" and "data-doc" in a:
            self.rows.append((a["data-doc"], {}))
        if tag == "td" and "data-group" in a and self.rows:
            self.rows[-1][1][a["data-group"]] = a.get("data-status")
        if tag == "title":
            self.in_title = True
        if tag == "script":
            self.scripts += 1
    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
    def handle_data(self, data):
        if self.in_title:
            self.title += data

page = Page()
page.feed(dom)
files = [f["path"] for f in report["files"]]
check(png.startswith(b"\x89PNG") and len(png) > 10000, "a screenshot was taken (%d bytes)" % len(png))
check([r[0] for r in page.rows] == files, "one matrix row per document, in order (%d)" % len(files))
active = {}
for d in report["diagnostics"]:
    if d["suppressed"] is None and not d["rule"].startswith("policylint/"):
        active.setdefault(d["path"], set()).add(d["rule"])
# A document with no active finding has no cell that needs attention; one
# with findings has at least one.
for path, cells in page.rows:
    pressing = {g for g, s in cells.items() if s in ("missing", "referenced", "flagged", "advice")}
    check(bool(pressing) == bool(active.get(path)), "%s: cells needing attention iff findings (%s)" % (path, ", ".join(sorted(pressing)) or "none"))
cells = dict(page.rows).get("fixtures/report/injected.txt", {})
check(cells.get("purposes") == "satisfied", "injected.txt: purposes met")
check(cells.get("operator") == "missing", "injected.txt: operator missing")
check(page.title == "policylint 適合レポート", "the title is the report's (%r): the document's <script> did not run" % page.title)
check("pwned" not in page.ids, "no element added by the document's <script>")
check("&lt;script&gt;document.title='PWNED'" in dom, "the document's <script> is shown as text")
check(page.scripts == 1, "one script in the page: its own")
opened = re.findall(r'<details class="doc" id="(d\d+)" open', open(sys.argv[4], encoding="utf-8").read())
check(opened == ["d2"], "the link #d2-operator opened that document's section, and no other (%s)" % opened)
check(not re.search(r'<details class="doc" id="d\d+" open', dom), "the sections are collapsed when nothing is linked")
if failed:
    sys.exit(1)
PY
echo "html report: $(wc -c < "$out/report.html") bytes; DOM checks passed"
