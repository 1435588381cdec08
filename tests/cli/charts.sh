#!/bin/sh
# End-to-end chart tests: the real vardsim binary and the real gnuplot.
# Usage: VARDSIM=/abs/path/vardsim sh tests/cli/charts.sh
# Prints "charts: N passed, M failed" last; exits 1 when anything failed.
. "$(dirname "$0")/common.inc"
check() { # check DESCRIPTION CMD...: pass when CMD succeeds
    what=$1; shift
    if "$@"; then ok; else bad "$what"; fi
}
finish() {
    echo "charts: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
    exit $?
}

CHARTS="allocation concentration metrics per_capita"
PNG_WIDTH=1260 # 16 cm at 200 dpi (plots/vardsim.gp)

if ! command -v gnuplot >/dev/null 2>&1; then
    bad "gnuplot is not installed (apt-get install gnuplot-nox): charts cannot be tested"
    finish
fi

# --- helpers ---------------------------------------------------------------
is_png() { [ "$(od -An -tx1 -N8 "$1" | tr -d ' \n')" = "89504e470d0a1a0a" ]; }
# width and height from the IHDR chunk (big-endian at bytes 16..23)
png_dims() {
    od -An -tu1 -j16 -N8 "$1" |
        awk '{ print $1*16777216 + $2*65536 + $3*256 + $4, $5*16777216 + $6*65536 + $7*256 + $8 }'
}
size_of() { wc -c <"$1" | tr -d ' '; }
# A white PNG of W x H from the same terminal: a chart must be much larger.
blank_png() {
    gnuplot -d -e "set terminal pngcairo size $1,$2 background '#ffffff'; set output '$3'; unset border; unset tics; unset key; set xrange [0:1]; set yrange [0:1]; plot NaN notitle" 2>/dev/null
}
check_png() { # check_png FILE
    f=$1
    if ! is_png "$f"; then bad "$f is not a PNG"; return; fi
    ok
    set -- $(png_dims "$f")
    w=$1 h=$2
    if [ "$w" -eq "$PNG_WIDTH" ] && [ "$h" -ge 600 ] && [ "$h" -le 2400 ]; then ok; else
        bad "$f is ${w}x${h}, want width $PNG_WIDTH and a height for an A4 page"; fi
    blank_png "$w" "$h" "$TMP/blank.png"
    if [ "$(size_of "$f")" -gt $(( $(size_of "$TMP/blank.png") * 4 )) ]; then ok; else
        bad "$f ($(size_of "$f") bytes) looks blank next to an empty ${w}x${h} image ($(size_of "$TMP/blank.png") bytes)"; fi
}
check_pdf() {
    if [ "$(head -c 5 "$1")" = "%PDF-" ]; then ok; else bad "$1 does not start with %PDF-"; fi
}
# SVG text with the XML escapes gnuplot writes undone, one text per line.
svg_text() {
    sed -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&quot;/"/g' -e "s/&apos;/'/g" -e 's/&amp;/\&/g' "$1"
}
svg_has() { # svg_has FILE TEXT
    if svg_text "$1" | grep -qF -- "$2"; then ok; else bad "$1 lacks the text: $2"; fi
}
check_svg() {
    if grep -q '</svg>' "$1"; then ok; else bad "$1 is not a complete SVG"; fi
}
check_set() { # check_set DIR: every chart in every format, no leftovers
    for c in $CHARTS; do
        for fmt in png svg pdf; do
            [ -s "$1/$c.$fmt" ] && ok || bad "$1/$c.$fmt missing"
        done
        check_png "$1/$c.png"
        check_svg "$1/$c.svg"
        check_pdf "$1/$c.pdf"
    done
    left=$(find "$1" -name '.*' -type f | head -5)
    [ -z "$left" ] && ok || bad "temporary files left in $1: $left"
}

