#!/bin/sh
# End-to-end tests of `vardsim sensitivity`: exit statuses, the files it
# writes, thread-count invariance, the Swedish CSV dialect and the tornado
# chart rendered by gnuplot.
# Usage: VARDSIM=/abs/path/vardsim sh tests/cli/sensitivity.sh
. "$(dirname "$0")/common.inc"

cfg="$ROOT/scenarios/vasterbotten-deficit-2023.cfg"
header="variant,metric,input,point,low,high,swing,s1,s1_lo,s1_hi,st,st_lo,st_hi"

# --- usage -------------------------------------------------------------------
expect_status 0 "$VARDSIM" --help
expect_in "$TMP/out" "vardsim sensitivity SCENARIO.cfg"
expect_status 2 "$VARDSIM" sensitivity
expect_in "$TMP/err" "sensitivity needs a scenario file"
expect_status 2 "$VARDSIM" sensitivity "$cfg" -n abc -o "$TMP/none"
expect_in "$TMP/err" "-n needs a whole number"
expect_status 2 "$VARDSIM" sensitivity "$cfg" -n 100001 -o "$TMP/none"
expect_status 2 "$VARDSIM" sensitivity "$cfg" --bootstrap -1 -o "$TMP/none"
expect_status 2 "$VARDSIM" sensitivity "$cfg" --threads 0 -o "$TMP/none"
expect_status 2 "$VARDSIM" sensitivity "$cfg" --csv xx -o "$TMP/none"
expect_status 2 "$VARDSIM" sensitivity "$cfg" -o "$TMP/none" --seed
expect_in "$TMP/err" "option --seed needs a value"
expect_status 2 "$VARDSIM" sensitivity "$cfg" --bogus -o "$TMP/none"
expect_in "$TMP/err" "unknown option '--bogus'"
expect_status 2 "$VARDSIM" sensitivity "$cfg" "$cfg" -o "$TMP/none"
expect_in "$TMP/err" "one scenario file"

[ ! -e "$TMP/none" ] && ok || bad "bad usage: output folder created"

# --- bad scenarios: exit 2, FILE:LINE: message, nothing written -------------
expect_status 2 "$VARDSIM" sensitivity "$TMP/missing.cfg" -o "$TMP/none" --quiet
expect_in "$TMP/err" "missing.cfg"
[ ! -e "$TMP/none" ] && ok || bad "missing scenario: output folder created"
cat >"$TMP/typo.cfg" <<'CFG'
scenario = { name = "typo"; };
centres = ( { id = "a"; name = "A"; listed = 10; cni = 1.2; } );
variants = ( { id = "v"; name = "V";
  rules = ( { type = "cni_threshold"; pot = 100.0; treshold = 1.1; } ); } );
CFG
expect_status 2 "$VARDSIM" sensitivity "$TMP/typo.cfg" -o "$TMP/none" --quiet
expect_in "$TMP/err" "typo.cfg:4:"
[ ! -e "$TMP/none" ] && ok || bad "bad scenario: output folder created"
# a valid scenario with nothing uncertain has nothing to analyse
cat >"$TMP/fixed.cfg" <<'CFG'
scenario = { name = "fixed"; };
centres = ( { id = "a"; name = "A"; listed = 10; cni = 1.2; } );
variants = ( { id = "v"; name = "V"; rules = ( { type = "capitation"; pot = 100.0; } ); } );
CFG
expect_status 2 "$VARDSIM" sensitivity "$TMP/fixed.cfg" -o "$TMP/none" --quiet
expect_in "$TMP/err" "no uncertain input"
[ ! -e "$TMP/none" ] && ok || bad "no inputs: output folder created"

# --- a real run ----------------------------------------------------------------
out="$TMP/s1"
expect_status 0 "$VARDSIM" sensitivity "$cfg" -n 256 --threads 1 -o "$out" --quiet
for f in sensitivity.csv tornado.gp tornado.dat manifest.txt; do
    [ -s "$out/$f" ] && ok || bad "$f missing"
