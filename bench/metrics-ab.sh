#!/bin/sh
# The metrics of the working tree against those of an older revision, in
# one process (bench/metrics_ab.c): the way a change of a few per cent in
# src/engine/metrics.c is told from the drift of a shared machine.  The
# older metrics.c is built against today's headers, so REV must be one
# whose metrics.c still compiles with them.  Run it through make, which
# passes the project's compiler flags and libraries (AB_CFLAGS, AB_LIBS):
#   make bench-metrics REV=main [CENTRES=100000] [ITERATIONS=10] [ROUNDS=3]
# Prints both allocation orders and their geometric mean of new/old; exits
# non-zero when a metric differs in a bit.
set -eu
: "${REV:?set REV to the revision to compare with}"
: "${AB_CFLAGS:?run through make bench-metrics}" "${AB_LIBS:?run through make bench-metrics}"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B="$ROOT/build/bench/metrics-ab"
mkdir -p "$B"
CC=${CC:-cc}
# every symbol metrics.c exports, renamed for each side
rename() {
    for f in vs_metric_name:name vs_metric_better:better vs_metric_is_better:is_better \
             vs_metric_ws_alloc:alloc vs_metric_ws_free:free vs_metrics_prepare:prepare \
             vs_metrics_compute:compute vs_metrics_compute_total:compute_total; do
        printf ' -D%s=%s_%s' "${f%%:*}" "$1" "${f#*:}"
    done
}
git -C "$ROOT" show "$REV:src/engine/metrics.c" >"$B/old_metrics.c"
# shellcheck disable=SC2046,SC2086
$CC $AB_CFLAGS $(rename old) -c "$B/old_metrics.c" -o "$B/old_metrics.o"
# shellcheck disable=SC2046,SC2086
$CC $AB_CFLAGS $(rename new) -c "$ROOT/src/engine/metrics.c" -o "$B/new_metrics.o"
# shellcheck disable=SC2086
$CC $AB_CFLAGS -c "$ROOT/bench/metrics_ab.c" -o "$B/metrics_ab.o"
# shellcheck disable=SC2086
$CC -pthread -o "$B/metrics_ab" "$B/metrics_ab.o" "$B/old_metrics.o" "$B/new_metrics.o" \
    "$ROOT/build/libvardsim.a" $AB_LIBS -lm
$CC -O2 -std=c11 -Wall -Wextra "$ROOT/bench/gen_national.c" -lm -o "$B/gen_national"
nc=${CENTRES:-100000}
"$B/gen_national" "$nc" >"$B/c$nc.cfg"
k=${ITERATIONS:-10} r=${ROUNDS:-3}
# metrics_ab exits 1 when a metric differs (its line is printed all the
# same), 2 when it cannot run
differ=0
old_first=$("$B/metrics_ab" "$B/c$nc.cfg" "$k" "$r") ||
    { rc=$?; [ "$rc" -eq 1 ] || exit "$rc"; differ=1; }
new_first=$("$B/metrics_ab" "$B/c$nc.cfg" "$k" "$r" --new-first) ||
    { rc=$?; [ "$rc" -eq 1 ] || exit "$rc"; differ=1; }
echo "old allocated first: $old_first"
echo "new allocated first: $new_first"
ratio() { sed -n 's/.*new\/old \([0-9.]*\),.*/\1/p'; }
a=$(echo "$old_first" | ratio) b=$(echo "$new_first" | ratio)
awk -v a="$a" -v b="$b" -v rev="$REV" 'BEGIN { printf "metrics, working tree over %s: %.3f (geometric mean of both orders)\n", rev, sqrt(a * b) }'
if [ "$differ" -ne 0 ]; then echo "metric values differ"; exit 1; fi
