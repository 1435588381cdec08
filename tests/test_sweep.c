/* test_sweep.c: sweep values (ranges with their end point, float steps,
 * lists), the grid order, errors, and a sweep run against separate runs
 * of the same values: common random numbers, any thread count, and
 * sweep.csv repeating metrics.csv's columns exactly. */
#include "helpers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "out/sweep_write.h"
#include "vardsim/load.h"
#include "vardsim/override.h"
#include "vardsim/report.h"
#include "vardsim/sim.h"
#include "analysis/sweep.h"

static const char *scenario_text =
    "scenario = { name = \"Sweep test: it's `quoted` @x\"; seed = 7; iterations = 50;\n"
    "             baseline = \"a\"; lang = \"en\"; };\n"
    "centres = (\n"
    "  { id = \"c1\"; name = \"One\"; listed = 1000; cni = 0.8; },\n"
    "  { id = \"c2\"; name = \"Two\"; listed = 3000; cni = 1.3; },\n"
    "  { id = \"c3\"; name = \"Three\"; listed = 2000; cni = 1.15; },\n"
    "  { id = \"c4\"; name = \"Four\"; listed = 1500; cni = 1.05; }\n"
    ");\n"
    "uncertainty = { cni = { dist = \"lognormal\"; sigma = 0.05; }; };\n"
    "variants = (\n"
    "  { id = \"a\"; name = \"A's base\"; rules = ( { type = \"capitation\"; pot = 1.0e7; } ); },\n"
    "  { id = \"top\"; name = \"Top-up\"; extends = \"a\";\n"
    "    rules = ( { type = \"cni_threshold\"; threshold = 1.1; split = \"listed_cni\";\n"
    "                pot = { dist = \"uniform\"; min = 1.0e5; max = 3.0e5; }; } ); },\n"
    "  { id = \"other\"; name = \"Other\"; extends = \"a\";\n"
    "    rules = ( { type = \"grant\"; to = [\"c1\"]; amounts = [5.0e4]; } ); }\n"
    ");\n";

static vs_scenario *load(void)
{
    return vs_test_load(scenario_text, "sweep.cfg");
}

/* ---- values ---------------------------------------------------------- */

/* 1.0:1.5:0.05 is 11 values, end point included, each the double of the
 * decimal as typed.  FROM + i STEP alone is not always that: 1.0 + 36 *
 * 0.01 is 1.3599999999999999, which would put a centre with CNI 1.36
 * "above" a threshold of 1.36. */
static void test_range_float_step(void **state)
{
    (void)state;
    vs_err err;
    vs_err_init(&err);
    double *v;
    size_t n;
    assert_int_equal(vs_sweep_range(1.0, 1.5, 0.05, &v, &n, &err), VS_OK);
    static const double want[] = {1.0, 1.05, 1.1, 1.15, 1.2, 1.25,
                                  1.3, 1.35, 1.4, 1.45, 1.5};
    assert_int_equal(n, 11);
    for (size_t i = 0; i < n; i++)
        assert_true(v[i] == want[i]); /* exactly */
    free(v);

    /* 0:1:0.1: 0.1 * 3 is 0.30000000000000004 in doubles */
    assert_int_equal(vs_sweep_range(0, 1, 0.1, &v, &n, &err), VS_OK);
    assert_int_equal(n, 11);
    assert_true(v[3] == 0.3);
    assert_true(v[10] == 1.0);
    free(v);

    /* 1.0:1.99:0.01 (the bench sweep): 100 values, the last 1.99 */
    assert_int_equal(vs_sweep_range(1.0, 1.99, 0.01, &v, &n, &err), VS_OK);
    assert_int_equal(n, 100);
    assert_true(v[99] == 1.99);
    assert_true(v[57] == 1.57);
    volatile double step = 0.01; /* computed at run time, as the code does */
    assert_true(1.0 + 36 * step != 1.36); /* the trap this guards against */
    assert_true(v[36] == 1.36);
    assert_true(v[14] == 1.14);
    free(v);
    vs_err_free(&err);
}

