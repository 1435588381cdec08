/* test_gp.c: the one gnuplot writer (out/gp.h): quoting, tic labels,
 * numbers in both languages, units, ids in data files, wrapping, script
 * openings, format lists and the page limit.  Values worked out by hand;
 * gnuplot itself runs on the results in tests/cli/charts.sh. */
#include "helpers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out/gp.h"

/* U+2212 MINUS SIGN and U+2026 HORIZONTAL ELLIPSIS in UTF-8. */
#define MINUS "\xe2\x88\x92"
#define ELLIPSIS "\xe2\x80\xa6"

/* ---- vs_gp_quote ------------------------------------------------ */

static void expect_quote(const char *text, const char *want)
{
    vs_err err;
    vs_err_init(&err);
    char *q = vs_gp_quote(text, &err);
    assert_non_null(q);
    assert_string_equal(q, want);
    assert_int_equal(err.code, VS_OK);
    free(q);
}

/* A ' becomes "\047" between single-quoted pieces, so no literal ever
 * holds a quote (gnuplot 5.4 misparses doubled quotes next to each
 * other) and every ' in the output delimits a literal. */
static void quote_splices_single_quotes(void **state)
{
    (void)state;
    expect_quote("abc", "'abc'");
    expect_quote("", "''");
    expect_quote("it's", "'it' . \"\\047\" . 's'");
    expect_quote("'", "\"\\047\"");
    expect_quote("''x", "\"\\047\" . \"\\047\" . 'x'");
    /* The break-out attempt: its quotes never close a literal. */
    expect_quote("'; system('touch M'); '",
                 "\"\\047\" . '; system(' . \"\\047\" . 'touch M' . "
                 "\"\\047\" . '); ' . \"\\047\"");
}

static void quote_leaves_other_text_alone(void **state)
{
    (void)state;
    /* Inside single quotes gnuplot expands no backquote or macro and
     * takes \ and " literally, so nothing else needs escaping. */
    expect_quote("`touch M` @macro \"x\" \\ _^{}&~ # ;",
                 "'`touch M` @macro \"x\" \\ _^{}&~ # ;'");
    expect_quote("\xc3\x85sele h\xc3\xa4lsocentral", /* Åsele hälsocentral */
                 "'\xc3\x85sele h\xc3\xa4lsocentral'");
    expect_quote("del\x7f", "'del\x7f'"); /* DEL cannot end a command */
}

static void expect_refused(const char *text, const char *byte)
{
    vs_err err;
    vs_err_init(&err);
    assert_null(vs_gp_quote(text, &err));
    assert_int_equal(err.code, VS_EINPUT);
    assert_non_null(strstr(err.msg, "control character"));
    assert_non_null(strstr(err.msg, byte));
    vs_err_free(&err);
}

static void quote_refuses_control_bytes(void **state)
{
    (void)state;
    expect_refused("a\nb", "0x0a");       /* would end the command */
    expect_refused("a\rb", "0x0d");
    expect_refused("\tx", "0x09");
    expect_refused("x\x1f", "0x1f");
    expect_refused("ok'\x01", "0x01");
}

/* ---- vs_gp_money_unit ------------------------------------------- */

static void expect_unit(double max_abs, int sv, const char *unit, double div)
{
    double d = -1;
    assert_string_equal(vs_gp_money_unit(max_abs, sv, &d), unit);
    assert_close(d, div, 0, 0);
}

static void money_unit_by_size(void **state)
{
    (void)state;
    expect_unit(0, 1, "kr", 1);
    expect_unit(9999.99, 1, "kr", 1);       /* just below 10 000 */
    expect_unit(10000, 1, "tkr", 1e3);      /* the boundary is tkr */
    expect_unit(450000, 1, "tkr", 1e3);     /* the committee's grants */
    expect_unit(999999.99, 1, "tkr", 1e3);
    expect_unit(1e6, 1, "MSEK", 1e6);
    expect_unit(350e6, 1, "MSEK", 1e6);     /* the deficit */
    expect_unit(NAN, 1, "kr", 1);
    expect_unit(-2e6, 1, "MSEK", 1e6);      /* magnitude counts */
    expect_unit(5000, 0, "SEK", 1);
    expect_unit(50000, 0, "kSEK", 1e3);
    expect_unit(5e6, 0, "MSEK", 1e6);
}

/* ---- vs_gp_format_number ---------------------------------------- */

