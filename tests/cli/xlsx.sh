#!/bin/sh
# run, sweep and sensitivity --xlsx: results.xlsx read back with an independent reader (python3's
# zipfile and xml.etree, tests/cli/xlsx_check.py), every number checked
# against centres.csv and metrics.csv (sweep.csv, sensitivity.csv);
# Swedish and English headers; the
# same bytes for any thread count and on a later run; written through the
# output set (nothing when the run fails).
# Usage: VARDSIM=/abs/path/vardsim sh tests/cli/xlsx.sh
. "$(dirname "$0")/common.inc"

CHECK="$ROOT/tests/cli/xlsx_check.py"
for cfg in "$ROOT"/scenarios/*.cfg; do
    name=$(basename "$cfg" .cfg)
    expect_status 0 "$VARDSIM" run "$cfg" -n 300 --threads 1 --xlsx -o "$TMP/$name" --quiet
    # the scenario's own centre term (ostergotland-2021: "vårdcentral")
    term=$(sed -n 's/^ *centre_term *= *"\([^"]*\)".*/\1/p' "$cfg" | head -1)
    if python3 "$CHECK" "$TMP/$name" sv run ${term:+"$term"} >"$TMP/check" 2>&1; then ok; else
        bad "$name: results.xlsx disagrees with the CSV"; sed 's/^/    /' "$TMP/check" | head -20; fi
done

# warnings where the numbers are: trial.cfg's variants that fall short
# (every kind) carry the mark in the summary and their committee sheet
expect_status 0 "$VARDSIM" run "$ROOT/tests/cli/warn/trial.cfg" -n 100 --threads 1 --xlsx -o "$TMP/trial" --quiet
grep -q "^warning: variant" "$TMP/trial/warnings.txt" && ok || bad "trial.cfg gave no warnings"
if python3 "$CHECK" "$TMP/trial" en >"$TMP/check" 2>&1; then ok; else
    bad "trial: results.xlsx"; sed 's/^/    /' "$TMP/check" | head -20; fi

cfg="$ROOT/scenarios/vasterbotten-2023.cfg"
# --precision not reached: its warning under the summary (vasterbotten-plan's
# floors, above, have theirs in the Plan sheet)
expect_status 0 "$VARDSIM" run "$cfg" -n 2000 --precision 0.000000001 --threads 1 --xlsx -o "$TMP/prec" --quiet
grep -q "^warning: --precision" "$TMP/prec/warnings.txt" && ok || bad "no --precision warning"
if python3 "$CHECK" "$TMP/prec" sv >"$TMP/check" 2>&1; then ok; else
    bad "precision: results.xlsx"; sed 's/^/    /' "$TMP/check" | head -20; fi
grep -q "^warning: plan:" "$TMP/vasterbotten-plan/warnings.txt" && ok || bad "vasterbotten-plan gave no plan warning"
# English headers for lang = "en"
sed 's/lang *= *"sv"/lang = "en"/' "$cfg" >"$TMP/english.cfg"
grep -q 'lang = "en"' "$TMP/english.cfg" && ok || bad "could not make an English scenario"
expect_status 0 "$VARDSIM" run "$TMP/english.cfg" -n 300 --threads 1 --xlsx -o "$TMP/en" --quiet
if python3 "$CHECK" "$TMP/en" en >"$TMP/check" 2>&1; then ok; else
    bad "english: results.xlsx"; sed 's/^/    /' "$TMP/check" | head -20; fi

# the same bytes: 1 and 2 threads, and a run a second later
expect_status 0 "$VARDSIM" run "$cfg" -n 300 --threads 2 --xlsx -o "$TMP/t2" --quiet
sleep 1
expect_status 0 "$VARDSIM" run "$cfg" -n 300 --threads 1 --xlsx -o "$TMP/t1" --quiet
cmp -s "$TMP/vasterbotten-2023/results.xlsx" "$TMP/t2/results.xlsx" && ok || bad "threads change results.xlsx"
cmp -s "$TMP/vasterbotten-2023/results.xlsx" "$TMP/t1/results.xlsx" && ok || bad "a later run changes results.xlsx"
# the checker can fail: one changed öre in centres.csv is found
cp -r "$TMP/t1" "$TMP/changed"
awk -F, 'NR == 2 { $6 = sprintf("%.2f", $6 + 0.01) } { print }' OFS=, "$TMP/t1/centres.csv" >"$TMP/changed/centres.csv"
python3 "$CHECK" "$TMP/changed" sv >/dev/null 2>&1 && bad "the checker missed a changed öre" || ok