/* The end point only when it is on the grid; one value when TO = FROM. */
static void test_range_end_point(void **state)
{
    (void)state;
    vs_err err;
    vs_err_init(&err);
    double *v;
    size_t n;
    /* 0, 0.3, 0.6, 0.9: 1.2 would pass TO */
    assert_int_equal(vs_sweep_range(0, 1, 0.3, &v, &n, &err), VS_OK);
    assert_int_equal(n, 4);
    assert_true(v[3] == 0.9);
    free(v);
    assert_int_equal(vs_sweep_range(2.5, 2.5, 1, &v, &n, &err), VS_OK);
    assert_int_equal(n, 1);
    assert_true(v[0] == 2.5);
    free(v);
    /* money: 1 MSEK to 3 MSEK by 0.5 MSEK */
    assert_int_equal(vs_sweep_range(1e6, 3e6, 5e5, &v, &n, &err), VS_OK);
    assert_int_equal(n, 5);
    assert_true(v[0] == 1e6 && v[1] == 1.5e6 && v[4] == 3e6);
    free(v);
    /* negative values and a crossing of zero: never -0 */
    assert_int_equal(vs_sweep_range(-0.2, 0.2, 0.1, &v, &n, &err), VS_OK);
    assert_int_equal(n, 5);
    assert_true(v[2] == 0 && !signbit(v[2]));
    assert_true(v[0] == -0.2 && v[4] == 0.2);
    free(v);
    assert_int_equal(err.count, 0);
    vs_err_free(&err);
}

static void expect_range_error(double from, double to, double step,
                               const char *want)
{
    vs_err err;
    vs_err_init(&err);
    double *v = (double *)&err; /* must be reset to NULL */
    size_t n = 99;
    assert_int_equal(vs_sweep_range(from, to, step, &v, &n, &err), VS_EINPUT);
    assert_null(v);
    assert_int_equal(n, 0);
    if (!strstr(err.msg, want)) {
        fprintf(stderr, "'%s' lacks '%s'\n", err.msg, want);
        fail();
    }
    vs_err_free(&err);
}

static void test_range_errors(void **state)
{
    (void)state;
    expect_range_error(0, 1, 0, "STEP must be > 0");
    expect_range_error(0, 1, -0.1, "STEP must be > 0");
    expect_range_error(2, 1, 0.1, "TO (1) must be >= FROM (2)");
    expect_range_error(NAN, 1, 0.1, "finite");
    expect_range_error(0, INFINITY, 1, "finite");
    /* 100 001 values: a mistyped step */
    expect_range_error(0, 1, 1e-5, "the limit is 10000");
}

/* PATH=FROM:TO:STEP and PATH=v1,v2,...; the list keeps its order. */
static void test_axis_parse(void **state)
{
    (void)state;
    vs_err err;
    vs_err_init(&err);
    vs_sweep_axis a;
    assert_int_equal(vs_sweep_axis_parse("top.cni_threshold.threshold=1:2:0.25", &a, &err),
                     VS_OK);
    assert_string_equal(a.path, "top.cni_threshold.threshold");
    assert_int_equal(a.n, 5);
    assert_true(a.values[0] == 1 && a.values[1] == 1.25 && a.values[4] == 2);
    vs_sweep_axis_free(&a);
    assert_int_equal(vs_sweep_axis_parse("region.deficit= 3e8, 1e8 ,2.5e8", &a, &err), VS_OK);
    assert_string_equal(a.path, "region.deficit");
    assert_int_equal(a.n, 3);
    assert_true(a.values[0] == 3e8 && a.values[1] == 1e8 && a.values[2] == 2.5e8);
    vs_sweep_axis_free(&a);
    assert_int_equal(vs_sweep_axis_parse("x.y=-1.5", &a, &err), VS_OK);
    assert_int_equal(a.n, 1);
    assert_true(a.values[0] == -1.5);
    vs_sweep_axis_free(&a);
    assert_int_equal(err.count, 0);

    static const char *const bad[] = {
        "x.y", "=1:2:1", "x.y=", "x.y=1:2", "x.y=1:2:3:4", "x.y=1,,2",
        "x.y=abc", "x.y=1:2:0", "x.y=2:1:0.5", "x.y=1,2,", "x.y=1e999",
        "x.y=1;2"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        vs_err e;
        vs_err_init(&e);
        memset(&a, 0x55, sizeof a);
        if (vs_sweep_axis_parse(bad[i], &a, &e) != VS_EINPUT) {
            fprintf(stderr, "accepted '%s'\n", bad[i]);
            fail();
        }
        assert_null(a.path);
        assert_null(a.values);
        vs_err_free(&e);
    }
    vs_err_free(&err);
}

