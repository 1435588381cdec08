#!/bin/sh
# Paired runs of two vardsim binaries on the same workload, for a noisy
# shared machine: OLD and NEW run at the same time, one on each core, and
# which one starts first alternates, so the neighbours' load and the order
# bias both sides alike.  Prints each pair's rates and the mean and spread
# of NEW/OLD.  Usage (from `make bench BASE=path/to/old/vardsim`):
#   VARDSIM=new BASE=old sh bench/paired.sh [PAIRS]
# The workload is the synthetic national scenario, 1 thread per binary.
# bench/instructions.sh gives a figure the machine's load does not change
# (callgrind's instructions per iteration, by stage).
set -eu
: "${VARDSIM:?set VARDSIM}" "${BASE:?set BASE to the previous binary}"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B="$ROOT/build/bench/paired"
mkdir -p "$B"
${CC:-cc} -O2 -std=c11 -Wall -Wextra "$ROOT/bench/gen_national.c" -lm -o "$B/gen_national"
"$B/gen_national" 1150 >"$B/national.cfg"
PAIRS=${1:-${BENCH_PAIRS:-8}}
N=${BENCH_N:-20000}

rate() { sed -n 's/^iterations_per_second: //p' "$1/manifest.txt"; }

i=0
: >"$B/ratios"
while [ "$i" -lt "$PAIRS" ]; do
    i=$((i + 1))
    if [ $((i % 2)) -eq 1 ]; then first=$VARDSIM; second=$BASE; else first=$BASE; second=$VARDSIM; fi
    "$first" run "$B/national.cfg" -n "$N" --threads 1 --quiet -o "$B/a" >/dev/null &
    p1=$!
    "$second" run "$B/national.cfg" -n "$N" --threads 1 --quiet -o "$B/b" >/dev/null &
    p2=$!
    wait "$p1" "$p2"
    if [ "$first" = "$VARDSIM" ]; then new=$(rate "$B/a"); old=$(rate "$B/b"); else new=$(rate "$B/b"); old=$(rate "$B/a"); fi
    echo "pair $i: new $new it/s, old $old it/s" 
    echo "$new $old" >>"$B/ratios"
done
awk '{ r = $1 / $2; s += r; ss += r * r; n++; if (n == 1 || r < lo) lo = r; if (n == 1 || r > hi) hi = r }
     END { m = s / n; sd = n > 1 ? sqrt((ss - n * m * m) / (n - 1)) : 0;
           printf "new/old over %d pairs: mean %.3f, sd %.3f, range %.3f-%.3f\n", n, m, sd, lo, hi }' "$B/ratios"
# Same bytes: the last pair's tables must match.
for f in metrics.csv centres.csv; do
    cmp -s "$B/a/$f" "$B/b/$f" && echo "$f: identical" || echo "$f: DIFFERS between old and new"
done
