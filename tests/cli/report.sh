#!/bin/sh
# End-to-end tests of the committee report (report.html, report.pdf):
# written by `vardsim report` and `run --report`, rendered by real headless
# Chromium, its DOM checked against centres.csv by an independent reader
# (report_check.py), byte-identical across runs and thread counts.
. "$(dirname "$0")/common.inc"

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
chrome() { # chrome ARGS...: headless Chromium with a fresh profile
    rm -rf "$TMP/profile"
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --hide-scrollbars --user-data-dir="$TMP/profile" "$@" 2>/dev/null
}

cd "$ROOT" || exit 1
VB=scenarios/vasterbotten-2023.cfg

# --- usage and bad folders ------------------------------------------------
expect_status 2 "$VARDSIM" report
expect_in "$TMP/err" "name the output folder"
expect_status 2 "$VARDSIM" report "$TMP/nowhere"
expect_in "$TMP/err" "not a vardsim output folder"
expect_status 2 "$VARDSIM" report "$TMP/a" "$TMP/b"
expect_status 2 "$VARDSIM" report "$TMP" --frob
expect_in "$TMP/err" "unknown option '--frob'"

# --- vardsim report on a run folder ------------------------------------------
expect_status 0 "$VARDSIM" run "$VB" -n 300 --quiet -o "$TMP/vb" --threads 1
expect_status 0 "$VARDSIM" report "$TMP/vb"
[ -s "$TMP/vb/report.html" ] && ok || bad "report.html not written"
[ -s "$TMP/vb/allocation.svg" ] && ok || bad "report did not render the SVG charts it inlines"
expect_in "$TMP/vb/report.html" '<html lang="sv">'
expect_in "$TMP/vb/report.html" "Arbetsutskottet: fasta belopp till sex hälsocentraler"
expect_in "$TMP/vb/report.html" "Fasta belopp: Bolidens hälsocentral (med Jörn) 250 000 kr"
expect_in "$TMP/vb/report.html" "Inga varningar"
# Why: the variant's own rule and the baseline's rule it lacks, adding up
# to the change (Ålidhem: +908 244,99 - 666 666 = +241,6 tkr).
expect_in "$TMP/vb/report.html" "CNI-tillägg +908 244,99 kr; utan Fasta belopp −666 666 kr"
expect_in "$TMP/vb/report.html" '<td class="num" data-ore="24157899">241,6</td>' 
# the scenario declares its need (the region's formula), said in words
expect_in "$TMP/vb/report.html" "behov = åldersviktade listade × (0,97 + 0,03 × CNI)"
expect_in "$TMP/vb/report.html" "$(sha256sum "$ROOT/$VB" | cut -d' ' -f1)"
if grep -q -e "wall_seconds" -e "threads" -e "Gnuplot</title>" "$TMP/vb/report.html"; then
    bad "report.html holds wall time, threads or gnuplot's own title"; else ok; fi

# The same run on two threads, and run --report: the same bytes.
expect_status 0 "$VARDSIM" run "$VB" -n 300 --quiet -o "$TMP/vb2" --threads 2 --report --render svg
if cmp -s "$TMP/vb/report.html" "$TMP/vb2/report.html"; then ok; else
    bad "report.html differs between 1 and 2 threads / report and run --report"; fi

# English, the Swedish CSV dialect and a --set value recorded in the manifest.
expect_status 0 "$VARDSIM" run scenarios/ostergotland-2021.cfg -n 200 --quiet -o "$TMP/og" \
    --csv sv --report
lang=$(sed -n 's/^ *lang = "\(..\)".*/\1/p' scenarios/ostergotland-2021.cfg | head -1)
expect_in "$TMP/og/report.html" "<html lang=\"$lang\">"
expect_status 0 "$VARDSIM" run "$VB" -n 100 --quiet -o "$TMP/set" \
    --set cni_topup.cni_threshold.pot=3000000 --report
expect_in "$TMP/set/report.html" "CNI-tillägg: 3 MSEK till hälsocentraler med CNI över 1,1"

