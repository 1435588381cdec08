#!/bin/sh
# End-to-end tests of --shard K/N --partial DIR and `vardsim merge`
# (docs/partial-format.md): one process, 3 shards merged and 2 shards
# merged give the same bytes (manifest aside), with the per-centre and
# region-level values kept exactly or streamed; bad merges are refused
# with a clear error (exit 2) naming the folder.
# Usage: VARDSIM=/abs/path/vardsim sh tests/cli/shard.sh
. "$(dirname "$0")/common.inc"
. "$(dirname "$0")/shard.inc"
cfg="$ROOT/scenarios/vasterbotten-2023.cfg"

# shards CFG N DIR ARGS...: run shards 1..N of CFG into DIR
shards() {
    c=$1 n=$2 d=$3
    shift 3
    k=1
    while [ $k -le "$n" ]; do
        expect_status 0 "$VARDSIM" run "$c" --shard "$k/$n" --partial "$d" --threads $((k % 2 + 1)) "$@"
        k=$((k + 1))
    done
}

# --- exact quantiles: whole, 3 shards, 2 shards (+ xlsx, report, draws) --
opts="-n 1100 --seed 7 --xlsx --report --draws --quiet"
expect_status 0 "$VARDSIM" run "$cfg" $opts -o "$TMP/whole"
shards "$cfg" 3 "$TMP/p3" $opts
[ -s "$TMP/p3/partial-1-of-3.vsp" ] && [ -s "$TMP/p3/partial-3-of-3.vsp" ] && ok || bad "no partial files"
[ ! -e "$TMP/p3/metrics.csv" ] && ok || bad "a shard wrote tables"
head -n 1 "$TMP/p3/partial-2-of-3.vsp" | grep -qx 'vardsim-partial 1' && ok || bad "partial head"
expect_status 0 "$VARDSIM" merge "$TMP/p3" -o "$TMP/m3"
same_dirs "$TMP/whole" "$TMP/m3" "3 shards"
for f in metrics.csv centres.csv explain.csv draws.csv results.xlsx report.html; do
    [ -s "$TMP/m3/$f" ] && ok || bad "merge: $f missing"
done
[ -e "$TMP/m3/warnings.txt" ] && ok || bad "merge: warnings.txt missing"
# two folders, two shards each with its own folder
mkdir -p "$TMP/p2a" "$TMP/p2b"
expect_status 0 "$VARDSIM" run "$cfg" $opts --shard 1/2 --partial "$TMP/p2a"
expect_status 0 "$VARDSIM" run "$cfg" $opts --shard 2/2 --partial "$TMP/p2b"
expect_status 0 "$VARDSIM" merge "$TMP/p2a" "$TMP/p2b" -o "$TMP/m2"
same_dirs "$TMP/whole" "$TMP/m2" "2 shards"
# more shards than blocks (5 blocks, 7 shards: some compute the point only)
shards "$cfg" 7 "$TMP/p7" $opts
expect_status 0 "$VARDSIM" merge "$TMP/p7" -o "$TMP/m7"
same_dirs "$TMP/whole" "$TMP/m7" "7 shards"

