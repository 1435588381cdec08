#!/bin/sh
# vardsim import: centre lists from CSV (both dialects, BOM, CRLF, quoted
# fields) and from workbooks written by libxlsxwriter (shared and inline
# strings, numbers, an empty cell, a second sheet) become scenarios that
# check and run; bad input names the row and column, exits 2 and leaves
# nothing behind.  Needs BUILD (for build/tests/xlsx_gen) and python3 for
# the damaged workbook.
. "$(dirname "$0")/common.inc"
GEN="$ROOT/${BUILD:-build}/tests/xlsx_gen"
[ -x "$GEN" ] || { echo "import: $GEN missing (make $BUILD/tests/xlsx_gen)"; exit 1; }

# imports_ok FILE ARGS...: import to $TMP/s.cfg, check it, run 20 iterations
imports_ok() {
    f=$1; shift
    expect_status 0 "$VARDSIM" import "$f" "$@" -o "$TMP/s.cfg"
    expect_status 0 "$VARDSIM" check "$TMP/s.cfg"
    expect_status 0 "$VARDSIM" run "$TMP/s.cfg" -n 20 --quiet -o "$TMP/run"
}

# --- xlsx by libxlsxwriter ------------------------------------------------
"$GEN" good "$TMP/centres.xlsx" && ok || bad "xlsx_gen good"
imports_ok "$TMP/centres.xlsx" --pot 500000000
s="$TMP/s.cfg"
expect_in "$s" "sheet 'Vårdcentraler': 3 centres"
expect_in "$s" '{ id = "alidhems_halsocentral"; name = "Ålidhems hälsocentral"; listed = 9100; cni = 0.9500000000000001;'
expect_in "$s" 'listed_by_age = [ 1000, 6100, 2000 ];'
expect_in "$s" 'attrs = { barn = 1501.5; }; },'
expect_in "$s" 'age_bands = [ "0-6", "7-64", "65+" ];'
expect_in "$s" 'age_weights = [ 1.0, 1.0, 1.0 ];'
expect_in "$s" '# Replace these weights'
expect_in "$s" 'lang = "sv";'
expect_in "$s" 'pot = 500000000.0; cni_share = 0.0;'
expect_in "$s" 'seed = 1;'
expect_in "$s" 'iterations = 10000;'
# The centres of the run are those of the sheet, totals to the öre.
grep -q '^baseline,vardcentralen_skaggetorp,Vårdcentralen Skäggetorp,9200,1,' "$TMP/run/centres.csv" && ok || bad "import: centres.csv row"
# Without -o: the same text on standard output.
expect_status 0 "$VARDSIM" import "$TMP/centres.xlsx" --pot 500000000
cmp -s "$TMP/out" "$s" && ok || bad "import to stdout differs from -o"
expect_in "$TMP/err" "note: column 'Kommentar' is not numeric (row 2: 'ok'): skipped"
grep -q 'ommentar' "$s" && bad "the text column became an attribute" || ok
# The second sheet, by name; English headers, ids given.
imports_ok "$TMP/centres.xlsx" --sheet Other --pot 1000000
expect_in "$s" '{ id = "north"; name = "North"; listed = 5000; cni = 1.25; },'
expect_in "$s" 'lang = "en";'
# Inline strings (constant-memory mode) read the same.
"$GEN" inline "$TMP/inline.xlsx" && ok || bad "xlsx_gen inline"
expect_status 0 "$VARDSIM" import "$TMP/inline.xlsx" --pot 500000000
grep -v -e '^# Imported' -e 'name = "inline"' "$TMP/out" >"$TMP/a"
"$VARDSIM" import "$TMP/centres.xlsx" --pot 500000000 2>/dev/null | grep -v -e '^# Imported' -e 'name = "centres"' >"$TMP/b"
cmp -s "$TMP/a" "$TMP/b" && ok || bad "inline strings read differently"
# --centres-only: the centres block alone, no --pot needed.
expect_status 0 "$VARDSIM" import "$TMP/centres.xlsx" --centres-only
expect_in "$TMP/out" "centres = ("
grep -q -e '^variants' -e '^scenario' "$TMP/out" && bad "--centres-only wrote more" || ok

# --- bad workbooks ---------------------------------------------------------
bad_import() { # bad_import WANT_MESSAGE FILE ARGS...
    msg=$1; shift
    rm -f "$TMP/never.cfg"
    expect_status 2 "$VARDSIM" import "$@" -o "$TMP/never.cfg"
    expect_in "$TMP/err" "$msg"
    [ ! -e "$TMP/never.cfg" ] && ok || bad "a failed import wrote its output: $*"
}
"$GEN" badnum "$TMP/badnum.xlsx"
bad_import "badnum.xlsx: row 14, column 'Listade': '12 4OO' is not a number" "$TMP/badnum.xlsx" --pot 1
"$GEN" nolisted "$TMP/nolisted.xlsx"
bad_import "nolisted.xlsx: row 1: no column 'listed' (or 'listade')" "$TMP/nolisted.xlsx" --pot 1
"$GEN" emptycell "$TMP/emptycell.xlsx"
bad_import "emptycell.xlsx: row 3, column 'cni': the cell is empty" "$TMP/emptycell.xlsx" --pot 1
"$GEN" dupheader "$TMP/dupheader.xlsx"
bad_import "row 1: columns 'listed' and 'listade' mean the same" "$TMP/dupheader.xlsx" --pot 1
# A header below empty rows: messages about it name its real row.
"$GEN" lowheader "$TMP/lowheader.xlsx"
bad_import "lowheader.xlsx: row 4: no column 'cni'" "$TMP/lowheader.xlsx" --pot 1
printf '\n\nname,listed,listed\nA,1,2\n' >"$TMP/lowheader.csv"
bad_import "lowheader.csv: row 3: columns 'listed' and 'listed' mean the same" "$TMP/lowheader.csv" --pot 1
printf ',,\n,,\nname,listed,cni\nA,1,\n' >"$TMP/lowempty.csv"
bad_import "lowempty.csv: row 4, column 'cni': the cell is empty" "$TMP/lowempty.csv" --pot 1
bad_import "no sheet 'Nope'; the workbook has 'Vårdcentraler', 'Other'" "$TMP/centres.xlsx" --sheet Nope --pot 1
printf 'this is not a zip' >"$TMP/fake.xlsx"
bad_import "fake.xlsx: not an Excel workbook (.xlsx): not a zip archive" "$TMP/fake.xlsx" --pot 1
head -c 2000 "$TMP/centres.xlsx" >"$TMP/truncated.xlsx"
bad_import "truncated.xlsx: a damaged or truncated Excel workbook" "$TMP/truncated.xlsx" --pot 1
python3 - "$TMP/centres.xlsx" "$TMP/corrupt.xlsx" <<'PY'
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w") as zo:
    for item in zi.infolist():
        data = zi.read(item.filename)
        if item.filename == "xl/worksheets/sheet1.xml":
            data = data.replace(b"</sheetData>", b"<row></sheetData>")
        zo.writestr(item, data)
