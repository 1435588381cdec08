#!/bin/sh
# Instructions per Monte Carlo iteration, by stage, counted by callgrind on
# the synthetic national scenario (1 thread): a figure that the load of a
# shared machine does not change, where wall-clock rates do (see
# paired.sh).  Stages: `loop`, a worker's share of a block (block_eval:
# draws, evaluation, metrics and record_fast; the fold is apart), then
# evaluating the variants (vs_eval_run), the metrics (vs_sim_metrics_row),
# the draws (vs_draw_fill) and the per-centre record (record_fast +
# block_fold).
# With BASE set, the same for that binary and new/old per stage.
#   VARDSIM=new [BASE=old] sh bench/instructions.sh [ITERATIONS]
# ITERATIONS (default 1000) should exceed the 250-iteration pilot, so that
# the histograms are in use, as in a real run.  Needs valgrind; a binary
# built with -g names its functions.
set -eu
: "${VARDSIM:?set VARDSIM}"
command -v valgrind >/dev/null || { echo "instructions: valgrind not installed"; exit 0; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B="$ROOT/build/bench/instructions"
mkdir -p "$B"
${CC:-cc} -O2 -std=c11 -Wall -Wextra "$ROOT/bench/gen_national.c" -lm -o "$B/gen_national"
"$B/gen_national" 1150 >"$B/national.cfg"
N=${1:-1000}

# count BIN TAG: callgrind the run, then one line per stage: name, count
count() {
    valgrind --tool=callgrind --callgrind-out-file="$B/cg.$2" "$1" run "$B/national.cfg" \
        -n "$N" --threads 1 --quiet -o "$B/out.$2" >/dev/null 2>"$B/log.$2"
    callgrind_annotate --inclusive=yes --threshold=100 "$B/cg.$2" 2>/dev/null |
        awk -v n="$N" '
            function num(s) { gsub(",", "", s); return s + 0 }
            function top(old, s) { s = num(s); return s > old ? s : old }
            # the largest entry of each (a clone or its resolver may be listed too)
            /^ *[0-9,]+ .*:block_eval[ \[]/ { e = top(e, $1) }
            /^ *[0-9,]+ .*:vs_eval_run[ \[]/ { v = top(v, $1) }
            /^ *[0-9,]+ .*:vs_sim_metrics_row[ \[]/ { m = top(m, $1) }
            /^ *[0-9,]+ .*:vs_draw_fill[ \[]/ { d = top(d, $1) }
            /^ *[0-9,]+ .*:record_fast[. \[]/ { r = top(r, $1) }
            /^ *[0-9,]+ .*:block_fold[. \[]/ { f = top(f, $1) }
            END {
                # the evaluation, metrics and draws also run for iteration 0
                printf "loop %.0f\neval %.0f\nmetrics %.0f\ndraws %.0f\nrecord %.0f\n",
                    e / n, v / (n + 1), m / (n + 1), d / (n + 1), (r + f) / n
            }' >"$B/stages.$2"
}

count "$VARDSIM" new
if [ -n "${BASE:-}" ]; then
    count "$BASE" old
    echo "instructions per iteration ($N iterations, national, 1 thread): stage, new, old, new/old"
    awk 'NR == FNR { old[$1] = $2; next }
         { r = old[$1] > 0 ? sprintf("%.3f", $2 / old[$1]) : "-"
           printf "  %-8s %10d %10d  %s\n", $1, $2, old[$1], r }' \
        "$B/stages.old" "$B/stages.new"
else
    echo "instructions per iteration ($N iterations, national, 1 thread):"
    awk '{ printf "  %-8s %10d\n", $1, $2 }' "$B/stages.new"
fi
