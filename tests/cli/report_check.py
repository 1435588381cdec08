#!/usr/bin/env python3
"""Check a report's DOM (as headless Chromium dumped it) against the run's
centres.csv, independently of vardsim's own code.

usage: report_check.py DOM.html CENTRES.csv LANG
Prints one line per problem and exits 1 if there is any."""
import csv
import re
import sys
from html.parser import HTMLParser

# One number format per language (the charts', docs/outputs.md): Swedish
# "−1 234,5", English "−1,234.5"; thousands grouped from four digits on,
# a minus sign (U+2212), never a hyphen.
NUMBER = {"sv": r"[−+]?\d{1,3}(?: \d{3})*(?:,\d+)?",
          "en": r"[−+]?\d{1,3}(?:,\d{3})*(?:\.\d+)?"}
WORDS = {"sv": ("ingen skillnad",), "en": ("no difference",)}


def number_cell_ok(text, lang):
    """A numeric table cell: empty, a number (with ' %'), an interval
    'a – b' (with ' %'), or the words for no difference."""
    t = " ".join(text.split())
    n = NUMBER.get(lang, NUMBER["en"])
    return (t == "" or t in WORDS.get(lang, ()) or
            re.fullmatch(r"(?:%s)(?: – (?:%s))?(?: %%)?" % (n, n), t) is not None)


class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.lang = None
        self.tables = []   # each: {"caption": str, "rows": [[(tag, attrs, text)]]}
        self.cell = None
        self.caption = None
        self.svgs = []     # attrs of each <svg>
        self.imgs = []
        self.title = ""
        self.in_title = False
        self.external = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "title" and not self.svgs:
            self.in_title = True
        elif tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "caption":
            self.caption = ""
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th") and self.tables:
            self.cell = [tag, a, ""]
        elif tag == "svg":
            self.svgs.append(a)
        elif tag == "img":
            self.imgs.append(a)
        for k in ("src", "href"):
            v = a.get(k, "")
            if v and not v.startswith("#") and tag not in ("use",):
                self.external.append((tag, k, v))

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1]["rows"][-1].append(tuple(self.cell))
            self.cell = None
        elif tag == "caption" and self.caption is not None:
            self.tables[-1]["caption"] = self.caption.strip()
            self.caption = None
        elif tag == "title":
            self.in_title = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[2] += data
        if self.caption is not None:
            self.caption += data
        if self.in_title:
            self.title += data


def main():
    dom_path, centres_path, lang = sys.argv[1:4]
    dom = Dom()
    with open(dom_path, encoding="utf-8") as f:
        dom.feed(f.read())
    problems = []
    if dom.lang != lang:
        problems.append(f"html lang is {dom.lang!r}, want {lang!r}")
    if not dom.title.strip():
        problems.append("no document title")
    if dom.external:
        problems.append(f"external resources: {dom.external[:3]}")
    if not dom.svgs:
        problems.append("no inline chart")
    for s in dom.svgs:
        if s.get("role") != "img" or not s.get("aria-label", "").strip():
            problems.append(f"chart without role=img and alt text: {s}")

    # Exact point allocations per variant and centre name, in öre.
    with open(centres_path, encoding="utf-8-sig", newline="") as f:
        text = f.read()
    sep = ";" if ";" in text.splitlines()[0] else ","
    rows = list(csv.DictReader(text.splitlines(), delimiter=sep))

    def ore(s):
        s = s.replace(",", ".")
        neg = s.startswith("-")
        whole, _, frac = s.lstrip("-").partition(".")
        v = int(whole) * 100 + int((frac + "00")[:2])
        return -v if neg else v

    totals, names = {}, {}
    for r in rows:
        totals[r["variant"]] = totals.get(r["variant"], 0) + ore(r["point"])
        names.setdefault(r["variant"], []).append(r["name"])

    committee = [t for t in dom.tables
                 if t["rows"] and any("tkr" in c[2] or "kSEK" in c[2] for c in t["rows"][0])
                 and len(t["rows"][0]) == 9]
    if not committee:
        problems.append("no committee table")
    baseline_total = None
    for t in committee:
        head = t["rows"][0]
        if any(c[0] != "th" or c[1].get("scope") != "col" for c in head):
            problems.append(f"table {t['caption']!r}: header cells are not th scope=col")
        body, total = t["rows"][1:-1], t["rows"][-1]
        if any(r[0][0] != "th" or r[0][1].get("scope") != "row" for r in body):
            problems.append(f"table {t['caption']!r}: rows have no th scope=row")
        # columns: name, listed, cni, baseline, variant, change, pct, kr/listed, p_loss
        col_sum = [sum(int(r[k][1]["data-ore"]) for r in body) for k in (3, 4, 5)]
        col_tot = [int(total[k][1]["data-ore"]) for k in (3, 4, 5)]
        if col_sum != col_tot:
            problems.append(f"table {t['caption']!r}: rows add to {col_sum}, total row says {col_tot}")
        if col_tot[2] != col_tot[1] - col_tot[0]:
            problems.append(f"table {t['caption']!r}: change total is not variant minus baseline")
        match = [v for v, tot in totals.items() if tot == col_tot[1]]
        if not match:
            problems.append(f"table {t['caption']!r}: variant total {col_tot[1]} matches no variant of centres.csv")
        if baseline_total is None:
            baseline_total = col_tot[0]
        elif baseline_total != col_tot[0]:
            problems.append("baseline totals differ between tables")
        body_names = [r[0][2].strip() for r in body]
        if match and body_names != names[match[0]]:
            problems.append(f"table {t['caption']!r}: centre names differ from centres.csv")
    if baseline_total is not None and baseline_total not in totals.values():
        problems.append(f"baseline total {baseline_total} matches no variant")
    # Every numeric cell in the language's number format.
    bad_cells = [(t["caption"], c[2].strip()) for t in dom.tables for row in t["rows"]
                 for c in row if c[0] == "td" and "num" in (c[1].get("class") or "").split()
                 and not number_cell_ok(c[2], lang)]
    for cap, text in bad_cells[:5]:
        problems.append(f"table {cap!r}: {text!r} is not a number as {lang!r} writes it")
    if len(bad_cells) > 5:
        problems.append(f"... and {len(bad_cells) - 5} more cells")
    n_variants = len(totals)
    if committee and len(committee) != n_variants - 1:
        problems.append(f"{len(committee)} committee tables for {n_variants} variants (want one per non-baseline variant)")
    for p in problems:
        print(p)
    print(f"report_check: {len(committee)} committee tables, {len(dom.svgs)} charts, "
          f"{len(dom.tables)} tables, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
