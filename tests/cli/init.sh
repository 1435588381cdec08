#!/bin/sh
# vardsim init: the starter scenario passes check as it stands and with
# every example switched on (every leading '#' removed), runs, goes to
# standard output or to a new file, and never replaces an existing file.
. "$(dirname "$0")/common.inc"

expect_status 0 "$VARDSIM" init
cp "$TMP/out" "$TMP/stdout.cfg"
expect_status 0 "$VARDSIM" check "$TMP/stdout.cfg"
expect_in "$TMP/out" "variants:  1 (baseline baseline)"

# Every rule type is shown, commented out.
for t in capitation cni_threshold tiered grant targeted cut limit per_unit; do
    grep -q "^# .*type = \"$t\"" "$TMP/stdout.cfg" && ok || bad "init: no commented-out $t rule"
done
grep -q '^# uncertainty = {' "$TMP/stdout.cfg" && ok || bad "init: no commented-out uncertainty"
grep -q '^# need = {' "$TMP/stdout.cfg" && ok || bad "init: no commented-out need"
grep -q '^#  .*where = {.*except = ' "$TMP/stdout.cfg" && ok || bad "init: no where/except example"

# Switched on, all of it: a scenario that checks and runs.
sed 's/^\( *\)# \{0,1\}/\1/' "$TMP/stdout.cfg" >"$TMP/all.cfg"
expect_status 0 "$VARDSIM" check "$TMP/all.cfg"
expect_in "$TMP/out" "variants:  9 (baseline baseline)"
expect_in "$TMP/out" "2 per-centre noise groups"
expect_in "$TMP/out" "warnings:  0 at the point estimate"
grep -q 'warning:' "$TMP/err" && bad "the switched-on starter warns: $(cat "$TMP/err")" || ok
for t in capitation cni_threshold tiered grant targeted cut limit per_unit; do
    expect_in "$TMP/out" "      $t"
done
expect_status 0 "$VARDSIM" run "$TMP/all.cfg" -n 20 --quiet -o "$TMP/all-out"
[ -s "$TMP/all-out/metrics.csv" ] && ok || bad "init: the switched-on starter did not run"

# To a file: the same bytes; an existing file is left alone.
expect_status 0 "$VARDSIM" init "$TMP/new.cfg"
cmp -s "$TMP/new.cfg" "$TMP/stdout.cfg" && ok || bad "init FILE differs from init"
echo "my work" >"$TMP/mine.cfg"
expect_status 2 "$VARDSIM" init "$TMP/mine.cfg"
expect_in "$TMP/err" "mine.cfg exists"
[ "$(cat "$TMP/mine.cfg")" = "my work" ] && ok || bad "init replaced an existing file"
expect_status 1 "$VARDSIM" init "$TMP/no/such/folder/x.cfg"
expect_in "$TMP/err" "x.cfg"
[ ! -e "$TMP/no" ] && ok || bad "init made folders"
expect_status 2 "$VARDSIM" init --bogus
expect_status 2 "$VARDSIM" init a.cfg b.cfg
ls -a "$TMP" | grep -q '^\.new\.cfg' && bad "init left a temporary file" || ok

echo "init: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