# --- every shipped scenario, every format ----------------------------------
for cfg in "$ROOT"/scenarios/*.cfg; do
    name=$(basename "$cfg" .cfg)
    out="$TMP/run-$name"
    if "$VARDSIM" run "$cfg" -n 200 --render png,svg,pdf -o "$out" --quiet \
        >"$TMP/out" 2>"$TMP/err"; then ok; else
        bad "$name: run --render exited $?"; sed 's/^/    /' "$TMP/err" | head; continue
    fi
    check_set "$out"
    check "$name: style.gp equals plots/vardsim.gp" cmp -s "$out/style.gp" "$ROOT/plots/vardsim.gp"
    # The scenario's own name (Swedish, with å/ä/ö) is on every chart.
    scen=$(sed -n 's/^ *name = "\(.*\)";.*/\1/p' "$cfg" | head -1)
    lang=$(sed -n 's/^ *lang = "\(.*\)";.*/\1/p' "$cfg" | head -1)
    for c in $CHARTS; do svg_has "$out/$c.svg" "$scen"; done
    if [ "$lang" = sv ]; then
        svg_has "$out/allocation.svg" "Förändring per hälsocentral mot jämförelsealternativet"
        svg_has "$out/concentration.svg" "Kumulativ andel av pengarna (%)"
        svg_has "$out/metrics.svg" "lägre är bättre"
        svg_has "$out/per_capita.svg" "Kr per listad och år"
        svg_has "$out/per_capita.svg" "Punktens yta: antal listade"
        svg_has "$out/per_capita.svg" "Namn: de tre hälsocentraler längst från sin behovsproportionella nivå"
        # numbers with a decimal comma and a space between thousands
        svg_has "$out/concentration.svg" "Behov: listade × CNI"
        if svg_text "$out/per_capita.svg" | grep -q '>[0-9] 000<'; then ok; else
            bad "$name: per_capita.svg has no tick like '3 000'"; fi
        if svg_text "$out/metrics.svg" | grep -q '>[0-9]*,[0-9][0-9]*<'; then ok; else
            bad "$name: metrics.svg has no number with a decimal comma"; fi
    fi
    # Chart data are plain CSV whatever --csv says: no BOM, no ';', LF.
    for f in "$out"/chart_*.csv; do
        if head -c 3 "$f" | od -An -tx1 | grep -q 'ef bb bf' || grep -q ';' "$f" ||
            grep -q "$(printf '\r')" "$f"; then bad "$f is not plain CSV"; else ok; fi
    done
done

