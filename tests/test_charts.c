/* test_charts.c: the run's charts (charts.h) on a hand-made run, and
 * rendering them (out/gp.h; the writer's pieces are in test_gp.c).
 *
 * Rendering with the real gnuplot, every shipped scenario and the
 * injection cases run end to end in tests/cli/charts.sh; here the output
 * is checked against values worked out by hand. */
#include "helpers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "out/charts.h"
#include "out/gp.h"
#include "vardsim/metrics.h"
#include "vardsim/output.h"

/* ---- vs_charts_write on a hand-made run ------------------------------ */

/* Three centres, two variants.  Baseline "base": capitation 1000 SEK by
 * listed (100, 100, 200) -> 250, 250, 500 SEK.  Variant "grant" adds
 * 100 SEK to centre a.  CNI a 1.5, b 0.8, c 1.0, so by CNI ascending the
 * order is b, c, a. */
typedef struct fixture {
    vs_centre centres[3];
    vs_variant variants[2];
    vs_scenario sc;
    vs_stat stats[2 * VS_STAT_COUNT];
    vs_centre_stat cs[2 * 3];
    double listed[3], cni[3];
    vs_results res;
    char dir[64];
} fixture;

static char *xstrdup(const char *s)
{
    char *p = malloc(strlen(s) + 1);
    assert_non_null(p);
    return strcpy(p, s);
}

static int fixture_setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    const char *ids[3] = {"a", "b", "c"};
    const char *names[3] = {"It's `touch MARKER` @m", "B\xc3\xa5st", "C_c^{x}"};
    double listed[3] = {100, 100, 200}, cni[3] = {1.5, 0.8, 1.0};
    vs_ore base[3] = {25000, 25000, 50000};
    for (int i = 0; i < 3; i++) {
        fx->centres[i].id = xstrdup(ids[i]);
        fx->centres[i].name = xstrdup(names[i]);
        fx->centres[i].listed = fx->listed[i] = listed[i];
        fx->centres[i].cni = fx->cni[i] = cni[i];
        snprintf(fx->centres[i].cni_text, sizeof fx->centres[i].cni_text,
                 "%g", cni[i]);
    }
    fx->variants[0].id = xstrdup("base");
    fx->variants[0].name = xstrdup("Baseline \"2022\"");
    fx->variants[0].extends = VS_NONE;
    fx->variants[1].id = xstrdup("grant");
    fx->variants[1].name = xstrdup("'; system('touch MARKER'); '");
    fx->variants[1].extends = 0;
    fx->sc.name = xstrdup("Test @scenario");
    fx->sc.baseline = 0;
    strcpy(fx->sc.lang, "sv");
    fx->sc.high_need_cni = 1.1;
    fx->sc.n_centres = 3;
    fx->sc.centres = fx->centres;
    fx->sc.n_variants = 2;
    fx->sc.variants = fx->variants;

    for (size_t k = 0; k < 2 * VS_STAT_COUNT; k++)
        fx->stats[k] = (vs_stat){0.1, 0.1, 0.01, 0.09, 0.1, 0.11, 0.001,
                                 NAN, NAN, 10};
    fx->stats[VS_STAT_COUNT + VS_M_GINI].p_better = 0.97;
    for (int v = 0; v < 2; v++)
        for (int i = 0; i < 3; i++) {
            vs_centre_stat *s = &fx->cs[v * 3 + i];
            s->point = base[i] + (v == 1 && i == 0 ? 10000 : 0);
            s->mean = s->p05 = s->p95 = (double)s->point;
            s->p_loss = v ? 0 : NAN;
            s->change_p05 = v ? (i == 0 ? 5000 : 0) : NAN;
            s->change_p95 = v ? (i == 0 ? 15000 : 0) : NAN;
        }
    fx->res.n_variants = 2;
    fx->res.n_centres = 3;
    fx->res.iterations = 10;
    fx->res.stats = fx->stats;
    fx->res.centres = fx->cs;
    fx->res.point_listed = fx->listed;
    fx->res.point_cni = fx->cni;

    snprintf(fx->dir, sizeof fx->dir, "/tmp/vs_test_charts.XXXXXX");
    if (!mkdtemp(fx->dir))
        return -1;
    *state = fx;
    return 0;
}