# charts: --render is recorded by the shards and done by merge
if command -v gnuplot >/dev/null 2>&1; then
    expect_status 0 "$VARDSIM" run "$cfg" -n 300 --render png --quiet -o "$TMP/rwhole"
    shards "$cfg" 2 "$TMP/rp" -n 300 --render png --quiet
    [ -z "$(find "$TMP/rp" -name '*.png')" ] && ok || bad "a shard rendered"
    expect_status 0 "$VARDSIM" merge "$TMP/rp" -o "$TMP/rm"
    ls "$TMP/rm"/*.png >/dev/null 2>&1 && ok || bad "merge: no png"
    same_dirs "$TMP/rwhole" "$TMP/rm" "--render png"
else
    echo "shard: gnuplot not installed: the --render merge is not tested"
fi

# --- streamed: per-centre histograms and region-level streams ------------
# 60 variants x 4 centres at 20 100 iterations: 4.8e6 centre values
# (over 4e6) and 1.2e7 region-level values (over 1e7), both streamed.
big="$TMP/big.cfg"
many_variants "$big"
bopts="-n 20100 --quiet"
expect_status 0 "$VARDSIM" run "$big" $bopts -o "$TMP/bwhole"
expect_in "$TMP/bwhole/manifest.txt" "histogram"
shards "$big" 3 "$TMP/bp3" $bopts
expect_status 0 "$VARDSIM" merge "$TMP/bp3" -o "$TMP/bm3"
same_dirs "$TMP/bwhole" "$TMP/bm3" "streamed, 3 shards"
shards "$big" 2 "$TMP/bp2" $bopts
expect_status 0 "$VARDSIM" merge "$TMP/bp2" -o "$TMP/bm2"
same_dirs "$TMP/bwhole" "$TMP/bm2" "streamed, 2 shards"

# --- sweep: a block is one point of the grid (11 points; 3, 2, 13 shards) --
sw="--over cni_topup.cni_threshold.threshold=1.0:1.5:0.1 --over cni_topup.cni_threshold.pot=1e6,3e6 -n 150 --xlsx --quiet"
expect_status 0 "$VARDSIM" sweep "$cfg" $sw -o "$TMP/swhole"
for n in 3 2 13; do
    k=1
    while [ $k -le $n ]; do
        expect_status 0 "$VARDSIM" sweep "$cfg" $sw --shard "$k/$n" --partial "$TMP/sp$n"
        k=$((k + 1))
    done
    expect_status 0 "$VARDSIM" merge "$TMP/sp$n" -o "$TMP/sm$n"
    same_dirs "$TMP/swhole" "$TMP/sm$n" "sweep, $n shards"
done
# a sweep's warnings (warnings.txt and --strict) come through the merge
tw="--over topup.cni_threshold.pot=1e6,4e6 -n 100 --strict --quiet"
expect_status 3 "$VARDSIM" sweep "$ROOT/tests/cli/warn/trial.cfg" $tw -o "$TMP/tws"
for k in 1 2; do
    expect_status 0 "$VARDSIM" sweep "$ROOT/tests/cli/warn/trial.cfg" $tw --shard $k/2 --partial "$TMP/twp"
done
expect_status 3 "$VARDSIM" merge "$TMP/twp" -o "$TMP/twm"
same_dirs "$TMP/tws" "$TMP/twm" "sweep --strict"
[ -s "$TMP/twm/warnings.txt" ] && ok || bad "sweep merge: no warnings"
# --- sensitivity: a block is one Sobol base row with its runs ------------
# (the tornado is merge's); warnings counted over every evaluation
trial="$ROOT/tests/cli/warn/trial.cfg"
so="-n 40 --bootstrap 10 --xlsx --quiet --strict"
expect_status 3 "$VARDSIM" sensitivity "$trial" $so -o "$TMP/sewhole"
for n in 3 2; do
    k=1
    while [ $k -le $n ]; do
        expect_status 0 "$VARDSIM" sensitivity "$trial" $so --shard "$k/$n" --partial "$TMP/sep$n"
        k=$((k + 1))
    done
    expect_status 3 "$VARDSIM" merge "$TMP/sep$n" -o "$TMP/sem$n"
    same_dirs "$TMP/sewhole" "$TMP/sem$n" "sensitivity, $n shards"
done
expect_in "$TMP/sem3/warnings.txt" "in 17.2 % of draws"
# -n 0: the tornado only, every shard without a row
expect_status 0 "$VARDSIM" sensitivity "$cfg" -n 0 --quiet -o "$TMP/se0"
for k in 1 2; do
    expect_status 0 "$VARDSIM" sensitivity "$cfg" -n 0 --quiet --shard $k/2 --partial "$TMP/se0p"
done
expect_status 0 "$VARDSIM" merge "$TMP/se0p" -o "$TMP/se0m"
same_dirs "$TMP/se0" "$TMP/se0m" "sensitivity -n 0"

# a run's partial and a sweep's do not merge
mkdir -p "$TMP/mix"
cp "$TMP/sp2/partial-1-of-2.vsp" "$TMP/mix/"
cp "$TMP/p2a/partial-1-of-2.vsp" "$TMP/mix/partial-2-of-2.vsp"
expect_status 2 "$VARDSIM" merge "$TMP/mix" -o "$TMP/x"
expect_in "$TMP/err" "shard 1 of 2"

# --- --strict: a partial never exits 3, merge does ------------------------
trial="$ROOT/tests/cli/warn/trial.cfg"
expect_status 0 "$VARDSIM" run "$trial" -n 300 --strict --quiet --shard 1/2 --partial "$TMP/ps"
expect_status 0 "$VARDSIM" run "$trial" -n 300 --strict --quiet --shard 2/2 --partial "$TMP/ps"
expect_status 3 "$VARDSIM" merge "$TMP/ps" -o "$TMP/ms"
expect_status 3 "$VARDSIM" run "$trial" -n 300 --strict --quiet -o "$TMP/ws"
same_dirs "$TMP/ws" "$TMP/ms" "--strict"

# --- bad merges -------------------------------------------------------------
# a missing shard
mkdir -p "$TMP/miss"
cp "$TMP/p3/partial-1-of-3.vsp" "$TMP/p3/partial-3-of-3.vsp" "$TMP/miss/"
expect_status 2 "$VARDSIM" merge "$TMP/miss" -o "$TMP/x"
expect_in "$TMP/err" "shard 2 of 3 is missing (looked in folder $TMP/miss)"
[ ! -e "$TMP/x" ] && ok || bad "a refused merge wrote $TMP/x"
# a duplicate (the same shard in two folders)
mkdir -p "$TMP/dup"
cp "$TMP/p3/partial-2-of-3.vsp" "$TMP/dup/"
expect_status 2 "$VARDSIM" merge "$TMP/p3" "$TMP/dup" -o "$TMP/x"
expect_in "$TMP/err" "folder $TMP/dup: shard 2 of 3 twice"
# another seed
mkdir -p "$TMP/seed"
cp "$TMP/p3/partial-1-of-3.vsp" "$TMP/p3/partial-3-of-3.vsp" "$TMP/seed/"
o2=$(echo "$opts" | sed 's/--seed 7/--seed 8/')
expect_status 0 "$VARDSIM" run "$cfg" $o2 --shard 2/3 --partial "$TMP/seed"
expect_status 2 "$VARDSIM" merge "$TMP/seed" -o "$TMP/x"
expect_in "$TMP/err" "other options"
expect_in "$TMP/err" "folder $TMP/seed"
# another scenario (the same file name, one number changed)
mkdir -p "$TMP/other" "$TMP/osc"
sed 's/seed = 20230101/seed = 20230102/' "$cfg" >"$TMP/osc/vasterbotten-2023.cfg"
cp "$TMP/p3/partial-1-of-3.vsp" "$TMP/p3/partial-3-of-3.vsp" "$TMP/other/"
expect_status 0 "$VARDSIM" run "$TMP/osc/vasterbotten-2023.cfg" $opts --shard 2/3 --partial "$TMP/other"
expect_status 2 "$VARDSIM" merge "$TMP/other" -o "$TMP/x"
expect_in "$TMP/err" "another scenario file (SHA-256)"
# the scenario changed since the shards ran
cp "$cfg" "$TMP/osc/s.cfg"
for k in 1 2; do
    expect_status 0 "$VARDSIM" run "$TMP/osc/s.cfg" -n 300 --quiet --shard $k/2 --partial "$TMP/chg"
done
echo "# changed" >>"$TMP/osc/s.cfg"
expect_status 2 "$VARDSIM" merge "$TMP/chg" -o "$TMP/x"
expect_in "$TMP/err" "made from another scenario file than"
# another N
mkdir -p "$TMP/othern"
cp "$TMP/p3/partial-1-of-3.vsp" "$TMP/p3/partial-2-of-3.vsp" "$TMP/p2a/partial-1-of-2.vsp" "$TMP/othern/"
expect_status 2 "$VARDSIM" merge "$TMP/othern" -o "$TMP/x"
expect_in "$TMP/err" "another number of shards N"
# another version (the head edited), and another format
mkdir -p "$TMP/ver"
cp "$TMP/p3/partial-1-of-3.vsp" "$TMP/p3/partial-3-of-3.vsp" "$TMP/ver/"
sed '2s/^version .*/version 99.0.0/' "$TMP/p3/partial-2-of-3.vsp" >"$TMP/ver/partial-2-of-3.vsp"
expect_status 2 "$VARDSIM" merge "$TMP/ver" -o "$TMP/x"
expect_in "$TMP/err" "another vardsim version"
sed '1s/^vardsim-partial 1$/vardsim-partial 2/' "$TMP/p3/partial-2-of-3.vsp" >"$TMP/ver/partial-2-of-3.vsp"
expect_status 2 "$VARDSIM" merge "$TMP/ver" -o "$TMP/x"
expect_in "$TMP/err" "its format (this vardsim reads partial format 1)"
# damaged: a byte changed in the payload, cut short, not a partial at all
f2="$TMP/ver/partial-2-of-3.vsp"
size=$(wc -c <"$TMP/p3/partial-2-of-3.vsp")
cp "$TMP/p3/partial-2-of-3.vsp" "$f2"
printf 'Z' | dd of="$f2" bs=1 seek=$((size - 500)) conv=notrunc 2>/dev/null
expect_status 2 "$VARDSIM" merge "$TMP/ver" -o "$TMP/x"
expect_in "$TMP/err" "its checksum does not match"
head -c $((size / 2)) "$TMP/p3/partial-2-of-3.vsp" >"$f2"
expect_status 2 "$VARDSIM" merge "$TMP/ver" -o "$TMP/x"
expect_in "$TMP/err" "shorter than its payload"
echo "hello" >"$f2"
expect_status 2 "$VARDSIM" merge "$TMP/ver" -o "$TMP/x"
expect_in "$TMP/err" "not a partial result vardsim can read"
# an empty folder, no -o
mkdir -p "$TMP/empty"
expect_status 2 "$VARDSIM" merge "$TMP/empty" -o "$TMP/x"
expect_in "$TMP/err" "folder $TMP/empty holds no partial result"
expect_status 2 "$VARDSIM" merge "$TMP/p3"
[ ! -e "$TMP/x" ] && ok || bad "a refused merge wrote $TMP/x"

# --- bad usage ----------------------------------------------------------------
expect_status 2 "$VARDSIM" run "$cfg" -n 100 --shard 1/2 --partial "$TMP/u" --precision 0.01
expect_in "$TMP/err" "--precision cannot be used with --shard"
expect_status 2 "$VARDSIM" run "$cfg" -n 100 --shard 1/2
expect_in "$TMP/err" "--shard K/N and --partial DIR go together"
expect_status 2 "$VARDSIM" run "$cfg" -n 100 --shard 3/2 --partial "$TMP/u"
expect_in "$TMP/err" "--shard needs K/N"
expect_status 2 "$VARDSIM" run "$cfg" -n 100 --shard 1/2 --partial "$TMP/u" -o "$TMP/u2"
expect_status 2 "$VARDSIM" run "$ROOT/scenarios/vasterbotten-plan.cfg" -n 100 --shard 1/2 --partial "$TMP/u"
expect_in "$TMP/err" "a scenario with a plan cannot be split into shards"
[ ! -e "$TMP/u" ] && ok || bad "a refused shard wrote $TMP/u"

echo "shard: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
