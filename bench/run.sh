#!/bin/sh
# make bench: iterations per second and peak memory of vardsim on the
# synthetic national scenario (1 and 2 threads) and on the shipped
# scenarios at 100,000 iterations, the national peak at 10^6 iterations,
# two threads over one in paired rounds (BENCH_ROUNDS, default 5),
# the national workload in 1, 2 and 3 shards merged and under mpirun -np 2,
# `check` on 1,000, 10,000 and 100,000 centres, then the time of each stage of one iteration (bench/stages.c).  Figures go to standard output and to
# build/bench.txt.  Set BENCH_N to change the national iteration count and
# BENCH_REPEAT the runs per line (the best rate is kept: on a shared
# machine the others measure the neighbours too); BENCH_ONLY=check runs
# only the check lines; BENCH_BIG=0 leaves out the 10^6-iteration line
# and the 100,000-centre lines.
set -eu
: "${VARDSIM:?set VARDSIM}"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B="$ROOT/build/bench"
mkdir -p "$B"
${CC:-cc} -O2 -std=c11 -Wall -Wextra "$ROOT/bench/gen_national.c" -lm -o "$B/gen_national"
"$B/gen_national" 1150 >"$B/national.cfg"
N=${BENCH_N:-20000}
REPEAT=${BENCH_REPEAT:-3}
REPORT="$ROOT/build/bench.txt"
: >"$REPORT"

# rate: iterations per second of the last run, from its manifest
rate() { sed -n 's/^iterations_per_second: //p' "$B/out/manifest.txt"; }

# measure LABEL ARGS...: wall time, it/s and peak RSS from /usr/bin/time -v,
# of the fastest of REPEAT runs
measure() {
    label=$1; shift
    rate=0
    r=0
    while [ "$r" -lt "$REPEAT" ]; do
        r=$((r + 1))
        /usr/bin/time -v "$VARDSIM" "$@" --quiet >"$B/stdout" 2>"$B/time.txt"
        this=$(rate)
        [ "$this" -gt "$rate" ] || continue
        rate=$this
        iters=$(sed -n 's/^iterations: //p' "$B/out/manifest.txt")
        secs=$(sed -n 's/^wall_seconds: //p' "$B/out/manifest.txt")
        rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$B/time.txt")
        elapsed=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$B/time.txt")
    done
    line=$(printf '%-44s %8s it  %8s s sim  %8s it/s  peak %6.1f MB  (process %s)' \
        "$label" "$iters" "$secs" "$rate" "$(echo "$rss" | awk '{print $1/1024}')" "$elapsed")
    echo "$line" | tee -a "$REPORT"
}

echo "vardsim bench on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)" | tee -a "$REPORT"
if [ "${BENCH_ONLY:-}" != check ]; then # BENCH_ONLY=check: the check lines only
measure "national 1150 centres, 6 variants, 1 thread" run "$B/national.cfg" -n "$N" --threads 1 -o "$B/out"
measure "national 1150 centres, 6 variants, 2 threads" run "$B/national.cfg" -n "$N" --threads 2 -o "$B/out"
# Two threads over one, paired.  The best runs of the two lines above can
# come from different minutes, and the speed of a shared machine drifts
# over minutes (one day's lines gave 2.41, more than two cores can).  So
# each of BENCH_ROUNDS rounds runs both, which one first alternating, and
# the median of the rounds' ratios is printed with their range.
rounds=${BENCH_ROUNDS:-5}
: >"$B/scaling"
r=0
while [ "$r" -lt "$rounds" ]; do
    r=$((r + 1))
    if [ $((r % 2)) -eq 1 ]; then order="1 2"; else order="2 1"; fi
    for t in $order; do
        "$VARDSIM" run "$B/national.cfg" -n "$N" --threads "$t" -o "$B/out" --quiet >/dev/null 2>&1
        if [ "$t" = 1 ]; then rate1=$(rate); else rate2=$(rate); fi
    done
    echo "$rate2 $rate1" >>"$B/scaling"
done
awk '{ print $1 / $2 }' "$B/scaling" | sort -n | awk -v n="$rounds" '
    { r[NR] = $1 }
    END { m = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
          printf "%-44s %8.2f x (median of %d rounds, range %.2f-%.2f)\n",
                 "national, 2 threads over 1, paired", m, n, r[1], r[NR] }' | tee -a "$REPORT"