static int fixture_teardown(void **state)
{
    fixture *fx = *state;
    /* Remove the files this test made (and only those). */
    const char *files[] = {"style.gp", "allocation.gp", "concentration.gp",
                           "metrics.gp", "per_capita.gp",
                           "chart_allocation.csv", "chart_curves.csv",
                           "chart_metrics.csv", "chart_per_capita.csv",
                           "chart_concentration.csv", "allocation.png"};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        char p[128];
        snprintf(p, sizeof p, "%s/%s", fx->dir, files[k]);
        unlink(p);
    }
    rmdir(fx->dir);
    for (int i = 0; i < 3; i++) {
        free(fx->centres[i].id);
        free(fx->centres[i].name);
    }
    for (int v = 0; v < 2; v++) {
        free(fx->variants[v].id);
        free(fx->variants[v].name);
    }
    free(fx->sc.name);
    free(fx);
    return 0;
}

/* Whole file `dir/name` as a string (free it). */
static char *slurp(const char *dir, const char *name)
{
    char p[128];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

/* The scripts the last write_and_commit recorded. */
static vs_gp_list written;

static int write_and_commit(fixture *fx, vs_err *err)
{
    vs_outset set;
    vs_outset_init(&set);
    vs_gp_list_init(&written);
    int st = vs_charts_write(&fx->sc, &fx->res, NULL, fx->dir, &set, &written, err);
    if (st == VS_OK)
        st = vs_outset_commit(&set, err);
    vs_outset_free(&set);
    return st;
}

/* The line of `text` that starts with `prefix`, copied into buf. */
static const char *line_starting(const char *text, const char *prefix,
                                 char *buf, size_t n)
{
    for (const char *p = text; p && *p;) {
        size_t len = strcspn(p, "\n");
        if (strncmp(p, prefix, strlen(prefix)) == 0) {
            snprintf(buf, n, "%.*s", (int)len, p);
            return buf;
        }
        p += len + (p[len] == '\n');
    }
    return NULL;
}

static void write_data_files(void **state)
{
    fixture *fx = *state;
    vs_err err;
    vs_err_init(&err);
    assert_int_equal(write_and_commit(fx, &err), VS_OK);

    char *alloc = slurp(fx->dir, "chart_allocation.csv");
    assert_non_null(alloc);
    /* Rows of the one non-baseline variant in CNI order b, c, a.  Only
     * a changes at the point (+100.00 SEK, 40 % of its 250), so only a
     * is in the panel (panel 0, row 1); b and c are not shown (panel -1)
     * and have no whisker: their interval [0, 0] holds 0.  Whiskers 50
     * and 150 SEK from change_p05/p95 in öre. */
    assert_string_equal(alloc,
                        "variant,centre,v,panel,row,change,change_p05,change_p95,"
                        "whisker,change_pct\n"
                        "grant,b,1,-1,,0.00,0,0,0,0\n"
                        "grant,c,1,-1,,0.00,0,0,0,0\n"
                        "grant,a,1,0,1,100.00,50,150,1,40\n");
    free(alloc);

    /* The index panel's data: ci_need 0.1 for both, so no change. */
    char *conc = slurp(fx->dir, "chart_concentration.csv");
    assert_non_null(conc);
    assert_string_equal(conc, "variant,v,row,ci_need,ci_change\n"
                              "grant,1,1,0.1,0\n");
    free(conc);

    char *curves = slurp(fx->dir, "chart_curves.csv"), line[256];
    assert_non_null(curves);
    /* Cumulative shares in %, order b, c, a.  Listed 100, 200, 100 of
     * 400; need 80, 200, 150 of 430; baseline money 250, 500, 250 of
     * 1000; variant 250, 500, 350 of 1100; shift = baseline - variant. */
    double r[10];
    assert_non_null(line_starting(curves, "2,c,", line, sizeof line));
    assert_int_equal(sscanf(line, "2,c,%lf,%lf,%lf,%lf,%lf,%lf", &r[0], &r[1],
                            &r[2], &r[3], &r[4], &r[5]), 6);
    assert_close(r[0], 1.0, 0, 1e-12);                 /* cni */
    assert_close(r[1], 75.0, 1e-9, 0);                 /* 300 / 400 */
    assert_close(r[2], 100.0 * 280 / 430, 1e-9, 0);    /* 65.116... */
    assert_close(r[3], 75.0, 1e-9, 0);                 /* 750 / 1000 */
    assert_close(r[4], 100.0 * 750 / 1100, 1e-9, 0);   /* 68.18... */
    assert_close(r[5], 75.0 - 100.0 * 750 / 1100, 1e-9, 1e-12);
    /* rank 0 has no CNI: an empty cell, as in every table */
    assert_non_null(line_starting(curves, "0,,", line, sizeof line));
    assert_string_equal(line, "0,,,0,0,0,0,0");
    free(curves);

    char *pc = slurp(fx->dir, "chart_per_capita.csv");
    assert_non_null(pc);
    /* Centre a under "grant": 350 SEK / 100 persons = 3.5; largest list
     * 200, so a's point size is 0.2 + 1.5 * sqrt(100 / 200). */
    assert_non_null(line_starting(pc, "grant,a,1,2,1.5,100,3.5,", line, sizeof line));
    double size;
    assert_int_equal(sscanf(line, "grant,a,1,2,1.5,100,3.5,%lf", &size), 1);
    assert_close(size, 0.2 + 1.5 * sqrt(0.5), 1e-9, 0);
    free(pc);

    char *met = slurp(fx->dir, "chart_metrics.csv");
    assert_non_null(met);
    /* gini of "grant": point 0.1, p_better 0.97; row 1 (the second of two
     * variants from the top); dissimilarity is shown in per cent. */
    assert_non_null(line_starting(met, "gini,grant,0,1,2,1,0.1,0.09,0.11,0.97",
                                  line, sizeof line));
    /* the baseline's P(better) is undefined: an empty cell */
    assert_non_null(line_starting(met, "dissimilarity,base,3,0,1,2,10,9,11",
                                  line, sizeof line));
    assert_string_equal(line, "dissimilarity,base,3,0,1,2,10,9,11,");
    free(met);
    vs_err_free(&err);
}

/* Split a script into what gnuplot runs outside single-quoted literals
 * (`code`) and its comments (from a # outside any quotes).  vardsim
 * writes no ' inside a literal, so each ' opens or closes one; the only
 * double-quoted strings are fixed ("\n", "\047", and the hint in a
 * header comment), copied whole. */
static void split_script(const char *s, char *code, char *comments)
{
    int in_q = 0;
    for (const char *p = s; *p; p++) {
        if (in_q) {
            if (*p == '\'')
                in_q = 0, *code++ = '\'';
        } else if (*p == '"') {
            const char *e = strchr(p + 1, '"');
            assert_non_null(e);
            memcpy(code, p, (size_t)(e - p + 1));
            code += e - p + 1;
            p = e;
        } else if (*p == '\'') {
            in_q = 1;
            *code++ = '\'';
        } else if (*p == '#') {
            while (*p && *p != '\n')
                *comments++ = *p++;
            *comments++ = '\n';
            *code++ = '\n';
            if (!*p)
                break;
        } else {
            *code++ = *p;
        }
    }
    *code = *comments = '\0';
}

static void write_scripts_quote_names(void **state)
{
    fixture *fx = *state;
    vs_err err;
    vs_err_init(&err);
    assert_int_equal(write_and_commit(fx, &err), VS_OK);
    const char *scripts[] = {"allocation.gp", "concentration.gp", "metrics.gp",
                             "per_capita.gp"};
    /* Pieces of the scenario's names that must never be code. */
    const char *pieces[] = {"touch", "MARKER", "@m", "@scenario", "2022",
                            "B\xc3\xa5st", "C_c"};
    for (int k = 0; k < 4; k++) {
        char *s = slurp(fx->dir, scripts[k]);
        assert_non_null(s);
        size_t n = strlen(s) + 1;
        char *code = malloc(n), *comments = malloc(n);
        assert_non_null(code);
        assert_non_null(comments);
        split_script(s, code, comments);
        for (size_t i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
            assert_null(strstr(code, pieces[i]));
            assert_null(strstr(comments, pieces[i]));
        }
        /* The only double-quoted strings in code are the fixed "\n" and
         * "\047". */
        for (const char *p = strchr(code, '"'); p; p = strchr(p + 1, '"')) {
            int nl = strncmp(p, "\"\\n\"", 4) == 0;
            assert_true(nl || strncmp(p, "\"\\047\"", 6) == 0);
            p += nl ? 3 : 5;
        }
        /* The names are there, as literals. */
        assert_non_null(strstr(s, "t_v1 = \"\\047\" . '; system(' . "
                                  "\"\\047\" . 'touch MARKER' . \"\\047\" . "
                                  "'); ' . \"\\047\"\n"));
        assert_non_null(strstr(s, "t_v0 = 'Baseline \"2022\"'"));
        assert_non_null(strstr(s, "t_scenario = 'Test @scenario'"));
        assert_non_null(strstr(s, "\nset decimalsign ','\n"));
        assert_non_null(strstr(s, "\nload 'style.gp'\n"));
        free(code);
        free(comments);
        free(s);
    }
    /* The allocation tick labels: name, two spaces, CNI with a decimal
     * comma (one decimal shows every CNI here: 0,8 1,0 1,5); only the
     * centre whose point change is not 0 öre. */
    char *a = slurp(fx->dir, "allocation.gp");
    assert_non_null(strstr(a, "'It' . \"\\047\" . 's `touch MARKER` @m  1,5' 1"));
    assert_null(strstr(a, "'B\xc3\xa5st  0,8'"));
    /* Money axis: changes up to 150 SEK, so kr; the value and its per
     * cent in the column beside the bars; the panel's total and count; no warning. */
    assert_non_null(strstr(a, "t_axis = 'F\xc3\xb6r\xc3\xa4ndring mot "
                              "j\xc3\xa4mf\xc3\xb6relsealternativet (kr)'"));
    assert_non_null(strstr(a, "set label 1000 '+100 (+40,0 %)' at screen "));
    assert_non_null(strstr(a, "t_total0 = 'Summa +100 kr (+10,0 %); 1 av 3 "
                              "h\xc3\xa4lsocentraler f\xc3\xa5r en annan summa'"));
    assert_null(strstr(a, "t_mark0"));
    free(a);
    vs_err_free(&err);
}

/* --all-centres and --variants: every centre in the panel, whiskers only
 * where they mean something; a variant with a shortfall is marked in its
 * panel's head; an unknown or baseline id is refused. */
static void write_allocation_options(void **state)
{
    fixture *fx = *state;
    vs_err err;
    vs_err_init(&err);
    vs_charts_opts o = {"grant", 1};
    vs_shortfall_sum sf = {500000, 1u << 2, 0, 1u << 2, 10}; /* a cut */
    fx->variants[1].n_rules = 1;
    fx->res.shortfalls = &sf;
    fx->res.n_rules = 1;
    vs_outset set;
    vs_outset_init(&set);
    assert_int_equal(vs_charts_write(&fx->sc, &fx->res, &o, fx->dir, &set,
                                     NULL, &err), VS_OK);
    assert_int_equal(vs_outset_commit(&set, &err), VS_OK);
    vs_outset_free(&set);
    fx->variants[1].n_rules = 0;
    fx->res.shortfalls = NULL;
    fx->res.n_rules = 0;
    char *alloc = slurp(fx->dir, "chart_allocation.csv");
    assert_string_equal(alloc,
                        "variant,centre,v,panel,row,change,change_p05,change_p95,"
                        "whisker,change_pct\n"
                        "grant,b,1,0,1,0.00,0,0,0,0\n"
                        "grant,c,1,0,2,0.00,0,0,0,0\n"
                        "grant,a,1,0,3,100.00,50,150,1,40\n");
    free(alloc);
    char *a = slurp(fx->dir, "allocation.gp");
    assert_non_null(strstr(a, "'B\xc3\xa5st  0,8' 1"));
    assert_non_null(strstr(a, "set label 1000 '0 (0 %)' at screen "));
    assert_non_null(strstr(a, "t_mark0 = '\xe2\x9a\xa0 Varning: besparingen "
                              "togs inte fullt ut (5 000 kr vid "
                              "punktskattningen; i' . \"\\n\" . '100,0 % av "
                              "dragningarna)'"));
    assert_non_null(strstr(a, "set label 12 t_mark0"));
    free(a);

    assert_int_equal(vs_charts_check_variants(&fx->sc, "grant", &err), VS_OK);
    assert_int_equal(vs_charts_check_variants(&fx->sc, NULL, &err), VS_OK);
    assert_int_equal(vs_charts_check_variants(&fx->sc, "grant,nope", &err),
                     VS_EINPUT);
    assert_string_equal(err.msg, "--variants: no variant 'nope' in the "
                                 "scenario (its variants: grant)");
    vs_err_free(&err);
    assert_int_equal(vs_charts_check_variants(&fx->sc, "base", &err), VS_EINPUT);
    assert_non_null(strstr(err.msg, "'base' is the baseline"));
    vs_err_free(&err);
    assert_int_equal(vs_charts_check_variants(&fx->sc, "grant,", &err),
                     VS_EINPUT);
    assert_non_null(strstr(err.msg, "an empty id"));
    vs_err_free(&err);
}

static void write_style_matches_plots(void **state)
{
    fixture *fx = *state;
    vs_err err;
    vs_err_init(&err);
    assert_int_equal(write_and_commit(fx, &err), VS_OK);
    char *style = slurp(fx->dir, "style.gp");
    assert_non_null(style);
    /* plots/vardsim.gp is the source; the binary's copy must equal it.
     * __FILE__ is tests/test_charts.c relative to where make runs. */
    char dir[512], *src;
    snprintf(dir, sizeof dir, "%s", __FILE__);
    char *slash = strrchr(dir, '/');
    if (slash)
        strcpy(slash, "/../plots");
    else
        strcpy(dir, "../plots");
    src = slurp(dir, "vardsim.gp");
    if (!src) {
        free(style);
        skip(); /* run from elsewhere: tests/cli/charts.sh compares too */
    }
    assert_string_equal(style, src);
    free(src);
    free(style);
    vs_err_free(&err);
}

static void write_refuses_control_bytes(void **state)
{
    fixture *fx = *state;
    vs_err err;
    vs_err_init(&err);
    fx->centres[1].name[1] = '\n';
    assert_int_equal(write_and_commit(fx, &err), VS_EINPUT);
    assert_string_equal(err.msg, "centre 'b': the name holds a control "
                                 "character (byte 0x0a), which a chart "
                                 "cannot carry");
    /* Nothing was written. */
    char *s = slurp(fx->dir, "allocation.gp");
    assert_null(s);
    vs_err_free(&err);
}

static void write_removes_stale_images(void **state)
{
    fixture *fx = *state;
    vs_err err;
    vs_err_init(&err);
    char p[128];
    snprintf(p, sizeof p, "%s/allocation.png", fx->dir);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("old", f);
    fclose(f);
    assert_int_equal(write_and_commit(fx, &err), VS_OK);
    assert_int_equal(access(p, F_OK), -1);
    vs_err_free(&err);
}

/* ---- vs_gp_render ------------------------------------------------ */

static void render_without_gnuplot(void **state)
{
    fixture *fx = *state;
    vs_err err;
    vs_err_init(&err);
    char *old = getenv("PATH") ? xstrdup(getenv("PATH")) : NULL;
    /* A PATH whose only folder holds no gnuplot. */
    setenv("PATH", fx->dir, 1);
    assert_int_equal(write_and_commit(fx, &err), VS_OK);
    assert_int_equal(written.n, 4);
    assert_int_equal(written.n_refused, 0);
    assert_int_equal(vs_gp_render(fx->dir, &written, "png", &err), VS_ERUN);
    assert_string_equal(err.msg, "gnuplot not found on PATH: install "
                                 "gnuplot-nox, or run without --render");
    vs_err_free(&err);
    /* A bad format is reported before gnuplot is looked for. */
    assert_int_equal(vs_gp_render(fx->dir, &written, "gif", &err), VS_EINPUT);
    vs_err_free(&err);
    if (old) {
        setenv("PATH", old, 1);
        free(old);
    }
}

static int have_gnuplot(void)
{
    const char *path = getenv("PATH");
    char buf[1024];
    for (const char *p = path ? path : ""; *p;) {
        size_t len = strcspn(p, ":");
        snprintf(buf, sizeof buf, "%.*s/gnuplot", (int)len, p);
        if (access(buf, X_OK) == 0)
            return 1;
        p += len + (p[len] == ':');
    }
    return 0;
}

static void render_reports_gnuplot_error(void **state)
{
    fixture *fx = *state;
    if (!have_gnuplot())
        skip();
    vs_err err;
    vs_err_init(&err);
    assert_int_equal(write_and_commit(fx, &err), VS_OK);
    /* Break one script: gnuplot must fail, vardsim must name the script
     * and quote gnuplot's error, and leave no image or temporary file. */
    char p[128];
    snprintf(p, sizeof p, "%s/allocation.gp", fx->dir);
    FILE *f = fopen(p, "a");
    assert_non_null(f);
    fputs("plot no_such_variable\n", f);
    fclose(f);
    assert_int_equal(vs_gp_render(fx->dir, &written, "png", &err), VS_ERUN);
    assert_non_null(strstr(err.msg, "gnuplot failed on "));
    assert_non_null(strstr(err.msg, "/allocation.gp (png): "));
    assert_non_null(strstr(err.msg, "undefined variable: no_such_variable"));
    snprintf(p, sizeof p, "%s/allocation.png", fx->dir);
    assert_int_equal(access(p, F_OK), -1);
    vs_err_free(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(write_data_files, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(write_allocation_options,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(write_scripts_quote_names,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(write_style_matches_plots,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(write_refuses_control_bytes,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(write_removes_stale_images,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(render_without_gnuplot, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(render_reports_gnuplot_error,
                                        fixture_setup, fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
