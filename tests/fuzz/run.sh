#!/bin/sh
# tests/fuzz/run.sh BUILD SECONDS TARGET...: run each libFuzzer target for
# SECONDS (-max_total_time), new inputs into BUILD/corpus/TARGET, seeded
# with the shipped scenarios, every bad-input test file, the extreme-value
# files and the kept regressions.  Prints each target's executions and
# findings; exits 1 when any target found a crash, a leak or a timeout
# (the input is in BUILD/crash-TARGET-*: keep it in tests/fuzz/regress/
# once fixed).
#
# SECONDS = ci: the CI pass, reproducible: a fixed seed and a fixed number
# of executions (FUZZ_CI_RUNS, default 20000 each, about 30 s a target
# here) from an empty corpus, so it finds the same (nothing) on any
# machine; -max_total_time 60 only shortens that same sequence.
set -u
BUILD=$1; SECS=$2; shift 2
if [ "$SECS" = ci ]; then
    SECS=60
    limit="-runs=${FUZZ_CI_RUNS:-20000} -seed=1"
    rm -rf "$BUILD/corpus-ci"
    corpus_root="$BUILD/corpus-ci"
else
    limit=
    corpus_root="$BUILD/corpus"
fi
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
failed=0
# libconfig's own known leak is suppressed (and named) in lsan.supp
LSAN_OPTIONS="suppressions=$ROOT/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
for t in "$@"; do
    corpus="$corpus_root/$t"
    mkdir -p "$corpus"
    case $t in
        fuzz_extreme) maxlen=512 ;;
        *) maxlen=65536 ;;
    esac
    log="$BUILD/$t.log"
    # shellcheck disable=SC2086
    "$BUILD/tests/fuzz/$t" $limit -max_total_time="$SECS" -max_len="$maxlen" \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$BUILD/crash-$t-" "$corpus" \
        "$ROOT/scenarios" "$ROOT/tests/cli/bad" "$ROOT/tests/cli/extreme" \
        "$ROOT/tests/fuzz/regress" >"$log" 2>&1
    st=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    units=$(ls "$corpus" | wc -l)
    if [ $st -eq 0 ]; then
        echo "$t: ${execs:-?} executions (at most ${SECS} s), corpus $units inputs, no finding"
    else
        failed=1
        echo "$t: FINDING (exit $st) after ${execs:-?} executions; see $log"
        grep -m 5 -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | sed 's/^/    /'
    fi
done
exit $failed
