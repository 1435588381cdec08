#!/bin/sh
# End-to-end injection tests of EVERY chart script vardsim writes: the run's
# four charts, a one-way and a two-way sweep's charts, the sensitivity
# tornado and the plan's chart, on one scenario whose names are a hostile corpus (both quotes,
# backquotes, %, @, \, system(...), a leading '-' and '=').  Each script is
# rendered by the real gnuplot (by vardsim --render and by hand); nothing
# may run, and every name must show as typed.  Also: % in tic labels,
# chart data files protected against spreadsheet formulas, and a chain of
# 1,000 variants refused before gnuplot is asked for a 2,000 cm page.
# Usage: VARDSIM=/abs/path/vardsim sh tests/cli/inject.sh
. "$(dirname "$0")/common.inc"
check() { # check DESCRIPTION CMD...: pass when CMD succeeds
    what=$1; shift
    if "$@"; then ok; else bad "$what"; fi
}
finish() {
    echo "inject: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
    exit $?
}
if ! command -v gnuplot >/dev/null 2>&1; then
    bad "gnuplot is not installed (apt-get install gnuplot-nox): charts cannot be tested"
    finish
fi

svg_text() {
    sed -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&quot;/"/g' -e "s/&apos;/'/g" -e 's/&amp;/\&/g' "$1"
}
svg_has() { # svg_has FILE TEXT
    if svg_text "$1" | grep -qF -- "$2"; then ok; else bad "$1 lacks the text: $2"; fi
}
# /tmp/pwned is named in a scenario: it must not appear, or not change.
pwned_before=$(ls -l --time-style=+%s.%N /tmp/pwned 2>/dev/null)
no_markers() { # no_markers WHEN
    found=$(find "$TMP" "$ROOT" -name 'MARKER*' 2>/dev/null | head -5)
    if [ -z "$found" ]; then ok; else bad "$1: a name ran a command: $found"; rm -f $found; fi
    now=$(ls -l --time-style=+%s.%N /tmp/pwned 2>/dev/null)
    if [ "$now" = "$pwned_before" ]; then ok; else bad "$1: /tmp/pwned was touched"; fi
}

mkdir -p "$TMP/work"
cfg="$TMP/hostile.cfg"
cat >"$cfg" <<'EOF'
scenario = {
  name = "It's \"x\" `touch MARKER1` 100% @t_title \\ system(\"touch /tmp/pwned\")";
  seed = 11;
  iterations = 40;
  baseline = "base";
  lang = "sv";
};
region = { name = "Region \"@x\" %s"; };
centres = (
  { id = "-c1"; name = "Hälsan 100%"; listed = 1000; cni = 1.4; },
  { id = "c2"; name = "Tic %g %s %d %%"; listed = 2000; cni = 0.9; },
  { id = "c3"; name = "'; system('touch MARKER2'); '"; listed = 1500; cni = 1.2; },
  { id = "c4"; name = "=HYPERLINK(\"x\") @SUM(1) +x"; listed = 800; cni = 1.0; },
  { id = "c5"; name = "-minus `touch MARKER3` back\\slash\\"; listed = 900; cni = 0.8; },
  { id = "c6"; name = "system(\"touch /tmp/pwned\")"; listed = 700; cni = 1.1; }
);
variants = (
  { id = "base"; name = "Base `touch MARKER4` 100% \"q\"";
    rules = ( { type = "capitation"; pot = 10000000.0; } ); },
  { id = "-v2"; name = "'Lika' procentuell";
    extends = "base";
    rules = ( { type = "cni_threshold"; pot = 500000.0; threshold = 1.1; split = "listed_cni"; } ); },
  { id = "v3"; name = "=cmd|' /C calc'!A0 @t_v0 %s \\";
    extends = "base";
    rules = ( { type = "grant"; to = ["-c1", "c4"]; amounts = [300000.0, 100000.0]; } ); },
  { id = "v4"; name = "-Minus ' . system('touch MARKER5') . '";
    extends = "-v2";
    rules = ( { type = "cni_threshold"; pot = 800000.0; threshold = 1.0; split = "listed_cni"; } ); }
);
uncertainty = {
  cni = { dist = "lognormal"; sigma = 0.05; };
  listed = { dist = "normal"; sd = 0.01; relative = true; };
};
EOF
SCEN="It's \"x\" \`touch MARKER1\` 100% @t_title \\ system(\"touch /tmp/pwned\")"
CENTRES='Hälsan 100%
Tic %g %s %d %%
'"'"'; system('"'"'touch MARKER2'"'"'); '"'"'
=HYPERLINK("x") @SUM(1) +x
-minus `touch MARKER3` back\slash\
system("touch /tmp/pwned")'
VARIANTS='Base `touch MARKER4` 100% "q"
'"'"'Lika'"'"' procentuell
=cmd|'"'"' /C calc'"'"'!A0 @t_v0 %s \
-Minus '"'"' . system('"'"'touch MARKER5'"'"') . '"'"

