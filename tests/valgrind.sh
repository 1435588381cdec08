#!/bin/sh
# make valgrind: memcheck on every shipped scenario (check, and run with a
# few iterations on one and two threads) and on every bad-input file
# (check): no error and no leak of vardsim's own.  libconfig's known leak
# on an unterminated string is suppressed and named in tests/valgrind.supp.
# Usage: VARDSIM=/abs/path/vardsim sh tests/valgrind.sh
. "$(dirname "$0")/cli/common.inc"
ROOT=$(cd "$(dirname "$0")/.." && pwd) # common.inc assumes tests/cli/
command -v valgrind >/dev/null || { echo "valgrind: not installed (apt-get install valgrind)"; exit 1; }
VG="valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --suppressions=$ROOT/tests/valgrind.supp"

vg() { # vg WANT_STATUS CMD...: no valgrind error (exit 99), the status wanted
    want=$1; shift
    $VG "$@" >"$TMP/out" 2>"$TMP/err"
    st=$?
    if [ $st -eq 99 ]; then
        bad "valgrind: $*"; grep -E '==[0-9]+==' "$TMP/err" | head -30 | sed 's/^/    /'
    elif [ $st -ne "$want" ]; then
        bad "exit $st (want $want): $*"; sed 's/^/    /' "$TMP/err" | head -5
    else ok; fi
}

for cfg in "$ROOT"/scenarios/*.cfg; do
    name=$(basename "$cfg" .cfg)
    vg 0 "$VARDSIM" check "$cfg"
    vg 0 "$VARDSIM" run "$cfg" -n 30 --threads 1 --draws -o "$TMP/$name-1" --quiet
    vg 0 "$VARDSIM" run "$cfg" -n 300 --threads 2 -o "$TMP/$name-2" --quiet
done
for cfg in "$ROOT"/tests/cli/bad/*.cfg "$ROOT"/tests/fuzz/regress/*.cfg; do
    [ -e "$cfg" ] || continue
    case $cfg in */bad/*) want=2 ;; *) want= ;; esac
    if [ -n "$want" ]; then
        vg 2 "$VARDSIM" check "$cfg"
    else # a fuzz regression: any clean exit
        $VG "$VARDSIM" check "$cfg" >"$TMP/out" 2>"$TMP/err"
        st=$?
        if [ $st -le 2 ]; then ok; else bad "exit $st: check $cfg"; grep -E '==[0-9]+==' "$TMP/err" | head -20; fi
    fi
done
# one sweep and one sensitivity run (their own allocations)
cfg="$ROOT/scenarios/vasterbotten-2023.cfg"
vg 0 "$VARDSIM" sweep "$cfg" --over "cni_topup.cni_threshold.pot=1000000:3000000:1000000" -n 20 -o "$TMP/sweep" --quiet
vg 0 "$VARDSIM" sensitivity "$cfg" -n 16 --bootstrap 10 -o "$TMP/sens" --quiet

echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