# Every rule in words, as the engine reads it: a capitation's base, a
# tiered rule's value, per_unit, where and except (gavleborg-2024), the
# scenario's centre term (ostergotland-2021: "vårdcentral").
expect_status 0 "$VARDSIM" run scenarios/gavleborg-2024.cfg -n 50 --quiet -o "$TMP/gb" --report
for want in "Kapitering: 89,33 MSEK fördelas efter acg." \
    "Kapitering: 112,57 MSEK fördelas efter listade, varav en andel 100 % viktad med CNI." \
    "Belopp per enhet: 8 717 kr × bvc0." \
    "Belopp per enhet: 600 000 kr per hälsocentral; bara hälsocentraler där lage ≥ 2." \
    "Belopp efter nivå (listade): över 0: 1,2 MSEK; över 4 000: 800 000 kr; över 8 000: 400 000 kr; bara hälsocentraler där lage = 1." \
    "ingen hälsocentral förlorar mer än 4 %; bara hälsocentraler där lage ≤ 1."; do
    expect_in "$TMP/gb/report.html" "$want"
done
grep -q "Regel av typen" "$TMP/gb/report.html" && bad "report: a rule named by its type id" || ok
expect_in "$TMP/og/report.html" "Riktade medel: 4,75 MSEK till de 8 vårdcentraler som har högst"
grep -qw -e enhet -e enheter -e enheten -e enheterna "$TMP/og/report.html" && bad "report: 'enheter' where the scenario says vårdcentral" || ok

# One set of words with the charts: each metric's table is captioned with
# the metrics chart's words for it and its direction (metrics.gp's t_mK
# and t_betterK, line breaks as spaces); English with --set scenario.lang=en.
expect_status 0 "$VARDSIM" run "$VB" -n 100 --quiet -o "$TMP/en" --set scenario.lang=en --report
expect_in "$TMP/en/report.html" "Fixed amounts: Bolidens hälsocentral (med Jörn) 250,000 SEK"
# English money in the charts' units: SEK and kSEK, never kr or tkr
grep -q "(tkr)\| kr[ ,.;)]\|Kr per" "$TMP/en/report.html" && bad "English report: kr or tkr: $(grep -o ".\{30\}\(tkr\| kr[ ,.;)]\).\{10\}" "$TMP/en/report.html" | head -3)" || ok
for d in vb en; do
    python3 - "$TMP/$d" >"$TMP/check" 2>&1 <<'PY' && ok || { bad "report $d: a metric's words differ from the metrics chart's"; sed 's/^/    /' "$TMP/check"; }
import html, re, sys
d = sys.argv[1]
gp = open(d + "/metrics.gp", encoding="utf-8").read()
page = open(d + "/report.html", encoding="utf-8").read()
caps = [html.unescape(c) for c in re.findall(r"<caption>([^<]*)</caption>", page)]
def text(name):
    m = re.search(r"^%s = (.*)$" % name, gp, re.M)
    return " ".join(re.findall(r"'([^']*)'", m.group(1))) if m else "?"
missing = [w for w in ("%s, %s" % (text("t_m%d" % k), text("t_better%d" % k)) for k in range(8))
           if w not in caps]
print("\n".join(missing))
sys.exit(1 if missing else 0)
PY
    # every number in a table as the language writes it (the charts' format)
    if python3 "$ROOT/tests/cli/report_check.py" "$TMP/$d/report.html" "$TMP/$d/centres.csv" \
        "$(sed -n 's/.*<html lang="\(..\)">.*/\1/p' "$TMP/$d/report.html")" >"$TMP/check" 2>&1
    then ok; else bad "report_check on $d's HTML:"; sed 's/^/    /' "$TMP/check"; fi
done

# No silent shortfall: a variant whose rules fall short carries the
# charts' warning mark where its results are (its summary line, its
# committee table's caption), and the warnings section names it in words
# before the lines of warnings.txt (trial.cfg: every kind, English).
expect_status 0 "$VARDSIM" run "$ROOT/tests/cli/warn/trial.cfg" -n 100 --threads 1 -o "$TMP/trial" --report --quiet
python3 - "$TMP/trial" "$ROOT/tests/cli/warn/trial.cfg" >"$TMP/check" 2>&1 <<'PY' && ok || { bad "report: a warned variant without its mark"; sed 's/^/    /' "$TMP/check"; }
import html, re, sys
d, cfg = sys.argv[1], open(sys.argv[2], encoding="utf-8").read()
page = open(d + "/report.html", encoding="utf-8").read()
names = dict(re.findall(r'id = "([^"]+)"; name = "([^"]+)"', cfg))
ids = re.findall(r"^warning: variant '([^']+)'", open(d + "/warnings.txt", encoding="utf-8").read(), re.M)
text = lambda x: html.unescape(re.sub(r"<[^>]+>", "", x))
caps = [text(c) for c in re.findall(r"<caption>(.*?)</caption>", page, re.S)]
items = [text(c) for c in re.findall(r"<li>(.*?)</li>", page, re.S)]
problems = []
for i in ids:
    n = names[i]
    if not any(c.startswith(n + " ⚠ Warning: ") for c in caps):
        problems.append("no marked caption for " + n)
    if not any(l.startswith(n + ": ") and "⚠ Warning: " in l for l in items):
        problems.append("no marked summary line for " + n)
    if not any(l.startswith(n + ": ⚠ Warning: ") for l in items):
        problems.append("not named in the warnings section: " + n)