static void expect_number(double v, int dec, int sv, const char *want)
{
    char buf[64];
    memset(buf, 'x', sizeof buf);
    assert_string_equal(vs_gp_format_number(v, dec, sv, buf, sizeof buf),
                        want);
}

static void number_swedish(void **state)
{
    (void)state;
    expect_number(1234567.891, 2, 1, "1 234 567,89");
    expect_number(0.5, 1, 1, "0,5");
    expect_number(-450000, 0, 1, MINUS "450 000");
    expect_number(1234, 0, 1, "1 234");     /* four digits are grouped */
    expect_number(999, 0, 1, "999");
    expect_number(100000, 0, 1, "100 000");
    /* 999.96 rounds up across a group boundary. */
    expect_number(999.96, 1, 1, "1 000,0");
    expect_number(-1.5, 1, 1, MINUS "1,5");
    expect_number(0.037, 3, 1, "0,037");
}

static void number_english(void **state)
{
    (void)state;
    expect_number(1234567.891, 2, 0, "1,234,567.89");
    expect_number(-3500, 0, 0, MINUS "3,500");
    expect_number(0.25, 2, 0, "0.25");
}

static void number_edges(void **state)
{
    (void)state;
    /* Rounds to zero: never a minus zero. */
    expect_number(-0.04, 1, 1, "0,0");
    expect_number(-0.0, 0, 1, "0");
    expect_number(NAN, 2, 1, "");
    expect_number(INFINITY, 2, 1, "");
    /* decimals are clamped to 0..9 */
    expect_number(1.25, 12, 0, "1.250000000");
    expect_number(7, -2, 0, "7");
    /* A short buffer is cut, never overrun. */
    char small[4];
    vs_gp_format_number(1234, 0, 1, small, sizeof small);
    assert_string_equal(small, "1 2");
}

/* ---- vs_gp_shorten ----------------------------------------------- */

static void shorten_counts_characters(void **state)
{
    (void)state;
    char buf[64];
    assert_string_equal(vs_gp_shorten("abc", 5, buf, sizeof buf), "abc");
    assert_string_equal(vs_gp_shorten("abcde", 5, buf, sizeof buf), "abcde");
    assert_string_equal(vs_gp_shorten("abcdef", 5, buf, sizeof buf),
                        "abcd" ELLIPSIS);
    /* Å, Ä, Ö are two bytes each: 4 characters kept means 3 letters and
     * the ellipsis, never half a letter. */
    assert_string_equal(
        vs_gp_shorten("\xc3\x85\xc3\x84\xc3\x96\xc3\xa5\xc3\xa4", 4, buf,
                          sizeof buf),
        "\xc3\x85\xc3\x84\xc3\x96" ELLIPSIS);
    assert_string_equal(
        vs_gp_shorten("\xc3\x85sele", 5, buf, sizeof buf),
        "\xc3\x85sele");
    /* A 6-byte buffer cannot hold "ÅÄ…" (7 bytes with the NUL): whole
     * characters go first, then the ellipsis, never half a letter. */
    char small[6];
    assert_string_equal(
        vs_gp_shorten("\xc3\x85\xc3\x84\xc3\x96xyz", 3, small, sizeof small),
        "\xc3\x85" ELLIPSIS);
    char tiny[3];
    assert_string_equal(
        vs_gp_shorten("\xc3\x85\xc3\x84\xc3\x96xyz", 3, tiny, sizeof tiny),
        "\xc3\x85");
}

/* ---- vs_gp_check_formats ----------------------------------------- */

static void expect_formats_ok(const char *list)
{
    vs_err err;
    vs_err_init(&err);
    assert_int_equal(vs_gp_check_formats(list, &err), VS_OK);
    assert_int_equal(err.count, 0);
}

static void expect_formats_bad(const char *list, const char *msg)
{
    vs_err err;
    vs_err_init(&err);
    assert_int_equal(vs_gp_check_formats(list, &err), VS_EINPUT);
    assert_string_equal(err.msg, msg);
    vs_err_free(&err);
}

