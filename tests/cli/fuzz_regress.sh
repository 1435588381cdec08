#!/bin/sh
# Replay every kept fuzz finding (tests/fuzz/regress/*.cfg): check, and a
# short run when it loads.  A result or a message; never a crash, an abort
# or a sanitizer report (make SAN=address,undefined test runs this too).
. "$(dirname "$0")/common.inc"
n=0
for cfg in "$ROOT"/tests/fuzz/regress/*.cfg; do
    [ -e "$cfg" ] || continue
    n=$((n + 1))
    "$VARDSIM" check "$cfg" >"$TMP/out" 2>"$TMP/err"
    st=$?
    if [ $st -gt 2 ]; then bad "check $(basename "$cfg"): exit $st"; sed 's/^/    /' "$TMP/err" | head; continue; fi
    ok
    [ $st -eq 0 ] || continue
    "$VARDSIM" run "$cfg" -n 2 --threads 1 -o "$TMP/run" --quiet >"$TMP/out" 2>"$TMP/err"
    st=$?
    if [ $st -le 2 ]; then ok; else bad "run $(basename "$cfg"): exit $st"; sed 's/^/    /' "$TMP/err" | head; fi
    rm -rf "$TMP/run"
done
[ $n -gt 0 ] && ok || bad "no kept inputs in tests/fuzz/regress"
echo "fuzz_regress: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