print("\n".join(problems) or "%d warned variants marked" % len(ids))
sys.exit(1 if problems or not ids else 0)
PY
expect_status 0 "$VARDSIM" run scenarios/vasterbotten-deficit-2023.cfg -n 200 --threads 1 -o "$TMP/def" --report --quiet
# the need-protected cuts' exponent as a reader writes it, not as code
expect_in "$TMP/def/report.html" "mindre där CNI är högt (ersättning / CNI)."
expect_in "$TMP/def/report.html" "mindre där CNI är högt (ersättning / CNI²)."
grep -q 'CNI^' "$TMP/def/report.html" && bad "report: an exponent written as CNI^" || ok
expect_in "$TMP/def/report.html" '<caption>Lika belopp per listad, högst 8 % förlust <strong class="warnmark">⚠ Varning: gränsen kan inte återställa totalen (i 1,5 % av dragningarna)</strong></caption>'
# A proportional cut keeps every share: against the region's need it is, like
# the baseline, at need to rounding (dissimilarity 5e-11 against 5e-11), so
# the summary makes no comparison (it read "0,00 % mot 0,00 % (lägre i 0,7 %
# av dragningarna)") and its share metrics read "ingen skillnad" (a Gini
# difference of rounding read as a share of draws)
expect_in "$TMP/def/report.html" "fel mot behovet är 0,00 %, som i jämförelsen."
grep -q '0,00 % mot 0,00 %' "$TMP/def/report.html" && bad "report: a rounding difference compared" || ok
n=$(grep -o 'ingen skillnad' "$TMP/def/report.html" | wc -l)
[ "$n" -ge 6 ] && ok || bad "report: a proportional cut's unchanged shares: 'ingen skillnad' $n times, want 6"

# Warnings that name no variant, in words where their results are: the
# plan's (the warnings section and the plan section), --precision's (the
# warnings section and the metrics).
expect_status 0 "$VARDSIM" run scenarios/vasterbotten-plan.cfg -n 100 --threads 1 -o "$TMP/plan" --report --quiet
n=$(grep -o "⚠ Varning: planens golv eller tak binder vissa år" "$TMP/plan/report.html" | wc -l)
[ "$n" -eq 2 ] && ok || bad "report: the plan's warning in words $n times, want 2"
expect_status 0 "$VARDSIM" run "$VB" -n 2000 --precision 0.000000001 --threads 1 -o "$TMP/prec" --report --quiet
n=$(grep -o "⚠ Varning: den begärda precisionen nåddes inte" "$TMP/prec/report.html" | wc -l)
[ "$n" -eq 2 ] && ok || bad "report: --precision's warning in words $n times, want 2"

# A scenario that changed since the run is refused, naming the file.
cp "$VB" "$TMP/s.cfg"
expect_status 0 "$VARDSIM" run "$TMP/s.cfg" -n 50 --quiet -o "$TMP/chg"
echo "# edited" >>"$TMP/s.cfg"
expect_status 2 "$VARDSIM" report "$TMP/chg"
expect_in "$TMP/err" "has changed since this run"

# A folder of another scenario is refused (centres.csv does not match).
expect_status 0 "$VARDSIM" run scenarios/ostergotland-2021.cfg -n 50 --quiet -o "$TMP/mix"
cp "$TMP/vb/centres.csv" "$TMP/mix/centres.csv"
expect_status 2 "$VARDSIM" report "$TMP/mix"
expect_in "$TMP/err" "not in the scenario"

# --- headless Chromium: the page renders, its DOM holds the right totals -------
if [ -z "$CHROMIUM" ]; then
    echo "report: SKIP Chromium checks (no chromium on PATH; scripts/install-deps.sh installs it)"
