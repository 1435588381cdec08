#!/bin/sh
# docs/cookbook.md, tested: every recipe is extracted, put into the
# cookbook's region with its baseline, checked, run, and held to what the
# recipe promises.
. "$(dirname "$0")/common.inc"

doc="$ROOT/docs/cookbook.md"
# block NAME: the fenced block whose first line is "# NAME", without it
block() {
    awk -v want="# $1" '
        /^```/ { if (inb) { if (take) exit; inb = 0; next } inb = 1; first = 1; next }
        inb && first { first = 0; take = ($0 == want); next }
        inb && take { print }' "$doc"
}
recipes=$(sed -n 's/^# recipe: //p' "$doc")
[ -n "$recipes" ] && ok || bad "no recipes found in $doc"
block region >"$TMP/region.cfg"
block baseline >"$TMP/baseline.cfg"
[ -s "$TMP/region.cfg" ] && [ -s "$TMP/baseline.cfg" ] && ok || bad "region or baseline block missing"

# the steps of explain.csv add up to each centre's point
sums_match() {
    awk -F, 'function ore(s) { return int(s * 100 + (s < 0 ? -0.5 : 0.5)) }
         FNR == 1 { next }
         FILENAME == ARGV[1] { sum[$1 "," $2] += ore($4); next }
         { if (sum[$1 "," $2] != ore($6)) bad = 1; n++ }
         END { exit bad || n == 0 }' "$1" "$2"
}
# protected OUT: in every variant but today, each centre with CNI above 1.1
# loses a smaller share than any centre at or below 1.1
protected() {
    awk -F, 'NR > 1 && $1 != "today" {
                 loss = -$13; v[$1] = 1
                 if ($5 > 1.1) { if (!($1 in hi) || loss > hi[$1]) hi[$1] = loss }
                 else { if (!($1 in lo) || loss < lo[$1]) lo[$1] = loss } }
             END { for (x in v) if (!(hi[x] < lo[x])) { print x, hi[x], lo[x]; bad = 1 } exit bad }' "$1/centres.csv"
}
# max_loss_at_most OUT PCT VARIANT: nobody loses more than PCT % against today
max_loss_at_most() {
    awk -F, -v m="$2" -v v="$3" 'NR > 1 && $1 == v && -$13 > m { print $1, $2, $13; bad = 1 }
         NR > 1 && $1 == v { n++ } END { exit bad || n == 0 }' "$1/centres.csv"
}
# change_pct OUT VARIANT CENTRE
change_pct() {
    awk -F, -v v="$2" -v c="$3" '$1 == v && $2 == c { print $13 }' "$1/centres.csv"
}
# totals OUT SEK: every variant but today has this total at the point
totals() {
    awk -F, -v t="$2" '$2 == "total" && $1 != "today" && $3 != t { print $1, $3; bad = 1 } END { exit bad }' "$1/metrics.csv"
}

for r in $recipes; do
    cfg="$TMP/$r.cfg"
    { cat "$TMP/region.cfg"; echo "variants = ("; cat "$TMP/baseline.cfg"; echo ","; block "recipe: $r"; echo ");"; } >"$cfg"
    out="$TMP/out-$r"
    case $r in
    *impossible*)
        expect_status 0 "$VARDSIM" check "$cfg"
        expect_in "$TMP/err" "warning: variant"
        expect_status 3 "$VARDSIM" check "$cfg" --strict
        expect_status 0 "$VARDSIM" run "$cfg" -n 50 -o "$out" --quiet
        # the warning the cookbook prints is the one vardsim prints
        grep '^warning: ' "$doc" | while IFS= read -r line; do
            grep -qxF -- "$line" "$out/warnings.txt" || echo "$line"
        done >"$TMP/missing"
        [ -s "$out/warnings.txt" ] && [ ! -s "$TMP/missing" ] && ok || bad "$r: warning differs: $(cat "$TMP/missing") / $(cat "$out/warnings.txt")"
        ;;
    *)
        expect_status 0 "$VARDSIM" check --strict "$cfg"
        expect_status 0 "$VARDSIM" run "$cfg" -n 50 -o "$out" --quiet --strict
        [ -f "$out/warnings.txt" ] && [ ! -s "$out/warnings.txt" ] && ok || bad "$r: warns: $(cat "$out/warnings.txt")"
        ;;
    esac
    sums_match "$out/explain.csv" "$out/centres.csv" && ok || bad "$r: explain.csv does not add up"
    case $r in
    cut_need_protected|cut_exempt|cut_then_giveback|cut_then_grants|cut_capped|cut_limited)
        protected "$out" && ok || bad "$r: high-need centres not protected"
        totals "$out" 324000000.00 && ok || bad "$r: the saving is not 26 MSEK"
        ;;
    esac
    case $r in
    cut_exempt)
        # the centres above 1.1 lose nothing from a cut that does not see them
        awk -F, '$1 == "cut_low_need" && $5 > 1.1 && $12 != "0.00" { bad = 1 } END { exit bad }' "$out/centres.csv" &&
            ok || bad "$r: a centre above 1.1 pays"
        [ "$(change_pct "$out" cut_except east_e)" = "0.00" ] && [ "$(change_pct "$out" cut_except east_f)" = "0.00" ] &&
            ok || bad "$r: an excepted centre pays"
        ;;
    small_centre_supplement)
        awk -F, '$1 == "small_rural" { want = ($2 == "north_a" || $2 == "north_b" || $2 == "coast_h") ? "500000.00" : "0.00"
                 if ($12 != want) { print $2, $12; bad = 1 } n++ } END { exit bad || n != 8 }' "$out/centres.csv" &&
            ok || bad "$r: the supplement went elsewhere"
        grep -q '^small_rural,north_a,small_rural.small_rural,500000.00$' "$out/explain.csv" && ok || bad "$r: explain row"
        ;;
    base_payment)
        totals "$out" 350000000.00 && ok || bad "$r: total is not 350 MSEK"
        [ "$(grep -c '^base_payment,[a-z_]*,base_payment.base,1000000.00$' "$out/explain.csv")" -eq 8 ] && ok || bad "$r: base rows"
        ;;
    per_child)
        # change = 8717 x children0 + 1537 x children1_5, to the öre
        awk -F'[=;]' '/id = "/ { split($0, q, "\""); id = q[2] }
             /children0 =/ { for (i = 1; i < NF; i++) { if ($i ~ /children0 $/) c0[id] = $(i + 1) + 0; if ($i ~ /children1_5 $/) c1[id] = $(i + 1) + 0 } }
             END { for (k in c0) printf "%s %.2f\n", k, 8717 * c0[k] + 1537 * c1[k] }' "$TMP/region.cfg" | sort >"$TMP/want"
        awk -F, '$1 == "per_child" { print $2, $12 }' "$out/centres.csv" | sort >"$TMP/got"
        [ "$(wc -l <"$TMP/want")" -eq 8 ] && cmp -s "$TMP/want" "$TMP/got" && ok || { bad "$r: per-child amounts"; diff "$TMP/want" "$TMP/got" | head -5; }
        ;;
    cut_capped) max_loss_at_most "$out" 9.00 cut_capped && ok || bad "$r: someone loses more than 9 %" ;;
    cut_limited)
        max_loss_at_most "$out" 9.00 cut_capped && max_loss_at_most "$out" 9.00 cut_limited &&
            ok || bad "$r: someone loses more than 9 %"
        max_loss_at_most "$out" 9.00 cut_uncapped >/dev/null && bad "$r: the uncapped cut loses nobody 9 %" || ok
        # the cap keeps the need weighting: East E (CNI 1.47) loses less
        [ "$(change_pct "$out" cut_capped east_e)" = "-4.09" ] && [ "$(change_pct "$out" cut_limited east_e)" = "-4.38" ] &&
            ok || bad "$r: east_e $(change_pct "$out" cut_capped east_e) vs $(change_pct "$out" cut_limited east_e)"
        ;;
    esac
done

echo "cookbook: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