# no --xlsx, no workbook; a failed run leaves no workbook and no temporary
expect_status 0 "$VARDSIM" run "$cfg" -n 0 --threads 1 -o "$TMP/plain" --quiet
[ -e "$TMP/plain/results.xlsx" ] && bad "results.xlsx without --xlsx" || ok
# past a file-size limit that the CSV files fit under: libxlsxwriter's
# own temporary sheet is cut short without an error from it; the cut is
# found, the run fails and the earlier result stays whole
expect_status 0 "$VARDSIM" run "$cfg" -n 0 --threads 1 -o "$TMP/small" --quiet
( cd "$TMP/small" && ls -A | sort | xargs md5sum ) >"$TMP/small.sums"
( ulimit -f 120; exec "$VARDSIM" run "$cfg" -n 0 --threads 1 --xlsx -o "$TMP/small" --quiet ) >/dev/null 2>"$TMP/err"
st=$?
[ $st -eq 1 ] && ok || bad "file-size limit with --xlsx: exit $st (want 1)"
expect_in "$TMP/err" "cannot write results.xlsx: a sheet was cut short"
( cd "$TMP/small" && ls -A | sort | xargs md5sum ) | cmp -s - "$TMP/small.sums" && ok ||
    bad "file-size limit with --xlsx: the earlier result changed"

# sweep --xlsx: one-way (Swedish, both CSV dialects), two-way over an
# amount in SEK, English; the same bytes for 1 and 2 threads
over="cni_topup.cni_threshold.threshold=1.0:1.2:0.1"
expect_status 0 "$VARDSIM" sweep "$cfg" --over "$over" -n 60 --threads 1 --xlsx -o "$TMP/sw1" --quiet
expect_status 0 "$VARDSIM" sweep "$cfg" --over "$over" -n 60 --threads 2 --xlsx -o "$TMP/sw2" --quiet
expect_status 0 "$VARDSIM" sweep "$cfg" --over "$over" -n 60 --threads 2 --xlsx --csv sv -o "$TMP/swsv" --quiet
for d in sw1 swsv; do
    if python3 "$CHECK" "$TMP/$d" sv sweep >"$TMP/check" 2>&1; then ok; else
        bad "sweep $d: results.xlsx disagrees with sweep.csv"; sed 's/^/    /' "$TMP/check" | head -20; fi
done
cmp -s "$TMP/sw1/results.xlsx" "$TMP/sw2/results.xlsx" && ok || bad "threads change a sweep's results.xlsx"
gcfg="$ROOT/scenarios/gavleborg-2024.cfg"
gname=$(sed -n 's/^ *lang *= *"\([a-z]*\)".*/\1/p' "$gcfg" | head -1)
expect_status 0 "$VARDSIM" sweep "$gcfg" --over modell_2017.acg.pot=89325000:134000000:22337500 \
    --over uncertainty.cni.sigma=0.01,0.03 -n 30 --threads 2 --xlsx -o "$TMP/sw2way" --quiet
if python3 "$CHECK" "$TMP/sw2way" "${gname:-sv}" sweep >"$TMP/check" 2>&1; then ok; else
    bad "two-way sweep: results.xlsx"; sed 's/^/    /' "$TMP/check" | head -20; fi
