#!/bin/sh
# The vector loops (src/engine/vecmath.c and its callers) run in an AVX2 version
# where the CPU has AVX2 and in a baseline x86-64 version elsewhere, and
# must give the same bytes.  `make simd-test` builds a second binary with
# the baseline versions only (-DVS_NO_CLONES) and this script compares
# the two on the shipped scenarios and on a synthetic national one large
# enough for histogram quantiles, draws included.
# Usage: VARDSIM=/abs/vardsim VARDSIM_BASE=/abs/vardsim-baseline sh tests/cli/simd.sh
. "$(dirname "$0")/common.inc"
: "${VARDSIM_BASE:?set VARDSIM_BASE to the baseline-only vardsim binary}"

${CC:-cc} -O2 -std=c11 "$ROOT/bench/gen_national.c" -lm -o "$TMP/gen_national" && ok || bad "gen_national"
"$TMP/gen_national" 300 >"$TMP/national.cfg"

# compare NAME CFG N: both binaries, 1 and 2 threads, byte for byte
compare() {
    for t in 1 2; do
        expect_status 0 "$VARDSIM" run "$2" -n "$3" --threads "$t" --draws -o "$TMP/$1-v$t" --quiet
        expect_status 0 "$VARDSIM_BASE" run "$2" -n "$3" --threads "$t" --draws -o "$TMP/$1-b$t" --quiet
        for f in metrics.csv centres.csv draws.csv; do
            if cmp -s "$TMP/$1-v$t/$f" "$TMP/$1-b$t/$f"; then ok; else
                bad "$1, $t thread(s): $f differs between the vector and baseline builds"
                diff "$TMP/$1-v$t/$f" "$TMP/$1-b$t/$f" | head -6
            fi
        done
    done
}
for cfg in "$ROOT"/scenarios/*.cfg; do
    compare "$(basename "$cfg" .cfg)" "$cfg" 2000
done
# 300 centres x 6 variants x 2 500 iterations is past the exact limit
compare national "$TMP/national.cfg" 2500
expect_in "$TMP/national-v1/manifest.txt" "centre_quantiles: histograms"

echo "simd: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