# (while loops read files, not pipes: a pipe would count in a subshell)
printf '%s\n' "$CENTRES" >"$TMP/centres"
printf '%s\n' "$VARIANTS" >"$TMP/variants"

# by_hand DIR SCRIPT...: every script rendered by gnuplot in DIR, as a user would
by_hand() {
    d=$1; shift
    for s in "$@"; do
        (cd "$d" && gnuplot -e "vs_format='svg'; vs_output='hand-$s.svg'; fmt='svg'" "$s.gp") \
            >"$TMP/out" 2>"$TMP/err"
        if [ $? -eq 0 ]; then ok; else bad "gnuplot $s.gp by hand in $d"; sed 's/^/    /' "$TMP/err" | head -5; fi
    done
}

# --- run: the four charts ----------------------------------------------------
out="$TMP/run"
# --all-centres: the allocation chart carries every hostile name, also of
# centres no variant changes (c2's "%g %s" would be a format in a tic list)
(cd "$TMP/work" && "$VARDSIM" run "$cfg" -n 40 --all-centres --render png,svg -o "$out" --quiet) >"$TMP/out" 2>"$TMP/err"
st=$?
check "run --render: exit 0 (got $st)" [ $st -eq 0 ]
[ $st -eq 0 ] || sed 's/^/    /' "$TMP/err" | head
no_markers "run --render"
RUN="allocation concentration metrics per_capita"
for c in $RUN; do
    [ -s "$out/$c.svg" ] && [ -s "$out/$c.png" ] && ok || bad "run: $c.svg/png missing"
    svg_has "$out/$c.svg" "$SCEN"
done
while IFS= read -r n; do svg_has "$out/allocation.svg" "$n"; done <"$TMP/centres"
while IFS= read -r n; do
    svg_has "$out/metrics.svg" "$n"; svg_has "$out/concentration.svg" "$n"; done <"$TMP/variants"
# metrics: each row names its variant (beside the key's entry: twice at
# least), and the P(better) column is headed as such
svg_has "$out/metrics.svg" "P(bättre)"
while IFS= read -r n; do
    head=$(printf '%s' "$n" | cut -c1-12)
    k=$(svg_text "$out/metrics.svg" | grep -cF -- "$head")
    [ "$k" -ge 2 ] && ok || bad "metrics.svg: the rows do not name '$n' ($k times)"
done <"$TMP/variants"
# "Hälsan 100%" is a tic label: gnuplot would read a lone % as a format
svg_text "$out/allocation.svg" | grep -qF '>Hälsan 100%  1,4<' && ok ||
    bad "allocation.svg: the tick label 'Hälsan 100%  1,4' is not printed as typed"
by_hand "$out" $RUN
no_markers "run charts by hand"
# chart data files: ids that start with '-' are protected as in the tables
grep -q "^'-v2,'-c1," "$out/chart_allocation.csv" && ok || bad "chart_allocation.csv: '-v2/'-c1 not protected"
grep -q ",'-c1," "$out/chart_curves.csv" && ok || bad "chart_curves.csv: '-c1 not protected"
grep -q "^gini,'-v2," "$out/chart_metrics.csv" && ok || bad "chart_metrics.csv: '-v2 not protected"
grep -q "^'-v2,'-c1," "$out/chart_per_capita.csv" && ok || bad "chart_per_capita.csv: '-v2 not protected"
grep -q "^\"'-c1\"\\|^'-c1\\|,'-c1," "$out/centres.csv" && ok || bad "centres.csv: '-c1 not protected"