measure "national, 100000 iterations, 2 threads" run "$B/national.cfg" -n 100000 --threads 2 -o "$B/out"
for cfg in "$ROOT"/scenarios/*.cfg; do
    measure "$(basename "$cfg") 100000 it, 2 threads" run "$cfg" -n 100000 --threads 2 -o "$B/out"
done
# Memory does not grow with iterations (region-level values stream past
# 10^7, docs/methods.md): the peak at 10^6 iterations, one run.
# BENCH_BIG=0 skips it (about two minutes on an idle machine).
if [ "${BENCH_BIG:-1}" != 0 ]; then
    R0=$REPEAT
    REPEAT=1
    measure "national, 1000000 iterations, 2 threads" run "$B/national.cfg" -n 1000000 --threads 2 -o "$B/out"
    # 100,000 centres at 6 variants (600,000 per-centre histograms): peak
    # memory (issue 17: at most 1.5 GiB) and time per iteration, the
    # pilot's second pass included (docs/methods.md); one run of a few
    # minutes, most of it loading and writing.
    "$B/gen_national" 100000 >"$B/c100k.cfg"
    measure "100000 centres, 6 variants, 400 it, 1 thread" run "$B/c100k.cfg" -n 400 --threads 1 -o "$B/out"
    line=$(awk -v s="$secs" -v n="$iters" -v r="$rss" \
        'BEGIN { printf "  100000 centres: %.1f ms per iteration, peak %.2f GiB", 1000 * s / n, r / 1048576 }')
    echo "$line" | tee -a "$REPORT"
    REPEAT=$R0
fi

# The same national workload split into shards (one thread each, run one
# after another, then merged) and under mpirun -np 2: iterations per
# second per process (iterations / the processes' seconds added up,
# merge included), beside the one-thread line above, so the cost of
# splitting shows (docs/cluster.md).
now() { date +%s.%N; }
split_line() { # split_line LABEL SECONDS
    line=$(awk -v l="$1" -v n="$N" -v t="$2" \
        'BEGIN { printf "%-44s %8d it  %8.2f s proc  %8.0f it/s per process", l, n, t, n / t }')
    echo "$line" | tee -a "$REPORT"
}
for n in 1 2 3; do
    rm -rf "$B/parts" "$B/outm"
    total=0
    k=1
    while [ "$k" -le "$n" ]; do
        t0=$(now)
        "$VARDSIM" run "$B/national.cfg" -n "$N" --threads 1 --quiet --shard "$k/$n" --partial "$B/parts"
        t1=$(now)
        total=$(awk -v a="$total" -v b="$t0" -v c="$t1" 'BEGIN { print a + c - b }')
        k=$((k + 1))
    done
    t0=$(now)
    "$VARDSIM" merge "$B/parts" -o "$B/outm" >/dev/null
    t1=$(now)
    total=$(awk -v a="$total" -v b="$t0" -v c="$t1" 'BEGIN { print a + c - b }')
    split_line "national, $n shard(s) of 1 thread, merged" "$total"
done
if command -v mpirun >/dev/null 2>&1 && [ -x "${VARDSIM_MPI:-}" ]; then
    t0=$(now)
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun --oversubscribe -np 2 \
        "$VARDSIM_MPI" run "$B/national.cfg" -n "$N" --threads 1 -o "$B/outmpi" >/dev/null
    t1=$(now)
    split_line "national, mpirun -np 2 of 1 thread" \
        "$(awk -v b="$t0" -v c="$t1" 'BEGIN { print 2 * (c - b) }')"
else
    echo "national, mpirun -np 2: skipped (no mpirun, or no build/vardsim-mpi: make MPI=1)" | tee -a "$REPORT"
fi
fi
# check (load and validate) on generated files of 1,000, 10,000 and
# 100,000 centres: loading is near-linear in the file (ids hashed, lines
# indexed); CPU seconds (user + sys) of the fastest of REPEAT runs, since
# on a shared machine the wall clock measures the neighbours too.
for nc in 1000 10000 100000; do
    "$B/gen_national" "$nc" >"$B/check$nc.cfg"
    best=
    r=0
    while [ "$r" -lt "$REPEAT" ]; do
        r=$((r + 1))
        st=0
        /usr/bin/time -v "$VARDSIM" check "$B/check$nc.cfg" >/dev/null 2>"$B/time.txt" || st=$?
        cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$B/time.txt")
        if [ -z "$best" ] || awk "BEGIN {exit !($cpu < $best)}"; then
            best=$cpu
            rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$B/time.txt")
            elapsed=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$B/time.txt")
        fi
    done
    line=$(printf '%-44s %8s s cpu  %6.1f MB file  peak %6.1f MB  (wall %s)%s' \
        "check, $nc centres" "$best" "$(wc -c <"$B/check$nc.cfg" | awk '{print $1/1e6}')" \
        "$(echo "$rss" | awk '{print $1/1024}')" "$elapsed" \
        "$([ "$st" -eq 0 ] || echo "  REFUSED (exit $st)")")
    echo "$line" | tee -a "$REPORT"
done
if [ -n "${STAGES:-}" ] && [ "${BENCH_ONLY:-}" != check ]; then
    "$STAGES" "$B/national.cfg" 5000 | tee -a "$REPORT"
fi
echo "written to $REPORT"