static void format_lists(void **state)
{
    (void)state;
    expect_formats_ok("png");
    expect_formats_ok("svg");
    expect_formats_ok("png,svg,pdf");
    expect_formats_ok("pdf,png");
    expect_formats_ok("png,png");
    expect_formats_bad("gif", "unknown chart format 'gif': use png, svg or pdf");
    expect_formats_bad("png,gif,pdf",
                       "unknown chart format 'gif': use png, svg or pdf");
    expect_formats_bad("PNG", "unknown chart format 'PNG': use png, svg or pdf");
    expect_formats_bad("pngx", "unknown chart format 'pngx': use png, svg or pdf");
    expect_formats_bad("png,", "empty chart format in 'png,': use png, svg or pdf");
    expect_formats_bad(",png", "empty chart format in ',png': use png, svg or pdf");
    expect_formats_bad("", "no chart format given: use png, svg or pdf");
    expect_formats_bad(NULL, "no chart format given: use png, svg or pdf");
}

/* ---- the writer's pieces on a memory file ----------------------------- */

/* What `fn` writes through a writer (Swedish when sv), as a string. */
typedef void (*put_fn)(vs_gp *g, FILE *f, const void *arg);

static char *written_by(put_fn fn, const void *arg, int sv, int *st)
{
    vs_err err;
    vs_err_init(&err);
    vs_gp g;
    vs_gp_init(&g, "/nonexistent", NULL, sv, NULL, &err);
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    fn(&g, f, arg);
    fclose(f);
    *st = g.st;
    vs_err_free(&err);
    return buf;
}

static void put_tic(vs_gp *g, FILE *f, const void *arg)
{
    vs_gp_put_tic(g, f, arg, 3);
}

static void expect_tic(const char *label, const char *want)
{
    int st;
    char *s = written_by(put_tic, label, 1, &st);
    assert_int_equal(st, VS_OK);
    assert_string_equal(s, want);
    free(s);
}

/* gnuplot reads an explicit tic label as a format: "Hälsan 100%" must
 * be written 100%% to print as typed, and "Tic %g" must not become a
 * number. */
static void tic_labels_double_percent(void **state)
{
    (void)state;
    expect_tic("H\xc3\xa4lsan 100%", "'H\xc3\xa4lsan 100%%' 3");
    expect_tic("Tic %g", "'Tic %%g' 3");
    expect_tic("%%", "'%%%%' 3");
    expect_tic("1 234,5", "'1 234,5' 3");
    expect_tic("it's 5%", "'it' . \"\\047\" . 's 5%%' 3");
}

static void put_id_str(vs_gp *g, FILE *f, const void *arg)
{
    (void)g;
    vs_gp_put_id(f, arg);
}

static void expect_id(const char *id, const char *want)
{
    int st;
    char *s = written_by(put_id_str, id, 0, &st);
    assert_string_equal(s, want);
    free(s);
}

/* Chart data files get the main tables' protection: an id a spreadsheet
 * would run as a formula starts with a '. */
static void ids_are_protected(void **state)
{
    (void)state;
    expect_id("vc_1", "vc_1");
    expect_id("-1+2", "'-1_2");
    expect_id("-x", "'-x");
    expect_id("a-b", "a-b");
    expect_id("=cmd|' /C calc'!A0", "_cmd______calc___0");
}

static void put_num_str(vs_gp *g, FILE *f, const void *arg)
{
    (void)g;
    vs_gp_put_num(f, *(const double *)arg);
}

static void numbers_for_scripts(void **state)
{
    (void)state;
    double v[] = {1.5, NAN, INFINITY, 1e-12, 1234567890.0, -0.25};
    const char *want[] = {"1.5", "NaN", "NaN", "1e-12", "1234567890", "-0.25"};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        int st;
        char *s = written_by(put_num_str, &v[i], 0, &st);
        assert_string_equal(s, want[i]);
        free(s);
    }
}

static void put_cell_str(vs_gp *g, FILE *f, const void *arg)
{
    (void)g;
    vs_gp_put_cell(f, *(const double *)arg);
}

/* Chart data cells: as in scripts, but empty when undefined. */
static void numbers_for_data(void **state)
{
    (void)state;
    double v[] = {1.5, NAN, INFINITY, -INFINITY, 1e-12, -0.25};
    const char *want[] = {"1.5", "", "", "", "1e-12", "-0.25"};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        int st;
        char *s = written_by(put_cell_str, &v[i], 0, &st);
        assert_string_equal(s, want[i]);
        free(s);
    }
}