done
if ls -A "$out" | grep -q '^\.'; then bad "temporary files left"; else ok; fi
[ "$(head -n 1 "$out/sensitivity.csv")" = "$header" ] && ok || bad "header: $(head -n 1 "$out/sensitivity.csv")"
expect_in "$out/sensitivity.csv" ",primary_care_share,"
expect_in "$out/sensitivity.csv" ",uncertainty.cni,"
expect_in "$out/sensitivity.csv" ",uncertainty.listed,"
# 6 variants x (8 metrics + total + unallocated) x 3 inputs, and the header
lines=$(wc -l <"$out/sensitivity.csv")
[ "$lines" -eq 181 ] && ok || bad "sensitivity.csv has $lines lines (want 181)"
# every row has 13 fields; money with two decimals in total rows
awk -F, 'NF != 13 { exit 1 }' "$out/sensitivity.csv" && ok || bad "a row without 13 fields"
grep -q '^halsoval,total,primary_care_share,980000000.00,980000000.00,980000000.00,0.00,' "$out/sensitivity.csv" \
    && ok || bad "halsoval total row"
# the share moves the cut: a negative swing of the total (larger share, smaller total)
awk -F, '$1 == "cut_proportional" && $2 == "total" && $3 == "primary_care_share" { found = 1; if (!($7 < 0) || $8 == "") exit 1 }
         END { exit !found }' "$out/sensitivity.csv" && ok || bad "cut_proportional total row"
expect_in "$out/manifest.txt" "seed: 20230350"
expect_in "$out/manifest.txt" "sobol_n: 256"
expect_in "$out/manifest.txt" "threads: 1"
expect_in "$out/manifest.txt" "scenario_sha256: $(sha256sum "$cfg" | cut -d' ' -f1)"

# --- byte-identical for any thread count, and repeatable -----------------------
expect_status 0 "$VARDSIM" sensitivity "$cfg" -n 256 --threads 3 -o "$TMP/s3" --quiet
for f in sensitivity.csv tornado.dat tornado.gp; do
    cmp -s "$out/$f" "$TMP/s3/$f" && ok || bad "threads 1 vs 3: $f differs"
done
expect_status 0 "$VARDSIM" sensitivity "$cfg" -n 256 --seed 9 --threads 2 -o "$TMP/seed9" --quiet
cmp -s "$out/sensitivity.csv" "$TMP/seed9/sensitivity.csv" && bad "seed 9 gives the scenario seed's output" || ok

# --- -n 0: tornado only, Sobol cells empty --------------------------------------
expect_status 0 "$VARDSIM" sensitivity "$cfg" -n 0 -o "$TMP/n0" --quiet
awk -F, 'NR > 1 && ($8 != "" || $11 != "" || $5 == "") { exit 1 }' "$TMP/n0/sensitivity.csv" \
    && ok || bad "-n 0: Sobol cells not empty"

# --- default output folder --------------------------------------------------------
mkdir "$TMP/cwd"
(cd "$TMP/cwd" && "$VARDSIM" sensitivity "$cfg" -n 16 --bootstrap 0 --quiet) >/dev/null 2>&1
[ -s "$TMP/cwd/out/vasterbotten-deficit-2023-sensitivity/sensitivity.csv" ] && ok || bad "default output folder"

# --- Swedish CSV --------------------------------------------------------------------
expect_status 0 "$VARDSIM" sensitivity "$cfg" -n 32 --csv sv -o "$TMP/sv" --quiet
head -c 3 "$TMP/sv/sensitivity.csv" | od -An -tx1 | grep -q "ef bb bf" && ok || bad "sv: no BOM"
head -n 1 "$TMP/sv/sensitivity.csv" | grep -q "variant;metric;input;point;low;high;swing;s1" && ok || bad "sv: header"
tr -d '\n' <"$TMP/sv/sensitivity.csv" | grep -q "$(printf '\r')" && ok || bad "sv: no CRLF"
grep -q "^halsoval;total;primary_care_share;980000000,00;" "$TMP/sv/sensitivity.csv" && ok || bad "sv: decimal comma row"

# --- the tornado chart ---------------------------------------------------------------
if command -v gnuplot >/dev/null 2>&1; then
    for fmt in png svg; do
        (cd "$out" && gnuplot -e "fmt='$fmt'" tornado.gp) >"$TMP/gp.err" 2>&1
        st=$?
        if [ $st -eq 0 ] && [ -s "$out/tornado.$fmt" ]; then ok; else
            bad "gnuplot tornado.gp ($fmt): exit $st"; sed 's/^/    /' "$TMP/gp.err" | head; fi
    done
    head -c 8 "$out/tornado.png" | od -An -c | grep -q "P   N   G" && ok || bad "tornado.png is not a PNG"
    for m in gini total max_loss losers; do
        (cd "$out" && gnuplot -e "metric='$m'" tornado.gp) >"$TMP/gp.err" 2>&1 && ok || {
            bad "gnuplot tornado.gp metric $m"; sed 's/^/    /' "$TMP/gp.err" | head; }
    done
    (cd "$out" && gnuplot -e "metric='nonsense'" tornado.gp) >/dev/null 2>&1 && bad "unknown metric accepted" || ok
