#!/bin/sh
# End-to-end tests of extreme inputs (issue 12): numbers at the documented
# limits and beyond what the engine can compute.  Never a crash: a result,
# or a message and exit 1 (run) or 2 (input).
. "$(dirname "$0")/common.inc"
X="$ROOT/tests/cli/extreme"

# crashed: an exit status of a signal (segfault 139, abort 134) or none
no_crash() { # no_crash CMD...: exit 0, 1 or 2
    "$@" >"$TMP/out" 2>"$TMP/err"
    st=$?
    if [ $st -le 2 ]; then ok; else bad "exit $st: $*"; sed 's/^/    /' "$TMP/err" | head; fi
}

# --- weights near the top of double --------------------------------------
no_crash "$VARDSIM" run "$X/huge_weights.cfg" -o "$TMP/hw" --quiet
no_crash "$VARDSIM" run "$ROOT/scenarios/vasterbotten-2023.cfg" -n 20 \
    --set uncertainty.listed.sd=1e300 -o "$TMP/sd" --quiet
no_crash "$VARDSIM" run "$ROOT/scenarios/vasterbotten-2023.cfg" -n 20 \
    --set uncertainty.cni.sigma=700 -o "$TMP/sigma" --quiet

# --- undefined values are empty cells, never inf or nan -------------------
# (the loader may refuse these numbers as out of range: exit 2 is fine)
# (chart_*.csv, gnuplot's input, too: an empty cell is a missing point)
no_inf() { # no_inf DIR: no inf/nan cell in its tables (and tornado.dat)
    if cat "$1"/*.csv $(ls "$1"/*.dat 2>/dev/null) | grep -v '^#' | tr ',; ' '\n\n\n' | grep -qix -e '-\?inf' -e '-\?nan' -e '-\?infinity'; then
        bad "inf or nan in $1"; grep -il 'inf\|nan' "$1"/*.csv "$1"/*.dat 2>/dev/null | sed 's/^/    /'
    else ok; fi
}
for cmd in run sweep sensitivity; do
    case $cmd in
        run) extra="--draws" ;;
        sweep) extra="--over g.grant.amounts[0]=0:500000:250000" ;;
        sensitivity) extra="--bootstrap 20" ;;
    esac
    # shellcheck disable=SC2086
    "$VARDSIM" $cmd "$X/degenerate.cfg" -n 20 $extra -o "$TMP/deg-$cmd" --quiet >"$TMP/out" 2>"$TMP/err"
    st=$?
    case $st in
        0) no_inf "$TMP/deg-$cmd" ;;
        2) ok ;;
        *) bad "$cmd degenerate.cfg: exit $st"; sed 's/^/    /' "$TMP/err" | head ;;
    esac
done

# --- every number at its documented bound: runs, and writes no inf or nan --
# (degenerate.cfg and huge_weights.cfg above go past the bounds and are
# refused at load; this file stays inside them, at the edge of each)
B="$X/at_bounds.cfg"
expect_status 0 "$VARDSIM" run "$B" --draws -o "$TMP/b-run" --quiet
no_inf "$TMP/b-run"
expect_status 0 "$VARDSIM" sweep "$B" --over "cut.cut.amount=0:1e15:5e14" -n 20 -o "$TMP/b-sweep" --quiet
no_inf "$TMP/b-sweep"
expect_status 0 "$VARDSIM" sensitivity "$B" -n 16 --bootstrap 5 -o "$TMP/b-sens" --quiet
no_inf "$TMP/b-sens"
# the money still adds up to the öre at the point estimate: base places
# its pot, top places two, cut takes the whole pot
[ "$(awk -F, '$2 == "total" { printf "%s=%s ", $1, $3 }' "$TMP/b-run/metrics.csv")" = \
  "base=1000000000000000.00 cut=0.00 top=2000000000000000.00 " ] && ok ||
    bad "at_bounds: point totals $(awk -F, '$2 == "total" { printf "%s=%s ", $1, $3 }' "$TMP/b-run/metrics.csv")"
if command -v gnuplot >/dev/null 2>&1; then
    expect_status 0 "$VARDSIM" run "$B" -n 20 --render svg -o "$TMP/b-render" --quiet
fi

# --- nobody listed: need-based values undefined, within every bound ------
# Every table and chart data file has empty cells instead (none says nan),
# and the charts render; a sweep's line data breaks at an undefined point
# with a blank line (gnuplot joins a line across an empty cell).
Z="$X/zero_listed.cfg"
expect_status 0 "$VARDSIM" run "$Z" --draws -o "$TMP/z-run" --quiet
no_inf "$TMP/z-run"
grep -q '^gini,base,0,0,1,2,,,,$' "$TMP/z-run/chart_metrics.csv" && ok ||
    bad "chart_metrics.csv: an undefined gini is not empty cells"
expect_status 0 "$VARDSIM" sweep "$Z" --over "g.grant.amounts[0]=0:500000:250000" -n 20 -o "$TMP/z-sweep" --quiet
no_inf "$TMP/z-sweep"
# block 0 (gini, base): three points, each undefined, each after a break
awk 'BEGIN { b = 0 } /^#/ { next } /^$/ { e++; next } { if (e >= 2) b++; e = 0; if (b == 0) n++ } END { exit n == 3 ? 0 : 1 }' "$TMP/z-sweep/chart_sweep.csv" && ok ||
    bad "chart_sweep.csv: block 0 does not have its three points"
[ "$(sed -n '/^[^#]/,$p' "$TMP/z-sweep/chart_sweep.csv" | sed -n 1,5p | tr '\n' '|')" = "0,,,,||250000,,,,||500000,,,,|" ] && ok ||
    bad "chart_sweep.csv: undefined points not empty and apart: $(sed -n '/^[^#]/,$p' "$TMP/z-sweep/chart_sweep.csv" | sed -n 1,5p | tr '\n' '|')"
expect_status 0 "$VARDSIM" sensitivity "$Z" -n 16 --bootstrap 5 -o "$TMP/z-sens" --quiet
no_inf "$TMP/z-sens"
if command -v gnuplot >/dev/null 2>&1; then
    expect_status 0 "$VARDSIM" run "$Z" -n 20 --render svg -o "$TMP/z-render" --quiet
    expect_status 0 "$VARDSIM" sweep "$Z" --over "g.grant.amounts[0]=0:500000:250000" -n 20 --render svg -o "$TMP/z-sweep-render" --quiet
fi

echo "extreme: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
