/* test_warnings.c: the warning lines (src/out/warnings.c): whole kronor
 * with spaces between thousands, the share of draws in tenths of a per
 * cent, the reasons, the order, prefixes and the per-variant count.  The
 * shortfall records are filled by hand, so every figure is known. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/eval.h"
#include "out/warnings.h"
#include "vardsim/scenario.h"

static const char *text =
    "scenario = { name = \"w\"; baseline = \"a\"; };\n"
    "centres = ( { id = \"c1\"; name = \"One\"; listed = 100; cni = 1.0; },\n"
    "            { id = \"c2\"; name = \"Two\"; listed = 100; cni = 1.2; } );\n"
    "variants = (\n"
    "  { id = \"a\"; name = \"A\"; rules = ( { type = \"capitation\"; pot = 1000.0; } ); },\n"
    "  { id = \"b\"; name = \"B\"; extends = \"a\";\n"
    "    rules = ( { type = \"cut\"; amount = 10.0; max_cut_share = 0.01; },\n"
    "              { type = \"targeted\"; id = \"pick\"; pot = 5.0; score = [\"listed\"]; top = 3; } ); }\n"
    ");\n";

/* The lines that vs_warnings_print writes for w, with prefix. */
static char *print(const vs_warn_src *w, const char *prefix, size_t *n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    *n = vs_warnings_print(f, prefix, w);
    fclose(f);
    return buf;
}

static void test_kronor(void **state)
{
    (void)state;
    char b[40];
    assert_string_equal(vs_warnings_kronor(0, b, sizeof b), "0");
    assert_string_equal(vs_warnings_kronor(49, b, sizeof b), "0");   /* 0.49 kr */
    assert_string_equal(vs_warnings_kronor(50, b, sizeof b), "1");   /* halves up */
    assert_string_equal(vs_warnings_kronor(99999, b, sizeof b), "1 000");
    assert_string_equal(vs_warnings_kronor(2700000000LL, b, sizeof b), "27 000 000");
    assert_string_equal(vs_warnings_kronor(-123456789, b, sizeof b), "-1 234 568");
    assert_string_equal(vs_warnings_kronor(INT64_MIN, b, sizeof b), "-92 233 720 368 547 758");
}

static void test_lines(void **state)
{
    (void)state;
    vs_scenario *sc = vs_test_load(text, "w.cfg");
    vs_shortfall_sum sf[3];
    memset(sf, 0, sizeof sf);
    /* b.cut: 9.90 of 10 SEK not taken at the point and in 1 of 3 draws */
    sf[1] = (vs_shortfall_sum){990, VS_SHORT_CUT, 0, VS_SHORT_CUT, 1};
    /* b.pick: top 3 of 2 at the point, and a tie in some draw */
    sf[2] = (vs_shortfall_sum){500, VS_SHORT_TOP, 2, VS_SHORT_TOP | VS_SHORT_TIE, 2};
    vs_stat stats[2 * VS_STAT_COUNT];
    memset(stats, 0, sizeof stats);
    stats[VS_STAT_TOTAL].point = 100000;
    stats[VS_STAT_COUNT + VS_STAT_TOTAL].point = 100000050; /* 1 000 000.50 kr */
    vs_warn_src w = {sc, sf, stats, 3, 0};
    size_t n;
    char *out = print(&w, NULL, &n);
    assert_int_equal(n, 2);
    assert_string_equal(out,
        "warning: variant 'b': rule 'cut': cut not taken in full (max_cut_share binds at "
        "every centre): 10 kr at the point estimate, in 33.3 % of draws; total 1 000 001 kr\n"
        "warning: variant 'b': rule 'pick': top asks for 3 centres, 2 are eligible and a tie "
        "at the cut-off is decided by file order: 5 kr at the point estimate, in 66.7 % of "
        "draws; total 1 000 001 kr\n");
    free(out);
    assert_int_equal(vs_warnings_of_variant(&w, 0), 0);
    assert_int_equal(vs_warnings_of_variant(&w, 1), 2);

    /* check: no share of draws; a prefix on every line */
    w.point_only = 1;
    out = print(&w, "x=1: ", &n);
    assert_non_null(strstr(out, "x=1: warning: variant 'b': rule 'cut': "));
    assert_non_null(strstr(out, "10 kr at the point estimate; total 1 000 001 kr\n"));
    assert_null(strstr(out, "draws"));
    free(out);

    /* tenths of a per cent, half up: 1 of 2000 is 0.05 % -> 0.1; 1 of
     * 20001 is below 0.05 % -> 0.0; no draws at all: 0.0 */
    w.point_only = 0;
    sf[2].kinds = 0;
    long draws[3] = {2000, 20001, 0};
    const char *want[3] = {"in 0.1 % of draws", "in 0.0 % of draws", "in 0.0 % of draws"};
    for (int i = 0; i < 3; i++) {
        w.draws = draws[i];
        out = print(&w, NULL, &n);
        assert_int_equal(n, 1);
        assert_non_null(strstr(out, want[i]));
        free(out);
    }

    /* nothing to say: no line, and count only with a NULL stream */
    memset(sf, 0, sizeof sf);
    out = print(&w, NULL, &n);
    assert_int_equal(n, 0);
    assert_string_equal(out, "");
    free(out);
    sf[0].kinds = VS_SHORT_POT;
    assert_int_equal(vs_warnings_print(NULL, NULL, &w), 1);
    vs_scenario_free(sc);
}

