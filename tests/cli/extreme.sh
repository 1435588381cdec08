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
# (chart_*.csv are gnuplot's input, where NaN is its mark of a missing point)
no_inf() { # no_inf DIR: no inf/nan cell in its tables
    if ls "$1"/*.csv | grep -v '/chart_' | xargs cat | grep -v '^#' | tr ',;' '\n\n' | grep -qix -e '-\?inf' -e '-\?nan' -e '-\?infinity'; then
        bad "inf or nan in $1"; grep -il 'inf\|nan' "$1"/*.csv | sed 's/^/    /'
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

echo "extreme: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
