#!/bin/sh
# vardsim diff: two run folders compared: nothing for identical runs,
# b - a for point and mean rows that differ, one-sided rows for a centre
# only one run has, metrics first, largest |difference| first within each
# (table, column), either dialect read, exit 0 whether or not they differ
# and 2 for a folder that is not a vardsim output.
. "$(dirname "$0")/common.inc"

cfg="$ROOT/scenarios/vasterbotten-2023.cfg"
run() { "$VARDSIM" run "$@" -n 200 --quiet >/dev/null 2>&1 && ok || bad "run $*"; }
run "$cfg" -o "$TMP/a"
run "$cfg" -o "$TMP/a2"
run "$cfg" --seed 7 --csv sv -o "$TMP/b"

# Identical runs: no rows, exit 0.
mkdir "$TMP/same"
(cd "$TMP/same" && "$VARDSIM" diff "$TMP/a" "$TMP/a2" >"$TMP/out" 2>"$TMP/err") && ok || bad "diff of identical runs failed"
expect_in "$TMP/out" "no differences"
[ "$(cat "$TMP/same/diff.csv")" = "table,variant,key,column,a,b,difference" ] && ok || bad "diff.csv of identical runs: $(cat "$TMP/same/diff.csv")"

# Another seed, the other dialect: mean rows, point rows unchanged.
expect_status 0 "$VARDSIM" diff "$TMP/a" "$TMP/b" -o "$TMP/d"
d="$TMP/d/diff.csv"
expect_in "$TMP/out" "metrics  "
head -1 "$d" | grep -qx 'table,variant,key,column,a,b,difference' && ok || bad "diff.csv header"
awk -F, 'NR > 1 && $4 == "point"' "$d" | grep -q . && bad "a new seed changed a point estimate" || ok
grep -q '^metrics,halsoval,gini,mean,' "$d" && ok || bad "no gini mean row"
grep -q '^centres,' "$d" && ok || bad "no centre rows"
# Every row: difference = b - a (to 1e-9), never 0; groups in order,
# |difference| descending within each, metrics before centres.
awk -F, 'NR > 1 {
    if ($7 == "" || $7 + 0 == 0) { print "zero or empty difference: " $0; bad = 1 }
    e = $6 - $5 - $7; if (e < 0) e = -e; if (e > 1e-9 * (1 + ($7 < 0 ? -$7 : $7))) { print "not b - a: " $0; bad = 1 }
    g = $1 "," $4; m = $7 < 0 ? -$7 : $7
    if (g != last) { if (g in seen) { print "group again: " g; bad = 1 }; seen[g] = 1; last = g; prev = m }
    else if (m > prev) { print "not descending: " $0; bad = 1 }
    prev = m
    if ($1 == "metrics" && centres) { print "metrics after centres"; bad = 1 }
    if ($1 == "centres") centres = 1
} END { exit bad }' "$d" && ok || bad "diff.csv order or arithmetic"
# Money stays to the öre: centre differences have two decimals.
awk -F, 'NR > 1 && $1 == "centres" && $7 !~ /^-?[0-9]+\.[0-9][0-9]$/ { print; exit 1 }' "$d" && ok || bad "centre difference not in öre"

# A centre only one run has: one-sided rows, empty difference, last.
awk '/^centres = \(/ { print; print "  { id = \"extra\"; name = \"Extra\"; listed = 1000; cni = 1.0; listed_by_age = [100, 100, 600, 100, 100]; attrs = { children = 100; care_burden = 1.0; rural = 0.0; }; },"; next } { print }' "$cfg" >"$TMP/extra.cfg"
run "$TMP/extra.cfg" -o "$TMP/e"
expect_status 0 "$VARDSIM" diff "$TMP/a" "$TMP/e" -o "$TMP/d2"
grep -q '^centres,halsoval,extra,point,,[0-9.]*,$' "$TMP/d2/diff.csv" && ok || bad "no one-sided row for the extra centre"
awk -F, 'NR > 1 && $1 == "centres" && $4 == "point" { if ($7 == "") one = 1; else if (one) { print "a sized row after a one-sided one"; exit 1 } }' "$TMP/d2/diff.csv" && ok || bad "one-sided rows not last"

# Not a vardsim output: exit 2, nothing written.
mkdir "$TMP/empty"
expect_status 2 "$VARDSIM" diff "$TMP/a" "$TMP/empty" -o "$TMP/d3"
expect_in "$TMP/err" "empty: not a vardsim output folder (no manifest.txt)"
[ ! -e "$TMP/d3/diff.csv" ] && ok || bad "diff wrote diff.csv for a bad folder"
expect_status 2 "$VARDSIM" diff "$TMP/a" "$TMP/missing"
expect_status 2 "$VARDSIM" diff "$TMP/a"
expect_status 2 "$VARDSIM" diff "$TMP/a" "$TMP/b" "$TMP/e"
cp -r "$TMP/a" "$TMP/broken"
printf 'x,y\n1,2\n' >"$TMP/broken/metrics.csv"
expect_status 2 "$VARDSIM" diff "$TMP/a" "$TMP/broken"
expect_in "$TMP/err" "not vardsim's metrics.csv"

echo "diff: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
