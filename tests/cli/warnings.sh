#!/bin/sh
# Warnings (never a silent shortfall), --strict and explain.csv, end to
# end: the trial of issue 13 (tests/cli/warn/trial.cfg) has one variant
# per kind of shortfall.
. "$(dirname "$0")/common.inc"

trial="$ROOT/tests/cli/warn/trial.cfg"
w="warning: variant"

# --- check: point-estimate warnings, --strict ------------------------------
expect_status 0 "$VARDSIM" check "$trial"
expect_in "$TMP/out" ": ok"
expect_in "$TMP/out" "warnings:  7 at the point estimate"
expect_in "$TMP/err" "$w 'cut_3pct': rule 'cut': cut not taken in full (max_cut_share binds at every centre): 27 000 000 kr at the point estimate; total 582 000 000 kr"
# some_draws falls short only in draws: check does not draw
grep -q "'some_draws'" "$TMP/err" && bad "check warns of draws" || ok
expect_status 3 "$VARDSIM" check "$trial" --strict
expect_status 3 "$VARDSIM" check --strict "$trial"
expect_status 0 "$VARDSIM" check --strict "$ROOT/scenarios/vasterbotten-2023.cfg"
expect_status 2 "$VARDSIM" check --strict "$TMP/missing.cfg"
expect_status 2 "$VARDSIM" check "$trial" --bogus

# --- run: standard error even with --quiet, warnings.txt, manifest ---------
expect_status 0 "$VARDSIM" run "$trial" -n 200 --threads 1 -o "$TMP/t1" --quiet
cp "$TMP/err" "$TMP/stderr1"
for f in metrics.csv centres.csv explain.csv warnings.txt manifest.txt; do
    [ -f "$TMP/t1/$f" ] && ok || bad "run: $f missing"
done
cmp -s "$TMP/stderr1" "$TMP/t1/warnings.txt" && ok || bad "stderr differs from warnings.txt"
[ "$(wc -l <"$TMP/t1/warnings.txt")" -eq 8 ] && ok || bad "want 8 warnings"
expect_in "$TMP/t1/manifest.txt" "warnings: 8 (warnings.txt)"
W="$TMP/t1/warnings.txt"
# the issue's impossible 3 % variant: named, with the shortfall and the reason
expect_in "$W" "$w 'cut_3pct': rule 'cut': cut not taken in full (max_cut_share binds at every centre): 27 000 000 kr at the point estimate, in 100.0 % of draws; total 582 000 000 kr"
expect_in "$W" "$w 'nobody': rule 'cni_threshold': nobody eligible: 4 000 000 kr at the point estimate, in 100.0 % of draws; total 600 000 000 kr"
expect_in "$W" "$w 'capped': rule 'cni_threshold': pot not placed in full (every eligible centre capped or without weight): 2 600 000 kr at the point estimate, in 100.0 % of draws; total 1 400 000 kr"
expect_in "$W" "$w 'top25': rule 'targeted': top asks for 25 centres, 20 are eligible: 4 000 000 kr at the point estimate, in 100.0 % of draws; total 604 000 000 kr"
expect_in "$W" "$w 'tie': rule 'flagged': a tie at the cut-off is decided by file order: 3 000 000 kr at the point estimate, in 100.0 % of draws; total 603 000 000 kr"
expect_in "$W" "$w 'damped': rule 'limit': the limit cannot restore the variant's total (its bounds bind at every centre): 1 000 000 kr at the point estimate, in 100.0 % of draws; total 600 000 000 kr"
# (e): the two rural centres under 4 000 listed get 500 000 kr each
[ "$(grep -c '^rural_small,hc[0-9]*,rural_small.supplement,500000.00$' "$TMP/t1/explain.csv")" -eq 2 ] && ok || bad "rural_small: not two centres"
# where leaves nobody: the rule pays nothing, and says so
expect_in "$W" "$w 'tiny': rule 'tiny': nobody eligible: 0 kr at the point estimate, in 100.0 % of draws; total 600 000 000 kr"
# short in some draws only: 0 kr at the point, a share strictly between 0 and 100
grep -E "^$w 'some_draws': rule 'cni_threshold': nobody eligible: 0 kr at the point estimate, in [1-9][0-9]?\.[0-9] % of draws; total 601 000 000 kr$" "$W" >/dev/null && ok || bad "some_draws line"
# ordered by variant (file order), one per rule; variants that extend a
# rule do not repeat it; today, cut_protected, topup and rural_small say nothing
cut -d"'" -f2 "$W" | tr '\n' ' ' | grep -qx "cut_3pct nobody some_draws capped top25 tie tiny damped " && ok || bad "warning order: $(cut -d"'" -f2 "$W" | tr '\n' ' ')"
# byte-identical for any thread count
expect_status 0 "$VARDSIM" run "$trial" -n 200 --threads 3 -o "$TMP/t3" --quiet
for f in warnings.txt explain.csv metrics.csv; do
    cmp -s "$TMP/t1/$f" "$TMP/t3/$f" && ok || bad "threads 1 vs 3: $f differs"
