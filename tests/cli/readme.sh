#!/bin/sh
# README.md is produced by the code: its Commands block is `vardsim
# --help`'s synopsis, and the worked example's commands, run, give every
# line of the centres.csv and metrics.csv excerpts it shows and the
# shares its text quotes.
. "$(dirname "$0")/common.inc"
R="$ROOT/README.md"

# The Commands block, line for line.
"$VARDSIM" --help | awk 'NR > 1 && /^$/ { exit } NR > 1 { print substr($0, 3) }' >"$TMP/synopsis"
awk '/^## Commands/ { c = 1; next } c && /^```$/ { if (in_block) exit; in_block = 1; next } in_block { print }' "$R" >"$TMP/readme-synopsis"
cmp -s "$TMP/synopsis" "$TMP/readme-synopsis" && ok || { bad "README's Commands block is not vardsim --help's synopsis"; diff "$TMP/readme-synopsis" "$TMP/synopsis" | head; }

# The worked example's commands, as the README shows them.
cfg=scenarios/vasterbotten-2023.cfg
grep -qxF "./build/vardsim check $cfg" "$R" && ok || bad "README: the check command changed"
grep -qxF "./build/vardsim run $cfg -o out/vb" "$R" && ok || bad "README: the run command changed"
(cd "$ROOT" && "$VARDSIM" check "$cfg") >/dev/null 2>&1 && ok || bad "check $cfg"
(cd "$ROOT" && "$VARDSIM" run "$cfg" -o "$TMP/vb" --quiet) >/dev/null 2>&1 && ok || bad "run $cfg"