PY
bad_import "corrupt.xlsx: xl/worksheets/sheet1.xml, line 2: bad XML (mismatched tag)" "$TMP/corrupt.xlsx" --pot 1
bad_import "vardsim: import: --pot SEK is needed" "$TMP/centres.xlsx"
bad_import "no-such.xlsx" "$TMP/no-such.xlsx" --pot 1

# --- CSV, both dialects ------------------------------------------------------
# ',' with '.' decimals, LF, quoted fields (a comma and a quote in names),
# an id column, duplicate ids made unique.
cat >"$TMP/en.csv" <<'CSV'
id,name,listed,cni,children
north,"North, upper",12000,1.25,2100
Söder,"The ""South""",9000,0.85,1300.25
north,North again,100,1,5
CSV
imports_ok "$TMP/en.csv" --pot 250000000
expect_in "$s" '{ id = "north"; name = "North, upper"; listed = 12000; cni = 1.25;'
expect_in "$s" '{ id = "soder"; name = "The \"South\""; listed = 9000; cni = 0.85;'
expect_in "$s" 'attrs = { children = 1300.25; }; },'
expect_in "$s" '{ id = "north_2"; name = "North again"; listed = 100; cni = 1;'
expect_in "$s" 'lang = "en";'
# ';' with decimal comma, thousands with spaces and no-break spaces, BOM,
# CRLF; ids from names, duplicates _2 and _3 in row order.
printf '\357\273\277Namn;Listade;CNI;Barn\r\n' >"$TMP/sv.csv"
printf '\303\205lidhems h\303\244lsocentral;12 400;1,62;2\302\240840,5\r\n' >>"$TMP/sv.csv"
printf '"Ålidhems; hälsocentral";9\302\240800;0,91;2 100\r\n' >>"$TMP/sv.csv"
printf '\r\n' >>"$TMP/sv.csv"
printf 'ÅLIDHEMS HÄLSOCENTRAL;100;1;5\r\n' >>"$TMP/sv.csv"
imports_ok "$TMP/sv.csv" --pot 1150000000.5
expect_in "$s" '{ id = "alidhems_halsocentral"; name = "Ålidhems hälsocentral"; listed = 12400; cni = 1.62;'
expect_in "$s" 'attrs = { barn = 2840.5; }; },'
expect_in "$s" '{ id = "alidhems_halsocentral_2"; name = "Ålidhems; hälsocentral"; listed = 9800; cni = 0.91;'
expect_in "$s" '{ id = "alidhems_halsocentral_3"; name = "ÅLIDHEMS HÄLSOCENTRAL"; listed = 100;'
expect_in "$s" 'pot = 1150000000.5;'
expect_in "$s" 'lang = "sv";'
# Rows as a spreadsheet numbers them: the blank line is row 4.
printf 'namn;listade;cni\r\nA;100;1\r\n\r\nB;1OO;1\r\n' >"$TMP/rows.csv"
bad_import "rows.csv: row 4, column 'listade': '1OO' is not a number" "$TMP/rows.csv" --pot 1
# Age bands that do not add up to listed.
printf 'name,listed,cni,0-6,7+\nA,100,1,10,80\nB,50,1,10,40\n' >"$TMP/bands.csv"
bad_import "bands.csv: row 2: the age bands add up to 90, not to the 100 listed" "$TMP/bands.csv" --pot 1
# A CSV saved by Excel as "CSV" (Windows-1252), not "CSV UTF-8".
printf 'namn;listade;cni\r\nV\344sterbotten;100;1\r\n' >"$TMP/ansi.csv"
bad_import "ansi.csv: row 2: byte 0xE4 is 'ä' in Windows-1252: save the file as UTF-8" "$TMP/ansi.csv" --pot 1
printf 'name,listed,cni\nA,100,0\n' >"$TMP/cni0.csv"
bad_import "cni0.csv: row 2, column 'cni': '0' must be above 0" "$TMP/cni0.csv" --pot 1
printf 'name,listed,cni\nA,100.5,1\n' >"$TMP/half.csv"
bad_import "half.csv: row 2, column 'listed': '100.5' is not a whole number" "$TMP/half.csv" --pot 1
printf 'name,listed,cni\n' >"$TMP/header.csv"
bad_import "header.csv: no centres: only the header row" "$TMP/header.csv" --pot 1

echo "import: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