/* The chart mark: the variant's own and inherited shortfalls, in both
 * languages, amount and share only where they exist. */
static void test_mark(void **state)
{
    (void)state;
    vs_scenario *sc = vs_test_load(text, "w.cfg");
    vs_shortfall_sum sf[3];
    memset(sf, 0, sizeof sf);
    vs_stat stats[2 * VS_STAT_COUNT];
    memset(stats, 0, sizeof stats);
    vs_warn_src w = {sc, sf, stats, 4, 0};
    char b[256];
    assert_string_equal(vs_warnings_mark(&w, 0, 1, b, sizeof b), "");
    assert_string_equal(vs_warnings_mark(&w, 1, 0, b, sizeof b), "");

    /* b.cut: 18 MSEK not taken at the point and in 4 of 4 draws */
    sf[1] = (vs_shortfall_sum){1800000000LL, VS_SHORT_CUT, 0, VS_SHORT_CUT, 4};
    assert_string_equal(vs_warnings_mark(&w, 1, 1, b, sizeof b),
        "\xe2\x9a\xa0 Varning: besparingen togs inte fullt ut "
        "(18 MSEK vid punktskattningen; i 100,0 % av dragningarna)");
    assert_string_equal(vs_warnings_mark(&w, 1, 0, b, sizeof b),
        "\xe2\x9a\xa0 Warning: cut not taken in full "
        "(18 MSEK at the point estimate; in 100.0 % of draws)");
    assert_string_equal(vs_warnings_mark(&w, 0, 0, b, sizeof b), "");

    /* a's pot short in 1 of 4 draws only, and b's tie: b inherits a's */
    sf[0] = (vs_shortfall_sum){0, 0, 0, VS_SHORT_POT, 1};
    sf[1] = (vs_shortfall_sum){0, 0, 0, 0, 0};
    sf[2] = (vs_shortfall_sum){500, VS_SHORT_TIE, 0, VS_SHORT_TIE, 2};
    assert_string_equal(vs_warnings_mark(&w, 0, 0, b, sizeof b),
        "\xe2\x9a\xa0 Warning: pot not placed in full (in 25.0 % of draws)");
    assert_string_equal(vs_warnings_mark(&w, 1, 0, b, sizeof b),
        "\xe2\x9a\xa0 Warning: pot not placed in full, a tie at the cut-off, "
        "decided by file order (in 25.0 % of draws)");
    /* check: no share; a tie alone names no amount */
    w.point_only = 1;
    sf[0] = (vs_shortfall_sum){0, 0, 0, 0, 0};
    assert_string_equal(vs_warnings_mark(&w, 1, 1, b, sizeof b),
        "\xe2\x9a\xa0 Varning: lika poäng vid gränsen, filordningen avgör");
    /* 1.24 MSEK with one decimal, a small buffer cut and terminated */
    w.point_only = 0;
    sf[2] = (vs_shortfall_sum){124000000, VS_SHORT_POT, 0, VS_SHORT_POT, 0};
    assert_string_equal(vs_warnings_mark(&w, 1, 1, b, sizeof b),
        "\xe2\x9a\xa0 Varning: potten fördelades inte fullt ut "
        "(1,2 MSEK vid punktskattningen)");
    char small[12];
    vs_warnings_mark(&w, 1, 1, small, sizeof small);
    assert_true(strlen(small) < sizeof small);
    vs_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kronor),
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_mark),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
