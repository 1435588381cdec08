#!/usr/bin/env python3
"""Read results.xlsx with an independent reader (zipfile + xml.etree from
Python's standard library) and check every number against the CSV files
of the same folder: centres.csv and metrics.csv (and explain, warnings,
plan) of a run, sweep.csv of a sweep, sensitivity.csv of a sensitivity
analysis.  Usage: xlsx_check.py DIR LANG (sv|en) [run|sweep|sensitivity
[TERM [PLURAL]]], TERM and PLURAL the scenario's centre_term and
centre_term_plural when it has them (the committee tables' first header
and the centres sheet's name follow them).
Prints one line per problem; exit 0 when none."""
import csv
import os
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "pr": "http://schemas.openxmlformats.org/package/2006/relationships"}
METRICS = ["gini", "ci_need", "hi", "dissimilarity", "theil",
           "high_need_share", "max_loss", "losers"]
problems = []


def bad(msg):
    problems.append(msg)


def col_index(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def read_book(path):
    z = zipfile.ZipFile(path)
    strings = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
            strings.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target") for r in rels.findall("pr:Relationship", NS)}
    sheets = {}
    frozen = {}
    for s in wb.find("m:sheets", NS).findall("m:sheet", NS):
        rid = s.get("{%s}id" % NS["r"])
        xml = ET.fromstring(z.read("xl/" + target[rid]))
        rows = []
        for row in xml.find("m:sheetData", NS).findall("m:row", NS):
            r = int(row.get("r")) - 1
            while len(rows) <= r:
                rows.append([])
            cells = rows[r]
            for c in row.findall("m:c", NS):
                i = col_index(c.get("r"))
                while len(cells) <= i:
                    cells.append(None)
                v = c.find("m:v", NS)
                if v is None:
                    continue
                cells[i] = strings[int(v.text)] if c.get("t") == "s" else float(v.text)
        sheets[s.get("name")] = rows
        pane = xml.find(".//m:pane", NS)
        frozen[s.get("name")] = pane is not None and pane.get("state") == "frozen"
    styles = z.read("xl/styles.xml").decode()
    return [s.get("name") for s in wb.find("m:sheets", NS).findall("m:sheet", NS)], sheets, frozen, styles


def cell(rows, r, c):
    return rows[r][c] if r < len(rows) and c < len(rows[r]) else None


def close(x, want, what, tol=0.0, rel=0.0):
    """want is a CSV field: '' means the cell must be empty."""
    if want == "":
        if x is not None:
            bad("%s: %r where the CSV is empty" % (what, x))
        return
    w = float(want)
    if not isinstance(x, float):
        bad("%s: %r, want the number %s" % (what, x, want))
    elif abs(x - w) > tol + rel * abs(w):
        bad("%s: %r, want %s" % (what, x, want))


def centre_terms(lang):
    """The centre term, singular and plural, as the scenario has them or
    by default (docs/scenario-format.md)."""
    sv = lang == "sv"
    term = sys.argv[4] if len(sys.argv) > 4 else ("hälsocentral" if sv else "health centre")
    plural = sys.argv[5] if len(sys.argv) > 5 else term + ("er" if sv else "s")
    return term, plural


def check_run(folder, lang):
    names, sheets, frozen, styles = read_book(folder + "/results.xlsx")
    term, plural = centre_terms(lang)
    centres = list(csv.DictReader(open(folder + "/centres.csv", encoding="utf-8")))
    metrics = list(csv.DictReader(open(folder + "/metrics.csv", encoding="utf-8")))
    variants = []
    for row in centres:
        if row["variant"] not in variants:
            variants.append(row["variant"])
    sv = lang == "sv"
    want_sheets = (["Sammanfattning" if sv else "Summary"] +
                   ["%d %s" % (k + 1, v) for k, v in enumerate(variants)] +
                   ["Mått" if sv else "Metrics", plural[:1].upper() + plural[1:],
                    "Förklaring" if sv else "Explain",
                    "Varningar" if sv else "Warnings", "Manifest"])
    SHEET_METRICS, SHEET_CENTRES, SHEET_EXPLAIN = want_sheets[-5:-2]
    # a scenario with a plan has its two tables last
    has_plan = os.path.exists(folder + "/plan.csv")
    base_sheets = list(want_sheets)
    if has_plan:
        want_sheets = want_sheets + ["Plan", "Plansammanfattning" if sv else "Plan summary"]
    if names != want_sheets:
        bad("sheets %r, want %r" % (names, want_sheets))
        return
    if has_plan:
        plan = list(csv.DictReader(open(folder + "/plan.csv", encoding="utf-8")))
        rows = sheets["Plan"]
        if len(rows) != len(plan) + 1:
            bad("plan sheet: %d rows, want %d" % (len(rows), len(plan) + 1))
        for k, c in enumerate(plan):
            r = k + 1
            close(cell(rows, r, 0), c["year"], "plan row %d year" % r)
            if cell(rows, r, 1) != c["centre"]:
                bad("plan row %d centre: %r" % (r, cell(rows, r, 1)))
            for key, i in (("point", 3), ("target", 7)):
                close(cell(rows, r, i), c[key], "plan row %d %s" % (r, key), tol=1e-9, rel=1e-15)
            for key, i in (("mean", 4), ("p05", 5), ("p95", 6)):
                close(cell(rows, r, i), c[key], "plan row %d %s" % (r, key), tol=0.005 + 1e-9, rel=1e-15)
            close(cell(rows, r, 8), c["distance"], "plan row %d distance" % r, rel=1e-9)
        summ = list(csv.DictReader(open(folder + "/plan_summary.csv", encoding="utf-8")))
        rows = sheets[want_sheets[-1]]
        for k, c in enumerate(summ):
            r = k + 1
            close(cell(rows, r, 2), c["first_year_at_target"], "plan summary row %d year" % r)
            close(cell(rows, r, 3), c["share_at_target"], "plan summary row %d share" % r, rel=1e-9)
            close(cell(rows, r, 4), c["largest_fall"], "plan summary row %d fall" % r, tol=1e-9)
    for n in names:
        if not frozen[n]:
            bad("sheet %s: header row not frozen" % n)
    for f in ("#,##0.00", "#,##0.0", "0.00%"):
        if 'formatCode="%s"' % f not in styles:
            bad("number format %s missing" % f)

    # Centres: every cell against centres.csv
    rows = sheets[SHEET_CENTRES]
    if len(rows) != len(centres) + 1:
        bad("centres sheet: %d rows, want %d" % (len(rows), len(centres) + 1))
    money_col = {"point": 5, "mean": 6, "p05": 7, "p95": 8, "per_capita": 9,
                 "fair_share": 10, "change": 11}
    for k, c in enumerate(centres):
        r = k + 1
        for i, key in enumerate(("variant", "centre", "name")):
            if cell(rows, r, i) != c[key]:
                bad("centres row %d %s: %r, want %r" % (r, key, cell(rows, r, i), c[key]))
        close(cell(rows, r, 3), c["listed"], "centres row %d listed" % r)
        close(cell(rows, r, 4), c["cni"], "centres row %d cni" % r)
        for key, i in money_col.items():
            exact = key in ("point", "fair_share", "change")
            close(cell(rows, r, i), c[key], "centres row %d %s" % (r, key),
                  tol=1e-9 if exact else 0.005 + 1e-9, rel=1e-15)
        x = cell(rows, r, 12)
        close(None if x is None else x * 100, c["change_pct"], "centres row %d change_pct" % r,
              tol=0.005 + 1e-9)
        close(cell(rows, r, 13), c["p_loss"], "centres row %d p_loss" % r, rel=1e-9)

    # Metrics: every cell against metrics.csv
    rows = sheets[SHEET_METRICS]
    cols = ["point", "mean", "sd", "p05", "p50", "p95", "mcse", "diff_mean", "p_better"]
    if len(rows) != len(metrics) + 1:
        bad("metrics sheet: %d rows, want %d" % (len(rows), len(metrics) + 1))
    for k, m in enumerate(metrics):
        r = k + 1
        if cell(rows, r, 0) != m["variant"] or cell(rows, r, 1) != m["metric"]:
            bad("metrics row %d: %r %r" % (r, cell(rows, r, 0), cell(rows, r, 1)))
        money = m["metric"] in ("total", "unallocated")
        for i, key in enumerate(cols):
            close(cell(rows, r, 2 + i), m[key], "metrics row %d %s" % (r, key),
                  tol=0.005 + 1e-9 if money else 1e-15, rel=1e-9)

    # Summary: every section-4 metric's mean, p05, p95, P(better)
    rows = sheets[base_sheets[0]]
    by = {(m["variant"], m["metric"]): m for m in metrics}
    for v, var in enumerate(variants):
        r = v + 1
        if cell(rows, r, 0) != var:
            bad("summary row %d: %r, want %s" % (r, cell(rows, r, 0), var))
        for j, met in enumerate(METRICS):
            m = by[(var, met)]
            for q, key in enumerate(("mean", "p05", "p95", "p_better")):
                close(cell(rows, r, 2 + 4 * j + q), m[key],
                      "summary %s %s %s" % (var, met, key), tol=1e-15, rel=1e-9)

    # The summary's headers in the metrics chart's words (metrics.gp's
    # t_mK, line breaks as spaces), not ids
    if os.path.exists(folder + "/metrics.gp"):
        gp = open(folder + "/metrics.gp", encoding="utf-8").read()
        for j in range(len(METRICS)):
            m = re.search(r"^t_m%d = (.*)$" % j, gp, re.M)
            words = " ".join(re.findall(r"'([^']*)'", m.group(1))) if m else "?"
            # the chart may show a tiny metric in units of a power of ten
            # ("(× 10⁻⁵)"); the workbook keeps the computed values
            words = re.sub(r" \(× 10⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+\)$", "", words)
            for q, sub in enumerate(("medel", "p05", "p95", "P(bättre)") if sv else
                                    ("mean", "p05", "p95", "P(better)")):
                want = "%s, %s" % (words, sub)
                if cell(rows, 0, 2 + 4 * j + q) != want:
                    bad("summary header %d: %r, want %r" % (2 + 4 * j + q,
                        cell(rows, 0, 2 + 4 * j + q), want))
    # Every variant warnings.txt names carries the warning mark in the
    # summary's last column and in its committee table's header row
    warned = re.findall(r"^warning: variant '([^']+)'",
                        open(folder + "/warnings.txt", encoding="utf-8").read(), re.M)
    mark = "⚠ Varning: " if sv else "⚠ Warning: "
    wcol = 2 + 4 * len(METRICS)
    if cell(rows, 0, wcol) != ("varning" if sv else "warning"):
        bad("summary: no warning column (%r)" % cell(rows, 0, wcol))
    for v, var in enumerate(variants):
        got = cell(rows, v + 1, wcol)
        head = cell(sheets[base_sheets[1 + v]], 0, 9)
        if var in warned:
            if not (isinstance(got, str) and got.startswith(mark)):
                bad("summary %s: warning %r, want the mark" % (var, got))
            if not (isinstance(head, str) and head.startswith(mark)):
                bad("committee %s: header %r, want the mark" % (var, head))
        elif var == variants[0] and (got is not None or head is not None):
            bad("baseline %s marked: %r %r" % (var, got, head))
    # the warnings that name no variant, where their numbers are: the
    # plan's in the Plan sheet's header row, --precision's under the summary
    lines = open(folder + "/warnings.txt", encoding="utf-8").read().split("\n")
    if any(l.startswith("warning: plan:") for l in lines):
        head = cell(sheets.get("Plan", []), 0, 9)
        if not (isinstance(head, str) and head.startswith(mark + ("planens" if sv else "the plan's"))):
            bad("plan sheet: header %r, want the plan's warning mark" % head)
    if any(l.startswith("warning: --precision") for l in lines):
        below = [cell(rows, r, 0) for r in range(len(variants) + 1, len(rows))]
        if not any(isinstance(x, str) and x.startswith(mark) for x in below):
            bad("summary: no --precision warning under the table (%r)" % below)

    # Committee tables: tkr and kr against centres.csv, totals to the öre
    base = [c for c in centres if c["variant"] == variants[0]]
    base_var = [c["variant"] for c in centres if c["change"] == ""][0]
    base = {c["centre"]: c for c in centres if c["variant"] == base_var}
    for v, var in enumerate(variants):
        rows = sheets[base_sheets[1 + v]]
        mine = [c for c in centres if c["variant"] == var]
        if len(rows) != len(mine) + 2:
            bad("committee %s: %d rows, want %d" % (var, len(rows), len(mine) + 2))
            continue
        sum_b = sum_v = 0
        for k, c in enumerate(mine):
            r = k + 1
            b = base[c["centre"]]
            if cell(rows, r, 0) != c["name"]:
                bad("committee %s row %d: %r" % (var, r, cell(rows, r, 0)))
            close(cell(rows, r, 1), c["listed"], "committee %s row %d listed" % (var, r))
            close(cell(rows, r, 2), c["cni"], "committee %s row %d cni" % (var, r))
            for i, kr in ((3, b["point"]), (4, c["point"]),
                          (5, "%.2f" % (float(c["point"]) - float(b["point"])))):
                x = cell(rows, r, i)
                close(None if x is None else x * 1000, kr,
                      "committee %s row %d col %d (tkr)" % (var, r, i), tol=1e-6)
            x = cell(rows, r, 6)
            pct = c["change_pct"] if var != base_var else ("0" if float(b["point"]) else "")
            close(None if x is None else x * 100, pct,
                  "committee %s row %d change %%" % (var, r), tol=0.005 + 1e-9)
            close(cell(rows, r, 7), c["per_capita"], "committee %s row %d kr per listed" % (var, r),
                  tol=0.005 + 1e-9)
            close(cell(rows, r, 8), c["p_loss"], "committee %s row %d P(loss)" % (var, r), rel=1e-9)
            sum_b += round(float(b["point"]) * 100)
            sum_v += round(float(c["point"]) * 100)
        t = len(mine) + 1
        if cell(rows, t, 0) not in ("total", "totalt"):
            bad("committee %s: no total row" % var)
        tot = by[(var, "total")]["point"]
        for i, ore in ((3, sum_b), (4, sum_v), (5, sum_v - sum_b)):
            x = cell(rows, t, i)
            if not isinstance(x, float) or round(x * 1e5) != ore:
                bad("committee %s total col %d: %r, want %d öre" % (var, i, x, ore))
        if round(float(tot) * 100) != sum_v:
            bad("committee %s: centres add up to %d öre, metrics total %s" % (var, sum_v, tot))
        want_head = term
        if cell(rows, 0, 0) != want_head:
            bad("committee %s header %r, want %r" % (var, cell(rows, 0, 0), want_head))

    # Explain: every row against explain.csv
    explain = list(csv.DictReader(open(folder + "/explain.csv", encoding="utf-8")))
    rows = sheets[SHEET_EXPLAIN]
    if len(rows) != len(explain) + 1:
        bad("explain sheet: %d rows, want %d" % (len(rows), len(explain) + 1))
    for k, e in enumerate(explain):
        r = k + 1
        for i, key in enumerate(("variant", "centre", "step")):
            if cell(rows, r, i) != e[key]:
                bad("explain row %d %s: %r, want %r" % (r, key, cell(rows, r, i), e[key]))
        close(cell(rows, r, 3), e["amount"], "explain row %d amount" % r, tol=1e-9, rel=1e-15)

    # the run's manifest sheet leaves out the run's own lines
    # (centre_quantiles, need, warnings)
    check_tail(folder, sheets, base_sheets[-2], exact=False)


def check_tail(folder, sheets, warn_sheet, exact=True):
    """The warnings sheet against warnings.txt; the manifest sheet has the
    lines of manifest.txt but wall time, threads, speed and command (with
    exact=False: some of them, in their order)."""
    lines = [l for l in open(folder + "/warnings.txt", encoding="utf-8").read().split("\n") if l]
    rows = sheets[warn_sheet]
    got = [cell(rows, r, 0) for r in range(1, len(rows))]
    if got != lines:
        bad("warnings sheet %r, want %r" % (got[:3], lines[:3]))

    rows = sheets["Manifest"]
    keys = [cell(rows, r, 0) for r in range(1, len(rows))]
    for k in ("threads", "wall_seconds", "iterations_per_second", "command"):
        if k in keys:
            bad("manifest sheet holds %s" % k)
    for k in ("seed", "scenario_sha256", "iterations"):
        if k not in keys:
            bad("manifest sheet lacks %s" % k)
    dropped = ("threads:", "wall_seconds:", "iterations_per_second:", "command:")
    want = [l for l in open(folder + "/manifest.txt", encoding="utf-8").read().split("\n")
            if l and not l.startswith(dropped)]
    got = []
    for r in range(1, len(rows)):
        a, b = cell(rows, r, 0), cell(rows, r, 1)
        got.append(a if b is None else "%s: %s" % (a, b))
    it = iter(want)
    if (got != want) if exact else not all(g in it for g in got):
        bad("manifest sheet %r, want the lines of manifest.txt %r" % (got, want))


def check_common(names, frozen, styles, want_sheets):
    if names != want_sheets:
        bad("sheets %r, want %r" % (names, want_sheets))
        return False
    for n in names:
        if not frozen[n]:
            bad("sheet %s: header row not frozen" % n)
    for f in ("#,##0.00", "0.000000"):
        if 'formatCode="%s"' % f not in styles:
            bad("number format %s missing" % f)
    return True


def read_csv(path):
    """A CSV of either dialect as a list of dicts (numbers with '.')."""
    raw = open(path, encoding="utf-8-sig", newline="").read()
    semi = raw.split("\n", 1)[0].count(";") > raw.split("\n", 1)[0].count(",")
    rows = list(csv.reader(raw.splitlines(), delimiter=";" if semi else ","))
    head = rows[0]
    out = []
    for r in rows[1:]:
        if semi:
            r = [x.replace(",", ".") for x in r]
        out.append(dict(zip(head, r)))
    return head, out


def check_sweep(folder, lang):
    """sweep.csv against the sweep sheet; its means, p05, p95 and
    P(better) against the summary."""
    names, sheets, frozen, styles = read_book(folder + "/results.xlsx")
    sv = lang == "sv"
    want = ["Sammanfattning" if sv else "Summary", "Svep" if sv else "Sweep",
            "Varningar" if sv else "Warnings", "Manifest"]
    if not check_common(names, frozen, styles, want):
        return
    head, table = read_csv(folder + "/sweep.csv")
    axes = head[:head.index("variant")]
    rows = sheets[want[1]]
    if [cell(rows, 0, i) for i in range(len(head))] != head:
        bad("sweep sheet header %r, want %r" % (rows[0] if rows else None, head))
    if len(rows) != len(table) + 1:
        bad("sweep sheet: %d rows, want %d" % (len(rows), len(table) + 1))
    summary = {}
    for k, t in enumerate(table):
        r = k + 1
        for i, a in enumerate(axes):
            close(cell(rows, r, i), t[a], "sweep row %d %s" % (r, a), rel=1e-14)
        n = len(axes)
        if cell(rows, r, n) != t["variant"] or cell(rows, r, n + 1) != t["metric"]:
            bad("sweep row %d: %r %r" % (r, cell(rows, r, n), cell(rows, r, n + 1)))
        money = t["metric"] in ("total", "unallocated")
        for i, key in enumerate(head[n + 2:]):
            close(cell(rows, r, n + 2 + i), t[key], "sweep row %d %s" % (r, key),
                  tol=0.005 + 1e-9 if money else 1e-15, rel=1e-9)
        summary.setdefault(tuple(t[a] for a in axes) + (t["variant"],), {})[t["metric"]] = t
    rows = sheets[want[0]]
    if len(rows) != len(summary) + 1:
        bad("sweep summary: %d rows, want %d" % (len(rows), len(summary) + 1))
    for k, (key, by) in enumerate(summary.items()):
        r = k + 1
        n = len(axes)
        for i in range(n):
            close(cell(rows, r, i), key[i], "summary row %d %s" % (r, axes[i]), rel=1e-14)
        if cell(rows, r, n) != key[n]:
            bad("summary row %d: variant %r, want %r" % (r, cell(rows, r, n), key[n]))
        for j, met in enumerate(METRICS):
            for q, col in enumerate(("mean", "p05", "p95", "p_better")):
                close(cell(rows, r, n + 2 + 4 * j + q), by[met][col],
                      "summary row %d %s %s" % (r, met, col), tol=1e-15, rel=1e-9)
    head0 = cell(rows, 0, len(axes) + 1)
    if head0 != ("namn" if sv else "name"):
        bad("summary header %r" % head0)
    # the swept paths in the words of the sweep charts' x axis (t_x of a
    # one-way sweep's chart scripts), not the raw path
    gps = [f for f in sorted(os.listdir(folder)) if f.startswith("sweep_") and f.endswith(".gp")]
    if len(axes) == 1 and gps:
        m = re.search(r"^t_x = (.*)$", open(folder + "/" + gps[0], encoding="utf-8").read(), re.M)
        words = " ".join(re.findall(r"'([^']*)'", m.group(1))) if m else "?"
        if cell(rows, 0, 0) != words:
            bad("summary axis header %r, want the charts' %r" % (cell(rows, 0, 0), words))
    for i, a in enumerate(axes):
        if cell(rows, 0, i) == a:
            bad("summary axis header is the raw path %r" % a)
    check_tail(folder, sheets, want[2])


def check_sensitivity(folder, lang):
    """sensitivity.csv against its sheet; swing, S1 and ST of every
    section-4 metric against the summary."""
    names, sheets, frozen, styles = read_book(folder + "/results.xlsx")
    sv = lang == "sv"
    want = ["Sammanfattning" if sv else "Summary", "Känslighet" if sv else "Sensitivity",
            "Varningar" if sv else "Warnings", "Manifest"]
    if not check_common(names, frozen, styles, want):
        return
    head, table = read_csv(folder + "/sensitivity.csv")
    rows = sheets[want[1]]
    if [cell(rows, 0, i) for i in range(len(head))] != head:
        bad("sensitivity sheet header %r, want %r" % (rows[0] if rows else None, head))
    if len(rows) != len(table) + 1:
        bad("sensitivity sheet: %d rows, want %d" % (len(rows), len(table) + 1))
    by = {}
    order = []
    for k, t in enumerate(table):
        r = k + 1
        for i, key in enumerate(("variant", "metric", "input")):
            if cell(rows, r, i) != t[key]:
                bad("sensitivity row %d %s: %r, want %r" % (r, key, cell(rows, r, i), t[key]))
        money = t["metric"] in ("total", "unallocated")
        for i, key in enumerate(head[3:]):
            m = money and i < 4
            close(cell(rows, r, 3 + i), t[key], "sensitivity row %d %s" % (r, key),
                  tol=0.005 + 1e-9 if m else 1e-15, rel=1e-9)
        vi = (t["variant"], t["input"])
        if vi not in by:
            order.append(vi)
        by.setdefault(vi, {})[t["metric"]] = t
    rows = sheets[want[0]]
    if len(rows) != len(order) + 1:
        bad("sensitivity summary: %d rows, want %d" % (len(rows), len(order) + 1))
    # the inputs in the tornado's words (tornado.gp's input_name[K], K in
    # input order), not their paths
    inputs = []
    for vi in order:
        if vi[1] not in inputs:
            inputs.append(vi[1])
    names = {}
    if os.path.exists(folder + "/tornado.gp"):
        gp = open(folder + "/tornado.gp", encoding="utf-8").read()
        for k, text in re.findall(r"^input_name\[(\d+)\] = (.*)$", gp, re.M):
            names[inputs[int(k) - 1]] = " ".join(re.findall(r"'([^']*)'", text))
    for k, vi in enumerate(order):
        r = k + 1
        want_in = names.get(vi[1], "(not the path %s)" % vi[1])
        if cell(rows, r, 0) != vi[0] or cell(rows, r, 2) != want_in:
            bad("summary row %d: %r %r, want %r %r" % (r, cell(rows, r, 0), cell(rows, r, 2),
                                                      vi[0], want_in))
        for j, met in enumerate(METRICS):
            for q, col in enumerate(("swing", "s1", "st")):
                close(cell(rows, r, 3 + 3 * j + q), by[vi][met][col],
                      "summary row %d %s %s" % (r, met, col), tol=1e-15, rel=1e-9)
    if cell(rows, 0, 2) != ("indata" if sv else "input"):
        bad("summary header %r" % cell(rows, 0, 2))
    check_tail(folder, sheets, want[2])


kind = sys.argv[3] if len(sys.argv) > 3 else "run"
{"run": check_run, "sweep": check_sweep, "sensitivity": check_sensitivity}[kind](sys.argv[1], sys.argv[2])
for p in problems[:30]:
    print(p)
if len(problems) > 30:
    print("... and %d more" % (len(problems) - 30))
sys.exit(1 if problems else 0)