done
# without --quiet too, and the summary still prints
expect_status 0 "$VARDSIM" run "$trial" -n 20 -o "$TMP/loud"
expect_in "$TMP/err" "$w 'cut_3pct'"
expect_in "$TMP/out" "Change against today"

# --- --strict: outputs written, then exit 3; 1 and 2 outrank it -------------
expect_status 3 "$VARDSIM" run "$trial" -n 20 -o "$TMP/strict" --quiet --strict
for f in metrics.csv centres.csv explain.csv warnings.txt manifest.txt; do
    [ -s "$TMP/strict/$f" ] && ok || bad "--strict: $f not written"
done
expect_in "$TMP/err" "$w 'cut_3pct'"
expect_status 2 "$VARDSIM" run "$trial" -n 20 -o "$TMP/strict2" --quiet --strict --set nosuch.rule.pot=1
[ -e "$TMP/strict2" ] && bad "bad --set wrote output" || ok
expect_status 0 "$VARDSIM" run "$ROOT/scenarios/vasterbotten-2023.cfg" -n 20 -o "$TMP/clean" --quiet --strict
[ -f "$TMP/clean/warnings.txt" ] && [ ! -s "$TMP/clean/warnings.txt" ] && ok || bad "clean run: warnings.txt not empty"
expect_in "$TMP/clean/manifest.txt" "warnings: 0 (warnings.txt)"
[ -s "$TMP/err" ] && bad "clean run printed: $(head -2 "$TMP/err")" || ok
# --precision not reached is a warning too
expect_status 3 "$VARDSIM" run "$ROOT/scenarios/vasterbotten-2023.cfg" -n 1000 --precision 1e-9 -o "$TMP/prec" --quiet --strict
expect_in "$TMP/prec/warnings.txt" "warning: --precision 1e-09 not reached within 1000 iterations"
expect_in "$TMP/prec/manifest.txt" "warnings: 1 (warnings.txt)"

# --- sweep: warnings per point, lines begin PATH=VALUE: ----------------------
expect_status 3 "$VARDSIM" sweep "$trial" --over cut_3pct.cut.max_cut_share=0.03:0.09:0.03 -n 20 \
    -o "$TMP/sw" --quiet --strict
SW="$TMP/sw/warnings.txt"
[ -s "$TMP/sw/sweep.csv" ] && ok || bad "sweep --strict: sweep.csv not written"
expect_in "$SW" "cut_3pct.cut.max_cut_share=0.03: $w 'cut_3pct': rule 'cut': cut not taken in full (max_cut_share binds at every centre): 27 000 000 kr at the point estimate, in 100.0 % of draws; total 582 000 000 kr"
expect_in "$SW" "cut_3pct.cut.max_cut_share=0.06: $w 'cut_3pct': rule 'cut': cut not taken in full (max_cut_share binds at every centre): 9 000 000 kr at the point estimate"
grep -q "^cut_3pct.cut.max_cut_share=0.09: $w 'cut_3pct'" "$SW" && bad "sweep: 9 % still warns" || ok
[ "$(wc -l <"$SW")" -eq 23 ] && ok || bad "sweep: want 23 warnings, got $(wc -l <"$SW")"
expect_in "$TMP/sw/manifest.txt" "warnings: 23 (warnings.txt)"
cmp -s "$TMP/err" "$SW" && ok || bad "sweep: stderr differs from warnings.txt"
expect_status 0 "$VARDSIM" sweep "$ROOT/scenarios/vasterbotten-2023.cfg" --over cni_topup.cni_threshold.threshold=1.0:1.2:0.1 \
    -n 10 -o "$TMP/sw0" --quiet --strict