else
    chrome --window-size=1240,1754 --screenshot="$TMP/shot.png" "file://$TMP/vb/report.html"
    if [ -s "$TMP/shot.png" ]; then ok; else bad "Chromium made no screenshot"; fi
    # Not blank: a white page has a standard deviation of 0.
    sd=$(convert "$TMP/shot.png" -colorspace Gray -format '%[fx:standard_deviation]' info: 2>/dev/null)
    if awk -v s="${sd:-0}" 'BEGIN { exit !(s > 0.05) }'; then ok; else
        bad "screenshot looks blank (standard deviation ${sd:-?})"; fi
    for d in vb og en; do
        chrome --dump-dom "file://$TMP/$d/report.html" >"$TMP/$d.dom"
        if python3 "$ROOT/tests/cli/report_check.py" "$TMP/$d.dom" "$TMP/$d/centres.csv" \
            "$(sed -n 's/.*<html lang="\(..\)">.*/\1/p' "$TMP/$d/report.html")" >"$TMP/check" 2>&1
        then ok; else bad "report_check on $d:"; sed 's/^/    /' "$TMP/check"; fi
    done

    # --pdf prints A4 pages.
    expect_status 0 "$VARDSIM" report "$TMP/vb" --pdf
    if pdfinfo "$TMP/vb/report.pdf" 2>/dev/null | grep -q "Page size:.*(A4)"; then ok; else
        bad "report.pdf is not A4"; pdfinfo "$TMP/vb/report.pdf" 2>&1 | sed 's/^/    /' | head; fi
fi

# --- a variant that moves one öre: "no difference", never a share ------------
expect_status 0 "$VARDSIM" run "$ROOT/tests/cli/nodiff/same.cfg" -o "$TMP/same" --report --quiet
expect_in "$TMP/same/manifest.txt" "no_difference: same"
# gini's P(better) is 0.995 in metrics.csv: öre rounding, so no share shows
n=$(grep -o 'ingen skillnad' "$TMP/same/report.html" | wc -l)
[ "$n" -ge 8 ] && ok || bad "report: 'ingen skillnad' $n times, want every metric"
grep -q '99,5 %' "$TMP/same/report.html" && bad "report: a rounding P(better) shown as a share" || ok
grep -q '<th scope="col">Vårdcentral</th>' "$TMP/same/report.html" && ok || bad "report: centre_term not in the table head"
grep -q 'no_difference' "$TMP/vb/manifest.txt" 2>/dev/null && bad "manifest: no_difference line without such a variant" || ok

# --- without Chromium: a clear message, exit 1, the HTML kept -------------------
mkdir -p "$TMP/bin"
for t in gnuplot; do ln -sf "$(command -v $t)" "$TMP/bin/$t"; done
rm -f "$TMP/vb/report.html" "$TMP/vb/report.pdf"
PATH="$TMP/bin" expect_status 1 "$VARDSIM" report "$TMP/vb" --pdf
expect_in "$TMP/err" "needs Chromium, which is not installed"
[ -s "$TMP/vb/report.html" ] && ok || bad "report.html not kept without Chromium"
[ -e "$TMP/vb/report.pdf" ] && bad "report.pdf left without Chromium" || ok
ls -a "$TMP/vb" | grep -q '\.tmp$' && bad "temporary files left" || ok

# --- the folder's lock: no report of a folder a run is writing -------------
expect_status 2 "$VARDSIM" report "$TMP/nowhere"
[ ! -e "$TMP/nowhere" ] && ok || bad "report created a folder that did not exist"
[ ! -e "$TMP/vb/.vardsim.lock" ] && ok || bad "report left its lock file"
cp "$TMP/vb/report.html" "$TMP/report.before"
"$VARDSIM" run "$VB" -n 50000000 --threads 1 -o "$TMP/vb" --quiet >/dev/null 2>&1 &
held=$!
n=0
while [ ! -s "$TMP/vb/.vardsim.lock" ] && [ $n -lt 6000 ]; do n=$((n + 1)); sleep 0.01; done
expect_status 1 "$VARDSIM" report "$TMP/vb"
expect_in "$TMP/err" "output folder in use by another vardsim process (pid $held: run "
# a report writes into the run's folder: it cannot take another with -o
expect_in "$TMP/err" "wait for it to finish, then run the report again"
grep -q -e "with -o" -e "another folder" "$TMP/err" && bad "report: the refusal offers -o, which report has not" || ok
cmp -s "$TMP/vb/report.html" "$TMP/report.before" && ok || bad "a refused report changed report.html"
kill -TERM $held
wait $held
cmp -s "$TMP/vb/report.html" "$TMP/report.before" && ok || bad "the stopped run changed report.html"
expect_status 0 "$VARDSIM" report "$TMP/vb"
[ ! -e "$TMP/vb/.vardsim.lock" ] && ok || bad "report left its lock file"