/* The grid: the first axis outermost, the last fastest. */
static void test_grid_order(void **state)
{
    (void)state;
    double av[] = {1, 2}, bv[] = {10, 20, 30};
    vs_sweep_axis axes[2] = {{"a", av, 2}, {"b", bv, 3}};
    assert_int_equal(vs_sweep_points(axes, 2), 6);
    assert_int_equal(vs_sweep_points(axes, 1), 2);
    assert_int_equal(vs_sweep_points(axes, 0), 0);
    static const double want[6][2] = {{1, 10}, {1, 20}, {1, 30},
                                      {2, 10}, {2, 20}, {2, 30}};
    for (size_t p = 0; p < 6; p++) {
        double x[2];
        vs_sweep_point(axes, 2, p, x);
        assert_true(x[0] == want[p][0] && x[1] == want[p][1]);
    }
    vs_sweep_axis empty[2] = {{"a", av, 2}, {"b", bv, 0}};
    assert_int_equal(vs_sweep_points(empty, 2), 0);
}

/* ---- running --------------------------------------------------------- */

typedef struct prog {
    long last, total, calls;
    int backwards;
} prog;

static void on_progress(void *ctx, long done, long total)
{
    prog *p = ctx;
    if (done < p->last)
        p->backwards = 1;
    p->last = done;
    p->total = total;
    p->calls++;
}

static vs_sweep_result *sweep(vs_scenario *sc, const char *over, long n,
                              int threads, prog *pr)
{
    vs_err err;
    vs_err_init(&err);
    vs_sweep_axis a;
    assert_int_equal(vs_sweep_axis_parse(over, &a, &err), VS_OK);
    vs_sweep_opts o;
    memset(&o, 0, sizeof o);
    o.seed = 7;
    o.iterations = n;
    o.threads = threads;
    if (pr) {
        o.progress = on_progress;
        o.progress_ctx = pr;
    }
    vs_sweep_result *r = NULL;
    int st = vs_sweep_run(sc, &a, 1, &o, &r, &err);
    if (st != VS_OK)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(st, VS_OK);
    vs_sweep_axis_free(&a);
    vs_err_free(&err);
    return r;
}

/* Each point equals a separate run with the value set by --set and the
 * same seed; the threshold moves `top` only, `a` and `other` are the
 * same at every point (common random numbers); thread counts agree. */
static void test_run_matches_separate_runs(void **state)
{
    (void)state;
    vs_scenario *sc = load();
    prog pr = {0};
    vs_sweep_result *r = sweep(sc, "top.cni_threshold.threshold=1.0:1.2:0.1", 60, 2, &pr);
    assert_int_equal(r->n_points, 3);
    assert_int_equal(r->n_variants, 3);
    assert_true(r->x[0] == 1.0 && r->x[1] == 1.1 && r->x[2] == 1.2);
    assert_close(r->before[0], 1.1, 0, 0); /* the file's threshold */
    assert_int_equal(r->money[0], 0);
    /* one progress bar for the whole sweep */
    assert_int_equal(pr.total, 3 * 60);
    assert_int_equal(pr.last, 3 * 60);
    assert_false(pr.backwards);

    size_t per = 3 * VS_STAT_COUNT;
    for (size_t p = 0; p < 3; p++) {
        vs_scenario *one = load();
        char set[64];
        snprintf(set, sizeof set, "top.cni_threshold.threshold=%.15g", r->x[p]);
        vs_err err;
        vs_err_init(&err);
        assert_int_equal(vs_override_apply(one, set, &err), VS_OK);
        vs_sim_opts o;
        memset(&o, 0, sizeof o);
        o.seed = 7;
        o.iterations = 60;
        o.threads = 1;
        vs_results *res = NULL;
        assert_int_equal(vs_sim_run(one, &o, &res, &err), VS_OK);
        assert_memory_equal(res->stats, r->stats + p * per, per * sizeof(vs_stat));
        vs_results_free(res);
        vs_err_free(&err);
        vs_scenario_free(one);
    }
    /* `a` (0) and `other` (2) do not move; `top` (1) does: c4 (CNI 1.05)
     * is in at threshold 1.0 and out at 1.1, so its high-need share
     * (CNI above 1.1) changes too. */
    for (size_t p = 1; p < 3; p++) {
        assert_memory_equal(r->stats + 0 * VS_STAT_COUNT,
                            r->stats + p * per + 0 * VS_STAT_COUNT,
                            VS_STAT_COUNT * sizeof(vs_stat));
        assert_memory_equal(r->stats + 2 * VS_STAT_COUNT,
                            r->stats + p * per + 2 * VS_STAT_COUNT,
                            VS_STAT_COUNT * sizeof(vs_stat));
    }
    const vs_stat *ci0 = &r->stats[0 * per + 1 * VS_STAT_COUNT + VS_M_CI_NEED];
    const vs_stat *ci1 = &r->stats[1 * per + 1 * VS_STAT_COUNT + VS_M_CI_NEED];
    assert_true(ci0->point != ci1->point);

    /* 1 and 3 threads: the same bytes */
    vs_sweep_result *r1 = sweep(sc, "top.cni_threshold.threshold=1.0:1.2:0.1", 60, 1, NULL);
    vs_sweep_result *r3 = sweep(sc, "top.cni_threshold.threshold=1.0:1.2:0.1", 60, 3, NULL);
    assert_memory_equal(r1->stats, r->stats, 3 * per * sizeof(vs_stat));
    assert_memory_equal(r3->stats, r->stats, 3 * per * sizeof(vs_stat));
    vs_sweep_free(r1);
    vs_sweep_free(r3);
    vs_sweep_free(r);
    vs_scenario_free(sc);
}

