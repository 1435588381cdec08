#!/bin/sh
# End-to-end tests of build/vardsim-mpi (make MPI=1, docs/cluster.md):
# mpirun -np 1, 2 and 3 give the single process's bytes (manifest aside)
# for a run with exact quantiles and one with streamed ones (per-centre
# histograms and region-level streams), a sweep and a sensitivity
# analysis; a failing rank fails the run.
# Usage: VARDSIM=/abs/vardsim VARDSIM_MPI=/abs/vardsim-mpi sh tests/cli/mpi.sh
. "$(dirname "$0")/common.inc"
. "$(dirname "$0")/shard.inc"
: "${VARDSIM_MPI:?set VARDSIM_MPI to build/vardsim-mpi}"
# One machine: more ranks than cores, and root in containers.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
mpi() { mpirun --oversubscribe -np "$@"; }
# the ranks' partials go to a folder of this test's own
export TMPDIR="$TMP/ranks"
mkdir -p "$TMPDIR"
cfg="$ROOT/scenarios/vasterbotten-2023.cfg"

opts="-n 1100 --seed 7 --xlsx --report"
expect_status 0 "$VARDSIM" run "$cfg" $opts --quiet -o "$TMP/whole"
for np in 1 2 3; do
    expect_status 0 mpi $np "$VARDSIM_MPI" run "$cfg" $opts -o "$TMP/mpi$np"
    same_dirs "$TMP/whole" "$TMP/mpi$np" "exact, mpirun -np $np"
done

big="$TMP/big.cfg"
many_variants "$big"
expect_status 0 "$VARDSIM" run "$big" -n 20100 --quiet -o "$TMP/bwhole"
expect_in "$TMP/bwhole/manifest.txt" "region_quantiles: histograms"
for np in 1 2 3; do
    expect_status 0 mpi $np "$VARDSIM_MPI" run "$big" -n 20100 --threads 1 -o "$TMP/bmpi$np"
    same_dirs "$TMP/bwhole" "$TMP/bmpi$np" "streamed, mpirun -np $np"
done

# a sweep (a block is one point)
sw="--over cni_topup.cni_threshold.threshold=1.0:1.5:0.1 -n 150 --xlsx"
expect_status 0 "$VARDSIM" sweep "$cfg" $sw --quiet -o "$TMP/swhole"
for np in 2 3; do
    expect_status 0 mpi $np "$VARDSIM_MPI" sweep "$cfg" $sw -o "$TMP/smpi$np"
    same_dirs "$TMP/swhole" "$TMP/smpi$np" "sweep, mpirun -np $np"
done

# a sensitivity analysis (a block is one Sobol base row)
se="-n 48 --bootstrap 10 --xlsx"
expect_status 0 "$VARDSIM" sensitivity "$cfg" $se --quiet -o "$TMP/sewhole"
for np in 2 3; do
    expect_status 0 mpi $np "$VARDSIM_MPI" sensitivity "$cfg" $se -o "$TMP/sempi$np"
    same_dirs "$TMP/sewhole" "$TMP/sempi$np" "sensitivity, mpirun -np $np"
done

# --strict: the merge's exit status is the run's
trial="$ROOT/tests/cli/warn/trial.cfg"
expect_status 3 mpi 2 "$VARDSIM_MPI" run "$trial" -n 300 --strict -o "$TMP/strict"
[ -s "$TMP/strict/warnings.txt" ] && ok || bad "--strict: no warnings.txt"

# failures: a bad option on every rank, no -o, a plan (refused)
expect_status 2 mpi 2 "$VARDSIM_MPI" run "$cfg" -n 100 --precision 0.1 -o "$TMP/x"
expect_in "$TMP/err" "--precision cannot be used with --shard"
expect_status 2 mpi 2 "$VARDSIM_MPI" run "$cfg" -n 100
expect_in "$TMP/err" "-o OUT is needed"
expect_status 2 mpi 2 "$VARDSIM_MPI" check "$cfg" -o "$TMP/x"
[ ! -e "$TMP/x" ] && ok || bad "a failed mpi run wrote $TMP/x"
[ -z "$(ls -A "$TMPDIR")" ] && ok || bad "partials left in $TMPDIR: $(ls "$TMPDIR")"

echo "mpi: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