static void small_helpers(void **state)
{
    (void)state;
    char buf[64];
    vs_gp_fill(buf, sizeof buf, "Andel till CNI \xc3\xb6ver %s (%)", "1,1");
    assert_string_equal(buf, "Andel till CNI \xc3\xb6ver 1,1 (%)");
    vs_gp_fill(buf, sizeof buf, "no slot (%)", "x");
    assert_string_equal(buf, "no slot (%)");
    /* the argument is text, never a format */
    vs_gp_fill(buf, sizeof buf, "best: %s", "%s%n");
    assert_string_equal(buf, "best: %s%n");
    assert_int_equal(vs_gp_short_decimals(1.1), 1);
    assert_int_equal(vs_gp_short_decimals(1.125), 3);
    assert_int_equal(vs_gp_short_decimals(7), 0);
    assert_int_equal(vs_gp_short_decimals(1.0 / 3), 6);
    int d;
    assert_close(vs_gp_nice_step(10, 5, &d), 2, 0, 0);
    assert_int_equal(d, 0);
    assert_close(vs_gp_nice_step(0.5, 5, &d), 0.1, 1e-12, 0);
    assert_int_equal(d, 1);
    assert_close(vs_gp_nice_step(0, 5, &d), 0.2, 1e-12, 0); /* flat: span 1 */
}

typedef struct wrap_arg {
    const char *text;
    size_t chars;
    int lines;
} wrap_arg;

static void put_wrapped(vs_gp *g, FILE *f, const void *arg)
{
    const wrap_arg *w = arg;
    vs_gp_assign_wrapped(g, f, "t", w->text, w->chars, w->lines);
}

static void wrapped_text_is_quoted_per_line(void **state)
{
    (void)state;
    int st;
    wrap_arg a = {"Region V\xc3\xa4sterbotten 2023 it's long", 12, 2};
    char *s = written_by(put_wrapped, &a, 1, &st);
    assert_int_equal(st, VS_OK);
    /* two lines broken at a space, the second cut with an ellipsis */
    assert_string_equal(s, "t = 'Region' . \"\\n\" . 'V\xc3\xa4sterbotte"
                           "\xe2\x80\xa6'\n");
    free(s);
    wrap_arg q = {"it's", 12, 2};
    s = written_by(put_wrapped, &q, 1, &st);
    assert_string_equal(s, "t = 'it' . \"\\047\" . 's'\n");
    free(s);
    wrap_arg b = {"short", 12, 2};
    s = written_by(put_wrapped, &b, 1, &st);
    assert_string_equal(s, "t = 'short'\n");
    free(s);
}

static void put_variants(vs_gp *g, FILE *f, const void *arg)
{
    vs_gp_assign_variants(g, f, arg, " (base)", 12);
}

static void variant_names_with_suffix(void **state)
{
    (void)state;
    vs_variant v[2];
    memset(v, 0, sizeof v);
    v[0].id = "a";
    v[0].name = "It's 'procentuell' for all";
    v[1].id = "b";
    v[1].name = "B";
    vs_scenario sc;
    memset(&sc, 0, sizeof sc);
    sc.n_variants = 2;
    sc.variants = v;
    sc.baseline = 0;
    int st;
    char *s = written_by(put_variants, &sc, 0, &st);
    assert_int_equal(st, VS_OK);
    /* 12 characters in all: 5 of the name (the last an ellipsis), then
     * the suffix */
    assert_string_equal(s, "t_v0 = 'It' . \"\\047\" . 's\xe2\x80\xa6 (base)'\n"
                           "t_v1 = 'B'\n");
    free(s);
}

/* ---- pages that are too tall --------------------------------------- */