else
    echo "SKIP: gnuplot not found; tornado.gp not rendered"
fi

# --- --render: vardsim draws the tornado; a rerun without it removes them ----
if command -v gnuplot >/dev/null 2>&1; then
    rout="$TMP/render"
    expect_status 0 "$VARDSIM" sensitivity "$cfg" -n 0 --render png,svg,pdf -o "$rout" --quiet
    for fmt in png svg pdf; do [ -s "$rout/tornado.$fmt" ] && ok || bad "--render: tornado.$fmt missing"; done
    head -c 8 "$rout/tornado.png" | od -An -c | grep -q "P   N   G" && ok || bad "--render: tornado.png is not a PNG"
    [ -z "$(find "$rout" -name '.*' -type f)" ] && ok || bad "--render: temporary files left"
    # a committee's tornado: the house style, words for the metric and the
    # inputs (never a raw path), one scale for every panel, every text
    # inside the image
    awk 'NR == FNR { want = want $0 "\n"; next } { have = have $0 "\n" }
         END { exit index(have, want) ? 0 : 1 }' "$ROOT/plots/vardsim.gp" "$rout/tornado.gp" \
        && ok || bad "tornado.gp: not the house style"
    svg=$(sed -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g' "$rout/tornado.svg")
    for t in "Vilken osäker indata påverkar mest?" "osäkerhet i CNI" \
        "osäkerhet i antal listade" "andel av underskottet" \
        "Koncentrationsindex efter behov, högre är bättre" "indata på sin 5:e percentil"; do
        printf '%s' "$svg" | grep -qF -- "$t" && ok || bad "tornado.svg lacks: $t"
    done
    printf '%s' "$svg" | grep -q 'uncertainty\.\|>ci_need<\|primary_care_share' && bad "tornado.svg shows a raw path or id" || ok
    n=$(grep -c 'autoscale' "$rout/tornado.gp")
    check_scale=$(awk '/^if \(m == [0-9]+\) \{/ { inb = 1 } inb && /^set xrange/ { n++ } /^}/ { inb = 0 } END { print n + 0 }' "$rout/tornado.gp")
    [ "$n" -eq 0 ] && [ "$check_scale" -eq 10 ] && ok || bad "tornado.gp: not one fixed scale per metric ($n autoscale, $check_scale ranges)"
    python3 "$ROOT/tests/cli/svg_fit.py" "$rout/tornado.svg" >"$TMP/fit" 2>&1 && ok ||
        { bad "tornado.svg: a text leaves the image"; sed 's/^/    /' "$TMP/fit" | head -5; }
    expect_status 0 "$VARDSIM" sensitivity "$cfg" -n 0 -o "$rout" --quiet
    [ ! -e "$rout/tornado.png" ] && [ ! -e "$rout/tornado.svg" ] && ok || bad "rerun without --render left stale images"
fi
expect_status 2 "$VARDSIM" sensitivity "$cfg" -n 0 --render gif -o "$TMP/gif" --quiet
expect_in "$TMP/err" "unknown chart format 'gif'"

# --- Ctrl-C: stops cleanly, writes nothing --------------------------------------------
"$VARDSIM" sensitivity "$cfg" -n 100000 --threads 2 -o "$TMP/intr" --quiet >/dev/null 2>"$TMP/err" &
pid=$!
caught $pid
sleep 0.3
kill -INT $pid 2>/dev/null
wait $pid
st=$?
if [ $st -eq 0 ]; then
    echo "SKIP: the interrupt test finished before the signal"
elif [ $st -eq 1 ] && [ ! -e "$TMP/intr" ] && grep -q "interrupted: no output written" "$TMP/err"; then ok; else
    bad "interrupted: exit $st (want 1) or output left"; sed 's/^/    /' "$TMP/err" | head
fi

echo "sensitivity: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