# the swept pot is in kr (the kr format on its cells)
python3 - "$TMP/sw2way/results.xlsx" <<'PY' && ok || bad "a swept amount is not formatted as kr"
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
styles = z.read("xl/styles.xml").decode()
sheet = z.read("xl/worksheets/sheet2.xml").decode()
fmts = re.findall(r'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"', styles)
kr = [i for i, f in fmts if f == "#,##0.00"][0]
xfs = re.findall(r'<xf [^>]*numFmtId="(\d+)"', styles.split("<cellXfs")[1])
a2 = re.search(r'<c r="A2" s="(\d+)"', sheet)
sys.exit(0 if a2 and xfs[int(a2.group(1))] == kr else 1)
PY
expect_status 0 "$VARDSIM" sweep "$TMP/english.cfg" --over "$over" -n 30 --threads 1 --xlsx -o "$TMP/swen" --quiet
if python3 "$CHECK" "$TMP/swen" en sweep >"$TMP/check" 2>&1; then ok; else
    bad "english sweep: results.xlsx"; sed 's/^/    /' "$TMP/check" | head -20; fi
expect_status 0 "$VARDSIM" sweep "$cfg" --over "$over" -n 0 --threads 1 -o "$TMP/swplain" --quiet
[ -e "$TMP/swplain/results.xlsx" ] && bad "a sweep wrote results.xlsx without --xlsx" || ok
# the checker can fail: one changed number in sweep.csv is found
cp -r "$TMP/sw1" "$TMP/swchanged"
awk -F, 'NR == 3 { $4 = $4 * 1.001 } { print }' OFS=, "$TMP/sw1/sweep.csv" >"$TMP/swchanged/sweep.csv"
python3 "$CHECK" "$TMP/swchanged" sv sweep >/dev/null 2>&1 && bad "the checker missed a changed sweep.csv" || ok

# sensitivity --xlsx: Swedish and English, the same bytes for 1 and 2 threads
expect_status 0 "$VARDSIM" sensitivity "$cfg" -n 32 --bootstrap 20 --threads 1 --xlsx -o "$TMP/se1" --quiet
expect_status 0 "$VARDSIM" sensitivity "$cfg" -n 32 --bootstrap 20 --threads 2 --xlsx -o "$TMP/se2" --quiet
if python3 "$CHECK" "$TMP/se1" sv sensitivity >"$TMP/check" 2>&1; then ok; else
    bad "sensitivity: results.xlsx disagrees with sensitivity.csv"; sed 's/^/    /' "$TMP/check" | head -20; fi
cmp -s "$TMP/se1/results.xlsx" "$TMP/se2/results.xlsx" && ok || bad "threads change a sensitivity results.xlsx"
expect_status 0 "$VARDSIM" sensitivity "$TMP/english.cfg" -n 0 --threads 2 --xlsx -o "$TMP/seen" --quiet
if python3 "$CHECK" "$TMP/seen" en sensitivity >"$TMP/check" 2>&1; then ok; else
    bad "english sensitivity (-n 0: no Sobol indices): results.xlsx"; sed 's/^/    /' "$TMP/check" | head -20; fi
cp -r "$TMP/se1" "$TMP/sechanged"
awk -F, 'NR == 4 { $11 = $11 * 1.001 } { print }' OFS=, "$TMP/se1/sensitivity.csv" >"$TMP/sechanged/sensitivity.csv"
python3 "$CHECK" "$TMP/sechanged" sv sensitivity >/dev/null 2>&1 && bad "the checker missed a changed sensitivity.csv" || ok
# a file-size limit: the sweep fails, its earlier result stays whole
( cd "$TMP/sw1" && ls -A | sort | xargs md5sum ) >"$TMP/sw1.sums"
( ulimit -f 40; exec "$VARDSIM" sweep "$cfg" --over "$over" -n 60 --threads 1 --xlsx -o "$TMP/sw1" --quiet ) >/dev/null 2>"$TMP/err"
st=$?
[ $st -eq 1 ] && ok || bad "file-size limit with sweep --xlsx: exit $st (want 1)"
( cd "$TMP/sw1" && ls -A | sort | xargs md5sum ) | cmp -s - "$TMP/sw1.sums" && ok ||
    bad "file-size limit with sweep --xlsx: the earlier result changed"

echo "xlsx: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