# --- sweep, one way: a chart per metric ----------------------------------------
out="$TMP/sweep1"
(cd "$TMP/work" && "$VARDSIM" sweep "$cfg" --over "-v2.cni_threshold.threshold=1.0:1.3:0.1" \
    -n 20 --render svg -o "$out" --quiet) >"$TMP/out" 2>"$TMP/err"
st=$?
check "sweep --render: exit 0 (got $st)" [ $st -eq 0 ]
[ $st -eq 0 ] || sed 's/^/    /' "$TMP/err" | head
no_markers "sweep --render"
SW1=$(cd "$out" && ls sweep_*.gp | sed 's/\.gp$//')
[ "$(echo $SW1 | wc -w)" -eq 8 ] && ok || bad "one-way sweep: want 8 charts, got: $SW1"
for c in $SW1; do
    svg_has "$out/$c.svg" "CNI-gräns, CNI-tillägg: 'Lika' procentuell"
    while IFS= read -r n; do svg_has "$out/$c.svg" "$n"; done <"$TMP/variants"
done
by_hand "$out" $SW1
no_markers "sweep charts by hand"

# --- sweep, two ways: heat maps -------------------------------------------------
out="$TMP/sweep2"
(cd "$TMP/work" && "$VARDSIM" sweep "$cfg" --over "-v2.cni_threshold.threshold=1.0,1.2" \
    --over "v4.cni_threshold.pot=400000,900000" -n 10 --render svg -o "$out" --quiet) >"$TMP/out" 2>"$TMP/err"
st=$?
check "two-way sweep --render: exit 0 (got $st)" [ $st -eq 0 ]
[ $st -eq 0 ] || sed 's/^/    /' "$TMP/err" | head
no_markers "two-way sweep --render"
for c in heatmap_ci_need heatmap_dissimilarity; do
    svg_has "$out/$c.svg" "'Lika' procentuell"
    svg_has "$out/$c.svg" "-Minus ' . system('touch MARKER5') . '"
    svg_has "$out/$c.svg" "$SCEN"
done
by_hand "$out" heatmap_ci_need heatmap_dissimilarity
no_markers "heat maps by hand"

# --- sensitivity: the tornado, rendered by hand ------------------------------------
out="$TMP/sens"
(cd "$TMP/work" && "$VARDSIM" sensitivity "$cfg" -n 0 -o "$out" --quiet) >"$TMP/out" 2>"$TMP/err"
st=$?
check "sensitivity: exit 0 (got $st)" [ $st -eq 0 ]
[ $st -eq 0 ] || sed 's/^/    /' "$TMP/err" | head
by_hand "$out" tornado
no_markers "tornado by hand"
[ -s "$out/hand-tornado.svg" ] && ok || bad "tornado.gp by hand wrote no SVG"
while IFS= read -r n; do svg_has "$out/hand-tornado.svg" "$n"; done <"$TMP/variants"

# --- plan: the path-to-target chart ---------------------------------------------
# the hostile scenario with a multi-year plan from the baseline to '-v2'
# (a variant with an id that starts with '-'): every centre's name is a
# line label, and the plan's own footnotes name the variants
out="$TMP/plan"
{ cat "$cfg"
  echo 'plan = { first_year = 2024; years = 3; from = "base"; target = "v4"; max_growth = 0.05; };'
} >"$TMP/plan.cfg"
(cd "$TMP/work" && "$VARDSIM" run "$TMP/plan.cfg" -n 20 --render svg -o "$out" --quiet) >"$TMP/out" 2>"$TMP/err"
st=$?
check "run with a plan --render: exit 0 (got $st)" [ $st -eq 0 ]
[ $st -eq 0 ] || sed 's/^/    /' "$TMP/err" | head
no_markers "plan --render"
[ -s "$out/plan.svg" ] && ok || bad "plan.svg missing"
svg_has "$out/plan.svg" "$SCEN"
# a panel title wraps at a space: read the text lines of the SVG as one
svg_text "$out/plan.svg" | sed 's/<[^>]*>/ /g' | tr -s ' \t\n' '   ' >"$TMP/plan.txt"
while IFS= read -r n; do
    grep -qF -- "$n" "$TMP/plan.txt" && ok || bad "plan.svg lacks the name: $n"
