#!/usr/bin/env python3
"""svg_fit.py FILE.svg...: every text gnuplot wrote lies within its image,
as the PNG of the same script draws it.

Each <text> sits in a <g transform="translate(X,Y)"> with a font size and
an anchor (start, middle, end).  Its width is the sum of DejaVu Sans'
advance widths of its characters (read from the font file gnuplot uses,
hmtx and cmap tables), times PNG_SCALE: pngcairo draws text 4/3 larger
than svg and pdfcairo at the same point size (cairo sets fonts at 96 dpi
there), so a PNG is the tightest of the three formats and a text that
fits here fits in all of them.  A name that left the PNG ("Bolidens
hälsocentral (" cut at the right edge) still fitted the SVG by 18 pt.
Rotated texts are checked along their rotated extent.  Prints each text
that leaves the image and exits 1 when any does."""
import os
import re
import struct
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"
PNG_SCALE = 96.0 / 72.0
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FALLBACK_EM = 0.62  # per character, when the font file is missing


def load_advances(path):
    """{code point: advance in em} from a TrueType font's cmap (format 4,
    Windows Unicode BMP) and hmtx tables."""
    data = open(path, "rb").read()
    tables = {}
    for i in range(struct.unpack(">H", data[4:6])[0]):
        tag, _, off, ln = struct.unpack(">4sIII", data[12 + 16 * i:28 + 16 * i])
        tables[tag.decode("latin-1")] = off
    upem = struct.unpack(">H", data[tables["head"] + 18:tables["head"] + 20])[0]
    nhm = struct.unpack(">H", data[tables["hhea"] + 34:tables["hhea"] + 36])[0]
    ho = tables["hmtx"]
    adv = [struct.unpack(">H", data[ho + 4 * i:ho + 4 * i + 2])[0] for i in range(nhm)]
    co = tables["cmap"]
    out = {}
    for i in range(struct.unpack(">H", data[co + 2:co + 4])[0]):
        pid, eid, off = struct.unpack(">HHI", data[co + 4 + 8 * i:co + 12 + 8 * i])
        so = co + off
        if struct.unpack(">H", data[so:so + 2])[0] != 4 or (pid, eid) != (3, 1):
            continue
        segx2 = struct.unpack(">H", data[so + 6:so + 8])[0]
        seg = segx2 // 2
        ends = struct.unpack(">%dH" % seg, data[so + 14:so + 14 + segx2])
        starts = struct.unpack(">%dH" % seg, data[so + 16 + segx2:so + 16 + 2 * segx2])
        deltas = struct.unpack(">%dh" % seg, data[so + 16 + 2 * segx2:so + 16 + 3 * segx2])
        rpos = so + 16 + 3 * segx2
        ros = struct.unpack(">%dH" % seg, data[rpos:rpos + segx2])
        for s in range(seg):
            for ch in range(starts[s], min(ends[s], 0xFFFE) + 1):
                if ros[s] == 0:
                    g = (ch + deltas[s]) & 0xFFFF
                else:
                    gp = rpos + 2 * s + ros[s] + 2 * (ch - starts[s])
                    g = struct.unpack(">H", data[gp:gp + 2])[0]
                    g = (g + deltas[s]) & 0xFFFF if g else 0
                out[ch] = adv[min(g, nhm - 1)] / upem
        break
    return out


ADV = load_advances(FONT) if os.path.exists(FONT) else {}


def width_em(text):
    return sum(ADV.get(ord(ch), FALLBACK_EM) for ch in text)


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
            width = width_em(text) * size * PNG_SCALE
            lo = {"start": 0, "middle": -width / 2, "end": -width}[anchor]
            hi = lo + width
            if rot in (-90.0, 270.0):  # runs upwards from y
                ok = y - hi >= -0.5 and y - lo <= h + 0.5 and 0 <= x <= w
            else:
                ok = x + lo >= -0.5 and x + hi <= w + 0.5 and 0 <= y <= h
            if not ok:
                bad.append("%s: text leaves the %gx%g image at (%g, %g), %.0f pt wide: %s"
                           % (path, w, h, x, y, width, text))
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