/* Two paths: the whole grid, first path outer; a money path is marked. */
static void test_run_grid(void **state)
{
    (void)state;
    vs_scenario *sc = load();
    vs_err err;
    vs_err_init(&err);
    vs_sweep_axis a[2];
    assert_int_equal(vs_sweep_axis_parse("top.cni_threshold.threshold=1.0,1.2", &a[0], &err), VS_OK);
    assert_int_equal(vs_sweep_axis_parse("a.capitation.pot=1e7:3e7:1e7", &a[1], &err), VS_OK);
    vs_sweep_opts o;
    memset(&o, 0, sizeof o);
    o.seed = 7;
    o.iterations = 0;
    o.threads = 1;
    vs_sweep_result *r = NULL;
    assert_int_equal(vs_sweep_run(sc, a, 2, &o, &r, &err), VS_OK);
    assert_int_equal(r->n_points, 6);
    assert_true(r->x[2 * 2] == 1.0 && r->x[2 * 2 + 1] == 3e7);
    assert_true(r->x[3 * 2] == 1.2 && r->x[3 * 2 + 1] == 1e7);
    assert_int_equal(r->money[1], 1);
    assert_close(r->before[1], 1e7, 0, 0);
    /* a's total follows the pot (öre): point 4 is (1.2, 2e7) */
    size_t per = 3 * VS_STAT_COUNT;
    assert_close(r->stats[4 * per + VS_STAT_TOTAL].point, 2e9, 0, 0);
    /* the scenario is left at the last point */
    assert_close(sc->params[vs_scenario_find_param(sc, "a.capitation.pot")].dist.p[0],
                 3e7, 0, 0);
    vs_sweep_free(r);
    vs_sweep_axis_free(&a[0]);
    vs_sweep_axis_free(&a[1]);
    vs_err_free(&err);
    vs_scenario_free(sc);
}

/* A floor and a cap swept together: the first point sets a floor above
 * the scenario's cap (1500), which is refused until the cap is set too;
 * the sweep retries it, so the grid runs. */
static void test_run_cap_and_floor(void **state)
{
    (void)state;
    vs_scenario *sc = load();
    vs_err err;
    vs_err_init(&err);
    assert_int_equal(vs_override_apply(sc, "top.cni_threshold.cap=1500", &err), VS_OK);
    assert_int_equal(vs_override_apply(sc, "top.cni_threshold.floor=1000", &err), VS_OK);
    vs_sweep_axis a[2];
    assert_int_equal(vs_sweep_axis_parse("top.cni_threshold.floor=2000,3000", &a[0], &err), VS_OK);
    assert_int_equal(vs_sweep_axis_parse("top.cni_threshold.cap=4000,5000", &a[1], &err), VS_OK);
    vs_sweep_opts o;
    memset(&o, 0, sizeof o);
    o.seed = 7;
    o.threads = 1;
    vs_sweep_result *r = NULL;
    int st = vs_sweep_run(sc, a, 2, &o, &r, &err);
    if (st != VS_OK)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(st, VS_OK);
    assert_int_equal(r->n_points, 4);
    int cap = vs_scenario_find_param(sc, "top.cni_threshold.cap");
    int fl = vs_scenario_find_param(sc, "top.cni_threshold.floor");
    assert_close(sc->params[cap].dist.p[0], 5000, 0, 0);
    assert_close(sc->params[fl].dist.p[0], 3000, 0, 0);
    vs_sweep_free(r);
    /* a point where the cap stays below the floor is refused */
    vs_sweep_axis_free(&a[1]);
    assert_int_equal(vs_sweep_axis_parse("top.cni_threshold.cap=2500,5000", &a[1], &err), VS_OK);
    assert_int_equal(vs_sweep_run(sc, a, 2, &o, &r, &err), VS_EINPUT);
    assert_non_null(strstr(err.msg, "cap (2500) would be below floor (3000)"));
    vs_sweep_axis_free(&a[0]);
    vs_sweep_axis_free(&a[1]);
    vs_err_free(&err);
    vs_scenario_free(sc);
}