done <"$TMP/centres"
by_hand "$out" plan
no_markers "plan chart by hand"

# --- manifest.txt: one "key: value" per line, the same provenance keys ----------
for d in run sweep1 sens; do
    m="$TMP/$d/manifest.txt"
    bad_lines=$(sed 1d "$m" | grep -cv '^[a-z_0-9]*: ')
    [ "$(head -1 "$m" | cut -d' ' -f1)" = vardsim ] && [ "$bad_lines" -eq 0 ] && ok ||
        bad "$m: not one key: value per line"
    for k in analysis scenario scenario_sha256 scenario_name seed iterations_asked \
             iterations threads wall_seconds generator gsl_version csv command; do
        grep -q "^$k: " "$m" && ok || bad "$m: no $k line"
    done
done

# --- a chain of 1,000 variants: refused before rendering ---------------------------
chain="$TMP/chain.cfg"
{
    echo 'scenario = { name = "Chain"; baseline = "v0"; iterations = 5; };'
    echo 'region = { name = "R"; };'
    echo 'centres = ( { id = "a"; name = "A"; listed = 100; cni = 1.2; }, { id = "b"; name = "B"; listed = 200; cni = 0.9; } );'
    echo 'variants = ( { id = "v0"; name = "V0"; rules = ( { type = "capitation"; pot = 100000.0; } ); }'
    i=1
    while [ $i -le 1000 ]; do
        echo "  ,{ id = \"v$i\"; name = \"V$i\"; extends = \"v$((i - 1))\"; rules = ( { type = \"grant\"; to = [\"a\"]; amounts = [1.0]; } ); }"
        i=$((i + 1))
    done
    echo ');'
} >"$chain"
out="$TMP/chain"
"$VARDSIM" run "$chain" -n 5 --render png -o "$out" --quiet >"$TMP/out" 2>"$TMP/err"
st=$?
check "1,000-variant chain --render: exit 1 (got $st)" [ $st -eq 1 ]
expect_in "$TMP/err" "not drawn: 1001 variants and 2 centres would need a page"
expect_in "$TMP/err" "charts are drawn up to 400 cm"
[ -s "$out/metrics.csv" ] && [ -s "$out/centres.csv" ] && ok || bad "chain: the tables were not written"
[ -z "$(ls "$out"/*.png 2>/dev/null)" ] && ok || bad "chain: gnuplot ran anyway"
(cd "$out" && gnuplot metrics.gp) >"$TMP/out" 2>"$TMP/err"
[ $? -ne 0 ] && grep -qF "metrics.gp not drawn" "$TMP/err" && ok ||
    bad "chain: metrics.gp by hand does not say why it is not drawn"
"$VARDSIM" run "$chain" -n 5 -o "$out" --quiet >"$TMP/out" 2>"$TMP/err"
st=$?
check "1,000-variant chain without --render: exit 0 (got $st)" [ $st -eq 0 ]
expect_in "$TMP/err" "warning: allocation.gp not drawn"
"$VARDSIM" sweep "$chain" --over "v1.grant.amounts[0]=1,2" -n 2 --render png -o "$TMP/chain-sweep" --quiet \
    >"$TMP/out" 2>"$TMP/err"
st=$?
check "1,000-variant chain sweep --render: exit 1 (got $st)" [ $st -eq 1 ]
expect_in "$TMP/err" "not drawn: 1001 variants would need a page"
[ -s "$TMP/chain-sweep/sweep.csv" ] && ok || bad "chain sweep: sweep.csv was not written"

finish
