#!/bin/sh
# End-to-end tests: run the real vardsim binary and check exit statuses,
# messages and output files.  Usage: VARDSIM=/abs/path/vardsim sh tests/cli/run.sh
# UPDATE_GOLDEN=1 rewrites tests/golden/ from the current binary (commit the
# change with a note on why the numbers moved).
. "$(dirname "$0")/common.inc"

# --- usage ---------------------------------------------------------------
expect_status 0 "$VARDSIM" --help
expect_in "$TMP/out" "vardsim check SCENARIO.cfg"
expect_status 0 "$VARDSIM" --version
expect_in "$TMP/out" "vardsim $(cat "$ROOT/VERSION")"
expect_status 2 "$VARDSIM"
expect_status 2 "$VARDSIM" frobnicate
expect_in "$TMP/err" "unknown command 'frobnicate'"
expect_status 2 "$VARDSIM" run
expect_status 2 "$VARDSIM" run "$ROOT/scenarios/vasterbotten-2023.cfg" -n abc
expect_in "$TMP/err" "-n needs a whole number"
expect_status 2 "$VARDSIM" run "$ROOT/scenarios/vasterbotten-2023.cfg" --threads 0
expect_status 2 "$VARDSIM" run "$ROOT/scenarios/vasterbotten-2023.cfg" --bogus
expect_in "$TMP/err" "unknown option '--bogus'"
expect_status 2 "$VARDSIM" check "$TMP/missing.cfg"
expect_in "$TMP/err" "missing.cfg"