/* Bad paths and values fail before anything runs. */
static void test_run_errors(void **state)
{
    (void)state;
    vs_scenario *sc = load();
    static const struct {
        const char *over, *want;
    } cases[] = {
        {"top.cni_threshold.treshold=1:2:0.5",
         "unknown path 'top.cni_threshold.treshold'; nearest: top.cni_threshold.threshold"},
        /* the last value is out of range: refused before the first runs */
        {"top.cni_threshold.threshold=0.5,1,0", "must be > 0, got 0"},
        {"uncertainty.cni.sigma=-0.1,0.1", "'uncertainty.cni.sigma' must be >= 0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        vs_err err;
        vs_err_init(&err);
        vs_sweep_axis a;
        assert_int_equal(vs_sweep_axis_parse(cases[i].over, &a, &err), VS_OK);
        vs_sweep_opts o;
        memset(&o, 0, sizeof o);
        o.iterations = 10;
        o.threads = 1;
        prog pr = {0};
        o.progress = on_progress;
        o.progress_ctx = &pr;
        vs_sweep_result *r = (vs_sweep_result *)&err;
        assert_int_equal(vs_sweep_run(sc, &a, 1, &o, &r, &err), VS_EINPUT);
        assert_null(r);
        assert_int_equal(pr.calls, 0); /* nothing ran */
        if (!strstr(err.msg, cases[i].want)) {
            fprintf(stderr, "'%s' lacks '%s'\n", err.msg, cases[i].want);
            fail();
        }
        vs_sweep_axis_free(&a);
        vs_err_free(&err);
    }
    /* the same path twice */
    vs_err err;
    vs_err_init(&err);
    double v[] = {1.0};
    vs_sweep_axis twice[2] = {{"top.cni_threshold.threshold", v, 1},
                              {"top.cni_threshold.threshold", v, 1}};
    vs_sweep_opts o;
    memset(&o, 0, sizeof o);
    o.threads = 1;
    vs_sweep_result *r = NULL;
    assert_int_equal(vs_sweep_run(sc, twice, 2, &o, &r, &err), VS_EINPUT);
    assert_non_null(strstr(err.msg, "swept twice"));
    vs_err_free(&err);
    vs_scenario_free(sc);
}

/* ---- writing --------------------------------------------------------- */

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
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

/* sweep.csv: the swept path, then metrics.csv's columns; each point's
 * rows, without the first cell, are metrics.csv of a run at that value,
 * byte for byte.  The chart scripts carry the scenario's text only as
 * quoted literals. */
static void test_write(void **state)
{
    (void)state;
    char dir[] = "/tmp/vs_test_sweep_XXXXXX";
    assert_non_null(mkdtemp(dir));
    vs_scenario *sc = load();
    vs_sweep_result *r = sweep(sc, "top.cni_threshold.threshold=1.1,1.0", 30, 2, NULL);
    vs_err err;
    vs_err_init(&err);
    vs_outset set;
    vs_outset_init(&set);
    vs_sweep_write_opts wo = {.dir = dir};
    assert_int_equal(vs_sweep_write(sc, r, &wo, &set, NULL, &err), VS_OK);
    assert_int_equal(vs_outset_commit(&set, &err), VS_OK);
    vs_outset_free(&set);

    char path[512];
    snprintf(path, sizeof path, "%s/sweep.csv", dir);
    char *csv = slurp(path);
    const char *head = "top.cni_threshold.threshold,variant,metric,point,mean,"
                       "sd,p05,p50,p95,mcse,diff_mean,p_better\n";
    assert_memory_equal(csv, head, strlen(head));
    size_t lines = 0;
    for (const char *p = csv; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 1 + 2 * 3 * VS_STAT_COUNT);

    /* metrics.csv of a run at threshold 1.0 (the second point) */
    for (size_t p = 0; p < 2; p++) {
        vs_scenario *one = load();
        char set_text[64];
        snprintf(set_text, sizeof set_text, "top.cni_threshold.threshold=%s",
                 p ? "1.0" : "1.1");
        assert_int_equal(vs_override_apply(one, set_text, &err), VS_OK);
        vs_sim_opts o;
        memset(&o, 0, sizeof o);
        o.seed = 7;
        o.iterations = 30;
        o.threads = 1;
        vs_results *res = NULL;
        assert_int_equal(vs_sim_run(one, &o, &res, &err), VS_OK);
        char rdir[300];
        snprintf(rdir, sizeof rdir, "%s/run%zu", dir, p);
        assert_int_equal(vs_output_mkdir(rdir, &err), VS_OK);
        vs_outset rs;
        vs_outset_init(&rs);
        vs_report_opts ro = {rdir, 0, 0, 0, NULL};
        assert_int_equal(vs_report_write(one, res, &ro, &rs, &err), VS_OK);
        assert_int_equal(vs_outset_commit(&rs, &err), VS_OK);
        vs_outset_free(&rs);
        snprintf(path, sizeof path, "%s/metrics.csv", rdir);
        char *metrics = slurp(path);
        /* rebuild this point's block of sweep.csv without the first cell */
        const char *prefix = p ? "1," : "1.1,";
        size_t plen = strlen(prefix);
        char *expect = strchr(metrics, '\n') + 1; /* skip the header */
        const char *q = strchr(csv, '\n') + 1;
        for (size_t skip = 0; skip < p * 3 * VS_STAT_COUNT; skip++)
            q = strchr(q, '\n') + 1;
        for (size_t row = 0; row < 3 * VS_STAT_COUNT; row++) {
            const char *end = strchr(q, '\n');
            const char *eend = strchr(expect, '\n');
            assert_memory_equal(q, prefix, plen);
            assert_int_equal((size_t)(end - q) - plen, (size_t)(eend - expect));
            assert_memory_equal(q + plen, expect, (size_t)(eend - expect));
            q = end + 1;
            expect = (char *)eend + 1;
        }
        free(metrics);
        vs_results_free(res);
        vs_scenario_free(one);
    }
    free(csv);

    /* manifest and charts */
    snprintf(path, sizeof path, "%s/manifest.txt", dir);
    char *man = slurp(path);
    assert_non_null(strstr(man, "over: top.cni_threshold.threshold = 1.1, 1 (2 values)"));
    assert_non_null(strstr(man, "\niterations: 30\n"));
    assert_non_null(strstr(man, "\nanalysis: sweep\n"));
    assert_non_null(strstr(man, "\nseed: 7\n"));
    assert_non_null(strstr(man, "points: 2 (the first path outermost), each "
                                "with the iterations above"));
    free(man);
    snprintf(path, sizeof path, "%s/sweep_ci_need.gp", dir);
    char *gp = slurp(path);
    /* the scenario's name, spliced around its quote, backquote and @ kept
     * inside single quotes */
    assert_non_null(strstr(gp, "t_scenario = 'Sweep test: it' . \"\\047\" . "
                               "'s `quoted` @x'"));
    assert_non_null(strstr(gp, "t_v0 = 'A' . \"\\047\" . 's base (baseline)'"));
    /* the swept path in words: key, rule type, variant name */
    assert_non_null(strstr(gp, "t_x = 'CNI threshold, CNI top-up: Top-up'"));
    assert_null(strstr(gp, "\"Sweep"));
    free(gp);
    snprintf(path, sizeof path, "%s/chart_sweep.csv", dir);
    char *data = slurp(path);
    assert_null(strstr(data, "Sweep")); /* numbers only */
    free(data);

    vs_sweep_free(r);
    vs_err_free(&err);
    vs_scenario_free(sc);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_range_float_step),
        cmocka_unit_test(test_range_end_point),
        cmocka_unit_test(test_range_errors),
        cmocka_unit_test(test_axis_parse),
        cmocka_unit_test(test_grid_order),
        cmocka_unit_test(test_run_matches_separate_runs),
        cmocka_unit_test(test_run_grid),
        cmocka_unit_test(test_run_cap_and_floor),
        cmocka_unit_test(test_run_errors),
        cmocka_unit_test(test_write),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