static void tall_page_is_refused(void **state)
{
    (void)state;
    char dir[] = "/tmp/vs_test_gp.XXXXXX";
    assert_non_null(mkdtemp(dir));
    vs_err err;
    vs_err_init(&err);
    vs_outset set;
    vs_outset_init(&set);
    vs_gp_list list;
    vs_gp_list_init(&list);
    vs_gp g;
    vs_gp_init(&g, dir, &set, 0, &list, &err);
    FILE *f = vs_gp_open_script(&g, "fits", 16, VS_GP_MAX_PAGE_CM, "x");
    assert_non_null(f);
    assert_null(vs_gp_open_script(&g, "tall", 16, 2093.4, "1001 variants"));
    assert_int_equal(g.st, VS_OK);
    assert_int_equal(list.n, 1);
    assert_string_equal(list.names[0], "fits");
    assert_int_equal(list.n_refused, 1);
    assert_string_equal(list.refused,
                        "tall.gp not drawn: 1001 variants would need a page "
                        "2093 cm tall; charts are drawn up to 400 cm (the "
                        "tables hold every number)");
    assert_int_equal(vs_outset_commit(&set, &err), VS_OK);
    vs_outset_free(&set);
    /* The refused chart's script says why and stops. */
    char p[128], line[512];
    snprintf(p, sizeof p, "%s/tall.gp", dir);
    FILE *t = fopen(p, "r");
    assert_non_null(t);
    assert_non_null(fgets(line, sizeof line, t));
    assert_string_equal(line, "# tall.gp not drawn: 1001 variants would need "
                              "a page 2093 cm tall; charts are drawn up to "
                              "400 cm (the tables hold every number)\n");
    assert_non_null(fgets(line, sizeof line, t));
    assert_true(strncmp(line, "exit error \"tall.gp not drawn", 29) == 0);
    fclose(t);
    /* The report tells a refused script from a chart by its first line. */
    char why[400] = "";
    double cm = 0;
    assert_int_equal(vs_gp_script_refused(p, why, sizeof why, &cm), 1);
    assert_string_equal(why, list.refused);
    assert_true(cm == 2093.0);
    char fits[128];
    snprintf(fits, sizeof fits, "%s/fits.gp", dir);
    assert_int_equal(vs_gp_script_refused(fits, why, sizeof why, &cm), 0);
    assert_int_equal(vs_gp_script_refused("/nonexistent/x.gp", NULL, 0, NULL), 0);
    /* Rendering draws the charts that fit (none here), then fails with
     * the reason; with nothing to draw it needs no gnuplot. */
    vs_gp_list only_refused = list;
    only_refused.n = 0;
    char *old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
    setenv("PATH", "/nonexistent", 1);
    assert_int_equal(vs_gp_render(dir, &only_refused, "png", &err), VS_ERUN);
    assert_string_equal(err.msg, list.refused);
    /* with a chart to draw, a missing gnuplot is said first */
    vs_err_free(&err);
    vs_err_init(&err);
    assert_int_equal(vs_gp_render(dir, &list, "png", &err), VS_ERUN);
    assert_non_null(strstr(err.msg, "gnuplot not found"));
    if (old) {
        setenv("PATH", old, 1);
        free(old);
    }
    unlink(p);
    snprintf(p, sizeof p, "%s/fits.gp", dir);
    unlink(p);
    rmdir(dir);
    vs_err_free(&err);
}

/* ---- the opening of a script ------------------------------------------ */

static void put_begin(vs_gp *g, FILE *f, const void *arg)
{
    vs_gp_script_begin(g, f, arg);
}

static void script_openings(void **state)
{
    (void)state;
    int st;
    vs_gp_script a = {"metrics", "equity metrics", "chart_metrics.csv", "",
                      16, 20.5, 0};
    char *s = written_by(put_begin, &a, 1, &st);
    assert_true(strncmp(s, "# metrics.gp: equity metrics.\n# Written by "
                           "vardsim; reads style.gp and chart_metrics.csv in "
                           "this folder.\n", 92) == 0);
    assert_non_null(strstr(s, "vs_width_cm = 16\nvs_height_cm = 20.5\nload "
                              "'style.gp'\nset decimalsign ','\n"));
    free(s);
    vs_gp_script b = {"sweep_gini", "gini", "chart_sweep.csv", " sweep", 16,
                      20, 1};
    s = written_by(put_begin, &b, 0, &st);
    assert_non_null(strstr(s, "# Written by vardsim sweep; reads "
                              "chart_sweep.csv in this folder.\n"));
    assert_non_null(strstr(s, vs_gp_style()));
    assert_null(strstr(s, "decimalsign"));
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quote_splices_single_quotes),
        cmocka_unit_test(quote_leaves_other_text_alone),
        cmocka_unit_test(quote_refuses_control_bytes),
        cmocka_unit_test(money_unit_by_size),
        cmocka_unit_test(number_swedish),
        cmocka_unit_test(number_english),
        cmocka_unit_test(number_edges),
        cmocka_unit_test(shorten_counts_characters),
        cmocka_unit_test(format_lists),
        cmocka_unit_test(tic_labels_double_percent),
        cmocka_unit_test(ids_are_protected),
        cmocka_unit_test(numbers_for_scripts),
        cmocka_unit_test(numbers_for_data),
        cmocka_unit_test(small_helpers),
        cmocka_unit_test(wrapped_text_is_quoted_per_line),
        cmocka_unit_test(variant_names_with_suffix),
        cmocka_unit_test(tall_page_is_refused),
        cmocka_unit_test(script_openings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