# --- bad scenarios: exit 2, FILE:LINE: message, nothing written ----------
for cfg in "$ROOT"/tests/cli/bad/*.cfg; do
    [ -e "$cfg" ] || continue
    name=$(basename "$cfg")
    exp="${cfg%.cfg}.expect"
    (cd "$ROOT/tests/cli/bad" && "$VARDSIM" check "$name") >"$TMP/out" 2>"$TMP/err"
    st=$?
    if [ $st -ne 2 ]; then bad "check $name: exit $st (want 2)"; sed 's/^/    /' "$TMP/err" | head; continue; fi
    if [ -f "$exp" ]; then
        while IFS= read -r line || [ -n "$line" ]; do
            [ -n "$line" ] || continue
            if grep -qF -- "$line" "$TMP/err"; then ok; else
                bad "check $name: stderr lacks '$line'"; sed 's/^/    /' "$TMP/err" | head; fi
        done <"$exp"
    else
        bad "$name has no .expect file"
    fi
    # run must fail the same way and leave no output folder
    (cd "$TMP" && "$VARDSIM" run "$cfg" -n 0 -o "$TMP/badout" --quiet) >/dev/null 2>&1
    st=$?
    if [ $st -eq 2 ] && [ ! -e "$TMP/badout" ]; then ok; else bad "run $name: exit $st or output left"; fi
done

# --- shipped scenarios ---------------------------------------------------
for cfg in "$ROOT"/scenarios/*.cfg; do
    name=$(basename "$cfg" .cfg)
    expect_status 0 "$VARDSIM" check "$cfg"
    expect_in "$TMP/out" ": ok"
    out="$TMP/run-$name"
    expect_status 0 "$VARDSIM" run "$cfg" -n 0 --threads 1 -o "$out" --quiet
    for f in metrics.csv centres.csv explain.csv manifest.txt; do
        [ -s "$out/$f" ] && ok || bad "$name: $f missing"
    done
    [ -f "$out/warnings.txt" ] && ok || bad "$name: warnings.txt missing"
    # no temporary files left
    if ls -A "$out" | grep -q '^\.'; then bad "$name: temporary files left"; else ok; fi
    # golden point estimates, byte for byte
    gold="$ROOT/tests/golden/$name"
    files="metrics.csv centres.csv explain.csv"
    # a scenario with a plan has its tables too
    [ -f "$out/plan.csv" ] && files="$files plan.csv plan_metrics.csv plan_summary.csv"
    if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
        mkdir -p "$gold" && for f in $files; do cp "$out/$f" "$gold/"; done
    fi
    for f in $files; do
        if cmp -s "$out/$f" "$gold/$f"; then ok; else
            bad "$name: $f differs from tests/golden/$name/$f"; diff "$gold/$f" "$out/$f" | head -10; fi
    done
    # every variant's centre allocations add up, to the öre, to its total
    awk -F, 'FNR == 1 { next }
             FILENAME ~ /centres/ { sum[$1] += int($6 * 100 + ($6 < 0 ? -0.5 : 0.5)); next }
             $2 == "total" { tot[$1] = int($3 * 100 + 0.5) }
             END { for (v in tot) if (sum[v] != tot[v]) { print v, sum[v], tot[v]; bad = 1 } exit bad }' \
        "$out/centres.csv" "$out/metrics.csv" && ok || bad "$name: centre sums differ from totals"
done

# --- Monte Carlo: byte-identical for any thread count ---------------------
cfg="$ROOT/scenarios/vasterbotten-deficit-2023.cfg"
for t in 1 2 7; do
    expect_status 0 "$VARDSIM" run "$cfg" -n 300 --seed 7 --threads $t -o "$TMP/t$t" --draws --quiet
done
for t in 2 7; do
    for f in metrics.csv centres.csv draws.csv; do
        cmp -s "$TMP/t1/$f" "$TMP/t$t/$f" && ok || bad "threads 1 vs $t: $f differs"
    done
done
expect_status 0 "$VARDSIM" run "$cfg" -n 300 --seed 7 --threads 2 -o "$TMP/again" --draws --quiet
cmp -s "$TMP/t1/metrics.csv" "$TMP/again/metrics.csv" && ok || bad "second run differs"
expect_status 0 "$VARDSIM" run "$cfg" -n 300 --seed 8 --threads 2 -o "$TMP/seed8" --quiet
cmp -s "$TMP/t1/metrics.csv" "$TMP/seed8/metrics.csv" && bad "seed 8 gives seed 7's output" || ok
expect_in "$TMP/t2/manifest.txt" "threads: 2"
expect_in "$TMP/t2/manifest.txt" "seed: 7"
expect_in "$TMP/t2/manifest.txt" "generator: gsl 2."
expect_in "$TMP/t2/manifest.txt" "scenario_sha256: $(sha256sum "$cfg" | cut -d' ' -f1)"

# --- --precision: stops at a block of 1000 and says so in the manifest -----
expect_status 0 "$VARDSIM" run "$ROOT/scenarios/vasterbotten-2023.cfg" -n 50000 --precision 0.1 --threads 2 -o "$TMP/prec" --quiet
it=$(sed -n 's/^iterations: //p' "$TMP/prec/manifest.txt")
if [ -n "$it" ] && [ "$it" -lt 50000 ] && [ $((it % 1000)) -eq 0 ]; then ok; else bad "precision: $it iterations"; fi
expect_in "$TMP/prec/manifest.txt" "precision: 0.1 (reached after $it iterations)"
expect_status 0 "$VARDSIM" run "$ROOT/scenarios/vasterbotten-2023.cfg" -n 50000 --precision 0.1 --threads 1 -o "$TMP/prec1" --quiet
cmp -s "$TMP/prec/metrics.csv" "$TMP/prec1/metrics.csv" && ok || bad "precision: threads change the result"

# --- the side-by-side summary on standard output --------------------------
expect_status 0 "$VARDSIM" run "$ROOT/scenarios/vasterbotten-2023.cfg" -n 0 -o "$TMP/summary"
# in the scenario's language (sv: words, decimal comma) with centre names
expect_in "$TMP/out" "Förändring mot status_2022 per hälsocentral (kr, punktskattning)"
grep -E '^Ålidhems hälsocentral +1,62 +-666 666 +-111 780 +241 579 +-216 666$' "$TMP/out" >/dev/null && ok || bad "summary: Ålidhem row"
grep -E '^totalt \(kr\) +980 000 000 +982 000 000' "$TMP/out" >/dev/null && ok || bad "summary: totals row"
grep -E '^Gini +0,0385 ' "$TMP/out" >/dev/null && ok || bad "summary: gini with a decimal comma"
grep -E '^konc.index behov +0,0094 ' "$TMP/out" >/dev/null && ok || bad "summary: metric rows in Swedish words"
grep -q '^ci_need' "$TMP/out" && bad "summary: a raw metric id as a row head" || ok
# a value that rounds to zero has no sign: halsoval's Theil is -5e-17 with
# the declared need (rounding), which printed as "-0,0000"; the others are
# about 1e-5 and show in units of 10^-5, not as a row of 0,0000
grep -E '^Theil T \(× 10⁻⁵\) +0,0000 +1,5615 ' "$TMP/out" >/dev/null && ok ||
    bad "summary: Theil not in units of 10^-5, or rounding printed with a sign: $(grep '^Theil' "$TMP/out")"
grep -E ' -0,0+( |$)' "$TMP/out" && bad "summary: a signed zero" || ok
# names that share their first 24 characters stay apart (not cut)
grep -q '^Bolidens hälsocentral (med Jörn) ' "$TMP/out" && ok || bad "summary: a long centre name cut"
# scenario.centre_term names the centres; English words and SEK
sed -e 's/lang = "sv";/lang = "sv"; centre_term = "vårdcentral";/' \
    "$ROOT/scenarios/vasterbotten-2023.cfg" >"$TMP/vc.cfg"
expect_status 0 "$VARDSIM" run "$TMP/vc.cfg" -n 0 -o "$TMP/vc"
expect_in "$TMP/out" "Förändring mot status_2022 per vårdcentral (kr, punktskattning)"
grep -q '^Vårdcentral  *CNI ' "$TMP/out" && ok || bad "summary: the centre term as the column head"
sed -e 's/lang = "sv";/lang = "en";/' "$ROOT/scenarios/vasterbotten-2023.cfg" >"$TMP/en.cfg"
expect_status 0 "$VARDSIM" run "$TMP/en.cfg" -n 0 -o "$TMP/en"
expect_in "$TMP/out" "Change against status_2022 per health centre (SEK, point estimate)"
grep -E '^conc. index need +0.0094 ' "$TMP/out" >/dev/null && ok || bad "summary: English metric words, decimal point"
grep -E '^total \(SEK\) +980 000 000' "$TMP/out" >/dev/null && ok || bad "summary: English totals row"
expect_status 0 "$VARDSIM" run "$ROOT/scenarios/vasterbotten-2023.cfg" -n 0 -o "$TMP/summary" --quiet
[ -s "$TMP/out" ] && bad "--quiet still prints" || ok

# --- Ctrl-C: stops cleanly, exit 1, nothing written ------------------------
"$VARDSIM" run "$ROOT/scenarios/vasterbotten-2023.cfg" -n 50000000 --quiet -o "$TMP/intr" >"$TMP/out" 2>"$TMP/err" &
pid=$!
caught $pid
sleep 1
kill -INT $pid
wait $pid
st=$?
[ $st -eq 1 ] && ok || bad "interrupted run: exit $st (want 1)"
expect_in "$TMP/err" "interrupted: no output written"
[ -e "$TMP/intr" ] && bad "interrupted run left $TMP/intr" || ok

# --- Swedish CSV -----------------------------------------------------------
expect_status 0 "$VARDSIM" run "$ROOT/scenarios/vasterbotten-2023.cfg" -n 0 --csv sv -o "$TMP/sv" --quiet
head -c 3 "$TMP/sv/metrics.csv" | od -An -tx1 | grep -q "ef bb bf" && ok || bad "sv: no BOM"
head -n 1 "$TMP/sv/centres.csv" | grep -q "variant;centre;name;listed;cni;point" && ok || bad "sv: header"
tr -d '\n' <"$TMP/sv/centres.csv" | grep -q "$(printf '\r')" && ok || bad "sv: no CRLF"
grep -q "Ålidhems hälsocentral;11450;1,62;" "$TMP/sv/centres.csv" && ok || bad "sv: decimal comma row"

# --set scenario.lang: the Swedish scenario's tables and charts in English
expect_status 0 "$VARDSIM" run "$ROOT/scenarios/vasterbotten-2023.cfg" -n 20 \
    --set scenario.lang=en -o "$TMP/en" >"$TMP/out" 2>"$TMP/err"
expect_in "$TMP/out" "Change against status_2022 per health centre"
expect_in "$TMP/en/allocation.gp" "Change per health centre against the baseline"
grep -q 'Förändring' "$TMP/en/allocation.gp" && bad "lang=en: Swedish words in allocation.gp" || ok
expect_in "$TMP/en/manifest.txt" "scenario.lang=en"
expect_status 2 "$VARDSIM" run "$ROOT/scenarios/vasterbotten-2023.cfg" -n 20 \
    --set scenario.lang=fi -o "$TMP/fi" >"$TMP/out" 2>"$TMP/err"
expect_in "$TMP/err" "'scenario.lang': it must be sv or en, got 'fi'"

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
