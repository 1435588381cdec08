#!/usr/bin/env python3
"""svg_fit.py FILE.svg...: every text gnuplot wrote lies within its image.

Each <text> sits in a <g transform="translate(X,Y)"> with a font size and
an anchor (start, middle, end).  Its width is estimated from its
characters at 0.6 em (DejaVu Sans' average advance for mixed text, on
the small side, so a text reported outside is outside).  Rotated texts
are checked along their rotated extent.  Prints each text that leaves the
image and exits 1 when any does."""
import re
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"
EM = 0.6


def check(path):
    tree = ET.parse(path)
    root = tree.getroot()
    w = float(root.get("width"))
    h = float(root.get("height"))
    bad = []
    for g in root.iter(NS + "g"):
        tr = g.get("transform") or ""
        m = re.match(r"translate\(([-\d.]+),([-\d.]+)\)(?: rotate\(([-\d.]+)\))?", tr)
        if not m:
            continue
        x, y = float(m.group(1)), float(m.group(2))
        rot = float(m.group(3) or 0)
        size = float(g.get("font-size") or 8)
        anchor = g.get("text-anchor") or "start"
        for t in g.findall(NS + "text"):
            text = "".join(t.itertext())
            if not text.strip():
                continue
            width = EM * size * len(text)
            lo = {"start": 0, "middle": -width / 2, "end": -width}[anchor]
            hi = lo + width
            if rot in (-90.0, 270.0):  # runs upwards from y
                ok = y - hi >= -0.5 and y - lo <= h + 0.5 and 0 <= x <= w
            else:
                ok = x + lo >= -0.5 and x + hi <= w + 0.5 and 0 <= y <= h
            if not ok:
                bad.append("%s: text leaves the %gx%g image at (%g, %g): %s"
                           % (path, w, h, x, y, text))
    return bad


def main():
    bad = []
    for p in sys.argv[1:]:
        bad += check(p)
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
