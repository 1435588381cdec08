#!/bin/sh
# run --xlsx: results.xlsx read back with an independent reader (python3's
# zipfile and xml.etree, tests/cli/xlsx_check.py), every number checked
# against centres.csv and metrics.csv; Swedish and English headers; the
# same bytes for any thread count and on a later run; written through the
# output set (nothing when the run fails).
# Usage: VARDSIM=/abs/path/vardsim sh tests/cli/xlsx.sh
. "$(dirname "$0")/common.inc"

CHECK="$ROOT/tests/cli/xlsx_check.py"
for cfg in "$ROOT"/scenarios/*.cfg; do
    name=$(basename "$cfg" .cfg)
    expect_status 0 "$VARDSIM" run "$cfg" -n 300 --threads 1 --xlsx -o "$TMP/$name" --quiet
    if python3 "$CHECK" "$TMP/$name" sv >"$TMP/check" 2>&1; then ok; else
        bad "$name: results.xlsx disagrees with the CSV"; sed 's/^/    /' "$TMP/check" | head -20; fi
done

cfg="$ROOT/scenarios/vasterbotten-2023.cfg"
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

echo "xlsx: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