# --- metrics and per_capita: every text inside its image ------------------
for cfg in "$ROOT"/scenarios/*.cfg; do
    out="$TMP/run-$(basename "$cfg" .cfg)"
    [ -d "$out" ] || continue
    python3 "$ROOT/tests/cli/svg_fit.py" "$out/metrics.svg" "$out/per_capita.svg" \
        >"$TMP/fit" 2>&1 && ok || { bad "$out: a text leaves its chart"; sed 's/^/    /' "$TMP/fit" | head -5; }
done
# a long variant name wraps in the key instead of running off the page
sed 's/name = "Arbetsutskottet: fasta belopp till sex hälsocentraler"/name = "Arbetsutskottet: fasta belopp till sex hälsocentraler enligt beslut i regionstyrelsens arbetsutskott den 12 december med tillägg"/' \
    "$ROOT/scenarios/vasterbotten-2023.cfg" >"$TMP/long.cfg"
if "$VARDSIM" run "$TMP/long.cfg" -n 20 --render svg -o "$TMP/long" --quiet 2>"$TMP/err"; then
    python3 "$ROOT/tests/cli/svg_fit.py" "$TMP/long/metrics.svg" "$TMP/long/per_capita.svg" \
        >"$TMP/fit" 2>&1 && ok || { bad "long name: a text leaves its chart"; sed 's/^/    /' "$TMP/fit" | head -5; }
else bad "long name: run failed"; fi

# --- metrics: each row named, P(better) headed, "no difference" -------------
cat >"$TMP/same.cfg" <<'EOF'
scenario = { name = "Samma fördelning"; baseline = "base"; lang = "sv"; seed = 3;
             iterations = 200; centre_term = "vårdcentral"; };
centres = (
  { id = "a"; name = "Ersboda vårdcentral"; listed = 9800; cni = 1.45; },
  { id = "b"; name = "Mariehem vårdcentral"; listed = 11200; cni = 1.21; },
  { id = "c"; name = "Boliden vårdcentral"; listed = 3100; cni = 0.92; }
);
uncertainty = { cni = { dist = "lognormal"; sigma = 0.05; }; };
variants = (
  { id = "base"; name = "Hälsoval";
    rules = ( { type = "capitation"; pot = 98000000.0; cni_share = 0.05; } ); },
  { id = "same"; name = "Ett öre till CNI över 1"; extends = "base";
    rules = ( { type = "cni_threshold"; pot = 0.01; threshold = 1.0; } ); },
  { id = "topup"; name = "CNI-tillägg 100%"; extends = "base";
    rules = ( { type = "cni_threshold"; pot = 2000000.0; threshold = 1.1; } ); }
);
EOF
out="$TMP/same"
if "$VARDSIM" run "$TMP/same.cfg" --render svg -o "$out" --quiet 2>"$TMP/err"; then
    # one öre moved: P(better) is rounding (metrics.csv says 0.995 for gini),
    # so every panel says "ingen skillnad" on that row, none a share
    n=$(grep -c "^set label 11 'ingen skillnad' " "$out/metrics.gp")
    check "metrics: 'ingen skillnad' in 8 panels (got $n)" [ "$n" -eq 8 ]
    grep "^set label 11 " "$out/metrics.gp" | grep -q '%' && bad "metrics: a share on a no-difference row" || ok
    grep -q "^set label 12 '.* %' " "$out/metrics.gp" && ok || bad "metrics: a real difference lost its P(better)"
    svg_has "$out/metrics.svg" "ingen skillnad"
    svg_has "$out/metrics.svg" "Ingen skillnad: fördelningen skiljer högst 1 öre per vårdcentral"
    svg_has "$out/metrics.svg" "P(bättre)"
    # every row names its variant (a % in a name is a tic label's %%)
    for name in "Hälsoval" "Ett öre till CNI över 1" "CNI-tillägg 100%"; do svg_has "$out/metrics.svg" "$name"; done
    svg_has "$out/metrics.svg" "Vårdcentraler som förlorar"
    svg_has "$out/per_capita.svg" "Namn: de tre vårdcentraler längst från"
else bad "same.cfg: run failed"; sed 's/^/    /' "$TMP/err" | head; fi

# --- per_capita: outlying centres named; the declared need's level --------
out="$TMP/run-vasterbotten-2023"
if [ -d "$out" ]; then
    grep -q "^set label 20 '" "$out/per_capita.gp" && ok || bad "per_capita.gp names no centre"
    # the named centres ringed, and a key for dot sizes
    grep -q "^  '-' using 1:2:3 with points pt 6 ps variable" "$out/per_capita.gp" && ok || bad "per_capita.gp rings no named centre"
    svg_has "$out/per_capita.svg" "10 000 listade"
    svg_has "$out/per_capita.svg" "Ersboda hälsocentral"
    head -1 "$out/chart_per_capita.csv" | grep -q 'need_level' && bad "listed x CNI: need_level column written" || ok
fi
out="$TMP/run-gavleborg-2024"
if [ -d "$out" ]; then
    head -1 "$out/chart_per_capita.csv" | grep -q ',size,need_level$' && ok ||
        bad "gavleborg: chart_per_capita.csv lacks the need_level column"
    grep -q '^t_need = .*samma summa fördelad efter behov' "$out/per_capita.gp" && ok ||
        bad "gavleborg: per_capita.gp does not name the declared need"
    grep -q 'using (\$3 == [0-9]* ? \$5 : NaN):9 with points pt 2' "$out/per_capita.gp" && ok ||
        bad "gavleborg: per_capita.gp does not draw each centre's need level"
fi

# --- a folder renders on its own -------------------------------------------
out="$TMP/run-vasterbotten-2023"
if [ -d "$out" ]; then
    rm -f "$out/allocation.png"
    (cd "$out" && gnuplot allocation.gp) >"$TMP/out" 2>"$TMP/err"
    check "gnuplot allocation.gp by hand: exit 0" [ $? -eq 0 ]
    is_png "$out/allocation.png" && ok || bad "gnuplot allocation.gp by hand wrote no PNG"
    rm -f "$out/metrics.pdf"
    (cd "$out" && gnuplot -e "vs_format='pdf'" metrics.gp) >"$TMP/out" 2>"$TMP/err"
    check_pdf "$out/metrics.pdf"
    # a copy of the folder elsewhere renders the same way
    cp -R "$out" "$TMP/moved"
    rm -f "$TMP/moved/per_capita.svg"
    (cd "$TMP/moved" && gnuplot -e "vs_format='svg'" per_capita.gp) 2>"$TMP/err"
    check_svg "$TMP/moved/per_capita.svg"
    # a rerun without --render removes the images that no longer match
    "$VARDSIM" run "$ROOT/scenarios/vasterbotten-2023.cfg" -n 20 -o "$out" --quiet 2>"$TMP/err"
    check "rerun without --render: exit 0" [ $? -eq 0 ]
    [ ! -e "$out/allocation.png" ] && [ ! -e "$out/metrics.pdf" ] && [ -s "$out/allocation.gp" ] && ok ||
        bad "rerun without --render left stale images or lost the scripts"
fi

# --- Swedish CSV does not disturb the charts --------------------------------
out="$TMP/csv-sv"
"$VARDSIM" run "$ROOT/scenarios/vasterbotten-2023.cfg" -n 20 --csv sv --render png -o "$out" --quiet 2>"$TMP/err"
check "--csv sv --render png: exit 0" [ $? -eq 0 ]
for c in $CHARTS; do [ -s "$out/$c.png" ] && ok || bad "--csv sv: $c.png missing"; done

# --- injection: names that try to run commands ------------------------------
# Every name below must come out verbatim and nothing may run.  (Control
# characters are refused by the loader, so none appear here.)
inj="$TMP/inj"
mkdir -p "$inj/work"
cat >"$inj/inject.cfg" <<'EOF'
scenario = {
  name = "Inj '@t_title' \"y\" `touch MARKER1` $(touch MARKER2)";
  seed = 7;
  iterations = 50;
  baseline = "base";
  lang = "en";
};
region = { name = "Region \"@x\""; };
centres = (
  { id = "c1"; name = "It's \"quoted\" `touch MARKER3`"; listed = 1000; cni = 1.4; },
  { id = "c2"; name = "system(\"touch MARKER4\")"; listed = 2000; cni = 0.9; },
  { id = "c3"; name = "'; system('touch MARKER5'); '"; listed = 1500; cni = 1.2; },
  { id = "c4"; name = "@t_title _^{x}&~ # no comment"; listed = 800; cni = 1.0; },
  { id = "c5"; name = "back\\slash\\"; listed = 900; cni = 0.8; },
  { id = "c6"; name = "'' x '''"; listed = 700; cni = 1.1; },
  { id = "c7"; name = "<b>Åsele & Öst</b> \"; !touch MARKER6"; listed = 600; cni = 1.3; }
);
variants = (
  { id = "base"; name = "Base \"2022\" @t_scenario";
    rules = ( { type = "capitation"; pot = 10000000.0; } ); },
  { id = "v2"; name = "'; system('touch MARKER7'); '";
    extends = "base";
    rules = ( { type = "cni_threshold"; pot = 500000.0; threshold = 1.1; split = "listed_cni"; } ); },
  { id = "v3"; name = "`touch MARKER8` \"`touch MARKER9`\" '' \\";
    extends = "base";
    rules = ( { type = "grant"; to = ["c1", "c4"]; amounts = [300000.0, 100000.0]; } ); }
);
EOF
(cd "$inj/work" && "$VARDSIM" run ../inject.cfg -n 50 --render png,svg,pdf -o "$inj/out" --quiet) \
    >"$TMP/out" 2>"$TMP/err"
st=$?
if [ $st -eq 0 ]; then ok; else bad "injection scenario: exit $st"; sed 's/^/    /' "$TMP/err" | head; fi
found=$(find "$TMP" "$ROOT" -name 'MARKER*' 2>/dev/null | head -5)
if [ -z "$found" ]; then ok; else bad "a name ran a command: $found"; rm -f $found; fi
if [ -d "$inj/out" ]; then
    check_set "$inj/out"
    # centre names as tick labels (all are under 40 characters)
    while IFS= read -r n; do
        svg_has "$inj/out/allocation.svg" "$n"
    done <<'EOF'
It's "quoted" `touch MARKER3`
system("touch MARKER4")
'; system('touch MARKER5'); '
@t_title _^{x}&~ # no comment
back\slash\
'' x '''
<b>Åsele & Öst</b> "; !touch MARKER6
EOF
    # variant names in the keys, the scenario name on every chart
    while IFS= read -r n; do
        svg_has "$inj/out/concentration.svg" "$n"
        svg_has "$inj/out/metrics.svg" "$n"
    done <<'EOF'
Base "2022" @t_scenario (baseline)
'; system('touch MARKER7'); '
`touch MARKER8` "`touch MARKER9`" '' \
EOF
    for c in $CHARTS; do
        svg_has "$inj/out/$c.svg" "Inj '@t_title' \"y\" \`touch MARKER1\` \$(touch MARKER2)"
    done
    # English labels for lang = "en"
    svg_has "$inj/out/allocation.svg" "Change per centre against the baseline"
    svg_has "$inj/out/per_capita.svg" "SEK per listed person and year"
    # rendering by hand runs nothing either
    (cd "$inj/out" && for c in $CHARTS; do gnuplot "$c.gp" || exit 1; done) >/dev/null 2>&1
    check "injection scripts render by hand" [ $? -eq 0 ]
    found=$(find "$TMP" "$ROOT" -name 'MARKER*' 2>/dev/null | head -5)
    if [ -z "$found" ]; then ok; else bad "a name ran a command by hand: $found"; rm -f $found; fi
fi

# --- edge cases: only a baseline, an empty centre, a baseline with no money --
cat >"$TMP/one.cfg" <<'EOF'
scenario = { name = "Bara jämförelsealternativet"; baseline = "base"; lang = "sv"; };
region = { name = "R"; };
centres = (
  { id = "a"; name = "Tom hälsocentral"; listed = 0; cni = 1.2; },
  { id = "b"; name = "B"; listed = 100; cni = 0.9; }
);
variants = (
  { id = "base"; name = "Bas"; rules = ( { type = "capitation"; pot = 1000.0; } ); }
);
EOF
cat >"$TMP/zero.cfg" <<'EOF'
scenario = { name = "No money in the baseline"; baseline = "base"; lang = "en"; };
region = { name = "R"; };
centres = ( { id = "a"; name = "A"; listed = 10; cni = 1.0; } );
variants = (
  { id = "base"; name = "Zero"; rules = ( { type = "grant"; to = ["a"]; amounts = [0.0]; } ); },
  { id = "v"; name = "Some"; extends = "base";
    rules = ( { type = "grant"; to = ["a"]; amounts = [5.0]; } ); }
);
EOF
for e in one zero; do
    "$VARDSIM" run "$TMP/$e.cfg" -n 20 --render png,svg,pdf -o "$TMP/edge-$e" --quiet \
        >"$TMP/out" 2>"$TMP/err"
    st=$?
    if [ $st -eq 0 ]; then ok; else bad "edge case $e: exit $st"; sed 's/^/    /' "$TMP/err" | head; fi
    for c in $CHARTS; do
        is_png "$TMP/edge-$e/$c.png" && ok || bad "edge case $e: $c.png missing"
    done
done
svg_has "$TMP/edge-one/allocation.svg" "Scenariot har bara jämförelsealternativet: inget att jämföra."

# --- no gnuplot on PATH ------------------------------------------------------
mkdir -p "$TMP/emptybin"
out="$TMP/nognuplot"
PATH="$TMP/emptybin" "$VARDSIM" run "$ROOT/scenarios/vasterbotten-2023.cfg" -n 20 \
    --render png -o "$out" --quiet >"$TMP/out" 2>"$TMP/err"
st=$?
check "no gnuplot: exit 1 (got $st)" [ $st -eq 1 ]
if grep -qF "gnuplot not found on PATH: install gnuplot-nox, or run without --render" "$TMP/err"; then ok; else
    bad "no gnuplot: message missing"; sed 's/^/    /' "$TMP/err" | head; fi
for f in metrics.csv centres.csv allocation.gp chart_allocation.csv style.gp; do
    [ -s "$out/$f" ] && ok || bad "no gnuplot: $f was not written"
done
[ ! -e "$out/allocation.png" ] && ok || bad "no gnuplot: an image appeared"

# --- bad format list -----------------------------------------------------------
"$VARDSIM" run "$ROOT/scenarios/vasterbotten-2023.cfg" -n 0 --render png,gif -o "$TMP/badfmt" --quiet \
    >"$TMP/out" 2>"$TMP/err"
st=$?
check "--render png,gif: exit 2 (got $st)" [ $st -eq 2 ]
if grep -qF "unknown chart format 'gif': use png, svg or pdf" "$TMP/err"; then ok; else
    bad "--render png,gif: message missing"; sed 's/^/    /' "$TMP/err" | head; fi
[ ! -e "$TMP/badfmt" ] && ok || bad "--render png,gif wrote output"

finish