# a scenario with only its baseline (what `vardsim import` writes): the
# report shows the baseline's allocation and says why there is nothing to
# compare, instead of empty sections
expect_status 0 "$VARDSIM" import "$ROOT/docs/examples/vardcentraler.csv" --pot 980000000 -o "$TMP/only.cfg"
expect_status 0 "$VARDSIM" run "$TMP/only.cfg" -n 20 --report -o "$TMP/only" --quiet
expect_in "$TMP/only/report.html" "Scenariot har bara jämförelsealternativet. Tabellen visar dess fördelning"
expect_in "$TMP/only/report.html" "<th scope=\"row\">Ålidhems hälsocentral</th>"
expect_in "$TMP/only/report.html" "Inga: scenariot har bara jämförelsealternativet."
grep -q 'data-ore="98000000000"' "$TMP/only/report.html" && ok || bad "baseline-only report: no total of 980 MSEK to the öre"

# a national scenario (1,150 centres, 6 variants): its allocation chart
# needs a page taller than any drawn, so its script only stops with the
# reason; the report still renders the other charts and says, where the
# chart would be, that it was not drawn and why (it used to stop with
# "gnuplot failed on allocation.gp", exit 1, and no report)
${CC:-cc} -O2 -std=c11 -o "$TMP/gen_national" "$ROOT/bench/gen_national.c" -lm || bad "gen_national"
"$TMP/gen_national" 1150 >"$TMP/nat.cfg"
expect_status 0 "$VARDSIM" run "$TMP/nat.cfg" -n 300 --report -o "$TMP/nat" --quiet
expect_in "$TMP/err" "warning: allocation.gp not drawn"
[ -s "$TMP/nat/report.html" ] && ok || bad "national: no report.html"
[ ! -e "$TMP/nat/allocation.svg" ] && ok || bad "national: an allocation.svg was rendered"
[ -s "$TMP/nat/metrics.svg" ] && [ -s "$TMP/nat/per_capita.svg" ] && [ -s "$TMP/nat/concentration.svg" ] &&
    ok || bad "national: the charts that fit were not rendered"
expect_in "$TMP/nat/report.html" "⚠ Bar chart (allocation.gp) was not drawn: it would need a page 1033 cm tall, and charts are drawn up to 400 cm. The tables hold every number."
[ "$(grep -c '<figure>' "$TMP/nat/report.html")" -eq 3 ] && ok || bad "national: not three figures"
rm -f "$TMP/nat"/*.svg "$TMP/nat/report.html"
expect_status 0 "$VARDSIM" report "$TMP/nat"
expect_in "$TMP/nat/report.html" "(allocation.gp) was not drawn"
# --render draws the charts that fit, then fails naming the one refused
# (it used to fail before drawing any)
expect_status 1 "$VARDSIM" run "$TMP/nat.cfg" -n 300 --render png -o "$TMP/nat-png" --quiet
expect_in "$TMP/err" "allocation.gp not drawn: 6 variants and 1150 centres would need a page 1033 cm tall"
[ -s "$TMP/nat-png/metrics.png" ] && [ -s "$TMP/nat-png/per_capita.png" ] &&
    [ -s "$TMP/nat-png/concentration.png" ] && ok || bad "national --render: the charts that fit were not drawn"
[ ! -e "$TMP/nat-png/allocation.png" ] && ok || bad "national --render: an allocation.png"
# in Swedish
sed 's/lang = "en";/lang = "sv";/' "$TMP/nat.cfg" >"$TMP/nat-sv.cfg"
if grep -q 'lang = "sv";' "$TMP/nat-sv.cfg"; then
    expect_status 0 "$VARDSIM" run "$TMP/nat-sv.cfg" -n 300 --report -o "$TMP/nat-sv" --quiet
    expect_in "$TMP/nat-sv/report.html" "⚠ Stapeldiagram (allocation.gp) ritades inte: det hade krävt en sida 1033 cm hög, och diagram ritas upp till 400 cm. Tabellerna har alla siffror."
else
    bad "national: no language line to switch to Swedish"
fi

echo "report: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