# excerpt NAME: the lines of the code block after "`out/vb/NAME.csv` has".
excerpt() {
    awk -v h="\`out/vb/$1.csv\` has" 'index($0, h) == 1 { f = 1; next }
        f && /^```$/ { if (b) exit; b = 1; next } b { print }' "$R"
}
for t in centres metrics; do
    excerpt "$t" >"$TMP/$t.excerpt"
    [ "$(wc -l <"$TMP/$t.excerpt")" -ge 5 ] && ok || bad "README: no $t.csv excerpt found"
    while IFS= read -r line; do
        if grep -qxF -- "$line" "$TMP/vb/$t.csv"; then ok; else
            bad "README's $t.csv line is not what the run gives: $line"
            key=$(echo "$line" | cut -d, -f1-2)
            grep "^$key," "$TMP/vb/$t.csv" | sed 's/^/    the run: /'
        fi
    done <"$TMP/$t.excerpt"
done

# The shares the text quotes: ci_need worse than the baseline in more than
# 99 % of draws for both proposals; cni_excess better in about 73 %.
m="$TMP/vb/metrics.csv"
for v in cni_topup au_grant; do
    awk -F, -v v="$v" '$1 == v && $2 == "ci_need" { exit !($11 < 0.01) }' "$m" && ok || bad "README: $v ci_need p_better is not below 1 %"
done
grep -q 'better than the baseline in about 73 % of draws' "$R" && ok || bad "README: the 73 % sentence changed"
# against the declared need both proposals misplace less than the baseline
for v in cni_topup au_grant; do
    awk -F, -v v="$v" '$1 == v && $2 == "dissimilarity" { exit !($11 > 0.99 && $3 < 0.00175) }' "$m" && ok ||
        bad "README: $v dissimilarity is not 0.17 % and better in more than 99 % of draws"
done
awk -F, '$1 == "status_2022" && $2 == "dissimilarity" { exit !($3 > 0.00175 && $3 < 0.00185) }' "$m" && ok ||
    bad "README: the baseline's dissimilarity is not 0.18 %"
awk -F, '$1 == "cni_excess" && $2 == "ci_need" { exit !(int($11 * 100 + 0.5) == 73) }' "$m" && ok || bad "README: cni_excess ci_need p_better is not about 73 %"

# From your own centre list: the commands as shown, the excerpt of the
# imported scenario, the note, and the report.
for c in "./build/vardsim import docs/examples/vardcentraler.xlsx --pot 980000000 -o region.cfg" \
         "./build/vardsim run region.cfg --xlsx --report" \
         "./build/vardsim report out/region --pdf"; do
    grep -qxF "$c" "$R" && ok || bad "README: the command changed: $c"
done
mkdir "$TMP/own"
cp -r "$ROOT/docs" "$TMP/own/docs"
(cd "$TMP/own" && "$VARDSIM" import docs/examples/vardcentraler.xlsx --pot 980000000 -o region.cfg) 2>"$TMP/err" && ok || bad "README: import failed: $(cat "$TMP/err")"
grep -qF "note: column 'Kommentar' is not numeric (row 2: 'Umeå'): skipped" "$TMP/err" && ok || bad "README: the import's note changed: $(cat "$TMP/err")"
# the shipped workbook holds the shipped CSV: the same scenario from
# either (but for the comment naming the file), and from a workbook made
# anew from the CSV by libxlsxwriter (tests/xlsx_gen.c fromcsv)
(cd "$TMP/own" && "$VARDSIM" import docs/examples/vardcentraler.csv --pot 980000000 -o fromcsv.cfg) 2>/dev/null && ok || bad "README: import of the CSV failed"
sed 1d "$TMP/own/fromcsv.cfg" >"$TMP/own/fromcsv.cfg.body"
GEN="$ROOT/${BUILD:-build}/tests/xlsx_gen"
if [ -x "$GEN" ]; then
    mkdir "$TMP/own/anew"
    "$GEN" fromcsv "$TMP/own/anew/vardcentraler.xlsx" "$ROOT/docs/examples/vardcentraler.csv" && ok || bad "xlsx_gen fromcsv"
    (cd "$TMP/own" && "$VARDSIM" import anew/vardcentraler.xlsx --pot 980000000 -o anew.cfg) 2>/dev/null && ok || bad "README: import of a new workbook failed"
    sed 1d "$TMP/own/anew.cfg" | cmp -s - "$TMP/own/fromcsv.cfg.body" && ok ||
        bad "docs/examples: a workbook made from vardcentraler.csv imports differently from the CSV"
else
    bad "readme: $GEN missing (make $BUILD/tests/xlsx_gen)"
fi
sed 1d "$TMP/own/region.cfg" | cmp -s - "$TMP/own/fromcsv.cfg.body" && ok ||
    bad "docs/examples/vardcentraler.xlsx does not hold vardcentraler.csv (remake it: xlsx_gen fromcsv)"
awk '/^## From your own centre list/ { f = 1 } f && /^```/ { n++; if (n == 3) { b = 1; next } if (n == 4) exit } b { print }' "$R" >"$TMP/own.excerpt"
[ -s "$TMP/own.excerpt" ] && ok || bad "README: no region.cfg excerpt"
while IFS= read -r line; do
    grep -qxF -- "$line" "$TMP/own/region.cfg" && ok || bad "README's region.cfg line is not what import gives: $line"
done <"$TMP/own.excerpt"
(cd "$TMP/own" && "$VARDSIM" run region.cfg --xlsx --report --quiet) >/dev/null 2>&1 && ok || bad "README: run region.cfg --xlsx --report failed"
[ -s "$TMP/own/out/region/report.html" ] && ok || bad "README: no out/region/report.html"
[ -s "$TMP/own/out/region/results.xlsx" ] && ok || bad "README: no out/region/results.xlsx"
if command -v chromium >/dev/null 2>&1; then
    (cd "$TMP/own" && "$VARDSIM" report out/region --pdf --quiet) >/dev/null 2>&1 && ok || bad "README: report out/region --pdf failed"
    [ -s "$TMP/own/out/region/report.pdf" ] && ok || bad "README: no out/region/report.pdf"
else
    echo "readme: SKIP report --pdf (no chromium)"
fi

echo "readme: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