[ -f "$TMP/sw0/warnings.txt" ] && [ ! -s "$TMP/sw0/warnings.txt" ] && ok || bad "clean sweep: warnings.txt"

# --- sensitivity: the point evaluation and the others as draws -------------
expect_status 3 "$VARDSIM" sensitivity "$trial" -n 16 --bootstrap 0 -o "$TMP/se1" --quiet --strict --threads 1
[ -s "$TMP/se1/sensitivity.csv" ] && ok || bad "sensitivity --strict: sensitivity.csv not written"
expect_in "$TMP/se1/warnings.txt" "$w 'cut_3pct': rule 'cut': cut not taken in full (max_cut_share binds at every centre): 27 000 000 kr at the point estimate, in 100.0 % of draws; total 582 000 000 kr"
expect_in "$TMP/se1/manifest.txt" "warnings: 8 (warnings.txt)"
expect_status 0 "$VARDSIM" sensitivity "$trial" -n 16 --bootstrap 0 -o "$TMP/se2" --quiet --threads 2
cmp -s "$TMP/se1/warnings.txt" "$TMP/se2/warnings.txt" && ok || bad "sensitivity: warnings differ by threads"

# --- explain.csv: the steps add up to point, to the öre --------------------
E="$TMP/t1/explain.csv"
[ "$(head -1 "$E")" = "variant,centre,step,amount" ] && ok || bad "explain header"
# 20 centres x (today 1 + cut_protected 2 + cut_3pct 2 + topup 2 + rural_small 2 +
# nobody 2 + some_draws 2 + capped 1 + top25 2 + tie 2 + tiny 2 + damped 3) rule rows
[ "$(($(wc -l <"$E") - 1))" -eq $((20 * 23)) ] && ok || bad "explain rows: $(wc -l <"$E")"
grep -q '^damped,hc00,today.capitation,' "$E" && grep -q '^damped,hc00,damped.grant,1000000.00$' "$E" &&
    grep -q '^damped,hc00,damped.limit,-1000000.00$' "$E" && ok || bad "explain chain of damped"
grep -q '^nobody,hc03,nobody.cni_threshold,0.00$' "$E" && ok || bad "explain zero row"
# rows in order: per variant, per centre, root first
awk -F, 'NR > 1 { print $1 "," $2 }' "$E" | uniq | awk -F, '{ print $1 }' | uniq | tr '\n' ' ' |
    grep -qx "today cut_protected cut_3pct topup rural_small nobody some_draws capped top25 tie tiny damped " && ok || bad "explain variant order"
sums_match() { # sums_match EXPLAIN CENTRES SEP
    awk -F"$3" 'function ore(s) { gsub(/\r|"/, "", s); sub(/,/, ".", s); return int(s * 100 + (s < 0 ? -0.5 : 0.5)) }
         FNR == 1 { next }
         FILENAME == ARGV[1] { sum[$1 "," $2] += ore($4); next }
         { if (sum[$1 "," $2] != ore($6)) { print "explain", $1, $2, sum[$1 "," $2], ore($6); bad = 1 } n++ }
         END { exit bad || n == 0 }' "$1" "$2"
}
sums_match "$E" "$TMP/t1/centres.csv" , && ok || bad "explain steps do not add up to point"
for cfg in "$ROOT"/scenarios/*.cfg; do
    name=$(basename "$cfg" .cfg)
    expect_status 0 "$VARDSIM" run "$cfg" -n 0 -o "$TMP/s-$name" --quiet
    sums_match "$TMP/s-$name/explain.csv" "$TMP/s-$name/centres.csv" , && ok || bad "$name: explain does not add up"
    expect_status 0 "$VARDSIM" run "$cfg" -n 0 -o "$TMP/sv-$name" --quiet --csv sv
    sums_match "$TMP/sv-$name/explain.csv" "$TMP/sv-$name/centres.csv" ';' && ok || bad "$name: explain (sv) does not add up"
    head -c 3 "$TMP/sv-$name/explain.csv" | od -An -tx1 | grep -q 'ef bb bf' && ok || bad "$name: explain sv without BOM"
done

echo "warnings: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
